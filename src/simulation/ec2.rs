//! EC2 cost model. At every step the tasks then running are packed onto instances: CPU units,
//! memory the agent registers (physical memory less an explicit reservation), and for awsvpc
//! tasks the ENI limit. Daemon tasks run on every instance, so they shrink each instance's room.
//! The fleet's cost is integrated over the steps: a cluster that scales is billed for what runs.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::Ec2Assumptions;
use crate::domain::Arch;
use crate::money::{Usd, SECONDS_PER_HOUR};
use crate::pricing::{Catalog, InstanceType, PricingError};

use super::SimulationError;

/// What one task needs from an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TaskShape {
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// Takes an ENI of its own (awsvpc network mode).
    pub awsvpc: bool,
    /// Can run on Graviton.
    pub arm_ok: bool,
}

/// An instance type as a bin: room for tasks after the reservation and the daemons.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceOption {
    pub instance_type: String,
    pub arch: Arch,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// awsvpc tasks it can hold.
    pub awsvpc_tasks: u32,
    pub hourly: Usd,
    pub(crate) hourly_f: f64,
}

impl InstanceOption {
    /// `daemons` run one task on every instance.
    pub fn new(t: &InstanceType, hourly: Usd, a: &Ec2Assumptions, daemons: &[TaskShape]) -> Option<InstanceOption> {
        let d_cpu: u32 = daemons.iter().map(|d| d.cpu_units).sum();
        let d_mem: u32 = daemons.iter().map(|d| d.memory_mib).sum();
        let d_eni = daemons.iter().filter(|d| d.awsvpc).count() as u32;
        // Without trunking, the primary ENI belongs to the instance: max ENIs - 1 for tasks.
        let enis = if a.eni_trunking { u32::MAX } else { t.max_enis.saturating_sub(1) };
        let memory = t.memory_mib().checked_sub(a.reserved_memory_mib)?.checked_sub(d_mem)?;
        Some(InstanceOption {
            instance_type: t.instance_type.clone(),
            arch: t.arch,
            cpu_units: t.cpu_units().checked_sub(d_cpu)?,
            memory_mib: memory,
            awsvpc_tasks: enis.checked_sub(d_eni)?,
            hourly,
            hourly_f: hourly.to_f64(),
        })
    }

    /// The same option billed at `factor` times its price (a Spot share). Packing decisions keep
    /// using the on-demand price, so the fleet is the one on-demand prices call for: a uniform
    /// discount changes what it costs, not what the cheapest fleet is.
    pub fn discounted(mut self, factor: Decimal) -> InstanceOption {
        self.hourly = Usd(self.hourly.0 * factor);
        self
    }

    /// The same option with a fee added to every instance-hour (ECS Managed Instances' management
    /// fee). Packing decisions weigh it too: ECS bills it, and it follows the type's price.
    pub fn with_fee(mut self, fee: Usd) -> InstanceOption {
        self.hourly += fee;
        self.hourly_f += fee.to_f64();
        self
    }

    /// The option for `instance_type` in `region`, priced from the catalog. `Ok(None)` when the
    /// reservation and daemons leave no room on it.
    pub fn from_catalog(
        catalog: &Catalog,
        region: &str,
        instance_type: &str,
        a: &Ec2Assumptions,
        daemons: &[TaskShape],
    ) -> Result<Option<InstanceOption>, PricingError> {
        let t = catalog.instance_type(region, instance_type)?;
        let price = catalog.ec2_hourly(region, instance_type)?;
        Ok(InstanceOption::new(t, price, a, daemons))
    }

