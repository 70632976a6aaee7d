//! The packing optimizer: near-optimal EC2 fleets with a proven lower bound.
//!
//! The bound is the LP relaxation of the pattern (configuration) model: a pattern is one instance
//! of one type and the tasks on it, and the LP covers every task at least once at least cost. It
//! is solved by column generation: the master LP (`lp`) prices the tasks (its duals), and a
//! knapsack per instance type (`knapsack`) finds the pattern worth more than it costs. Greedy
//! fills find such patterns in most rounds; when they find none, an exact dynamic program over
//! the (ENIs, CPU, memory) grid answers for every type of an architecture at once, so the LP ends
//! solved to optimality. At any point Farley's bound, the dual objective scaled by the best
//! pattern's value-to-cost ratio (from the fills' fractional relaxations or the exact program),
//! is a valid lower bound, so a run cut short by its work budget still proves one. The bound then
//! rises to the least cost a fleet can actually have (a sum of whole instances' prices), and on
//! small sets an exhaustive search over fleet compositions closes the rest of the gap.
//!
//! Fleets come from the LP: whole copies of its patterns, then diving (round the largest
//! fractional pattern up, re-solve the rest), then local search (empty instances into the room of
//! others, merge pairs, retype each instance to the cheapest type that holds it). The greedy packer
//! is both a competitor (the cheaper fleet wins) and the fallback when the budget runs out.
//!
//! The work budget counts simplex pivots and knapsack nodes, not time, so a result never depends
//! on the machine it ran on.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::ec2::{Bin, GreedyPacker, InstanceOption, Packer, Packing, SequencePacker, TaskShape};
use super::knapsack::{self, Capacity, Item};
use super::lp::{Column, CoveringLp};
use crate::pricing::Arch;

/// A pattern must be worth this much more than it costs to join the LP. The lower bound is then
/// within this fraction of the LP optimum, and the pricing search is much quicker.
const IMPROVES: f64 = 1e-4;
/// Distinct task shapes above which the LP is skipped and the greedy packer alone answers.
const MAX_SHAPES: usize = 400;
/// Knapsack nodes per pricing call when the dynamic program cannot be used.
const NODES_WITHOUT_DP: u64 = 5_000;
/// Column generation rounds per solve, whatever the budget.
const MAX_ROUNDS: usize = 400;
/// Dynamic-program cell updates counted as one knapsack node in the budget.
const DP_CELLS_PER_NODE: u64 = 1_000;
/// Column generation stops when ten rounds closed the gap between the LP and its bound by less
/// than this fraction of the LP.
const TAIL_OFF: f64 = 1e-4;
/// Fleets within this fraction of the bound skip the large-neighbourhood search. Measured on the
/// quality bench's 2,000-task sets: it gained 0.05% on one set of ten and took 20-110 ms a set.
const NEIGHBOURHOOD_GAP: f64 = 0.003;
/// Sizes of the neighbourhoods re-packed after rounding, in instances.
const NEIGHBOURHOODS: [usize; 5] = [4, 8, 12, 16, 24];
/// In the quick solves of a sequence, rounding takes every pattern the LP uses at least this
/// much once no pattern is used whole. Measured on the 100-service simulation bench (4% drift,
/// test profile): 10.4 s down to 6.9 s, and a slightly cheaper ideal figure. Full solves keep
/// rounding one pattern at a time: this rule raised the quality bench's average gap by a third.
const QUICK_ROUND_UP: f64 = 0.3;
/// Patterns per LP row carried from one residual solve of rounding to the next.
const POOL_PER_ROW: usize = 3;
/// Weight of the best-bound duals in Wentges smoothing.
const SMOOTHING: f64 = 0.6;
/// Packings (by `optimize`) of at least this many tasks price with the lean set of greedy
/// weightings. Measured on the quality bench (release): on the four slowest 2,000-task sets it took
/// 13-21% less work on three and 2% on the fourth (back to back, the slowest two 109 / 110 ms ->
/// 83 / 96 ms), and with the lean set from 200 tasks on the average gap over all sizes was
/// unchanged (0.425% against 0.426%); on the 100-task sets it raised their gap from 0.57% to 0.74%.
/// The simulation's quick solves keep the full set: with the lean one the 100-service bench's
/// ideal figure was 0.4% dearer and no quicker.
const LEAN_PRICING_FROM: u32 = 200;

/// How much work one packing may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub pivots: u64,
    pub knapsack_nodes: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            pivots: 50_000,
            knapsack_nodes: 5_000_000,
        }
    }
}

impl Budget {
    fn spent(&self) -> bool {
        self.pivots == 0 || self.knapsack_nodes == 0
    }
}

/// The optimizer behind the `Packer` trait.
#[derive(Clone, Copy, Debug, Default)]
pub struct OptimizingPacker {
    pub budget: Budget,
}

impl Packer for OptimizingPacker {
    fn pack(&self, groups: &[(TaskShape, u32)], options: &[InstanceOption]) -> Packing {
        optimize(groups, options, self.budget).packing
    }

    fn sequence<'a>(&'a self, shapes: &[TaskShape], options: &'a [InstanceOption]) -> Box<dyn SequencePacker + 'a> {
        Box::new(Sequence::new(shapes, options, self.budget))
    }
}

/// A repaired fleet may cost this much more, relative to the resource bound, than the last fleet
/// the full optimizer found before the full optimizer runs again. Measured on the 100-service
/// simulation bench (release): 2% gives the cheapest fleets but takes four times as long; 5%
/// costs 1.4% more than 2% and 6% another 0.9%, but 6% runs about a fifth faster than 5%, which
/// keeps the 30 days under 5 s (3.7 s) even on a slow day of the machine.
const DRIFT: f64 = 0.06;
/// Mixes of a sequence always packed by the full optimizer: a simulation with few distinct mixes
/// (a steady cluster) gets the full optimizer at every one.
const ALWAYS_FULL: usize = 64;

/// The optimizer over a simulation's steps. Each mix starts from the previous mix's fleet: the
/// tasks that stopped come off the least-used instances, new tasks go into the room left on the
/// fullest ones and then onto new instances, and the optimizer's local search (emptying, merging,
/// retyping instances) runs on the instances the repair changed. The ideal simulation still
/// re-packs every step (any task may move); repair is only where the search starts. The first
/// `ALWAYS_FULL` mixes, and any mix whose repaired fleet's cost per resource bound drifts more
/// than `DRIFT` above that of the last full solve, are also packed from scratch by a quick form
/// of the full optimizer (column generation with the greedy pricing, started from the last full
/// solve's most promising patterns; rounding that takes several fractional patterns at once;
/// local search), and the cheaper of the two fleets is kept.
pub struct Sequence {
    /// The options no other dominates, and their indices in `options`.
    sub: Vec<InstanceOption>,
    kept: Vec<usize>,
    group_shapes: Vec<TaskShape>,
    rows: Vec<TaskShape>,
    members: Vec<Vec<usize>>,
    bins: Vec<Pattern>,
    /// The most promising patterns of the last full solve's LP: the next one starts from them.
    pool: Vec<Pattern>,
    ratio: f64,
    budget: Budget,
    /// Mixes packed by the full optimizer, and in all.
    pub full_solves: usize,
    pub mixes: usize,
}

impl Sequence {
    pub fn new(shapes: &[TaskShape], options: &[InstanceOption], budget: Budget) -> Sequence {
        let kept: Vec<usize> = (0..options.len())
            .filter(|&o| !(0..options.len()).any(|d| dominates(options, d, o)))
            .collect();
        let groups: Vec<(TaskShape, u32)> = shapes.iter().map(|&s| (s, 0)).collect();
        let (rows, members) = rows_of(&groups, true);
        Sequence {
            sub: kept.iter().map(|&o| options[o].clone()).collect(),
            kept,
            group_shapes: shapes.to_vec(),
            rows,
            members,
            bins: Vec::new(),
            pool: Vec::new(),
            ratio: f64::INFINITY,
            budget,
            full_solves: 0,
            mixes: 0,
        }
    }
}

impl SequencePacker for Sequence {
    fn pack_counts(&mut self, counts: &[u32]) -> Packing {
        let groups: Vec<(TaskShape, u32)> = self.group_shapes.iter().copied().zip(counts.iter().copied()).collect();
        let p = Problem::new(self.rows.clone(), &self.sub);
        let (placed, unplaced_rows) = p.split_demand(&groups, &self.members);
        self.mixes += 1;
        let repaired = if self.bins.is_empty() {
            None
        } else {
            let mut bins = std::mem::take(&mut self.bins);
            let mut fresh = repair(&p, &mut bins, &placed);
            improve_from(&p, &mut bins, &mut fresh);
            Some(bins)
        };
        let bound = resource_bound(&p, &placed);
        let drifted = |bins: &[Pattern]| bound > 0.0 && fleet_cost(&p, bins) > bound * self.ratio * (1.0 + DRIFT);
        let bins = match repaired {
            Some(bins) if self.mixes > ALWAYS_FULL && !drifted(&bins) => bins,
            repaired => {
                self.full_solves += 1;
                let (full, ..) = solve(&p, &placed, false, self.budget, &mut self.pool);
                let best = match repaired {
                    Some(r) if fleet_cost(&p, &r) <= fleet_cost(&p, &full) => r,
                    _ => full,
                };
                self.ratio = if bound > 0.0 {
                    fleet_cost(&p, &best) / bound
                } else {
                    f64::INFINITY
                };
                best
            }
        };
        let mut packing = to_packing(&bins, &self.members, &groups, &unplaced_rows);
        for b in packing.bins.iter_mut() {
            b.option = self.kept[b.option];
        }
        self.bins = bins;
        packing
    }
}

