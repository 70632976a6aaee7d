//! The master LP of column generation: minimise `c·x` subject to `A x ≥ d`, `x ≥ 0`, where each
//! column of `A` is a packing pattern. A dense revised simplex with an explicit basis inverse:
//! the problem has one row per distinct task shape (tens, rarely hundreds), and column generation
//! needs the duals, which good_lp's pure-Rust backend does not expose.
//!
//! Columns are only ever added, so the current basis stays primal feasible and each solve starts
//! where the last one stopped.

/// Below this a reduced cost or a pivot element counts as zero.
const EPS: f64 = 1e-9;
/// The basis inverse is recomputed from scratch this often, to keep rounding errors bounded.
const REFACTOR_EVERY: u32 = 50;
/// After this many pivots without progress, Bland's rule takes over so degeneracy cannot cycle.
const DEGENERATE_LIMIT: u32 = 30;

/// A column: its cost and its entries, one per row.
#[derive(Clone, Debug)]
pub struct Column {
    pub cost: f64,
    pub entries: Vec<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Var {
    Column(usize),
    /// The surplus of a row: `A x - s = d`.
    Surplus(usize),
}

#[derive(Clone, Debug)]
pub struct CoveringLp {
    demand: Vec<f64>,
    columns: Vec<Column>,
    /// Each column's non-zero entries: patterns hold a few shapes out of many, so pricing and
    /// the simplex direction work on these.
    sparse: Sparse,
    /// Whether each column, and each row's surplus, is in the basis.
    basic_column: Vec<bool>,
    basic_surplus: Vec<bool>,
    basis: Vec<Var>,
    /// Row-major `m × m` inverse of the basis matrix.
    inverse: Vec<f64>,
    values: Vec<f64>,
    pivots_since_refactor: u32,
    /// Simplex pivots made so far, the unit of the optimizer's work budget.
    pub pivots: u64,
}

impl CoveringLp {
    /// `initial` must hold, for every row `i`, a column whose only non-zero entry is row `i`:
    /// together they form a feasible starting basis.
    pub fn new(demand: Vec<f64>, initial: Vec<Column>) -> CoveringLp {
        let m = demand.len();
        assert_eq!(initial.len(), m, "one starting column per row");
        let mut inverse = vec![0.0; m * m];
        let mut values = vec![0.0; m];
        for (i, col) in initial.iter().enumerate() {
            let a = col.entries[i];
            assert!(a > 0.0 && col.entries.iter().enumerate().all(|(r, &v)| r == i || v == 0.0));
            inverse[i * m + i] = 1.0 / a;
            values[i] = demand[i] / a;
        }
        CoveringLp {
            demand,
            basis: (0..m).map(Var::Column).collect(),
            sparse: initial.iter().fold(Sparse::default(), |mut s, col| {
                s.push(col);
                s
            }),
            basic_column: vec![true; m],
            basic_surplus: vec![false; m],
            columns: initial,
            inverse,
            values,
            pivots_since_refactor: 0,
            pivots: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.demand.len()
    }

    #[cfg(test)]
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn add_column(&mut self, column: Column) -> usize {
        debug_assert_eq!(column.entries.len(), self.rows());
        self.sparse.push(&column);
        self.basic_column.push(false);
        self.columns.push(column);
        self.columns.len() - 1
    }

    /// The duals `y = c_B B⁻¹`, one per row; non-negative at an optimum.
    #[inline(always)]
    pub fn duals(&self) -> Vec<f64> {
        let m = self.rows();
        let mut y = vec![0.0; m];
        for (var, row) in self.basis.iter().zip(self.inverse.chunks_exact(m)) {
            let c = self.cost_of(*var);
            if c != 0.0 {
                for (yj, &b) in y.iter_mut().zip(row) {
                    *yj += c * b;
                }
            }
        }
        y
    }

    pub fn objective(&self) -> f64 {
        self.basis.iter().zip(&self.values).map(|(v, x)| self.cost_of(*v) * x).sum()
    }

    /// The value of every column (zero when not in the basis).
    pub fn column_values(&self) -> Vec<f64> {
        let mut x = vec![0.0; self.columns.len()];
        for (var, &v) in self.basis.iter().zip(&self.values) {
            if let Var::Column(j) = var {
                x[*j] = v.max(0.0);
            }
        }
        x
    }

    fn cost_of(&self, v: Var) -> f64 {
        match v {
            Var::Column(j) => self.columns[j].cost,
            Var::Surplus(_) => 0.0,
        }
    }

    /// Solves to optimality over the current columns, or until `max_pivots` pivots were made.
    /// Returns false when it stopped early.
    pub fn solve(&mut self, max_pivots: u64) -> bool {
        // The dense loops (duals, the inverse's updates) run with the widest vector instructions
        // the processor has, chosen at run time; the arithmetic is the same in any width.
        pulp::Arch::new().dispatch(Solve { lp: self, max_pivots })
    }

    #[inline(always)]
    fn solve_here(&mut self, max_pivots: u64) -> bool {
        let mut stalled = 0u32;
        let mut made = 0u64;
        loop {
            if made >= max_pivots {
                return false;
            }
            let y = self.duals();
            let bland = stalled >= DEGENERATE_LIMIT;
            // Entering variable: the most negative reduced cost per unit of cost (Bland: the first).
            let mut entering: Option<(Var, f64)> = None;
            for (j, (&cost, &basic)) in self.sparse.costs.iter().zip(&self.basic_column).enumerate() {
                if basic {
                    continue;
                }
                let (rows, values) = self.sparse.column(j);
                let rc = cost - rows.iter().zip(values).map(|(&r, &a)| y[r as usize] * a).sum::<f64>();
                if rc < -EPS * cost.max(1.0) {
                    let score = rc / cost.max(EPS);
                    if entering.is_none_or(|(_, s)| score < s) {
                        entering = Some((Var::Column(j), score));
                        if bland {
                            break;
                        }
                    }
                }
            }
            if entering.is_none() || !bland {
                for (i, &yi) in y.iter().enumerate() {
                    // A surplus column is -e_i at cost 0: its reduced cost is y_i.
                    if yi < -EPS && entering.is_none_or(|(_, s)| yi < s) && !self.basic_surplus[i] {
                        entering = Some((Var::Surplus(i), yi));
                        if bland {
                            break;
                        }
                    }
                }
            }
            let Some((enter, _)) = entering else {
                return true;
            };
            let u = self.direction(enter);
            // Ratio test; ties go to the lowest row, which with Bland's entering rule cannot cycle.
            let mut leave: Option<(usize, f64)> = None;
            for (r, &ur) in u.iter().enumerate() {
                if ur > EPS {
                    let ratio = self.values[r].max(0.0) / ur;
                    if leave.is_none_or(|(_, best)| ratio < best - EPS) {
                        leave = Some((r, ratio));
                    }
                }
            }
            let Some((r, step)) = leave else {
                // Unbounded cannot happen with non-negative costs; treat as converged.
                return true;
            };
            stalled = if step <= EPS { stalled + 1 } else { 0 };
            self.pivot(r, enter, &u);
            made += 1;
            self.pivots += 1;
        }
    }

    /// `B⁻¹ a` for the column of `v`.
    #[inline(always)]
    fn direction(&self, v: Var) -> Vec<f64> {
        let m = self.rows();
        match v {
            Var::Column(j) => {
                let inverse = &self.inverse;
                let (rows, values) = self.sparse.column(j);
                (0..m)
                    .map(|r| rows.iter().zip(values).map(|(&k, &a)| inverse[r * m + k as usize] * a).sum())
                    .collect()
            }
            Var::Surplus(i) => (0..m).map(|r| -self.inverse[r * m + i]).collect(),
        }
    }

    #[inline(always)]
    fn pivot(&mut self, r: usize, enter: Var, u: &[f64]) {
        let m = self.rows();
        let p = u[r];
        let step = self.values[r] / p;
        for (i, &ui) in u.iter().enumerate() {
            if i != r {
                self.values[i] -= ui * step;
            }
        }
        self.values[r] = step;
        let (head, rest) = self.inverse.split_at_mut(r * m);
        let (pivot_row, tail) = rest.split_at_mut(m);
        for v in pivot_row.iter_mut() {
            *v /= p;
        }
        for (i, row) in head.chunks_mut(m).chain(tail.chunks_mut(m)).enumerate() {
            let ui = if i < r { u[i] } else { u[i + 1] };
            if ui != 0.0 {
                for (x, pv) in row.iter_mut().zip(pivot_row.iter()) {
                    *x -= ui * pv;
                }
            }
        }
        for (v, basic) in [(self.basis[r], false), (enter, true)] {
            match v {
                Var::Column(j) => self.basic_column[j] = basic,
                Var::Surplus(i) => self.basic_surplus[i] = basic,
            }
        }
        self.basis[r] = enter;
        self.pivots_since_refactor += 1;
        if self.pivots_since_refactor >= REFACTOR_EVERY {
            self.refactor();
        }
    }

    /// Recomputes the basis inverse and the basic values from the basis columns.
    #[inline(always)]
    fn refactor(&mut self) {
        let m = self.rows();
        let mut b = vec![0.0; m * m];
        for (c, var) in self.basis.iter().enumerate() {
            match *var {
                Var::Column(j) => {
                    for r in 0..m {
                        b[r * m + c] = self.columns[j].entries[r];
                    }
                }
                Var::Surplus(i) => b[i * m + c] = -1.0,
            }
        }
        if let Some(inv) = invert(b, m) {
            self.inverse = inv;
            self.values = (0..m).map(|r| dot(&self.inverse[r * m..(r + 1) * m], &self.demand)).collect();
        }
        self.pivots_since_refactor = 0;
    }
}

/// `CoveringLp::solve` under `pulp`'s dispatch.
struct Solve<'a> {
    lp: &'a mut CoveringLp,
    max_pivots: u64,
}

impl pulp::WithSimd for Solve<'_> {
    type Output = bool;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> bool {
        self.lp.solve_here(self.max_pivots)
    }
}

