//! Recommend: weighs each service's current cost against its compute options (Fargate
//! rightsized, ARM, Spot; its share of the EC2 and ECS Managed Instances fleets), chooses a plan
//! for the cluster (all Fargate, all EC2, a mix or all Managed Instances) and says why. Builds the
//! canonical [`Report`]. Pure computation.
//!
//! `cost` holds the rules today's cost is computed by (and `gate` prices a change by),
//! `candidate` computes each service's numbers, `current` prices today's instances (and says what
//! the plan does to them: `fleet_actions`), `fleets` simulates the fleets the plans need (and
//! `managed` gives the ECS Managed Instances types and fees they pack onto), `plan` decides (pure
//! functions with table tests), `words` writes every
//! sentence, `series` the charts' data; this file puts the report together.

mod candidate;
pub mod cost;
mod current;
mod fleets;
mod managed;
pub mod plan;
mod series;
#[cfg(test)]
pub(crate) mod tests;
mod words;

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::config::Assumptions;
use crate::domain::{Arch, Capacity, Platform};
use crate::money::{monthly, Usd};
use crate::pricing::{self, Catalog, PricingError};
use crate::report::*;
use crate::simulation::ec2::{FleetSimulation, Packer, TaskShape};
use crate::simulation::fargate::FargateSize;
use crate::simulation::optimizer::{Budget, OptimizingPacker};
use crate::simulation::SimulationError;
use crate::snapshot::inventory::{Placement, TaskDefinition};
use crate::snapshot::Snapshot;
use crate::usage::{self, ServiceUsage};

use candidate::{Buckets, Candidate};
use fleets::{share_of, simulate_fleets, Ec2Runs, FleetInputs, Simulated};
use plan::FargateChoice;
use words::not_applicable as na;

#[derive(Debug, thiserror::Error)]
pub enum RecommendError {
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error("service `{service}`: {source}")]
    Service { service: String, source: SimulationError },
    #[error(transparent)]
    Simulation(#[from] SimulationError),
}

/// The optimizer's work budget for each distinct mix of task counts in a simulation: smaller
/// than `pack`'s, since a month of 5-minute steps can hold thousands of mixes.
pub const SIMULATION_BUDGET: Budget = Budget {
    pivots: 3_000,
    knapsack_nodes: 150_000,
};

pub fn analyze(snapshot: &Snapshot, catalog: &Catalog, a: &Assumptions) -> Result<Report, RecommendError> {
    let usages = usage::analyze(snapshot, &a.rightsizing);
    let packer = OptimizingPacker { budget: SIMULATION_BUDGET };
    analyze_with(snapshot, &usages, catalog, a, &packer, &mut |_| {})
}

