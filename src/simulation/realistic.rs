//! The EC2 fleet as ECS itself would run it, step by step: the counterpart of the ideal re-pack.
//!
//! Each Auto Scaling group capacity provider has one instance type. When a service scales out, ECS
//! places each new task with the `binpack` strategy on memory: on the instance with the least
//! free memory that still holds it (then the least free CPU, then the oldest). A task no instance
//! holds waits for managed scaling, which launches an instance for it. When a service scales in,
//! ECS stops the task on the instance with the most free memory, which is what binpack does to
//! empty instances. Tasks never move: an instance is terminated only once it is empty (managed
//! termination protection), after managed scaling's scale-in delay, and as long as the spare
//! capacity that the target capacity asks for is kept.
//!
//! The instance type of each group is chosen by simulating the candidates in order of a lower
//! bound on their cost, stopping when the bound passes the cheapest group found. Besides one group
//! for every task, the layouts tried put tasks that can run on Graviton in a group of their own on
//! an ARM type, awsvpc tasks (bound by ENIs) apart from the others, or both; the cheapest wins.
//!
//! The difference between this fleet's cost and the ideal re-pack's is the cost of fragmentation.

use super::ec2::{FleetSimulation, InstanceOption, Load, ResourceWeights, Tally, TaskShape, Workload};
use super::SimulationError;
use crate::domain::Arch;
use index::FreeIndex;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// How managed scaling runs a capacity provider's group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scaling {
    /// Steps an instance stays (and is billed) empty before managed scaling terminates it.
    pub scale_in_steps: u32,
    /// Managed scaling's target capacity, percent (1 to 100). Below 100, spare empty instances
    /// are kept: `ceil(busy * 100 / target)` instances in all.
    pub target_capacity_pct: u32,
    /// ECS Managed Instances' infrastructure optimization: an underused instance (at most
    /// [`UNDERUSED_SHARE`] of its CPU and of its memory reserved) whose tasks all fit on the
    /// fleet's other instances for longer than `scale_in_steps` is drained: its tasks are
    /// started again there (binpack) and it terminates. Off for Auto Scaling groups, whose tasks
    /// never move.
    pub consolidate: bool,
}

/// The most of its CPU and of its memory an instance may have reserved for the consolidation
/// model to call it underused. AWS does not publish its threshold; this is the model's.
pub const UNDERUSED_SHARE: f64 = 0.5;

impl Scaling {
    /// `scale_in_minutes` of emptiness before an instance goes, in steps of `step_seconds`.
    pub fn new(scale_in_minutes: u32, target_capacity_pct: u32, step_seconds: u32) -> Scaling {
        Scaling {
            scale_in_steps: (scale_in_minutes * 60).div_ceil(step_seconds.max(1)),
            target_capacity_pct: target_capacity_pct.clamp(1, 100),
            consolidate: false,
        }
    }
}

/// One Auto Scaling group of the simulated fleet.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Group {
    pub instance_type: String,
    pub arch: Arch,
    /// The services it runs (indices the caller gave in `Workload::service`).
    pub services: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Realistic {
    pub sim: FleetSimulation,
    pub groups: Vec<Group>,
}

impl Realistic {
    /// Two fleets side by side (see [`FleetSimulation::merge`]), their groups together.
    pub fn merge(self, other: Realistic) -> Realistic {
        let mut groups = self.groups;
        for g in other.groups {
            // The same Auto Scaling group in another zone, or another part of the fleet.
            match groups.iter_mut().find(|h| h.instance_type == g.instance_type && h.arch == g.arch) {
                Some(h) => {
                    h.services.extend(g.services);
                    h.services.sort_unstable();
                    h.services.dedup();
                }
                None => groups.push(g),
            }
        }
        Realistic {
            sim: self.sim.merge(other.sim),
            groups,
        }
    }
}

