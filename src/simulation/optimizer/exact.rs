//! The bound on small sets: an exhaustive search over fleet compositions in order of cost, and
//! the least cost a fleet of whole instances can have.

use super::*;

/// Sets of at most this many tasks get the exhaustive search of `exact_small`.
pub(super) const SMALL_SET: u32 = 60;
/// Fleet compositions `exact_small` considers at most.
pub(super) const MAX_COMPOSITIONS: usize = 20_000;
/// Search nodes `exact_small` spends at most, over all compositions.
pub(super) const EXACT_NODES: u64 = 2_000_000;

/// Raises the bound on a small set to the optimum, or towards it. Every fleet composition (so
/// many instances of each type) that costs at least `bound` and less than the fleet in hand is
/// tried in order of cost, each by an exhaustive search for a packing of the tasks onto exactly
/// those instances. A composition proven infeasible lifts the bound past its cost; the first
/// feasible one is an optimal fleet. The search stops, keeping what it proved, when a
/// composition cannot be decided within the node budget. Returns the proven bound and the
/// better fleet if one was found; `None` when there were too many compositions to try.
pub(super) fn exact_small(p: &Problem, demand: &[u32], bound: f64, bins: &[Pattern]) -> Option<(f64, Option<Vec<Pattern>>)> {
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
pub(super) struct Feasibility<'a, 'p> {
    pub(super) p: &'a Problem<'p>,
    pub(super) tasks: &'a [usize],
    pub(super) options: &'a [usize],
    pub(super) loads: Vec<Load>,
    pub(super) counts: Vec<Vec<u32>>,
    /// Per shape, the instance its last placed task went to: identical tasks go in order.
    pub(super) last_bin: Vec<usize>,
    /// The load of tasks `k..`, for each `k`.
    pub(super) left: Vec<Load>,
    pub(super) nodes: u64,
    pub(super) limit: u64,
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
pub(super) const MAX_COST_GRID: u64 = 4_000_000;

/// The least cost any fleet can have that is not below `bound`: a fleet's cost is a sum of
/// whole instances' prices, so a bound between two such sums rises to the upper one. This closes
/// much of the LP's integrality gap on small sets (the LP may say 1.3 instances; no fleet costs
/// that). Prices are taken in micro-dollars; when one is not a whole number of them (a discounted
/// price), or the grid of sums would be too large, the bound is returned unchanged.
pub(super) fn fleet_cost_at_least(costs: &[f64], bound: f64) -> f64 {
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
