//! The pricing step of column generation: the most valuable set of tasks one instance can hold,
//! a bounded knapsack in three dimensions (CPU units, memory, ENIs). Solved exactly by depth-first
//! branch and bound, pruned by fractional relaxations of single and combined dimensions. With a
//! node limit it may stop early; it then still returns a valid upper bound, which is what keeps the
//! optimizer's lower bound honest.

/// Below this a value gain counts as none.
const EPS: f64 = 1e-9;

/// Nodes searched once a set above the target is found.
const AFTER_TARGET_NODES: u64 = 2_000;

/// Multipliers of (CPU, memory, ENIs), each dimension relative to the instance's capacity.
const SURROGATES: [[f64; 3]; 9] = [
    [1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0],
    [0.0, 0.0, 1.0],
    [0.5, 0.5, 0.0],
    [0.25, 0.75, 0.0],
    [0.75, 0.25, 0.0],
    [0.5, 0.0, 0.5],
    [0.0, 0.5, 0.5],
    [0.34, 0.33, 0.33],
];

/// The weightings of `SURROGATES` that weigh ENIs against one other dimension alone. Lean fills
/// leave them out: on large sets they seldom find a set the others miss, and they cost two ninths
/// of the fills (the optimizer's `LEAN_PRICING_FROM` says where).
const ENI_PAIRED: [usize; 2] = [6, 7];

#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub value: f64,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// 1 for an awsvpc task, which takes an ENI.
    pub enis: u32,
    /// At most this many copies.
    pub max: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Capacity {
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub enis: u32,
}

#[derive(Clone, Debug)]
pub struct Knapsack {
    /// Copies of each item, in the order given.
    pub counts: Vec<u32>,
    pub value: f64,
    /// No feasible set is worth more than this; equals `value` when solved to optimality.
    pub upper_bound: f64,
    pub nodes: u64,
}

struct Search {
    items: Vec<Item>,
    /// Per relaxation: its multipliers, item weights, and the items by value per weight.
    relaxations: Vec<([f64; 3], Vec<f64>, Vec<usize>)>,
    cap: Capacity,
    best: f64,
    target: f64,
    best_counts: Vec<u32>,
    counts: Vec<u32>,
    nodes: u64,
    node_limit: u64,
    aborted: bool,
}

/// The best set of copies of `items` within `cap`, searching at most `node_limit` nodes.
///
/// Only sets worth more than `target` matter: branches that cannot beat it are cut, so when the
/// best is below `target` the search proves only that (the upper bound is then `target`). Column
/// generation asks exactly this question, and it is far quicker to answer.
pub fn solve(items: &[Item], cap: Capacity, target: f64, node_limit: u64) -> Knapsack {
    let n = items.len();
    // Fits alone, and worth something: the rest are left out of the search.
    let max_of = |it: &Item| {
        let by = |need: u32, room: u32| room.checked_div(need).unwrap_or(u32::MAX);
        it.max
            .min(by(it.cpu_units, cap.cpu_units))
            .min(by(it.memory_mib, cap.memory_mib))
            .min(by(it.enis, cap.enis))
    };
    let mut order: Vec<usize> = (0..n).filter(|&i| items[i].value > EPS && max_of(&items[i]) > 0).collect();
    let norm = |need: u32, room: u32| if room == 0 { 0.0 } else { f64::from(need) / f64::from(room) };
    let size = |it: &Item| norm(it.cpu_units, cap.cpu_units) + norm(it.memory_mib, cap.memory_mib) + norm(it.enis, cap.enis);
    order.sort_by(|&a, &b| {
        let da = items[a].value / size(&items[a]).max(EPS);
        let db = items[b].value / size(&items[b]).max(EPS);
        db.total_cmp(&da).then(a.cmp(&b))
    });
    let local: Vec<Item> = order
        .iter()
        .map(|&i| Item {
            max: max_of(&items[i]),
            ..items[i]
        })
        .collect();
    // Surrogate relaxations: CPU and memory mixed in several proportions, ENIs alone and mixed in.
    // The least of their fractional bounds prunes the search.
    let dims: Vec<[f64; 3]> = SURROGATES.to_vec();
    let relaxations = dims
        .iter()
        .map(|w| {
            let ws: Vec<f64> = local
                .iter()
                .map(|it| {
                    w[0] * norm(it.cpu_units, cap.cpu_units) + w[1] * norm(it.memory_mib, cap.memory_mib) + w[2] * norm(it.enis, cap.enis)
                })
                .collect();
            let mut ord: Vec<usize> = (0..local.len()).collect();
            ord.sort_by(|&a, &b| {
                let ra = if ws[a] == 0.0 { f64::INFINITY } else { local[a].value / ws[a] };
                let rb = if ws[b] == 0.0 { f64::INFINITY } else { local[b].value / ws[b] };
                rb.total_cmp(&ra).then(a.cmp(&b))
            });
            (*w, ws, ord)
        })
        .collect();
    let mut s = Search {
        counts: vec![0; local.len()],
        best_counts: vec![0; local.len()],
        items: local,
        relaxations,
        cap,
        best: 0.0,
        target,
        nodes: 0,
        node_limit,
        aborted: false,
    };
    let root_bound = s.bound(0, cap);
    s.dfs(0, cap, 0.0);
    let mut counts = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        counts[i] = s.best_counts[k];
    }
    Knapsack {
        counts,
        value: s.best,
        upper_bound: if s.aborted {
            root_bound.max(s.best)
        } else {
            s.best.max(target.min(root_bound))
        },
        nodes: s.nodes,
    }
}

