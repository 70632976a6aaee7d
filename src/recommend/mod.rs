//! Recommend: weighs each service's current cost against its compute options (Fargate
//! rightsized, ARM, Spot; its share of the EC2 and ECS Managed Instances fleets), chooses a plan
//! for the cluster (all Fargate, all EC2, a mix or all Managed Instances) and says why. Builds the
//! canonical [`Report`]. Pure computation.
//!
//! [`analyze_with`] runs four stages, one type each: `Today` (today's instances priced, each
//! service's numbers, today's cost shared out with each pool's idle line), `Fleets` (every plan
//! priced: the all-Fargate plan service by service, the fleets the others need simulated),
//! `Chosen` (the plan, and what it means for each service) and `cluster_report`.
//!
//! `cost` holds the rules today's cost is computed by (and `gate` prices a change by),
//! `candidate` computes each service's numbers, `current` prices today's instances (and says what
//! the plan does to them: `fleet_actions`), `fleets` simulates the fleets the plans need (and
//! `managed` gives the ECS Managed Instances types and fees they pack onto), `plan` decides (pure
//! functions with table tests), `options` prices every way to run a service or the cluster,
//! `advice` says what to do with each service, `words` writes every sentence, `series` the
//! charts' data.

mod advice;
mod candidate;
mod changes;
pub mod cost;
mod current;
mod fleets;
mod managed;
mod options;
pub mod plan;
#[cfg(test)]
pub(crate) mod revision_tests;
mod series;
#[cfg(test)]
pub(crate) mod tests;
mod words;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::config::Assumptions;
use crate::domain::{Arch, Platform};
use crate::money::{monthly, Usd};
use crate::pricing::{self, Catalog, PricingError};
use crate::report::*;
use crate::simulation::ec2::{FleetSimulation, Packer};
use crate::simulation::fargate::FargateSize;
use crate::simulation::optimizer::{Budget, OptimizingPacker};
use crate::simulation::SimulationError;
use crate::snapshot::inventory::{Placement, TaskDefinition};
use crate::snapshot::Snapshot;
use crate::usage::{self, ServiceUsage};

use advice::{fargate_recommendation, instances_recommendation, keep_today};
use candidate::{Buckets, Candidate};
use fleets::{share_of, simulate_fleets, Ec2Runs, FleetInputs, Simulated};
use options::{cluster_options, service_options};

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
    let mut warnings = Vec::new();
    if let Some(w) = catalog.fallback_warning(&m.region) {
        warnings.push(w);
    }
    if m.usage_source == crate::snapshot::usage_source::AWS_ECS {
        warnings.push(words::warn::NO_CONTAINER_INSIGHTS.into());
    }
    let today = Today::of(snapshot, usages, catalog, region, a, &mut warnings)?;
    let fleets = Fleets::simulate(&today, snapshot, catalog, region, a, packer, progress, &mut warnings)?;
    progress("recommendations");
    let chosen = Chosen::of(&today, &fleets, a, &mut warnings);
    let cluster = cluster_report(snapshot, &today, &fleets, &chosen, a, &mut warnings);
    let series = series::build(
        &series::Inputs {
            cands: &today.cands,
            buckets: today.buckets,
            start: m.window_start,
            current_fleet_hourly: (today.pools.ec2_hourly + today.pools.mi_hourly).to_f64(),
            fargate_plan: &fleets.fargate_plan,
            all_fargate: fleets.all_fargate,
            all_ec2: fleets.sims.all_ec2.as_ref(),
            managed: fleets.sims.managed.as_ref(),
            fargate_only: &fleets.fargate_only,
        },
        &chosen.services,
    );
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_by: format!("ecs-advisor {}", env!("CARGO_PKG_VERSION")),
        cluster_name: m.cluster.clone(),
        region: m.region.clone(),
        window: m.window(),
        usage_source: m.usage_source.clone(),
        prices: price_info(region, &warnings, today.pools.not_priced),
        assumptions: a.clone(),
        services: chosen.services,
        cluster,
        series,
        warnings,
        monthly: None,
        allocation: None,
        bill: None,
    })
}