/// Simulates ECS running `workloads` on the cheapest layout of Auto Scaling groups (capacity
/// providers), each service on one group.
pub fn simulate(
    workloads: &[Workload],
    daemons: &[(usize, TaskShape)],
    options: &[InstanceOption],
    step_seconds: u32,
    steps: usize,
    scaling: Scaling,
    weights: ResourceWeights,
) -> Result<Realistic, SimulationError> {
    if options.is_empty() {
        return Err(SimulationError::NoInstanceTypes);
    }
    // Layouts: one group for everything, or groups split by architecture (ARM-ready tasks on a
    // Graviton type), by network mode (awsvpc tasks, bound by ENIs, apart from the others), or both.
    let has_arm = options.iter().any(|o| o.arch == Arch::Arm64) && workloads.iter().any(|w| w.shape.arm_ok);
    let has_awsvpc = workloads.iter().any(|w| w.shape.awsvpc) && workloads.iter().any(|w| !w.shape.awsvpc);
    // Each layout's groups are tried side by side; the layouts keep their order.
    let layouts: Vec<Vec<GroupRun>> = [(false, false), (true, false), (false, true), (true, true)]
        .into_par_iter()
        .filter(|&(by_arch, by_net)| (!by_arch || has_arm) && (!by_net || has_awsvpc))
        .filter_map(|(by_arch, by_net)| {
            let key = |w: &Workload| (by_arch && w.shape.arm_ok, by_net && w.shape.awsvpc);
            let mut keys: Vec<(bool, bool)> = workloads.iter().map(key).collect();
            keys.sort_unstable();
            keys.dedup();
            let layout: Vec<GroupRun> = keys
                .into_par_iter()
                .filter_map(|k| {
                    let members: Vec<usize> = (0..workloads.len()).filter(|&w| key(&workloads[w]) == k).collect();
                    let arch = if k.0 { Arch::Arm64 } else { Arch::X86_64 };
                    let allowed = |o: &InstanceOption| o.arch == arch;
                    best_group(workloads, &members, options, &allowed, steps, scaling)
                })
                .collect();
            (layout.iter().map(|g| g.members.len()).sum::<usize>() == workloads.len()).then_some(layout)
        })
        .collect();
    let cost = |l: &Vec<GroupRun>| -> f64 { l.iter().map(|g| g.instance_steps as f64 * options[g.option].hourly_f).sum() };
    // The first of equally cheap layouts wins: fewer groups are simpler to run.
    let Some(layout) = layouts.into_iter().reduce(|a, b| if cost(&b) < cost(&a) - 1e-9 { b } else { a }) else {
        return Err(SimulationError::NoInstanceTypes);
    };

    let mut tally = Tally::new(options.len());
    let mut per_type = vec![0u32; options.len()];
    let mut left_out: Vec<usize> = Vec::new();
    for step in 0..steps {
        per_type.iter_mut().for_each(|n| *n = 0);
        left_out.clear();
        for g in &layout {
            per_type[g.option] += g.per_step[step];
            if g.unplaced_at[step] {
                left_out.extend(g.unplaceable.iter().map(|&w| workloads[w].service));
            }
        }
        tally.step(&per_type, options, !left_out.is_empty(), &left_out);
    }
    let sim = tally.finish(workloads, daemons, options, step_seconds, steps, weights);
    let groups = layout
        .iter()
        .map(|g| Group {
            instance_type: options[g.option].instance_type.clone(),
            arch: options[g.option].arch,
            services: g.members.iter().map(|&w| workloads[w].service).collect(),
        })
        .collect();
    Ok(Realistic { sim, groups })
}

/// One group simulated on one instance type.
struct GroupRun {
    option: usize,
    members: Vec<usize>,
    per_step: Vec<u32>,
    instance_steps: u64,
    unplaced_at: Vec<bool>,
    /// Members whose tasks no instance of the type holds.
    unplaceable: Vec<usize>,
}