impl Search {
    /// An upper bound on what items `k..` can add within `room`: the least of the fractional
    /// relaxations.
    fn bound(&self, k: usize, room: Capacity) -> f64 {
        let mut best = f64::INFINITY;
        let norm = |need: u32, cap: u32| if cap == 0 { 0.0 } else { f64::from(need) / f64::from(cap) };
        let rooms = [
            norm(room.cpu_units, self.cap.cpu_units),
            norm(room.memory_mib, self.cap.memory_mib),
            norm(room.enis, self.cap.enis),
        ];
        for (w, ws, ord) in &self.relaxations {
            let mut left = w[0] * rooms[0] + w[1] * rooms[1] + w[2] * rooms[2];
            let mut v = 0.0;
            for &i in ord {
                if i < k {
                    continue;
                }
                let it = &self.items[i];
                let w = ws[i];
                if w == 0.0 {
                    v += it.value * f64::from(it.max);
                    continue;
                }
                let take = (left / w).min(f64::from(it.max));
                if take <= 0.0 {
                    break;
                }
                v += take * it.value;
                left -= take * w;
            }
            best = best.min(v);
        }
        best
    }

    fn dfs(&mut self, k: usize, room: Capacity, value: f64) {
        self.nodes += 1;
        if value > self.best + EPS {
            if self.best <= self.target && value > self.target {
                // A set worth more than the target is what the caller needs; a little more
                // search may find a better one, an exhaustive one rarely pays.
                self.node_limit = self.node_limit.min(self.nodes + AFTER_TARGET_NODES);
            }
            self.best = value;
            self.best_counts.clone_from(&self.counts);
        }
        if k == self.items.len() {
            return;
        }
        if self.nodes >= self.node_limit {
            self.aborted = true;
            return;
        }
        if value + self.bound(k, room) <= self.best.max(self.target) + EPS {
            return;
        }
        let it = self.items[k];
        let by = |need: u32, r: u32| r.checked_div(need).unwrap_or(u32::MAX);
        let most = it
            .max
            .min(by(it.cpu_units, room.cpu_units))
            .min(by(it.memory_mib, room.memory_mib))
            .min(by(it.enis, room.enis));
        for c in (0..=most).rev() {
            self.counts[k] = c;
            let r = Capacity {
                cpu_units: room.cpu_units - c * it.cpu_units,
                memory_mib: room.memory_mib - c * it.memory_mib,
                enis: room.enis - c * it.enis,
            };
            self.dfs(k + 1, r, value + f64::from(c) * it.value);
            if self.aborted {
                break;
            }
        }
        self.counts[k] = 0;
    }
}

/// Above this many states the dynamic program is not attempted.
const MAX_DP_STATES: usize = 400_000;

