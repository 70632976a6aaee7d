//! Today's cost of one service, from its [`CostBasis`]: the rules `analyze` computes today's cost
//! with and `gate` prices a proposed change with, so the two cannot drift. The basis is what the
//! usage series reduce to for billing (Fargate's billed task-seconds by how many tasks ran; the
//! task-steps an instance pool's cost is shared by) and travels in the report, so a saved report
//! prices a change exactly as its snapshot does.
//!
//! - On Fargate, a service pays its billed task-seconds (each task start's minimum included) at
//!   its size's rate, on demand and on Spot as its capacity provider strategy splits each step's
//!   tasks. ECS's split is linear between whole task counts (bases are whole), so the seconds
//!   bucketed by whole task count with their sum over the count give the per-step sum exactly.
//! - On an instance pool (Auto Scaling groups, Managed Instances), a service pays the pool's cost
//!   per unit of registered capacity times its reserved units: task-steps x (CPU and memory at
//!   Fargate's x86 weights). Today's pool cost is split so, what no service reserved being the
//!   pool's idle line; for a change, the pool is taken to follow what it holds (ECS managed
//!   scaling), at today's cost per unit.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use crate::domain::{Capacity, Platform, Window};
use crate::money::{monthly, Usd};
use crate::pricing::FargateRates;
use crate::report::{BilledBucket, Compute, CostBasis, PoolBasis};
use crate::simulation::ec2::ResourceWeights;
use crate::simulation::fargate::{self, FargateSize};
use crate::simulation::SimulationError;
use crate::snapshot::inventory::{placement_of, spot_tasks, Placement};

/// Billed task-seconds by whole task count: step `t` billed `billed[t]` seconds with
/// `running[t]` tasks (an average over the step). Steps with no task running (a short task that
/// started and stopped within one) go to count 0, all on demand.
pub fn buckets(billed: &[f64], running: &[f64]) -> Vec<BilledBucket> {
    let mut out: Vec<BilledBucket> = Vec::new();
    for (&b, &n) in billed.iter().zip(running) {
        if b <= 0.0 {
            continue;
        }
        let tasks = if n > 0.0 { n.floor().min(f64::from(u32::MAX)) as u32 } else { 0 };
        let i = match out.binary_search_by_key(&tasks, |x| x.tasks) {
            Ok(i) => i,
            Err(i) => {
                out.insert(
                    i,
                    BilledBucket {
                        tasks,
                        seconds: 0.0,
                        seconds_per_task: 0.0,
                    },
                );
                i
            }
        };
        out[i].seconds += b;
        if n > 0.0 {
            out[i].seconds_per_task += b / n;
        }
    }
    out
}

/// The billed seconds (every count scaled by `scale`, a new desired count over today's average)
/// and, of them, those on Fargate Spot when `spot_tasks(n)` of `n` tasks run on Spot.
pub fn spot_seconds(buckets: &[BilledBucket], scale: f64, spot_tasks: &dyn Fn(f64) -> f64) -> (f64, f64) {
    let (mut billed, mut spot) = (0.0, 0.0);
    for b in buckets {
        billed += b.seconds * scale;
        if b.tasks == 0 && b.seconds_per_task == 0.0 {
            continue;
        }
        if scale == 1.0 {
            // Linear on [k, k+1]: f(n) = alpha + beta n, so the sum of seconds x f(n) / n is
            // alpha x (seconds / n) + beta x seconds, exactly.
            let k = f64::from(b.tasks);
            let beta = spot_tasks(k + 1.0) - spot_tasks(k);
            let alpha = spot_tasks(k) - beta * k;
            spot += alpha * b.seconds_per_task + beta * b.seconds;
        } else {
            // A new count: the bucket's mean count scaled, its seconds with it.
            let mean = b.seconds / b.seconds_per_task;
            let n = mean * scale;
            spot += b.seconds * scale * spot_tasks(n) / n;
        }
    }
    (billed, spot.clamp(0.0, billed))
}

/// A service on Fargate: what it costs a month, its task's blended hourly rate and the share on
/// Spot (0 to 1).
pub struct OnFargate {
    pub monthly: Usd,
    pub hourly_rate: Usd,
    pub spot_share: f64,
}

/// Fargate's cost of `billed` task-seconds over `window_s`, `spot` of them on Spot, at a size.
pub fn on_fargate(
    billed: f64,
    spot: f64,
    size: FargateSize,
    platform: Platform,
    storage_gib: u32,
    rates: &FargateRates,
    window_s: u64,
) -> Result<OnFargate, SimulationError> {
    let priced = |capacity| -> Result<(Usd, Usd), SimulationError> {
        let rate = fargate::hourly_rate(size, platform, capacity, storage_gib, rates)?;
        Ok((monthly(fargate::cost_of_task_seconds(rate, billed), window_s), rate))
    };
    let (od, od_rate) = priced(Capacity::OnDemand)?;
    match priced(Capacity::Spot) {
        Ok((sp, sp_rate)) if spot > 0.0 && billed > 0.0 => {
            let share = (spot / billed).clamp(0.0, 1.0);
            let s = Decimal::try_from(share).unwrap_or_default();
            let o = Decimal::ONE - s;
            Ok(OnFargate {
                monthly: Usd(od.0 * o + sp.0 * s),
                hourly_rate: Usd(od_rate.0 * o + sp_rate.0 * s),
                spot_share: share,
            })
        }
        _ => Ok(OnFargate {
            monthly: od,
            hourly_rate: od_rate,
            spot_share: 0.0,
        }),
    }
}