/// The cheapest instance type for a group running `members`, among the options `allowed` admits.
fn best_group(
    workloads: &[Workload],
    members: &[usize],
    options: &[InstanceOption],
    allowed: &dyn Fn(&InstanceOption) -> bool,
    steps: usize,
    scaling: Scaling,
) -> Option<GroupRun> {
    if members.is_empty() {
        return None;
    }
    let empty = Load::default();
    let kinds: Vec<usize> = (0..options.len()).filter(|&o| allowed(&options[o])).collect();
    let holds_all = |o: usize| members.iter().all(|&w| options[o].fits(&empty, &workloads[w].shape));
    let mut candidates: Vec<usize> = kinds.iter().copied().filter(|&o| holds_all(o)).collect();
    if candidates.is_empty() {
        // No type holds every task: the largest holds the most, the rest are reported.
        let largest = kinds
            .iter()
            .copied()
            .max_by_key(|&o| (options[o].cpu_units, options[o].memory_mib, std::cmp::Reverse(o)))?;
        candidates.push(largest);
    }
    // Demand at each step, for a bound per type: the instances its resources alone call for.
    let demand = demand_of(workloads, members, steps);
    let bound = |o: usize| -> u64 { at_least(&demand, &options[o]).sum() };
    let mut ranked: Vec<(f64, usize)> = candidates.iter().map(|&o| (bound(o) as f64 * options[o].hourly_f, o)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let changes = Changes::new(workloads, members, steps);
    let mut best: Option<(f64, GroupRun)> = None;
    for (lb, o) in ranked {
        if best.as_ref().is_some_and(|(c, _)| lb >= *c - 1e-9) {
            break;
        }
        let limit = best
            .as_ref()
            .map(|(c, _)| (c / options[o].hourly_f).floor() as u64)
            .unwrap_or(u64::MAX);
        // A run that cannot end under `limit` stops as soon as that is plain (every candidate
        // but the fallback holds every task, so its steps need at least `at_least`).
        let rest = if holds_all(o) { rest_of(&demand, &options[o]) } else { Vec::new() };
        if let Some(run) = run_group(
            workloads,
            members,
            &changes,
            options,
            o,
            steps,
            scaling,
            Limit { steps: limit, rest: &rest },
        ) {
            let cost = run.instance_steps as f64 * options[o].hourly_f;
            if best.as_ref().is_none_or(|(c, _)| cost < *c - 1e-9) {
                best = Some((cost, run));
            }
        }
    }
    best.map(|b| b.1)
}

struct Instance {
    /// Launch order: ids only grow, so the fleet (oldest first) is sorted by id.
    id: u64,
    load: Load,
    /// Tasks of each member running here.
    tasks: Vec<u32>,
    /// Consecutive steps it has been empty.
    empty_for: u32,
    /// Consecutive steps it has been underused with its tasks fitting elsewhere.
    movable_for: u32,
}

/// A group's running instances, oldest first, with indexes beside them so that ECS's two
/// choices cost what the tasks that change cost, not a pass over the fleet each:
/// binpack's "the least free memory (then CPU) that still holds the task" is read off ordered
/// sets from the task's memory up (`FreeIndex`), and scale-in's "the most free memory among the
/// instances running the service" reads that service's hosts only.
struct Fleet<'a> {
    opt: &'a InstanceOption,
    shapes: &'a [TaskShape],
    instances: Vec<Instance>,
    /// Each id's position in `instances` (`u32::MAX` once terminated).
    position: Vec<u32>,
    /// (free memory, free CPU, id) of every instance that has the CPU for some task.
    by_free: FreeIndex,
    /// The same, of the instances with an ENI to spare: where an awsvpc task looks, so that a
    /// fleet bound by ENIs is not walked through its full instances for every task.
    by_free_eni: FreeIndex,
    /// Whether a member's tasks look in `by_free` (not awsvpc) and in `by_free_eni` (awsvpc): an
    /// index no task looks in is not kept.
    looked_in: [bool; 2],
    /// The ids of the instances each member has tasks on.
    hosts: Vec<Vec<u64>>,
    /// Instances running tasks, and the ids of the empty ones: a step ages and retires the empty
    /// instances without a pass over the fleet.
    busy: usize,
    empty: BTreeSet<u64>,
}