/// [`analyze`] from usage already computed (`usage::analyze`), with another packer for the ideal
/// re-pack, telling `progress` each stage it starts (the caller may draw it; this module prints
/// nothing). Reads only the snapshot's manifest and inventory: a caller short of memory may drop
/// its usage rows once the usage is computed.
pub fn analyze_with(
    snapshot: &Snapshot,
    usages: &[ServiceUsage],
    catalog: &Catalog,
    a: &Assumptions,
    packer: &(dyn Packer + Sync),
    progress: &mut dyn FnMut(&str),
) -> Result<Report, RecommendError> {
    let m = &snapshot.manifest;
    let discounted;
    let catalog = if a.discounts.any() {
        discounted = catalog.discounted(&a.discounts);
        &discounted
    } else {
        catalog
    };
    let region = catalog.region(&m.region)?;
    let rates = &region.fargate;
    let window_s = m.window_seconds();
    let steps = m.steps() as usize;
    let buckets = Buckets {
        step_seconds: m.step_seconds,
        window_seconds: window_s,
    };
    let mut warnings = Vec::new();
    if let Some(w) = catalog.fallback_warning(&m.region) {
        warnings.push(w);
    }
    if m.usage_source == crate::snapshot::usage_source::AWS_ECS {
        warnings.push(words::warn::NO_CONTAINER_INSIGHTS.into());
    }

    // Today's instances, in two pools (Auto Scaling groups; Managed Instances with their fees).
    let inventory = &snapshot.inventory;
    let today = current::Pools::priced(inventory, catalog, region, &m.region, window_s, &mut warnings);
    let weights = cost::weights(rates);

    let mut cands = candidates(snapshot, usages, a, rates, buckets, &mut warnings)?;

    let (idle_pool_cost, pools) = today.share(&mut cands, window_s, steps, &weights, &mut warnings);

    let types = fleets::ec2_types(catalog, region, &today.ec2_fleet, a, &m.region, &mut warnings);
    if let Some(w) = words::warn::estimated_prices(
        region,
        today
            .ec2_fleet
            .keys()
            .chain(today.mi_fleet.keys())
            .map(String::as_str)
            .chain(types.iter().map(|t| t.instance_type.as_str())),
        &fargate_groups_used(&cands),
    ) {
        warnings.push(w);
    }
    // ARM64 tasks run only on Graviton: without a Graviton type they stay on Fargate.
    if !types.iter().any(|t| t.arch == Arch::Arm64) {
        for c in cands.iter_mut().filter(|c| c.platform == Platform::LinuxArm) {
            c.ec2_shape = None;
        }
    }

    let fleet_inputs = FleetInputs {
        cands: &cands,
        types: &types,
        region,
        step_seconds: m.step_seconds,
        steps,
        packer,
        weights,
        hour_factor: a.ec2_hour_factor(),
        fees: None,
    };
    // ECS Managed Instances: the types ECS may pick, each at its EC2 price plus its fee, on
    // demand, with trunking on (the ENI limit does not bind there).
    let mi = managed::inputs(
        catalog,
        region,
        inventory,
        &a.managed_instances,
        today.fee_rule.clone(),
        &mut warnings,
    );
    let mi_inputs = FleetInputs {
        types: &mi.types,
        hour_factor: Decimal::ONE,
        fees: Some(&mi.fees),
        ..fleet_inputs
    };
    let mut mi_ec2 = a.ec2.clone();
    mi_ec2.eni_trunking = true;
    // No target capacity: ECS launches what the tasks need. Idle and underused instances go
    // after the provider's scaleInAfter where the cluster has a provider that sets it.
    mi_ec2.target_capacity_pct = 100;
    mi_ec2.scale_in_minutes = managed::scale_in_after_minutes(inventory, &a.managed_instances);
    let pct = a.recommend.ec2_min_savings_pct;
    let ec2_able: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_some()).collect();
    // What each service costs in the all-Fargate plan: exactly what its Fargate recommendation
    // says (a daemon nothing: it becomes a sidecar), so the plan's total and the per-service
    // figures agree to the cent. A task too big for Fargate makes the plan impossible.
    let fargate_recs: Vec<Option<Recommendation>> = cands
        .iter()
        .map(|c| (c.best_fargate.is_some() || c.is_daemon()).then(|| fargate_recommendation(c, a)))
        .collect();
    let fargate_plan: Vec<Option<Usd>> = fargate_recs.iter().map(|r| r.as_ref().map(|r| r.monthly_usd)).collect();
    let all_fargate: Option<Usd> = fargate_plan.iter().copied().sum();
    let fargate_only: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_none()).collect();
    let fargate_only_cost: Option<Usd> = fargate_only.iter().map(|&i| fargate_plan[i]).sum();
    let share_of = |sim: Option<&FleetSimulation>| share_of(sim, window_s);
    let Simulated {
        all_ec2,
        trunked,
        mixed_ec2,
        mixed_sim,
        managed,
    } = simulate_fleets(
        &fleet_inputs,
        &mi_inputs,
        (&a.ec2, &mi_ec2),
        &ec2_able,
        !mi.types.is_empty(),
        pct,
        window_s,
        progress,
    )?;
    let ec2_share = share_of(all_ec2.as_ref().map(|s| &s.ecs.sim));
    let ideal_share = share_of(all_ec2.as_ref().and_then(|s| s.ideal.as_ref()));
    let trunked_share = share_of(trunked.as_ref().map(|s| &s.ecs.sim));
    let with_rest = |sim: Option<&FleetSimulation>| -> Option<Usd> { Some(monthly(sim?.cost, window_s) + fargate_only_cost?) };
    let all_ec2_total = with_rest(all_ec2.as_ref().map(|s| &s.ecs.sim));
    let ec2_ideal_total = with_rest(all_ec2.as_ref().and_then(|s| s.ideal.as_ref()));
    let ec2_trunking_total = with_rest(trunked.as_ref().map(|s| &s.ecs.sim));
    let managed_share = share_of(managed.as_ref().map(|s| &s.ecs.sim));
    let managed_total = with_rest(managed.as_ref().map(|s| &s.ecs.sim));
    let mixed_total = mixed_sim.as_ref().and_then(|sim| {
        let on_ec2: BTreeSet<usize> = mixed_ec2.iter().copied().collect();
        let rest: Option<Usd> = (0..cands.len()).filter(|i| !on_ec2.contains(i)).map(|i| fargate_plan[i]).sum();
        Some(monthly(sim.ecs.sim.cost, window_s) + rest?)
    });

    progress("recommendations");
    let costs = plan::PlanCosts {
        all_fargate,
        all_ec2: all_ec2_total,
        mixed: mixed_total,
        managed_instances: managed_total,
    };
    let plan = plan::choose_plan(costs, pct, a.managed_instances.min_savings_pct);
    if plan == Plan::Current {
        // Nothing is feasible everywhere (a task too big for Fargate and no EC2 types): keep today.
        warnings.push(words::warn::NO_PLAN.into());
    }
    let (plan_runs, plan_ec2): (Option<&Ec2Runs>, BTreeSet<usize>) = match plan {
        Plan::AllFargate | Plan::Current => (None, BTreeSet::new()),
        Plan::AllEc2 => (all_ec2.as_ref(), ec2_able.iter().copied().collect()),
        Plan::Mixed => (mixed_sim.as_ref(), mixed_ec2.iter().copied().collect()),
        Plan::ManagedInstances => (managed.as_ref(), ec2_able.iter().copied().collect()),
    };
    let plan_compute = if plan == Plan::ManagedInstances {
        Compute::ManagedInstances
    } else {
        Compute::Ec2
    };
    let plan_sim = plan_runs.map(|r| &r.ecs.sim);
    if let Some(sim) = plan_sim {
        if sim.unplaced_steps > 0 {
            let names: Vec<String> = sim
                .unplaceable_services
                .iter()
                .map(|&i| format!("`{}`", cands[i].svc.name))
                .collect();
            warnings.push(words::warn::unplaced(sim.unplaced_steps, &names));
        }
    }

    let mut services = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        let rec = if plan == Plan::Current {
            keep_today(c, words::NO_PLAN_WHY.into())
        } else if plan_ec2.contains(&i) {
            let cost = plan_sim
                .and_then(|s| s.allocation.get(&i))
                .map(|&x| monthly(x, window_s))
                .unwrap_or(Usd::ZERO);
            instances_recommendation(c, cost, a, plan_runs, plan_compute)
        } else {
            fargate_recs[i].clone().unwrap_or_else(|| fargate_recommendation(c, a))
        };
        let options = service_options(
            c,
            a,
            [&ec2_share, &ideal_share, &trunked_share, &managed_share],
            all_ec2.is_some(),
            &mi,
        );
        services.push(service_report(c, options, rec));
    }

    let current_total: Usd = services.iter().map(|s| s.current_monthly_usd).sum::<Usd>() + idle_pool_cost;
    let recommended: Usd = services.iter().map(|s| s.recommendation.monthly_usd).sum();
    let trunking_shown = plan::trunking_matters(ec2_trunking_total, all_ec2_total)
        .then_some(ec2_trunking_total)
        .flatten();
    let rationale = words::cluster_rationale(plan, &costs, a, plan_ec2.len(), trunking_shown, mi.note.as_deref());
    if a.ec2.spot_share_pct > 0.0 && all_ec2.is_some() {
        warnings.push(words::warn::ec2_spot(a));
    }

    let cluster_options = cluster_options(
        &cands,
        &fargate_plan,
        all_fargate,
        a,
        [
            (all_ec2_total, all_ec2.as_ref().map(|s| &s.ecs.sim)),
            (ec2_ideal_total, all_ec2.as_ref().and_then(|s| s.ideal.as_ref())),
            (ec2_trunking_total, trunked.as_ref().map(|s| &s.ecs.sim)),
            (managed_total, managed.as_ref().map(|s| &s.ecs.sim)),
        ],
        &mi,
    );
    let series = series::build(
        &series::Inputs {
            cands: &cands,
            buckets,
            start: m.window_start,
            current_fleet_hourly: (today.ec2_hourly + today.mi_hourly).to_f64(),
            fargate_plan: &fargate_plan,
            all_fargate,
            all_ec2: all_ec2.as_ref(),
            managed: managed.as_ref(),
            fargate_only: &fargate_only,
        },
        &services,
    );
    let cluster = ClusterReport {
        current_monthly_usd: current_total,
        current_ec2_fleet: counted_lines(&today.ec2_fleet),
        current_managed_instances_fleet: counted_lines(&today.mi_fleet),
        managed_instances_providers: inventory
            .capacity_providers
            .iter()
            .filter(|p| p.managed_instances.is_some())
            .map(|p| p.name.clone())
            .collect(),
        fleet_actions: current::fleet_actions(&cands, &services, &pools, &today),
        pools,
        fargate_monthly_usd: option_usd(&cluster_options, OptionKind::Fargate),
        ec2_monthly_usd: option_usd(&cluster_options, OptionKind::Ec2),
        ec2_fleet: cluster_options
            .iter()
            .find(|o| o.kind == OptionKind::Ec2)
            .map(|o| o.fleet.clone())
            .unwrap_or_default(),
        options: cluster_options,
        ec2_method: words::ec2_method(all_ec2.as_ref(), a, m.step_seconds, types.len()),
        plans: vec![
            PlanFigure {
                plan: Plan::AllFargate,
                monthly_usd: all_fargate,
            },
            PlanFigure {
                plan: Plan::AllEc2,
                monthly_usd: all_ec2_total,
            },
            PlanFigure {
                plan: Plan::Mixed,
                monthly_usd: mixed_total,
            },
            PlanFigure {
                plan: Plan::ManagedInstances,
                monthly_usd: managed_total,
            },
        ],
        recommended_plan: plan,
        recommended_monthly_usd: recommended,
        savings_monthly_usd: current_total - recommended,
        recommended_ec2_fleet: fleet_lines(plan_sim),
        rationale,
    };
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_by: format!("ecs-advisor {}", env!("CARGO_PKG_VERSION")),
        cluster_name: m.cluster.clone(),
        region: m.region.clone(),
        window: m.window(),
        usage_source: m.usage_source.clone(),
        prices: price_info(region, &warnings, today.not_priced),
        assumptions: a.clone(),
        services,
        cluster,
        series,
        warnings,
        monthly: None,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn task_size(s: FargateSize) -> TaskSize {
    TaskSize {
        cpu_units: s.cpu_units,
        memory_mib: s.memory_mib,
    }
}

