//! Local search on a fleet: emptying instances, merging pairs, retyping, and large-neighbourhood
//! re-packing of the instances that waste most.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::*;

/// Large-neighbourhood search: the instances that waste most, by the LP's prices, are emptied
/// and their tasks re-packed together with the optimizer; the result is kept when cheaper.
pub(super) fn neighbourhoods(p: &Problem, bins: &mut Vec<Pattern>, duals: &[f64], budget: &mut Budget) {
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
pub(super) fn improve(p: &Problem, bins: &mut Vec<Pattern>) {
    improve_from(p, bins, &mut vec![true; bins.len()]);
}

/// `improve` for a fleet that went through it before and has changed since only in the instances
/// marked `fresh` (kept aligned with `bins`): the others are not retyped or emptied again, and
/// two of them are not tried as a pair again.
pub(super) fn improve_from(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) {
    let mut loads: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    improve_with(p, bins, &mut loads, fresh);
}

/// `improve_from` given the instances' loads, one for one; they stay aligned with `bins`.
pub(super) fn improve_with(p: &Problem, bins: &mut Vec<Pattern>, loads: &mut Vec<Load>, fresh: &mut Vec<bool>) {
    for ((b, l), _) in bins.iter_mut().zip(loads.iter()).zip(fresh.iter()).filter(|(_, &f)| f) {
        if let Some(o) = p.cheapest_holding(l) {
            b.option = o;
        }
    }
    let mut changed = true;
    let mut passes = 0;
    while changed && passes < 4 {
        changed = false;
        passes += 1;
        changed |= empty_instances(p, bins, loads, fresh);
        changed |= merge_pairs(p, bins, loads, fresh);
    }
}

/// Tries to move every task of an instance onto others; the emptied instance goes. Each task
/// goes to the first instance (in fleet order) with room for it; blocks of instances whose most
/// free room cannot take it are passed over whole, so rehoming a task on a large, full fleet does
/// not look at every instance. The instances chosen are those of a plain first-fit scan.
/// `loads` are the instances' loads, kept aligned with `bins`.
pub(super) fn empty_instances(p: &Problem, bins: &mut Vec<Pattern>, base: &mut Vec<Load>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    // The least-used instances first: their tasks are the easiest to rehome. Only the fresh
    // ones are tried, each when its turn comes: one made fresh by taking tasks joins the queue
    // when its turn is still to come.
    let fills: Vec<f64> = bins.iter().zip(base.iter()).map(|(b, l)| fullness(p, b.option, l)).collect();
    let mut queue = FillOrder::new((0..bins.len()).filter(|&i| fresh[i]).map(|i| (i, fills[i])), false);
    let mut removed = vec![false; bins.len()];
    // Committed loads (`base`), and the loads of the move being tried (equal outside `trial`).
    let mut loads = base.clone();
    let mut free = BlockFree::new(p, bins, base);
    // Per row, once a search for a place for one of its tasks found none: the only instances
    // that may still have room for one (those the move being tried had loaded, and the
    // instance being emptied). Room only shrinks in a pass (committed loads grow, emptied
    // instances go), so every other instance has none for good, and a later search reads these
    // few instead of the fleet: most instances of a full fleet cannot be emptied, and their
    // searches would otherwise read every block with some room of each kind.
    let mut only: Vec<Option<Vec<usize>>> = vec![None; p.shapes.len()];
    while let Some(victim) = queue.pop() {
        let mut trial: Vec<(usize, Vec<u32>)> = Vec::new();
        let mut ok = true;
        // Largest tasks first.
        let mut rows: Vec<usize> = (0..p.shapes.len()).filter(|&i| bins[victim].counts[i] > 0).collect();
        rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
        'tasks: for i in rows {
            let s = &p.shapes[i];
            for _ in 0..bins[victim].counts[i] {
                let has_room = |t: usize| t != victim && !removed[t] && p.room(bins[t].option, &loads[t], s, 1);
                let target = match &only[i] {
                    // The first in fleet order.
                    Some(few) => few.iter().copied().filter(|&t| has_room(t)).min(),
                    None => free.blocks_for(s).find_map(|mut range| range.find(|&t| has_room(t))),
                };
                let Some(t) = target else {
                    only[i] = Some(trial.iter().map(|(t, _)| *t).chain([victim]).collect());
                    ok = false;
                    break 'tasks;
                };
                let entry = match trial.iter_mut().position(|(b, _)| *b == t) {
                    Some(k) => k,
                    None => {
                        trial.push((t, vec![0; p.shapes.len()]));
                        trial.len() - 1
                    }
                };
                trial[entry].1[i] += 1;
                let lt = &mut loads[t];
                lt.cpu += u64::from(s.cpu_units);
                lt.mem += u64::from(s.memory_mib);
                lt.eni += u64::from(s.awsvpc);
                lt.x86_only |= !s.arm_ok;
            }
        }
        if ok {
            for (t, extra) in trial {
                for (c, x) in bins[t].counts.iter_mut().zip(extra) {
                    *c += x;
                }
                base[t] = loads[t];
                if !fresh[t] {
                    fresh[t] = true;
                    queue.join_after(victim, t, fills[t], fills[victim]);
                }
                free.update(p, bins, base, &removed, t);
            }
            bins[victim].counts.iter_mut().for_each(|c| *c = 0);
            removed[victim] = true;
            free.update(p, bins, base, &removed, victim);
            changed = true;
        } else {
            for (t, _) in trial {
                loads[t] = base[t];
            }
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
        let mut k = 0;
        base.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
    }
    changed
}

/// Instances in order of how full they are (the emptiest or the fullest first), then of
/// position, taken as they are asked for: a pass that needs the first few of a large fleet
/// reads them off a heap instead of sorting the fleet. The order is that of a sort by
/// `(fill, position)`; fills are never negative, so their bits order as they do.
pub(super) struct FillOrder {
    heap: BinaryHeap<Reverse<(u64, usize)>>,
    fullest_first: bool,
    /// The instances taken so far, in order (for `nth`).
    taken: Vec<usize>,
}

impl FillOrder {
    pub(super) fn new(fills: impl Iterator<Item = (usize, f64)>, fullest_first: bool) -> FillOrder {
        let mut order = FillOrder {
            heap: BinaryHeap::new(),
            fullest_first,
            taken: Vec::new(),
        };
        order.heap = fills.map(|(i, fill)| Reverse((order.key(fill), i))).collect();
        order
    }

    fn key(&self, fill: f64) -> u64 {
        debug_assert!(fill >= 0.0, "a fill is never negative");
        if self.fullest_first {
            !fill.to_bits()
        } else {
            fill.to_bits()
        }
    }

    /// The next instance.
    pub(super) fn pop(&mut self) -> Option<usize> {
        self.heap.pop().map(|Reverse((_, i))| i)
    }

    /// The `k`th instance (from 0), taking as many as that needs.
    pub(super) fn nth(&mut self, k: usize) -> Option<usize> {
        while self.taken.len() <= k {
            let i = self.pop()?;
            self.taken.push(i);
        }
        Some(self.taken[k])
    }

    /// Adds instance `t` (of fill `fill`) when a sort of all of them would put it after `at`
    /// (of fill `at_fill`), the instance just taken.
    pub(super) fn join_after(&mut self, at: usize, t: usize, fill: f64, at_fill: f64) {
        let key = (self.key(fill), t);
        if key > (self.key(at_fill), at) {
            self.heap.push(Reverse(key));
        }
    }
}

/// How full an instance of option `o` with load `l` is: the larger of its CPU and memory shares.
pub(super) fn fullness(p: &Problem, o: usize, l: &Load) -> f64 {
    let o = &p.options[o];
    (l.cpu as f64 / f64::from(o.cpu_units.max(1))).max(l.mem as f64 / f64::from(o.memory_mib.max(1)))
}

/// Instances per block of `BlockFree` and `PairBlocks`. Smaller under test, so the property
/// tests' fleets of a few dozen instances span many blocks and stretches.
#[cfg(not(test))]
const BLOCK: usize = 32;
#[cfg(test)]
const BLOCK: usize = 4;

/// For each block of `BLOCK` instances in fleet order, the most free CPU, memory and ENIs any of
/// them has left (over all of them, and over the x86 ones): a task larger than that fits on none
/// of them. The same for each stretch of `STRETCH` blocks, so that most of a large full fleet is
/// passed over a stretch at a time. Kept from committed loads; a move being tried only takes
/// room away, so the figures stay an upper bound while it is tried.
struct BlockFree {
    blocks: Vec<[Load; 2]>,
    stretches: Vec<[Load; 2]>,
    len: usize,
}

impl BlockFree {
    fn new(p: &Problem, bins: &[Pattern], base: &[Load]) -> BlockFree {
        let blocks = bins.len().div_ceil(BLOCK);
        let mut free = BlockFree {
            blocks: vec![[Load::default(); 2]; blocks],
            stretches: vec![[Load::default(); 2]; blocks.div_ceil(STRETCH)],
            len: bins.len(),
        };
        for k in 0..free.blocks.len() {
            free.recount(p, bins, base, None, k);
        }
        free
    }

    /// Counts block `k` again, and its stretch.
    fn recount(&mut self, p: &Problem, bins: &[Pattern], base: &[Load], removed: Option<&[bool]>, k: usize) {
        let mut most = [Load::default(); 2];
        for t in k * BLOCK..((k + 1) * BLOCK).min(self.len) {
            if removed.is_some_and(|r| r[t]) {
                continue;
            }
            let o = &p.options[bins[t].option];
            let l = &base[t];
            let left = Load {
                cpu: u64::from(o.cpu_units).saturating_sub(l.cpu),
                mem: u64::from(o.memory_mib).saturating_sub(l.mem),
                eni: u64::from(o.awsvpc_tasks).saturating_sub(l.eni),
                x86_only: false,
            };
            for (x86, m) in most.iter_mut().enumerate() {
                if x86 == 0 || o.arch == Arch::X86_64 {
                    widen(m, &left);
                }
            }
        }
        self.blocks[k] = most;
        let sk = k / STRETCH;
        let mut most = [Load::default(); 2];
        for b in &self.blocks[sk * STRETCH..((sk + 1) * STRETCH).min(self.blocks.len())] {
            for (m, b) in most.iter_mut().zip(b) {
                widen(m, b);
            }
        }
        self.stretches[sk] = most;
    }

    /// Recounts the block of instance `t` after its committed load changed or it went.
    fn update(&mut self, p: &Problem, bins: &[Pattern], base: &[Load], removed: &[bool], t: usize) {
        self.recount(p, bins, base, Some(removed), t / BLOCK);
    }

    /// The ranges of instances, in fleet order, of the blocks that may have room for `s`.
    fn blocks_for<'s>(&'s self, s: &'s TaskShape) -> impl Iterator<Item = std::ops::Range<usize>> + 's {
        let x86 = usize::from(!s.arm_ok);
        let room = move |most: &[Load; 2]| {
            let m = &most[x86];
            m.cpu >= u64::from(s.cpu_units) && m.mem >= u64::from(s.memory_mib) && (!s.awsvpc || m.eni >= 1)
        };
        self.stretches
            .iter()
            .enumerate()
            .filter(move |(_, most)| room(most))
            .flat_map(move |(sk, _)| sk * STRETCH..((sk + 1) * STRETCH).min(self.blocks.len()))
            .filter(move |&k| room(&self.blocks[k]))
            .map(|k| k * BLOCK..((k + 1) * BLOCK).min(self.len))
    }
}

/// Widens `m` to hold `l`'s free CPU, memory and ENIs too.
fn widen(m: &mut Load, l: &Load) {
    m.cpu = m.cpu.max(l.cpu);
    m.mem = m.mem.max(l.mem);
    m.eni = m.eni.max(l.eni);
}

/// Replaces two instances by one of a type that holds both and costs less than the pair.
/// Only pairs with a `fresh` instance are tried. Each instance looks for its partners block by
/// block (`PairBlocks`): a block whose lightest loads would not fit, beside the instance, on any
/// type cheaper than the instance and the block's dearest one together is passed over whole, and
/// a pair is held to the most room of the types cheaper than it (`PairRoom`) before a search.
/// A fleet repeats its instances (the same type and load, many times over): once one found no
/// partner after it, another like it later finds none either, until a merge changes the fleet
/// (`NoPartner`). So a pass over a large fleet that changed in a few instances costs far less
/// than the fleet squared. The pairs tried, their order and the merges are those of a plain
/// scan over every pair. `loads` are the instances' loads, kept aligned with `bins`.
pub(super) fn merge_pairs(p: &Problem, bins: &mut Vec<Pattern>, loads: &mut Vec<Load>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    let mut pair_room = PairRoom::of(p);
    let mut blocks = PairBlocks::new(p, bins, loads, fresh);
    let mut no_partner = NoPartner::default();
    let mut i = 0;
    while i < bins.len() {
        if no_partner.known(bins[i].option, &loads[i], fresh[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut merged = false;
        // The next partner at or after `j`: any instance when `i` is fresh, else a fresh one,
        // that might hold the pair.
        while let Some(k) = blocks.next_partner(bins, loads, fresh, &mut pair_room, i, j) {
            j = k;
            let l = joined(loads[i], loads[j]);
            if let Some(o) = pair_room.cheapest_holding(bins[i].option, bins[j].option, &l) {
                let counts: Vec<u32> = bins[i].counts.iter().zip(&bins[j].counts).map(|(a, b)| a + b).collect();
                bins[i] = Pattern { option: o, counts };
                loads[i] = l;
                fresh[i] = true;
                // `swap_remove`: the last instance takes `j`'s place.
                let last = bins.len() - 1;
                bins.swap_remove(j);
                loads.swap_remove(j);
                fresh.swap_remove(j);
                blocks.changed(p, bins, loads, fresh, &[i, j, last]);
                no_partner.clear();
                merged = true;
                changed = true;
                continue;
            }
            j += 1;
        }
        if !merged {
            no_partner.found(bins[i].option, &loads[i], fresh[i]);
            i += 1;
        }
    }
    changed
}

/// The instances (type and load) of a merge pass known to have no partner after them since
/// the last merge: whether a pair merges depends on the two types and loads alone, and a later
/// instance's partners are among an earlier one's (when the earlier one was fresh, or neither
/// is: a fresh instance looks among all the instances after it, another among the fresh ones).
#[derive(Default)]
struct NoPartner {
    /// Per type and load: found by a fresh instance (bit 0), by one that is not (bit 1).
    seen: HashMap<(usize, u64, u64, u64, bool), u8, BuildHasherDefault<FxHasher>>,
}

impl NoPartner {
    fn key(option: usize, l: &Load) -> (usize, u64, u64, u64, bool) {
        (option, l.cpu, l.mem, l.eni, l.x86_only)
    }

    /// Whether an instance like this, later in the fleet than one that found none, has no partner.
    fn known(&self, option: usize, l: &Load, fresh: bool) -> bool {
        let mask = if fresh { 1 } else { 3 };
        self.seen.get(&Self::key(option, l)).is_some_and(|&bits| bits & mask != 0)
    }

    fn found(&mut self, option: usize, l: &Load, fresh: bool) {
        *self.seen.entry(Self::key(option, l)).or_default() |= if fresh { 1 } else { 2 };
    }

    /// A merge changed the fleet: what was known is let go, so that it only ever speaks of the
    /// fleet as it is.
    fn clear(&mut self) {
        self.seen.clear();
    }
}

fn joined(a: Load, b: Load) -> Load {
    Load {
        cpu: a.cpu + b.cpu,
        mem: a.mem + b.mem,
        eni: a.eni + b.eni,
        x86_only: a.x86_only || b.x86_only,
    }
}

/// What a block of `BLOCK` instances offers as merge partners, over all of them and over the
/// fresh ones: the least CPU, memory and ENIs any of them holds (each on its own), and the
/// dearest type among them.
#[derive(Clone, Copy)]
struct Partners {
    /// The dearest option among them; `None` for no instance.
    dearest: Option<usize>,
    least: Load,
}

impl Partners {
    const NONE: Partners = Partners {
        dearest: None,
        least: Load {
            cpu: u64::MAX,
            mem: u64::MAX,
            eni: u64::MAX,
            x86_only: true,
        },
    };

    /// Takes in an instance of `option` holding `l`, or a block's dearest option and least loads.
    fn add(&mut self, p: &Problem, option: Option<usize>, l: &Load) {
        if let Some(o) = option {
            if self.dearest.is_none_or(|d| p.cost[o] > p.cost[d]) {
                self.dearest = Some(o);
            }
        }
        self.least.cpu = self.least.cpu.min(l.cpu);
        self.least.mem = self.least.mem.min(l.mem);
        self.least.eni = self.least.eni.min(l.eni);
        self.least.x86_only &= l.x86_only;
    }
}

/// Blocks per stretch of `PairBlocks` (and `BlockFree`): a stretch that cannot hold what is
/// looked for is passed over whole, so a pass over a fleet of thousands of instances reads a
/// few dozen stretches for most instances, not every block.
#[cfg(not(test))]
const STRETCH: usize = 32;
#[cfg(test)]
const STRETCH: usize = 2;

struct PairBlocks {
    /// `[over all instances, over the fresh ones]` per block, and per stretch of `STRETCH` blocks.
    blocks: Vec<[Partners; 2]>,
    stretches: Vec<[Partners; 2]>,
}

impl PairBlocks {
    fn new(p: &Problem, bins: &[Pattern], loads: &[Load], fresh: &[bool]) -> PairBlocks {
        let mut b = PairBlocks {
            blocks: Vec::with_capacity(bins.len().div_ceil(BLOCK)),
            stretches: Vec::new(),
        };
        for k in 0..bins.len().div_ceil(BLOCK) {
            b.blocks.push(Self::count(p, bins, loads, fresh, k));
        }
        for k in 0..b.blocks.len().div_ceil(STRETCH) {
            b.stretches.push(b.stretch(p, k));
        }
        b
    }

    fn count(p: &Problem, bins: &[Pattern], loads: &[Load], fresh: &[bool], k: usize) -> [Partners; 2] {
        let mut out = [Partners::NONE; 2];
        for t in k * BLOCK..((k + 1) * BLOCK).min(bins.len()) {
            for (layer, o) in out.iter_mut().enumerate() {
                if layer == 0 || fresh[t] {
                    o.add(p, Some(bins[t].option), &loads[t]);
                }
            }
        }
        out
    }

    /// The stretch `k` from its blocks.
    fn stretch(&self, p: &Problem, k: usize) -> [Partners; 2] {
        let mut out = [Partners::NONE; 2];
        for b in &self.blocks[k * STRETCH..((k + 1) * STRETCH).min(self.blocks.len())] {
            for (o, b) in out.iter_mut().zip(b) {
                o.add(p, b.dearest, &b.least);
            }
        }
        out
    }

    /// Counts again the blocks of the positions given, after a merge changed or moved them, and
    /// their stretches and the last one (which may have lost a block).
    fn changed(&mut self, p: &Problem, bins: &[Pattern], loads: &[Load], fresh: &[bool], at: &[usize]) {
        self.blocks.truncate(bins.len().div_ceil(BLOCK));
        self.stretches.truncate(self.blocks.len().div_ceil(STRETCH));
        for &t in at {
            let k = t / BLOCK;
            if k < self.blocks.len() {
                self.blocks[k] = Self::count(p, bins, loads, fresh, k);
            }
        }
        let last = self.stretches.len().checked_sub(1);
        for k in at.iter().map(|&t| t / BLOCK / STRETCH).chain(last) {
            if k < self.stretches.len() {
                self.stretches[k] = self.stretch(p, k);
            }
        }
    }

    /// The first position at or after `from` that might merge with `i` (any instance when `i`
    /// is fresh, else a fresh one), by the stretches, the blocks and then by `PairRoom`.
    fn next_partner(
        &self,
        bins: &[Pattern],
        loads: &[Load],
        fresh: &[bool],
        pair_room: &mut PairRoom,
        i: usize,
        from: usize,
    ) -> Option<usize> {
        let layer = usize::from(!fresh[i]);
        let (oi, li) = (bins[i].option, loads[i]);
        let mut t = from;
        while t < bins.len() {
            let stretch_end = ((t / (BLOCK * STRETCH) + 1) * BLOCK * STRETCH).min(bins.len());
            if !Self::may_hold(pair_room, &self.stretches[t / (BLOCK * STRETCH)][layer], oi, &li) {
                t = stretch_end;
                continue;
            }
            while t < stretch_end {
                let k = t / BLOCK;
                let end = ((k + 1) * BLOCK).min(bins.len());
                if Self::may_hold(pair_room, &self.blocks[k][layer], oi, &li) {
                    if let Some(j) =
                        (t..end).find(|&j| (layer == 0 || fresh[j]) && pair_room.may_hold(oi, bins[j].option, &joined(li, loads[j])))
                    {
                        return Some(j);
                    }
                }
                t = end;
            }
        }
        None
    }

    /// Whether an instance of the block might merge with one of option `oi` and load `li`: the
    /// block's lightest loads beside `li`, against the most room of the types cheaper than `oi`
    /// and the block's dearest type together.
    fn may_hold(pair_room: &mut PairRoom, b: &Partners, oi: usize, li: &Load) -> bool {
        let Some(room) = b.dearest.and_then(|od| pair_room.room(oi, od)) else {
            return false;
        };
        // A pair holds an x86-only task when either does: when `li` does or every instance of
        // the block does, only the x86 types' room counts.
        let r = room[usize::from(li.x86_only || b.least.x86_only)];
        li.cpu + b.least.cpu <= r.cpu && li.mem + b.least.mem <= r.mem && li.eni + b.least.eni <= r.eni
    }
}

/// For each pair of options, the most CPU, memory and ENIs any option cheaper than the pair
/// offers (over all options, and over x86 ones): a load beyond it fits on no cheaper instance.
/// Each pair's entry is found the first time a pass asks for it.
struct PairRoom<'p, 'a> {
    p: &'p Problem<'a>,
    /// `cheaper[a * options + b]`: how many options cost less than the pair (a prefix of
    /// `by_cost`), `UNKNOWN` until asked for.
    cheaper: Vec<u16>,
}

const UNKNOWN: u16 = u16::MAX;

impl<'p, 'a> PairRoom<'p, 'a> {
    fn of(p: &'p Problem<'a>) -> PairRoom<'p, 'a> {
        PairRoom {
            p,
            cheaper: vec![UNKNOWN; p.options.len() * p.options.len()],
        }
    }

    /// How many options (a prefix of `by_cost`) cost less than `a` and `b` together.
    fn cheaper(&mut self, a: usize, b: usize) -> usize {
        let p = self.p;
        let entry = &mut self.cheaper[a * p.options.len() + b];
        if *entry != UNKNOWN {
            return usize::from(*entry);
        }
        let limit = p.cost[a] + p.cost[b] - 1e-9;
        let n = p.by_cost.partition_point(|&o| p.cost[o] < limit);
        // A count that does not fit below `UNKNOWN` is found again each time it is asked for.
        match u16::try_from(n) {
            Ok(v) if v != UNKNOWN => *entry = v,
            _ => {}
        }
        n
    }

    /// The most room of the options cheaper than `a` and `b` together (over all, over x86 ones);
    /// `None` when no option is.
    fn room(&mut self, a: usize, b: usize) -> Option<[Load; 2]> {
        let k = self.cheaper(a, b).checked_sub(1)?;
        Some(self.p.prefix_room[k])
    }

    /// The cheapest option that holds `l` and costs less than `a` and `b` together, if any:
    /// `Problem::cheapest_holding_below` with the pair's count of cheaper options remembered.
    fn cheapest_holding(&mut self, a: usize, b: usize, l: &Load) -> Option<usize> {
        if !self.may_hold(a, b, l) {
            return None;
        }
        let n = self.cheaper(a, b);
        self.p.cheapest_of_first(n, l)
    }

    /// Whether some option cheaper than `a` and `b` together might hold `l`: false means none does.
    fn may_hold(&mut self, a: usize, b: usize, l: &Load) -> bool {
        self.room(a, b).is_some_and(|room| {
            let r = room[usize::from(l.x86_only)];
            l.cpu <= r.cpu && l.mem <= r.mem && l.eni <= r.eni
        })
    }
}

#[cfg(test)]
mod tests;
