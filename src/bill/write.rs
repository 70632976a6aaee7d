//! The demo's bill: a Data Export (CUR 2.0 with split cost allocation data, or FOCUS 1.x) of a
//! snapshot's calendar month, written the way AWS writes one, so `--bill` can be tried without an
//! AWS account.
//!
//! It is built from the snapshot's usage as AWS bills it, not as the model estimates it:
//! - every task is a task of its own, with an ID, a start and a stop, rebuilt from each step's
//!   running, started and average counts (replaced and scaled-in tasks stop oldest first); Fargate
//!   bills it per second, at least a minute (15 on Windows), in a line per hour;
//! - tasks on instances are placed on the snapshot's instances (binpack on memory, daemons one an
//!   instance), and each instance-hour's cost is split between them by AWS's split cost
//!   allocation: the larger of what a task reserved and what it used, weighed 9:1 vCPU to GB,
//!   the instance's unused capacity shared out in proportion
//!   (<https://docs.aws.amazon.com/cur/latest/userguide/example-split-cost-allocation-data.html>);
//! - the month's hours past the snapshot's window repeat its last day.
//!
//! Three gaps are put there on purpose, for `--bill` to name with their amounts: a Compute
//! Savings Plan that covers two services' Fargate usage at [`SAVINGS_PLAN_PCT`]% off, a service
//! the snapshot does not have ([`UNKNOWN_SERVICE`], two days of one task), and the month's hours
//! the snapshot's window leaves out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

pub use super::parquet_out::{Line, Sink, SplitLine, ACCOUNT};
use super::Format;
use crate::domain::{Arch, Month};
use crate::pricing::{Catalog, FargateRates, RegionPrices};
use crate::snapshot::inventory::{Placement, Service, TaskDefinition};
use crate::snapshot::Snapshot;

/// The Savings Plan's discount off on-demand Fargate, on the services it covers.
pub const SAVINGS_PLAN_PCT: f64 = 20.0;
/// The services the Savings Plan covers (those of them the snapshot has).
pub const COVERED: [&str; 2] = ["checkout-api", "search-api"];
/// A service of the cluster that the snapshot does not have.
pub const UNKNOWN_SERVICE: &str = "batch-backfill";
/// Split cost allocation's weights: a vCPU-hour weighs nine GB-hours.
pub const CPU_WEIGHT: f64 = 9.0;
pub const MEMORY_WEIGHT: f64 = 1.0;

/// Writes the export of `snapshot`'s month to `dir` as Data Exports lays it out,
/// `dir/data/BILLING_PERIOD=YYYY-MM/ecs-advisor-demo-00001.snappy.parquet`, and returns the file.
/// The caller writes into a fresh folder and renames it into place.
pub fn write(snapshot: &Snapshot, catalog: &Catalog, format: Format, dir: &Path) -> Result<PathBuf, String> {
    let prices = catalog.region(&snapshot.manifest.region).map_err(|e| e.to_string())?;
    let month = Month::of(snapshot.manifest.window_start);
    let folder = dir.join("data").join(format!("BILLING_PERIOD={month}"));
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create `{}` ({e})", folder.display()))?;
    let file = folder.join("ecs-advisor-demo-00001.snappy.parquet");
    let mut sink = Sink::new(format, &file)?;
    lines(snapshot, catalog, prices, &mut |line| sink.push(line))?;
    sink.finish()?;
    Ok(file)
}

/// The usage type prefix of a region (`USE1-`), as the price list spells it.
fn prefix(region: &str) -> &'static str {
    match region {
        "us-east-1" => "USE1-",
        "us-east-2" => "USE2-",
        "us-west-1" => "USW1-",
        "us-west-2" => "USW2-",
        "eu-west-1" => "EU-",
        "eu-west-2" => "EUW2-",
        "eu-central-1" => "EUC1-",
        "ap-southeast-1" => "APS1-",
        "ap-southeast-2" => "APS2-",
        "ap-northeast-1" => "APN1-",
        _ => "",
    }
}

/// A running task, rebuilt from the counts.
struct Task {
    id: String,
    td: usize,
    spot: bool,
    instance: Option<usize>,
    /// Seconds run in each hour of the month, in order.
    hours: Vec<(u32, f64)>,
}

impl Task {
    fn run(&mut self, hour: u32, seconds: f64) {
        if seconds <= 0.0 {
            return;
        }
        match self.hours.last_mut() {
            Some((h, s)) if *h == hour => *s += seconds,
            _ => self.hours.push((hour, seconds)),
        }
    }
}