/// Turns the fleet for the previous mix into one for `demand`: surplus tasks come off the
/// least-used instances (emptied ones go), missing tasks go into the room on the fullest ones,
/// and what is still missing is packed onto new instances by the greedy packer.
/// Returns, per instance of the new fleet, whether repair changed it.
fn repair(p: &Problem, bins: &mut Vec<Pattern>, demand: &[u32]) -> Vec<bool> {
    let mut have = vec![0u32; demand.len()];
    for b in bins.iter() {
        for (h, &n) in have.iter_mut().zip(&b.counts) {
            *h += n;
        }
    }
    let fill_of = |b: &Pattern| {
        let l = p.load(&b.counts);
        let o = &p.options[b.option];
        (l.cpu as f64 / f64::from(o.cpu_units.max(1))).max(l.mem as f64 / f64::from(o.memory_mib.max(1)))
    };
    let fills: Vec<f64> = bins.iter().map(fill_of).collect();
    let mut order: Vec<usize> = (0..bins.len()).collect();
    order.sort_by(|&a, &b| fills[a].total_cmp(&fills[b]).then(a.cmp(&b)));
    let mut touched = vec![false; bins.len()];
    for row in 0..demand.len() {
        let mut extra = have[row].saturating_sub(demand[row]);
        for &b in &order {
            if extra == 0 {
                break;
            }
            let k = bins[b].counts[row].min(extra);
            bins[b].counts[row] -= k;
            extra -= k;
            touched[b] |= k > 0;
        }
    }
    let kept: Vec<bool> = bins.iter().map(|b| b.counts.iter().any(|&n| n > 0)).collect();
    let mut k = 0;
    bins.retain(|_| {
        k += 1;
        kept[k - 1]
    });
    let mut touched: Vec<bool> = touched.into_iter().zip(&kept).filter(|(_, &kept)| kept).map(|(t, _)| t).collect();
    let mut missing: Vec<u32> = demand.iter().zip(&have).map(|(&d, &h)| d.saturating_sub(h)).collect();
    if missing.iter().all(|&n| n == 0) {
        return touched;
    }
    let mut loads: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    let fills: Vec<f64> = bins.iter().map(fill_of).collect();
    let mut fullest: Vec<usize> = (0..bins.len()).collect();
    fullest.sort_by(|&a, &b| fills[b].total_cmp(&fills[a]).then(a.cmp(&b)));
    let mut rows: Vec<usize> = (0..demand.len()).filter(|&i| missing[i] > 0).collect();
    rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
    for i in rows {
        let s = p.shapes[i];
        for &b in &fullest {
            while missing[i] > 0 && p.room(bins[b].option, &loads[b], &s, 1) {
                bins[b].counts[i] += 1;
                missing[i] -= 1;
                touched[b] = true;
                let l = &mut loads[b];
                l.cpu += u64::from(s.cpu_units);
                l.mem += u64::from(s.memory_mib);
                l.eni += u64::from(s.awsvpc);
                l.x86_only |= !s.arm_ok;
            }
            if missing[i] == 0 {
                break;
            }
        }
    }
    if missing.iter().any(|&n| n > 0) {
        let groups: Vec<(TaskShape, u32)> = p.shapes.iter().copied().zip(missing.iter().copied()).collect();
        bins.extend(to_patterns(p, &GreedyPacker.pack(&groups, p.options)));
        touched.resize(bins.len(), true);
    }
    touched
}

/// Sets of at most this many tasks also seed column generation with first-fit decreasing onto
/// each type alone. Measured on the quality bench: it halves the gap on the 50-task awsvpc sets;
/// on the largest sets it cost time and bought nothing.
const SEED_EVERY_TYPE_UP_TO: u32 = 500;

/// How the fleet was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Rounded from the LP relaxation and improved by local search.
    ColumnGeneration,
    /// The greedy packer's fleet was cheaper, or the LP was skipped.
    Greedy,
    /// A small set searched exhaustively: the fleet is optimal.
    Exact,
    /// Nothing to place.
    Empty,
}

/// What proves the lower bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    /// The LP relaxation's optimum.
    LpRelaxation,
    /// Farley's bound: the work budget ran out before the LP was solved.
    Farley,
    /// The LP bound raised to the least cost a fleet of whole instances can have.
    FleetCost,
    /// Raised further by an exhaustive search that proved every cheaper fleet infeasible.
    Exhaustive,
}

#[derive(Clone, Debug)]
pub struct Optimized {
    pub packing: Packing,
    /// No fleet that holds the placed tasks costs less per hour.
    pub lower_bound_hourly: f64,
    /// The bound is the LP relaxation's optimum (column generation converged), not a weaker one.
    pub lp_optimal: bool,
    /// Where the bound comes from.
    pub bound: BoundKind,
    pub method: Method,
}

impl Optimized {
    /// How far the fleet's cost is above the lower bound, in percent.
    pub fn gap_pct(&self, options: &[InstanceOption]) -> f64 {
        let cost: f64 = self.packing.bins.iter().map(|b| options[b.option].hourly_f).sum();
        if self.lower_bound_hourly <= 0.0 {
            0.0
        } else {
            ((cost / self.lower_bound_hourly - 1.0) * 100.0).max(0.0)
        }
    }
}

/// One instance in the optimizer's terms: a type and copies of each distinct shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Pattern {
    option: usize,
    counts: Vec<u32>,
}

struct Problem<'a> {
    shapes: Vec<TaskShape>,
    options: &'a [InstanceOption],
    /// `fit[o][i]`: copies of shape `i` an empty instance of option `o` holds.
    fit: Vec<Vec<u32>>,
    cost: Vec<f64>,
    /// Options from cheapest to dearest (ties by index).
    by_cost: Vec<usize>,
    /// For each prefix of `by_cost` (the first `k + 1` options), the most CPU, memory and ENIs
    /// any of them offers, over all options and over x86 ones: a quick "none of these holds it".
    prefix_room: Vec<[Load; 2]>,
    /// Shapes largest first (memory, then CPU; ties by index): the order `fill` adds them in.
    largest_first: Vec<usize>,
    /// The greedy fills leave out the ENI-paired weightings (set by `optimize` for `LEAN_PRICING_FROM` tasks and
    /// more, for every column generation of the packing, rounding's included).
    lean_pricing: bool,
}

#[derive(Clone, Copy, Default)]
struct Load {
    cpu: u64,
    mem: u64,
    eni: u64,
    /// Holds a task that cannot run on Graviton.
    x86_only: bool,
}

impl Problem<'_> {
    fn load(&self, counts: &[u32]) -> Load {
        let mut l = Load::default();
        for (s, &n) in self.shapes.iter().zip(counts) {
            if n > 0 {
                l.cpu += u64::from(s.cpu_units) * u64::from(n);
                l.mem += u64::from(s.memory_mib) * u64::from(n);
                if s.awsvpc {
                    l.eni += u64::from(n);
                }
                l.x86_only |= !s.arm_ok;
            }
        }
        l
    }

    fn holds(&self, o: usize, l: &Load) -> bool {
        let opt = &self.options[o];
        (!l.x86_only || opt.arch == Arch::X86_64)
            && l.cpu <= u64::from(opt.cpu_units)
            && l.mem <= u64::from(opt.memory_mib)
            && l.eni <= u64::from(opt.awsvpc_tasks)
    }

    /// The cheapest option that holds `counts`, if any.
    fn cheapest_for(&self, counts: &[u32]) -> Option<usize> {
        self.cheapest_holding(&self.load(counts))
    }

    /// The cheapest option that holds a load, if any.
    fn cheapest_holding(&self, l: &Load) -> Option<usize> {
        self.by_cost.iter().copied().find(|&o| self.holds(o, l))
    }

    /// The cheapest option that holds a load and costs less than `limit`, if any.
    fn cheapest_holding_below(&self, l: &Load, limit: f64) -> Option<usize> {
        let n = self.by_cost.partition_point(|&o| self.cost[o] < limit);
        let room = self.prefix_room.get(n.checked_sub(1)?)?[usize::from(l.x86_only)];
        if l.cpu > room.cpu || l.mem > room.mem || l.eni > room.eni {
            return None;
        }
        self.by_cost
            .iter()
            .copied()
            .take_while(|&o| self.cost[o] < limit)
            .find(|&o| self.holds(o, l))
    }

    fn room(&self, o: usize, l: &Load, s: &TaskShape, n: u32) -> bool {
        let mut l2 = *l;
        l2.cpu += u64::from(s.cpu_units) * u64::from(n);
        l2.mem += u64::from(s.memory_mib) * u64::from(n);
        if s.awsvpc {
            l2.eni += u64::from(n);
        }
        l2.x86_only |= !s.arm_ok;
        self.holds(o, &l2)
    }
}

