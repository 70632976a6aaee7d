//! Pricing one proposed change on the report's figures: see the module header of `gate` for the
//! rules each kind of change follows.

use std::collections::BTreeSet;

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use super::taskdef::Declared;
use super::terraform;
use super::GateError;
use crate::domain::{Capacity, Platform};
use crate::money::{Usd, HOURS_PER_MONTH};
use crate::pricing::FargateRates;
use crate::report::{option_usd, LaunchType, OptionKind, ServiceReport};
use crate::simulation::fargate::{self, FargateSize};

/// Where a service's tasks run in a proposal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Placement {
    /// Fargate, with this share of task-hours on Spot.
    Fargate(Decimal),
    Ec2,
    /// The instances of an ECS Managed Instances capacity provider.
    ManagedInstances,
}

/// Where the service's tasks run today: for a Fargate service mixing in Spot, the share of its
/// billed task-seconds on Spot, as the analysis placed them (a report written before it carried
/// that share gives it through its figures: today's cost and the on-demand `fargate` option bill
/// the same task-seconds). Taking every Fargate service as on demand priced a move of a Spot mix
/// to plain FARGATE as no change.
pub(super) fn placement_today(s: &ServiceReport, rates: &FargateRates) -> Placement {
    match s.launch_type {
        LaunchType::Ec2 => Placement::Ec2,
        LaunchType::ManagedInstances => Placement::ManagedInstances,
        LaunchType::Fargate => Placement::Fargate(Decimal::ZERO),
        LaunchType::FargateSpot => Placement::Fargate(match s.spot_share_pct {
            Some(pct) => (dec(pct) / Decimal::ONE_HUNDRED).clamp(Decimal::ZERO, Decimal::ONE),
            None => spot_share_from_figures(s, rates).unwrap_or(Decimal::ZERO),
        }),
    }
}

/// Today's Spot share from a report's figures: its cost per billed task-hour sits between the
/// on-demand and the Spot rate of its size, in proportion to the share.
fn spot_share_from_figures(s: &ServiceReport, rates: &FargateRates) -> Option<Decimal> {
    let shape = Shape::of(s);
    let (od, sp) = (
        fargate_hour(shape, Capacity::OnDemand, rates).ok()?,
        fargate_hour(shape, Capacity::Spot, rates).ok()?,
    );
    let hours = task_hours(s, rates);
    if hours.is_zero() || od.0 == sp.0 {
        return None;
    }
    let per_hour = s.current_monthly_usd.0 / hours;
    Some(((od.0 - per_hour) / (od.0 - sp.0)).clamp(Decimal::ZERO, Decimal::ONE))
}

/// The placement a launch type or capacity provider strategy asks for, with `tasks` tasks.
/// `managed` names the ECS Managed Instances capacity providers (the analysed cluster's and
/// those the plan creates): a strategy of instance providers goes to the kind that takes more of
/// its tasks (base, then weight), as the engine places today's services.
pub(super) fn placement_of(
    launch_type: Option<&str>,
    strategy: Option<&[terraform::Strategy]>,
    tasks: f64,
    managed: &BTreeSet<String>,
) -> Option<Placement> {
    // A strategy removed (an empty list) leaves the launch type to decide.
    if let Some(items) = strategy.filter(|items| !items.is_empty() || launch_type.is_none()) {
        let is = |name: &'static str| items.iter().filter(move |s| s.capacity_provider == name);
        let fargate: Vec<_> = is("FARGATE").chain(is("FARGATE_SPOT")).collect();
        if fargate.is_empty() {
            let (mi, asg): (Vec<_>, Vec<_>) = items.iter().partition(|s| managed.contains(&s.capacity_provider));
            let pull = |xs: &[&terraform::Strategy]| (xs.iter().map(|s| s.base).sum::<u32>(), xs.iter().map(|s| s.weight).sum::<u32>());
            return Some(if !mi.is_empty() && pull(&mi) >= pull(&asg) {
                Placement::ManagedInstances
            } else {
                Placement::Ec2
            });
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
        Some("MANAGED_INSTANCES") => Some(Placement::ManagedInstances),
        _ => None,
    }
}

/// A task shape: what a service runs, or would run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Shape {
    pub(super) cpu_units: u32,
    pub(super) memory_mib: u32,
    pub(super) platform: Platform,
    pub(super) storage_gib: u32,
}

impl Shape {
    pub(super) fn of(s: &ServiceReport) -> Shape {
        Shape {
            cpu_units: s.task_size.cpu_units,
            memory_mib: s.task_size.memory_mib,
            platform: s.platform,
            storage_gib: s.ephemeral_storage_gib,
        }
    }

    pub(super) fn of_declared(d: &Declared) -> Shape {
        Shape {
            cpu_units: d.cpu_units,
            memory_mib: d.memory_mib,
            platform: d.platform,
            storage_gib: d.storage_gib,
        }
    }

    pub(super) fn words(&self) -> String {
        crate::report::TaskSize {
            cpu_units: self.cpu_units,
            memory_mib: self.memory_mib,
        }
        .to_string()
    }
}

