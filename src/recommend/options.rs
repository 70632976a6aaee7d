//! Every way to run a service, or the whole cluster, priced: the report's `options`, in
//! [`OptionKind`] order (Fargate rightsized, ARM, Spot; EC2 as ECS runs it, the ideal re-pack,
//! ENI trunking; ECS Managed Instances), each with its figure or the reason it does not apply.

use std::collections::BTreeMap;

use super::candidate::{self, Candidate};
use super::words::{self, not_applicable as na};
use super::{fleet_lines, managed, task_size};
use crate::config::Assumptions;
use crate::domain::Platform;
use crate::money::Usd;
use crate::report::{OptionKind, PricedOption, TaskSize};
use crate::simulation::ec2::FleetSimulation;

/// A service's compute options, in [`OptionKind`] order.
pub(super) fn service_options(
    c: &Candidate,
    a: &Assumptions,
    [ec2_share, ideal_share, trunked_share, managed_share]: [&BTreeMap<usize, Usd>; 4],
    ec2_simulated: bool,
    mi: &managed::ManagedInstances,
) -> Vec<PricedOption> {
    let i = c.usage.service;
    let size = c.fargate_size.map(task_size);
    let fargate_option = |kind: OptionKind, priced: Option<candidate::Priced>, reason: &str| match priced {
        Some(p) => PricedOption {
            size,
            ..PricedOption::priced(kind, p.monthly)
        },
        None => PricedOption::not_applicable(kind, reason),
    };
    let too_big = words::too_big_for_fargate();
    let unavailable = if c.is_daemon() { na::DAEMON } else { too_big.as_str() };
    let arm_reason = match c.platform {
        _ if c.fargate.is_none() => unavailable,
        Platform::LinuxArm => na::ALREADY_ARM,
        Platform::Windows => na::WINDOWS_ARM,
        Platform::LinuxX86 => na::NOT_ARM_READY,
    };
    let spot_reason = match c.platform {
        _ if c.fargate.is_none() => unavailable,
        Platform::Windows => na::WINDOWS_SPOT,
        Platform::LinuxArm | Platform::LinuxX86 => na::NOT_SPOT_TOLERANT,
    };
    let ec2_option = |kind: OptionKind, shares: &BTreeMap<usize, Usd>, reason: &str| match shares.get(&i) {
        Some(&x) => PricedOption {
            size: c.ec2_shape.map(|s| TaskSize {
                cpu_units: s.cpu_units,
                memory_mib: s.memory_mib,
            }),
            ..PricedOption::priced(kind, x)
        },
        None if c.ec2_shape.is_none() => PricedOption::not_applicable(
            kind,
            match c.platform {
                Platform::Windows => na::WINDOWS_EC2,
                _ => na::NO_GRAVITON_TYPES,
            },
        ),
        None => PricedOption::not_applicable(kind, reason),
    };
    let ec2_missing = if ec2_simulated {
        na::NO_EC2_TYPES
    } else {
        na::NOT_IN_PLAN_SIMULATION
    };
    vec![
        fargate_option(OptionKind::Fargate, c.fargate, unavailable),
        fargate_option(OptionKind::FargateArm, c.arm, arm_reason),
        fargate_option(OptionKind::FargateSpot, c.spot, spot_reason),
        ec2_option(OptionKind::Ec2, ec2_share, ec2_missing),
        ec2_option(OptionKind::Ec2Ideal, ideal_share, ec2_missing),
        ec2_option(
            OptionKind::Ec2EniTrunking,
            trunked_share,
            if a.ec2.eni_trunking { na::TRUNKING_ASSUMED } else { ec2_missing },
        ),
        {
            // A priced figure says when its fees are estimates; an unpriced one says why.
            let o = ec2_option(OptionKind::ManagedInstances, managed_share, mi.missing());
            match (&o.monthly_usd, &mi.note) {
                (Some(_), Some(note)) => PricedOption {
                    reason: Some(note.clone()),
                    ..o
                },
                _ => o,
            }
        },
    ]
}

