//! The EC2 fleets a plan needs, simulated on demand: as ECS runs them for every plan, the ideal
//! re-pack (the expensive one) only for the all-EC2 plan, where its figure is shown; the instance
//! types they may use (`ec2_types`), and every fleet of one analysis (`simulate_fleets`).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::config::{Assumptions, Ec2Assumptions};
use crate::domain::{Arch, Platform};
use crate::money::{monthly, Usd};
use crate::pricing::{self, Catalog, InstanceType, RegionPrices};
use crate::simulation::ec2::{self, FleetSimulation, InstanceOption, Packer, ResourceWeights, TaskShape, Workload};
use crate::simulation::realistic::{self, Realistic, Scaling};
use crate::simulation::SimulationError;

use super::candidate::Candidate;
use super::{plan, words, RecommendError};

/// One EC2 plan: as ECS would run it, and, when asked for, re-packed ideally at every step.
pub struct Ec2Runs {
    pub ecs: Realistic,
    pub ideal: Option<FleetSimulation>,
}

/// What every fleet simulation of one analysis shares.
pub struct FleetInputs<'a, 'c> {
    pub cands: &'a [Candidate<'c>],
    pub types: &'a [&'a InstanceType],
    pub region: &'a RegionPrices,
    pub step_seconds: u32,
    pub steps: usize,
    pub packer: &'a (dyn Packer + Sync),
    pub weights: ResourceWeights,
    /// An instance-hour's cost as a share of its price in the catalog: below 1 with a Spot share
    /// ([`crate::config::Assumptions::ec2_hour_factor`]).
    pub hour_factor: Decimal,
    /// ECS Managed Instances: each type's management fee per instance-hour, added to its price
    /// (no discount or Spot share applies to it). `None` for self-managed EC2.
    pub fees: Option<&'a BTreeMap<String, Usd>>,
}

/// What a fleet simulation of a subset of services packs: the instance options (after the
/// daemons' share of each), the replica services' task counts, the daemons.
struct Prepared {
    options: Vec<InstanceOption>,
    workloads: Vec<Workload>,
    daemons: Vec<(usize, TaskShape)>,
}

/// A task definition's architecture binds it: ARM64 tasks run only on Graviton, so they are
/// packed on a Graviton fleet of their own; the others on any type they may run on (x86, and
/// Graviton for those tagged ARM-ready). Packing the two apart can cost a little more than a
/// scheduler sharing Graviton instances between them would.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Graviton,
    Rest,
}

/// `None` when the part holds no replica service.
fn prepare(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions, part: Part) -> Option<Prepared> {
    let cands = f.cands;
    let arm_only = |i: usize| cands[i].platform == Platform::LinuxArm;
    let replicas: Vec<usize> = subset
        .iter()
        .copied()
        .filter(|&i| !cands[i].is_daemon() && arm_only(i) == (part == Part::Graviton))
        .collect();
    if replicas.is_empty() {
        return None;
    }
    // Daemons run on every instance they can: an x86-only daemon has no task on Graviton.
    let daemons: Vec<(usize, TaskShape)> = subset
        .iter()
        .copied()
        .filter(|&i| cands[i].is_daemon())
        .filter_map(|i| cands[i].ec2_shape.map(|s| (i, s)))
        .filter(|(_, s)| part == Part::Rest || s.arm_ok)
        .collect();
    let daemon_shapes: Vec<TaskShape> = daemons.iter().map(|d| d.1).collect();
    // A Spot share changes every instance-hour by the same assumed factor.
    let factor = f.hour_factor;
    let options: Vec<InstanceOption> = f
        .types
        .iter()
        .filter(|t| part == Part::Rest || t.arch == Arch::Arm64)
        .filter_map(|t| {
            let price = f.region.ec2_hourly.get(&t.instance_type)?;
            let arm_daemons_ok = part == Part::Graviton || t.arch == Arch::X86_64 || daemon_shapes.iter().all(|d| d.arm_ok);
            if !arm_daemons_ok {
                return None;
            }
            let option = InstanceOption::new(t, *price, a, &daemon_shapes).map(|o| o.discounted(factor))?;
            match f.fees {
                Some(fees) => Some(option.with_fee(*fees.get(&t.instance_type)?)),
                None => Some(option),
            }
        })
        .collect();
    let workloads: Vec<Workload> = replicas
        .iter()
        .filter_map(|&i| {
            Some(Workload {
                service: i,
                shape: cands[i].ec2_shape?,
                counts: cands[i]
                    .usage
                    .running_max
                    .iter()
                    .map(|n| (n - 1e-9).ceil().max(0.0) as u32)
                    .collect(),
            })
        })
        .collect();
    Some(Prepared {
        options,
        workloads,
        daemons,
    })
}