impl<'a> Fleet<'a> {
    fn new(opt: &'a InstanceOption, shapes: &'a [TaskShape]) -> Self {
        Fleet {
            opt,
            shapes,
            instances: Vec::new(),
            position: Vec::new(),
            by_free: FreeIndex::new(shapes.iter().filter(|t| !t.awsvpc).map(|t| t.cpu_units)),
            by_free_eni: FreeIndex::new(shapes.iter().filter(|t| t.awsvpc).map(|t| t.cpu_units)),
            looked_in: [shapes.iter().any(|t| !t.awsvpc), shapes.iter().any(|t| t.awsvpc)],
            hosts: vec![Vec::new(); shapes.len()],
            busy: 0,
            empty: BTreeSet::new(),
        }
    }

    fn key(&self, i: usize) -> (u32, u32, u64) {
        let f = &self.instances[i];
        (self.opt.memory_mib - f.load.mem, self.opt.cpu_units - f.load.cpu, f.id)
    }

    fn position(&self, id: u64) -> usize {
        self.position[id as usize] as usize
    }

    fn index(&mut self, i: usize) {
        let key = self.key(i);
        if self.looked_in[0] {
            self.by_free.insert(key);
        }
        if self.looked_in[1] && self.instances[i].load.eni < self.opt.awsvpc_tasks {
            self.by_free_eni.insert(key);
        }
    }

    fn unindex(&mut self, i: usize) {
        let key = self.key(i);
        if self.looked_in[0] {
            self.by_free.remove(&key);
        }
        if self.looked_in[1] {
            self.by_free_eni.remove(&key);
        }
    }

    /// Launches an empty instance; its position.
    fn launch(&mut self) -> usize {
        let id = self.position.len() as u64;
        self.instances.push(Instance {
            id,
            load: Load::default(),
            tasks: vec![0; self.shapes.len()],
            empty_for: 0,
            movable_for: 0,
        });
        let i = self.instances.len() - 1;
        self.position.push(i as u32);
        self.empty.insert(id);
        self.index(i);
        i
    }

    /// Starts one task of member `m` on the instance at `i`.
    fn start(&mut self, i: usize, m: usize) {
        self.start_while_it_holds(i, m, 1);
    }

    /// Starts up to `n` tasks of member `m` on the instance at `i` (at least one), as long as it
    /// holds one more, indexing it once: where binpack placed one task, it places the next while
    /// the instance still holds it (its free room only shrinks, and none of the instances before
    /// it in the index changed). How many it started.
    fn start_while_it_holds(&mut self, i: usize, m: usize, n: u32) -> u32 {
        self.unindex(i);
        let (opt, t) = (self.opt, &self.shapes[m]);
        let f = &mut self.instances[i];
        if f.load == Load::default() {
            self.busy += 1;
            self.empty.remove(&f.id);
        }
        let mut k = 0;
        while k < n && (k == 0 || opt.fits(&f.load, t)) {
            f.load.add(t, 1);
            k += 1;
        }
        f.tasks[m] += k;
        if f.tasks[m] == k {
            self.hosts[m].push(f.id);
        }
        self.index(i);
        k
    }

    /// Stops one task of member `m` on the instance at `i`.
    fn stop(&mut self, i: usize, m: usize) {
        self.stop_up_to(i, m, 1);
    }

    /// Stops up to `n` of member `m`'s tasks on the instance at `i` (as many as run there),
    /// indexing it once: scale-in stops the next task on the same host, whose free room only
    /// grows. How many it stopped.
    fn stop_up_to(&mut self, i: usize, m: usize, n: u32) -> u32 {
        self.unindex(i);
        let f = &mut self.instances[i];
        let k = n.min(f.tasks[m]);
        f.load.sub(&self.shapes[m], k);
        if f.load == Load::default() {
            self.busy -= 1;
            self.empty.insert(f.id);
        }
        f.tasks[m] -= k;
        if f.tasks[m] == 0 {
            let id = f.id;
            let at = self.hosts[m].iter().position(|&h| h == id).expect("a host is listed");
            self.hosts[m].swap_remove(at);
        }
        self.index(i);
        k
    }

    /// Where binpack starts a task of shape `t`: the instance with the least free memory, then
    /// CPU, then the oldest, that holds it.
    fn binpack(&self, t: &TaskShape) -> Option<usize> {
        let index = if t.awsvpc { &self.by_free_eni } else { &self.by_free };
        index.least(t.memory_mib, t.cpu_units).map(|id| self.position(id))
    }