/// A fleet option's monthly figure for the cluster and the simulation behind it.
type FleetFigure<'s> = (Option<Usd>, Option<&'s FleetSimulation>);

/// The cluster's compute options, in [`OptionKind`] order: the EC2 figures as ECS runs it, ideal,
/// with ENI trunking, and on ECS Managed Instances.
pub(super) fn cluster_options(
    cands: &[Candidate],
    fargate_plan: &[Option<Usd>],
    all_fargate: Option<Usd>,
    a: &Assumptions,
    [ec2, ideal, trunked, managed]: [FleetFigure; 4],
    mi: &managed::ManagedInstances,
) -> Vec<PricedOption> {
    // Every service on Fargate on demand, except those the option moves (ARM-ready ones to
    // Graviton, tolerant ones to Spot): each only where some service would move.
    let variant = |kind: OptionKind, pick: &dyn Fn(&Candidate) -> Option<candidate::Priced>| -> PricedOption {
        let moved = cands.iter().any(|c| pick(c).is_some());
        if !moved {
            let why = match kind {
                OptionKind::FargateArm => "no service is tagged ARM-ready",
                _ => "no service is known to tolerate interruptions",
            };
            return PricedOption::not_applicable(kind, why);
        }
        let total: Option<Usd> = cands
            .iter()
            .zip(fargate_plan)
            .map(|(c, planned)| {
                if c.is_daemon() {
                    return *planned;
                }
                pick(c).or(c.fargate).map(|p| p.monthly)
            })
            .sum();
        match total {
            Some(t) => PricedOption::priced(kind, t),
            None => PricedOption::not_applicable(kind, words::too_big_for_fargate()),
        }
    };
    // The EC2 plans keep the services EC2 cannot run (Windows) on Fargate: their figure says so.
    let on_fargate: Vec<(&str, Usd)> = cands
        .iter()
        .zip(fargate_plan)
        .filter(|(c, _)| c.ec2_shape.is_none())
        .filter_map(|(c, p)| Some((c.svc.name.as_str(), (*p)?)))
        .collect();
    let ec2_note = (!on_fargate.is_empty()).then(|| words::ec2_plan_keeps_on_fargate(&on_fargate));
    let ec2_option = |kind: OptionKind, (total, sim): (Option<Usd>, Option<&FleetSimulation>), reason: &str| match total {
        Some(t) => PricedOption {
            fleet: fleet_lines(sim),
            reason: ec2_note.clone(),
            ..PricedOption::priced(kind, t)
        },
        None => PricedOption::not_applicable(kind, reason),
    };
    let ec2_missing = if ec2.1.is_some() {
        "some service fits neither EC2 nor Fargate"
    } else {
        "no replica service can be packed onto EC2 with the region's instance types"
    };
    vec![
        match all_fargate {
            Some(t) => PricedOption::priced(OptionKind::Fargate, t),
            None => PricedOption::not_applicable(OptionKind::Fargate, words::too_big_for_fargate()),
        },
        variant(OptionKind::FargateArm, &|c| c.arm),
        variant(OptionKind::FargateSpot, &|c| c.spot),
        ec2_option(OptionKind::Ec2, ec2, ec2_missing),
        ec2_option(OptionKind::Ec2Ideal, ideal, ec2_missing),
        ec2_option(
            OptionKind::Ec2EniTrunking,
            trunked,
            if a.ec2.eni_trunking { na::TRUNKING_ASSUMED } else { ec2_missing },
        ),
        {
            let o = ec2_option(OptionKind::ManagedInstances, managed, mi.missing());
            let reason = match (&o.reason, &mi.note) {
                (Some(r), Some(n)) if o.monthly_usd.is_some() => Some(format!("{r}; {n}")),
                (None, Some(n)) if o.monthly_usd.is_some() => Some(n.clone()),
                _ => o.reason.clone(),
            };
            PricedOption { reason, ..o }
        },
    ]
}
