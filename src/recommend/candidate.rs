//! Per service, the numbers every decision rests on: today's cost, the rightsized need, the
//! Fargate options with their rates, the EC2 task shape, and billed task-seconds per hour and per
//! day for the charts. Numbers only; the words are in `words`.

use crate::config::Assumptions;
use crate::domain::{Arch, Capacity, Platform};
use crate::money::{monthly, Usd};
use crate::pricing::FargateRates;
use crate::simulation::ec2::TaskShape;
use crate::simulation::fargate::{self, FargateSize};
use crate::simulation::SimulationError;
use crate::snapshot::inventory::{NetworkMode, Placement, Service, TaskDefinition};
use crate::usage::ServiceUsage;

use super::cost;
use super::plan::FargateChoice;
use super::RecommendError;
use crate::report::{CostBasis, RevisionBasis};

/// A Fargate option's figures: monthly cost and the hourly rate of one task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Priced {
    pub monthly: Usd,
    pub hourly_rate: Usd,
}

/// The window's hours and days, for the charts' buckets.
#[derive(Clone, Copy, Debug)]
pub struct Buckets {
    pub step_seconds: u32,
    pub window_seconds: u64,
}

impl Buckets {
    pub fn hours(&self) -> usize {
        self.window_seconds.div_ceil(3600) as usize
    }
    pub fn days(&self) -> usize {
        self.window_seconds.div_ceil(86_400) as usize
    }
    pub fn hour_of(&self, step: usize) -> usize {
        ((step as u64 * u64::from(self.step_seconds)) / 3600).min(self.hours().saturating_sub(1) as u64) as usize
    }
    pub fn day_of(&self, step: usize) -> usize {
        ((step as u64 * u64::from(self.step_seconds)) / 86_400).min(self.days().saturating_sub(1) as u64) as usize
    }
}

/// Everything computed for one service before the plan is chosen.
pub struct Candidate<'a> {
    pub svc: &'a Service,
    pub td: &'a TaskDefinition,
    pub usage: &'a ServiceUsage,
    pub platform: Platform,
    pub placement: Placement,
    pub storage_gib: u32,
    pub current: Usd,
    /// Today's hourly rate of one task on Fargate (on-demand and Spot blended by share).
    pub current_rate: Option<Usd>,
    /// What today's cost is computed from (the report keeps it for the gate).
    pub basis: CostBasis,
    /// Share of today's billed task-seconds on Fargate Spot (0 to 1).
    pub spot_share_today: f64,
    pub low_data: bool,
    /// On Fargate, observed use plus headroom exceeds the task's size: it keeps its size.
    pub at_limit: bool,
    /// On EC2, observed use plus headroom exceeds what the task reserves (a reservation is a
    /// floor there): it is sized from what it uses.
    pub above_reservation: bool,
    /// The task reserves no CPU (every container `cpu: 0`, no task-level CPU): sized from use.
    pub no_cpu_reservation: bool,
    /// Rightsized needs (units, MiB), before rounding to a size.
    pub need: Option<(f64, f64)>,
    pub fargate_size: Option<FargateSize>,
    pub fargate: Option<Priced>,
    pub arm: Option<Priced>,
    pub spot: Option<Priced>,
    /// Cheapest Fargate option.
    pub best_fargate: Option<(FargateChoice, Priced)>,
    pub ec2_shape: Option<TaskShape>,
    /// Task starts in the window, where the snapshot knows them (`None`: it has none).
    pub starts: Option<f64>,
    /// The share of its billed Fargate seconds that are minimum charges (estimated from starts).
    pub minimum_charge_share: f64,
    /// Billed task-seconds per hour and per day of the window (Fargate billing).
    pub billed_hourly: Vec<f64>,
    pub billed_daily: Vec<f64>,
    /// Task-seconds run per day (the weight of a service's EC2 share in a day).
    pub running_daily: Vec<f64>,
}