    /// Where scale-in stops a task of member `m`: among its hosts, the one with the most free
    /// memory, then CPU, then the oldest.
    fn emptiest_host(&self, m: usize) -> usize {
        let id = self.hosts[m]
            .iter()
            .copied()
            .max_by_key(|&id| {
                let (mem, cpu, _) = self.key(self.position(id));
                (mem, cpu, std::cmp::Reverse(id))
            })
            .expect("a running task is on some instance");
        self.position(id)
    }

    /// Removes the instances marked `gone` (empty ones).
    fn terminate(&mut self, gone: &[bool]) {
        for (i, _) in gone.iter().enumerate().filter(|(_, &g)| g) {
            self.unindex(i);
            self.empty.remove(&self.instances[i].id);
            self.position[self.instances[i].id as usize] = u32::MAX;
        }
        let mut k = 0;
        self.instances.retain(|_| {
            k += 1;
            !gone[k - 1]
        });
        for (i, f) in self.instances.iter().enumerate() {
            self.position[f.id as usize] = i as u32;
        }
    }
}

/// Where binpack would start `i`'s tasks on the fleet's other instances (largest task first),
/// or `None` when some task fits on none of them. Instances in `skip`, and empty ones, take no
/// tasks. Each task reads binpack's index for the instances the move has not loaded yet, and
/// looks at the few it has with their loads as the move leaves them.
fn rehome(fleet: &Fleet, i: usize, skip: &[bool]) -> Option<Vec<(usize, usize)>> {
    let (opt, shapes, instances) = (fleet.opt, fleet.shapes, &fleet.instances);
    let mut tasks: Vec<usize> = Vec::new();
    for (m, &n) in instances[i].tasks.iter().enumerate() {
        tasks.extend(std::iter::repeat_n(m, n as usize));
    }
    tasks.sort_by_key(|&m| std::cmp::Reverse((shapes[m].memory_mib, shapes[m].cpu_units)));
    let usable = |j: usize| j != i && !skip[j] && instances[j].load != Load::default();
    let free = |l: &Load| (opt.memory_mib - l.mem, opt.cpu_units - l.cpu);
    // The instances the move gives tasks to, with their loads as it leaves them.
    let mut loaded: Vec<(usize, Load)> = Vec::new();
    let mut moves = Vec::with_capacity(tasks.len());
    for m in tasks {
        let t = &shapes[m];
        if !(t.arm_ok || opt.arch == Arch::X86_64) {
            return None;
        }
        let index = if t.awsvpc { &fleet.by_free_eni } else { &fleet.by_free };
        let as_they_are = index
            .least_where(t.memory_mib, t.cpu_units, |id| {
                let j = fleet.position(id);
                usable(j) && loaded.iter().all(|&(k, _)| k != j)
            })
            .map(|id| {
                let j = fleet.position(id);
                (free(&instances[j].load), j)
            });
        let as_loaded = loaded
            .iter()
            .filter(|&&(j, ref l)| usable(j) && opt.fits(l, t))
            .map(|&(j, ref l)| (free(l), j))
            .min();
        let (_, j) = as_they_are.into_iter().chain(as_loaded).min()?;
        match loaded.iter_mut().find(|(k, _)| *k == j) {
            Some((_, l)) => l.add(t, 1),
            None => {
                let mut l = instances[j].load;
                l.add(t, 1);
                loaded.push((j, l));
            }
        }
        moves.push((m, j));
    }
    Some(moves)
}

