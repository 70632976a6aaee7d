//! Month over month: this month's report against the previous month's, both read as saved. What
//! each service cost as it ran, what moved it, and which of last month's recommendations were
//! carried out.

use std::collections::BTreeMap;

use crate::money::Usd;
use crate::report::{
    Action, Capacity, Cause, Comparison, Compute, FleetAction, FleetFollowUp, FleetFollowUpStatus, FleetLine, FleetStep, FollowUp,
    FollowUpStatus, LaunchType, PoolChange, Report, ServiceChange, ServiceReport, Target,
};

/// Task counts that differ by less than this share are the same count.
const COUNT_TOLERANCE: f64 = 0.02;
/// Costs per task that differ by less than this share are the same price.
const PRICE_TOLERANCE: f64 = 0.01;

fn pct(change: Usd, of: Usd) -> Option<f64> {
    (!of.is_zero()).then(|| (change.to_f64() / of.to_f64() * 1000.0).round() / 10.0)
}

pub fn compare(previous: &Report, previous_month: &str, current: &Report) -> Comparison {
    let before: BTreeMap<&str, &ServiceReport> = previous.services.iter().map(|s| (s.name.as_str(), s)).collect();
    let after: BTreeMap<&str, &ServiceReport> = current.services.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut names: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let mut services: Vec<ServiceChange> = names
        .into_iter()
        .filter_map(|n| service_change(n, before.get(n).copied(), after.get(n).copied()))
        .collect();
    services.sort_by(|a, b| b.change_usd.0.abs().cmp(&a.change_usd.0.abs()).then(a.name.cmp(&b.name)));
    let fleet = FleetMove::of(previous, current);
    // A service moving as one step of a fleet action is followed up with its fleet.
    let in_fleet_action = |name: &str| previous.cluster.fleet_actions.iter().any(|a| a.services.iter().any(|s| s == name));
    let follow_ups = previous
        .services
        .iter()
        .filter(|s| s.recommendation.action != Action::Keep && !in_fleet_action(&s.name))
        .map(|s| follow_up(s, after.get(s.name.as_str()).copied(), &fleet))
        .collect();
    let fleet_follow_ups = previous
        .cluster
        .fleet_actions
        .iter()
        .map(|a| fleet_follow_up(a, previous, current))
        .collect();
    let (was, now) = (previous.cluster.current_monthly_usd, current.cluster.current_monthly_usd);
    Comparison {
        previous_month: previous_month.to_string(),
        previous_monthly_usd: was,
        monthly_usd: now,
        change_usd: now - was,
        change_pct: pct(now - was, was),
        services,
        follow_ups,
        pools: pool_changes(previous, current),
        fleet_follow_ups,
    }
}

/// What last month's recommendations realised this month: the fleets' and the services'.
pub fn realised(c: &Comparison) -> Usd {
    c.fleet_follow_ups
        .iter()
        .filter_map(|f| f.realised_savings_usd)
        .chain(c.follow_ups.iter().filter_map(|f| f.realised_savings_usd))
        .sum()
}

/// A report's pool of a kind: what it cost, what of it was idle, its instances. `None` for a
/// report saved before pools were recorded that had instances of the kind (its figures unknown).
fn pool_of(r: &Report, kind: Compute) -> Option<(Usd, Usd, Vec<FleetLine>)> {
    let instances = match kind {
        Compute::ManagedInstances => &r.cluster.current_managed_instances_fleet,
        _ => &r.cluster.current_ec2_fleet,
    };
    match r.cluster.pools.iter().find(|p| p.kind == kind) {
        Some(p) => Some((p.monthly_usd, p.idle_monthly_usd, instances.clone())),
        None if instances.is_empty() => Some((Usd::ZERO, Usd::ZERO, Vec::new())),
        None => None,
    }
}