fn fleet_lines(sim: Option<&FleetSimulation>) -> Vec<FleetLine> {
    sim.map(|s| {
        s.fleet
            .iter()
            .map(|f| FleetLine {
                instance_type: f.instance_type.clone(),
                count: f.count,
                average_count: Some(round2(f.average_count)),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// A service's compute options, in [`OptionKind`] order.
fn service_options(
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
fn cluster_options(
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

fn counted_lines(fleet: &BTreeMap<String, u32>) -> Vec<FleetLine> {
    fleet
        .iter()
        .map(|(t, &n)| FleetLine {
            instance_type: t.clone(),
            count: n,
            average_count: None,
        })
        .collect()
}

fn current_target(c: &Candidate) -> Target {
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

fn keep_today(c: &Candidate, rationale: String) -> Recommendation {
    Recommendation {
        action: Action::Keep,
        target: Some(current_target(c)),
        summary: words::describe_current(c),
        monthly_usd: c.current,
        savings_monthly_usd: Usd::ZERO,
        rationale,
        risk: Risk::Low,
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

fn fargate_recommendation(c: &Candidate, a: &Assumptions) -> Recommendation {
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
    }
}

/// A service in a plan on instances: the EC2 fleet, or ECS Managed Instances (`compute`).
fn instances_recommendation(c: &Candidate, cost: Usd, a: &Assumptions, runs: Option<&Ec2Runs>, compute: Compute) -> Recommendation {
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
    }
}

/// Each service's numbers before the plan is chosen, with the warnings about its data.
fn candidates<'s>(
    snapshot: &'s Snapshot,
    usages: &'s [ServiceUsage],
    a: &Assumptions,
    rates: &pricing::FargateRates,
    buckets: Buckets,
    warnings: &mut Vec<String>,
) -> Result<Vec<Candidate<'s>>, RecommendError> {
    let inventory = &snapshot.inventory;
    let defs: BTreeMap<String, &TaskDefinition> = inventory.task_definitions.iter().map(|t| (t.reference(), t)).collect();
    let mut cands = Vec::new();
    for (svc, u) in inventory.services.iter().zip(usages) {
        let td = defs[&svc.task_definition];
        cands.push(candidate::candidate(svc, inventory.placement(svc), td, u, a, rates, buckets)?);
    }
    for c in &cands {
        if let Some(w) = words::warn::partial_data(c, &snapshot.manifest) {
            warnings.push(w);
        }
    }
    for c in cands.iter().filter(|c| c.platform == Platform::Windows) {
        if let Some(gib) =
            c.td.ephemeral_storage_gib
                .filter(|&g| g > crate::simulation::fargate::INCLUDED_STORAGE_GIB)
        {
            warnings.push(words::warn::windows_storage(&c.svc.name, gib));
        }
    }
    Ok(cands)
}

/// Where the prices came from, and what could not be priced.
fn price_info(region: &pricing::RegionPrices, warnings: &[String], not_priced: Vec<NotPriced>) -> PriceInfo {
    PriceInfo {
        catalog: if region.is_refreshed() { "cache" } else { "bundled" }.into(),
        as_of: region.as_of.clone(),
        region_source: if region.is_refreshed() {
            region.source.clone()
        } else if warnings.iter().any(|w| w.starts_with(words::warn::ESTIMATED_PRICES)) {
            "unverified".to_string()
        } else {
            "verified".to_string()
        },
        not_priced,
    }
}

fn service_report(c: &Candidate, options: Vec<PricedOption>, recommendation: Recommendation) -> ServiceReport {
    let s = &c.usage.stats;
    let r1 = |x: Option<f64>| x.map(|v| (v * 10.0).round() / 10.0);
    ServiceReport {
        name: c.svc.name.clone(),
        task_definition: c.svc.task_definition.clone(),
        launch_type: match c.placement {
            Placement::Ec2 => LaunchType::Ec2,
            Placement::ManagedInstances { .. } => LaunchType::ManagedInstances,
            Placement::Fargate { spot_share } if spot_share > 0.0 => LaunchType::FargateSpot,
            Placement::Fargate { .. } => LaunchType::Fargate,
        },
        spot_share_pct: (c.spot_share_today > 0.0).then(|| (c.spot_share_today * 1e6).round() / 1e4),
        scheduling_strategy: if c.is_daemon() { Scheduling::Daemon } else { Scheduling::Replica },
        platform: c.platform,
        network_mode: format!("{:?}", c.td.network_mode).to_lowercase(),
        task_size: task_size(c.reserved()),
        ephemeral_storage_gib: c.storage_gib,
        usage: UsageSummary {
            data_points: s.data_points,
            coverage_pct: round2(s.coverage_pct),
            average_tasks: round2(c.usage.running_avg.iter().sum::<f64>() / c.usage.running_avg.len().max(1) as f64),
            peak_tasks: c.usage.running_max.iter().copied().fold(0.0, f64::max),
            cpu_units_p50: r1(s.cpu_units_p50),
            cpu_units_p99: r1(s.cpu_units_p99),
            memory_mib_p50: r1(s.memory_mib_p50),
            memory_mib_p99: r1(s.memory_mib_p99),
            cpu_units_max: r1(s.cpu_units_max),
            memory_mib_max: r1(s.memory_mib_max),
        },
        current_monthly_usd: c.current,
        fargate_monthly_usd: option_usd(&options, OptionKind::Fargate),
        fargate_size: c.fargate_size.map(task_size),
        ec2_monthly_usd: option_usd(&options, OptionKind::Ec2),
        options,
        recommendation,
        cost_basis: Some(c.basis.clone()),
    }
}

/// The Fargate rate groups the analysis prices (see [`pricing::fargate_group`]): Linux on x86
/// always, ARM for services on or able to move to Graviton, Windows, ephemeral storage beyond the
/// included 20 GiB, Spot for services on it or able to move to it.
fn fargate_groups_used(cands: &[Candidate]) -> Vec<&'static str> {
    let mut used = vec!["linux_x86"];
    if cands.iter().any(|c| c.platform == Platform::LinuxArm || c.arm.is_some()) {
        used.push("linux_arm");
    }
    if cands.iter().any(|c| c.platform == Platform::Windows) {
        used.push("windows");
    }
    if cands
        .iter()
        .any(|c| c.storage_gib > crate::simulation::fargate::INCLUDED_STORAGE_GIB)
    {
        used.push("ephemeral_storage");
    }
    if cands.iter().any(|c| c.spot_share_today > 0.0 || c.spot.is_some()) {
        used.push("spot");
    }
    used
}
