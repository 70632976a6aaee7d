//! Packing a simulation's steps in sequence: each mix starts from the previous mix's fleet,
//! repaired, and the full optimizer runs again when the repaired fleet drifts.

use super::*;

/// A repaired fleet may cost this much more, relative to the resource bound, than the last fleet
/// the full optimizer found before the full optimizer runs again. Measured on the 100-service
/// simulation bench (release): 2% gives the cheapest fleets but takes four times as long; 5%
/// costs 1.4% more than 2% and 6% another 0.9%, but 6% runs about a fifth faster than 5%, which
/// keeps the 30 days under 5 s (3.7 s) even on a slow day of the machine.
pub(super) const DRIFT: f64 = 0.06;
/// Mixes of a sequence always packed by the full optimizer: a simulation with few distinct mixes
/// (a steady cluster) gets the full optimizer at every one.
pub(super) const ALWAYS_FULL: usize = 64;

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
    /// The problem of the rows over `sub`, set aside between mixes (`Problem::over`).
    problem: Option<Problem<'static>>,
    bins: Vec<Pattern>,
    /// The loads of `bins`, one for one, and their tasks per row.
    loads: Vec<Load>,
    have: Vec<u32>,
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
            problem: None,
            bins: Vec::new(),
            loads: Vec::new(),
            have: Vec::new(),
            pool: Vec::new(),
            ratio: f64::INFINITY,
            budget,
            full_solves: 0,
            mixes: 0,
        }
    }
}

impl Sequence {
    /// Packs the next mix into `self.bins`.
    fn next(&mut self, counts: &[u32]) -> Mix {
        let groups: Vec<(TaskShape, u32)> = self.group_shapes.iter().copied().zip(counts.iter().copied()).collect();
        let p = match self.problem.take() {
            Some(p) => p.over(&self.sub),
            None => Problem::new(self.rows.clone(), &self.sub),
        };
        let (placed, unplaced_rows) = p.split_demand(&groups, &self.members);
        self.mixes += 1;
        let repaired = if self.bins.is_empty() {
            None
        } else {
            let (mut bins, mut loads, mut have) = (
                std::mem::take(&mut self.bins),
                std::mem::take(&mut self.loads),
                std::mem::take(&mut self.have),
            );
            let mut fresh = repair(&p, &mut bins, &mut loads, &mut have, &placed);
            improve_with(&p, &mut bins, &mut loads, &mut fresh);
            Some((bins, loads, have))
        };
        let bound = resource_bound(&p, &placed);
        let drifted = |bins: &[Pattern]| bound > 0.0 && fleet_cost(&p, bins) > bound * self.ratio * (1.0 + DRIFT);
        (self.bins, self.loads, self.have) = match repaired {
            Some(r) if self.mixes > ALWAYS_FULL && !drifted(&r.0) => r,
            repaired => {
                self.full_solves += 1;
                let (full, ..) = solve(&p, &placed, false, self.budget, &mut self.pool);
                let best = match repaired {
                    Some(r) if fleet_cost(&p, &r.0) <= fleet_cost(&p, &full) => r,
                    _ => {
                        let loads = full.iter().map(|b| p.load(&b.counts)).collect();
                        let mut have = vec![0u32; placed.len()];
                        add_tasks(&mut have, &full);
                        (full, loads, have)
                    }
                };
                self.ratio = if bound > 0.0 {
                    fleet_cost(&p, &best.0) / bound
                } else {
                    f64::INFINITY
                };
                best
            }
        };
        debug_assert!(self.bins.iter().zip(&self.loads).all(|(b, l)| {
            let want = p.load(&b.counts);
            (want.cpu, want.mem, want.eni, want.x86_only) == (l.cpu, l.mem, l.eni, l.x86_only)
        }));
        debug_assert_eq!(self.have, {
            let mut have = vec![0u32; placed.len()];
            add_tasks(&mut have, &self.bins);
            have
        });
        self.problem = Some(p.over(&[]));
        Mix { groups, unplaced_rows }
    }
}

/// A mix as groups (shape, tasks), and the rows no option holds, with their tasks.
struct Mix {
    groups: Vec<(TaskShape, u32)>,
    unplaced_rows: Vec<(usize, u32)>,
}

impl SequencePacker for Sequence {
    fn pack_counts(&mut self, counts: &[u32]) -> Packing {
        let Mix { groups, unplaced_rows } = self.next(counts);
        let mut packing = to_packing(&self.bins, &self.members, &groups, &unplaced_rows);
        for b in packing.bins.iter_mut() {
            b.option = self.kept[b.option];
        }
        packing
    }

