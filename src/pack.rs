//! `ecs-advisor pack`: packs a given set of tasks onto given instance types with the optimizer
//! and reports the fleet, its hourly cost, the lower bound on any fleet's cost, and the gap.
//! Synchronous and deterministic: the optimizer's budget counts work, not time.

use rust_decimal::Decimal;
use serde::Serialize;
use thiserror::Error;

use crate::config::Ec2Assumptions;
use crate::money::{Usd, HOURS_PER_MONTH};
use crate::pricing::{Catalog, PricingError};
use crate::simulation::ec2::{InstanceOption, TaskShape};
use crate::simulation::optimizer::{optimize, BoundKind, Budget, Method};
use crate::sources::tasks::TaskRow;

/// Current-generation families, large to 4xlarge: general purpose, compute and memory optimised,
/// Intel and Graviton (Graviton only takes rows marked `arm64`).
pub const DEFAULT_INSTANCE_TYPES: &str = "c6i.large,c6i.xlarge,c6i.2xlarge,c6i.4xlarge,m6i.large,m6i.xlarge,m6i.2xlarge,m6i.4xlarge,\
r6i.large,r6i.xlarge,r6i.2xlarge,r6i.4xlarge,c7g.large,c7g.xlarge,c7g.2xlarge,c7g.4xlarge,m7g.large,m7g.xlarge,m7g.2xlarge,m7g.4xlarge,\
r7g.large,r7g.xlarge,r7g.2xlarge,r7g.4xlarge";

#[derive(Clone, Debug)]
pub struct PackSettings {
    pub region: String,
    pub instance_types: Vec<String>,
    pub ec2: Ec2Assumptions,
    pub budget: Budget,
}

#[derive(Debug, Error)]
pub enum PackError {
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error("no instance type to pack onto: `--instance-types` is empty")]
    NoInstanceTypes,
    #[error("{rows} fit no instance type in `--instance-types` (after {reserved_memory_mib} MiB reserved per instance); add a larger type or check the sizes")]
    Unplaceable { rows: String, reserved_memory_mib: u32 },
}

#[derive(Clone, Debug, Serialize)]
pub struct PackReport {
    pub region: String,
    pub tasks: u64,
    pub hourly_usd: f64,
    pub monthly_usd: f64,
    /// No fleet that holds these tasks on these types costs less per hour.
    pub lower_bound_hourly_usd: f64,
    pub gap_pct: f64,
    /// `lp_relaxation`: the bound is the LP relaxation's optimum; `farley`: a weaker bound, when
    /// the work budget ran out first; `fleet_cost`: the LP bound raised to the least cost a fleet
    /// of whole instances can have; `exhaustive`: raised further by a search that proved every
    /// cheaper fleet infeasible (equal to the fleet's cost when the fleet is optimal).
    pub bound: BoundKind,
    pub method: Method,
    pub eni_trunking: bool,
    pub fleet: Vec<FleetLine>,
    pub bins: Vec<PackBin>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FleetLine {
    pub instance_type: String,
    pub count: u32,
    pub hourly_usd: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackBin {
    pub instance_type: String,
    pub reserved_memory_mib: u32,
    pub cpu_units_used: u32,
    pub cpu_units_available: u32,
    pub memory_mib_used: u32,
    pub memory_mib_available: u32,
    pub items: Vec<PackItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackItem {
    /// 0-based data row of the tasks file.
    pub row: usize,
    pub count: u32,
}

pub fn pack(rows: &[TaskRow], catalog: &Catalog, s: &PackSettings) -> Result<PackReport, PackError> {
    let mut names: Vec<&str> = Vec::new();
    for t in &s.instance_types {
        if !names.contains(&t.as_str()) {
            names.push(t);
        }
    }
    if names.is_empty() {
        return Err(PackError::NoInstanceTypes);
    }
    catalog.region(&s.region)?;
    let mut options = Vec::new();
    for name in names {
        if let Some(o) = InstanceOption::from_catalog(catalog, &s.region, name, &s.ec2, &[])? {
            options.push(o);
        }
    }
    let groups: Vec<(TaskShape, u32)> = rows
        .iter()
        .map(|r| {
            let shape = TaskShape {
                cpu_units: r.cpu_units,
                memory_mib: r.memory_mib,
                awsvpc: r.awsvpc,
                arm_ok: r.arm64,
            };
            (shape, r.count)
        })
        .collect();
    let result = optimize(&groups, &options, s.budget);
    if !result.packing.unplaced.is_empty() {
        let mut bad: Vec<usize> = result.packing.unplaced.iter().map(|u| u.0).collect();
        bad.sort_unstable();
        bad.dedup();
        let described: Vec<String> = bad
            .iter()
            .map(|&i| {
                let r = &rows[i];
                let name = r.name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default();
                let arch = if r.arm64 { "" } else { ", x86 only" };
                let eni = if r.awsvpc { ", awsvpc" } else { "" };
                format!("{i}{name} ({} CPU units, {} MiB{arch}{eni})", r.cpu_units, r.memory_mib)
            })
            .collect();
        let label = if bad.len() == 1 { "data row" } else { "data rows" };
        return Err(PackError::Unplaceable {
            rows: format!("{label} {}", described.join(", ")),
            reserved_memory_mib: s.ec2.reserved_memory_mib,
        });
    }

    let hourly: Usd = result.packing.hourly(&options);
    let mut bins: Vec<(usize, PackBin)> = result
        .packing
        .bins
        .iter()
        .map(|b| {
            let o = &options[b.option];
            let mut items: Vec<PackItem> = b.items.iter().map(|&(row, count)| PackItem { row, count }).collect();
            items.sort_by_key(|i| i.row);
            let used = |f: fn(&TaskRow) -> u32| b.items.iter().map(|&(row, n)| f(&rows[row]) * n).sum();
            let bin = PackBin {
                instance_type: o.instance_type.clone(),
                reserved_memory_mib: s.ec2.reserved_memory_mib,
                cpu_units_used: used(|r| r.cpu_units),
                cpu_units_available: o.cpu_units,
                memory_mib_used: used(|r| r.memory_mib),
                memory_mib_available: o.memory_mib,
                items,
            };
            (b.option, bin)
        })
        .collect();
    // Most expensive instances first, then by type and content: a stable, readable order.
    bins.sort_by(|(a, x), (b, y)| {
        options[*b]
            .hourly
            .cmp(&options[*a].hourly)
            .then(x.instance_type.cmp(&y.instance_type))
            .then(x.items.first().map(|i| i.row).cmp(&y.items.first().map(|i| i.row)))
    });
    let mut fleet: Vec<FleetLine> = Vec::new();
    for (o, b) in &bins {
        match fleet.iter_mut().find(|f| f.instance_type == b.instance_type) {
            Some(f) => f.count += 1,
            None => fleet.push(FleetLine {
                instance_type: b.instance_type.clone(),
                count: 1,
                hourly_usd: options[*o].hourly.to_f64(),
            }),
        }
    }
    Ok(PackReport {
        region: s.region.clone(),
        tasks: rows.iter().map(|r| u64::from(r.count)).sum(),
        hourly_usd: round(hourly.to_f64(), 6),
        monthly_usd: (hourly * Decimal::from(HOURS_PER_MONTH)).cents().to_f64(),
        lower_bound_hourly_usd: round(result.lower_bound_hourly, 6),
        gap_pct: round(result.gap_pct(&options), 3),
        bound: result.bound,
        method: result.method,
        eni_trunking: s.ec2.eni_trunking,
        fleet,
        bins: bins.into_iter().map(|(_, b)| b).collect(),
    })
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