impl Candidate<'_> {
    pub fn is_daemon(&self) -> bool {
        self.svc.is_daemon()
    }

    pub fn spot_share_today(&self) -> f64 {
        self.spot_share_today
    }

    pub fn reserved(&self) -> FargateSize {
        FargateSize {
            cpu_units: self.td.reserved_cpu_units(),
            memory_mib: self.td.reserved_memory_mib(),
        }
    }

    pub fn best_monthly(&self) -> Option<Usd> {
        self.best_fargate.map(|b| b.1.monthly)
    }
}

/// The task definition a service runs now, and the one that ran at each step of the window
/// (empty: the current one all window).
pub struct TaskDefinitions<'a> {
    pub now: &'a TaskDefinition,
    pub ran: Vec<&'a TaskDefinition>,
}

/// What a task definition runs on, as billing cares.
pub fn platform_of(td: &TaskDefinition) -> Platform {
    if td.is_windows() {
        Platform::Windows
    } else if td.cpu_architecture == Arch::Arm64 {
        Platform::LinuxArm
    } else {
        Platform::LinuxX86
    }
}

/// The ephemeral storage Fargate bills a task definition for. Fargate Windows tasks cannot set
/// it: a value in the task definition is ignored (with a warning), never billed.
fn storage_of(td: &TaskDefinition) -> u32 {
    match platform_of(td) {
        Platform::Windows => fargate::INCLUDED_STORAGE_GIB,
        _ => td.ephemeral_storage_gib.unwrap_or(fargate::INCLUDED_STORAGE_GIB),
    }
}

fn round_up(x: f64, step: u32) -> u32 {
    let s = f64::from(step.max(1));
    ((x / s).ceil() * s).max(s) as u32
}

