//! The EC2 fleets a plan needs, simulated on demand: as ECS runs them for every plan, the ideal
//! re-pack (the expensive one) only for the all-EC2 plan, where its figure is shown.

use rust_decimal::Decimal;

use crate::config::Ec2Assumptions;
use crate::domain::Arch;
use crate::pricing::{InstanceType, RegionPrices};
use crate::simulation::ec2::{self, FleetSimulation, InstanceOption, Packer, ResourceWeights, TaskShape, Workload};
use crate::simulation::realistic::{self, Realistic, Scaling};

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
}

/// What a fleet simulation of a subset of services packs: the instance options (after the
/// daemons' share of each), the replica services' task counts, the daemons.
struct Prepared {
    options: Vec<InstanceOption>,
    workloads: Vec<Workload>,
    daemons: Vec<(usize, TaskShape)>,
}

/// `None` when the subset holds no replica service.
fn prepare(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions) -> Option<Prepared> {
    let cands = f.cands;
    let replicas: Vec<usize> = subset.iter().copied().filter(|&i| !cands[i].is_daemon()).collect();
    if replicas.is_empty() {
        return None;
    }
    let daemons: Vec<(usize, TaskShape)> = subset
        .iter()
        .copied()
        .filter(|&i| cands[i].is_daemon())
        .filter_map(|i| cands[i].ec2_shape.map(|s| (i, s)))
        .collect();
    let daemon_shapes: Vec<TaskShape> = daemons.iter().map(|d| d.1).collect();
    // A Spot share lowers every instance-hour by the same assumed factor.
    let spot = 1.0 - a.spot_share_pct / 100.0 * a.spot_discount_pct / 100.0;
    let factor = Decimal::try_from(spot).unwrap_or(Decimal::ONE).round_dp(6);
    let options: Vec<InstanceOption> = f
        .types
        .iter()
        .filter_map(|t| {
            let price = f.region.ec2_hourly.get(&t.instance_type)?;
            let arm_daemons_ok = t.arch == Arch::X86_64 || daemon_shapes.iter().all(|d| d.arm_ok);
            if !arm_daemons_ok {
                return None;
            }
            InstanceOption::new(t, *price, a, &daemon_shapes).map(|o| o.discounted(factor))
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

/// The services of `subset` on EC2 as ECS would run them (daemons on every instance); `None`
/// when the subset holds no replica service. The ideal re-pack is left for [`ideal`].
pub fn simulate(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions) -> Result<Option<Ec2Runs>, RecommendError> {
    let Some(p) = prepare(f, subset, a) else { return Ok(None) };
    let scaling = Scaling::new(a.scale_in_minutes, a.target_capacity_pct, f.step_seconds);
    let ecs = realistic::simulate(&p.workloads, &p.daemons, &p.options, f.step_seconds, f.steps, scaling, f.weights)?;
    Ok(Some(Ec2Runs { ecs, ideal: None }))
}

/// The same services re-packed by the optimizer at every step, every task free to move.
pub fn ideal(f: &FleetInputs, subset: &[usize], a: &Ec2Assumptions) -> Result<Option<FleetSimulation>, RecommendError> {
    let Some(p) = prepare(f, subset, a) else { return Ok(None) };
    Ok(Some(ec2::simulate(
        &p.workloads,
        &p.daemons,
        &p.options,
        f.step_seconds,
        f.steps,
        f.packer,
        f.weights,
    )?))
}