/// An instance of the snapshot, with its type's size and prices.
struct Host {
    id: String,
    vcpu: f64,
    gib: f64,
    rate: f64,
    managed: bool,
    free_mib: f64,
    free_cpu: f64,
}

/// One service's tasks as the month goes.
struct Stream {
    si: usize,
    on_instances: bool,
    /// The instances it can run on (by index).
    pool: Vec<usize>,
    /// The task definition (by index) at each of the window's steps.
    tds: Vec<usize>,
    live: Vec<Task>,
    next: u64,
}

/// What one task on an instance reserved and used (vCPU-hours, GB-hours) in one hour.
#[derive(Clone, Debug, Default)]
pub struct Placed {
    pub task: String,
    pub service: String,
    pub reserved_cpu: f64,
    pub reserved_gb: f64,
    pub used_cpu: f64,
    pub used_gb: f64,
}

/// The month being billed: the snapshot, its rates, its instances, and what each instance-hour
/// held (for the split, once every task has run).
struct Billing<'a> {
    s: &'a Snapshot,
    rates: &'a FargateRates,
    prefix: &'static str,
    month_start: DateTime<Utc>,
    hosts: Vec<Host>,
    on_host: BTreeMap<(usize, u32), Vec<Placed>>,
}

/// Every line of the snapshot's month, in the order written.
pub fn lines(
    s: &Snapshot,
    catalog: &Catalog,
    prices: &RegionPrices,
    emit: &mut dyn FnMut(Line) -> Result<(), String>,
) -> Result<(), String> {
    let inv = &s.inventory;
    let m = &s.manifest;
    let month = Month::of(m.window_start);
    let month_start = month.start();
    let month_hours = (month.end() - month_start).num_hours().max(0) as u32;
    let p = prefix(&m.region);
    let mut hosts = Vec::new();
    for ci in &inv.container_instances {
        let managed = ci
            .capacity_provider_name
            .as_deref()
            .and_then(|n| inv.capacity_provider(n))
            .is_some_and(|cp| cp.managed_instances.is_some());
        let spec = catalog.instance_types.get(&ci.instance_type);
        let rate = prices.ec2_hourly.get(&ci.instance_type).map_or(0.0, |u| u.to_f64());
        let fee = if managed {
            prices.managed_instances_fee(&ci.instance_type).map_or(0.0, |f| f.0.to_f64())
        } else {
            0.0
        };
        // The instance ran all month: a line an hour, and Managed Instances' fee beside it.
        for hour in 0..month_hours {
            let start = month_start + Duration::hours(i64::from(hour));
            let line = |product, usage_type: String, operation, rate: f64| Line {
                kind: "Usage",
                start,
                product,
                usage_type,
                operation,
                resource: ci.ec2_instance_id.clone(),
                amount: 1.0,
                unblended: rate,
                list: rate,
                sp_effective: None,
                tags: vec![],
                split: None,
            };
            emit(line("AmazonEC2", format!("{p}BoxUsage:{}", ci.instance_type), "RunInstances", rate))?;
            if fee > 0.0 {
                emit(line(
                    "AmazonECS",
                    format!("{p}ECS-ManagedInstances:{}", ci.instance_type),
                    "ManagedInstances",
                    fee,
                ))?;
            }
        }
        hosts.push(Host {
            id: ci.ec2_instance_id.clone(),
            vcpu: spec.map_or(f64::from(ci.registered_cpu) / 1024.0, |t| f64::from(t.vcpu)),
            gib: spec.map_or(f64::from(ci.registered_memory) / 1024.0, |t| f64::from(t.memory_mib) / 1024.0),
            rate,
            managed,
            free_mib: f64::from(ci.registered_memory),
            free_cpu: f64::from(ci.registered_cpu),
        });
    }
    let mut billing = Billing {
        s,
        rates: &prices.fargate,
        prefix: p,
        month_start,
        hosts,
        on_host: BTreeMap::new(),
    };
    billing.services(month_hours, emit)?;
    billing.unknown_service(emit)?;
    for ((h, hour), placed) in std::mem::take(&mut billing.on_host) {
        billing.split_hour(h, hour, &placed, emit)?;
    }
    Ok(())
}