/// Managed Instances' consolidation at one step: each underused instance whose tasks fit on the
/// others ages; those that have for longer than the delay are drained, least loaded first, onto
/// instances that are not themselves being drained, and leave the fleet empty.
fn consolidate(fleet: &mut Fleet, scale_in_steps: u32) {
    let opt = fleet.opt;
    let underused = |l: &Load| {
        f64::from(l.cpu) <= UNDERUSED_SHARE * f64::from(opt.cpu_units) && f64::from(l.mem) <= UNDERUSED_SHARE * f64::from(opt.memory_mib)
    };
    let n = fleet.instances.len();
    let none = vec![false; n];
    for i in 0..n {
        let l = fleet.instances[i].load;
        let movable = l != Load::default() && underused(&l) && rehome(fleet, i, &none).is_some();
        let f = &mut fleet.instances[i];
        f.movable_for = if movable { f.movable_for + 1 } else { 0 };
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| fleet.instances[i].movable_for > scale_in_steps).collect();
    order.sort_by_key(|&i| (fleet.instances[i].load.mem, fleet.instances[i].load.cpu, i));
    let mut drained = vec![false; n];
    for i in order {
        drained[i] = true;
        let Some(moves) = rehome(fleet, i, &drained) else {
            drained[i] = false;
            continue;
        };
        for (m, j) in moves {
            fleet.stop(i, m);
            fleet.start(j, m);
            fleet.instances[j].movable_for = 0;
        }
        let f = &mut fleet.instances[i];
        f.movable_for = 0;
        // Drained now: it terminates with no further delay.
        f.empty_for = scale_in_steps + 1;
    }
}

/// What changes at each step, the same for every instance type a group tries: the members whose
/// task count differs from the step before (in member order), and the steps at which a member
/// that no instance of the type holds wants tasks.
struct Changes {
    /// `changed[s]`: members whose count at step `s` differs from step `s - 1` (from 0 at step 0).
    changed: Vec<Vec<u32>>,
}

impl Changes {
    fn new(workloads: &[Workload], members: &[usize], steps: usize) -> Self {
        let mut changed = vec![Vec::new(); steps];
        for (m, &w) in members.iter().enumerate() {
            let mut before = 0;
            for (s, &n) in workloads[w].counts.iter().take(steps).enumerate() {
                if n != before {
                    changed[s].push(m as u32);
                }
                before = n;
            }
        }
        Changes { changed }
    }
}

/// Each step's CPU units, MiB and awsvpc tasks over `members`, added up a member at a time (its
/// counts are one run in memory; a step at a time would read each member's at a distance).
fn demand_of(workloads: &[Workload], members: &[usize], steps: usize) -> Vec<(u64, u64, u64)> {
    let mut demand = vec![(0u64, 0u64, 0u64); steps];
    for &w in members {
        let t = &workloads[w].shape;
        for ((c, m, e), &n) in demand.iter_mut().zip(&workloads[w].counts) {
            let n = u64::from(n);
            *c += n * u64::from(t.cpu_units);
            *m += n * u64::from(t.memory_mib);
            *e += if t.awsvpc { n } else { 0 };
        }
    }
    demand
}

/// The instances of `opt` each step's demand needs for its resources alone.
fn at_least<'d>(demand: &'d [(u64, u64, u64)], opt: &'d InstanceOption) -> impl Iterator<Item = u64> + 'd {
    let per = |need: u64, cap: u32| if need == 0 { 0 } else { need.div_ceil(u64::from(cap.max(1))) };
    demand
        .iter()
        .map(move |&(c, m, e)| per(c, opt.cpu_units).max(per(m, opt.memory_mib)).max(per(e, opt.awsvpc_tasks)))
}

/// `rest[s]`: the instance-steps steps `s..` need at least on `opt` (`at_least`, summed from the
/// end), when every task fits on it.
fn rest_of(demand: &[(u64, u64, u64)], opt: &InstanceOption) -> Vec<u64> {
    let mut rest: Vec<u64> = at_least(demand, opt).collect();
    rest.push(0);
    for s in (0..rest.len() - 1).rev() {
        rest[s] = rest[s].saturating_add(rest[s + 1]);
    }
    rest
}

/// A bound on a group's instance-steps: a cheaper type is already known.
struct Limit<'r> {
    steps: u64,
    /// `rest_of` the group on the type (empty when some task does not fit on it): a run whose
    /// steps so far and the `rest` of the next pass `steps` cannot end under it.
    rest: &'r [u64],
}

