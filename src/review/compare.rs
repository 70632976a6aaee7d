//! Month over month: this month's report against the previous month's, both read as saved. What
//! each service cost as it ran, what moved it, and which of last month's recommendations were
//! carried out.

use std::collections::BTreeMap;

use crate::money::Usd;
use crate::report::{
    Action, Capacity, Cause, Comparison, Compute, FollowUp, FollowUpStatus, LaunchType, Report, ServiceChange, ServiceReport, Target,
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
    let follow_ups = previous
        .services
        .iter()
        .filter(|s| s.recommendation.action != Action::Keep)
        .map(|s| follow_up(s, after.get(s.name.as_str()).copied(), &fleet))
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
    }
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
                        "its share of the EC2 fleet, which other services left or joined, or EC2 prices and discounts"
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