    pub(crate) fn fits(&self, used: &Load, t: &TaskShape) -> bool {
        (t.arm_ok || self.arch == Arch::X86_64)
            && used.cpu + t.cpu_units <= self.cpu_units
            && used.mem + t.memory_mib <= self.memory_mib
            && (!t.awsvpc || used.eni < self.awsvpc_tasks)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Load {
    pub(crate) cpu: u32,
    pub(crate) mem: u32,
    pub(crate) eni: u32,
}

impl Load {
    pub(crate) fn add(&mut self, t: &TaskShape, n: u32) {
        self.cpu += t.cpu_units * n;
        self.mem += t.memory_mib * n;
        if t.awsvpc {
            self.eni += n;
        }
    }

    pub(crate) fn sub(&mut self, t: &TaskShape, n: u32) {
        self.cpu -= t.cpu_units * n;
        self.mem -= t.memory_mib * n;
        if t.awsvpc {
            self.eni -= n;
        }
    }
}

/// One instance and the tasks on it: (group index, count).
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    pub option: usize,
    pub items: Vec<(usize, u32)>,
    load: Load,
}

impl Bin {
    pub(crate) fn new(option: usize, items: Vec<(usize, u32)>, groups: &[(TaskShape, u32)]) -> Bin {
        let mut load = Load::default();
        for &(g, n) in &items {
            load.add(&groups[g].0, n);
        }
        Bin { option, items, load }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Packing {
    pub bins: Vec<Bin>,
    /// Tasks that fit no instance type: (group index, count).
    pub unplaced: Vec<(usize, u32)>,
}

impl Packing {
    pub fn hourly(&self, options: &[InstanceOption]) -> Usd {
        self.bins.iter().map(|b| options[b.option].hourly).sum()
    }
    fn hourly_f(&self, options: &[InstanceOption]) -> f64 {
        self.bins.iter().map(|b| options[b.option].hourly_f).sum()
    }
}

/// Packs groups of identical tasks onto instance types.
pub trait Packer {
    fn pack(&self, groups: &[(TaskShape, u32)], options: &[InstanceOption]) -> Packing;

    /// A packer for one mix after another of the same `shapes` (a simulation's steps), which may
    /// carry work over from one mix to the next. By default each mix is packed afresh.
    fn sequence<'a>(&'a self, shapes: &[TaskShape], options: &'a [InstanceOption]) -> Box<dyn SequencePacker + 'a> {
        Box::new(Afresh {
            packer: self,
            shapes: shapes.to_vec(),
            options,
        })
    }
}

/// Packs the mixes of a simulation in turn: `counts[g]` tasks of the `g`-th shape.
pub trait SequencePacker {
    fn pack_counts(&mut self, counts: &[u32]) -> Packing;

    /// What a simulation keeps of a mix's packing: instances per option (`options` of them)
    /// and the tasks left out. By default from `pack_counts`; a packer may skip building the bins.
    fn fleet_counts(&mut self, counts: &[u32], options: usize) -> (Vec<u32>, Vec<(usize, u32)>) {
        let p = self.pack_counts(counts);
        let mut per_type = vec![0u32; options];
        for b in &p.bins {
            per_type[b.option] += 1;
        }
        (per_type, p.unplaced)
    }
}

struct Afresh<'a, P: Packer + ?Sized> {
    packer: &'a P,
    shapes: Vec<TaskShape>,
    options: &'a [InstanceOption],
}

impl<P: Packer + ?Sized> SequencePacker for Afresh<'_, P> {
    fn pack_counts(&mut self, counts: &[u32]) -> Packing {
        let groups: Vec<(TaskShape, u32)> = self.shapes.iter().copied().zip(counts.iter().copied()).collect();
        self.packer.pack(&groups, self.options)
    }
}

/// Cost-aware greedy: for each instance type, first-fit decreasing onto that type alone, then
/// every instance shrunk to the cheapest type that still holds its tasks (which yields mixed
/// fleets); the cheapest result wins. Types whose lower bound already exceeds the best are skipped.
/// Graviton-capable tasks are also tried on Graviton types, apart from the others.
#[derive(Clone, Copy, Debug, Default)]
pub struct GreedyPacker;

impl Packer for GreedyPacker {
    fn pack(&self, groups: &[(TaskShape, u32)], options: &[InstanceOption]) -> Packing {
        let all: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].1 > 0).collect();
        let x86: Vec<usize> = (0..options.len()).filter(|&o| options[o].arch == Arch::X86_64).collect();
        let arm: Vec<usize> = (0..options.len()).filter(|&o| options[o].arch == Arch::Arm64).collect();
        let mut best = ffd_best(groups, &all, options, &x86);
        let arm_groups: Vec<usize> = all.iter().copied().filter(|&g| groups[g].0.arm_ok).collect();
        if !arm_groups.is_empty() && !arm.is_empty() {
            let rest: Vec<usize> = all.iter().copied().filter(|&g| !groups[g].0.arm_ok).collect();
            let mut split = ffd_best(groups, &arm_groups, options, &arm);
            let other = ffd_best(groups, &rest, options, &x86);
            split.bins.extend(other.bins);
            split.unplaced.extend(other.unplaced);
            let better = split.unplaced.iter().map(|u| u.1).sum::<u32>() < best.unplaced.iter().map(|u| u.1).sum::<u32>()
                || (split.unplaced.len() == best.unplaced.len() && split.hourly_f(options) < best.hourly_f(options) - 1e-9);
            if better {
                best = split;
            }
        }
        best
    }
}