/// The exact best set within each of `caps`, by dynamic programming over (ENIs, CPU, memory) in
/// units of the items' greatest common divisors (Fargate sizes are multiples of 256 CPU units and
/// 512 MiB, so an instance is a small grid). One table serves every capacity inside the largest,
/// and a bit per piece and cell records the choices, so each capacity's set is read back from the
/// table. Items without ENIs are run on one plane of the grid first, which is then copied to every
/// ENI count. The table holds `f32` values: half the memory of `f64`, so it stays in the
/// processor's L2 cache, and twice the cells per vector instruction; each answer's `upper_bound`
/// allows for the rounding. Returns one answer per capacity and the cell updates made; `None` when
/// the grid would be too large.
pub fn exact_best(items: &[Item], caps: &[Capacity]) -> Option<(Vec<Knapsack>, u64)> {
    let none = |caps: &[Capacity]| {
        caps.iter()
            .map(|_| Knapsack {
                counts: vec![0; items.len()],
                value: 0.0,
                upper_bound: 0.0,
                nodes: 0,
            })
            .collect()
    };
    let used: Vec<usize> = (0..items.len()).filter(|&i| items[i].value > EPS && items[i].max > 0).collect();
    if used.is_empty() {
        return Some((none(caps), 0));
    }
    let gcd = |a: u32, b: u32| {
        let (mut a, mut b) = (a, b);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let gc = used.iter().fold(0, |g, &i| gcd(g, items[i].cpu_units)).max(1);
    let gm = used.iter().fold(0, |g, &i| gcd(g, items[i].memory_mib)).max(1);
    let eni_items: u64 = used.iter().filter(|&&i| items[i].enis > 0).map(|&i| u64::from(items[i].max)).sum();
    let total = |f: fn(&Item) -> u32| used.iter().map(|&i| u64::from(f(&items[i])) * u64::from(items[i].max)).sum::<u64>();
    // Axis lengths: never beyond what all the items together could use.
    let max_c = caps.iter().map(|c| c.cpu_units).max()?;
    let max_m = caps.iter().map(|c| c.memory_mib).max()?;
    let max_e = caps.iter().map(|c| c.enis).max()?;
    let nc = (u64::from(max_c / gc)).min(total(|i| i.cpu_units) / u64::from(gc)) as usize + 1;
    let nm = (u64::from(max_m / gm)).min(total(|i| i.memory_mib) / u64::from(gm)) as usize + 1;
    let ne = u64::from(max_e).min(eni_items) as usize + 1;
    let plane = nc.checked_mul(nm)?;
    let states = plane.checked_mul(ne)?;
    if states > MAX_DP_STATES {
        return None;
    }
    // Pieces: bounded copies as 0/1 pieces of 1, 2, 4, ... copies; items without ENIs first. An
    // item with at least as many copies as the whole grid could hold is one unbounded piece,
    // run once forward over the table instead of once per power of two.
    // Each piece has a bit per cell of the rows it updates, a row being one (ENIs, CPU) pair.
    // A row is a whole number of 64-cell words, so every piece runs over whole words: no
    // scalar tails, and no branch for the cells below its memory weight (see `Relax`).
    let len = nm.next_multiple_of(64);
    let words = len / 64;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut bits = 0usize;
    // Copies of an item the whole grid could hold.
    let fits_of = |it: &Item| {
        let (wc, wm, we) = ((it.cpu_units / gc) as usize, (it.memory_mib / gm) as usize, it.enis as usize);
        [(wc, nc), (wm, nm), (we, ne)]
            .iter()
            .map(|&(w, n)| (n - 1).checked_div(w).unwrap_or(usize::MAX))
            .min()
            .unwrap_or(0)
    };
    // An item with as many copies as fit, no larger than another and worth at least as much,
    // can take that one's place in any set: the other is left out.
    let unlimited: Vec<usize> = used
        .iter()
        .copied()
        .filter(|&j| items[j].max as usize >= fits_of(&items[j]))
        .collect();
    let dominated = |i: usize| {
        let a = &items[i];
        unlimited.iter().any(|&j| {
            let b = &items[j];
            j != i
                && b.cpu_units <= a.cpu_units
                && b.memory_mib <= a.memory_mib
                && b.enis <= a.enis
                && b.value >= a.value
                && (b.value > a.value || (b.cpu_units, b.memory_mib, b.enis) != (a.cpu_units, a.memory_mib, a.enis) || j < i)
        })
    };
    let mut ordered: Vec<usize> = used.iter().copied().filter(|&i| !dominated(i)).collect();
    ordered.sort_by_key(|&i| items[i].enis > 0);
    for i in ordered {
        let it = &items[i];
        let (wc, wm, we) = ((it.cpu_units / gc) as usize, (it.memory_mib / gm) as usize, it.enis as usize);
        let rows = if we == 0 { nc } else { nc * ne };
        let fits = fits_of(it);
        if fits == 0 {
            continue;
        }
        if it.max as usize >= fits && fits > 1 {
            pieces.push(Piece {
                item: i,
                copies: 1,
                unbounded: true,
                w: [wc, wm, we],
                value: it.value,
                bits,
            });
            bits += rows * words;
            continue;
        }
        let mut left = it.max;
        let mut k = 1u32;
        while left > 0 {
            let take = k.min(left);
            left -= take;
            k = k.saturating_mul(2);
            let t = take as usize;
            let w = [wc * t, wm * t, we * t];
            if w[0] >= nc || w[1] >= nm || w[2] >= ne {
                continue;
            }
            pieces.push(Piece {
                item: i,
                copies: take,
                unbounded: false,
                w,
                value: it.value * f64::from(take),
                bits,
            });
            bits += rows * words;
        }
    }
    // The table and the bits from the last call on this thread: zeroing memory already mapped is
    // much quicker than mapping it afresh. One word of cells comes before the first row: a
    // piece's first word may read up to a word back. The bits are not zeroed: a piece writes
    // every word of its rows from its memory weight on, and only those are read.
    let (mut f, mut taken) = TABLES.take();
    f.clear();
    f.resize(LEAD + states / nm * len, 0.0);
    taken.resize(bits, 0);
    let mut cells = 0u64;
    let flat = pieces.iter().take_while(|pc| pc.w[2] == 0 && items[pc.item].enis == 0).count();
    // The widest vector instructions the processor has (detected once, at run time).
    let arch = pulp::Arch::new();
    #[cfg(target_arch = "x86_64")]
    let avx2 = pulp::x86::V3::try_new();
    #[cfg(not(target_arch = "x86_64"))]
    let avx2: Option<()> = None;
    let grid = Grid { nc, nm, len, words };
    let mut gains = vec![f32::NEG_INFINITY; len];
    let mut relax = |f: &mut [f32], taken: &mut [u64], pc: &Piece, layers: usize| {
        // The piece's value where it fits in memory, minus infinity where it does not.
        gains.fill(f32::NEG_INFINITY);
        gains[pc.w[1]..nm].fill(pc.value as f32);
        let relax = Relax {
            f,
            taken,
            pc,
            gains: &gains,
            layers,
            grid,
        };
        cells += match avx2 {
            #[cfg(target_arch = "x86_64")]
            Some(simd) => simd.vectorize(Avx2Relax(relax, simd)),
            _ => arch.dispatch(relax),
        };
    };
    for pc in &pieces[..flat] {
        relax(&mut f, &mut taken, pc, 1);
    }
    let plane = nc * len;
    let (first, rest) = f[LEAD..].split_at_mut(plane);
    for layer in rest.chunks_mut(plane) {
        layer.copy_from_slice(first);
    }
    for pc in &pieces[flat..] {
        relax(&mut f, &mut taken, pc, ne);
    }
    // Cell `s` is row `(s - LEAD) / len`, memory `(s - LEAD) % len`, with a bit per cell.
    let is_taken = |pc: &Piece, s: usize| {
        let (r, m) = ((s - LEAD) / len, (s - LEAD) % len);
        let [dc, dm, de] = pc.w;
        r / nc >= de && r % nc >= dc && m >= dm && taken[pc.bits + r * words + m / 64] & (1 << (m % 64)) != 0
    };
    let offset = |pc: &Piece| (pc.w[2] * nc + pc.w[0]) * len + pc.w[1];
    // The table adds in `f32`. Along the best set, its value at a capacity is at least the best
    // set's value added up in `f32`: low by at most one rounding per addition plus one for the
    // values' conversion, each within `f32::EPSILON / 2` of it. An addition takes at least one
    // step of CPU or memory (when every item has some), so a chain of them is at most
    // `nc + nm - 2` long; otherwise count the pieces, an unbounded one as often as it fits. The
    // best set is worth at most the table's value times this, and the set read back (whose `f32`
    // sum is the table's value) nearly as much.
    let sized = used.iter().all(|&i| items[i].cpu_units / gc > 0 || items[i].memory_mib / gm > 0);
    let additions = if sized {
        (nc + nm - 2) as f64
    } else {
        pieces
            .iter()
            .map(|pc| if pc.unbounded { fits_of(&items[pc.item]) as f64 } else { 1.0 })
            .sum()
    };
    let rounding = 1.0 + f64::from(f32::EPSILON) * (additions + 2.0);
    let answers = caps
        .iter()
        .map(|cap| {
            let c = ((cap.cpu_units / gc) as usize).min(nc - 1);
            let m = ((cap.memory_mib / gm) as usize).min(nm - 1);
            let e = (cap.enis as usize).min(ne - 1);
            let mut s = LEAD + (e * nc + c) * len + m;
            let table = f64::from(f[s]);
            let mut counts = vec![0u32; items.len()];
            // An unbounded piece may have been taken again at the cell it came from.
            let mut undo = |pc: &Piece, s: &mut usize| {
                while is_taken(pc, *s) {
                    counts[pc.item] += pc.copies;
                    *s -= offset(pc);
                    if !pc.unbounded {
                        break;
                    }
                }
            };
            for pc in pieces[flat..].iter().rev() {
                undo(pc, &mut s);
            }
            // The flat pieces' choices live on the first plane, which every layer copied.
            let mut s = LEAD + (s - LEAD) % plane;
            for pc in pieces[..flat].iter().rev() {
                undo(pc, &mut s);
            }
            let value: f64 = counts.iter().zip(items).map(|(&n, it)| f64::from(n) * it.value).sum();
            Knapsack {
                counts,
                value,
                upper_bound: value.max(table) * rounding,
                nodes: 0,
            }
        })
        .collect();
    TABLES.set((f, taken));
    Some((answers, cells))
}

thread_local! {
    /// The exact program's table and choice bits, kept between calls.
    static TABLES: std::cell::Cell<(Vec<f32>, Vec<u64>)> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// A piece of an item in the exact program: some copies, taken together or not at all, or one
/// copy that may be taken again and again.
struct Piece {
    item: usize,
    copies: u32,
    unbounded: bool,
    /// Its weight on each axis (CPU, memory, ENIs).
    w: [usize; 3],
    value: f64,
    /// Where its bits start.
    bits: usize,
}

/// Cells before the exact program's first row.
const LEAD: usize = 64;

/// The exact program's table: `nc` CPU steps by `nm` memory steps per ENI layer, in rows of `len`
/// cells (`words` words of choice bits).
#[derive(Clone, Copy)]
struct Grid {
    nc: usize,
    nm: usize,
    len: usize,
    words: usize,
}

/// One piece run over the table's first `layers` ENI layers. `gains` holds, per memory step, the
/// piece's value where the piece fits below it and minus infinity elsewhere.
struct Relax<'a> {
    f: &'a mut [f32],
    taken: &'a mut [u64],
    pc: &'a Piece,
    gains: &'a [f32],
    layers: usize,
    grid: Grid,
}

impl pulp::WithSimd for Relax<'_> {
    /// The cells updated.
    type Output = u64;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> u64 {
        self.run(Plain)
    }
}