/// Every column's cost and non-zero entries, one after another: pricing reads them all at each
/// pivot.
#[derive(Clone, Debug, Default)]
struct Sparse {
    costs: Vec<f64>,
    /// Where each column's entries start (and, last, where they end).
    starts: Vec<usize>,
    rows: Vec<u32>,
    values: Vec<f64>,
}

impl Sparse {
    fn push(&mut self, column: &Column) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.costs.push(column.cost);
        for (r, &a) in column.entries.iter().enumerate() {
            if a != 0.0 {
                self.rows.push(r as u32);
                self.values.push(a);
            }
        }
        self.starts.push(self.rows.len());
    }

    #[inline(always)]
    fn column(&self, j: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.starts[j], self.starts[j + 1]);
        (&self.rows[a..b], &self.values[a..b])
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Gauss-Jordan inversion with partial pivoting; `None` when singular.
#[inline(always)]
fn invert(mut a: Vec<f64>, m: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; m * m];
    for i in 0..m {
        inv[i * m + i] = 1.0;
    }
    for col in 0..m {
        let pivot = (col..m).max_by(|&x, &y| a[x * m + col].abs().total_cmp(&a[y * m + col].abs()))?;
        if a[pivot * m + col].abs() < 1e-12 {
            return None;
        }
        if pivot != col {
            for k in 0..m {
                a.swap(pivot * m + k, col * m + k);
                inv.swap(pivot * m + k, col * m + k);
            }
        }
        let p = a[col * m + col];
        for k in 0..m {
            a[col * m + k] /= p;
            inv[col * m + k] /= p;
        }
        // Row `col` against every other row. Its entries left of `col` are exact zeros (those
        // columns are done), so `a` is only updated from `col` on.
        let (pa, pi) = (a[col * m..(col + 1) * m].to_vec(), inv[col * m..(col + 1) * m].to_vec());
        for (r, (ra, ri)) in a.chunks_exact_mut(m).zip(inv.chunks_exact_mut(m)).enumerate() {
            let f = ra[col];
            if r != col && f != 0.0 {
                for (x, &p) in ra[col..].iter_mut().zip(&pa[col..]) {
                    *x -= f * p;
                }
                for (x, &p) in ri.iter_mut().zip(&pi) {
                    *x -= f * p;
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(cost: f64, entries: &[f64]) -> Column {
        Column {
            cost,
            entries: entries.to_vec(),
        }
    }

    #[test]
    fn solves_a_small_cutting_stock_relaxation() {
        // Rolls of 10 cut into 3s and 4s; need 7 threes and 5 fours.
        let mut lp = CoveringLp::new(vec![7.0, 5.0], vec![col(1.0, &[3.0, 0.0]), col(1.0, &[0.0, 2.0])]);
        lp.add_column(col(1.0, &[2.0, 1.0]));
        assert!(lp.solve(1000));
        let y = lp.duals();
        assert!(y.iter().all(|&v| v >= -1e-9));
        let x = lp.column_values();
        let cover: Vec<f64> = (0..2)
            .map(|r| lp.columns().iter().zip(&x).map(|(c, v)| c.entries[r] * v).sum())
            .collect();
        assert!(cover[0] >= 7.0 - 1e-9 && cover[1] >= 5.0 - 1e-9);
        // Strong duality: the dual objective equals the primal one.
        assert!((lp.objective() - (7.0 * y[0] + 5.0 * y[1])).abs() < 1e-9);
        // 3.5 of (2,1) and 0.75 of (0,2); the duals (1/4, 1/2) prove it.
        assert!((lp.objective() - 4.25).abs() < 1e-9, "{}", lp.objective());
    }

    #[test]
    fn over_covering_columns_use_the_surplus() {
        // One column covers both rows generously; the surplus absorbs the excess.
        let mut lp = CoveringLp::new(vec![1.0, 1.0], vec![col(5.0, &[1.0, 0.0]), col(5.0, &[0.0, 1.0])]);
        lp.add_column(col(1.0, &[4.0, 4.0]));
        assert!(lp.solve(1000));
        assert!((lp.objective() - 0.25).abs() < 1e-9);
    }

    #[test]
    fn inversion_round_trips() {
        let a = vec![2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0];
        let inv = invert(a.clone(), 3).unwrap();
        for r in 0..3 {
            for c in 0..3 {
                let v: f64 = (0..3).map(|k| a[r * 3 + k] * inv[k * 3 + c]).sum();
                assert!((v - if r == c { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
    }
}
