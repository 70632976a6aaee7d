//! A proposal as a change of state, priced by the engine's cost model (`recommend::cost`): a
//! service's state before and after the change are priced by the same rules today's cost is
//! computed with, and the change is the difference. Nothing here knows a rate, a Spot share or a
//! placement rule; it only says what the proposal changes.

use std::collections::BTreeSet;

use super::taskdef::Declared;
use super::terraform;
use super::GateError;
use crate::domain::Platform;
use crate::money::Usd;
use crate::recommend::cost::{self, State, Unpriced};
use crate::report::{BilledBucket, Compute, CostBasis, OptionKind, PoolBasis, Report, ServiceReport, Window};
use crate::snapshot::inventory::{CapacityProviderStrategyItem, LaunchType};

/// A task shape: what a service runs, or would run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Shape {
    pub(super) cpu_units: u32,
    pub(super) memory_mib: u32,
    pub(super) platform: Platform,
    pub(super) storage_gib: u32,
}

impl Shape {
    pub(super) fn of(s: &ServiceReport) -> Shape {
        Shape {
            cpu_units: s.task_size.cpu_units,
            memory_mib: s.task_size.memory_mib,
            platform: s.platform,
            storage_gib: s.ephemeral_storage_gib,
        }
    }

    pub(super) fn of_declared(d: &Declared) -> Shape {
        Shape {
            cpu_units: d.cpu_units,
            memory_mib: d.memory_mib,
            platform: d.platform,
            storage_gib: d.storage_gib,
        }
    }

    /// The task's CPU and memory: `1 vCPU / 2 GiB` for a Fargate size, else in CPU units and MiB
    /// (`1000 CPU units / 1500 MiB`), never rounded into a size it is not.
    pub(super) fn words(&self) -> String {
        if crate::simulation::fargate::FargateSize::new(self.cpu_units, self.memory_mib, self.platform).is_ok() {
            crate::report::TaskSize {
                cpu_units: self.cpu_units,
                memory_mib: self.memory_mib,
            }
            .to_string()
        } else {
            format!("{} CPU units / {} MiB", self.cpu_units, self.memory_mib)
        }
    }
}

/// What a proposal does to one service.
#[derive(Clone, Debug, Default)]
pub(super) struct Change {
    pub(super) shape: Option<(Shape, String)>,
    pub(super) desired: Option<u32>,
    pub(super) launch_type: Option<String>,
    pub(super) strategy: Option<Vec<terraform::Strategy>>,
    pub(super) deleted: bool,
    pub(super) words: Vec<String>,
}

impl Change {
    pub(super) fn is_empty(&self) -> bool {
        self.shape.is_none() && self.desired.is_none() && self.launch_type.is_none() && self.strategy.is_none() && !self.deleted
    }
}

/// One analysed cluster as the cost model sees it.
pub(super) struct Model<'a> {
    pub(super) report: &'a Report,
    pub(super) rates: crate::pricing::FargateRates,
    /// Its ECS Managed Instances capacity providers, with those the plan creates.
    pub(super) managed: BTreeSet<String>,
}

impl Model<'_> {
    fn cluster(&self) -> cost::Cluster<'_> {
        cost::Cluster {
            rates: &self.rates,
            pools: &self.report.cluster.pools,
            managed: &self.managed,
            window: self.report.window,
        }
    }
}

/// A launch type as Terraform writes it.
fn launch_type(s: &str) -> Option<LaunchType> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

fn items(strategy: &[terraform::Strategy]) -> Vec<CapacityProviderStrategyItem> {
    strategy
        .iter()
        .map(|s| CapacityProviderStrategyItem {
            capacity_provider: s.capacity_provider.clone(),
            base: s.base,
            weight: s.weight,
        })
        .collect()
}

/// Where a proposal puts a service: a strategy with items, else a launch type, else as today. A
/// strategy removed (an empty list) leaves the launch type to decide.
fn place(basis: &mut CostBasis, launch: Option<&str>, strategy: Option<&[terraform::Strategy]>) {
    match (strategy.filter(|s| !s.is_empty()), launch.and_then(launch_type)) {
        (Some(s), _) => {
            basis.launch_type = None;
            basis.capacity_provider_strategy = items(s);
        }
        (None, Some(l)) => {
            basis.launch_type = Some(l);
            basis.capacity_provider_strategy.clear();
        }
        (None, None) => {}
    }
}

/// The service as it runs today, from the report's cost basis.
fn today(s: &ServiceReport, m: &Model) -> Result<State, GateError> {
    let basis = s.cost_basis.clone().ok_or_else(|| {
        GateError::Mismatch(format!(
            "the report has no cost basis for `{}`: it was saved by an earlier ecs-advisor; save it again with `analyze --output json` to gate on it",
            s.name
        ))
    })?;
    let simulated = [
        (OptionKind::Ec2, Compute::Ec2),
        (OptionKind::ManagedInstances, Compute::ManagedInstances),
    ]
    .into_iter()
    .filter_map(|(kind, compute)| {
        let o = s.options.iter().find(|o| o.kind == kind)?;
        let size = o.size.unwrap_or(s.task_size);
        Some((compute, o.monthly_usd?, size.cpu_units, size.memory_mib))
    })
    .collect();
    let mut state = State {
        basis,
        cpu_units: s.task_size.cpu_units,
        memory_mib: s.task_size.memory_mib,
        platform: s.platform,
        storage_gib: s.ephemeral_storage_gib,
        scale: 1.0,
        was: None,
        simulated,
    };
    state.was = Some(state.compute(&m.cluster()));
    Ok(state)
}