/// Lower bound on the hourly cost of packing `groups` onto option `o` alone.
fn lower_bound_single(groups: &[(TaskShape, u32)], which: &[usize], o: &InstanceOption) -> f64 {
    let mut total = Load::default();
    for &g in which {
        total.add(&groups[g].0, groups[g].1);
    }
    let ratio = |used: u32, cap: u32| {
        if cap == 0 {
            f64::INFINITY
        } else {
            f64::from(used) / f64::from(cap)
        }
    };
    let need = ratio(total.cpu, o.cpu_units)
        .max(ratio(total.mem, o.memory_mib))
        .max(if total.eni == 0 { 0.0 } else { ratio(total.eni, o.awsvpc_tasks) });
    need.ceil() * o.hourly_f
}

fn ffd_best(groups: &[(TaskShape, u32)], which: &[usize], options: &[InstanceOption], allowed: &[usize]) -> Packing {
    if which.is_empty() {
        return Packing::default();
    }
    // Tasks no allowed type can hold are set aside, whatever the fleet.
    let empty = Load::default();
    let (placeable, unplaced): (Vec<usize>, Vec<usize>) = which
        .iter()
        .partition(|&&g| allowed.iter().any(|&o| options[o].fits(&empty, &groups[g].0)));
    let unplaced: Vec<(usize, u32)> = unplaced.into_iter().map(|g| (g, groups[g].1)).collect();
    if placeable.is_empty() {
        return Packing { bins: vec![], unplaced };
    }
    // Largest first, by each task's largest share of the biggest instance.
    let big_cpu = allowed.iter().map(|&o| options[o].cpu_units).max().unwrap_or(1).max(1);
    let big_mem = allowed.iter().map(|&o| options[o].memory_mib).max().unwrap_or(1).max(1);
    let mut order = placeable.clone();
    order.sort_by(|&a, &b| {
        let size = |g: usize| {
            let t = groups[g].0;
            (f64::from(t.cpu_units) / f64::from(big_cpu)).max(f64::from(t.memory_mib) / f64::from(big_mem))
        };
        size(b).total_cmp(&size(a)).then(a.cmp(&b))
    });
    let mut candidates: Vec<(f64, usize)> = allowed
        .iter()
        .filter(|&&o| placeable.iter().all(|&g| options[o].fits(&empty, &groups[g].0)))
        .map(|&o| (lower_bound_single(groups, &placeable, &options[o]), o))
        .collect();
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(f64, Vec<Bin>)> = None;
    for (lb, o) in candidates {
        if best.as_ref().is_some_and(|(c, _)| lb >= *c - 1e-9) {
            break;
        }
        let bins = first_fit_decreasing(groups, &order, options, o, allowed);
        let cost: f64 = bins.iter().map(|b| options[b.option].hourly_f).sum();
        if best.as_ref().is_none_or(|(c, _)| cost < *c - 1e-9) {
            best = Some((cost, bins));
        }
    }
    // When no single type holds every task (a task only the largest types take, next to tasks on
    // a type whose ARM flag differs), the largest allowed type by capacity is used.
    let bins = match best {
        Some((_, bins)) => bins,
        None => {
            let o = *allowed
                .iter()
                .max_by_key(|&&o| (options[o].cpu_units, options[o].memory_mib))
                .expect("allowed is not empty");
            first_fit_decreasing(groups, &order, options, o, allowed)
        }
    };
    Packing { bins, unplaced }
}