/// Packs `groups` onto `options` within `budget`: the cheapest fleet found and a lower bound on
/// any fleet's cost.
pub fn optimize(groups: &[(TaskShape, u32)], options: &[InstanceOption], budget: Budget) -> Optimized {
    // A type that another matches or beats in every dimension, at no higher price, is never
    // needed: the catalog's older generations mostly drop out here, which speeds up pricing.
    let kept: Vec<usize> = (0..options.len())
        .filter(|&o| !(0..options.len()).any(|d| dominates(options, d, o)))
        .collect();
    if kept.len() == options.len() {
        return optimize_over(groups, options, budget);
    }
    let sub: Vec<InstanceOption> = kept.iter().map(|&o| options[o].clone()).collect();
    let mut r = optimize_over(groups, &sub, budget);
    for b in r.packing.bins.iter_mut() {
        b.option = kept[b.option];
    }
    r
}

/// Whether a task of shape `a` can take the place of one of shape `b` on any instance.
fn shape_dominates(a: &TaskShape, b: &TaskShape) -> bool {
    a.cpu_units >= b.cpu_units && a.memory_mib >= b.memory_mib && a.awsvpc >= b.awsvpc && (!a.arm_ok || b.arm_ok)
}

/// `d` holds whatever `o` holds and costs no more (ties go to the lower index).
fn dominates(options: &[InstanceOption], d: usize, o: usize) -> bool {
    let (a, b) = (&options[d], &options[o]);
    d != o
        && (a.arch == b.arch || a.arch == Arch::X86_64)
        && a.cpu_units >= b.cpu_units
        && a.memory_mib >= b.memory_mib
        && a.awsvpc_tasks >= b.awsvpc_tasks
        && a.hourly_f <= b.hourly_f
        && (a.hourly_f < b.hourly_f || a.cpu_units > b.cpu_units || a.memory_mib > b.memory_mib || a.awsvpc_tasks > b.awsvpc_tasks || d < o)
}

/// Identical shapes become one row, whichever groups they come from: the rows' shapes, and for
/// each row the groups it stands for.
fn rows_of(groups: &[(TaskShape, u32)], keep_empty: bool) -> (Vec<TaskShape>, Vec<Vec<usize>>) {
    let mut shapes: Vec<TaskShape> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (g, (shape, n)) in groups.iter().enumerate() {
        if *n == 0 && !keep_empty {
            continue;
        }
        match shapes.iter().position(|s| s == shape) {
            Some(i) => members[i].push(g),
            None => {
                shapes.push(*shape);
                members.push(vec![g]);
            }
        }
    }
    (shapes, members)
}

impl<'a> Problem<'a> {
    fn new(shapes: Vec<TaskShape>, options: &'a [InstanceOption]) -> Problem<'a> {
        let cost: Vec<f64> = options.iter().map(|o| o.hourly_f).collect();
        let fit: Vec<Vec<u32>> = options
            .iter()
            .map(|o| {
                shapes
                    .iter()
                    .map(|s| {
                        if !s.arm_ok && o.arch != Arch::X86_64 {
                            return 0;
                        }
                        let by = |need: u32, room: u32| room.checked_div(need).unwrap_or(u32::MAX);
                        by(s.cpu_units, o.cpu_units).min(by(s.memory_mib, o.memory_mib)).min(if s.awsvpc {
                            o.awsvpc_tasks
                        } else {
                            u32::MAX
                        })
                    })
                    .collect()
            })
            .collect();
        let mut by_cost: Vec<usize> = (0..options.len()).collect();
        by_cost.sort_by(|&a, &b| cost[a].total_cmp(&cost[b]).then(a.cmp(&b)));
        let mut room = [Load::default(); 2];
        let prefix_room = by_cost
            .iter()
            .map(|&o| {
                let opt = &options[o];
                for (k, r) in room.iter_mut().enumerate() {
                    if k == 0 || opt.arch == Arch::X86_64 {
                        r.cpu = r.cpu.max(u64::from(opt.cpu_units));
                        r.mem = r.mem.max(u64::from(opt.memory_mib));
                        r.eni = r.eni.max(u64::from(opt.awsvpc_tasks));
                    }
                }
                room
            })
            .collect();
        let mut largest_first: Vec<usize> = (0..shapes.len()).collect();
        largest_first.sort_by_key(|&i| std::cmp::Reverse((shapes[i].memory_mib, shapes[i].cpu_units)));
        Problem {
            shapes,
            options,
            fit,
            cost,
            by_cost,
            prefix_room,
            largest_first,
            lean_pricing: false,
        }
    }

    /// Demand per row for `groups`, with the rows no instance type holds set aside.
    fn split_demand(&self, groups: &[(TaskShape, u32)], members: &[Vec<usize>]) -> (Vec<u32>, Vec<(usize, u32)>) {
        let mut placed = Vec::with_capacity(members.len());
        let mut unplaced = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let n: u32 = m.iter().map(|&g| groups[g].1).sum();
            if self.fit.iter().any(|f| f[i] > 0) {
                placed.push(n);
            } else {
                placed.push(0);
                if n > 0 {
                    unplaced.push((i, n));
                }
            }
        }
        (placed, unplaced)
    }
}

/// The optimizer's fleet for `placed` (every row placeable), its lower bound, whether the bound
/// is the LP optimum, and how the fleet was found. Without `prove`, only the greedy pricing runs:
/// the fleet is about as good and comes much sooner, but the bound is only Farley's.
fn solve(p: &Problem, placed: &[u32], prove: bool, budget: Budget, pool: &mut Vec<Pattern>) -> (Vec<Pattern>, f64, bool, Method) {
    let greedy_groups: Vec<(TaskShape, u32)> = p.shapes.iter().copied().zip(placed.iter().copied()).collect();
    let greedy = to_patterns(p, &GreedyPacker.pack(&greedy_groups, p.options));
    let greedy_cost = fleet_cost(p, &greedy);
    let mut budget = budget;
    if placed.iter().all(|&n| n == 0) {
        (Vec::new(), 0.0, true, Method::Empty)
    } else if p.shapes.iter().zip(placed).filter(|(_, &n)| n > 0).count() > MAX_SHAPES {
        (greedy, resource_bound(p, placed), false, Method::Greedy)
    } else {
        if pool.is_empty() {
            // Start from real fleets: the greedy packer's instances, and on smaller sets first-fit
            // decreasing onto each type alone. The LP starts near a fleet's cost, not from one
            // shape per instance, and column generation has far less to climb.
            pool.extend(greedy.iter().cloned());
            if placed.iter().sum::<u32>() <= SEED_EVERY_TYPE_UP_TO {
                for (o, option) in p.options.iter().enumerate() {
                    let alone = GreedyPacker.pack(&greedy_groups, std::slice::from_ref(option));
                    pool.extend(to_patterns(p, &alone).into_iter().map(|b| Pattern { option: o, ..b }));
                }
            }
        }
        let first = column_generation(p, placed, pool, prove, &mut budget);
        let lb = first.lower_bound;
        let lp_optimal = first.converged;
        let duals = first.duals.clone();
        *pool = promising(p, &first);
        // The sequence's quick solves round many fractional patterns up at once.
        let round_up_from = if prove { f64::INFINITY } else { QUICK_ROUND_UP };
        let mut bins = round(p, placed, first, round_up_from, &mut budget);
        improve(p, &mut bins);
        // Large-neighbourhood search only where it has room to gain: on a fleet already within
        // NEIGHBOURHOOD_GAP of the bound it seldom finds anything, and on large sets it is slow.
        if prove && fleet_cost(p, &bins) > fleet_cost_at_least(&p.cost, lb) * (1.0 + NEIGHBOURHOOD_GAP) {
            neighbourhoods(p, &mut bins, &duals, &mut budget);
        }
        let cost = fleet_cost(p, &bins);
        if cost < greedy_cost - 1e-9 {
            (bins, lb, lp_optimal, Method::ColumnGeneration)
        } else {
            (greedy, lb, lp_optimal, Method::Greedy)
        }
    }
}

/// Instances over rows back to instances over the caller's groups.
fn to_packing(bins: &[Pattern], members: &[Vec<usize>], groups: &[(TaskShape, u32)], unplaced_rows: &[(usize, u32)]) -> Packing {
    let mut left: Vec<Vec<(usize, u32)>> = members.iter().map(|m| m.iter().map(|&g| (g, groups[g].1)).collect()).collect();
    let mut take = |row: usize, mut n: u32| -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for (g, rem) in left[row].iter_mut() {
            if n == 0 {
                break;
            }
            let k = (*rem).min(n);
            if k > 0 {
                out.push((*g, k));
                *rem -= k;
                n -= k;
            }
        }
        out
    };
    let mut packing = Packing::default();
    for b in bins {
        let mut items = Vec::new();
        for (row, &n) in b.counts.iter().enumerate() {
            if n > 0 {
                items.extend(take(row, n));
            }
        }
        packing.bins.push(Bin::new(b.option, items, groups));
    }
    for &(row, n) in unplaced_rows {
        packing.unplaced.extend(take(row, n));
    }
    packing
}

