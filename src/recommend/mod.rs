//! Recommend: weighs each service's current cost against Fargate (rightsized, ARM, Spot) and the
//! EC2 fleet simulation, chooses a plan for the cluster (all Fargate, all EC2 or a mix) and says
//! why. Builds the canonical [`Report`]. Pure computation.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Assumptions;
use crate::money::{monthly, Usd};
use crate::pricing::{Arch, Catalog, PricingError, RegionPrices};
use crate::report::*;
use crate::simulation::ec2::{self, FleetSimulation, InstanceOption, Packer, ResourceWeights, TaskShape, Workload};
use crate::simulation::fargate::{self, Capacity, FargateSize, Platform};
use crate::simulation::optimizer::{Budget, OptimizingPacker};
use crate::simulation::realistic::{self, Realistic, Scaling};
use crate::simulation::SimulationError;
use crate::snapshot::inventory::{NetworkMode, Placement, Service, TaskDefinition};
use crate::snapshot::Snapshot;
use crate::usage::{self, ServiceUsage};

#[derive(Debug, thiserror::Error)]
pub enum RecommendError {
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error("service `{service}`: {source}")]
    Service { service: String, source: SimulationError },
    #[error(transparent)]
    Simulation(#[from] SimulationError),
}

/// Which Fargate option a service's cheapest choice is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FargateChoice {
    /// On demand, on the service's own platform (x86, ARM64 or Windows).
    Own,
    /// On demand on Graviton, for an x86 service that is ARM-ready.
    Arm,
    Spot,
}

/// Everything computed for one service before the plan is chosen.
struct Candidate<'a> {
    svc: &'a Service,
    td: &'a TaskDefinition,
    usage: &'a ServiceUsage,
    platform: Platform,
    placement: Placement,
    storage_gib: u32,
    current: Usd,
    low_data: bool,
    /// Observed use plus headroom exceeds what the task reserves today.
    at_limit: bool,
    /// Rightsized needs (units, MiB), before rounding to a size.
    need: Option<(f64, f64)>,
    fargate_size: Option<FargateSize>,
    fargate: Option<Usd>,
    arm: Option<Usd>,
    spot: Option<Usd>,
    /// Cheapest Fargate option and its description.
    best_fargate: Option<(Usd, FargateChoice)>,
    ec2_shape: Option<TaskShape>,
}

/// The optimizer's work budget for each distinct mix of task counts in a simulation: smaller
/// than `pack`'s, since a month of 5-minute steps can hold thousands of mixes.
pub const SIMULATION_BUDGET: Budget = Budget {
    pivots: 3_000,
    knapsack_nodes: 150_000,
};

pub fn analyze(snapshot: &Snapshot, catalog: &Catalog, a: &Assumptions) -> Result<Report, RecommendError> {
    analyze_with(snapshot, catalog, a, &OptimizingPacker { budget: SIMULATION_BUDGET })
}