impl Billing<'_> {
    fn arn(&self, task: &str) -> String {
        format!(
            "arn:aws:ecs:{}:{ACCOUNT}:task/{}/{task}",
            self.s.manifest.region, self.s.manifest.cluster
        )
    }

    fn tags(&self, service: &str) -> Vec<(&'static str, String)> {
        vec![
            ("aws:ecs:serviceName", service.to_string()),
            ("aws:ecs:clusterName", self.s.manifest.cluster.clone()),
        ]
    }

    /// Every service's tasks over the month, step by step, all services at each step before the
    /// next (the instances are shared).
    fn services(&mut self, month_hours: u32, emit: &mut dyn FnMut(Line) -> Result<(), String>) -> Result<(), String> {
        let s = self.s;
        let inv = &s.inventory;
        let step = f64::from(s.manifest.step_seconds.max(1));
        let window = s.manifest.window();
        let window_steps = i64::from(window.steps());
        let offset = ((s.manifest.window_start - self.month_start).num_seconds() as f64 / step).round() as i64;
        let per_day = (86_400.0 / step).round() as i64;
        let steps_in_month = (f64::from(month_hours) * 3600.0 / step).round() as i64;
        let td_index: BTreeMap<String, usize> = inv.task_definitions.iter().enumerate().map(|(i, t)| (t.reference(), i)).collect();
        let mut points: Vec<Vec<Option<crate::snapshot::UsagePoint>>> = vec![vec![None; window_steps.max(0) as usize]; inv.services.len()];
        for u in s.usage.points() {
            if let Some(slot) = points.get_mut(u.service as usize).and_then(|p| p.get_mut(u.step as usize)) {
                *slot = Some(u);
            }
        }
        let mut streams: Vec<Stream> = inv
            .services
            .iter()
            .enumerate()
            .map(|(si, svc)| {
                let placement = inv.placement(svc);
                let managed = matches!(placement, Placement::ManagedInstances { .. });
                Stream {
                    si,
                    on_instances: !matches!(placement, Placement::Fargate { .. }),
                    pool: (0..self.hosts.len()).filter(|&h| self.hosts[h].managed == managed).collect(),
                    tds: svc
                        .task_definition_at(&window)
                        .into_iter()
                        .map(|r| td_index.get(r).copied().unwrap_or(0))
                        .collect(),
                    live: Vec::new(),
                    next: 0,
                }
            })
            .collect();
        for k in 0..steps_in_month {
            // The snapshot's step for this step of the month: past the window, a day earlier.
            let mut ws = k - offset;
            while ws >= window_steps && window_steps > 0 {
                ws -= per_day.min(window_steps);
            }
            if ws < 0 {
                continue;
            }
            let hour = (k as f64 * step / 3600.0) as u32;
            for st in &mut streams {
                let point = points[st.si].get(ws as usize).and_then(Option::as_ref);
                self.step(st, point, ws as usize, hour, step, emit)?;
            }
        }
        for st in &mut streams {
            for t in std::mem::take(&mut st.live) {
                self.stop(st.si, t, emit)?;
            }
        }
        Ok(())
    }

    /// One service's step: tasks stop (replaced, scaled in, done), run, start.
    fn step(
        &mut self,
        st: &mut Stream,
        point: Option<&crate::snapshot::UsagePoint>,
        ws: usize,
        hour: u32,
        step: f64,
        emit: &mut dyn FnMut(Line) -> Result<(), String>,
    ) -> Result<(), String> {
        let inv = &self.s.inventory;
        let svc = &inv.services[st.si];
        let (avg, max, started, used_cpu, used_mib) = match point {
            Some(u) => {
                let n = u.running_tasks_avg.max(0.0);
                let per = |x: Option<f64>| x.filter(|_| n > 0.0).map(|v| v / n);
                (
                    n,
                    u.running_tasks_max.max(n),
                    u.tasks_started.unwrap_or(0.0),
                    per(u.cpu_units_used),
                    per(u.memory_mib_used),
                )
            }
            // A gap in the metrics: the tasks ran on as before.
            None => (st.live.len() as f64, st.live.len() as f64, 0.0, None, None),
        };
        let td = st.tds.get(ws).copied().unwrap_or(0);
        let slots = if svc.is_daemon() && st.on_instances {
            st.pool.len()
        } else {
            max.ceil() as usize
        };
        let new = (started.round().max(0.0) as usize).min(slots);
        // Replaced or scaled in: the oldest go first; on a strategy with Fargate Spot, the oldest
        // of the provider furthest over its share, as ECS keeps the strategy.
        while st.live.len() > slots - new {
            let i = if new == 0 { over_share(svc, &st.live) } else { 0 };
            let t = st.live.remove(i);
            self.stop(st.si, t, emit)?;
        }
        // The work of the step: tasks that carry on run first, whole steps while it lasts.
        let mut work = avg * step;
        let mut i = 0;
        while i < st.live.len() {
            let run = work.min(step);
            work -= run;
            st.live[i].run(hour, run);
            self.placed(svc, &st.live[i], hour, run, used_cpu, used_mib);
            if run < step {
                let t = st.live.remove(i);
                self.stop(st.si, t, emit)?;
            } else {
                i += 1;
            }
        }
        // New tasks share what is left (more work than tasks: a snapshot without starts).
        let fresh = if work > 1e-6 && new == 0 {
            (work / step).ceil() as usize
        } else {
            new
        };
        let each = if fresh > 0 { (work / fresh as f64).min(step) } else { 0.0 };
        if each <= 0.0 {
            return Ok(());
        }
        for _ in 0..fresh {
            st.next += 1;
            let instance = if st.on_instances {
                let daemon_slot = svc.is_daemon().then_some(st.live.len());
                self.place(&st.pool, daemon_slot, &inv.task_definitions[td])
            } else {
                None
            };
            let spot = !st.on_instances && spot_next(svc, &st.live);
            let mut t = Task {
                id: format!("{:08x}{:024x}", st.si, st.next),
                td,
                spot,
                instance,
                hours: Vec::new(),
            };
            t.run(hour, each);
            self.placed(svc, &t, hour, each, used_cpu, used_mib);
            st.live.push(t);
        }
        Ok(())
    }

    /// Notes what a task on an instance reserved and used for `seconds` of `hour`.
    fn placed(&mut self, svc: &Service, t: &Task, hour: u32, seconds: f64, used_cpu: Option<f64>, used_mib: Option<f64>) {
        let Some(h) = t.instance.filter(|_| seconds > 0.0) else { return };
        let tdef = &self.s.inventory.task_definitions[t.td];
        let share = seconds / 3600.0;
        let rc = f64::from(tdef.reserved_cpu_units()) / 1024.0;
        let rg = f64::from(tdef.reserved_memory_mib()) / 1024.0;
        let uc = used_cpu.map_or(rc, |c| c / 1024.0);
        let ug = used_mib.map_or(rg, |m| m / 1024.0);
        let arn = self.arn(&t.id);
        let list = self.on_host.entry((h, hour)).or_default();
        let p = match list.iter_mut().find(|p| p.task == arn) {
            Some(p) => p,
            None => {
                list.push(Placed {
                    task: arn,
                    service: svc.name.clone(),
                    ..Placed::default()
                });
                list.last_mut().expect("just pushed")
            }
        };
        p.reserved_cpu += rc * share;
        p.reserved_gb += rg * share;
        p.used_cpu += uc * share;
        p.used_gb += ug * share;
    }

    /// Binpack on memory: the instance of the pool with the least free memory that has the
    /// task's memory and CPU free (the most free memory when none has); a daemon's `slot`-th task
    /// on the pool's `slot`-th.
    fn place(&mut self, pool: &[usize], daemon_slot: Option<usize>, td: &TaskDefinition) -> Option<usize> {
        if pool.is_empty() {
            return None;
        }
        let need = f64::from(td.reserved_memory_mib());
        let cpu = f64::from(td.reserved_cpu_units());
        let h = match daemon_slot {
            Some(slot) => pool[slot % pool.len()],
            None => {
                let fits = pool
                    .iter()
                    .copied()
                    .filter(|&h| self.hosts[h].free_mib >= need && self.hosts[h].free_cpu >= cpu)
                    .min_by(|&a, &b| self.hosts[a].free_mib.total_cmp(&self.hosts[b].free_mib));
                fits.unwrap_or_else(|| {
                    pool.iter()
                        .copied()
                        .max_by(|&a, &b| self.hosts[a].free_mib.total_cmp(&self.hosts[b].free_mib).then(b.cmp(&a)))
                        .expect("a pool")
                })
            }
        };
        self.hosts[h].free_mib -= need;
        self.hosts[h].free_cpu -= cpu;
        Some(h)
    }

    /// A task stops: its instance gets its memory back, and a Fargate task's lines are written,
    /// each hour's seconds at its rates, the minimum charge topping up its first hour.
    fn stop(&mut self, si: usize, t: Task, emit: &mut dyn FnMut(Line) -> Result<(), String>) -> Result<(), String> {
        let inv = &self.s.inventory;
        let td = &inv.task_definitions[t.td];
        if let Some(h) = t.instance {
            self.hosts[h].free_mib += f64::from(td.reserved_memory_mib());
            self.hosts[h].free_cpu += f64::from(td.reserved_cpu_units());
            return Ok(());
        }
        let svc = &inv.services[si];
        let windows = td.is_windows();
        let ran: f64 = t.hours.iter().map(|h| h.1).sum();
        if ran <= 0.0 {
            return Ok(());
        }
        let minimum = if windows { 900.0 } else { 60.0 };
        let top_up = ran.ceil().max(minimum) - ran;
        let vcpu = f64::from(td.cpu.unwrap_or(td.reserved_cpu_units())) / 1024.0;
        let gb = f64::from(td.memory.unwrap_or(td.reserved_memory_mib())) / 1024.0;
        let storage = f64::from(td.ephemeral_storage_gib.unwrap_or(20).saturating_sub(20));
        let r = self.rates;
        let (cpu_type, gb_type, cpu_rate, gb_rate) = if t.spot {
            (
                "SpotUsage-Fargate-vCPU-Hours:perCPU",
                "SpotUsage-Fargate-GB-Hours",
                r.spot_vcpu_hour,
                r.spot_gb_hour,
            )
        } else if windows {
            (
                "Fargate-Windows-vCPU-Hours:perCPU",
                "Fargate-Windows-GB-Hours",
                r.windows_vcpu_hour,
                r.windows_gb_hour,
            )
        } else if td.cpu_architecture == Arch::Arm64 {
            (
                "Fargate-ARM-vCPU-Hours:perCPU",
                "Fargate-ARM-GB-Hours",
                r.linux_arm_vcpu_hour,
                r.linux_arm_gb_hour,
            )
        } else {
            (
                "Fargate-vCPU-Hours:perCPU",
                "Fargate-GB-Hours",
                r.linux_x86_vcpu_hour,
                r.linux_x86_gb_hour,
            )
        };
        let covered = !t.spot && COVERED.contains(&svc.name.as_str());
        let resource = self.arn(&t.id);
        let tags = self.tags(&svc.name);
        for (n, &(hour, secs)) in t.hours.iter().enumerate() {
            let hours = (secs + if n == 0 { top_up } else { 0.0 }) / 3600.0;
            let start = self.month_start + Duration::hours(i64::from(hour));
            let mut dims = vec![
                (cpu_type, vcpu, cpu_rate.to_f64(), covered),
                (gb_type, gb, gb_rate.to_f64(), covered),
            ];
            if windows {
                dims.push(("Fargate-Windows-OS-Hours:perCPU", vcpu, r.windows_license_vcpu_hour.to_f64(), false));
            }
            if storage > 0.0 {
                dims.push((
                    "Fargate-EphemeralStorage-GB-Hours",
                    storage,
                    r.ephemeral_storage_gb_hour.to_f64(),
                    false,
                ));
            }
            for (usage, qty, rate, sp) in dims {
                let amount = qty * hours;
                let cost = amount * rate;
                emit(Line {
                    kind: if sp { "SavingsPlanCoveredUsage" } else { "Usage" },
                    start,
                    product: "AmazonECS",
                    usage_type: format!("{}{usage}", self.prefix),
                    operation: "FargateTask",
                    resource: resource.clone(),
                    amount,
                    unblended: cost,
                    list: cost,
                    sp_effective: sp.then_some(cost * (1.0 - SAVINGS_PLAN_PCT / 100.0)),
                    tags: tags.clone(),
                    split: None,
                })?;
            }
        }
        Ok(())
    }

    /// The service the snapshot lacks: one Fargate task of 1 vCPU and 2 GB for two days from the
    /// month's tenth.
    fn unknown_service(&self, emit: &mut dyn FnMut(Line) -> Result<(), String>) -> Result<(), String> {
        let r = self.rates;
        let resource = self.arn(&format!("{:032x}", 0xbac_4f11u64));
        for hour in 0..48 {
            let start = self.month_start + Duration::days(9) + Duration::hours(hour);
            for (usage, qty, rate) in [
                ("Fargate-vCPU-Hours:perCPU", 1.0, r.linux_x86_vcpu_hour.to_f64()),
                ("Fargate-GB-Hours", 2.0, r.linux_x86_gb_hour.to_f64()),
            ] {
                emit(Line {
                    kind: "Usage",
                    start,
                    product: "AmazonECS",
                    usage_type: format!("{}{usage}", self.prefix),
                    operation: "FargateTask",
                    resource: resource.clone(),
                    amount: qty,
                    unblended: qty * rate,
                    list: qty * rate,
                    sp_effective: None,
                    tags: self.tags(UNKNOWN_SERVICE),
                    split: None,
                })?;
            }
        }
        Ok(())
    }

    /// An instance-hour split between the tasks on it, as AWS's split cost allocation does it:
    /// a cost per vCPU-hour and per GB-hour from the instance's cost at 9:1 weights; each task
    /// charged for the larger of what it reserved and what it used (scaled back when they add up
    /// to more than the instance has); the unused vCPU and memory charged to the tasks in
    /// proportion to what they were allocated.
    fn split_hour(&self, h: usize, hour: u32, placed: &[Placed], emit: &mut dyn FnMut(Line) -> Result<(), String>) -> Result<(), String> {
        let host = &self.hosts[h];
        let start = self.month_start + Duration::hours(i64::from(hour));
        for (p, [cpu, gb]) in placed.iter().zip(split(host.rate, host.vcpu, host.gib, placed)) {
            for (dim, mut line) in [("vCPU", cpu), ("GB", gb)] {
                line.parent = host.id.clone();
                emit(Line {
                    kind: "Usage",
                    start,
                    product: "AmazonECS",
                    usage_type: format!("{}ECS-EC2-{dim}-Hours", self.prefix),
                    operation: "ECSTask-EC2",
                    resource: p.task.clone(),
                    amount: line.usage,
                    unblended: 0.0,
                    list: 0.0,
                    sp_effective: None,
                    tags: self.tags(&p.service),
                    split: Some(line),
                })?;
            }
        }
        Ok(())
    }
}