pub fn candidate<'a>(
    svc: &'a Service,
    placement: Placement,
    defs: TaskDefinitions<'a>,
    u: &'a ServiceUsage,
    a: &Assumptions,
    rates: &FargateRates,
    buckets: Buckets,
) -> Result<Candidate<'a>, RecommendError> {
    let (td, ran) = (defs.now, defs.ran.as_slice());
    let err = |source| RecommendError::Service {
        service: svc.name.clone(),
        source,
    };
    let platform = platform_of(td);
    let storage_gib = storage_of(td);
    let step_seconds = buckets.step_seconds;
    let minimum = a.fargate.minimum_seconds(platform);
    let billed_steps = fargate::billed_per_step(&u.running_avg, &u.running_max, &u.tasks_started, step_seconds, minimum);
    let billed: f64 = billed_steps.iter().sum();
    let ran_seconds: f64 = u.running_avg.iter().map(|n| n * f64::from(step_seconds)).sum();
    let starts = u
        .tasks_started
        .iter()
        .any(|s| s.is_finite())
        .then(|| u.tasks_started.iter().filter(|s| s.is_finite()).sum::<f64>());
    let minimum_charge_share = if billed > 0.0 {
        ((billed - ran_seconds) / billed).max(0.0)
    } else {
        0.0
    };
    let mut billed_hourly = vec![0.0; buckets.hours()];
    let mut billed_daily = vec![0.0; buckets.days()];
    let mut running_daily = vec![0.0; buckets.days()];
    for (t, &b) in billed_steps.iter().enumerate() {
        billed_hourly[buckets.hour_of(t)] += b;
        billed_daily[buckets.day_of(t)] += b;
        running_daily[buckets.day_of(t)] += u.running_avg.get(t) * f64::from(step_seconds);
    }
    let priced = |size: FargateSize, p: Platform, cap: Capacity| -> Result<Priced, SimulationError> {
        let rate = fargate::hourly_rate(size, p, cap, storage_gib, rates)?;
        Ok(Priced {
            monthly: monthly(fargate::cost_of_task_seconds(rate, billed), buckets.window_seconds),
            hourly_rate: rate,
        })
    };

    // Today's cost through the one cost model, from the basis the report keeps for the gate.
    // Each step is priced at the task definition that ran it (its revisions): the steps are
    // sorted once by which of the distinct task definitions ran them (0: the current one).
    let mut distinct: Vec<&TaskDefinition> = vec![td];
    let mut steps_of: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new())];
    let mut last = 0;
    for (t, (&b, n)) in billed_steps.iter().zip(u.running_avg.iter()).enumerate() {
        let r = ran.get(t).copied().unwrap_or(td);
        if !std::ptr::eq(distinct[last], r) && distinct[last].reference() != r.reference() {
            last = match distinct.iter().position(|d| std::ptr::eq(*d, r) || d.reference() == r.reference()) {
                Some(k) => k,
                None => {
                    distinct.push(r);
                    steps_of.push((Vec::new(), Vec::new()));
                    distinct.len() - 1
                }
            };
        }
        steps_of[last].0.push(b);
        steps_of[last].1.push(n);
    }
    let mut parts = steps_of.into_iter().map(|(b, n)| (cost::buckets(&b, &n), n.iter().sum::<f64>()));
    let (billed_now, task_steps) = parts.next().unwrap_or_default();
    let revisions: Vec<RevisionBasis> = distinct[1..]
        .iter()
        .zip(parts)
        .map(|(r, (billed, task_steps))| RevisionBasis {
            task_definition: r.reference(),
            cpu_units: r.reserved_cpu_units(),
            memory_mib: r.reserved_memory_mib(),
            platform: platform_of(r),
            storage_gib: storage_of(r),
            billed,
            task_steps,
        })
        .collect();
    let mut basis = CostBasis {
        launch_type: svc.launch_type,
        capacity_provider_strategy: svc.capacity_provider_strategy.clone(),
        billed: billed_now,
        task_steps,
        unreserved_cpu_units: None,
        revisions,
    };
    let mut current = Usd::ZERO;
    let mut current_rate = None;
    let mut spot_share_today = 0.0;
    if let Placement::Fargate { .. } = placement {
        let size = FargateSize::new(td.reserved_cpu_units(), td.reserved_memory_mib(), platform).map_err(err)?;
        // A strategy's `base` keeps its first tasks on its provider whatever the weights say.
        let spot = |n| svc.fargate_spot_tasks(n);
        let today = cost::on_fargate_as_run(&basis, 1.0, size, platform, storage_gib, rates, buckets.window_seconds, &spot).map_err(err)?;
        (current, current_rate, spot_share_today) = (today.monthly, Some(today.hourly_rate), today.spot_share);
    }

    let rs = &a.rightsizing;
    let low_data = (u.stats.data_span_seconds as f64) < rs.min_data_days * 86_400.0 || u.stats.data_points < rs.min_data_samples;
    let need = match (u.stats.cpu_units_for_sizing, u.stats.memory_mib_for_sizing) {
        (Some(c), Some(mm)) if !low_data => Some((c * (1.0 + rs.cpu_headroom_pct / 100.0), mm * (1.0 + rs.memory_headroom_pct / 100.0))),
        _ => None,
    };
    // Without enough data the task keeps what it reserves today.
    let (need_cpu, need_mem) = need.unwrap_or((f64::from(td.reserved_cpu_units()), f64::from(td.reserved_memory_mib())));
    let daemon = svc.is_daemon();
    let arm_capable = platform == Platform::LinuxArm || svc.tag_is_true(&a.fargate.arm_tag);
    // Fargate Spot runs Linux on x86 and ARM64, never Windows.
    let spot_ok = platform != Platform::Windows
        && (matches!(placement, Placement::Fargate { spot_share } if spot_share > 0.0) || svc.tag_is_true(&a.fargate.spot_tag));

    // A task that reserves no CPU (EC2 only) is sized from the CPU it uses.
    let no_cpu_reservation = td.reserved_cpu_units() == 0;
    if no_cpu_reservation {
        basis.unreserved_cpu_units = Some(u.stats.cpu_units_p99.unwrap_or(0.0));
    }
    let current_cpu = td.reserved_cpu_units();
    let current_mem = td.reserved_memory_mib();
    let mut fargate_size = if daemon {
        None
    } else {
        FargateSize::smallest_fitting(need_cpu, need_mem, platform, rates)
    };
    let exceeds = need.is_some() && (need_cpu > f64::from(current_cpu) || need_mem > f64::from(current_mem));
    let on_fargate_today = matches!(placement, Placement::Fargate { .. });
    // On Fargate the task size is a hard cap. Never grow such a task on cost grounds: one that
    // needs more than it has is throttled or scales out today, and the cost of growing it cannot
    // be read off its current task count. It keeps its size, and the recommendation says it runs
    // at its limit. On EC2 a container's CPU reservation is only a floor and it may use more:
    // such a service is sized from what it uses, and a move to Fargate is priced at that size.
    let mut at_limit = on_fargate_today && exceeds;
    let above_reservation = !on_fargate_today && exceeds && !no_cpu_reservation;
    if let (true, Some(fitted), Ok(current_size)) = (on_fargate_today, fargate_size, FargateSize::new(current_cpu, current_mem, platform)) {
        let rate = |z| fargate::hourly_rate(z, platform, Capacity::OnDemand, storage_gib, rates).ok();
        if rate(fitted) > rate(current_size) {
            fargate_size = Some(current_size);
            at_limit = true;
        }
    }
    let (mut fargate, mut arm, mut spot, mut best_fargate) = (None, None, None, None);
    if let Some(size) = fargate_size {
        let own = priced(size, platform, Capacity::OnDemand).map_err(err)?;
        fargate = Some(own);
        best_fargate = Some((FargateChoice::Own, own));
        if arm_capable && platform == Platform::LinuxX86 {
            let c = priced(size, Platform::LinuxArm, Capacity::OnDemand).map_err(err)?;
            arm = Some(c);
            if c.monthly < own.monthly {
                best_fargate = Some((FargateChoice::Arm, c));
            }
        }
        if spot_ok {
            let c = priced(size, platform, Capacity::Spot).map_err(err)?;
            spot = Some(c);
            if best_fargate.is_none_or(|b: (FargateChoice, Priced)| c.monthly < b.1.monthly) {
                best_fargate = Some((FargateChoice::Spot, c));
            }
            if arm_capable && platform == Platform::LinuxX86 {
                let c = priced(size, Platform::LinuxArm, Capacity::Spot).map_err(err)?;
                if best_fargate.is_none_or(|b: (FargateChoice, Priced)| c.monthly < b.1.monthly) {
                    best_fargate = Some((FargateChoice::ArmSpot, c));
                }
            }
        }
    }

    // On EC2 a task reserves what it needs, rounded to steps a task definition would use.
    let awsvpc = td.network_mode == NetworkMode::Awsvpc;
    let ec2_shape = if platform == Platform::Windows {
        None
    } else if daemon {
        Some(TaskShape {
            cpu_units: current_cpu,
            memory_mib: current_mem,
            awsvpc,
            arm_ok: arm_capable,
        })
    } else {
        Some(TaskShape {
            cpu_units: if no_cpu_reservation {
                round_up(need_cpu, a.ec2.cpu_step_units)
            } else {
                round_up(need_cpu, a.ec2.cpu_step_units).min(current_cpu)
            },
            memory_mib: round_up(need_mem, a.ec2.memory_step_mib).min(current_mem),
            awsvpc,
            arm_ok: arm_capable,
        })
    };
    Ok(Candidate {
        svc,
        td,
        usage: u,
        platform,
        placement,
        storage_gib,
        current,
        current_rate,
        basis,
        spot_share_today,
        low_data,
        at_limit,
        above_reservation,
        no_cpu_reservation,
        need,
        fargate_size,
        fargate,
        arm,
        spot,

        best_fargate,
        ec2_shape,
        starts,
        minimum_charge_share,
        billed_hourly,
        billed_daily,
        running_daily,
    })
}