fn first_fit_decreasing(groups: &[(TaskShape, u32)], order: &[usize], options: &[InstanceOption], o: usize, allowed: &[usize]) -> Vec<Bin> {
    let mut bins: Vec<Bin> = Vec::new();
    let opt = &options[o];
    for &g in order {
        let t = groups[g].0;
        let mut left = groups[g].1;
        for b in bins.iter_mut() {
            if left == 0 {
                break;
            }
            let mut n = 0;
            while n < left && opt.fits(&b.load, &t) {
                b.load.add(&t, 1);
                n += 1;
            }
            if n > 0 {
                push_item(b, g, n);
                left -= n;
            }
        }
        while left > 0 {
            let mut b = Bin {
                option: o,
                items: vec![],
                load: Load::default(),
            };
            let mut n = 0;
            while n < left && opt.fits(&b.load, &t) {
                b.load.add(&t, 1);
                n += 1;
            }
            if n == 0 {
                break; // cannot happen: callers pass only tasks that fit an empty `o`
            }
            push_item(&mut b, g, n);
            left -= n;
            bins.push(b);
        }
    }
    // Shrink each instance to the cheapest allowed type that still holds what it carries.
    for b in bins.iter_mut() {
        let tasks: Vec<TaskShape> = b.items.iter().map(|&(g, _)| groups[g].0).collect();
        let arm_needed = tasks.iter().any(|t| !t.arm_ok);
        let best = allowed
            .iter()
            .copied()
            .filter(|&c| {
                let co = &options[c];
                (!arm_needed || co.arch == Arch::X86_64)
                    && b.load.cpu <= co.cpu_units
                    && b.load.mem <= co.memory_mib
                    && b.load.eni <= co.awsvpc_tasks
            })
            .min_by(|&a, &c| options[a].hourly_f.total_cmp(&options[c].hourly_f).then(a.cmp(&c)));
        if let Some(c) = best {
            if options[c].hourly_f < options[b.option].hourly_f {
                b.option = c;
            }
        }
    }
    bins
}

fn push_item(b: &mut Bin, g: usize, n: u32) {
    match b.items.iter_mut().find(|(x, _)| *x == g) {
        Some(item) => item.1 += n,
        None => b.items.push((g, n)),
    }
}

/// A replica service's tasks on EC2: its shape and how many run at each step.
#[derive(Clone, Debug)]
pub struct Workload {
    pub service: usize,
    pub shape: TaskShape,
    pub counts: Vec<u32>,
}

/// The result of packing a cluster's EC2 tasks at every step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FleetSimulation {
    /// Cost over the window.
    pub cost: Usd,
    /// Per instance type: peak count, and average count over the window.
    pub fleet: Vec<FleetEntry>,
    /// Instance-hours over the window.
    pub instance_hours: f64,
    /// Steps at which some task fit no instance type, and the services concerned.
    pub unplaced_steps: u32,
    pub unplaceable_services: Vec<usize>,
    /// Each service's share of `cost`, in proportion to the resources it reserved over time
    /// (daemons: on every instance). Sums to `cost`.
    pub allocation: BTreeMap<usize, Usd>,
    /// Distinct task mixes packed (steps with the same counts share one packing).
    pub distinct_mixes: usize,
    /// The fleet at every step, for charts.
    pub per_step: StepFigures,
}

impl FleetSimulation {
    /// Two fleets over the same steps run side by side (two groups of services that cannot share
    /// instances): costs, instance-hours and shares add up; a type in both has its peak counts
    /// added, which may overstate the joint peak.
    pub fn merge(mut self, other: FleetSimulation) -> FleetSimulation {
        self.cost += other.cost;
        self.instance_hours += other.instance_hours;
        self.unplaced_steps = self.unplaced_steps.max(other.unplaced_steps);
        self.unplaceable_services.extend(other.unplaceable_services);
        self.unplaceable_services.sort_unstable();
        self.unplaceable_services.dedup();
        for (k, v) in other.allocation {
            *self.allocation.entry(k).or_insert(Usd::ZERO) += v;
        }
        self.distinct_mixes += other.distinct_mixes;
        for e in other.fleet {
            match self.fleet.iter_mut().find(|f| f.instance_type == e.instance_type) {
                Some(f) => {
                    f.count += e.count;
                    f.average_count += e.average_count;
                }
                None => self.fleet.push(e),
            }
        }
        self.fleet
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.instance_type.cmp(&b.instance_type)));
        let add_f = |a: &mut Vec<f64>, b: Vec<f64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        let add_u = |a: &mut Vec<u64>, b: Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        let o = other.per_step;
        add_f(&mut self.per_step.hourly_usd, o.hourly_usd);
        add_u(&mut self.per_step.cpu_units_available, o.cpu_units_available);
        add_u(&mut self.per_step.memory_mib_available, o.memory_mib_available);
        add_u(&mut self.per_step.cpu_units_allocated, o.cpu_units_allocated);
        add_u(&mut self.per_step.memory_mib_allocated, o.memory_mib_allocated);
        self
    }
}