/// `Relax` with AVX2 instructions chosen by hand: LLVM's own vector code for `Plain` builds the
/// bits with shifts and turns the cell write into a masked store.
#[cfg(target_arch = "x86_64")]
struct Avx2Relax<'a>(Relax<'a>, pulp::x86::V3);

#[cfg(target_arch = "x86_64")]
impl pulp::NullaryFnOnce for Avx2Relax<'_> {
    type Output = u64;

    #[inline(always)]
    fn call(self) -> u64 {
        self.0.run(self.1)
    }
}

/// How a word of 64 cells is relaxed: `f[at..at + 64]` from `f[at - back..]` (`back` at least
/// 64) plus `gains`, keeping the larger; returns a bit per cell that improved.
trait Word: Copy {
    fn relax(self, f: &mut [f32], at: usize, back: usize, gains: &[f32]) -> u64;
}

/// Plain code, vectorized by the compiler for whatever `pulp` dispatched to.
#[derive(Clone, Copy)]
struct Plain;

impl Word for Plain {
    #[inline(always)]
    fn relax(self, f: &mut [f32], at: usize, back: usize, gains: &[f32]) -> u64 {
        let (lo, hi) = f.split_at_mut(at);
        let src = &lo[at - back..at - back + 64];
        let mut mask = 0u64;
        for (j, ((d, &s), &g)) in hi[..64].iter_mut().zip(src).zip(gains).enumerate() {
            let cand = s + g;
            let better = cand > *d;
            // Written whether or not it improved: a masked store is slow.
            *d = d.max(cand);
            mask |= u64::from(better) << j;
        }
        mask
    }
}

