//! The exact program: dynamic programming over the (ENIs, CPU, memory) grid, one table for
//! every capacity inside the largest, choices read back from a bit per piece and cell.

use super::*;

/// Above this many states the dynamic program is not attempted.
pub(super) const MAX_DP_STATES: usize = 400_000;

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
pub(super) struct Piece {
    pub(super) item: usize,
    pub(super) copies: u32,
    pub(super) unbounded: bool,
    /// Its weight on each axis (CPU, memory, ENIs).
    pub(super) w: [usize; 3],
    pub(super) value: f64,
    /// Where its bits start.
    pub(super) bits: usize,
}

/// Cells before the exact program's first row.
pub(super) const LEAD: usize = 64;

/// The exact program's table: `nc` CPU steps by `nm` memory steps per ENI layer, in rows of `len`
/// cells (`words` words of choice bits).
#[derive(Clone, Copy)]
pub(super) struct Grid {
    pub(super) nc: usize,
    pub(super) nm: usize,
    pub(super) len: usize,
    pub(super) words: usize,
}
