//! The CI budget gate: prices a proposed change (task definitions, desired counts, a Terraform
//! plan) against how the services actually run (the report's observed task-hours and costs),
//! then checks the result against budget rules. A breach is a verdict (exit 1), not an error; an
//! input the gate cannot read is an error with its own exit code.
//!
//! How a change is priced, from the report alone:
//! - a new task size on the same compute scales today's cost by the ratio of the two sizes'
//!   hourly rates (on Fargate, its platform's on-demand rates with its storage; on EC2, CPU and
//!   memory weighted as Fargate x86 prices them: the service's share of the fleet follows its
//!   reservation);
//! - a new desired count scales the task count: today's cost times the new count over the average
//!   observed;
//! - a move to Fargate prices the observed task-hours (read off the service's `fargate` option)
//!   at the new size, on demand and on Spot as the capacity provider strategy splits them; a
//!   move to EC2 takes the service's `ec2` option (its share of the simulated fleet);
//! - a new service runs its desired count (default 1) all month at its declared size; a deleted
//!   one costs nothing.

pub mod taskdef;
pub mod terraform;

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::domain::{Capacity, Platform};
use crate::money::{Usd, HOURS_PER_MONTH};
use crate::pricing::{Catalog, FargateRates};
use crate::report::{option_usd, LaunchType, OptionKind, Report, ServiceReport};
use crate::simulation::fargate::{self, FargateSize};
use taskdef::Declared;
use terraform::{Action, Plan, TaskDefRef};

#[derive(Debug, Error)]
pub enum GateError {
    #[error("`{file}` {message}")]
    Input { file: String, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Mismatch(String),
    #[error(transparent)]
    Pricing(#[from] crate::pricing::PricingError),
}

impl GateError {
    pub fn exit_code(&self) -> u8 {
        match self {
            GateError::Usage(_) => crate::error::exit::USAGE,
            GateError::Input { .. } | GateError::Mismatch(_) => crate::error::exit::INPUT,
            GateError::Pricing(_) => crate::error::exit::PRICING,
        }
    }
}

/// What a pull request proposes.
#[derive(Clone, Debug, Default)]
pub struct Proposal {
    /// Applied to the services whose task definition family they name; a family no service runs
    /// is a new service.
    pub task_definitions: Vec<Declared>,
    /// `--service NAME=FILE`: a task definition for a named service.
    pub service_task_definitions: Vec<(String, Declared)>,
    /// `--set-desired NAME=N`.
    pub desired: Vec<(String, u32)>,
    pub plan: Option<Plan>,
}

impl Proposal {
    pub fn is_empty(&self) -> bool {
        self.task_definitions.is_empty() && self.service_task_definitions.is_empty() && self.desired.is_empty() && self.plan.is_none()
    }
}

/// Per-service limits, from the `[gate.services.<name>]` tables of the config file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRules {
    pub budget_usd: Option<f64>,
    pub max_increase_pct: Option<f64>,
    pub max_increase_usd: Option<f64>,
}

/// The rules: flags over the config file's `[gate]` table.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub budget_usd: Option<f64>,
    pub max_increase_pct: Option<f64>,
    pub max_increase_usd: Option<f64>,
    pub warn_at_pct: Option<f64>,
    #[serde(default)]
    pub services: BTreeMap<String, ServiceRules>,
}

