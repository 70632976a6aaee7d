//! Today's instances and what they cost: the container instances of the inventory, assumed to
//! run the whole window, in two pools. Those of ECS Managed Instances capacity providers are
//! billed per instance-hour at price plus management fee; the rest (Auto Scaling groups, the EC2
//! launch type) at price. A pool's cost is split by its capacity: each service placed on it pays
//! for what it reserved over time (at the pool's cost per unit of registered capacity), and what
//! no service reserved is the pool's idle line, in the cluster's figure only. So a service's share
//! does not rise when others leave: the idle line does. A type the catalog cannot price is left
//! out and named: the report is partial.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::candidate::Candidate;
use super::cost;
use super::words;
use crate::money::{monthly, Usd, SECONDS_PER_HOUR};
use crate::pricing::{self, Catalog, RegionPrices};
use crate::report::{Action, Compute, FleetAction, FleetStep, NotPriced, PoolBasis, ServiceReport};
use crate::simulation::ec2::{self, ResourceWeights};
use crate::snapshot::inventory::{Inventory, Placement};

pub struct Pools {
    /// Instance type -> count, Auto Scaling groups' instances.
    pub ec2_fleet: BTreeMap<String, u32>,
    /// Instance type -> count, Managed Instances'.
    pub mi_fleet: BTreeMap<String, u32>,
    pub ec2_hourly: Usd,
    /// Price plus fee.
    pub mi_hourly: Usd,
    pub not_priced: Vec<NotPriced>,
    /// The rule of an estimated fee today's Managed Instances are priced on, if any.
    pub fee_rule: Option<String>,
    ec2_window_cost: Usd,
    mi_window_cost: Usd,
    /// Registered CPU units and MiB of the priced instances of each pool.
    ec2_capacity: (f64, f64),
    mi_capacity: (f64, f64),
}

impl Pools {
    /// Both pools, priced; a warning names the instances left unpriced.
    pub fn priced(
        inventory: &Inventory,
        catalog: &Catalog,
        region: &RegionPrices,
        name: &str,
        window_s: u64,
        warnings: &mut Vec<String>,
    ) -> Pools {
        let managed = |ci: &crate::snapshot::inventory::ContainerInstance| {
            ci.capacity_provider_name
                .as_deref()
                .and_then(|p| inventory.capacity_provider(p))
                .is_some_and(|p| p.managed_instances.is_some())
        };
        let (mut ec2_fleet, mut mi_fleet) = (BTreeMap::new(), BTreeMap::new());
        // What ECS can place on each pool's instances of a type: their registered CPU and memory.
        let (mut ec2_registered, mut mi_registered) = (BTreeMap::new(), BTreeMap::new());
        for ci in &inventory.container_instances {
            let (pool, registered) = if managed(ci) {
                (&mut mi_fleet, &mut mi_registered)
            } else {
                (&mut ec2_fleet, &mut ec2_registered)
            };
            *pool.entry(ci.instance_type.clone()).or_default() += 1;
            let r: &mut (f64, f64) = registered.entry(ci.instance_type.clone()).or_default();
            r.0 += f64::from(ci.registered_cpu);
            r.1 += f64::from(ci.registered_memory);
        }
        let mut not_priced = Vec::new();
        let mut fee_rule = None;
        let mut price_pool =
            |fleet: &BTreeMap<String, u32>, registered: &BTreeMap<String, (f64, f64)>, what: &str, with_fee: bool| -> (Usd, (f64, f64)) {
                let mut hourly = Usd(Decimal::ZERO);
                let mut capacity = (0.0, 0.0);
                for (t, n) in fleet {
                    let priced = catalog.ec2_hourly(name, t).map_err(|e| e.to_string()).and_then(|p| {
                        if !with_fee {
                            return Ok(p);
                        }
                        let (fee, status, source) = region
                            .managed_instances_fee(t)
                            .ok_or_else(|| words::warn::no_managed_instances_fee(name, t))?;
                        if status == pricing::PriceStatus::Estimated {
                            fee_rule.get_or_insert(source);
                        }
                        Ok(p + fee)
                    });
                    match priced {
                        Ok(p) => {
                            hourly += p * Decimal::from(*n);
                            let (cpu, mem) = registered.get(t).copied().unwrap_or_default();
                            capacity.0 += cpu;
                            capacity.1 += mem;
                        }
                        Err(reason) => not_priced.push(NotPriced {
                            what: what.into(),
                            instance_type: t.clone(),
                            count: *n,
                            reason,
                        }),
                    }
                }
                (hourly, capacity)
            };
        let (ec2_hourly, ec2_capacity) = price_pool(&ec2_fleet, &ec2_registered, "container_instance", false);
        let (mi_hourly, mi_capacity) = price_pool(&mi_fleet, &mi_registered, "managed_instance", true);
        if !not_priced.is_empty() {
            warnings.push(words::warn::not_priced(name, &not_priced));
        }
        let over_window = |hourly: Usd| Usd(hourly.0 * Decimal::from(window_s) / Decimal::from(SECONDS_PER_HOUR));
        Pools {
            ec2_window_cost: over_window(ec2_hourly),
            mi_window_cost: over_window(mi_hourly),
            ec2_fleet,
            mi_fleet,
            ec2_hourly,
            mi_hourly,
            not_priced,
            fee_rule,
            ec2_capacity,
            mi_capacity,
        }
    }