/// The analysis's first stage: today's instances priced, each service's numbers, today's cost
/// shared out, and the instance types the EC2 plans may use.
struct Today<'s, 'c> {
    cands: Vec<Candidate<'s>>,
    pools: current::Pools,
    /// Each pool with its units and idle line; the idle lines' monthly sum.
    pool_basis: Vec<PoolBasis>,
    idle: Usd,
    types: Vec<&'c pricing::InstanceType>,
    window_s: u64,
    steps: usize,
    buckets: Buckets,
}

impl<'s, 'c> Today<'s, 'c> {
    fn of(
        snapshot: &'s Snapshot,
        usages: &'s [ServiceUsage],
        catalog: &'c Catalog,
        region: &pricing::RegionPrices,
        a: &Assumptions,
        warnings: &mut Vec<String>,
    ) -> Result<Self, RecommendError> {
        let m = &snapshot.manifest;
        let window_s = m.window_seconds();
        let steps = m.steps() as usize;
        let buckets = Buckets {
            step_seconds: m.step_seconds,
            window_seconds: window_s,
        };
        // Today's instances, in two pools (Auto Scaling groups; Managed Instances with their fees).
        let pools = current::Pools::priced(&snapshot.inventory, catalog, region, &m.region, window_s, warnings);
        let mut cands = candidates(snapshot, usages, a, &region.fargate, buckets, warnings)?;
        let (idle, pool_basis) = pools.share(&mut cands, window_s, steps, &cost::weights(&region.fargate), warnings);
        let types = fleets::ec2_types(catalog, region, &pools.ec2_fleet, a, &m.region, warnings);
        if let Some(w) = words::warn::estimated_prices(
            region,
            pools
                .ec2_fleet
                .keys()
                .chain(pools.mi_fleet.keys())
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
        Ok(Today {
            cands,
            pools,
            pool_basis,
            idle,
            types,
            window_s,
            steps,
            buckets,
        })
    }
}

/// Monthly figures of the whole-cluster options beside all Fargate: each fleet plus the services
/// that stay on Fargate.
struct Totals {
    all_ec2: Option<Usd>,
    ec2_ideal: Option<Usd>,
    ec2_trunking: Option<Usd>,
    managed: Option<Usd>,
    mixed: Option<Usd>,
}

impl Totals {
    fn of(sims: &Simulated, fargate_plan: &[Option<Usd>], fargate_only: &[usize], window_s: u64) -> Totals {
        let fargate_only_cost: Option<Usd> = fargate_only.iter().map(|&i| fargate_plan[i]).sum();
        let with_rest = |sim: Option<&FleetSimulation>| -> Option<Usd> { Some(monthly(sim?.cost, window_s) + fargate_only_cost?) };
        Totals {
            all_ec2: with_rest(ecs(&sims.all_ec2)),
            ec2_ideal: with_rest(sims.all_ec2.as_ref().and_then(|s| s.ideal.as_ref())),
            ec2_trunking: with_rest(ecs(&sims.trunked)),
            managed: with_rest(ecs(&sims.managed)),
            mixed: sims.mixed_sim.as_ref().and_then(|sim| {
                let on_ec2: BTreeSet<usize> = sims.mixed_ec2.iter().copied().collect();
                let rest: Option<Usd> = (0..fargate_plan.len())
                    .filter(|i| !on_ec2.contains(i))
                    .map(|i| fargate_plan[i])
                    .sum();
                Some(monthly(sim.ecs.sim.cost, window_s) + rest?)
            }),
        }
    }
}

/// The analysis's second stage: every plan priced. The all-Fargate plan service by service, the
/// fleets the other plans need simulated, each service's share of them, and the charts' series.
struct Fleets<'c> {
    /// What each service costs in the all-Fargate plan: exactly what its Fargate recommendation
    /// says (a daemon nothing: it becomes a sidecar), so the plan's total and the per-service
    /// figures agree to the cent. A task too big for Fargate makes the plan impossible.
    fargate_recs: Vec<Option<Recommendation>>,
    fargate_plan: Vec<Option<Usd>>,
    all_fargate: Option<Usd>,
    /// The services that can run on instances.
    ec2_able: Vec<usize>,
    sims: Simulated,
    mi: managed::ManagedInstances<'c>,
    /// Each service's share of the all-EC2, ideal, trunked and Managed Instances fleets.
    shares: [BTreeMap<usize, Usd>; 4],
    totals: Totals,
    /// The services no instance type runs.
    fargate_only: Vec<usize>,
}

