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
//!
//! This file holds the public face (budget, packer, method, bound kind, `optimize`), the problem
//! and its patterns; `pricing` the column generation, `rounding` the way to whole instances,
//! `search` the local search, `exact` the small-set search and the fleet-cost bound, and
//! `sequence` the packing of a simulation's steps one after the other.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::ec2::{Bin, GreedyPacker, InstanceOption, Packer, Packing, SequencePacker, TaskShape};
use super::knapsack::{self, Capacity, Item};
use super::lp::{Column, CoveringLp};
use crate::domain::Arch;

mod exact;
mod pricing;
mod rounding;
mod search;
mod sequence;

use exact::*;
use pricing::*;
use rounding::*;
use search::*;
pub use sequence::Sequence;

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
    /// The x86 options of `by_cost`, in its order, and for each prefix length `n` of `by_cost`
    /// how many of them it holds (`x86_upto[n]`): a load only x86 holds need not pass the others.
    x86_by_cost: Vec<usize>,
    x86_upto: Vec<usize>,
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
        self.cheapest_of_first(self.by_cost.len(), l)
    }

    /// The cheapest of the first `n` options of `by_cost` that holds a load, if any.
    fn cheapest_of_first(&self, n: usize, l: &Load) -> Option<usize> {
        let among = if l.x86_only {
            &self.x86_by_cost[..self.x86_upto[n]]
        } else {
            &self.by_cost[..n]
        };
        among.iter().copied().find(|&o| self.holds(o, l))
    }

    /// The cheapest option that holds a load and costs less than `limit`, if any. Pair merging
    /// asks this of a pair's price through `search::PairRoom`, which remembers each pair's count
    /// of cheaper options; the tests hold the two to each other.
    #[cfg(test)]
    fn cheapest_holding_below(&self, l: &Load, limit: f64) -> Option<usize> {
        let n = self.by_cost.partition_point(|&o| self.cost[o] < limit);
        let room = self.prefix_room.get(n.checked_sub(1)?)?[usize::from(l.x86_only)];
        if l.cpu > room.cpu || l.mem > room.mem || l.eni > room.eni {
            return None;
        }
        self.cheapest_of_first(n, l)
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
        let x86_by_cost: Vec<usize> = by_cost.iter().copied().filter(|&o| options[o].arch == Arch::X86_64).collect();
        let x86_upto: Vec<usize> = std::iter::once(0)
            .chain(by_cost.iter().scan(0, |k, &o| {
                *k += usize::from(options[o].arch == Arch::X86_64);
                Some(*k)
            }))
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
            x86_by_cost,
            x86_upto,
            largest_first,
            lean_pricing: false,
        }
    }

    /// The same problem over `options`, which must be the options it was built over (or, to set
    /// it aside, none): its figures are moved, not found again. `Sequence` keeps its problem
    /// set aside between mixes, since its rows and options never change and finding the figures
    /// costs options x rows.
    fn over<'b>(self, options: &'b [InstanceOption]) -> Problem<'b> {
        Problem {
            shapes: self.shapes,
            options,
            fit: self.fit,
            cost: self.cost,
            by_cost: self.by_cost,
            prefix_room: self.prefix_room,
            x86_by_cost: self.x86_by_cost,
            x86_upto: self.x86_upto,
            largest_first: self.largest_first,
            lean_pricing: self.lean_pricing,
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

#[cfg(test)]
mod tests;