/// Each pool whose cost or idle line moved between the months.
fn pool_changes(previous: &Report, current: &Report) -> Vec<PoolChange> {
    [Compute::Ec2, Compute::ManagedInstances]
        .into_iter()
        .filter_map(|kind| {
            let (was, was_idle, was_instances) = pool_of(previous, kind)?;
            let (now, now_idle, instances) = pool_of(current, kind)?;
            let moved = !(now - was).cents().is_zero() || !(now_idle - was_idle).cents().is_zero() || was_instances != instances;
            moved.then_some(PoolChange {
                kind,
                previous_instances: was_instances,
                instances,
                previous_monthly_usd: was,
                monthly_usd: now,
                previous_idle_monthly_usd: was_idle,
                idle_monthly_usd: now_idle,
            })
        })
        .collect()
}

/// Last month's action on a pool, measured on the pool's cost and the services that moved.
fn fleet_follow_up(a: &FleetAction, previous: &Report, current: &Report) -> FleetFollowUp {
    let on_pool = |s: &ServiceReport| match a.kind {
        Compute::ManagedInstances => s.launch_type == LaunchType::ManagedInstances,
        _ => s.launch_type == LaunchType::Ec2,
    };
    let find = |r: &Report, name: &str| r.services.iter().find(|s| s.name == name).cloned();
    let moved: Vec<String> = a
        .services
        .iter()
        .filter(|n| !find(current, n).is_some_and(|s| on_pool(&s)))
        .cloned()
        .collect();
    let moved_now: Usd = moved.iter().filter_map(|n| find(current, n)).map(|s| s.current_monthly_usd).sum();
    let their_shares: Usd = moved.iter().filter_map(|n| find(previous, n)).map(|s| s.current_monthly_usd).sum();
    let (before, _, previous_instances) = pool_of(previous, a.kind).unwrap_or_default();
    let (after, _, instances) = pool_of(current, a.kind).unwrap_or_default();
    let fell = (before - after).cents();
    let fell = if fell.0.is_sign_negative() { Usd::ZERO } else { fell };
    let all_moved = moved.len() == a.services.len();
    let gave_up = match a.action {
        FleetStep::Retire => instances.is_empty(),
        FleetStep::Shrink => !fell.is_zero(),
    };
    let status = match () {
        _ if moved.is_empty() => FleetFollowUpStatus::Open,
        _ if all_moved && gave_up => FleetFollowUpStatus::Done,
        _ => FleetFollowUpStatus::Partly,
    };
    let realised = (!moved.is_empty()).then(|| {
        let saved = match a.action {
            FleetStep::Retire => fell,
            FleetStep::Shrink if fell > their_shares => their_shares,
            FleetStep::Shrink => fell,
        };
        saved - moved_now
    });
    let remains = fleet_remains(a, status, &moved, after, &instances);
    FleetFollowUp {
        kind: a.kind,
        action: a.action,
        services: a.services.clone(),
        moved,
        status,
        estimated_savings_usd: a.savings_monthly_usd,
        previous_instances,
        instances,
        previous_pool_monthly_usd: before,
        pool_monthly_usd: after,
        moved_monthly_usd: moved_now,
        realised_savings_usd: realised,
        remains,
    }
}

/// What is left of a fleet action, in words.
fn fleet_remains(a: &FleetAction, status: FleetFollowUpStatus, moved: &[String], now: Usd, instances: &[FleetLine]) -> Option<String> {
    if status == FleetFollowUpStatus::Done {
        return None;
    }
    let still: Vec<&str> = a.services.iter().filter(|n| !moved.contains(n)).map(String::as_str).collect();
    let running = instances
        .iter()
        .map(|l| format!("{} x {}", l.count, l.instance_type))
        .collect::<Vec<_>>()
        .join(", ");
    let pool = match a.kind {
        Compute::ManagedInstances => "ECS Managed Instances fleet",
        _ => "EC2 fleet",
    };
    let last_step = match (a.action, a.kind) {
        (FleetStep::Retire, Compute::ManagedInstances) => format!(
            "then retire the {pool}: remove its capacity provider from the cluster ({running} still run at {now} a month)"
        ),
        (FleetStep::Retire, _) => format!(
            "then retire the {pool}: set its Auto Scaling group's minimum and desired capacity to 0 and remove its capacity provider from the cluster ({running} still run at {now} a month)"
        ),
        (FleetStep::Shrink, _) => format!(
            "then let the {pool} give up their instances: ECS managed scaling with a target capacity does, or lower its desired count ({running} run at {now} a month)"
        ),
    };
    Some(if still.is_empty() {
        format!("every service left; {last_step}")
    } else {
        format!("still to move: {} (as last month's rows said); {last_step}", still.join(", "))
    })
}