pub fn analyze_with(snapshot: &Snapshot, catalog: &Catalog, a: &Assumptions, packer: &dyn Packer) -> Result<Report, RecommendError> {
    let m = &snapshot.manifest;
    let region = catalog.region(&m.region)?;
    let rates = &region.fargate;
    let window_s = m.window_seconds();
    let steps = m.steps() as usize;
    let usages = usage::analyze(snapshot, &a.rightsizing);
    let mut warnings = Vec::new();
    if let Some(w) = catalog.fallback_warning(&m.region) {
        warnings.push(w);
    }
    if !region.is_checked() {
        warnings.push(format!(
            "prices for `{}` in the bundled catalog are not yet checked against the AWS price list; treat dollar figures as estimates",
            m.region
        ));
    }
    if m.usage_source == "aws_ecs" {
        warnings.push("Container Insights was off: CPU and memory come from AWS/ECS utilization (percent of reservation)".into());
    }

    // Current EC2 fleet: the container instances, assumed to run the whole window.
    let mut current_fleet: BTreeMap<String, u32> = BTreeMap::new();
    for ci in &snapshot.inventory.container_instances {
        *current_fleet.entry(ci.instance_type.clone()).or_default() += 1;
    }
    let fleet_prices = catalog.ec2_hourly_all(&m.region, current_fleet.keys().map(String::as_str))?;
    let fleet_hourly: Usd = current_fleet
        .iter()
        .map(|(t, n)| fleet_prices[t] * rust_decimal::Decimal::from(*n))
        .sum();
    let current_ec2_cost = Usd(fleet_hourly.0 * rust_decimal::Decimal::from(window_s) / rust_decimal::Decimal::from(3600));
    let weights = ResourceWeights {
        per_cpu_unit: rates.linux_x86_vcpu_hour.to_f64() / 1024.0,
        per_memory_mib: rates.linux_x86_gb_hour.to_f64() / 1024.0,
    };

    let defs: BTreeMap<String, &TaskDefinition> = snapshot.inventory.task_definitions.iter().map(|t| (t.reference(), t)).collect();
    let mut cands = Vec::new();
    for (svc, u) in snapshot.inventory.services.iter().zip(&usages) {
        let td = defs[&svc.task_definition];
        cands.push(candidate(svc, td, u, a, rates, m.step_seconds, window_s)?);
    }

    // Current EC2 services share the current fleet's cost by what they reserved over time.
    let current_ec2: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].placement == Placement::Ec2).collect();
    if !current_ec2.is_empty() {
        let instances = snapshot.inventory.container_instances.len() as f64;
        let shares: Vec<(usize, f64)> = current_ec2
            .iter()
            .map(|&i| {
                let c = &cands[i];
                let tasks = if c.svc.is_daemon() {
                    instances * steps as f64
                } else {
                    c.usage.running_avg.iter().sum::<f64>()
                };
                let shape = TaskShape {
                    cpu_units: c.td.reserved_cpu_units(),
                    memory_mib: c.td.reserved_memory_mib(),
                    awsvpc: false,
                    arm_ok: false,
                };
                (
                    i,
                    tasks * (f64::from(shape.cpu_units) * weights.per_cpu_unit + f64::from(shape.memory_mib) * weights.per_memory_mib),
                )
            })
            .collect();
        for (i, cost) in ec2::allocate(current_ec2_cost, &shares) {
            cands[i].current = monthly(cost, window_s);
        }
    } else if !current_fleet.is_empty() {
        warnings.push("container instances run but no service is placed on EC2; their cost is in the cluster's current figure only".into());
    }

    // Instance types the EC2 plans may use.
    let mut types: Vec<_> = region
        .ec2_hourly
        .keys()
        .filter_map(|t| catalog.instance_types.get(t))
        .filter(|t| a.ec2.include_burstable || !t.is_burstable())
        .collect();
    types.sort_by(|x, y| x.instance_type.cmp(&y.instance_type));

    let ec2_able: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_some()).collect();
    let all_ec2 = simulate_subset(&cands, &ec2_able, &types, region, a, m.step_seconds, steps, packer, weights)?;
    // awsvpc tasks often bind an EC2 fleet by ENIs, not CPU or memory; say what trunking changes.
    let trunked = if a.ec2.eni_trunking || all_ec2.is_none() {
        None
    } else {
        let mut t = a.clone();
        t.ec2.eni_trunking = true;
        simulate_subset(&cands, &ec2_able, &types, region, &t, m.step_seconds, steps, packer, weights)?
    };
    let ec2_share: BTreeMap<usize, Usd> = match &all_ec2 {
        Some(sim) => sim.real.sim.allocation.iter().map(|(&i, &c)| (i, monthly(c, window_s))).collect(),
        None => BTreeMap::new(),
    };

    let threshold = 1.0 - a.recommend.ec2_min_savings_pct / 100.0;
    // What each service costs in the all-Fargate plan: exactly what its Fargate recommendation
    // says, so the plan's total and the per-service figures agree to the cent.
    let fargate_plan: Vec<Option<Usd>> = cands
        .iter()
        .map(|c| {
            if c.best_fargate.is_some() || c.svc.is_daemon() {
                Some(fargate_recommendation(c, a).monthly_usd)
            } else {
                None
            }
        })
        .collect();
    let fargate_of = |i: usize| -> Option<Usd> { fargate_plan[i] };
    let all_fargate: Option<Usd> = (0..cands.len()).map(fargate_of).sum();
    let on_fargate_only: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].ec2_shape.is_none()).collect();
    let fargate_only_cost: Option<Usd> = on_fargate_only.iter().map(|&i| fargate_of(i)).sum();
    let all_ec2_total = match (&all_ec2, fargate_only_cost) {
        (Some(sim), Some(rest)) => Some(monthly(sim.real.sim.cost, window_s) + rest),
        _ => None,
    };

    // The mix: a service goes to EC2 when its share of the all-EC2 fleet beats its best Fargate
    // option by the required margin (or it cannot run on Fargate).
    let mut mixed_ec2: Vec<usize> = ec2_able
        .iter()
        .copied()
        .filter(|&i| {
            let c = &cands[i];
            if c.svc.is_daemon() {
                return false;
            }
            match (ec2_share.get(&i), &c.best_fargate) {
                (Some(e), Some((f, _))) => e.to_f64() < f.to_f64() * threshold,
                (Some(_), None) => true,
                _ => false,
            }
        })
        .collect();
    if !mixed_ec2.is_empty() {
        mixed_ec2.extend(ec2_able.iter().copied().filter(|&i| cands[i].svc.is_daemon()));
        mixed_ec2.sort_unstable();
    }
    let mixed_sim = if mixed_ec2.is_empty() || mixed_ec2 == ec2_able {
        None
    } else {
        simulate_subset(&cands, &mixed_ec2, &types, region, a, m.step_seconds, steps, packer, weights)?
    };
    let mixed_total = mixed_sim.as_ref().and_then(|sim| {
        let ec2_set: BTreeSet<usize> = mixed_ec2.iter().copied().collect();
        let rest: Option<Usd> = (0..cands.len()).filter(|i| !ec2_set.contains(i)).map(fargate_of).sum();
        rest.map(|r| monthly(sim.real.sim.cost, window_s) + r)
    });

    // Choose: EC2 (all or mixed) only when it beats all-Fargate by the margin.
    #[derive(Clone, Copy, PartialEq)]
    enum Plan {
        Fargate,
        Ec2,
        Mixed,
    }
    let mut plan = Plan::Fargate;
    let mut best = all_fargate;
    let beats = |x: Option<Usd>, best: Option<Usd>| match (x, best) {
        (Some(x), Some(b)) => x.to_f64() < b.to_f64() * threshold,
        (Some(_), None) => true,
        _ => false,
    };
    if beats(all_ec2_total, all_fargate) {
        plan = Plan::Ec2;
        best = all_ec2_total;
    }
    // The mix, when it also beats all-Fargate, competes with all-EC2 on price alone.
    let cheaper_than_best = |x: Usd| best.is_none_or(|b| x < b);
    if beats(mixed_total, all_fargate) && mixed_total.is_some_and(cheaper_than_best) {
        plan = Plan::Mixed;
        best = mixed_total;
    }
    if best.is_none() {
        // Nothing is feasible everywhere (a task too big for Fargate and no EC2 types): keep today.
        warnings.push("no plan can place every service; figures show today's cost".into());
    }
    let (plan_sim, plan_ec2): (Option<&FleetSimulation>, BTreeSet<usize>) = match plan {
        Plan::Fargate => (None, BTreeSet::new()),
        Plan::Ec2 => (all_ec2.as_ref().map(|s| &s.real.sim), ec2_able.iter().copied().collect()),
        Plan::Mixed => (mixed_sim.as_ref().map(|s| &s.real.sim), mixed_ec2.iter().copied().collect()),
    };
    if let Some(sim) = plan_sim {
        if sim.unplaced_steps > 0 {
            let names: Vec<String> = sim
                .unplaceable_services
                .iter()
                .map(|&i| format!("`{}`", cands[i].svc.name))
                .collect();
            warnings.push(format!(
                "at {} steps some tasks of {} fit no instance type; those steps are under-costed",
                sim.unplaced_steps,
                names.join(", ")
            ));
        }
    }

    let mut services = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        let on_ec2 = plan_ec2.contains(&i);
        let rec = if best.is_none() {
            Recommendation {
                action: "keep".into(),
                target: describe_current(c),
                monthly_usd: c.current,
                savings_monthly_usd: Usd::ZERO,
                rationale: "no plan places every service; nothing changes".into(),
                risk: "low".into(),
            }
        } else if on_ec2 {
            let cost = plan_sim
                .and_then(|s| s.allocation.get(&i))
                .map(|&x| monthly(x, window_s))
                .unwrap_or(Usd::ZERO);
            ec2_recommendation(c, cost, a)
        } else {
            fargate_recommendation(c, a)
        };
        services.push(service_report(c, &ec2_share, rec));
    }

    let current_total: Usd = services.iter().map(|s| s.current_monthly_usd).sum::<Usd>()
        + if current_ec2.is_empty() {
            monthly(current_ec2_cost, window_s)
        } else {
            Usd::ZERO
        };
    let recommended: Usd = services.iter().map(|s| s.recommendation.monthly_usd).sum();
    let fleet_lines = |sim: Option<&FleetSimulation>| -> Vec<FleetLine> {
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
    };
    let plan_name = match plan {
        Plan::Fargate => "all-fargate",
        Plan::Ec2 => "all-ec2",
        Plan::Mixed => "mixed",
    };
    let rationale = cluster_rationale(plan_name, all_fargate, all_ec2_total, mixed_total, a, plan_ec2.len());
    let ec2_trunking = match (&trunked, fargate_only_cost) {
        (Some(sim), Some(rest)) => Some(monthly(sim.real.sim.cost, window_s) + rest),
        _ => None,
    };
    let mut rationale = rationale;
    if let (Some(t), Some(e)) = (ec2_trunking, all_ec2_total) {
        if t.to_f64() < e.to_f64() * 0.99 {
            rationale.push_str(&format!(
                "; the EC2 fleet is held back by ENIs (awsvpc tasks): with ENI trunking (account setting awsvpcTrunking, Nitro types) it would cost {t} a month"
            ));
        }
    }
    let ec2_ideal_total = match (&all_ec2, fargate_only_cost) {
        (Some(sim), Some(rest)) => Some(monthly(sim.ideal.cost, window_s) + rest),
        _ => None,
    };
    if a.ec2.spot_share_pct > 0.0 && all_ec2.is_some() {
        warnings.push(format!(
            "EC2 figures assume {}% of instance-hours on Spot at {}% below on-demand; Spot prices float and interruptions are not modeled",
            a.ec2.spot_share_pct, a.ec2.spot_discount_pct
        ));
    }
    let cluster = ClusterReport {
        current_monthly_usd: current_total,
        current_ec2_fleet: current_fleet
            .iter()
            .map(|(t, &n)| FleetLine {
                instance_type: t.clone(),
                count: n,
                average_count: None,
            })
            .collect(),
        fargate_monthly_usd: all_fargate,
        ec2_monthly_usd: all_ec2_total,
        ec2_ideal_monthly_usd: ec2_ideal_total,
        ec2_fragmentation_monthly_usd: match (all_ec2_total, ec2_ideal_total) {
            (Some(r), Some(i)) => Some(r - i),
            _ => None,
        },
        ec2_fleet: fleet_lines(all_ec2.as_ref().map(|s| &s.real.sim)),
        ec2_ideal_fleet: fleet_lines(all_ec2.as_ref().map(|s| &s.ideal)),
        ec2_with_eni_trunking_monthly_usd: ec2_trunking,
        ec2_method: ec2_method(all_ec2.as_ref(), a, m.step_seconds, types.len()),
        recommended_plan: plan_name.into(),
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
        window: Window {
            start: m.window_start,
            end: m.window_end,
            days: round2(window_s as f64 / 86_400.0),
            step_seconds: m.step_seconds,
        },
        usage_source: m.usage_source.clone(),
        prices: PriceInfo {
            catalog: if region.source == crate::pricing::cache::SOURCE {
                "cache"
            } else {
                "bundled"
            }
            .into(),
            as_of: region.as_of.clone(),
            region_source: region.source.clone(),
        },
        assumptions: a.clone(),
        services,
        cluster,
        warnings,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round_up(x: f64, step: u32) -> u32 {
    let s = f64::from(step.max(1));
    ((x / s).ceil() * s).max(s) as u32
}

fn candidate<'a>(
    svc: &'a Service,
    td: &'a TaskDefinition,
    u: &'a ServiceUsage,
    a: &Assumptions,
    rates: &crate::pricing::FargateRates,
    step_seconds: u32,
    window_s: u64,
) -> Result<Candidate<'a>, RecommendError> {
    let err = |source| RecommendError::Service {
        service: svc.name.clone(),
        source,
    };
    let platform = if td.is_windows() {
        Platform::Windows
    } else if td.cpu_architecture == Arch::Arm64 {
        Platform::LinuxArm
    } else {
        Platform::LinuxX86
    };
    let placement = svc.placement();
    let storage_gib = td.ephemeral_storage_gib.unwrap_or(fargate::INCLUDED_STORAGE_GIB);
    let billed = fargate::billed_task_seconds(&u.running_avg, &u.tasks_started, step_seconds, platform);
    let cost_at = |size: FargateSize, p: Platform, cap: Capacity| -> Result<Usd, SimulationError> {
        let rate = fargate::hourly_rate(size, p, cap, storage_gib, rates)?;
        Ok(monthly(fargate::cost_of_task_seconds(rate, billed), window_s))
    };

    let mut current = Usd::ZERO;
    if let Placement::Fargate { spot_share } = placement {
        let size = FargateSize::new(td.reserved_cpu_units(), td.reserved_memory_mib(), platform).map_err(err)?;
        let od = cost_at(size, platform, Capacity::OnDemand).map_err(err)?;
        current = match cost_at(size, platform, Capacity::Spot) {
            Ok(spot) if spot_share > 0.0 => Usd(od.0 * rust_decimal::Decimal::try_from(1.0 - spot_share).unwrap_or_default()
                + spot.0 * rust_decimal::Decimal::try_from(spot_share).unwrap_or_default()),
            _ => od,
        };
    }

    let rs = &a.rightsizing;
    let low_data = u.stats.data_points < rs.min_data_points;
    let need = match (u.stats.cpu_units_for_sizing, u.stats.memory_mib_for_sizing) {
        (Some(c), Some(mm)) if !low_data => Some((c * (1.0 + rs.cpu_headroom_pct / 100.0), mm * (1.0 + rs.memory_headroom_pct / 100.0))),
        _ => None,
    };
    // Without enough data the task keeps what it reserves today.
    let (need_cpu, need_mem) = need.unwrap_or((f64::from(td.reserved_cpu_units()), f64::from(td.reserved_memory_mib())));
    let daemon = svc.is_daemon();
    let arm_capable = platform == Platform::LinuxArm || svc.tag_is_true(&a.fargate.arm_tag);
    let spot_ok = platform == Platform::LinuxX86
        && (matches!(placement, Placement::Fargate { spot_share } if spot_share > 0.0) || svc.tag_is_true(&a.fargate.spot_tag));

    let current_cpu = td.reserved_cpu_units();
    let current_mem = td.reserved_memory_mib();
    let mut fargate_size = if daemon {
        None
    } else {
        FargateSize::smallest_fitting(need_cpu, need_mem, platform, rates)
    };
    // Never grow a task on cost grounds: a task that needs more than it has is throttled or
    // scales out today, and the cost of growing it cannot be read off its current task count.
    // It keeps its size, and the recommendation says it runs at its limit.
    let mut at_limit = need.is_some() && (need_cpu > f64::from(current_cpu) || need_mem > f64::from(current_mem));
    if let (Some(fitted), Ok(current_size)) = (fargate_size, FargateSize::new(current_cpu, current_mem, platform)) {
        let rate = |z| fargate::hourly_rate(z, platform, Capacity::OnDemand, storage_gib, rates).ok();
        if rate(fitted) > rate(current_size) {
            fargate_size = Some(current_size);
            at_limit = true;
        }
    }
    let mut fargate = None;
    let mut arm = None;
    let mut spot = None;
    let mut best_fargate: Option<(Usd, FargateChoice)> = None;
    if let Some(size) = fargate_size {
        let own = cost_at(size, platform, Capacity::OnDemand).map_err(err)?;
        fargate = Some(own);
        best_fargate = Some((own, FargateChoice::Own));
        if arm_capable && platform == Platform::LinuxX86 {
            let c = cost_at(size, Platform::LinuxArm, Capacity::OnDemand).map_err(err)?;
            arm = Some(c);
            if c < own {
                best_fargate = Some((c, FargateChoice::Arm));
            }
        }
        if spot_ok {
            let c = cost_at(size, Platform::LinuxX86, Capacity::Spot).map_err(err)?;
            spot = Some(c);
            if best_fargate.is_none_or(|b| c < b.0) {
                best_fargate = Some((c, FargateChoice::Spot));
            }
        }
    }

    // On EC2 a task reserves what it needs, rounded to steps a task definition would use.
    let ec2_shape = if platform == Platform::Windows {
        None
    } else if daemon {
        Some(TaskShape {
            cpu_units: td.reserved_cpu_units(),
            memory_mib: td.reserved_memory_mib(),
            awsvpc: td.network_mode == NetworkMode::Awsvpc,
            arm_ok: arm_capable,
        })
    } else {
        Some(TaskShape {
            cpu_units: round_up(need_cpu, a.ec2.cpu_step_units).min(current_cpu),
            memory_mib: round_up(need_mem, a.ec2.memory_step_mib).min(current_mem),
            awsvpc: td.network_mode == NetworkMode::Awsvpc,
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
        low_data,
        at_limit,
        need,
        fargate_size,
        fargate,
        arm,
        spot,
        best_fargate,
        ec2_shape,
    })
}