impl<'c> Fleets<'c> {
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        today: &Today,
        snapshot: &Snapshot,
        catalog: &'c Catalog,
        region: &pricing::RegionPrices,
        a: &Assumptions,
        packer: &(dyn Packer + Sync),
        progress: &mut dyn FnMut(&str),
        warnings: &mut Vec<String>,
    ) -> Result<Self, RecommendError> {
        let (m, cands, window_s) = (&snapshot.manifest, &today.cands, today.window_s);
        let fleet_inputs = FleetInputs {
            cands,
            types: &today.types,
            region,
            step_seconds: m.step_seconds,
            steps: today.steps,
            packer,
            weights: cost::weights(&region.fargate),
            hour_factor: a.ec2_hour_factor(),
            fees: None,
        };
        // ECS Managed Instances: the types ECS may pick, each at its EC2 price plus its fee, on
        // demand, with trunking on (the ENI limit does not bind there).
        let inventory = &snapshot.inventory;
        let mi = managed::inputs(
            catalog,
            region,
            inventory,
            &a.managed_instances,
            today.pools.fee_rule.clone(),
            warnings,
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
        let ec2_able: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_some()).collect();
        let fargate_recs: Vec<Option<Recommendation>> = cands
            .iter()
            .map(|c| (c.best_fargate.is_some() || c.is_daemon()).then(|| fargate_recommendation(c, a)))
            .collect();
        let fargate_plan: Vec<Option<Usd>> = fargate_recs.iter().map(|r| r.as_ref().map(|r| r.monthly_usd)).collect();
        let all_fargate: Option<Usd> = fargate_plan.iter().copied().sum();
        let fargate_only: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_none()).collect();
        let sims = simulate_fleets(
            &fleet_inputs,
            &mi_inputs,
            (&a.ec2, &mi_ec2),
            &ec2_able,
            !mi.types.is_empty(),
            a.recommend.ec2_min_savings_pct,
            window_s,
            progress,
        )?;
        let totals = Totals::of(&sims, &fargate_plan, &fargate_only, window_s);
        let ideal = sims.all_ec2.as_ref().and_then(|s| s.ideal.as_ref());
        let shares = [
            share_of(ecs(&sims.all_ec2), window_s),
            share_of(ideal, window_s),
            share_of(ecs(&sims.trunked), window_s),
            share_of(ecs(&sims.managed), window_s),
        ];
        Ok(Fleets {
            fargate_recs,
            fargate_plan,
            all_fargate,
            ec2_able,
            sims,
            mi,
            shares,
            totals,
            fargate_only,
        })
    }
}

/// The analysis's third stage: the plan chosen on the totals, and what it means for each service.
struct Chosen<'f> {
    plan: Plan,
    costs: plan::PlanCosts,
    /// The plan's fleet, and the services on it.
    runs: Option<&'f Ec2Runs>,
    on_instances: BTreeSet<usize>,
    services: Vec<ServiceReport>,
}