fn service_change(name: &str, before: Option<&ServiceReport>, after: Option<&ServiceReport>) -> Option<ServiceChange> {
    let was = before.map(|s| s.current_monthly_usd);
    let now = after.map(|s| s.current_monthly_usd);
    let change = now.unwrap_or(Usd::ZERO) - was.unwrap_or(Usd::ZERO);
    if change.cents().is_zero() && before.is_some() == after.is_some() {
        return None;
    }
    let (causes, explanation) = match (before, after) {
        (None, Some(s)) => (
            vec![Cause::NewService],
            format!(
                "new this month: {} tasks of {} on {}",
                tasks(s.usage.average_tasks),
                s.task_size,
                s.launch_type.as_str()
            ),
        ),
        (Some(_), None) => (vec![Cause::RemovedService], "gone this month".into()),
        (Some(b), Some(a)) => causes(b, a),
        (None, None) => return None,
    };
    Some(ServiceChange {
        name: name.to_string(),
        previous_monthly_usd: was,
        monthly_usd: now,
        change_usd: change,
        change_pct: was.and_then(|w| pct(change, w)),
        causes,
        explanation,
    })
}

fn tasks(n: f64) -> String {
    format!("{n:.1}")
}

/// What moved a service that ran in both months, with the figures.
fn causes(b: &ServiceReport, a: &ServiceReport) -> (Vec<Cause>, String) {
    let mut causes = Vec::new();
    let mut words = Vec::new();
    if b.launch_type != a.launch_type {
        causes.push(Cause::LaunchType);
        words.push(format!("launch type {} -> {}", b.launch_type.as_str(), a.launch_type.as_str()));
    }
    if b.task_size != a.task_size {
        causes.push(Cause::TaskSize);
        words.push(format!("task size {} -> {}", b.task_size, a.task_size));
    }
    let (tb, ta) = (b.usage.average_tasks, a.usage.average_tasks);
    if (ta - tb).abs() > COUNT_TOLERANCE * tb.max(ta) {
        causes.push(Cause::TaskCount);
        words.push(format!("tasks {} -> {} on average", tasks(tb), tasks(ta)));
    }
    if b.launch_type == a.launch_type && b.task_size == a.task_size {
        // The same kind of task: did what one task costs move?
        let per_task = |s: &ServiceReport| (s.usage.average_tasks > 0.0).then(|| s.current_monthly_usd.to_f64() / s.usage.average_tasks);
        if let (Some(x), Some(y)) = (per_task(b), per_task(a)) {
            if (y - x).abs() > PRICE_TOLERANCE * x.max(y) {
                causes.push(Cause::Price);
                words.push(format!(
                    "cost per task {} -> {} a month ({})",
                    Usd::from_f64(x),
                    Usd::from_f64(y),
                    if a.launch_type == LaunchType::Ec2 {
                        "the EC2 fleet's cost per unit of its capacity: its instance types, EC2 prices or discounts"
                    } else {
                        "prices, discounts, Spot share or when its tasks ran"
                    }
                ));
            }
        }
    }
    if causes.is_empty() {
        causes.push(Cause::TaskCount);
        words.push(format!(
            "small changes in when its tasks ran ({} -> {} tasks on average)",
            tasks(tb),
            tasks(ta)
        ));
    }
    (causes, words.join("; "))
}

/// The service runs as last month's report recommended.
fn runs_as(t: &Target, s: &ServiceReport) -> bool {
    let compute = match t.compute {
        Compute::Fargate => matches!(s.launch_type, LaunchType::Fargate | LaunchType::FargateSpot),
        Compute::Ec2 => s.launch_type == LaunchType::Ec2,
        Compute::ManagedInstances => s.launch_type == LaunchType::ManagedInstances,
    };
    // On instances, Spot is the fleet's, not the service's.
    let on_instances = t.compute != Compute::Fargate;
    let capacity = match t.capacity {
        Capacity::Spot => s.launch_type == LaunchType::FargateSpot || on_instances,
        Capacity::OnDemand => s.launch_type != LaunchType::FargateSpot || on_instances,
    };
    compute && capacity && t.platform == s.platform && s.task_size.cpu_units == t.cpu_units && s.task_size.memory_mib == t.memory_mib
}