/// One EC2 plan simulated two ways: as ECS would run it, and re-packed ideally at every step.
struct Ec2Sim {
    real: Realistic,
    ideal: FleetSimulation,
}

#[allow(clippy::too_many_arguments)]
fn simulate_subset(
    cands: &[Candidate],
    subset: &[usize],
    types: &[&crate::pricing::InstanceType],
    region: &RegionPrices,
    a: &Assumptions,
    step_seconds: u32,
    steps: usize,
    packer: &dyn Packer,
    weights: ResourceWeights,
) -> Result<Option<Ec2Sim>, RecommendError> {
    let replicas: Vec<usize> = subset.iter().copied().filter(|&i| !cands[i].svc.is_daemon()).collect();
    if replicas.is_empty() {
        return Ok(None);
    }
    let daemons: Vec<(usize, TaskShape)> = subset
        .iter()
        .copied()
        .filter(|&i| cands[i].svc.is_daemon())
        .filter_map(|i| cands[i].ec2_shape.map(|s| (i, s)))
        .collect();
    let daemon_shapes: Vec<TaskShape> = daemons.iter().map(|d| d.1).collect();
    // A Spot share lowers every instance-hour by the same assumed factor.
    let spot = 1.0 - a.ec2.spot_share_pct / 100.0 * a.ec2.spot_discount_pct / 100.0;
    let factor = rust_decimal::Decimal::try_from(spot)
        .unwrap_or(rust_decimal::Decimal::ONE)
        .round_dp(6);
    let options: Vec<InstanceOption> = types
        .iter()
        .filter_map(|t| {
            let price = region.ec2_hourly.get(&t.instance_type)?;
            let arm_daemons_ok = t.arch == Arch::X86_64 || daemon_shapes.iter().all(|d| d.arm_ok);
            if !arm_daemons_ok {
                return None;
            }
            InstanceOption::new(t, *price, &a.ec2, &daemon_shapes).map(|o| o.discounted(factor))
        })
        .collect();
    let workloads: Vec<Workload> = replicas
        .iter()
        .map(|&i| Workload {
            service: i,
            shape: cands[i].ec2_shape.expect("subset holds EC2-able services"),
            counts: cands[i]
                .usage
                .running_max
                .iter()
                .map(|&n| (n - 1e-9).ceil().max(0.0) as u32)
                .collect(),
        })
        .collect();
    let ideal = ec2::simulate(&workloads, &daemons, &options, step_seconds, steps, packer, weights)?;
    let scaling = Scaling::new(a.ec2.scale_in_minutes, a.ec2.target_capacity_pct, step_seconds);
    let real = realistic::simulate(&workloads, &daemons, &options, step_seconds, steps, scaling, weights)?;
    Ok(Some(Ec2Sim { real, ideal }))
}