/// Runs `run` on each part that holds replica services (the two side by side) and merges the
/// results, the rest before Graviton.
fn by_part<T: Send>(
    f: &FleetInputs,
    subset: &[usize],
    a: &Ec2Assumptions,
    run: impl Fn(&Prepared) -> Result<T, SimulationError> + Sync,
    merge: impl Fn(T, T) -> T,
) -> Result<Option<T>, RecommendError> {
    let part = |part| prepare(f, subset, a, part).map(|p| run(&p)).transpose();
    let (rest, graviton) = rayon::join(|| part(Part::Rest), || part(Part::Graviton));
    Ok(match (rest?, graviton?) {
        (Some(r), Some(g)) => Some(merge(r, g)),
        (r, g) => r.or(g),
    })
}

/// The services of `subset` on EC2 as ECS would run them (daemons on every instance); `None`
/// when the subset holds no replica service. The ideal re-pack is left for [`ideal`].
pub fn simulate(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions) -> Result<Option<Ec2Runs>, RecommendError> {
    let mut scaling = Scaling::new(a.scale_in_minutes, a.target_capacity_pct, f.step_seconds);
    // ECS Managed Instances (priced with fees) consolidates underused instances; Auto Scaling
    // groups never move a task.
    scaling.consolidate = f.fees.is_some();
    // ECS's default for services spreads each service's tasks across Availability Zones before
    // binpack: each zone is its own set of instances holding its share of every service's tasks.
    let zones = a.availability_zones.max(1);
    let ecs = by_part(
        f,
        subset,
        a,
        |p| {
            // Each zone is simulated on its own, side by side, and merged in zone order.
            let zones: Vec<Result<Option<Realistic>, SimulationError>> = (0..zones)
                .into_par_iter()
                .map(|z| {
                    let workloads = zone_share(&p.workloads, zones, z);
                    if z > 0 && workloads.iter().all(|w| w.counts.iter().all(|&n| n == 0)) {
                        return Ok(None);
                    }
                    realistic::simulate(&workloads, &p.daemons, &p.options, f.step_seconds, f.steps, scaling, f.weights).map(Some)
                })
                .collect();
            let mut merged: Option<Realistic> = None;
            for r in zones {
                if let Some(r) = r? {
                    merged = Some(match merged {
                        Some(m) => m.merge(r),
                        None => r,
                    });
                }
            }
            Ok(merged.expect("zone 0 always runs"))
        },
        Realistic::merge,
    )?;
    Ok(ecs.map(|ecs| Ec2Runs { ecs, ideal: None }))
}

/// Zone `z`'s share of every service's tasks when they are spread evenly over `zones` zones (the
/// first zones take the remainder, as ECS's spread does).
fn zone_share(workloads: &[Workload], zones: u32, z: u32) -> Vec<Workload> {
    workloads
        .iter()
        .map(|w| Workload {
            service: w.service,
            shape: w.shape,
            counts: w.counts.iter().map(|&n| n / zones + u32::from(z < n % zones)).collect(),
        })
        .collect()
}

/// The same services re-packed by the optimizer at every step, every task free to move.
pub fn ideal(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions) -> Result<Option<FleetSimulation>, RecommendError> {
    by_part(
        f,
        subset,
        a,
        |p| ec2::simulate(&p.workloads, &p.daemons, &p.options, f.step_seconds, f.steps, f.packer, f.weights),
        FleetSimulation::merge,
    )
}

/// Instance types the EC2 plans may use: priced ones of the chosen families and of the cluster's
/// own (`own_fleet`), up to the largest size allowed; warns of chosen families the region does not
/// price.
pub fn ec2_types<'c>(
    catalog: &'c Catalog,
    region: &pricing::RegionPrices,
    own_fleet: &BTreeMap<String, u32>,
    a: &Assumptions,
    region_name: &str,
    warnings: &mut Vec<String>,
) -> Vec<&'c pricing::InstanceType> {
    let own: BTreeSet<&str> = own_fleet.keys().map(|t| pricing::family_of(t)).collect();
    let mut types: Vec<_> = region
        .ec2_hourly
        .keys()
        .filter_map(|t| catalog.instance_types.get(t))
        .filter(|t| a.ec2.families.contains(&t.family) || own.contains(t.family.as_str()))
        .filter(|t| t.vcpu <= a.ec2.max_vcpu)
        .filter(|t| a.ec2.include_burstable || !t.is_burstable())
        .collect();
    types.sort_by(|x, y| x.instance_type.cmp(&y.instance_type));
    let unpriced: Vec<&str> = a
        .ec2
        .families
        .iter()
        .filter(|f| !region.ec2_hourly.keys().any(|t| pricing::family_of(t) == f.as_str()))
        .map(String::as_str)
        .collect();
    if !unpriced.is_empty() {
        warnings.push(words::warn::families_not_priced(region_name, &unpriced));
    }
    types
}