/// A service's Fargate cost over the window as it ran: its task (`size`) over the steps it ran
/// it, each earlier revision at its own size over its own, every count scaled by `scale`. The
/// rate is the current task's; the Spot share is over all the seconds.
#[allow(clippy::too_many_arguments)]
pub fn on_fargate_as_run(
    basis: &CostBasis,
    scale: f64,
    size: FargateSize,
    platform: Platform,
    storage_gib: u32,
    rates: &FargateRates,
    window_s: u64,
    spot_tasks: &dyn Fn(f64) -> f64,
) -> Result<OnFargate, SimulationError> {
    let (billed, spot) = spot_seconds(&basis.billed, scale, spot_tasks);
    let mut out = on_fargate(billed, spot, size, platform, storage_gib, rates, window_s)?;
    let (mut all, mut all_spot) = (billed, spot);
    for r in &basis.revisions {
        let (b, sp) = spot_seconds(&r.billed, scale, spot_tasks);
        let size = FargateSize::new(r.cpu_units, r.memory_mib, r.platform)?;
        out.monthly += on_fargate(b, sp, size, r.platform, r.storage_gib, rates, window_s)?.monthly;
        (all, all_spot) = (all + b, all_spot + sp);
    }
    if all > 0.0 {
        out.spot_share = (all_spot / all).clamp(0.0, 1.0);
    }
    Ok(out)
}

/// What a service reserves of its pool over the window, its earlier revisions each at their own
/// size ([`pool_units`]); `cpu_units` and `memory_mib` are its current task's.
pub fn reserved_units(basis: &CostBasis, scale: f64, cpu_units: u32, memory_mib: u32, weights: &ResourceWeights) -> f64 {
    let own = pool_units(basis.task_steps * scale, pool_cpu(basis, cpu_units), f64::from(memory_mib), weights);
    own + basis
        .revisions
        .iter()
        .map(|r| pool_units(r.task_steps * scale, pool_cpu(basis, r.cpu_units), f64::from(r.memory_mib), weights))
        .sum::<f64>()
}

/// What a service reserves of an instance pool over the window: its task-steps times its task's
/// CPU and memory at Fargate's x86 weights.
pub fn pool_units(task_steps: f64, cpu_units: f64, memory_mib: f64, weights: &ResourceWeights) -> f64 {
    task_steps * (cpu_units * weights.per_cpu_unit + memory_mib * weights.per_memory_mib)
}

/// The CPU a task weighs on a pool: what it reserves, or (reserving none) what it uses.
pub fn pool_cpu(basis: &CostBasis, reserved_cpu_units: u32) -> f64 {
    basis.unreserved_cpu_units.unwrap_or(f64::from(reserved_cpu_units))
}

/// What an instance pool's unit weighs: Fargate's x86 rates per CPU unit and per MiB.
pub fn weights(rates: &FargateRates) -> ResourceWeights {
    ResourceWeights {
        per_cpu_unit: rates.linux_x86_vcpu_hour.to_f64() / 1024.0,
        per_memory_mib: rates.linux_x86_gb_hour.to_f64() / 1024.0,
    }
}

/// A cluster as today's cost model sees it: what a service's cost is priced in.
pub struct Cluster<'a> {
    pub rates: &'a FargateRates,
    /// Today's instance pools.
    pub pools: &'a [PoolBasis],
    /// The ECS Managed Instances capacity providers, by name.
    pub managed: &'a BTreeSet<String>,
    pub window: Window,
}

/// A service as it runs, or as a proposal leaves it: its placement (in `basis`), its task and its
/// task count relative to today's (`scale`).
#[derive(Clone, Debug)]
pub struct State {
    pub basis: CostBasis,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub platform: Platform,
    pub storage_gib: u32,
    pub scale: f64,
    /// Where it runs today (none for a new service): on another kind it joins that kind.
    pub was: Option<Compute>,
    /// Joining instances: the engine's simulated figure for that kind (the service's `ec2` or
    /// `managed-instances` option) and the task size it is for.
    pub simulated: Vec<(Compute, Usd, u32, u32)>,
}

impl State {
    /// Where it runs: ECS's placement of its launch type or strategy.
    pub fn compute(&self, cluster: &Cluster) -> Compute {
        match placement_of(self.basis.launch_type, &self.basis.capacity_provider_strategy, &|p| {
            cluster.managed.contains(p)
        }) {
            Placement::Fargate { .. } => Compute::Fargate,
            Placement::Ec2 => Compute::Ec2,
            Placement::ManagedInstances { .. } => Compute::ManagedInstances,
        }
    }
}