/// How the EC2 figures were simulated, in words.
fn ec2_method(sim: Option<&Ec2Sim>, a: &Assumptions, step_seconds: u32, types: usize) -> String {
    let groups = match sim {
        Some(s) => s
            .real
            .groups
            .iter()
            .map(|g| format!("{} ({} services)", g.instance_type, g.services.len()))
            .collect::<Vec<_>>()
            .join(" and "),
        None => "none".into(),
    };
    let mut out = format!(
        "as ECS runs it: Auto Scaling groups of one instance type each, chosen from {types} types and split by architecture or network mode where that is cheaper ({groups}), \
         binpack placement on memory, managed scaling at {}% target capacity, empty instances terminated after {} minutes, tasks never moved; \
         ideal: every {step_seconds}-second step re-packed by the packing optimizer with every task free to move ({} distinct task mixes); \
         the difference is the cost of fragmentation",
        a.ec2.target_capacity_pct,
        a.ec2.scale_in_minutes,
        sim.map(|s| s.ideal.distinct_mixes).unwrap_or(0)
    );
    if a.ec2.spot_share_pct > 0.0 {
        out.push_str(&format!(
            "; {}% of instance-hours on Spot at {}% off on-demand (assumed)",
            a.ec2.spot_share_pct, a.ec2.spot_discount_pct
        ));
    }
    out
}