/// The EC2 fleet from one month to the next: what its instances cost (the EC2 services' shares
/// add up to it; idle instances count too) and the shares of the services that left it.
struct FleetMove {
    before: Usd,
    after: Usd,
    left: BTreeMap<String, Usd>,
}

impl FleetMove {
    fn of(previous: &Report, current: &Report) -> FleetMove {
        // The cluster's cost less its Fargate services': the EC2 services' shares, or the idle
        // instances' cost when no service is left on them.
        let on_ec2 = |r: &Report| -> Usd {
            r.cluster.current_monthly_usd
                - r.services
                    .iter()
                    .filter(|s| s.launch_type != LaunchType::Ec2)
                    .map(|s| s.current_monthly_usd)
                    .sum()
        };
        let left = previous
            .services
            .iter()
            .filter(|s| s.launch_type == LaunchType::Ec2)
            .filter(|s| {
                current
                    .services
                    .iter()
                    .any(|a| a.name == s.name && a.launch_type != LaunchType::Ec2)
            })
            .map(|s| (s.name.clone(), s.current_monthly_usd))
            .collect();
        FleetMove {
            before: on_ec2(previous),
            after: on_ec2(current),
            left,
        }
    }

    /// What leaving the fleet realised for `name`: its share (by last month's cost among the
    /// services that left) of what the fleet stopped costing, less what it costs now. Leaving a
    /// fleet whose instances still run saves nothing yet: the others' shares absorb the cost.
    fn realised(&self, name: &str, now: Usd) -> Option<(Usd, String)> {
        let share = *self.left.get(name)?;
        let all: Usd = self.left.values().copied().sum();
        // Cents: the shares of an unchanged fleet can differ in the 28th digit.
        let drop = (self.before - self.after).cents();
        let part = if all.is_zero() || drop.0 <= rust_decimal::Decimal::ZERO {
            Usd::ZERO
        } else {
            Usd(drop.0 * share.0 / all.0)
        };
        let realised = part - now;
        let note = if drop.0 <= rust_decimal::Decimal::ZERO {
            // A fleet that grew is no saving either; its growth is not this service's to carry.
            format!(
                "it left the EC2 fleet, whose instances cost {} a month before and {} now: nothing is saved until instances go (retire or shrink the fleet); meanwhile it costs {} on Fargate",
                self.before, self.after, now
            )
        } else {
            format!(
                "measured on the fleet: its instances went from {} to {} a month; this service's part of that drop is {}, less {} it costs now",
                self.before, self.after, part, now
            )
        };
        Some((realised, note))
    }
}

fn follow_up(before: &ServiceReport, after: Option<&ServiceReport>, fleet: &FleetMove) -> FollowUp {
    let r = &before.recommendation;
    let status = match (after, &r.target) {
        (None, _) => FollowUpStatus::Removed,
        (Some(a), Some(t)) if runs_as(t, a) => FollowUpStatus::Done,
        _ => FollowUpStatus::Open,
    };
    let fleet_part = after.and_then(|a| fleet.realised(&before.name, a.current_monthly_usd));
    FollowUp {
        service: before.name.clone(),
        action: r.action,
        summary: r.summary.clone(),
        status,
        estimated_savings_usd: r.savings_monthly_usd,
        realised_savings_usd: match (status, after, &fleet_part) {
            (FollowUpStatus::Done, _, Some((realised, _))) => Some(*realised),
            (FollowUpStatus::Done, Some(a), None) => Some(before.current_monthly_usd - a.current_monthly_usd),
            _ => None,
        },
        note: fleet_part.filter(|_| status == FollowUpStatus::Done).map(|(_, note)| note),
    }
}