/// Why a state has no price.
#[derive(Debug, thiserror::Error)]
pub enum Unpriced {
    #[error("{cpu_units} CPU units and {memory_mib} MiB is not a Fargate size ({source})")]
    NotAFargateSize {
        cpu_units: u32,
        memory_mib: u32,
        source: SimulationError,
    },
    #[error(transparent)]
    Fargate(SimulationError),
    #[error("no {0} instances run in the cluster today and the engine has no {0} figure for it")]
    NoPool(&'static str),
}

/// A service's monthly cost in a state, by the rules today's cost is computed with.
pub fn price(cluster: &Cluster, s: &State) -> Result<Usd, Unpriced> {
    let compute = s.compute(cluster);
    if compute == Compute::Fargate {
        let size = FargateSize::new(s.cpu_units, s.memory_mib, s.platform).map_err(|source| Unpriced::NotAFargateSize {
            cpu_units: s.cpu_units,
            memory_mib: s.memory_mib,
            source,
        })?;
        let b = &s.basis;
        let window_s = (cluster.window.end - cluster.window.start).num_seconds().max(0) as u64;
        let spot = |n| spot_tasks(b.launch_type, &b.capacity_provider_strategy, n);
        return on_fargate_as_run(b, s.scale, size, s.platform, s.storage_gib, cluster.rates, window_s, &spot)
            .map(|f| f.monthly)
            .map_err(Unpriced::Fargate);
    }
    let w = weights(cluster.rates);
    let units = reserved_units(&s.basis, s.scale, s.cpu_units, s.memory_mib, &w);
    let pool = cluster.pools.iter().find(|p| p.kind == compute && p.shared_by() > 0.0);
    // The pool follows what it holds, at today's cost per unit.
    let in_pool = |pool: &PoolBasis| Usd(pool.monthly_usd.0 * dec(units / pool.shared_by()));
    let joins = s.was != Some(compute);
    match pool {
        Some(pool) if !joins => return Ok(in_pool(pool)),
        _ => {}
    }
    // A service joining instances of a kind: its share of the engine's simulated fleet of that
    // kind (packed as ECS would pack it), by its units; today's pool may be packed worse or better.
    if let Some((_, usd, c, m)) = s.simulated.iter().find(|x| x.0 == compute) {
        let at = pool_units(
            s.basis.task_steps + s.basis.revisions.iter().map(|r| r.task_steps).sum::<f64>(),
            f64::from(*c),
            f64::from(*m),
            &w,
        );
        return Ok(if at > 0.0 { Usd(usd.0 * dec(units / at)) } else { *usd });
    }
    pool.map(in_pool).ok_or(Unpriced::NoPool(match compute {
        Compute::Ec2 => "EC2",
        _ => "ECS Managed Instances",
    }))
}

/// A state on instances no pool or simulation prices: its reservation at Fargate's x86 rates
/// (the weights a pool's units are counted in).
pub fn at_fargate_x86(cluster: &Cluster, s: &State) -> Usd {
    let w = weights(cluster.rates);
    let units = reserved_units(&s.basis, s.scale, s.cpu_units, s.memory_mib, &w);
    let window_s = (cluster.window.end - cluster.window.start).num_seconds().max(0) as u64;
    let over_window = units * f64::from(cluster.window.step_seconds) / f64::from(crate::money::SECONDS_PER_HOUR);
    monthly(Usd(dec(over_window)), window_s)
}

fn dec(x: f64) -> Decimal {
    Decimal::try_from(x).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ECS's rule for base 1 on FARGATE, weights 1 FARGATE : 3 FARGATE_SPOT.
    fn strategy(n: f64) -> f64 {
        (n - 1.0).max(0.0) * 0.75
    }

    #[test]
    fn bucketed_spot_seconds_equal_the_per_step_sum() {
        let running = [0.0, 0.4, 1.0, 1.5, 2.0, 2.25, 6.0, 6.9, 3.3];
        let billed: Vec<f64> = running.iter().map(|n| n * 300.0 + 7.0).collect();
        let per_step: f64 = billed
            .iter()
            .zip(&running)
            .filter(|(_, &n)| n > 0.0)
            .map(|(b, &n)| b * strategy(n) / n)
            .sum();
        let (total, spot) = spot_seconds(&buckets(&billed, &running), 1.0, &strategy);
        assert!((total - billed.iter().sum::<f64>()).abs() < 1e-9);
        assert!((spot - per_step).abs() < 1e-9, "{spot} vs {per_step}");
    }

    #[test]
    fn a_new_count_scales_the_seconds_and_reads_the_split_at_the_scaled_count() {
        // Two tasks every step; doubled, four: 1 on demand by the base, 3 x 0.75 on Spot.
        let b = buckets(&[600.0, 600.0], &[2.0, 2.0]);
        let (total, spot) = spot_seconds(&b, 2.0, &strategy);
        assert_eq!(total, 2400.0);
        assert!((spot - 2400.0 * 2.25 / 4.0).abs() < 1e-9);
    }
}