#[cfg(target_arch = "x86_64")]
impl Word for pulp::x86::V3 {
    #[inline(always)]
    fn relax(self, f: &mut [f32], at: usize, back: usize, gains: &[f32]) -> u64 {
        use core::arch::x86_64::__m256i;
        use pulp::bytemuck::cast;
        let (lo, hi) = f.split_at_mut(at);
        let (src, _) = pulp::as_arrays::<8, f32>(&lo[at - back..at - back + 64]);
        let (dst, _) = pulp::as_arrays_mut::<8, f32>(&mut hi[..64]);
        let (gains, _) = pulp::as_arrays::<8, f32>(gains);
        let mut better = [cast::<[i32; 8], __m256i>([0; 8]); 8];
        for (((d, s), g), better) in dst.iter_mut().zip(src).zip(gains).zip(&mut better) {
            let cand = self.add_f32x8(cast(*s), cast(*g));
            let old: pulp::f32x8 = cast(*d);
            *better = cast(self.cmp_gt_f32x8(cand, old));
            // `vmaxps` keeps `old` unless `cand` is greater: one store, no NaN handling.
            *d = cast(self.max_f32x8(cand, old));
        }
        // Four vectors of comparisons to 32 bits: packed to bytes (within 128-bit lanes, so each
        // 32-bit group is 4 cells of one vector, in the order 0a 1a 2a 3a 0b 1b 2b 3b), put back
        // in cell order, one bit per byte.
        let order = self.avx._mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        let bits = |b: &[__m256i]| {
            let low = self.avx2._mm256_packs_epi32(b[0], b[1]);
            let high = self.avx2._mm256_packs_epi32(b[2], b[3]);
            let bytes = self.avx2._mm256_packs_epi16(low, high);
            u64::from(self.avx2._mm256_movemask_epi8(self.avx2._mm256_permutevar8x32_epi32(bytes, order)) as u32)
        };
        bits(&better[..4]) | bits(&better[4..]) << 32
    }
}