/// Runs ECS's placement and managed scaling over the steps on instances of option `o`. `None`
/// when the group's instance-steps would pass the limit.
#[allow(clippy::too_many_arguments)]
fn run_group(
    workloads: &[Workload],
    members: &[usize],
    changes: &Changes,
    options: &[InstanceOption],
    o: usize,
    steps: usize,
    scaling: Scaling,
    limit: Limit,
) -> Option<GroupRun> {
    let opt = &options[o];
    let empty = Load::default();
    let shapes: Vec<TaskShape> = members.iter().map(|&w| workloads[w].shape).collect();
    let fits_at_all: Vec<bool> = shapes.iter().map(|t| opt.fits(&empty, t)).collect();
    let mut fleet = Fleet::new(opt, &shapes);
    let mut running = vec![0u32; members.len()];
    let mut per_step = Vec::with_capacity(steps);
    let mut unplaced_at = vec![false; steps];
    for (&w, _) in members.iter().zip(&fits_at_all).filter(|(_, &fits)| !fits) {
        for (s, &n) in workloads[w].counts.iter().take(steps).enumerate() {
            unplaced_at[s] |= n > 0;
        }
    }
    let mut instance_steps = 0u64;
    for step in 0..steps {
        let changed = &changes.changed[step];
        // Scale-in first: each stopped task is the service's task on the emptiest instance.
        for &m in changed {
            let m = m as usize;
            let want = workloads[members[m]].counts[step];
            while running[m] > want {
                let i = fleet.emptiest_host(m);
                running[m] -= fleet.stop_up_to(i, m, running[m] - want);
            }
        }
        // Scale-out: binpack on memory, then a new instance when none holds the task.
        for &m in changed {
            let m = m as usize;
            if !fits_at_all[m] {
                continue;
            }
            let want = workloads[members[m]].counts[step];
            while running[m] < want {
                let i = match fleet.binpack(&shapes[m]) {
                    Some(i) => i,
                    None => fleet.launch(),
                };
                running[m] += fleet.start_while_it_holds(i, m, want - running[m]);
                fleet.instances[i].empty_for = 0;
            }
        }
        if scaling.consolidate {
            consolidate(&mut fleet, scaling.scale_in_steps);
        }
        // Managed scaling: keep the spare instances the target capacity asks for.
        let busy = fleet.busy as u64;
        let wanted = (busy * 100).div_ceil(u64::from(scaling.target_capacity_pct)) as usize;
        while fleet.instances.len() < wanted {
            fleet.launch();
        }
        // Empty instances age; those empty longer than the delay go, oldest-empty first, as long
        // as `wanted` remain. An instance is billed for every step it runs, empty or not.
        for &id in &fleet.empty {
            let f = &mut fleet.instances[fleet.position[id as usize] as usize];
            f.empty_for = f.empty_for.saturating_add(1);
        }
        let mut spare = fleet.instances.len().saturating_sub(wanted);
        let f = &fleet.instances;
        let mut order: Vec<usize> = if spare > 0 {
            fleet
                .empty
                .iter()
                .map(|&id| fleet.position(id))
                .filter(|&i| f[i].empty_for > scaling.scale_in_steps)
                .collect()
        } else {
            Vec::new()
        };
        if !order.is_empty() {
            order.sort_by(|&a, &b| f[b].empty_for.cmp(&f[a].empty_for).then(b.cmp(&a)));
            let mut gone = vec![false; f.len()];
            for i in order {
                if spare == 0 {
                    break;
                }
                gone[i] = true;
                spare -= 1;
            }
            fleet.terminate(&gone);
        }
        per_step.push(fleet.instances.len() as u32);
        instance_steps += fleet.instances.len() as u64;
        if instance_steps.saturating_add(limit.rest.get(step + 1).copied().unwrap_or(0)) > limit.steps {
            return None;
        }
    }
    let unplaceable = members
        .iter()
        .zip(&fits_at_all)
        .filter(|(&w, &fits)| !fits && workloads[w].counts.iter().take(steps).any(|&n| n > 0))
        .map(|(&w, _)| w)
        .collect();
    Some(GroupRun {
        option: o,
        members: members.to_vec(),
        per_step,
        instance_steps,
        unplaced_at,
        unplaceable,
    })
}

mod index;

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests;