fn describe_fargate(c: &Candidate, choice: FargateChoice, size: FargateSize) -> String {
    let label = match (choice, c.platform) {
        (FargateChoice::Spot, _) => "Fargate Spot",
        (FargateChoice::Arm, _) | (FargateChoice::Own, Platform::LinuxArm) => "Fargate ARM",
        (FargateChoice::Own, Platform::Windows) => "Fargate Windows",
        (FargateChoice::Own, Platform::LinuxX86) => "Fargate",
    };
    format!("{label}, {size}")
}

fn describe_current(c: &Candidate) -> String {
    let size = FargateSize {
        cpu_units: c.td.reserved_cpu_units(),
        memory_mib: c.td.reserved_memory_mib(),
    };
    match c.placement {
        Placement::Ec2 => format!("EC2, {size}"),
        Placement::Fargate { spot_share } if spot_share > 0.0 => format!("Fargate + Spot, {size}"),
        Placement::Fargate { .. } => describe_fargate(c, FargateChoice::Own, size),
    }
}

fn usage_words(c: &Candidate, a: &Assumptions) -> String {
    let s = &c.usage.stats;
    let cpu = s.cpu_units_for_sizing.map(|v| format!("{:.0}", v)).unwrap_or_else(|| "n/a".into());
    let mem = s.memory_mib_for_sizing.map(|v| format!("{:.0}", v)).unwrap_or_else(|| "n/a".into());
    format!(
        "p{} CPU {} units of {}, p{} memory {} MiB of {} over {} samples",
        a.rightsizing.cpu_percentile,
        cpu,
        c.td.reserved_cpu_units(),
        a.rightsizing.memory_percentile,
        mem,
        c.td.reserved_memory_mib(),
        s.data_points
    )
}