impl Relax<'_> {
    /// The cells updated.
    #[inline(always)]
    fn run<W: Word>(self, word: W) -> u64 {
        let Relax {
            f,
            taken,
            pc,
            gains,
            layers,
            grid: Grid { nc, nm, len, words },
        } = self;
        let [dc, dm, de] = pc.w;
        let back = (de * nc + dc) * len + dm;
        let rows = (layers - de) * (nc - dc);
        let cells = (rows * (nm - dm)) as u64;
        // The piece's rows of the table, in the order it goes.
        let order: Vec<usize> = if pc.unbounded {
            (de..layers).flat_map(|e| (dc..nc).map(move |c| e * nc + c)).collect()
        } else {
            (de..layers).rev().flat_map(|e| (dc..nc).rev().map(move |c| e * nc + c)).collect()
        };
        if back < 64 {
            // Memory only (a task without CPU): the source is this row, a few cells back.
            for &r in &order {
                let row = &mut f[LEAD + r * len..LEAD + (r + 1) * len];
                let out = &mut taken[pc.bits + r * words..pc.bits + (r + 1) * words];
                out.fill(0);
                let mut step = |m: usize| {
                    let cand = row[m - dm] + pc.value as f32;
                    if cand > row[m] {
                        row[m] = cand;
                        out[m / 64] |= 1 << (m % 64);
                    }
                };
                if pc.unbounded {
                    (dm..nm).for_each(&mut step);
                } else {
                    (dm..nm).rev().for_each(&mut step);
                }
            }
            return cells;
        }
        // A word of cells and its source, at least a word earlier in the table: both are read and
        // written without branches. A 0/1 piece goes down the table so each word reads sources the
        // piece has not touched; an unbounded one goes up, so its sources may hold copies of it.
        let first = dm / 64;
        for &r in &order {
            for k in first..words {
                // Down the row too for a 0/1 piece (its source is in an earlier row in any case).
                let k = if pc.unbounded { k } else { words - 1 - (k - first) };
                let at = LEAD + r * len + k * 64;
                taken[pc.bits + r * words + k] = word.relax(f, at, back, &gains[k * 64..k * 64 + 64]);
            }
        }
        cells
    }
}