fn optimize_over(groups: &[(TaskShape, u32)], options: &[InstanceOption], budget: Budget) -> Optimized {
    let (shapes, members) = rows_of(groups, false);
    let mut p = Problem::new(shapes, options);
    // Shapes no instance type holds are reported, not packed.
    let (placed, unplaced_rows) = p.split_demand(groups, &members);
    p.lean_pricing = placed.iter().sum::<u32>() >= LEAN_PRICING_FROM;
    let (bins, lower_bound, lp_optimal, method) = solve(&p, &placed, true, budget, &mut Vec::new());
    // Never claim a bound above a fleet we can show: guards against floating-point drift.
    let mut bound = if lp_optimal { BoundKind::LpRelaxation } else { BoundKind::Farley };
    let raised = fleet_cost_at_least(&p.cost, lower_bound);
    if raised > lower_bound + 1e-6 {
        bound = BoundKind::FleetCost;
    }
    let mut lower_bound = raised;
    let mut bins = bins;
    let mut method = method;
    if placed.iter().sum::<u32>() <= SMALL_SET {
        if let Some((proven, better)) = exact_small(&p, &placed, lower_bound, &bins) {
            if proven > lower_bound + 1e-6 {
                bound = BoundKind::Exhaustive;
            }
            lower_bound = lower_bound.max(proven);
            if let Some(better) = better {
                bins = better;
                method = Method::Exact;
            }
        }
    }
    let packing = to_packing(&bins, &members, groups, &unplaced_rows);
    let lower_bound_hourly = lower_bound.min(fleet_cost(&p, &bins));
    Optimized {
        packing,
        lower_bound_hourly,
        lp_optimal,
        bound,
        method,
    }
}

/// Sets of at most this many tasks get the exhaustive search of `exact_small`.
const SMALL_SET: u32 = 60;
/// Fleet compositions `exact_small` considers at most.
const MAX_COMPOSITIONS: usize = 20_000;
/// Search nodes `exact_small` spends at most, over all compositions.
const EXACT_NODES: u64 = 2_000_000;

/// Raises the bound on a small set to the optimum, or towards it. Every fleet composition (so
/// many instances of each type) that costs at least `bound` and less than the fleet in hand is
/// tried in order of cost, each by an exhaustive search for a packing of the tasks onto exactly
/// those instances. A composition proven infeasible lifts the bound past its cost; the first
/// feasible one is an optimal fleet. The search stops, keeping what it proved, when a
/// composition cannot be decided within the node budget. Returns the proven bound and the
/// better fleet if one was found; `None` when there were too many compositions to try.
fn exact_small(p: &Problem, demand: &[u32], bound: f64, bins: &[Pattern]) -> Option<(f64, Option<Vec<Pattern>>)> {
    let ub = fleet_cost(p, bins);
    if ub <= bound + 1e-9 {
        return Some((ub, None));
    }
    let total = p.load(demand);
    // Compositions with bound <= cost < ub, by depth-first enumeration over options.
    let mut comps: Vec<(f64, Vec<u32>)> = Vec::new();
    let mut n = vec![0u32; p.options.len()];
    let mut visits = 0usize;
    #[allow(clippy::too_many_arguments)]
    fn enumerate(
        p: &Problem,
        o: usize,
        cost: f64,
        lo: f64,
        hi: f64,
        n: &mut Vec<u32>,
        out: &mut Vec<(f64, Vec<u32>)>,
        visits: &mut usize,
    ) -> bool {
        *visits += 1;
        if *visits > 50 * MAX_COMPOSITIONS {
            return false;
        }
        if o == p.options.len() {
            if cost >= lo - 1e-9 {
                out.push((cost, n.clone()));
            }
            return out.len() <= MAX_COMPOSITIONS;
        }
        let mut k = 0;
        loop {
            let c = cost + f64::from(k) * p.cost[o];
            if c >= hi - 1e-9 {
                break;
            }
            n[o] = k;
            if !enumerate(p, o + 1, c, lo, hi, n, out, visits) {
                return false;
            }
            k += 1;
        }
        n[o] = 0;
        true
    }
    if !enumerate(p, 0, 0.0, bound, ub, &mut n, &mut comps, &mut visits) {
        return None;
    }
    // Necessary conditions: room in every dimension, x86 room for x86-only tasks, and a type
    // for every shape.
    let x86_only = {
        let only: Vec<u32> = demand.iter().zip(&p.shapes).map(|(&d, s)| if s.arm_ok { 0 } else { d }).collect();
        p.load(&only)
    };
    comps.retain(|(_, n)| {
        let room = |f: &dyn Fn(&InstanceOption) -> u32, x86: bool| -> u64 {
            n.iter()
                .zip(p.options)
                .filter(|(_, o)| !x86 || o.arch == Arch::X86_64)
                .map(|(&k, o)| u64::from(k) * u64::from(f(o)))
                .sum()
        };
        room(&|o| o.cpu_units, false) >= total.cpu
            && room(&|o| o.memory_mib, false) >= total.mem
            && room(&|o| o.awsvpc_tasks, false) >= total.eni
            && room(&|o| o.cpu_units, true) >= x86_only.cpu
            && room(&|o| o.memory_mib, true) >= x86_only.mem
            && (0..demand.len()).all(|i| demand[i] == 0 || (0..n.len()).any(|o| n[o] > 0 && p.fit[o][i] > 0))
    });
    comps.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Tasks one by one, largest first.
    let mut tasks: Vec<usize> = (0..demand.len()).flat_map(|i| std::iter::repeat_n(i, demand[i] as usize)).collect();
    tasks.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units, i)));
    let mut left = vec![Load::default(); tasks.len() + 1];
    for k in (0..tasks.len()).rev() {
        let s = p.shapes[tasks[k]];
        left[k] = Load {
            cpu: left[k + 1].cpu + u64::from(s.cpu_units),
            mem: left[k + 1].mem + u64::from(s.memory_mib),
            eni: left[k + 1].eni + u64::from(s.awsvpc),
            x86_only: false,
        };
    }
    let mut nodes = EXACT_NODES;
    for (cost, n) in comps {
        let options: Vec<usize> = n
            .iter()
            .enumerate()
            .flat_map(|(o, &k)| std::iter::repeat_n(o, k as usize))
            .collect();
        let mut search = Feasibility {
            p,
            tasks: &tasks,
            options: &options,
            loads: vec![Load::default(); options.len()],
            counts: vec![vec![0; demand.len()]; options.len()],
            last_bin: vec![0; demand.len()],
            left: left.clone(),
            nodes: 0,
            limit: nodes,
        };
        match search.place(0) {
            Some(true) => {
                let fleet = options
                    .iter()
                    .zip(search.counts)
                    .filter(|(_, c)| c.iter().any(|&k| k > 0))
                    .map(|(&option, counts)| Pattern { option, counts })
                    .collect();
                return Some((cost, Some(fleet)));
            }
            Some(false) => nodes -= search.nodes,
            // Undecided: the bound stops at this composition's cost.
            None => return Some((cost, None)),
        }
    }
    // Nothing cheaper packs: the fleet in hand is optimal.
    Some((ub, None))
}

/// Exhaustive search for a packing of `tasks` onto exactly the instances `options`.
struct Feasibility<'a, 'p> {
    p: &'a Problem<'p>,
    tasks: &'a [usize],
    options: &'a [usize],
    loads: Vec<Load>,
    counts: Vec<Vec<u32>>,
    /// Per shape, the instance its last placed task went to: identical tasks go in order.
    last_bin: Vec<usize>,
    /// The load of tasks `k..`, for each `k`.
    left: Vec<Load>,
    nodes: u64,
    limit: u64,
}

impl Feasibility<'_, '_> {
    /// `Some(true)` when tasks `k..` fit, `Some(false)` when they cannot, `None` out of nodes.
    fn place(&mut self, k: usize) -> Option<bool> {
        if k == self.tasks.len() {
            return Some(true);
        }
        self.nodes += 1;
        if self.nodes > self.limit {
            return None;
        }
        // What is left must fit in the room left, in every dimension.
        let left = &self.left[k];
        let room = self.options.iter().zip(&self.loads).fold((0, 0, 0), |r, (&o, l)| {
            let opt = &self.p.options[o];
            (
                r.0 + u64::from(opt.cpu_units) - l.cpu,
                r.1 + u64::from(opt.memory_mib) - l.mem,
                r.2 + u64::from(opt.awsvpc_tasks).saturating_sub(l.eni),
            )
        });
        if left.cpu > room.0 || left.mem > room.1 || left.eni > room.2 {
            return Some(false);
        }
        let i = self.tasks[k];
        let s = self.p.shapes[i];
        let from = if k > 0 && self.tasks[k - 1] == i { self.last_bin[i] } else { 0 };
        for b in from..self.options.len() {
            // An empty instance of the same type as an earlier empty one is the same choice.
            let empty = |a: usize| self.loads[a].cpu == 0 && self.loads[a].mem == 0 && self.loads[a].eni == 0;
            let same = empty(b) && (from..b).any(|a| self.options[a] == self.options[b] && empty(a));
            if same || !self.p.room(self.options[b], &self.loads[b], &s, 1) {
                continue;
            }
            let saved = (self.loads[b], self.last_bin[i]);
            let l = &mut self.loads[b];
            l.cpu += u64::from(s.cpu_units);
            l.mem += u64::from(s.memory_mib);
            l.eni += u64::from(s.awsvpc);
            l.x86_only |= !s.arm_ok;
            self.counts[b][i] += 1;
            self.last_bin[i] = b;
            match self.place(k + 1) {
                Some(false) => {}
                found => return found,
            }
            self.counts[b][i] -= 1;
            (self.loads[b], self.last_bin[i]) = saved;
        }
        Some(false)
    }
}