/// One Fargate task of `shape` for an hour, on demand or on Spot.
pub(super) fn fargate_hour(shape: Shape, capacity: Capacity, rates: &FargateRates) -> Result<Usd, String> {
    let size = FargateSize::new(shape.cpu_units, shape.memory_mib, shape.platform).map_err(|e| e.to_string())?;
    fargate::hourly_rate(size, shape.platform, capacity, shape.storage_gib, rates).map_err(|e| e.to_string())
}

/// A task's weight on the hour at its platform's on-demand Fargate rates, any CPU and memory
/// (no size rules): what size changes scale by.
pub(super) fn weight(shape: Shape, platform_rates: bool, rates: &FargateRates) -> Decimal {
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

pub(super) fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default()
}

/// What a proposal does to one service.
#[derive(Clone, Debug, Default)]
pub(super) struct Change {
    pub(super) shape: Option<(Shape, String)>,
    pub(super) desired: Option<u32>,
    pub(super) launch_type: Option<String>,
    pub(super) strategy: Option<Vec<terraform::Strategy>>,
    pub(super) deleted: bool,
    pub(super) words: Vec<String>,
}

impl Change {
    pub(super) fn is_empty(&self) -> bool {
        self.shape.is_none() && self.desired.is_none() && self.launch_type.is_none() && self.strategy.is_none() && !self.deleted
    }
}

/// Prices a service under a change: its monthly cost after.
pub(super) fn price(s: &ServiceReport, c: &Change, rates: &FargateRates, managed: &BTreeSet<String>) -> Result<Usd, GateError> {
    if c.deleted {
        return Ok(Usd::ZERO);
    }
    let cannot = |why: String| GateError::Mismatch(format!("cannot price the change to `{}`: {why}", s.name));
    let today = Shape::of(s);
    let shape = c.shape.as_ref().map(|(sh, _)| *sh).unwrap_or(today);
    let tasks = c.desired.map(f64::from).unwrap_or(s.usage.average_tasks);
    let today_placement = placement_today(s, rates);
    let target = placement_of(c.launch_type.as_deref(), c.strategy.as_deref(), tasks, managed).unwrap_or(today_placement);
    let moved = (c.launch_type.is_some() || c.strategy.is_some()) && target != today_placement;
    let mut cost = if !moved {
        // The same compute: today's cost, scaled by the new size's hourly weight.
        let on_fargate = matches!(s.launch_type, LaunchType::Fargate | LaunchType::FargateSpot);
        if on_fargate && shape != today {
            fargate_hour(shape, Capacity::OnDemand, rates)
                .map_err(|e| cannot(format!("the new size {} is not a Fargate size: {e}", shape.words())))?;
        }
        let (old, new) = (weight(today, on_fargate, rates), weight(shape, on_fargate, rates));
        // The same weight is no change: x / y * y can miss x in the last of 28 digits.
        if old.is_zero() || new == old {
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
            Placement::Ec2 | Placement::ManagedInstances => {
                // Its share of the engine's simulated fleet: EC2 as ECS runs it, or Managed
                // Instances with their fees.
                let (kind, what) = match target {
                    Placement::Ec2 => (OptionKind::Ec2, "EC2"),
                    _ => (OptionKind::ManagedInstances, "ECS Managed Instances"),
                };
                let ec2 = option_usd(&s.options, kind).ok_or_else(|| {
                    let why = s.options.iter().find(|o| o.kind == kind).and_then(|o| o.reason.clone());
                    cannot(format!(
                        "it has no {what} figure ({})",
                        why.unwrap_or_else(|| "not simulated".into())
                    ))
                })?;
                let at = s.options.iter().find(|o| o.kind == kind).and_then(|o| o.size).map(|z| Shape {
                    cpu_units: z.cpu_units,
                    memory_mib: z.memory_mib,
                    ..today
                });
                let (old, new) = (weight(at.unwrap_or(today), false, rates), weight(shape, false, rates));
                if old.is_zero() || new == old {
                    ec2
                } else {
                    Usd(ec2.0 * new / old)
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
                Placement::Ec2 | Placement::ManagedInstances => weight(shape, false, rates),
            };
            Usd(hour * Decimal::from(n) * Decimal::from(HOURS_PER_MONTH))
        };
    }
    Ok(cost)
}

/// Task-hours a month the service runs: read off its Fargate figure (billed seconds, minimums
/// included) where it has one, else its average task count all month.
pub(super) fn task_hours(s: &ServiceReport, rates: &FargateRates) -> Decimal {
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
pub(super) fn price_new(
    d: &Declared,
    desired: u32,
    placement: Placement,
    rates: &FargateRates,
) -> Result<(Usd, Option<String>), GateError> {
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
        Placement::Ec2 | Placement::ManagedInstances => Ok((
            Usd(n * weight(shape, false, rates)),
            Some(format!(
                "`{}` is a new {} service: priced at the Fargate x86 rate for its size, since the fleet it joins is not simulated",
                d.family,
                if placement == Placement::Ec2 {
                    "EC2"
                } else {
                    "ECS Managed Instances"
                }
            )),
        )),
    }
}
