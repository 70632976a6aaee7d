//! The EC2 fleets a plan needs, simulated on demand: as ECS runs them for every plan, the ideal
//! re-pack (the expensive one) only for the all-EC2 plan, where its figure is shown.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::config::Ec2Assumptions;
use crate::domain::{Arch, Platform};
use crate::money::Usd;
use crate::pricing::{InstanceType, RegionPrices};
use crate::simulation::ec2::{self, FleetSimulation, InstanceOption, Packer, ResourceWeights, TaskShape, Workload};
use crate::simulation::realistic::{self, Realistic, Scaling};
use crate::simulation::SimulationError;

use super::candidate::Candidate;
use super::RecommendError;

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
                    .map(|&n| (n - 1e-9).ceil().max(0.0) as u32)
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

/// Runs `run` on each part that holds replica services and merges the results.
fn by_part<T>(
    f: &FleetInputs,
    subset: &[usize],
    a: &Ec2Assumptions,
    run: impl Fn(&Prepared) -> Result<T, SimulationError>,
    merge: impl Fn(T, T) -> T,
) -> Result<Option<T>, RecommendError> {
    let mut out: Option<T> = None;
    for part in [Part::Rest, Part::Graviton] {
        if let Some(p) = prepare(f, subset, a, part) {
            let r = run(&p)?;
            out = Some(match out {
                Some(o) => merge(o, r),
                None => r,
            });
        }
    }
    Ok(out)
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
            let mut merged: Option<Realistic> = None;
            for z in 0..zones {
                let workloads = zone_share(&p.workloads, zones, z);
                if z > 0 && workloads.iter().all(|w| w.counts.iter().all(|&n| n == 0)) {
                    continue;
                }
                let r = realistic::simulate(&workloads, &p.daemons, &p.options, f.step_seconds, f.steps, scaling, f.weights)?;
                merged = Some(match merged {
                    Some(m) => m.merge(r),
                    None => r,
                });
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