/// How close a size sits to the observed peaks.
fn risk(c: &Candidate, cpu_units: u32, memory_mib: u32) -> String {
    if c.low_data || c.at_limit {
        return "high".into();
    }
    let s = &c.usage.stats;
    let cpu = s.cpu_units_max.unwrap_or(0.0) / f64::from(cpu_units.max(1));
    let mem = s.memory_mib_max.unwrap_or(0.0) / f64::from(memory_mib.max(1));
    let worst = cpu.max(mem);
    if worst >= 0.95 {
        "high"
    } else if worst >= 0.8 {
        "medium"
    } else {
        "low"
    }
    .into()
}

fn fargate_recommendation(c: &Candidate, a: &Assumptions) -> Recommendation {
    if c.svc.is_daemon() {
        return Recommendation {
            action: "replace-with-sidecar".into(),
            target: "none (Fargate has no daemon scheduling)".into(),
            monthly_usd: Usd::ZERO,
            savings_monthly_usd: c.current,
            rationale: "with no EC2 instances left a daemon has nothing to run on; if its function is still needed, add it as a sidecar container to the tasks that need it (not priced here)".into(),
            risk: "medium".into(),
        };
    }
    let Some((cost, choice)) = c.best_fargate else {
        return Recommendation {
            action: "keep".into(),
            target: describe_current(c),
            monthly_usd: c.current,
            savings_monthly_usd: Usd::ZERO,
            rationale: "its tasks need more than Fargate's largest size (16 vCPU / 120 GiB)".into(),
            risk: "low".into(),
        };
    };
    let size = c.fargate_size.expect("best Fargate option implies a size");
    let same_size = size.cpu_units == c.td.reserved_cpu_units() && size.memory_mib == c.td.reserved_memory_mib();
    let on_fargate = matches!(c.placement, Placement::Fargate { .. });
    let target = describe_fargate(c, choice, size);
    // Spot as the cheapest choice is what a service already mixing in Spot does today.
    let unchanged = on_fargate
        && same_size
        && match choice {
            FargateChoice::Own => spot_share_of(c) == 0.0,
            FargateChoice::Spot => spot_share_of(c) > 0.0,
            FargateChoice::Arm => false,
        };
    let action = if !on_fargate {
        "move-to-fargate"
    } else if unchanged || cost >= c.current {
        "keep"
    } else if same_size {
        // Same size, another architecture or capacity: Graviton or Spot.
        "switch"
    } else {
        "rightsize"
    };
    let mut why = if c.low_data {
        format!(
            "only {} samples (fewer than {}): keeps its current size; ",
            c.usage.stats.data_points, a.rightsizing.min_data_points
        )
    } else {
        let (nc, nm) = c.need.unwrap_or_default();
        format!(
            "{}; with {}% / {}% headroom it needs {:.0} units / {:.0} MiB, and the cheapest Fargate size holding that is {}",
            usage_words(c, a),
            a.rightsizing.cpu_headroom_pct,
            a.rightsizing.memory_headroom_pct,
            nc,
            nm,
            size
        )
    };
    if choice == FargateChoice::Arm {
        why.push_str("; tagged ARM-ready, so Graviton's lower rate applies");
    }
    if choice == FargateChoice::Spot {
        why.push_str("; interruption-tolerant, so Fargate Spot applies (its rate floats)");
    }
    if c.storage_gib > fargate::INCLUDED_STORAGE_GIB {
        why.push_str(&format!("; {} GiB ephemeral storage billed beyond 20 GiB", c.storage_gib));
    }
    if c.at_limit {
        why.push_str(&format!(
            "; it runs at its limit (observed use plus headroom exceeds {} units / {} MiB), so it keeps at least its size: consider more tasks or a larger size for performance, not cost",
            c.td.reserved_cpu_units(),
            c.td.reserved_memory_mib()
        ));
    }
    if let Placement::Fargate { spot_share } = c.placement {
        if spot_share > 0.0 && action == "keep" {
            why.push_str(&format!(
                "; already runs {:.0}% of its tasks on Fargate Spot with an on-demand base for availability",
                spot_share * 100.0
            ));
        }
    }
    if action == "keep" && on_fargate && !c.at_limit && spot_share_of(c) == 0.0 {
        why.push_str("; nothing cheaper fits");
    }
    let (monthly_usd, target) = if action == "keep" {
        (c.current, describe_current(c))
    } else {
        (cost, target)
    };
    Recommendation {
        action: action.into(),
        target,
        monthly_usd,
        savings_monthly_usd: c.current - monthly_usd,
        rationale: why,
        risk: risk(c, size.cpu_units, size.memory_mib),
    }
}