impl<'f> Chosen<'f> {
    fn of(today: &Today, fleets: &'f Fleets, a: &Assumptions, warnings: &mut Vec<String>) -> Self {
        let (cands, sims, t) = (&today.cands, &fleets.sims, &fleets.totals);
        let costs = plan::PlanCosts {
            all_fargate: fleets.all_fargate,
            all_ec2: t.all_ec2,
            mixed: t.mixed,
            managed_instances: t.managed,
        };
        let plan = plan::choose_plan(costs, a.recommend.ec2_min_savings_pct, a.managed_instances.min_savings_pct);
        if plan == Plan::Current {
            // Nothing is feasible everywhere (a task too big for Fargate and no EC2 types): keep today.
            warnings.push(words::warn::NO_PLAN.into());
        }
        let (runs, on_instances): (Option<&Ec2Runs>, BTreeSet<usize>) = match plan {
            Plan::AllFargate | Plan::Current => (None, BTreeSet::new()),
            Plan::AllEc2 => (sims.all_ec2.as_ref(), fleets.ec2_able.iter().copied().collect()),
            Plan::Mixed => (sims.mixed_sim.as_ref(), sims.mixed_ec2.iter().copied().collect()),
            Plan::ManagedInstances => (sims.managed.as_ref(), fleets.ec2_able.iter().copied().collect()),
        };
        let compute = if plan == Plan::ManagedInstances {
            Compute::ManagedInstances
        } else {
            Compute::Ec2
        };
        let sim = runs.map(|r| &r.ecs.sim);
        if let Some(sim) = sim.filter(|s| s.unplaced_steps > 0) {
            let names: Vec<String> = sim
                .unplaceable_services
                .iter()
                .map(|&i| format!("`{}`", cands[i].svc.name))
                .collect();
            warnings.push(words::warn::unplaced(sim.unplaced_steps, &names));
        }
        let [ec2, ideal, trunked, managed] = &fleets.shares;
        let services = cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let rec = if plan == Plan::Current {
                    keep_today(c, words::NO_PLAN_WHY.into())
                } else if on_instances.contains(&i) {
                    let cost = sim
                        .and_then(|s| s.allocation.get(&i))
                        .map(|&x| monthly(x, today.window_s))
                        .unwrap_or(Usd::ZERO);
                    instances_recommendation(c, cost, a, runs, compute)
                } else {
                    fleets.fargate_recs[i].clone().unwrap_or_else(|| fargate_recommendation(c, a))
                };
                let options = service_options(c, a, [ec2, ideal, trunked, managed], sims.all_ec2.is_some(), &fleets.mi);
                service_report(c, options, rec)
            })
            .collect();
        Chosen {
            plan,
            costs,
            runs,
            on_instances,
            services,
        }
    }
}