/// A simulated fleet step by step: its cost per hour, and the CPU and memory its instances offer
/// tasks (after the OS, agent and daemon reservations) against what the tasks reserve.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StepFigures {
    pub hourly_usd: Vec<f64>,
    pub cpu_units_available: Vec<u64>,
    pub memory_mib_available: Vec<u64>,
    pub cpu_units_allocated: Vec<u64>,
    pub memory_mib_allocated: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FleetEntry {
    pub instance_type: String,
    /// Instances of this type at the step where the fleet cost most.
    pub count: u32,
    /// Average instances of this type running over the window.
    pub average_count: f64,
}

/// Relative price of a CPU unit and a MiB, for splitting a fleet's cost between services.
#[derive(Clone, Copy, Debug)]
pub struct ResourceWeights {
    pub per_cpu_unit: f64,
    pub per_memory_mib: f64,
}

impl ResourceWeights {
    fn of(&self, t: &TaskShape) -> f64 {
        f64::from(t.cpu_units) * self.per_cpu_unit + f64::from(t.memory_mib) * self.per_memory_mib
    }
}

/// Packs the tasks running at each step, any task free to move (the ideal a cluster with perfect
/// scaling and no fragmentation reaches), and integrates the fleet's cost. The packer sees the
/// distinct mixes in step order, so it may start each from the one before.
pub fn simulate(
    workloads: &[Workload],
    daemons: &[(usize, TaskShape)],
    options: &[InstanceOption],
    step_seconds: u32,
    steps: usize,
    packer: &dyn Packer,
    weights: ResourceWeights,
) -> Result<FleetSimulation, SimulationError> {
    if options.is_empty() {
        return Err(SimulationError::NoInstanceTypes);
    }
    let mut cache: HashMap<Vec<u32>, (Vec<u32>, u32, Vec<usize>)> = HashMap::new();
    let mut tally = Tally::new(options.len());
    let mut key = vec![0u32; workloads.len()];
    let shapes: Vec<TaskShape> = workloads.iter().map(|w| w.shape).collect();
    let mut sequence = packer.sequence(&shapes, options);
    for step in 0..steps {
        for (k, w) in key.iter_mut().zip(workloads) {
            *k = w.counts[step];
        }
        if !cache.contains_key(&key) {
            let (per_type, left_out) = sequence.fleet_counts(&key, options.len());
            let unplaced: u32 = left_out.iter().map(|u| u.1).sum();
            let services = left_out.iter().map(|&(g, _)| workloads[g].service).collect();
            cache.insert(key.clone(), (per_type, unplaced, services));
        }
        let (per_type, unplaced, services) = &cache[&key];
        tally.step(per_type, options, *unplaced > 0, services);
    }
    let mut sim = tally.finish(workloads, daemons, options, step_seconds, steps, weights);
    sim.distinct_mixes = cache.len();
    Ok(sim)
}

/// Integrates a fleet over the steps of a simulation: instance-steps per type, the peak, the
/// steps with tasks left out, and each service's reserved resources over time.
pub(crate) struct Tally {
    instance_steps: Vec<u64>,
    peak: (f64, Vec<u32>),
    unplaced_steps: u32,
    unplaceable: Vec<usize>,
    instances: u64,
    per_step: StepFigures,
}

impl Tally {
    pub(crate) fn new(options: usize) -> Tally {
        Tally {
            instance_steps: vec![0; options],
            peak: (-1.0, vec![0; options]),
            unplaced_steps: 0,
            unplaceable: Vec::new(),
            instances: 0,
            per_step: StepFigures::default(),
        }
    }