fn spot_share_of(c: &Candidate) -> f64 {
    match c.placement {
        Placement::Fargate { spot_share } => spot_share,
        Placement::Ec2 => 0.0,
    }
}

fn ec2_recommendation(c: &Candidate, cost: Usd, a: &Assumptions) -> Recommendation {
    let shape = c.ec2_shape.expect("EC2 plan members have a shape");
    let size = FargateSize {
        cpu_units: shape.cpu_units,
        memory_mib: shape.memory_mib,
    };
    let on_ec2 = c.placement == Placement::Ec2;
    let resized = shape.cpu_units != c.td.reserved_cpu_units() || shape.memory_mib != c.td.reserved_memory_mib();
    let action = if !on_ec2 {
        "move-to-ec2"
    } else if resized {
        "rightsize"
    } else {
        "keep"
    };
    let why = if c.svc.is_daemon() {
        "runs one task on every instance; its share follows the fleet".to_string()
    } else {
        let fargate = c
            .best_fargate
            .as_ref()
            .zip(c.fargate_size)
            .map(|(b, size)| format!("{} as {}", b.0, describe_fargate(c, b.1, size)))
            .unwrap_or_else(|| "not possible".into());
        format!(
            "{}; on the EC2 fleet it reserves {size} and its share costs {cost} a month against {fargate} on Fargate (EC2 must save {}% or more)",
            usage_words(c, a),
            a.recommend.ec2_min_savings_pct
        )
    };
    let why = if c.at_limit && !c.svc.is_daemon() {
        format!("{why}; it runs at its limit, so it keeps at least its current reservation")
    } else {
        why
    };
    Recommendation {
        action: action.into(),
        target: format!("EC2{}, {size}", if shape.arm_ok { " (Graviton-ready)" } else { "" }),
        monthly_usd: cost,
        savings_monthly_usd: c.current - cost,
        rationale: why,
        risk: if c.svc.is_daemon() {
            "low".into()
        } else {
            risk(c, shape.cpu_units, shape.memory_mib)
        },
    }
}