/// Grid cells above which `fleet_cost_at_least` gives up and returns the bound as it is.
const MAX_COST_GRID: u64 = 4_000_000;

/// The least cost any fleet can have that is not below `bound`: a fleet's cost is a sum of
/// whole instances' prices, so a bound between two such sums rises to the upper one. This closes
/// much of the LP's integrality gap on small sets (the LP may say 1.3 instances; no fleet costs
/// that). Prices are taken in micro-dollars; when one is not a whole number of them (a discounted
/// price), or the grid of sums would be too large, the bound is returned unchanged.
fn fleet_cost_at_least(costs: &[f64], bound: f64) -> f64 {
    const MICRO: f64 = 1e6;
    let units: Option<Vec<u64>> = costs
        .iter()
        .map(|&c| {
            let u = (c * MICRO).round();
            (u >= 1.0 && (u / MICRO - c).abs() < 1e-12).then_some(u as u64)
        })
        .collect();
    let Some(units) = units else { return bound };
    let gcd = |a: u64, b: u64| {
        let (mut a, mut b) = (a, b);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let g = units.iter().fold(0, |acc, &u| gcd(acc, u));
    if g == 0 || bound <= 0.0 {
        return bound;
    }
    let steps: Vec<usize> = units.iter().map(|&u| (u / g) as usize).collect();
    // The first grid point at or above the bound, allowing for the bound's own rounding error.
    let target = ((bound * MICRO / g as f64) - 1e-6).ceil().max(0.0) as u64;
    let top = target + *steps.iter().max().unwrap_or(&0) as u64;
    if top > MAX_COST_GRID {
        return bound;
    }
    let mut reach = vec![false; top as usize + 1];
    reach[0] = true;
    for v in 1..reach.len() {
        reach[v] = steps.iter().any(|&s| s <= v && reach[v - s]);
        if reach[v] && v as u64 >= target {
            // Just below the sum, so that float sums of the same prices never fall under it.
            return ((v as u64 * g) as f64 / MICRO - 1e-9).max(bound);
        }
    }
    bound
}

fn fleet_cost(p: &Problem, bins: &[Pattern]) -> f64 {
    bins.iter().map(|b| p.cost[b.option]).sum()
}

fn to_patterns(p: &Problem, packing: &Packing) -> Vec<Pattern> {
    packing
        .bins
        .iter()
        .map(|b| {
            let mut counts = vec![0; p.shapes.len()];
            for &(row, n) in &b.items {
                counts[row] += n;
            }
            Pattern { option: b.option, counts }
        })
        .collect()
}

/// The bound when the LP is skipped: each dimension priced at the cheapest rate any type offers.
fn resource_bound(p: &Problem, demand: &[u32]) -> f64 {
    let l = p.load(demand);
    let rate = |f: &dyn Fn(&InstanceOption) -> u32| {
        p.options
            .iter()
            .zip(&p.cost)
            .filter(|(o, _)| f(o) > 0)
            .map(|(o, c)| c / f64::from(f(o)))
            .fold(f64::INFINITY, f64::min)
    };
    let cpu = l.cpu as f64 * rate(&|o| o.cpu_units);
    let mem = l.mem as f64 * rate(&|o| o.memory_mib);
    let eni = if l.eni == 0 {
        0.0
    } else {
        l.eni as f64 * rate(&|o| o.awsvpc_tasks)
    };
    let bound = cpu.max(mem).max(eni);
    if bound.is_finite() {
        bound
    } else {
        0.0
    }
}

struct ColumnGeneration {
    /// The duals of the last LP, per shape (0 for shapes not in the problem).
    duals: Vec<f64>,
    lp: CoveringLp,
    patterns: Vec<Pattern>,
    lower_bound: f64,
    converged: bool,
}

/// Solves the LP relaxation for `demand` (rows with demand 0 left out), starting from `pool`.
/// With `prove`, pricing ends with the exact program, so the LP is solved to optimality and the
/// bound is its optimum; without, column generation stops once the greedy pricing finds nothing,
/// which is enough to guide rounding.
fn column_generation(p: &Problem, demand: &[u32], pool: &[Pattern], prove: bool, budget: &mut Budget) -> ColumnGeneration {
    let rows: Vec<usize> = (0..demand.len()).filter(|&i| demand[i] > 0).collect();
    let d: Vec<f64> = rows.iter().map(|&i| f64::from(demand[i])).collect();
    let to_column = |pat: &Pattern| Column {
        cost: p.cost[pat.option],
        entries: rows.iter().map(|&i| f64::from(pat.counts[i])).collect(),
    };
    // A start: each shape alone on the type that carries it cheapest.
    let mut patterns = Vec::new();
    for &i in &rows {
        let o = (0..p.options.len())
            .filter(|&o| p.fit[o][i] > 0)
            .min_by(|&a, &b| {
                let per = |o: usize| p.cost[o] / f64::from(p.fit[o][i].min(demand[i]));
                per(a).total_cmp(&per(b)).then(a.cmp(&b))
            })
            .expect("rows are placeable");
        let mut counts = vec![0; demand.len()];
        counts[i] = p.fit[o][i].min(demand[i]);
        patterns.push(Pattern { option: o, counts });
    }
    let mut lp = CoveringLp::new(d.clone(), patterns.iter().map(to_column).collect());
    let mut seen: Seen = patterns.iter().cloned().collect();
    for pat in pool {
        let counts: Vec<u32> = pat.counts.iter().zip(demand).map(|(&a, &b)| a.min(b)).collect();
        if counts.iter().all(|&n| n == 0) {
            continue;
        }
        let Some(option) = p.cheapest_for(&counts) else { continue };
        let pat = Pattern { option, counts };
        if seen.insert(pat.clone()) {
            lp.add_column(to_column(&pat));
            patterns.push(pat);
        }
    }

    let mut lower_bound: f64 = 0.0;
    let mut converged = false;
    // Wentges smoothing: price at a point between the LP's duals and those that gave the best
    // bound so far. It damps the oscillation that makes column generation tail off.
    let mut center: Option<Vec<f64>> = None;
    let mut cols = Columns {
        lp,
        patterns,
        seen,
        rows: &rows,
        demand,
        dp_usable: true,
    };
    let exact = prove;
    let mut history: Vec<f64> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let before = cols.lp.pivots;
        let optimal = cols.lp.solve(budget.pivots);
        budget.pivots = budget.pivots.saturating_sub(cols.lp.pivots - before);
        let y: Vec<f64> = cols.lp.duals().into_iter().map(|v| v.max(0.0)).collect();
        let mut bound_at = |duals: &[f64], theta: f64, center: &mut Option<Vec<f64>>| {
            // Farley: duals / theta is feasible for the dual of the full LP.
            let value: f64 = duals.iter().zip(&d).map(|(a, b)| a * b).sum::<f64>() / theta;
            if theta > 0.0 && value > lower_bound {
                lower_bound = value;
                *center = Some(duals.to_vec());
            }
        };
        // Wentges smoothing with mis-pricing: price at a point between the best-bound duals and
        // the LP's; when nothing found there improves the LP, step towards the LP's duals
        // (Pessoa et al. 2018), ending at them.
        let mut step = 0u32;
        let stop = loop {
            step += 1;
            let alpha = match &center {
                Some(_) => (1.0 - f64::from(step) * (1.0 - SMOOTHING)).max(0.0),
                None => 0.0,
            };
            let at: Vec<f64> = match &center {
                Some(c) if alpha > 0.0 => c.iter().zip(&y).map(|(a, b)| alpha * a + (1.0 - alpha) * b).collect(),
                _ => y.clone(),
            };
            let r = price(p, &mut cols, &at, &y, exact, budget);
            bound_at(&at, r.theta, &mut center);
            if r.improving > 0 {
                break false;
            }
            if alpha == 0.0 {
                // Nothing improves at the LP's own duals: optimal when the pricing was exact.
                converged = optimal && r.exact;
                break true;
            }
        };
        if stop {
            break;
        }
        let objective = cols.lp.objective();
        if optimal && objective <= lower_bound * (1.0 + IMPROVES) {
            converged = true;
            break;
        }
        // Tailing off: ten rounds that closed less than TAIL_OFF of the gap together.
        history.push(objective - lower_bound);
        let tailing = history.len() > 10 && history[history.len() - 11] - history[history.len() - 1] < objective * TAIL_OFF;
        if budget.spent() || tailing {
            break;
        }
    }
    let mut duals = vec![0.0; demand.len()];
    for (r, y) in cols.lp.duals().into_iter().enumerate() {
        duals[rows[r]] = y.max(0.0);
    }
    let Columns { lp, patterns, .. } = cols;
    ColumnGeneration {
        duals,
        lp,
        patterns,
        lower_bound,
        converged,
    }
}

