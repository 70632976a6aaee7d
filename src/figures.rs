//! A column of figures held in half the memory where that loses nothing: as `f32` while every
//! figure in it is exactly an `f32` (task counts, starts, whole numbers, halves; NaN for a figure
//! not known), and as `f64` from the first that is not. A figure reads back as the very `f64`
//! it was given, so nothing computed from the column changes. Knows nothing of the product.

/// A column of figures: see the module.
#[derive(Clone, Debug)]
pub enum Figures {
    Narrow(Vec<f32>),
    Wide(Vec<f64>),
}

/// A part of a [`Figures`] column, or a plain slice of `f64`.
#[derive(Clone, Copy, Debug)]
pub enum FigureSlice<'a> {
    Narrow(&'a [f32]),
    Wide(&'a [f64]),
}

/// Whether `v` reads back from an `f32` as itself (any NaN counts: NaN is "not known").
fn exact(v: f64) -> bool {
    v.is_nan() || f64::from(v as f32) == v
}

impl Default for Figures {
    fn default() -> Figures {
        Figures::Narrow(Vec::new())
    }
}

impl Figures {
    /// `n` figures, each `v`.
    pub fn filled(n: usize, v: f64) -> Figures {
        if exact(v) {
            Figures::Narrow(vec![v as f32; n])
        } else {
            Figures::Wide(vec![v; n])
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Figures::Narrow(v) => v.len(),
            Figures::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The figure at `i`.
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Figures::Narrow(v) => f64::from(v[i]),
            Figures::Wide(v) => v[i],
        }
    }

    /// Sets the figure at `i`, widening the column (once) for a figure an `f32` cannot hold.
    pub fn set(&mut self, i: usize, x: f64) {
        match self {
            Figures::Narrow(v) if exact(x) => v[i] = x as f32,
            Figures::Narrow(v) => {
                let mut wide: Vec<f64> = v.iter().map(|&f| f64::from(f)).collect();
                wide[i] = x;
                *self = Figures::Wide(wide);
            }
            Figures::Wide(v) => v[i] = x,
        }
    }

    /// The whole column as a slice.
    pub fn as_slice(&self) -> FigureSlice<'_> {
        match self {
            Figures::Narrow(v) => FigureSlice::Narrow(v),
            Figures::Wide(v) => FigureSlice::Wide(v),
        }
    }

    /// Figures `range` (none where the column does not reach).
    pub fn slice(&self, range: std::ops::Range<usize>) -> FigureSlice<'_> {
        match self {
            Figures::Narrow(v) => FigureSlice::Narrow(v.get(range).unwrap_or(&[])),
            Figures::Wide(v) => FigureSlice::Wide(v.get(range).unwrap_or(&[])),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        self.as_slice().iter()
    }
}

impl From<Vec<f64>> for Figures {
    /// Narrow when every figure is exactly an `f32`.
    fn from(v: Vec<f64>) -> Figures {
        if v.iter().all(|&x| exact(x)) {
            Figures::Narrow(v.into_iter().map(|x| x as f32).collect())
        } else {
            Figures::Wide(v)
        }
    }
}

/// Equal figure by figure, however held; NaN (not known) equals NaN.
impl PartialEq for Figures {
    fn eq(&self, other: &Figures) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    }
}

impl<'a> FigureSlice<'a> {
    pub fn len(&self) -> usize {
        match self {
            FigureSlice::Narrow(v) => v.len(),
            FigureSlice::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The figure at `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            FigureSlice::Narrow(v) => v.get(i).map(|&f| f64::from(f)),
            FigureSlice::Wide(v) => v.get(i).copied(),
        }
    }

    /// The figure at `i`; panics past the end, as indexing a slice does.
    pub fn at(&self, i: usize) -> f64 {
        match self {
            FigureSlice::Narrow(v) => f64::from(v[i]),
            FigureSlice::Wide(v) => v[i],
        }
    }

    pub fn iter(self) -> impl Iterator<Item = f64> + 'a {
        let (narrow, wide): (&'a [f32], &'a [f64]) = match self {
            FigureSlice::Narrow(v) => (v, &[]),
            FigureSlice::Wide(v) => (&[], v),
        };
        narrow.iter().map(|&f| f64::from(f)).chain(wide.iter().copied())
    }
}

impl<'a> From<&'a [f64]> for FigureSlice<'a> {
    fn from(v: &'a [f64]) -> FigureSlice<'a> {
        FigureSlice::Wide(v)
    }
}

impl<'a> From<&'a Vec<f64>> for FigureSlice<'a> {
    fn from(v: &'a Vec<f64>) -> FigureSlice<'a> {
        FigureSlice::Wide(v)
    }
}

impl<'a, const N: usize> From<&'a [f64; N]> for FigureSlice<'a> {
    fn from(v: &'a [f64; N]) -> FigureSlice<'a> {
        FigureSlice::Wide(v)
    }
}

impl<'a> From<&'a Figures> for FigureSlice<'a> {
    fn from(v: &'a Figures) -> FigureSlice<'a> {
        v.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Counts and halves stay narrow; the first figure an f32 cannot hold widens the column, and
    /// every figure reads back as given.
    #[test]
    fn a_column_stays_narrow_until_a_figure_needs_more_and_reads_back_exactly() {
        let mut c = Figures::filled(4, f64::NAN);
        c.set(0, 3.0);
        c.set(1, 2.5);
        assert!(matches!(c, Figures::Narrow(_)));
        c.set(2, 0.1);
        assert!(matches!(c, Figures::Wide(_)));
        assert_eq!((c.get(0), c.get(1), c.get(2)), (3.0, 2.5, 0.1));
        assert!(c.get(3).is_nan());
        assert_eq!(c, Figures::from(vec![3.0, 2.5, 0.1, f64::NAN]));
        assert!(matches!(Figures::from(vec![1.0, 16_777_216.0]), Figures::Narrow(_)));
        assert!(matches!(Figures::from(vec![16_777_217.0]), Figures::Wide(_)));
    }

    proptest! {
        /// Whatever is set reads back bit for bit (NaN as NaN), in any order of sets.
        #[test]
        fn every_figure_reads_back_as_set(sets in proptest::collection::vec((0usize..16, prop_oneof![
            3 => (0u32..20_000).prop_map(f64::from),
            1 => (0u32..2_000).prop_map(|n| f64::from(n) / 4.0),
            1 => any::<f64>(),
            1 => Just(f64::NAN),
        ]), 0..40)) {
            let mut c = Figures::filled(16, f64::NAN);
            let mut plain = vec![f64::NAN; 16];
            for (i, v) in sets {
                c.set(i, v);
                plain[i] = v;
            }
            for (i, want) in plain.iter().enumerate() {
                let got = c.get(i);
                prop_assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()));
            }
            prop_assert_eq!(c.iter().count(), 16);
            prop_assert!(Figures::from(plain.clone()) == c);
        }
    }
}