fn service_report(c: &Candidate, ec2_share: &BTreeMap<usize, Usd>, recommendation: Recommendation) -> ServiceReport {
    let s = &c.usage.stats;
    let r1 = |x: Option<f64>| x.map(|v| (v * 10.0).round() / 10.0);
    ServiceReport {
        name: c.svc.name.clone(),
        launch_type: match c.placement {
            Placement::Ec2 => "EC2".into(),
            Placement::Fargate { spot_share } if spot_share > 0.0 => "FARGATE+SPOT".into(),
            Placement::Fargate { .. } => "FARGATE".into(),
        },
        scheduling_strategy: if c.svc.is_daemon() { "DAEMON" } else { "REPLICA" }.into(),
        platform: match c.platform {
            Platform::LinuxX86 => "linux_x86",
            Platform::LinuxArm => "linux_arm",
            Platform::Windows => "windows",
        }
        .into(),
        network_mode: format!("{:?}", c.td.network_mode).to_lowercase(),
        task_size: TaskSize {
            cpu_units: c.td.reserved_cpu_units(),
            memory_mib: c.td.reserved_memory_mib(),
        },
        usage: UsageSummary {
            data_points: s.data_points,
            coverage_pct: round2(s.coverage_pct),
            average_tasks: round2(c.usage.running_avg.iter().sum::<f64>() / c.usage.running_avg.len().max(1) as f64),
            peak_tasks: c.usage.running_max.iter().copied().fold(0.0, f64::max),
            cpu_units_p99: r1(s.cpu_units_p99),
            memory_mib_p99: r1(s.memory_mib_p99),
            cpu_units_max: r1(s.cpu_units_max),
            memory_mib_max: r1(s.memory_mib_max),
        },
        current_monthly_usd: c.current,
        fargate_monthly_usd: c.fargate,
        fargate_size: c.fargate_size.map(|f| TaskSize {
            cpu_units: f.cpu_units,
            memory_mib: f.memory_mib,
        }),
        fargate_arm_monthly_usd: c.arm,
        fargate_spot_monthly_usd: c.spot,
        ec2_monthly_usd: ec2_share.get(&c.usage.service).copied(),
        recommendation,
    }
}

fn cluster_rationale(
    plan: &str,
    fargate: Option<Usd>,
    ec2: Option<Usd>,
    mixed: Option<Usd>,
    a: &Assumptions,
    ec2_services: usize,
) -> String {
    let f = |x: Option<Usd>| x.map(|v| v.to_string()).unwrap_or_else(|| "not possible".into());
    let head = format!(
        "all on Fargate {} a month, all on EC2 {}, best mix {}",
        f(fargate),
        f(ec2),
        f(mixed)
    );
    match plan {
        "all-fargate" => format!(
            "{head}; EC2 does not save the required {}% over Fargate, so every service runs on Fargate, each at its cheapest option",
            a.recommend.ec2_min_savings_pct
        ),
        "all-ec2" => format!(
            "{head}; the EC2 fleet saves more than {}% over Fargate for the cluster as a whole",
            a.recommend.ec2_min_savings_pct
        ),
        _ => format!(
            "{head}; {ec2_services} services (daemons included) pack onto EC2 for more than {}% less than Fargate, the rest run on Fargate",
            a.recommend.ec2_min_savings_pct
        ),
    }
}