    /// Sets each service's current cost to its share of its pool's (by what it reserved of the
    /// pool's registered capacity); returns the monthly cost of what no service reserved (and warns
    /// of pools no service is placed on), and each pool with its units, capacity and idle line.
    pub fn share(
        &self,
        cands: &mut [Candidate],
        window_s: u64,
        steps: usize,
        weights: &ResourceWeights,
        warnings: &mut Vec<String>,
    ) -> (Usd, Vec<PoolBasis>) {
        let on = |want: fn(&Placement) -> bool| -> Vec<usize> { (0..cands.len()).filter(|&i| want(&cands[i].placement)).collect() };
        let pools = [
            (
                Compute::Ec2,
                on(|p| *p == Placement::Ec2),
                self.ec2_window_cost,
                &self.ec2_fleet,
                self.ec2_capacity,
                words::warn::IDLE_INSTANCES,
            ),
            (
                Compute::ManagedInstances,
                on(|p| matches!(p, Placement::ManagedInstances { .. })),
                self.mi_window_cost,
                &self.mi_fleet,
                self.mi_capacity,
                words::warn::IDLE_MANAGED_INSTANCES,
            ),
        ];
        let mut idle = Usd::ZERO;
        let mut basis = Vec::new();
        for (kind, members, cost, fleet, (cpu, mem), idle_words) in pools {
            if fleet.is_empty() && members.is_empty() {
                continue;
            }
            if members.is_empty() {
                warnings.push(idle_words.into());
            }
            // A daemon runs one task on every instance, every step.
            let instances = f64::from(fleet.values().sum::<u32>());
            for &i in &members {
                if cands[i].is_daemon() {
                    // Each task definition it ran keeps its share of the steps.
                    let b = &mut cands[i].basis;
                    let counted = b.task_steps + b.revisions.iter().map(|r| r.task_steps).sum::<f64>();
                    let all = instances * steps as f64;
                    if counted > 0.0 {
                        b.task_steps *= all / counted;
                        b.revisions.iter_mut().for_each(|r| r.task_steps *= all / counted);
                    } else {
                        b.task_steps = all;
                    }
                }
            }
            let mut units: Vec<(usize, f64)> = members.iter().map(|&i| (i, units_of(&cands[i], weights))).collect();
            let reserved: f64 = units.iter().map(|u| u.1).sum();
            let capacity = cost::pool_units(steps as f64, cpu, mem, weights);
            // What no service reserved is idle; a pool reserved beyond what it registered (or
            // registering nothing) has no idle line, its cost shared by what was reserved.
            const IDLE: usize = usize::MAX;
            if capacity > reserved {
                units.push((IDLE, capacity - reserved));
            }
            let mut pool_idle = Usd::ZERO;
            for (i, share) in ec2::allocate(cost, &units) {
                if i == IDLE {
                    pool_idle = monthly(share, window_s);
                } else {
                    cands[i].current = monthly(share, window_s);
                }
            }
            if members.is_empty() {
                pool_idle = monthly(cost, window_s);
            }
            idle += pool_idle;
            basis.push(PoolBasis {
                kind,
                monthly_usd: monthly(cost, window_s),
                units: reserved,
                capacity_units: capacity.max(reserved),
                idle_monthly_usd: pool_idle,
            });
        }
        (idle, basis)
    }
}

/// What a service reserves of its pool over the window ([`cost::pool_units`]).
fn units_of(c: &Candidate, weights: &ResourceWeights) -> f64 {
    let r = c.reserved();
    cost::reserved_units(&c.basis, 1.0, r.cpu_units, r.memory_mib, weights)
}

/// One action per instance pool the recommendation moves services off: retire it when all of its
/// services go (today: the whole pool, idle instances included), shrink it when some do (today:
/// their shares, saved only once the pool gives up their instances).
pub fn fleet_actions(cands: &[Candidate], services: &[ServiceReport], pools: &[PoolBasis], today: &Pools) -> Vec<FleetAction> {
    let mut out = Vec::new();
    for (kind, fleet) in [(Compute::Ec2, &today.ec2_fleet), (Compute::ManagedInstances, &today.mi_fleet)] {
        let on_pool = |c: &Candidate| match c.placement {
            Placement::Ec2 => kind == Compute::Ec2,
            Placement::ManagedInstances { .. } => kind == Compute::ManagedInstances,
            Placement::Fargate { .. } => false,
        };
        let members: Vec<usize> = (0..cands.len()).filter(|&i| on_pool(&cands[i])).collect();
        let leaves = |s: &ServiceReport| match &s.recommendation.target {
            Some(t) => t.compute != kind,
            None => s.recommendation.action == Action::ReplaceWithSidecar,
        };
        let moving: Vec<usize> = members.iter().copied().filter(|&i| leaves(&services[i])).collect();
        if moving.is_empty() {
            continue;
        }
        let retire = moving.len() == members.len();
        let after: Usd = moving.iter().map(|&i| services[i].recommendation.monthly_usd).sum();
        let today_usd = match pools.iter().find(|p| p.kind == kind) {
            Some(p) if retire => p.monthly_usd,
            _ => moving.iter().map(|&i| services[i].current_monthly_usd).sum(),
        };
        out.push(FleetAction {
            kind,
            action: if retire { FleetStep::Retire } else { FleetStep::Shrink },
            instances: super::counted_lines(fleet),
            services: moving.iter().map(|&i| services[i].name.clone()).collect(),
            today_monthly_usd: today_usd,
            after_monthly_usd: after,
            savings_monthly_usd: today_usd - after,
        });
    }
    out
}