/// The patterns already in an LP, hashed with rustc's Fx hash: the keys are ours, and SipHash
/// cost about 2% of a large set's time.
type Seen = HashSet<Pattern, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

struct Columns<'a> {
    lp: CoveringLp,
    patterns: Vec<Pattern>,
    seen: Seen,
    rows: &'a [usize],
    demand: &'a [u32],
    /// The exact dynamic program works for these sizes (false once it declined).
    dp_usable: bool,
}

struct Priced {
    /// The largest value-to-cost ratio of any pattern at the pricing duals (an upper bound on it).
    theta: f64,
    /// New columns that improve the LP: worth more than their cost at its own duals.
    improving: usize,
    /// `theta` is exact up to `IMPROVES`: no pattern left out is worth more than its cost.
    exact: bool,
}

/// One pricing round at duals `at`: a quick search per option, then, with `exact` and when the
/// quick search found nothing that improves the LP (whose duals are `y`), the exact program.
/// Every pattern worth more than its cost at `at` joins the LP.
fn price(p: &Problem, cols: &mut Columns, at: &[f64], y: &[f64], exact: bool, budget: &mut Budget) -> Priced {
    let (rows, demand) = (cols.rows, cols.demand);
    // Greedy fills first: cheap, and they find an improving pattern in most rounds. Their theta
    // comes from the fractional relaxation, an upper bound.
    let mut theta: f64 = 0.0;
    let mut improving = 0;
    // Per option, the fractional relaxation's ratio: an upper bound on its best pattern's.
    let mut relaxed = vec![0.0; p.options.len()];
    for (o, relaxed) in relaxed.iter_mut().enumerate() {
        let (items, cap) = pricing_problem(p, o, rows, demand, at);
        let target = p.cost[o] * (1.0 + IMPROVES);
        let (sets, bound) = knapsack::greedy(&items, cap, target, p.lean_pricing);
        *relaxed = bound / p.cost[o];
        theta = theta.max(*relaxed);
        for g in sets {
            if add(p, o, &g.counts, y, cols) {
                improving += 1;
            }
        }
    }
    // The greedy fills count against the knapsack budget: one node per item and weighting.
    budget.knapsack_nodes = budget.knapsack_nodes.saturating_sub((rows.len() * p.options.len()) as u64);
    if improving > 0 || !exact {
        return Priced {
            theta,
            improving,
            exact: false,
        };
    }
    // Nothing found: the exact program answers for every option at once, except those whose
    // relaxation already shows no pattern is worth their cost (a smaller table without them).
    if cols.dp_usable {
        let needed: Vec<bool> = relaxed.iter().map(|&r| r > 1.0 + IMPROVES).collect();
        match certify(p, rows, demand, at, &needed) {
            Some((best, work)) => {
                budget.knapsack_nodes = budget.knapsack_nodes.saturating_sub(work);
                let mut theta: f64 = 0.0;
                for (o, best) in best.into_iter().enumerate() {
                    let Some(k) = best else {
                        theta = theta.max(relaxed[o]);
                        continue;
                    };
                    theta = theta.max(k.upper_bound / p.cost[o]);
                    if k.value > p.cost[o] * (1.0 + IMPROVES) && add(p, o, &k.counts, y, cols) {
                        improving += 1;
                    }
                }
                return Priced {
                    theta,
                    improving,
                    exact: true,
                };
            }
            None => cols.dp_usable = false,
        }
    }
    // Sizes too varied for the program: branch and bound per option.
    let mut theta: f64 = 0.0;
    let mut exact = true;
    for o in 0..p.options.len() {
        let (items, cap) = pricing_problem(p, o, rows, demand, at);
        let target = p.cost[o] * (1.0 + IMPROVES);
        let k = knapsack::solve(&items, cap, target, NODES_WITHOUT_DP.min(budget.knapsack_nodes.max(1)));
        budget.knapsack_nodes = budget.knapsack_nodes.saturating_sub(k.nodes);
        theta = theta.max(k.upper_bound / p.cost[o]);
        // Proven: either a column that prices out, or no pattern of this type worth its cost.
        exact &= k.value > target || k.upper_bound <= target;
        if k.value > target && add(p, o, &k.counts, y, cols) {
            improving += 1;
        }
    }
    Priced { theta, improving, exact }
}

/// The knapsack that prices option `o` at duals `y`.
fn pricing_problem(p: &Problem, o: usize, rows: &[usize], demand: &[u32], y: &[f64]) -> (Vec<Item>, Capacity) {
    let opt = &p.options[o];
    let items = rows
        .iter()
        .enumerate()
        .map(|(r, &i)| {
            let s = &p.shapes[i];
            Item {
                value: if p.fit[o][i] > 0 { y[r] } else { 0.0 },
                cpu_units: s.cpu_units,
                memory_mib: s.memory_mib,
                enis: u32::from(s.awsvpc),
                max: demand[i],
            }
        })
        .collect();
    let cap = Capacity {
        cpu_units: opt.cpu_units,
        memory_mib: opt.memory_mib,
        enis: opt.awsvpc_tasks,
    };
    (items, cap)
}

/// The best pattern of every `needed` option at duals `y`, exactly: one dynamic program per
/// architecture, over a table as large as the largest needed option. Also the work done (in knapsack-node equivalents). `None` when the tasks' sizes make the grid
/// too large.
fn certify(p: &Problem, rows: &[usize], demand: &[u32], y: &[f64], needed: &[bool]) -> Option<(Vec<Option<knapsack::Knapsack>>, u64)> {
    let mut best: Vec<Option<knapsack::Knapsack>> = vec![None; p.options.len()];
    let mut work = 0;
    for arch in [Arch::X86_64, Arch::Arm64] {
        let opts: Vec<usize> = (0..p.options.len()).filter(|&o| needed[o] && p.options[o].arch == arch).collect();
        let Some(&first) = opts.first() else { continue };
        // Items valued for the architecture, not for one option: the capacities decide what fits.
        let (mut items, _) = pricing_problem(p, first, rows, demand, y);
        for (r, (it, &i)) in items.iter_mut().zip(rows).enumerate() {
            it.value = if p.shapes[i].arm_ok || arch == Arch::X86_64 { y[r] } else { 0.0 };
        }
        let caps: Vec<Capacity> = opts.iter().map(|&o| pricing_problem(p, o, rows, demand, y).1).collect();
        let (answers, cells) = knapsack::exact_best(&items, &caps)?;
        work += cells / DP_CELLS_PER_NODE;
        for (&o, k) in opts.iter().zip(answers) {
            best[o] = Some(k);
        }
    }
    Some((best, work))
}

/// Adds the pattern of `counts_by_row` on option `o`, filled up, unless already there. True when
/// it was added and improves the LP: worth more than its cost at the LP's duals `y`.
fn add(p: &Problem, o: usize, counts_by_row: &[u32], y: &[f64], cols: &mut Columns) -> bool {
    let mut counts = vec![0; cols.demand.len()];
    for (r, &i) in cols.rows.iter().enumerate() {
        counts[i] = counts_by_row[r];
    }
    fill(p, o, &mut counts, cols.demand);
    let pat = Pattern { option: o, counts };
    if !cols.seen.insert(pat.clone()) {
        return false;
    }
    let entries: Vec<f64> = cols.rows.iter().map(|&i| f64::from(pat.counts[i])).collect();
    let value: f64 = entries.iter().zip(y).map(|(a, b)| a * b).sum();
    cols.lp.add_column(Column { cost: p.cost[o], entries });
    cols.patterns.push(pat);
    value > p.cost[o] * (1.0 + IMPROVES)
}

/// Adds whatever else still fits, largest shapes first: a fuller pattern covers more in rounding.
fn fill(p: &Problem, o: usize, counts: &mut [u32], demand: &[u32]) {
    let mut l = p.load(counts);
    for &i in p.largest_first.iter().filter(|&&i| p.fit[o][i] > 0) {
        while counts[i] < demand[i] && p.room(o, &l, &p.shapes[i], 1) {
            counts[i] += 1;
            let s = &p.shapes[i];
            l.cpu += u64::from(s.cpu_units);
            l.mem += u64::from(s.memory_mib);
            l.eni += u64::from(s.awsvpc);
            l.x86_only |= !s.arm_ok;
        }
    }
}