/// The analysis's last stage: the cluster's figures, options, plans and fleet actions.
fn cluster_report(
    snapshot: &Snapshot,
    today: &Today,
    fleets: &Fleets,
    chosen: &Chosen,
    a: &Assumptions,
    warnings: &mut Vec<String>,
) -> ClusterReport {
    let (sims, t, services) = (&fleets.sims, &fleets.totals, &chosen.services);
    let current_total: Usd = services.iter().map(|s| s.current_monthly_usd).sum::<Usd>() + today.idle;
    let recommended: Usd = services.iter().map(|s| s.recommendation.monthly_usd).sum();
    let trunking_shown = plan::trunking_matters(t.ec2_trunking, t.all_ec2)
        .then_some(t.ec2_trunking)
        .flatten();
    let rationale = words::cluster_rationale(
        chosen.plan,
        &chosen.costs,
        a,
        chosen.on_instances.len(),
        trunking_shown,
        fleets.mi.note.as_deref(),
    );
    if a.ec2.spot_share_pct > 0.0 && sims.all_ec2.is_some() {
        warnings.push(words::warn::ec2_spot(a));
    }
    let options = cluster_options(
        &today.cands,
        &fleets.fargate_plan,
        fleets.all_fargate,
        a,
        [
            (t.all_ec2, ecs(&sims.all_ec2)),
            (t.ec2_ideal, sims.all_ec2.as_ref().and_then(|s| s.ideal.as_ref())),
            (t.ec2_trunking, ecs(&sims.trunked)),
            (t.managed, ecs(&sims.managed)),
        ],
        &fleets.mi,
    );
    let plan_figure = |plan, monthly_usd| PlanFigure { plan, monthly_usd };
    ClusterReport {
        current_monthly_usd: current_total,
        current_ec2_fleet: counted_lines(&today.pools.ec2_fleet),
        current_managed_instances_fleet: counted_lines(&today.pools.mi_fleet),
        managed_instances_providers: snapshot
            .inventory
            .capacity_providers
            .iter()
            .filter(|p| p.managed_instances.is_some())
            .map(|p| p.name.clone())
            .collect(),
        fleet_actions: current::fleet_actions(&today.cands, services, &today.pool_basis, &today.pools),
        pools: today.pool_basis.clone(),
        fargate_monthly_usd: option_usd(&options, OptionKind::Fargate),
        ec2_monthly_usd: option_usd(&options, OptionKind::Ec2),
        ec2_fleet: options
            .iter()
            .find(|o| o.kind == OptionKind::Ec2)
            .map(|o| o.fleet.clone())
            .unwrap_or_default(),
        ec2_method: words::ec2_method(
            sims.all_ec2.as_ref().map(|s| &s.ecs),
            sims.all_ec2.as_ref().and_then(|s| s.ideal.as_ref()).map_or(0, |i| i.distinct_mixes),
            a,
            snapshot.manifest.step_seconds,
            today.types.len(),
        ),
        options,
        plans: vec![
            plan_figure(Plan::AllFargate, fleets.all_fargate),
            plan_figure(Plan::AllEc2, t.all_ec2),
            plan_figure(Plan::Mixed, t.mixed),
            plan_figure(Plan::ManagedInstances, t.managed),
        ],
        recommended_plan: chosen.plan,
        recommended_monthly_usd: recommended,
        savings_monthly_usd: current_total - recommended,
        recommended_ec2_fleet: fleet_lines(chosen.runs.map(|r| &r.ecs.sim)),
        rationale,
    }
}

/// The fleet as ECS would run it, of a simulation that ran.
fn ecs(r: &Option<Ec2Runs>) -> Option<&FleetSimulation> {
    r.as_ref().map(|s| &s.ecs.sim)
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
    let window = snapshot.manifest.window();
    // The services side by side on the thread pool; the first error in service order is the
    // one reported, whatever the threads.
    let cands: Vec<Result<Candidate, RecommendError>> = inventory
        .services
        .par_iter()
        .zip(usages)
        .map(|(svc, u)| {
            let td = defs[&svc.task_definition];
            // The task definition each step ran (none: the current one all window).
            let ran: Vec<&TaskDefinition> = if svc.revisions.is_empty() {
                Vec::new()
            } else {
                svc.task_definition_at(&window).into_iter().map(|r| defs[r]).collect()
            };
            let defs = candidate::TaskDefinitions { now: td, ran };
            candidate::candidate(svc, inventory.placement(svc), defs, u, a, rates, buckets)
        })
        .collect();
    let cands = cands.into_iter().collect::<Result<Vec<_>, _>>()?;
    for c in &cands {
        if let Some(w) = words::warn::partial_data(c, &snapshot.manifest) {
            warnings.push(w);
        }
        if c.minimum_charge_share >= words::warn::MINIMUM_CHARGE_SHARE {
            warnings.push(words::warn::minimum_charge(c));
        }
    }
    if !cands.is_empty() && cands.iter().all(|c| c.starts.is_none()) {
        warnings.push(words::warn::NO_STARTS.into());
    }
    if !snapshot.manifest.task_definition_history && !cands.is_empty() {
        warnings.push(words::warn::NO_REVISIONS.into());
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
    let recommendation = changes::complete(c, recommendation);
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
            peak_tasks: c.usage.running_max.iter().fold(0.0, f64::max),
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
        tags: c.svc.tags.clone(),
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