impl Rules {
    /// The `[gate]` table of a config file (absent: no rules).
    pub fn from_config(text: &str, path: &str) -> Result<Rules, GateError> {
        #[derive(Deserialize)]
        struct File {
            gate: Option<Rules>,
        }
        let bad = |m: String| GateError::Input {
            file: path.to_string(),
            message: format!("has an invalid [gate] table: {m}"),
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        let gate = table.get("gate").cloned();
        let f: File = toml::Value::Table(gate.map(|g| toml::Table::from_iter([("gate".to_string(), g)])).unwrap_or_default())
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
        let rules = f.gate.unwrap_or_default();
        rules.validate().map_err(bad)?;
        Ok(rules)
    }

    pub fn validate(&self) -> Result<(), String> {
        let usd = |k: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && (0.0..=1e12).contains(&x)) => {
                Err(format!("`{k}` = {x}: give dollars from 0 to 1,000,000,000,000"))
            }
            _ => Ok(()),
        };
        let pct = |k: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && (0.0..=1000.0).contains(&x)) => Err(format!("`{k}` = {x}: give a percentage from 0 to 1,000")),
            _ => Ok(()),
        };
        usd("budget_usd", self.budget_usd)?;
        usd("max_increase_usd", self.max_increase_usd)?;
        pct("max_increase_pct", self.max_increase_pct)?;
        pct("warn_at_pct", self.warn_at_pct)?;
        for (name, r) in &self.services {
            usd(&format!("services.{name}.budget_usd"), r.budget_usd)?;
            usd(&format!("services.{name}.max_increase_usd"), r.max_increase_usd)?;
            pct(&format!("services.{name}.max_increase_pct"), r.max_increase_pct)?;
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.budget_usd.is_none() && self.max_increase_pct.is_none() && self.max_increase_usd.is_none() && self.services.is_empty()
    }

    fn needs_baseline(&self) -> bool {
        self.max_increase_pct.is_some()
            || self.max_increase_usd.is_some()
            || self
                .services
                .values()
                .any(|r| r.max_increase_pct.is_some() || r.max_increase_usd.is_some())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleResult {
    /// `budget`, `max-increase-pct`, `max-increase-usd`, or `service-` and one of those.
    pub rule: String,
    /// `total`, or the service's name.
    pub scope: String,
    /// The figure checked: dollars a month, or a percentage.
    pub figure: f64,
    pub limit: f64,
    /// `usd` or `pct`.
    pub unit: &'static str,
    pub outcome: Verdict,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceResult {
    pub name: String,
    pub cluster: String,
    /// Null for a new service.
    pub baseline_monthly_usd: Option<Usd>,
    pub proposed_monthly_usd: Usd,
    pub change_monthly_usd: Usd,
    pub new: bool,
    pub removed: bool,
    /// What changed, in words.
    pub changes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateReport {
    pub verdict: Verdict,
    pub baseline_monthly_usd: Usd,
    pub proposed_monthly_usd: Usd,
    pub change_monthly_usd: Usd,
    /// Null when the baseline is zero.
    pub change_pct: Option<f64>,
    /// What the baseline is: the current state, or a saved report.
    pub baseline: String,
    /// The discounts the figures carry.
    pub discounts: String,
    pub rules: Vec<RuleResult>,
    /// Every service whose monthly figure differs from the baseline, the largest change first.
    pub services: Vec<ServiceResult>,
    pub notes: Vec<String>,
}

impl GateReport {
    /// One line for standard error: the verdict, the figure, the limit and the rule.
    pub fn verdict_line(&self) -> String {
        let fired: Vec<&str> = self
            .rules
            .iter()
            .filter(|r| r.outcome == self.verdict)
            .map(|r| r.message.as_str())
            .collect();
        match self.verdict {
            Verdict::Pass => format!(
                "gate: PASS: proposed {} a month ({} on {}); {}",
                self.proposed_monthly_usd,
                signed(self.change_monthly_usd),
                self.baseline,
                fired.join("; ")
            ),
            v => {
                let largest = self
                    .services
                    .first()
                    .map(|s| {
                        format!(
                            "; largest change: `{}` {} a month ({})",
                            s.name,
                            signed(s.change_monthly_usd),
                            s.changes.join("; ")
                        )
                    })
                    .unwrap_or_default();
                format!("gate: {}: {}{largest}", v.as_str().to_uppercase(), fired.join("; "))
            }
        }
    }
}

pub fn signed(u: Usd) -> String {
    if u.0.is_sign_negative() && !u.cents().is_zero() {
        format!("-{}", Usd(-u.0))
    } else {
        format!("+{u}")
    }
}

/// Where a service's tasks run in a proposal.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Placement {
    /// Fargate, with this share of task-hours on Spot.
    Fargate(Decimal),
    Ec2,
}

fn placement_today(s: &ServiceReport) -> Placement {
    match s.launch_type {
        LaunchType::Ec2 => Placement::Ec2,
        _ => Placement::Fargate(Decimal::ZERO),
    }
}

/// The placement a launch type or capacity provider strategy asks for, with `tasks` tasks.
fn placement_of(launch_type: Option<&str>, strategy: Option<&[terraform::Strategy]>, tasks: f64) -> Option<Placement> {
    if let Some(items) = strategy {
        let is = |name: &'static str| items.iter().filter(move |s| s.capacity_provider == name);
        let fargate: Vec<_> = is("FARGATE").chain(is("FARGATE_SPOT")).collect();
        if fargate.is_empty() {
            return Some(Placement::Ec2);
        }
        let weight = |name: &'static str| Decimal::from(is(name).map(|s| s.weight).sum::<u32>());
        let base = |name: &'static str| Decimal::from(is(name).map(|s| s.base).sum::<u32>());
        let n = Decimal::from_f64(tasks.max(0.0)).unwrap_or_default();
        if n.is_zero() {
            return Some(Placement::Fargate(Decimal::ZERO));
        }
        // The base runs first on its provider; the rest splits by weight.
        let (base_od, base_spot) = (base("FARGATE").min(n), base("FARGATE_SPOT").min(n));
        let rest = (n - base_od - base_spot).max(Decimal::ZERO);
        let total = weight("FARGATE") + weight("FARGATE_SPOT");
        let spot = base_spot
            + if total.is_zero() {
                Decimal::ZERO
            } else {
                rest * weight("FARGATE_SPOT") / total
            };
        return Some(Placement::Fargate((spot / n).min(Decimal::ONE)));
    }
    match launch_type {
        Some("FARGATE") => Some(Placement::Fargate(Decimal::ZERO)),
        Some("EC2") | Some("EXTERNAL") => Some(Placement::Ec2),
        _ => None,
    }
}

/// A task shape: what a service runs, or would run.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Shape {
    cpu_units: u32,
    memory_mib: u32,
    platform: Platform,
    storage_gib: u32,
}

impl Shape {
    fn of(s: &ServiceReport) -> Shape {
        Shape {
            cpu_units: s.task_size.cpu_units,
            memory_mib: s.task_size.memory_mib,
            platform: s.platform,
            storage_gib: s.ephemeral_storage_gib,
        }
    }

    fn of_declared(d: &Declared) -> Shape {
        Shape {
            cpu_units: d.cpu_units,
            memory_mib: d.memory_mib,
            platform: d.platform,
            storage_gib: d.storage_gib,
        }
    }

    fn words(&self) -> String {
        crate::output::size(&crate::report::TaskSize {
            cpu_units: self.cpu_units,
            memory_mib: self.memory_mib,
        })
    }
}

/// One Fargate task of `shape` for an hour, on demand or on Spot.
fn fargate_hour(shape: Shape, capacity: Capacity, rates: &FargateRates) -> Result<Usd, String> {
    let size = FargateSize::new(shape.cpu_units, shape.memory_mib, shape.platform).map_err(|e| e.to_string())?;
    fargate::hourly_rate(size, shape.platform, capacity, shape.storage_gib, rates).map_err(|e| e.to_string())
}

/// A task's weight on the hour at its platform's on-demand Fargate rates, any CPU and memory
/// (no size rules): what size changes scale by.
fn weight(shape: Shape, platform_rates: bool, rates: &FargateRates) -> Decimal {
    let (vcpu, gb) = match (platform_rates, shape.platform) {
        (true, Platform::LinuxArm) => (rates.linux_arm_vcpu_hour, rates.linux_arm_gb_hour),
        (true, Platform::Windows) => (rates.windows_vcpu_hour + rates.windows_license_vcpu_hour, rates.windows_gb_hour),
        _ => (rates.linux_x86_vcpu_hour, rates.linux_x86_gb_hour),
    };
    let storage = if platform_rates {
        rates.ephemeral_storage_gb_hour.0 * Decimal::from(shape.storage_gib.saturating_sub(fargate::INCLUDED_STORAGE_GIB))
    } else {
        Decimal::ZERO
    };
    vcpu.0 * Decimal::from(shape.cpu_units) / Decimal::from(1024) + gb.0 * Decimal::from(shape.memory_mib) / Decimal::from(1024) + storage
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default()
}

/// What a proposal does to one service.
#[derive(Clone, Debug, Default)]
struct Change {
    shape: Option<(Shape, String)>,
    desired: Option<u32>,
    launch_type: Option<String>,
    strategy: Option<Vec<terraform::Strategy>>,
    deleted: bool,
    words: Vec<String>,
}

impl Change {
    fn is_empty(&self) -> bool {
        self.shape.is_none() && self.desired.is_none() && self.launch_type.is_none() && self.strategy.is_none() && !self.deleted
    }
}

/// Prices a service under a change: its monthly cost after.
fn price(s: &ServiceReport, c: &Change, rates: &FargateRates) -> Result<Usd, GateError> {
    if c.deleted {
        return Ok(Usd::ZERO);
    }
    let cannot = |why: String| GateError::Mismatch(format!("cannot price the change to `{}`: {why}", s.name));
    let today = Shape::of(s);
    let shape = c.shape.as_ref().map(|(sh, _)| *sh).unwrap_or(today);
    let tasks = c.desired.map(f64::from).unwrap_or(s.usage.average_tasks);
    let target = placement_of(c.launch_type.as_deref(), c.strategy.as_deref(), tasks).unwrap_or(placement_today(s));
    let moved = (c.launch_type.is_some() || c.strategy.is_some()) && target != placement_today(s);
    let mut cost = if !moved {
        // The same compute: today's cost, scaled by the new size's hourly weight.
        let on_fargate = s.launch_type != LaunchType::Ec2;
        if on_fargate && shape != today {
            fargate_hour(shape, Capacity::OnDemand, rates)
                .map_err(|e| cannot(format!("the new size {} is not a Fargate size: {e}", shape.words())))?;
        }
        let (old, new) = (weight(today, on_fargate, rates), weight(shape, on_fargate, rates));
        if old.is_zero() {
            Usd(s.current_monthly_usd.0)
        } else {
            Usd(s.current_monthly_usd.0 * new / old)
        }
    } else {
        match target {
            Placement::Fargate(spot) => {
                let od =
                    fargate_hour(shape, Capacity::OnDemand, rates).map_err(|e| cannot(format!("{} on Fargate: {e}", shape.words())))?;
                let sp = if spot.is_zero() {
                    Usd::ZERO
                } else {
                    fargate_hour(shape, Capacity::Spot, rates).map_err(|e| cannot(format!("Fargate Spot: {e}")))?
                };
                let per_hour = od.0 * (Decimal::ONE - spot) + sp.0 * spot;
                Usd(task_hours(s, rates) * per_hour)
            }
            Placement::Ec2 => {
                let ec2 = option_usd(&s.options, OptionKind::Ec2).ok_or_else(|| {
                    let why = s.options.iter().find(|o| o.kind == OptionKind::Ec2).and_then(|o| o.reason.clone());
                    cannot(format!("it has no EC2 figure ({})", why.unwrap_or_else(|| "not simulated".into())))
                })?;
                let at = s
                    .options
                    .iter()
                    .find(|o| o.kind == OptionKind::Ec2)
                    .and_then(|o| o.size)
                    .map(|z| Shape {
                        cpu_units: z.cpu_units,
                        memory_mib: z.memory_mib,
                        ..today
                    });
                let old = weight(at.unwrap_or(today), false, rates);
                if old.is_zero() {
                    ec2
                } else {
                    Usd(ec2.0 * weight(shape, false, rates) / old)
                }
            }
        }
    };
    if let Some(n) = c.desired {
        cost = if s.usage.average_tasks > 0.0 {
            Usd(cost.0 * Decimal::from(n) / dec(s.usage.average_tasks))
        } else {
            // It never ran: its new count all month at its size.
            let hour = match target {
                Placement::Fargate(_) => fargate_hour(shape, Capacity::OnDemand, rates)
                    .map(|u| u.0)
                    .unwrap_or_else(|_| weight(shape, true, rates)),
                Placement::Ec2 => weight(shape, false, rates),
            };
            Usd(hour * Decimal::from(n) * Decimal::from(HOURS_PER_MONTH))
        };
    }
    Ok(cost)
}

/// Task-hours a month the service runs: read off its Fargate figure (billed seconds, minimums
/// included) where it has one, else its average task count all month.
fn task_hours(s: &ServiceReport, rates: &FargateRates) -> Decimal {
    let from_option = s.options.iter().find(|o| o.kind == OptionKind::Fargate).and_then(|o| {
        let (monthly, size) = (o.monthly_usd?, o.size?);
        let shape = Shape {
            cpu_units: size.cpu_units,
            memory_mib: size.memory_mib,
            ..Shape::of(s)
        };
        let hour = fargate_hour(shape, Capacity::OnDemand, rates).ok()?;
        (!hour.is_zero()).then(|| monthly.0 / hour.0)
    });
    from_option.unwrap_or_else(|| dec(s.usage.average_tasks) * Decimal::from(HOURS_PER_MONTH))
}

/// Prices a new service: `desired` tasks all month at its declared size.
fn price_new(d: &Declared, desired: u32, placement: Placement, rates: &FargateRates) -> Result<(Usd, Option<String>), GateError> {
    let shape = Shape::of_declared(d);
    let n = Decimal::from(desired) * Decimal::from(HOURS_PER_MONTH);
    match placement {
        Placement::Fargate(spot) => {
            let od = fargate_hour(shape, Capacity::OnDemand, rates).map_err(|e| GateError::Input {
                file: d.source.clone(),
                message: format!("cannot run on Fargate: {e}"),
            })?;
            let sp = if spot.is_zero() {
                Usd::ZERO
            } else {
                fargate_hour(shape, Capacity::Spot, rates).unwrap_or(od)
            };
            Ok((Usd(n * (od.0 * (Decimal::ONE - spot) + sp.0 * spot)), None))
        }
        Placement::Ec2 => Ok((
            Usd(n * weight(shape, false, rates)),
            Some(format!(
                "`{}` is a new EC2 service: priced at the Fargate x86 rate for its size, since the fleet it joins is not simulated",
                d.family
            )),
        )),
    }
}

/// One cluster's figures: the report and its region's (discounted) Fargate rates.
struct Cluster<'a> {
    report: &'a Report,
    rates: FargateRates,
}