/// Sets for `cap` filled greedily, one per surrogate weighting (every one, or with `lean` all but
/// `ENI_PAIRED`; items by value per weighted size, as many copies of each as fit), those worth more
/// than `target`, and an upper bound on the best set: the least of the same orders' fractional
/// relaxations. Quick, and the sets are usually good.
pub fn greedy(items: &[Item], cap: Capacity, target: f64, lean: bool) -> (Vec<Knapsack>, f64) {
    let norm = |need: u32, room: u32| if room == 0 { 0.0 } else { f64::from(need) / f64::from(room) };
    let by = |need: u32, r: u32| r.checked_div(need).unwrap_or(u32::MAX);
    let live: Vec<(usize, [f64; 3], u32)> = (0..items.len())
        .filter(|&i| items[i].value > EPS && items[i].max > 0)
        .map(|i| {
            let it = &items[i];
            let most = it
                .max
                .min(by(it.cpu_units, cap.cpu_units))
                .min(by(it.memory_mib, cap.memory_mib))
                .min(by(it.enis, cap.enis));
            (
                i,
                [
                    norm(it.cpu_units, cap.cpu_units),
                    norm(it.memory_mib, cap.memory_mib),
                    norm(it.enis, cap.enis),
                ],
                most,
            )
        })
        .filter(|x| x.2 > 0)
        .collect();
    let mut bound = f64::INFINITY;
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(live.len());
    let mut counts = vec![0u32; items.len()];
    let mut sets = Vec::new();
    for w in SURROGATES
        .iter()
        .enumerate()
        .filter(|(k, _)| !(lean && ENI_PAIRED.contains(k)))
        .map(|(_, w)| w)
    {
        // By density, highest first, then by position. Densities are positive (or infinite),
        // so their bits order them: integer keys sort faster than floats.
        order.clear();
        order.extend(live.iter().enumerate().map(|(k, (i, sz, _))| {
            let size = w[0] * sz[0] + w[1] * sz[1] + w[2] * sz[2];
            let density = if size > 0.0 { items[*i].value / size } else { f64::INFINITY };
            (!density.to_bits(), k)
        }));
        order.sort_unstable();
        let mut room = cap;
        let mut value = 0.0;
        // The fractional relaxation along the same order.
        let mut left = w[0] + w[1] + w[2];
        let mut relaxed = 0.0;
        for &(key, k) in &order {
            let density = f64::from_bits(!key);
            let (i, _, most) = live[k];
            let it = &items[i];
            let size = it.value / density;
            if density.is_infinite() {
                relaxed += it.value * f64::from(most);
            } else if left > 0.0 {
                let take = (left / size).min(f64::from(most));
                relaxed += take * it.value;
                left -= take * size;
            }
            // No divisions for an item that no longer fits (most of them, once the room is
            // nearly taken).
            let fits = it.cpu_units <= room.cpu_units && it.memory_mib <= room.memory_mib && it.enis <= room.enis;
            let n = if fits {
                most.min(by(it.cpu_units, room.cpu_units))
                    .min(by(it.memory_mib, room.memory_mib))
                    .min(by(it.enis, room.enis))
            } else {
                0
            };
            if n > 0 {
                counts[i] = n;
                value += f64::from(n) * it.value;
                room.cpu_units -= n * it.cpu_units;
                room.memory_mib -= n * it.memory_mib;
                room.enis -= n * it.enis;
            }
        }
        bound = bound.min(relaxed);
        if value > target {
            sets.push(Knapsack {
                counts: counts.clone(),
                value,
                upper_bound: f64::INFINITY,
                nodes: 0,
            });
        }
        for &(_, k) in &order {
            counts[live[k].0] = 0;
        }
    }
    (sets, if bound.is_finite() { bound } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(value: f64, cpu: u32, mem: u32, enis: u32, max: u32) -> Item {
        Item {
            value,
            cpu_units: cpu,
            memory_mib: mem,
            enis,
            max,
        }
    }

    #[test]
    fn finds_the_optimum_greedy_misses() {
        // Greedy by density takes the 3-unit item; the best is two 2-unit ones.
        let items = [item(3.1, 3, 0, 0, 1), item(2.0, 2, 0, 0, 2)];
        let k = solve(
            &items,
            Capacity {
                cpu_units: 4,
                memory_mib: 10,
                enis: 5,
            },
            0.0,
            1_000,
        );
        assert_eq!(k.counts, vec![0, 2]);
        assert!((k.value - 4.0).abs() < 1e-12 && k.upper_bound == k.value);
    }

    #[test]
    fn respects_the_eni_limit() {
        let items = [item(1.0, 1, 1, 1, 10)];
        let k = solve(
            &items,
            Capacity {
                cpu_units: 100,
                memory_mib: 100,
                enis: 2,
            },
            0.0,
            1_000,
        );
        assert_eq!(k.counts, vec![2]);
    }

    fn brute(items: &[Item], cap: Capacity) -> f64 {
        fn go(items: &[Item], cap: Capacity, k: usize) -> f64 {
            if k == items.len() {
                return 0.0;
            }
            let it = items[k];
            let mut best: f64 = 0.0;
            for c in 0..=it.max {
                if c * it.cpu_units > cap.cpu_units || c * it.memory_mib > cap.memory_mib || c * it.enis > cap.enis {
                    break;
                }
                let r = Capacity {
                    cpu_units: cap.cpu_units - c * it.cpu_units,
                    memory_mib: cap.memory_mib - c * it.memory_mib,
                    enis: cap.enis - c * it.enis,
                };
                best = best.max(f64::from(c) * it.value + go(items, r, k + 1));
            }
            best
        }
        go(items, cap, 0)
    }

    proptest! {
        #[test]
        fn matches_brute_force(
            raw in prop::collection::vec((0.0f64..5.0, 1u32..9, 1u32..9, 0u32..2, 1u32..4), 1..6),
            cpu in 4u32..20, mem in 4u32..20, enis in 0u32..4, target in 0.0f64..10.0,
        ) {
            let items: Vec<Item> = raw.iter().map(|&(v, c, m, e, n)| item(v, c, m, e, n)).collect();
            let cap = Capacity { cpu_units: cpu, memory_mib: mem, enis };
            let k = solve(&items, cap, 0.0, u64::MAX);
            let best = brute(&items, cap);
            prop_assert!((k.value - best).abs() < 1e-9);
            // With a target, the answer is exact above it and the bound covers the rest.
            let t = solve(&items, cap, target, u64::MAX);
            prop_assert!(t.upper_bound + 1e-9 >= best);
            if best > target + 1e-9 {
                prop_assert!((t.value - best).abs() < 1e-9);
            }
            // What it returns fits and is worth what it says.
            let used = |f: fn(&Item) -> u32| items.iter().zip(&k.counts).map(|(it, &c)| f(it) * c).sum::<u32>();
            prop_assert!(used(|i| i.cpu_units) <= cpu && used(|i| i.memory_mib) <= mem && used(|i| i.enis) <= enis);
            let limited = solve(&items, cap, 0.0, 3);
            let half = Capacity { cpu_units: cpu / 2, memory_mib: mem, enis };
            let dp = exact_best(&items, &[cap, half]).unwrap().0;
            for (answer, c) in dp.iter().zip([cap, half]) {
                // The table adds in `f32`: the set is the best to within its rounding, which the
                // upper bound covers.
                let best = brute(&items, c);
                prop_assert!(answer.value <= best + 1e-9 && answer.value >= best * (1.0 - 1e-5) - 1e-9);
                prop_assert!(answer.upper_bound + 1e-9 >= best && answer.upper_bound <= best * (1.0 + 1e-4) + 1e-9);
                // The set read back from the table fits and is worth what it says.
                let used = |f: fn(&Item) -> u32| items.iter().zip(&answer.counts).map(|(it, &n)| f(it) * n).sum::<u32>();
                prop_assert!(used(|i| i.cpu_units) <= c.cpu_units && used(|i| i.memory_mib) <= c.memory_mib && used(|i| i.enis) <= c.enis);
                prop_assert!(answer.counts.iter().zip(&items).all(|(&n, it)| n <= it.max));
            }
            let (sets, bound) = greedy(&items, cap, f64::NEG_INFINITY, false);
            prop_assert!(bound + 1e-9 >= best);
            for g in sets {
                let used = |f: fn(&Item) -> u32| items.iter().zip(&g.counts).map(|(it, &n)| f(it) * n).sum::<u32>();
                prop_assert!(used(|i| i.cpu_units) <= cpu && used(|i| i.memory_mib) <= mem && used(|i| i.enis) <= enis);
                prop_assert!(g.value <= best + 1e-9);
            }
            prop_assert!(limited.upper_bound + 1e-9 >= k.value);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// At the scale of real instances (Fargate sizes, tens of copies, four capacities), the
        /// program's sets fit, are never worse than branch and bound's, never above its bound,
        /// and the greedy fills' bound is never below them.
        #[test]
        fn exact_program_at_instance_scale(
            raw in prop::collection::vec((0.01f64..1.0, 1u32..9, 1u32..20, 0u32..2, 1u32..40), 1..25),
            which in 0usize..4,
        ) {
            let items: Vec<Item> = raw.iter().map(|&(v, c, m, e, n)| item(v, c * 256, m * 512, e, n)).collect();
            let caps = [
                Capacity { cpu_units: 2048, memory_mib: 7680, enis: 2 },
                Capacity { cpu_units: 16384, memory_mib: 65024, enis: 7 },
                Capacity { cpu_units: 8192, memory_mib: 65024, enis: 3 },
                Capacity { cpu_units: 16384, memory_mib: 130560, enis: 7 },
            ];
            let cap = caps[which];
            let dp = exact_best(&items, &caps).unwrap().0;
            let best = &dp[which];
            let used = |f: fn(&Item) -> u32| items.iter().zip(&best.counts).map(|(it, &n)| f(it) * n).sum::<u32>();
            prop_assert!(used(|i| i.cpu_units) <= cap.cpu_units && used(|i| i.memory_mib) <= cap.memory_mib && used(|i| i.enis) <= cap.enis);
            prop_assert!(best.counts.iter().zip(&items).all(|(&n, it)| n <= it.max));
            let k = solve(&items, cap, 0.0, u64::MAX);
            prop_assert!(best.value + 1e-9 >= k.value * (1.0 - 1e-5) && best.upper_bound + 1e-9 >= k.value && k.upper_bound + 1e-9 >= best.value);
            let (_, bound) = greedy(&items, cap, f64::NEG_INFINITY, false);
            prop_assert!(bound + 1e-9 >= best.value);
        }

        /// The hand-written AVX2 kernel and the plain one (what other processors run) relax a
        /// table alike, bit for bit, for pieces of every direction and weight.
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn avx2_and_plain_kernels_agree(
            cells in prop::collection::vec(0.0f32..100.0, 3 * 4 * 128),
            w in (0usize..3, 0usize..130, 0usize..2),
            value in 0.1f32..50.0,
            unbounded: bool,
        ) {
            let Some(simd) = pulp::x86::V3::try_new() else { return Ok(()) };
            let grid = Grid { nc: 4, nm: 120, len: 128, words: 2 };
            let (dc, dm, de) = w;
            prop_assume!(dc + de > 0 || dm > 0);
            let pc = Piece { item: 0, copies: 1, unbounded, w: [dc, dm.min(grid.nm - 1), de], value: f64::from(value), bits: 0 };
            let mut gains = vec![f32::NEG_INFINITY; grid.len];
            gains[pc.w[1]..grid.nm].fill(value);
            let mut f = vec![0.0f32; LEAD];
            f.extend(&cells);
            let run = |word: &dyn Fn(Relax) -> u64| {
                let (mut f, mut taken) = (f.clone(), vec![0u64; 3 * 4 * grid.words]);
                let n = word(Relax { f: &mut f, taken: &mut taken, pc: &pc, gains: &gains, layers: 3, grid });
                (f, taken, n)
            };
            let plain = run(&|r: Relax| r.run(Plain));
            let avx2 = run(&|r: Relax| r.run(simd));
            prop_assert_eq!(plain, avx2);
        }
    }
}