/// The basis of `tasks` tasks running all window long: a new service, or one that never ran.
fn steady(tasks: u32, window: &Window) -> (Vec<BilledBucket>, f64) {
    let seconds = (window.end - window.start).num_seconds().max(0) as f64;
    if tasks == 0 {
        return (Vec::new(), 0.0);
    }
    let n = f64::from(tasks);
    (
        vec![BilledBucket {
            tasks,
            seconds: n * seconds,
            seconds_per_task: seconds,
        }],
        n * f64::from(window.steps()),
    )
}

/// Prices a change to an existing service: its cost today plus what the change adds, both
/// states priced by the engine's rules (a state identical to today's adds exactly nothing).
pub(super) fn price(s: &ServiceReport, c: &Change, m: &Model) -> Result<Usd, GateError> {
    if c.deleted {
        return Ok(Usd::ZERO);
    }
    // Today's figure is the service as it ran (each earlier task definition over its own steps);
    // what a change adds is measured going forward: the current task definition all window,
    // against the proposal all window. A proposal that changes nothing adds exactly nothing.
    let mut before = today(s, m)?;
    before.basis = before.basis.folded();
    let mut after = before.clone();
    if let Some((shape, _)) = &c.shape {
        after.cpu_units = shape.cpu_units;
        after.memory_mib = shape.memory_mib;
        after.platform = shape.platform;
        after.storage_gib = shape.storage_gib;
    }
    place(&mut after.basis, c.launch_type.as_deref(), c.strategy.as_deref());
    if let Some(n) = c.desired {
        if s.usage.average_tasks > 0.0 {
            // Task-hours scale with the count; per-task use stays.
            after.scale = f64::from(n) / s.usage.average_tasks;
        } else {
            // It never ran: its new count all month.
            (after.basis.billed, after.basis.task_steps) = steady(n, &m.report.window);
        }
    }
    let cluster = m.cluster();
    let cannot = |e: Unpriced| GateError::Mismatch(format!("cannot price the change to `{}`: {e}", s.name));
    let was = cost::price(&cluster, &before).map_err(cannot)?;
    let will = cost::price(&cluster, &after)
        .or_else(|e| fallback(e, &cluster, &after))
        .map_err(cannot)?;
    Ok(s.current_monthly_usd + (will - was))
}

/// A new service: `desired` tasks all month at its declared size, placed by its launch type or
/// strategy (by default Fargate if it declares Fargate, else EC2). Also a note when its price
/// rests on an estimate.
pub(super) fn price_new(
    d: &Declared,
    desired: u32,
    launch: Option<&str>,
    strategy: Option<&[terraform::Strategy]>,
    m: &Model,
    pools: bool,
) -> Result<(Usd, Option<String>), GateError> {
    let (billed, task_steps) = steady(desired, &m.report.window);
    let mut basis = CostBasis {
        launch_type: Some(if d.fargate { LaunchType::Fargate } else { LaunchType::Ec2 }),
        capacity_provider_strategy: Vec::new(),
        billed,
        task_steps,
        unreserved_cpu_units: None,
        revisions: Vec::new(),
    };
    place(&mut basis, launch, strategy);
    let state = State {
        basis,
        cpu_units: d.cpu_units,
        memory_mib: d.memory_mib,
        platform: d.platform,
        storage_gib: d.storage_gib,
        scale: 1.0,
        was: None,
        simulated: Vec::new(),
    };
    let empty: [PoolBasis; 0] = [];
    let mut cluster = m.cluster();
    if !pools {
        // A cluster of its own: none of the analysed cluster's instances.
        cluster.pools = &empty;
    }
    match cost::price(&cluster, &state) {
        Ok(u) => Ok((u, None)),
        Err(Unpriced::NoPool(kind)) => Ok((
            cost::at_fargate_x86(&cluster, &state),
            Some(format!(
                "`{}` is a new {kind} service where no {kind} instances run today: priced at the Fargate x86 rate for its size",
                d.family
            )),
        )),
        Err(e) => Err(GateError::Input {
            file: d.source.clone(),
            message: format!("cannot be priced: {e}"),
        }),
    }
}

/// A move onto an instance kind the cluster has no pool of and no simulated figure for: priced at
/// Fargate's x86 rate for its reservation (the engine's pool weights), as for a new service.
fn fallback(e: Unpriced, cluster: &cost::Cluster, s: &State) -> Result<Usd, Unpriced> {
    match e {
        Unpriced::NoPool(_) => Ok(cost::at_fargate_x86(cluster, s)),
        e => Err(e),
    }
}
