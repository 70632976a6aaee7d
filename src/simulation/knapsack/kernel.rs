//! The exact program's inner loop: one piece relaxed over the table a 64-cell word at a time,
//! in plain code (vectorized by the compiler) or with AVX2 chosen by hand, bit for bit alike.

use super::*;

/// One piece run over the table's first `layers` ENI layers. `gains` holds, per memory step, the
/// piece's value where the piece fits below it and minus infinity elsewhere.
pub(super) struct Relax<'a> {
    pub(super) f: &'a mut [f32],
    pub(super) taken: &'a mut [u64],
    pub(super) pc: &'a Piece,
    pub(super) gains: &'a [f32],
    pub(super) layers: usize,
    pub(super) grid: Grid,
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
pub(super) struct Avx2Relax<'a>(pub(super) Relax<'a>, pub(super) pulp::x86::V3);

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
pub(super) trait Word: Copy {
    fn relax(self, f: &mut [f32], at: usize, back: usize, gains: &[f32]) -> u64;
}

/// Plain code, vectorized by the compiler for whatever `pulp` dispatched to.
#[derive(Clone, Copy)]
pub(super) struct Plain;

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
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