/// Each service's monthly share of a simulated fleet.
pub fn share_of(sim: Option<&FleetSimulation>, window_s: u64) -> BTreeMap<usize, Usd> {
    sim.map(|s| s.allocation.iter().map(|(&i, &c)| (i, monthly(c, window_s))).collect())
        .unwrap_or_default()
}

/// Every fleet the plans need, simulated.
pub struct Simulated {
    /// All EC2 as ECS runs it, with the ideal re-pack.
    pub all_ec2: Option<Ec2Runs>,
    /// All EC2 with ENI trunking, when it is off and would matter.
    pub trunked: Option<Ec2Runs>,
    /// The services of the mixed plan on EC2, and their fleet.
    pub mixed_ec2: Vec<usize>,
    pub mixed_sim: Option<Ec2Runs>,
    pub managed: Option<Ec2Runs>,
}

/// The fleets: all EC2 as ECS runs it, with ENI trunking, the mix, ECS Managed Instances, and the
/// ideal re-pack. All but the mix (which needs the all-EC2 shares) run side by side on the
/// thread pool; each result is what it would be alone, so figures never depend on timing or on
/// the number of threads.
#[allow(clippy::too_many_arguments)]
pub fn simulate_fleets(
    fleet_inputs: &FleetInputs,
    mi_inputs: &FleetInputs,
    (ec2, mi_ec2): (&Ec2Assumptions, &Ec2Assumptions),
    ec2_able: &[usize],
    mi_types: bool,
    pct: f64,
    window_s: u64,
    progress: &mut dyn FnMut(&str),
) -> Result<Simulated, RecommendError> {
    let cands = fleet_inputs.cands;
    // awsvpc tasks often bind an EC2 fleet by ENIs, not CPU or memory; say what trunking changes.
    let trunking = (!ec2.eni_trunking).then(|| Ec2Assumptions {
        eni_trunking: true,
        ..ec2.clone()
    });
    progress("EC2 fleets as ECS runs them (with ENI trunking, on Managed Instances), and the ideal re-pack");
    let ((ideal, all_ec2), (trunked, managed)) = rayon::join(
        || rayon::join(|| ideal(fleet_inputs, ec2_able, ec2), || simulate(fleet_inputs, ec2_able, ec2)),
        || {
            rayon::join(
                || trunking.as_ref().map(|t| simulate(fleet_inputs, ec2_able, t)).transpose(),
                || {
                    if mi_types {
                        simulate(mi_inputs, ec2_able, mi_ec2)
                    } else {
                        Ok(None)
                    }
                },
            )
        },
    );
    let mut all_ec2 = all_ec2?;
    let trunked = if all_ec2.is_none() { None } else { trunked?.flatten() };
    // The mix: replica services whose EC2 share beats their best Fargate option, with the
    // daemons.
    let ec2_share = share_of(all_ec2.as_ref().map(|s| &s.ecs.sim), window_s);
    let mut mixed_ec2: Vec<usize> = ec2_able
        .iter()
        .copied()
        .filter(|&i| !cands[i].is_daemon() && plan::joins_ec2_in_mix(ec2_share.get(&i).copied(), cands[i].best_monthly(), pct))
        .collect();
    if !mixed_ec2.is_empty() {
        mixed_ec2.extend(ec2_able.iter().copied().filter(|&i| cands[i].is_daemon()));
        mixed_ec2.sort_unstable();
    }
    let mixed_sim = if mixed_ec2.is_empty() || mixed_ec2 == ec2_able {
        None
    } else {
        progress("EC2 fleet of the mixed plan");
        simulate(fleet_inputs, &mixed_ec2, ec2)?
    };
    let managed = managed?;
    let ideal = ideal?;
    if let Some(runs) = all_ec2.as_mut() {
        runs.ideal = ideal;
    }
    Ok(Simulated {
        all_ec2,
        trunked,
        mixed_ec2,
        mixed_sim,
        managed,
    })
}
