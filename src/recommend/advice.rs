//! What to do with each service: keep it, or the change the plan makes (its Fargate
//! recommendation, or its place on the plan's instances), with the risk and the reasons in words.

use std::collections::BTreeSet;

use super::candidate::Candidate;
use super::fleets::Ec2Runs;
use super::plan::{self, FargateChoice};
use super::{fleet_lines, round2, words};
use crate::config::Assumptions;
use crate::domain::{Arch, Capacity, Platform};
use crate::money::Usd;
use crate::report::{Action, Compute, FleetLine, Recommendation, Risk, Target};
use crate::simulation::ec2::TaskShape;
use crate::simulation::fargate::FargateSize;
use crate::snapshot::inventory::Placement;

pub(super) fn current_target(c: &Candidate) -> Target {
    let r = c.reserved();
    let spot = c.spot_share_today();
    Target {
        compute: match c.placement {
            Placement::Ec2 => Compute::Ec2,
            Placement::ManagedInstances { .. } => Compute::ManagedInstances,
            Placement::Fargate { .. } => Compute::Fargate,
        },
        platform: c.platform,
        capacity: if spot >= 1.0 { Capacity::Spot } else { Capacity::OnDemand },
        spot_share_pct: (spot > 0.0 && spot < 1.0).then(|| round2(spot * 100.0)),
        cpu_units: r.cpu_units,
        memory_mib: r.memory_mib,
        fleet: Vec::new(),
    }
}

pub(super) fn keep_today(c: &Candidate, rationale: String) -> Recommendation {
    Recommendation {
        action: Action::Keep,
        target: Some(current_target(c)),
        summary: words::describe_current(c),
        monthly_usd: c.current,
        savings_monthly_usd: Usd::ZERO,
        rationale,
        risk: Risk::Low,
        finding: None,
        needs_deploy: None,
        changes: None,
    }
}

fn risk_at(c: &Candidate, cpu_units: u32, memory_mib: u32) -> Risk {
    let s = &c.usage.stats;
    plan::risk(
        c.low_data || c.at_limit,
        s.cpu_units_max.unwrap_or(0.0) / f64::from(cpu_units.max(1)),
        s.memory_mib_max.unwrap_or(0.0) / f64::from(memory_mib.max(1)),
    )
}

pub(super) fn fargate_recommendation(c: &Candidate, a: &Assumptions) -> Recommendation {
    if c.is_daemon() {
        return Recommendation {
            action: Action::ReplaceWithSidecar,
            target: None,
            summary: words::DAEMON_SIDECAR_SUMMARY.into(),
            // A sidecar on every task that needs it is not free, and which tasks need it is not
            // known: no saving is claimed, today's cost stands in for the sidecars'.
            monthly_usd: c.current,
            savings_monthly_usd: Usd::ZERO,
            rationale: words::DAEMON_SIDECAR_WHY.into(),
            risk: Risk::Medium,
            finding: None,
            needs_deploy: None,
            changes: None,
        };
    }
    let (Some((choice, best)), Some(size)) = (c.best_fargate, c.fargate_size) else {
        return keep_today(c, words::too_big_for_fargate());
    };
    let reserved = c.reserved();
    let action = plan::fargate_action(plan::FargateFacts {
        on_fargate_today: matches!(c.placement, Placement::Fargate { .. }),
        same_size: size == reserved,
        choice,
        spot_share_today: c.spot_share_today(),
        cost: best.monthly,
        current: c.current,
    });
    let saving = c.current - best.monthly;
    let on_fargate_today = matches!(c.placement, Placement::Fargate { .. });
    if on_fargate_today
        && action != Action::Keep
        && !plan::worth_changing(saving, c.current, a.recommend.min_savings_pct, a.recommend.min_savings_usd)
    {
        return keep_today(
            c,
            words::below_threshold(c, a, saving, &words::describe_fargate(c.platform, choice, size)),
        );
    }
    let risk = risk_at(c, size.cpu_units, size.memory_mib);
    let rationale = words::with_risk_reason(
        words::fargate_rationale(c, a, action, choice, size),
        c,
        risk,
        size.cpu_units,
        size.memory_mib,
    );
    if action == Action::Keep {
        return Recommendation {
            risk,
            ..keep_today(c, rationale)
        };
    }
    Recommendation {
        action,
        target: Some(Target {
            compute: Compute::Fargate,
            platform: if matches!(choice, FargateChoice::Arm | FargateChoice::ArmSpot) {
                Platform::LinuxArm
            } else {
                c.platform
            },
            capacity: if matches!(choice, FargateChoice::Spot | FargateChoice::ArmSpot) {
                Capacity::Spot
            } else {
                Capacity::OnDemand
            },
            spot_share_pct: None,
            cpu_units: size.cpu_units,
            memory_mib: size.memory_mib,
            fleet: Vec::new(),
        }),
        summary: words::describe_fargate(c.platform, choice, size),
        monthly_usd: best.monthly,
        savings_monthly_usd: c.current - best.monthly,
        rationale,
        risk,
        finding: None,
        needs_deploy: None,
        changes: None,
    }
}