/// An instance-hour of `rate` dollars, `vcpu` vCPUs and `gib` GB split between the tasks on it
/// by AWS's split cost allocation: a vCPU-hour and a GB-hour priced from the instance's cost at
/// 9:1 weights; each task allocated the larger of what it reserved and what it used (scaled
/// back where they add up to more than the instance has); the unused vCPU and memory charged to
/// the tasks in proportion to their allocation. Each task's vCPU and GB lines (parent unset).
pub fn split(rate: f64, vcpu: f64, gib: f64, placed: &[Placed]) -> Vec<[SplitLine; 2]> {
    let unit = rate / (CPU_WEIGHT * vcpu + MEMORY_WEIGHT * gib);
    let alloc = |p: &Placed| (p.reserved_cpu.max(p.used_cpu), p.reserved_gb.max(p.used_gb));
    let (sum_cpu, sum_gb) = placed.iter().map(alloc).fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let line = |a: f64, reserved: f64, actual: f64, avail: f64, sum: f64, weight: f64| {
        let price = weight * unit;
        let usage = if sum > avail { a * avail / sum } else { a };
        let share = if sum > 0.0 { a / sum } else { 0.0 };
        SplitLine {
            parent: String::new(),
            usage,
            ratio: usage / avail,
            actual,
            reserved,
            split_cost: usage * price,
            unused_cost: (avail - sum).max(0.0) * price * share,
        }
    };
    placed
        .iter()
        .map(|p| {
            let (c, g) = alloc(p);
            [
                line(c, p.reserved_cpu, p.used_cpu, vcpu, sum_cpu, CPU_WEIGHT),
                line(g, p.reserved_gb, p.used_gb, gib, sum_gb, MEMORY_WEIGHT),
            ]
        })
        .collect()
}

/// Whether ECS puts a service's next task on Fargate Spot: where it brings the running tasks
/// closest to the strategy (the providers with a base fill it first, the rest by weight).
fn spot_next(svc: &Service, live: &[Task]) -> bool {
    let spot_now = live.iter().filter(|t| t.spot).count() as f64;
    spot_now < crate::snapshot::inventory::spot_tasks(svc.launch_type, &svc.capacity_provider_strategy, live.len() as f64 + 1.0)
}

/// Which running task to stop first: the oldest, or on a strategy with Fargate Spot the oldest
/// on the provider whose tasks most exceed what the strategy gives it.
fn over_share(svc: &Service, live: &[Task]) -> usize {
    let spot_now = live.iter().filter(|t| t.spot).count() as f64;
    let target = crate::snapshot::inventory::spot_tasks(svc.launch_type, &svc.capacity_provider_strategy, live.len() as f64 - 1.0);
    if target == 0.0 && spot_now == 0.0 {
        return 0;
    }
    let stop_spot = spot_now > target;
    live.iter().position(|t| t.spot == stop_spot).unwrap_or(0)
}