/// Turns LP solutions into instances: whole copies of patterns first, then one fractional
/// pattern at a time (and every one used at least `round_up_from`) with the rest re-solved,
/// until every task is placed.
fn round(p: &Problem, demand: &[u32], first: ColumnGeneration, round_up_from: f64, budget: &mut Budget) -> Vec<Pattern> {
    let mut residual = demand.to_vec();
    let mut bins: Vec<Pattern> = Vec::new();
    let mut pool: Vec<Pattern> = Vec::new();
    let mut current = Some(first);
    while residual.iter().any(|&n| n > 0) {
        let cg = match current.take() {
            Some(cg) => cg,
            None if budget.spent() => break,
            None => column_generation(p, &residual, &pool, false, budget),
        };
        let x = cg.lp.column_values();
        let mut order: Vec<usize> = (0..x.len()).filter(|&j| x[j] > 1e-9).collect();
        order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
        let mut took = false;
        for &j in &order {
            let whole = (x[j] + 1e-9).floor() as u64;
            for _ in 0..whole {
                took |= place(p, &cg.patterns[j], &mut residual, &mut bins);
            }
        }
        if !took {
            // Every value is fractional: round the largest up, and every pattern used at least
            // `round_up_from` (fewer re-solves).
            for (k, &j) in order.iter().enumerate() {
                if k == 0 || x[j] >= round_up_from {
                    took |= place(p, &cg.patterns[j], &mut residual, &mut bins);
                }
            }
        }
        // A full solve carries every pattern into the re-solves; a quick one the promising few.
        // (Its patterns already hold the pool's, cut down to the residual.)
        if round_up_from.is_finite() {
            pool.extend(promising(p, &cg));
        } else {
            pool = cg.patterns;
        }
        if !took {
            break;
        }
    }
    if residual.iter().any(|&n| n > 0) {
        let groups: Vec<(TaskShape, u32)> = p.shapes.iter().copied().zip(residual.iter().copied()).collect();
        bins.extend(to_patterns(p, &GreedyPacker.pack(&groups, p.options)));
    }
    bins
}

/// Patterns of a solved LP worth carrying into the next residual solve: those with the least
/// reduced cost at its duals, a few per row. Carrying all of them would make every re-solve
/// as large as the first.
fn promising(p: &Problem, cg: &ColumnGeneration) -> Vec<Pattern> {
    let rows = cg.duals.iter().filter(|&&y| y > 0.0).count().max(1);
    let reduced = |pat: &Pattern| p.cost[pat.option] - pat.counts.iter().zip(&cg.duals).map(|(&n, y)| f64::from(n) * y).sum::<f64>();
    let mut scored: Vec<(f64, &Pattern)> = cg.patterns.iter().map(|pat| (reduced(pat), pat)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored.truncate(POOL_PER_ROW * rows);
    scored.into_iter().map(|(_, pat)| pat.clone()).collect()
}

/// One instance of `pattern`, cut down to what is still unplaced and moved to the cheapest type
/// that holds the rest. False when nothing of it was needed.
fn place(p: &Problem, pattern: &Pattern, residual: &mut [u32], bins: &mut Vec<Pattern>) -> bool {
    let mut counts: Vec<u32> = pattern.counts.iter().zip(residual.iter()).map(|(&a, &r)| a.min(r)).collect();
    // Room the pattern keeps for tasks already placed goes to smaller ones still unplaced, the
    // largest first.
    for i in 0..counts.len() {
        for _ in counts[i]..pattern.counts[i] {
            let smaller = (0..counts.len())
                .filter(|&j| j != i && residual[j] > counts[j] && shape_dominates(&p.shapes[i], &p.shapes[j]))
                .max_by_key(|&j| (p.shapes[j].memory_mib, p.shapes[j].cpu_units, std::cmp::Reverse(j)));
            match smaller {
                Some(j) => counts[j] += 1,
                None => break,
            }
        }
    }
    if counts.iter().all(|&n| n == 0) {
        return false;
    }
    for (r, &n) in residual.iter_mut().zip(&counts) {
        *r -= n;
    }
    let option = p.cheapest_for(&counts).unwrap_or(pattern.option);
    bins.push(Pattern { option, counts });
    true
}

/// Large-neighbourhood search: the instances that waste most, by the LP's prices, are emptied
/// and their tasks re-packed together with the optimizer; the result is kept when cheaper.
fn neighbourhoods(p: &Problem, bins: &mut Vec<Pattern>, duals: &[f64], budget: &mut Budget) {
    let waste = |b: &Pattern| p.cost[b.option] - b.counts.iter().zip(duals).map(|(&n, y)| f64::from(n) * y).sum::<f64>();
    for size in NEIGHBOURHOODS {
        if budget.spent() || bins.len() < 2 {
            break;
        }
        let mut order: Vec<usize> = (0..bins.len()).collect();
        order.sort_by(|&a, &b| waste(&bins[b]).total_cmp(&waste(&bins[a])).then(a.cmp(&b)));
        let chosen: Vec<usize> = order.into_iter().take(size).collect();
        let mut demand = vec![0u32; p.shapes.len()];
        for &b in &chosen {
            for (d, &n) in demand.iter_mut().zip(&bins[b].counts) {
                *d += n;
            }
        }
        let before: f64 = chosen.iter().map(|&b| p.cost[bins[b].option]).sum();
        let cg = column_generation(p, &demand, &[], false, budget);
        let mut fresh = round(p, &demand, cg, f64::INFINITY, budget);
        improve(p, &mut fresh);
        if fleet_cost(p, &fresh) < before - 1e-9 {
            let mut keep: Vec<Pattern> = (0..bins.len()).filter(|b| !chosen.contains(b)).map(|b| bins[b].clone()).collect();
            keep.extend(fresh);
            *bins = keep;
            improve(p, bins);
        }
    }
}

/// Local search: empty instances into the room left on others, merge pairs of instances into one
/// cheaper instance, and retype every instance to the cheapest type that holds it.
fn improve(p: &Problem, bins: &mut Vec<Pattern>) {
    improve_from(p, bins, &mut vec![true; bins.len()]);
}

/// `improve` for a fleet that went through it before and has changed since only in the instances
/// marked `fresh` (kept aligned with `bins`): the others are not retyped or emptied again, and
/// two of them are not tried as a pair again.
fn improve_from(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) {
    for (b, _) in bins.iter_mut().zip(fresh.iter()).filter(|(_, &f)| f) {
        if let Some(o) = p.cheapest_for(&b.counts) {
            b.option = o;
        }
    }
    let mut changed = true;
    let mut passes = 0;
    while changed && passes < 4 {
        changed = false;
        passes += 1;
        changed |= empty_instances(p, bins, fresh);
        changed |= merge_pairs(p, bins, fresh);
    }
}

/// Tries to move every task of an instance onto others; the emptied instance goes.
fn empty_instances(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    // The least-used instances first: their tasks are the easiest to rehome.
    let fill_of = |b: &Pattern| {
        let l = p.load(&b.counts);
        let o = &p.options[b.option];
        (l.cpu as f64 / f64::from(o.cpu_units.max(1))).max(l.mem as f64 / f64::from(o.memory_mib.max(1)))
    };
    let fills: Vec<f64> = bins.iter().map(fill_of).collect();
    let mut order: Vec<usize> = (0..bins.len()).collect();
    order.sort_by(|&a, &b| fills[a].total_cmp(&fills[b]).then(a.cmp(&b)));
    let mut removed = vec![false; bins.len()];
    let mut base: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    for &victim in &order {
        if !fresh[victim] {
            continue;
        }
        let mut trial: Vec<(usize, Vec<u32>)> = Vec::new();
        let mut ok = true;
        // Largest tasks first.
        let mut rows: Vec<usize> = (0..p.shapes.len()).filter(|&i| bins[victim].counts[i] > 0).collect();
        rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
        let mut loads: Vec<Option<Load>> = vec![None; bins.len()];
        let base_ref = &base;
        'tasks: for i in rows {
            for _ in 0..bins[victim].counts[i] {
                let mut placed = false;
                for t in 0..bins.len() {
                    if t == victim || removed[t] {
                        continue;
                    }
                    let l = *loads[t].get_or_insert(base_ref[t]);
                    if p.room(bins[t].option, &l, &p.shapes[i], 1) {
                        let entry = match trial.iter_mut().position(|(b, _)| *b == t) {
                            Some(k) => k,
                            None => {
                                trial.push((t, vec![0; p.shapes.len()]));
                                trial.len() - 1
                            }
                        };
                        trial[entry].1[i] += 1;
                        let s = &p.shapes[i];
                        let lt = loads[t].as_mut().expect("computed above");
                        lt.cpu += u64::from(s.cpu_units);
                        lt.mem += u64::from(s.memory_mib);
                        lt.eni += u64::from(s.awsvpc);
                        lt.x86_only |= !s.arm_ok;
                        placed = true;
                        break;
                    }
                }
                if !placed {
                    ok = false;
                    break 'tasks;
                }
            }
        }
        if ok {
            for (t, extra) in trial {
                for (c, x) in bins[t].counts.iter_mut().zip(extra) {
                    *c += x;
                }
                base[t] = loads[t].expect("a load for every instance that took tasks");
                fresh[t] = true;
            }
            bins[victim].counts.iter_mut().for_each(|c| *c = 0);
            removed[victim] = true;
            changed = true;
        }
    }
    if changed {
        let mut k = 0;
        bins.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
        let mut k = 0;
        fresh.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
    }
    changed
}