    /// Records one step: instances per option, and whether (and whose) tasks were left out.
    pub(crate) fn step(&mut self, per_type: &[u32], options: &[InstanceOption], unplaced: bool, services: &[usize]) {
        let mut hourly = 0.0;
        let (mut cpu, mut memory) = (0u64, 0u64);
        for (o, &n) in per_type.iter().enumerate() {
            self.instance_steps[o] += u64::from(n);
            hourly += f64::from(n) * options[o].hourly_f;
            self.instances += u64::from(n);
            cpu += u64::from(n) * u64::from(options[o].cpu_units);
            memory += u64::from(n) * u64::from(options[o].memory_mib);
        }
        self.per_step.hourly_usd.push(hourly);
        self.per_step.cpu_units_available.push(cpu);
        self.per_step.memory_mib_available.push(memory);
        if hourly > self.peak.0 {
            self.peak = (hourly, per_type.to_vec());
        }
        if unplaced {
            self.unplaced_steps += 1;
            self.unplaceable.extend(services.iter().copied());
        }
    }

    pub(crate) fn finish(
        mut self,
        workloads: &[Workload],
        daemons: &[(usize, TaskShape)],
        options: &[InstanceOption],
        step_seconds: u32,
        steps: usize,
        weights: ResourceWeights,
    ) -> FleetSimulation {
        self.unplaceable.sort_unstable();
        self.unplaceable.dedup();
        let step_hours = Decimal::from(step_seconds) / Decimal::from(SECONDS_PER_HOUR);
        let cost: Usd = self
            .instance_steps
            .iter()
            .zip(options)
            .map(|(&n, o)| Usd(o.hourly.0 * Decimal::from(n) * step_hours))
            .sum();
        let total_steps = steps.max(1) as f64;
        let mut fleet: Vec<FleetEntry> = options
            .iter()
            .enumerate()
            .filter(|(o, _)| self.instance_steps[*o] > 0)
            .map(|(o, opt)| FleetEntry {
                instance_type: opt.instance_type.clone(),
                count: self.peak.1[o],
                average_count: self.instance_steps[o] as f64 / total_steps,
            })
            .collect();
        fleet.sort_by(|a, b| b.count.cmp(&a.count).then(a.instance_type.cmp(&b.instance_type)));

        // Each service's share: the resources its tasks reserved, step by step.
        let mut shares: Vec<(usize, f64)> = workloads
            .iter()
            .map(|w| {
                (
                    w.service,
                    w.counts.iter().take(steps).map(|&n| f64::from(n)).sum::<f64>() * weights.of(&w.shape),
                )
            })
            .collect();
        for (service, shape) in daemons {
            shares.push((*service, self.instances as f64 * weights.of(shape)));
        }
        let allocation = allocate(cost, &shares);
        let mut per_step = self.per_step;
        per_step.cpu_units_allocated = (0..steps)
            .map(|t| {
                workloads
                    .iter()
                    .map(|w| u64::from(w.counts[t]) * u64::from(w.shape.cpu_units))
                    .sum()
            })
            .collect();
        per_step.memory_mib_allocated = (0..steps)
            .map(|t| {
                workloads
                    .iter()
                    .map(|w| u64::from(w.counts[t]) * u64::from(w.shape.memory_mib))
                    .sum()
            })
            .collect();
        FleetSimulation {
            cost,
            fleet,
            instance_hours: self.instance_steps.iter().sum::<u64>() as f64 * f64::from(step_seconds) / 3600.0,
            unplaced_steps: self.unplaced_steps,
            unplaceable_services: self.unplaceable,
            allocation,
            distinct_mixes: 0,
            per_step,
        }
    }
}

/// Splits `total` between keys in proportion to their weights, exactly: the rounding remainder
/// goes to the largest share, so the parts always add up to the whole.
pub fn allocate(total: Usd, shares: &[(usize, f64)]) -> BTreeMap<usize, Usd> {
    let mut out = BTreeMap::new();
    let sum: f64 = shares.iter().map(|s| s.1).sum();
    if shares.is_empty() {
        return out;
    }
    if sum <= 0.0 {
        for s in shares {
            out.insert(s.0, Usd::ZERO);
        }
        if let Some(first) = shares.first() {
            out.insert(first.0, total);
        }
        return out;
    }
    let mut given = Usd::ZERO;
    for &(k, w) in shares {
        let part = Usd(total.0 * Decimal::try_from(w / sum).unwrap_or_default()).cents();
        *out.entry(k).or_insert(Usd::ZERO) += part;
        given += part;
    }
    let largest = shares
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|s| s.0)
        .expect("not empty");
    *out.get_mut(&largest).expect("present") += total - given;
    out
}

#[cfg(test)]
mod tests;