    /// As `pack_counts` would give, without building each instance's task list.
    fn fleet_counts(&mut self, counts: &[u32], options: usize) -> (Vec<u32>, Vec<(usize, u32)>) {
        let Mix { groups, unplaced_rows } = self.next(counts);
        let mut per_type = vec![0u32; options];
        for b in &self.bins {
            per_type[self.kept[b.option]] += 1;
        }
        // No instance holds a row no option holds, so its tasks are its members' in order.
        let unplaced = to_packing(&[], &self.members, &groups, &unplaced_rows).unplaced;
        (per_type, unplaced)
    }
}

/// Turns the fleet for the previous mix into one for `demand`: surplus tasks come off the
/// least-used instances (emptied ones go), missing tasks go into the room on the fullest ones,
/// and what is still missing is packed onto new instances by the greedy packer.
/// `loads` are the instances' loads, one for one, and stay so; `have` is the fleet's tasks per
/// row, and the new fleet's (`demand`) on return. Returns, per instance of the new fleet,
/// whether repair changed it.
pub(super) fn repair(p: &Problem, bins: &mut Vec<Pattern>, loads: &mut Vec<Load>, have: &mut [u32], demand: &[u32]) -> Vec<bool> {
    debug_assert_eq!(bins.len(), loads.len());
    debug_assert!(bins.iter().all(|b| b.counts.iter().any(|&n| n > 0)), "no empty instance");
    let mut order = FillOrder::new(
        bins.iter().zip(loads.iter()).map(|(b, l)| fullness(p, b.option, l)).enumerate(),
        false,
    );
    let mut touched = vec![false; bins.len()];
    // Each row's surplus comes off the instances in `order`; the rows are independent, so one
    // walk over the instances serves them all (reading each instance's counts in one place).
    let mut surplus: Vec<(usize, u32)> = (0..demand.len())
        .map(|row| (row, have[row].saturating_sub(demand[row])))
        .filter(|&(_, extra)| extra > 0)
        .collect();
    while !surplus.is_empty() {
        let Some(b) = order.pop() else {
            break;
        };
        let counts = &mut bins[b].counts;
        surplus.retain_mut(|(row, extra)| {
            let k = counts[*row].min(*extra);
            counts[*row] -= k;
            *extra -= k;
            touched[b] |= k > 0;
            *extra > 0
        });
    }
    for (b, l) in bins
        .iter()
        .zip(loads.iter_mut())
        .zip(&touched)
        .filter(|(_, &t)| t)
        .map(|(bl, _)| bl)
    {
        *l = p.load(&b.counts);
    }
    // Only an instance that lost tasks can have been emptied.
    let kept: Vec<bool> = bins
        .iter()
        .zip(&touched)
        .map(|(b, &t)| !t || b.counts.iter().any(|&n| n > 0))
        .collect();
    let mut k = 0;
    bins.retain(|_| {
        k += 1;
        kept[k - 1]
    });
    let mut k = 0;
    loads.retain(|_| {
        k += 1;
        kept[k - 1]
    });
    let mut touched: Vec<bool> = touched.into_iter().zip(&kept).filter(|(_, &kept)| kept).map(|(t, _)| t).collect();
    let mut missing: Vec<u32> = demand.iter().zip(have.iter()).map(|(&d, &h)| d.saturating_sub(h)).collect();
    for (h, &d) in have.iter_mut().zip(demand) {
        *h = (*h).min(d);
    }
    if missing.iter().all(|&n| n == 0) {
        return touched;
    }
    let mut fullest = FillOrder::new(
        bins.iter().zip(loads.iter()).map(|(b, l)| fullness(p, b.option, l)).enumerate(),
        true,
    );
    let mut rows: Vec<usize> = (0..demand.len()).filter(|&i| missing[i] > 0).collect();
    rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
    for i in rows {
        let s = p.shapes[i];
        let mut k = 0;
        while let Some(b) = fullest.nth(k) {
            k += 1;
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
    for ((h, &d), &m) in have.iter_mut().zip(demand).zip(&missing) {
        *h = d - m;
    }
    if missing.iter().any(|&n| n > 0) {
        let groups: Vec<(TaskShape, u32)> = p.shapes.iter().copied().zip(missing.iter().copied()).collect();
        let new = to_patterns(p, &GreedyPacker.pack(&groups, p.options));
        add_tasks(have, &new);
        loads.extend(new.iter().map(|b| p.load(&b.counts)));
        bins.extend(new);
        touched.resize(bins.len(), true);
    }
    touched
}

/// Adds the tasks of `bins` to `have`, per row.
fn add_tasks(have: &mut [u32], bins: &[Pattern]) {
    for b in bins {
        for (h, &n) in have.iter_mut().zip(&b.counts) {
            *h += n;
        }
    }
}