fn family_of(task_definition: &str) -> &str {
    let tail = task_definition.rsplit('/').next().unwrap_or(task_definition);
    tail.split(':').next().unwrap_or(tail)
}

/// Runs the gate: prices the proposal on the current state and checks the rules.
pub fn evaluate(
    current: &[Report],
    baseline: Option<(&[Report], String)>,
    proposal: &Proposal,
    rules: &Rules,
    catalog: &Catalog,
) -> Result<GateReport, GateError> {
    if rules.is_empty() {
        return Err(GateError::Usage(
            "no rule to check: give --budget, --max-increase, --max-increase-usd, or [gate] rules in the --config file".into(),
        ));
    }
    if rules.needs_baseline() && baseline.is_none() && proposal.is_empty() {
        return Err(GateError::Usage(
            "--max-increase and --max-increase-usd compare with a baseline: propose a change (--task-definition, --service, --set-desired, --terraform-plan) or give --baseline REPORT.json".into(),
        ));
    }
    let clusters: Vec<Cluster> = current
        .iter()
        .map(|r| {
            let priced = catalog.discounted(&r.assumptions.discounts);
            Ok(Cluster {
                report: r,
                rates: priced.region(&r.region)?.fargate.clone(),
            })
        })
        .collect::<Result<_, GateError>>()?;
    if let Some((base, what)) = &baseline {
        let ours: BTreeSet<&str> = current.iter().map(|r| r.cluster_name.as_str()).collect();
        let theirs: BTreeSet<&str> = base.iter().map(|r| r.cluster_name.as_str()).collect();
        if ours != theirs {
            return Err(GateError::Mismatch(format!(
                "the baseline {what} is of {}, the gate prices {}: give the same cluster's report",
                list(&theirs),
                list(&ours)
            )));
        }
    }
    let mut notes = Vec::new();
    let mut changes: BTreeMap<(usize, usize), Change> = BTreeMap::new();
    let find = |name: &str, cluster: Option<&str>| -> Vec<(usize, usize)> {
        clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| cluster.is_none_or(|n| c.report.cluster_name == n))
            .flat_map(|(ci, c)| {
                c.report
                    .services
                    .iter()
                    .enumerate()
                    .filter(move |(_, s)| s.name == name)
                    .map(move |(si, _)| (ci, si))
            })
            .collect()
    };
    let mut new_services: Vec<(String, String, Declared, u32, Placement)> = Vec::new();

    // Task definitions by family: files, then the plan's.
    let mut by_family: BTreeMap<String, Declared> = BTreeMap::new();
    for d in &proposal.task_definitions {
        by_family.insert(d.family.clone(), d.clone());
    }
    let mut by_address: BTreeMap<String, Declared> = BTreeMap::new();
    if let Some(plan) = &proposal.plan {
        for t in &plan.task_definitions {
            if let Some(d) = &t.declared {
                by_family.insert(d.family.clone(), d.clone());
                by_address.insert(t.address.clone(), d.clone());
            }
        }
        notes.extend(plan.notes.iter().cloned());
        if !plan.ignored.is_empty() {
            let shown: Vec<&str> = plan.ignored.iter().take(10).map(String::as_str).collect();
            notes.push(format!(
                "{} resources outside ECS in the plan are not priced: {}{}",
                plan.ignored.len(),
                shown.join(", "),
                if plan.ignored.len() > 10 { ", ..." } else { "" }
            ));
        }
    }
    let set_shape = |c: &mut Change, d: &Declared, via: &str| {
        c.shape = Some((Shape::of_declared(d), via.to_string()));
    };

    // The plan's services.
    let mut planned_names: BTreeSet<String> = BTreeSet::new();
    if let Some(plan) = &proposal.plan {
        for ps in &plan.services {
            planned_names.insert(ps.name.clone());
            let declared = match &ps.task_definition {
                TaskDefRef::Resource(a) => by_address.get(a).cloned(),
                TaskDefRef::Family(f) => {
                    let d = by_family.get(f).cloned();
                    if d.is_none() && ps.action != Action::Delete {
                        notes.push(format!(
                            "`{}` runs task definition family `{f}`, which the plan does not define: its size is priced as today's",
                            ps.address
                        ));
                    }
                    d
                }
                TaskDefRef::Unchanged | TaskDefRef::Unknown => None,
            };
            let hits = find(&ps.name, ps.cluster.as_deref());
            if hits.is_empty() {
                if ps.action == Action::Delete {
                    notes.push(format!(
                        "`{}` deletes `{}`, which is not among the analysed services",
                        ps.address, ps.name
                    ));
                    continue;
                }
                let Some(d) = declared.or_else(|| by_family.get(&ps.name).cloned()) else {
                    notes.push(format!(
                        "`{}` creates `{}` with a task definition the plan does not define: not priced",
                        ps.address, ps.name
                    ));
                    continue;
                };
                let desired = ps.desired.unwrap_or(1);
                let placement =
                    placement_of(ps.launch_type.as_deref(), ps.strategy.as_deref(), f64::from(desired)).unwrap_or(if d.fargate {
                        Placement::Fargate(Decimal::ZERO)
                    } else {
                        Placement::Ec2
                    });
                let cluster = ps
                    .cluster
                    .clone()
                    .or_else(|| (clusters.len() == 1).then(|| clusters[0].report.cluster_name.clone()))
                    .unwrap_or_else(|| "(cluster known after apply)".into());
                new_services.push((ps.name.clone(), cluster, d, desired, placement));
                continue;
            }
            for key in hits {
                let c = changes.entry(key).or_default();
                if ps.action == Action::Delete {
                    c.deleted = true;
                    c.words.push(format!("deleted ({})", ps.address));
                    continue;
                }
                if let Some(d) = &declared {
                    set_shape(c, d, &ps.address);
                }
                if let Some(n) = ps.desired {
                    if ps.daemon {
                        notes.push(format!(
                            "`{}` is a daemon: its desired count follows the instances, not {n}",
                            ps.address
                        ));
                    } else {
                        c.desired = Some(n);
                    }
                }
                if ps.launch_type.is_some() {
                    c.launch_type = ps.launch_type.clone();
                }
                if ps.strategy.is_some() {
                    c.strategy = ps.strategy.clone();
                }
            }
        }
    }

    // A task definition the plan creates that nothing runs costs nothing yet.
    if let Some(plan) = &proposal.plan {
        for t in &plan.task_definitions {
            let Some(d) = &t.declared else { continue };
            let used = clusters
                .iter()
                .any(|c| c.report.services.iter().any(|s| family_of(&s.task_definition) == d.family))
                || plan.services.iter().any(|ps| {
                    ps.task_definition == TaskDefRef::Resource(t.address.clone())
                        || ps.task_definition == TaskDefRef::Family(d.family.clone())
                });
            if !used {
                notes.push(format!(
                    "`{}` defines family `{}`, which no service runs and no planned service uses: not priced",
                    t.address, d.family
                ));
            }
        }
    }

    // Task definition files, by family, unless a named service or the plan says otherwise.
    for d in &proposal.task_definitions {
        let runs: Vec<(usize, usize)> = clusters
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| {
                c.report
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| family_of(&s.task_definition) == d.family)
                    .map(move |(si, _)| (ci, si))
            })
            .collect();
        if runs.is_empty() && !planned_names.contains(&d.family) {
            if clusters.len() != 1 {
                return Err(GateError::Mismatch(format!(
                    "`{}` defines family `{}`, which no service runs: a new service, but in which cluster? Gate one cluster at a time for new services",
                    d.source, d.family
                )));
            }
            let desired = proposal.desired.iter().find(|(n, _)| *n == d.family).map(|(_, n)| *n).unwrap_or(1);
            let placement = if d.fargate {
                Placement::Fargate(Decimal::ZERO)
            } else {
                Placement::Ec2
            };
            new_services.push((
                d.family.clone(),
                clusters[0].report.cluster_name.clone(),
                d.clone(),
                desired,
                placement,
            ));
            continue;
        }
        for key in runs {
            let c = changes.entry(key).or_default();
            if c.shape.is_none() {
                set_shape(c, d, &d.source);
            }
        }
    }
    for (name, d) in &proposal.service_task_definitions {
        let hits = find(name, None);
        if hits.is_empty() {
            return Err(GateError::Mismatch(format!(
                "--service {name}=...: no service `{name}` in {}",
                service_names(&clusters)
            )));
        }
        for key in hits {
            set_shape(changes.entry(key).or_default(), d, &d.source);
        }
    }
    let new_names: BTreeSet<String> = new_services.iter().map(|n| n.0.clone()).collect();
    for (name, n) in &proposal.desired {
        let hits = find(name, None);
        if hits.is_empty() {
            if new_names.contains(name) {
                continue;
            }
            return Err(GateError::Mismatch(format!(
                "--set-desired {name}={n}: no service `{name}` in {}",
                service_names(&clusters)
            )));
        }
        for key in hits {
            let s = &clusters[key.0].report.services[key.1];
            if s.scheduling_strategy == crate::report::Scheduling::Daemon {
                return Err(GateError::Mismatch(format!(
                    "--set-desired {name}={n}: `{name}` is a daemon, which runs one task per instance"
                )));
            }
            changes.entry(key).or_default().desired = Some(*n);
        }
    }

    // Price every service: proposed against baseline.
    let base_of = |cluster: &str, name: &str| -> Option<Usd> {
        match &baseline {
            Some((reports, _)) => reports
                .iter()
                .filter(|r| r.cluster_name == cluster)
                .flat_map(|r| r.services.iter())
                .find(|s| s.name == name)
                .map(|s| s.current_monthly_usd),
            None => None,
        }
    };
    let mut results = Vec::new();
    let mut proposed_total = Usd::ZERO;
    for (ci, c) in clusters.iter().enumerate() {
        for (si, s) in c.report.services.iter().enumerate() {
            let change = changes.remove(&(ci, si)).unwrap_or_default();
            let proposed = if change.is_empty() {
                s.current_monthly_usd
            } else {
                price(s, &change, &c.rates)?
            };
            proposed_total += proposed;
            let base = if baseline.is_some() {
                base_of(&c.report.cluster_name, &s.name)
            } else {
                Some(s.current_monthly_usd)
            };
            let mut words = change.words.clone();
            if let Some((shape, via)) = &change.shape {
                let today = Shape::of(s);
                if *shape != today {
                    words.push(format!("task size {} -> {} ({via})", today.words(), shape.words()));
                }
                if shape.platform != today.platform {
                    words.push(format!("platform {} -> {}", today.platform.as_str(), shape.platform.as_str()));
                }
            }
            if let Some(n) = change.desired {
                words.push(format!("desired {n} tasks (averaged {:.2})", s.usage.average_tasks));
            }
            if let Some(l) = &change.launch_type {
                words.push(format!("launch type {} -> {l}", s.launch_type.as_str()));
            }
            if let Some(st) = &change.strategy {
                let parts: Vec<String> = st
                    .iter()
                    .map(|x| format!("{} base {} weight {}", x.capacity_provider, x.base, x.weight))
                    .collect();
                words.push(format!("capacity provider strategy: {}", parts.join(", ")));
            }
            if base != Some(proposed) || !words.is_empty() {
                results.push(ServiceResult {
                    name: s.name.clone(),
                    cluster: c.report.cluster_name.clone(),
                    baseline_monthly_usd: base,
                    proposed_monthly_usd: proposed,
                    change_monthly_usd: proposed - base.unwrap_or(Usd::ZERO),
                    new: false,
                    removed: change.deleted,
                    changes: words,
                });
            }
        }
    }
    for (name, cluster, d, desired, placement) in &new_services {
        let rates = clusters
            .iter()
            .find(|c| c.report.cluster_name == *cluster)
            .map(|c| &c.rates)
            .unwrap_or(&clusters[0].rates);
        let (cost, note) = price_new(d, *desired, *placement, rates)?;
        notes.extend(note);
        notes.push(format!(
            "`{name}` is a new service with no usage history: priced at its declared {} with {desired} task{} all month",
            Shape::of_declared(d).words(),
            if *desired == 1 { "" } else { "s" }
        ));
        proposed_total += cost;
        results.push(ServiceResult {
            name: name.clone(),
            cluster: cluster.clone(),
            baseline_monthly_usd: None,
            proposed_monthly_usd: cost,
            change_monthly_usd: cost,
            new: true,
            removed: false,
            changes: vec![format!("new service: {} ({})", Shape::of_declared(d).words(), d.source)],
        });
    }
    // Services of the baseline that are gone now.
    if let Some((reports, _)) = &baseline {
        for r in reports.iter() {
            for s in &r.services {
                if !current
                    .iter()
                    .any(|c| c.cluster_name == r.cluster_name && c.services.iter().any(|x| x.name == s.name))
                {
                    results.push(ServiceResult {
                        name: s.name.clone(),
                        cluster: r.cluster_name.clone(),
                        baseline_monthly_usd: Some(s.current_monthly_usd),
                        proposed_monthly_usd: Usd::ZERO,
                        change_monthly_usd: Usd::ZERO - s.current_monthly_usd,
                        new: false,
                        removed: true,
                        changes: vec!["not in the current state".into()],
                    });
                }
            }
        }
    }
    results.sort_by(|a, b| {
        b.change_monthly_usd
            .0
            .abs()
            .cmp(&a.change_monthly_usd.0.abs())
            .then(a.name.cmp(&b.name))
    });

    let (baseline_total, baseline_words) = match &baseline {
        Some((reports, what)) => (reports.iter().map(|r| r.cluster.current_monthly_usd).sum(), what.clone()),
        None => (
            current.iter().map(|r| r.cluster.current_monthly_usd).sum(),
            "the current state".to_string(),
        ),
    };
    let change = proposed_total - baseline_total;
    let change_pct = (!baseline_total.is_zero()).then(|| {
        (change.0 / baseline_total.0 * Decimal::ONE_HUNDRED)
            .round_dp(2)
            .to_f64()
            .unwrap_or(0.0)
    });
    let mut rule_results = Vec::new();
    check_rules(
        &mut rule_results,
        "",
        "total",
        rules.budget_usd,
        rules.max_increase_pct,
        rules.max_increase_usd,
        rules.warn_at_pct,
        Some(baseline_total),
        proposed_total,
        &baseline_words,
    );
    for (name, r) in &rules.services {
        let row = results.iter().find(|x| x.name == *name);
        let (base, proposed) = match row {
            Some(x) => (x.baseline_monthly_usd, x.proposed_monthly_usd),
            None => match current.iter().flat_map(|c| c.services.iter()).find(|s| s.name == *name) {
                Some(s) => (Some(s.current_monthly_usd), s.current_monthly_usd),
                None => {
                    notes.push(format!("the config's rules for `{name}` match no service"));
                    continue;
                }
            },
        };
        check_rules(
            &mut rule_results,
            "service-",
            name,
            r.budget_usd,
            r.max_increase_pct,
            r.max_increase_usd,
            rules.warn_at_pct,
            base,
            proposed,
            &baseline_words,
        );
    }
    let verdict = rule_results.iter().map(|r| r.outcome).max().unwrap_or(Verdict::Pass);
    Ok(GateReport {
        verdict,
        baseline_monthly_usd: baseline_total,
        proposed_monthly_usd: proposed_total,
        change_monthly_usd: change,
        change_pct,
        baseline: baseline_words,
        discounts: current.first().map(|r| r.assumptions.discounts.describe()).unwrap_or_default(),
        rules: rule_results,
        services: results,
        notes,
    })
}