/// Replaces two instances by one of a type that holds both and costs less than the pair.
fn merge_pairs(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    let mut loads: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    let cheapest = p.by_cost.first().map(|&o| p.cost[o]).unwrap_or(f64::INFINITY);
    let mut i = 0;
    while i < bins.len() {
        let mut j = i + 1;
        let mut merged = false;
        while j < bins.len() {
            let pair = p.cost[bins[i].option] + p.cost[bins[j].option];
            if (fresh[i] || fresh[j]) && cheapest < pair - 1e-9 {
                let (a, b) = (loads[i], loads[j]);
                let l = Load {
                    cpu: a.cpu + b.cpu,
                    mem: a.mem + b.mem,
                    eni: a.eni + b.eni,
                    x86_only: a.x86_only || b.x86_only,
                };
                if let Some(o) = p.cheapest_holding_below(&l, pair - 1e-9) {
                    let counts: Vec<u32> = bins[i].counts.iter().zip(&bins[j].counts).map(|(a, b)| a + b).collect();
                    bins[i] = Pattern { option: o, counts };
                    loads[i] = l;
                    fresh[i] = true;
                    bins.swap_remove(j);
                    loads.swap_remove(j);
                    fresh.swap_remove(j);
                    merged = true;
                    changed = true;
                    continue;
                }
            }
            j += 1;
        }
        if !merged {
            i += 1;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::testing::{check_packing, us_east_1};
    use crate::simulation::testsets::{ecs_like, BENCH_TYPES};
    use proptest::prelude::*;

    fn options(types: &[&str]) -> Vec<InstanceOption> {
        us_east_1(types, &[])
    }

    fn shape(cpu: u32, mem: u32, awsvpc: bool) -> TaskShape {
        TaskShape {
            cpu_units: cpu,
            memory_mib: mem,
            awsvpc,
            arm_ok: false,
        }
    }

    fn hourly(p: &Packing, opts: &[InstanceOption]) -> f64 {
        p.bins.iter().map(|b| opts[b.option].hourly.to_f64()).sum()
    }

    #[test]
    fn beats_first_fit_where_it_wastes_room() {
        // m6i.xlarge: 4096 CPU units. Tasks of 2560 and 1536 units pair up exactly; first-fit
        // decreasing puts the 2560s together with nothing, then the 1536s two to an instance.
        let opts = options(&["m6i.xlarge"]);
        let groups = [(shape(2560, 1024, false), 6), (shape(1536, 1024, false), 6)];
        let r = optimize(&groups, &opts, Budget::default());
        assert_eq!(r.packing.bins.len(), 6);
        assert!((r.lower_bound_hourly - 6.0 * 0.192).abs() < 1e-6, "{}", r.lower_bound_hourly);
        assert!(r.gap_pct(&opts) < 1e-6);
        assert!(r.lp_optimal);
    }

    #[test]
    fn a_bound_rises_to_the_next_cost_a_fleet_can_have() {
        // m6i.large, c6i.2xlarge, r6i.2xlarge: no fleet costs between $0.532 and $0.576.
        let costs = [0.096, 0.34, 0.504];
        assert!((fleet_cost_at_least(&costs, 0.5515) - 0.576).abs() < 1e-6);
        assert!((fleet_cost_at_least(&costs, 0.532) - 0.532).abs() < 1e-6);
        // A discounted price is not a whole number of micro-dollars: the bound stays.
        assert_eq!(fleet_cost_at_least(&[0.096 * 0.7 + 1e-9], 0.5), 0.5);
    }

    #[test]
    fn small_sets_are_solved_to_optimality() {
        // A generated 20-task set on the benchmark's eight types: the LP bound, even raised to
        // the next cost a fleet can have, is below the optimum; the exhaustive search proves every
        // cheaper fleet infeasible and finds one at the bound.
        let opts = options(&BENCH_TYPES);
        let groups = ecs_like(20, 20, 0.0);
        let r = optimize(&groups, &opts, Budget::default());
        check_packing(&groups, &opts, &r.packing).unwrap();
        assert_eq!(r.bound, BoundKind::Exhaustive);
        assert!(r.gap_pct(&opts) < 1e-3, "gap {}", r.gap_pct(&opts));
        let greedy = hourly(&GreedyPacker.pack(&groups, &opts), &opts);
        assert!(hourly(&r.packing, &opts) < greedy - 1e-9);
    }

    #[test]
    fn reports_tasks_no_type_holds_and_packs_the_rest() {
        let opts = options(&["m6i.large"]);
        let r = optimize(
            &[(shape(8192, 1024, false), 2), (shape(512, 512, false), 3)],
            &opts,
            Budget::default(),
        );
        assert_eq!(r.packing.unplaced, vec![(0, 2)]);
        assert_eq!(r.packing.bins.len(), 1);
    }

    #[test]
    fn identical_shapes_from_different_services_are_packed_together_and_split_back() {
        let opts = options(&["m6i.xlarge"]);
        let s = shape(1024, 2048, false);
        let r = optimize(&[(s, 3), (s, 5)], &opts, Budget::default());
        assert_eq!(r.packing.bins.len(), 2);
        let per_group = |g: usize| {
            r.packing
                .bins
                .iter()
                .flat_map(|b| &b.items)
                .filter(|i| i.0 == g)
                .map(|i| i.1)
                .sum::<u32>()
        };
        assert_eq!((per_group(0), per_group(1)), (3, 5));
    }

    #[test]
    fn near_the_bound_on_a_generated_cluster() {
        let opts = options(&BENCH_TYPES);
        let groups = ecs_like(11, 150, 0.3);
        let r = optimize(&groups, &opts, Budget::default());
        let greedy = hourly(&GreedyPacker.pack(&groups, &opts), &opts);
        assert!(hourly(&r.packing, &opts) <= greedy + 1e-9);
        assert!(r.gap_pct(&opts) < 3.0, "gap {}", r.gap_pct(&opts));
    }

    proptest! {
        /// The quick reject in pair merging (the most any cheaper type offers) never turns away a
        /// load some cheaper type holds.
        #[test]
        fn cheapest_holding_below_agrees_with_a_plain_scan(
            cpu in 0u64..70_000, mem in 0u64..300_000, eni in 0u64..16, x86_only in any::<bool>(), limit in 0.0f64..4.0,
        ) {
            let opts = options(&["m6i.large", "c6i.xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.xlarge", "c7g.2xlarge", "r7g.4xlarge", "c6i.4xlarge"]);
            let p = Problem::new(vec![shape(256, 512, false)], &opts);
            let l = Load { cpu, mem, eni, x86_only };
            let plain = p.by_cost.iter().copied().filter(|&o| p.cost[o] < limit).find(|&o| p.holds(o, &l));
            prop_assert_eq!(p.cheapest_holding_below(&l, limit), plain);
        }
    }

    fn arb_groups() -> impl Strategy<Value = Vec<(TaskShape, u32)>> {
        let sizes = prop::sample::select(vec![
            (256u32, 512u32),
            (512, 1024),
            (512, 3072),
            (1024, 2048),
            (1024, 8192),
            (2048, 4096),
            (4096, 8192),
            (4096, 30720),
            (8192, 16384),
            (16384, 32768),
        ]);
        prop::collection::vec((sizes, any::<bool>(), any::<bool>(), 1u32..25), 1..7).prop_map(|v| {
            v.into_iter()
                .map(|((c, m), awsvpc, arm_ok, n)| {
                    (
                        TaskShape {
                            cpu_units: c,
                            memory_mib: m,
                            awsvpc,
                            arm_ok,
                        },
                        n,
                    )
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]
        #[test]
        fn optimizer_invariants(groups in arb_groups()) {
            let opts = options(&["m6i.large", "c6i.xlarge", "m6i.2xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.xlarge", "c7g.2xlarge"]);
            let budget = Budget { pivots: 5_000, knapsack_nodes: 200_000 };
            let r = optimize(&groups, &opts, budget);
            check_packing(&groups, &opts, &r.packing).map_err(TestCaseError::fail)?;
            // The bound is below the fleet and below what greedy finds.
            let cost = hourly(&r.packing, &opts);
            prop_assert!(r.lower_bound_hourly <= cost + 1e-9);
            let greedy = GreedyPacker.pack(&groups, &opts);
            if greedy.unplaced.is_empty() {
                prop_assert!(r.lower_bound_hourly <= hourly(&greedy, &opts) + 1e-9);
                prop_assert!(cost <= hourly(&greedy, &opts) + 1e-9);
            }
        }

        /// Packing one mix after another (the simulation's sequence, past the mixes it always
        /// solves in full) keeps every invariant of a single packing.
        #[test]
        fn a_sequence_keeps_the_packing_invariants(groups in arb_groups(), steps in prop::collection::vec(prop::collection::vec(0u32..15, 8), 70..75)) {
            let opts = options(&["c6i.large", "m6i.xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.2xlarge", "c7g.4xlarge"]);
            let shapes: Vec<TaskShape> = groups.iter().map(|g| g.0).collect();
            let packer = OptimizingPacker { budget: Budget { pivots: 300, knapsack_nodes: 5_000 } };
            let mut seq = packer.sequence(&shapes, &opts);
            for counts in &steps {
                let counts: Vec<u32> = (0..shapes.len()).map(|g| counts[g % counts.len()]).collect();
                let p = seq.pack_counts(&counts);
                let groups: Vec<(TaskShape, u32)> = shapes.iter().copied().zip(counts.iter().copied()).collect();
                check_packing(&groups, &opts, &p).map_err(TestCaseError::fail)?;
            }
        }
    }
}