/// A service in a plan on instances: the EC2 fleet, or ECS Managed Instances (`compute`).
pub(super) fn instances_recommendation(
    c: &Candidate,
    cost: Usd,
    a: &Assumptions,
    runs: Option<&Ec2Runs>,
    compute: Compute,
) -> Recommendation {
    let shape: TaskShape = c.ec2_shape.expect("members of a plan on instances have a shape");
    let size = FargateSize {
        cpu_units: shape.cpu_units,
        memory_mib: shape.memory_mib,
    };
    let managed = compute == Compute::ManagedInstances;
    let action = if managed {
        plan::instances_action(
            matches!(c.placement, Placement::ManagedInstances { .. }),
            size != c.reserved(),
            Action::MoveToManagedInstances,
        )
    } else {
        plan::ec2_action(c.placement == Placement::Ec2, size != c.reserved())
    };
    // The service's tasks run on its Auto Scaling group's type (a daemon on every group).
    let fleet: Vec<FleetLine> = runs
        .map(|r| {
            let types: BTreeSet<&str> = r
                .ecs
                .groups
                .iter()
                .filter(|g| c.is_daemon() || g.services.contains(&c.usage.service))
                .map(|g| g.instance_type.as_str())
                .collect();
            fleet_lines(Some(&r.ecs.sim))
                .into_iter()
                .filter(|l| types.contains(l.instance_type.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let on_graviton = runs.is_some_and(|r| {
        r.ecs
            .groups
            .iter()
            .any(|g| g.services.contains(&c.usage.service) && g.arch == Arch::Arm64)
    });
    let risk = if c.is_daemon() {
        Risk::Low
    } else {
        risk_at(c, shape.cpu_units, shape.memory_mib)
    };
    Recommendation {
        action,
        target: Some(Target {
            compute,
            platform: if on_graviton { Platform::LinuxArm } else { c.platform },
            capacity: Capacity::OnDemand,
            spot_share_pct: (!managed && a.ec2.spot_share_pct > 0.0).then_some(a.ec2.spot_share_pct),
            cpu_units: shape.cpu_units,
            memory_mib: shape.memory_mib,
            fleet,
        }),
        summary: if managed {
            words::describe_managed_instances(size)
        } else {
            words::describe_ec2(size, shape.arm_ok)
        },
        monthly_usd: cost,
        savings_monthly_usd: c.current - cost,
        rationale: words::with_risk_reason(
            words::instances_rationale(c, a, size, cost, managed),
            c,
            risk,
            shape.cpu_units,
            shape.memory_mib,
        ),
        risk,
        finding: None,
        needs_deploy: None,
        changes: None,
    }
}