fn list(names: &BTreeSet<&str>) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn service_names(clusters: &[Cluster]) -> String {
    let names: Vec<String> = clusters
        .iter()
        .flat_map(|c| c.report.services.iter().map(|s| s.name.clone()))
        .take(40)
        .collect();
    format!("the analysed clusters; they run: {}", names.join(", "))
}

fn usd(x: f64) -> Usd {
    Usd::from_f64(x)
}

#[allow(clippy::too_many_arguments)]
fn check_rules(
    out: &mut Vec<RuleResult>,
    prefix: &str,
    scope: &str,
    budget: Option<f64>,
    max_pct: Option<f64>,
    max_usd: Option<f64>,
    warn_at: Option<f64>,
    baseline: Option<Usd>,
    proposed: Usd,
    baseline_words: &str,
) {
    let who = if scope == "total" { String::new() } else { format!("`{scope}`: ") };
    let f = |u: Usd| u.cents().to_f64();
    if let Some(b) = budget {
        let limit = usd(b);
        let share = if limit.is_zero() {
            if proposed.is_zero() {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            proposed.to_f64() / limit.to_f64() * 100.0
        };
        let (outcome, message) = if proposed.cents() > limit.cents() {
            (
                Verdict::Fail,
                format!(
                    "{who}proposed {proposed} a month is over the budget of {limit} by {} (rule: budget)",
                    proposed - limit
                ),
            )
        } else if warn_at.is_some_and(|w| share >= w) {
            (
                Verdict::Warn,
                format!(
                    "{who}proposed {proposed} a month is {share:.0}% of the budget of {limit} (warns at {}%; rule: budget)",
                    warn_at.unwrap_or_default()
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}proposed {proposed} a month is within the budget of {limit}"),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}budget"),
            scope: scope.into(),
            figure: f(proposed),
            limit: f(limit),
            unit: "usd",
            outcome,
            message,
        });
    }
    let change = baseline.map(|b| proposed - b);
    if let Some(limit) = max_pct {
        let pct = match (baseline, change) {
            (Some(b), Some(c)) if !b.is_zero() => c.to_f64() / b.to_f64() * 100.0,
            (_, Some(c)) if c.0 > Decimal::ZERO => f64::INFINITY,
            _ => 0.0,
        };
        let shown = if pct.is_finite() { format!("{pct:+.1}%") } else { "new".into() };
        let c = change.unwrap_or(Usd::ZERO);
        let (outcome, message) = if pct > limit + 1e-9 {
            (
                Verdict::Fail,
                format!(
                    "{who}{} a month ({shown}) on {baseline_words} is over the {limit}% allowed (rule: max-increase)",
                    signed(c)
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}{} a month ({shown}) on {baseline_words} is within {limit}%", signed(c)),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}max-increase-pct"),
            scope: scope.into(),
            figure: if pct.is_finite() { (pct * 100.0).round() / 100.0 } else { 1e9 },
            limit,
            unit: "pct",
            outcome,
            message,
        });
    }
    if let Some(limit) = max_usd {
        let c = change.unwrap_or(Usd::ZERO);
        let limit_usd = usd(limit);
        let (outcome, message) = if c.cents() > limit_usd.cents() {
            (
                Verdict::Fail,
                format!(
                    "{who}{} a month on {baseline_words} is over the {limit_usd} allowed (rule: max-increase-usd)",
                    signed(c)
                ),
            )
        } else {
            (
                Verdict::Pass,
                format!("{who}{} a month on {baseline_words} is within {limit_usd}", signed(c)),
            )
        };
        out.push(RuleResult {
            rule: format!("{prefix}max-increase-usd"),
            scope: scope.into(),
            figure: f(c),
            limit: f(limit_usd),
            unit: "usd",
            outcome,
            message,
        });
    }
}
