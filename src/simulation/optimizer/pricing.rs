//! Column generation: the master LP and the pricing of patterns (greedy fills, then the exact
//! program), with Farley's bound and Wentges smoothing.

use super::*;

pub(super) struct ColumnGeneration {
    /// The duals of the last LP, per shape (0 for shapes not in the problem).
    pub(super) duals: Vec<f64>,
    pub(super) lp: CoveringLp,
    pub(super) patterns: Vec<Pattern>,
    pub(super) lower_bound: f64,
    pub(super) converged: bool,
}

/// Solves the LP relaxation for `demand` (rows with demand 0 left out), starting from `pool`.
/// With `prove`, pricing ends with the exact program, so the LP is solved to optimality and the
/// bound is its optimum; without, column generation stops once the greedy pricing finds nothing,
/// which is enough to guide rounding.
pub(super) fn column_generation(p: &Problem, demand: &[u32], pool: &[Pattern], prove: bool, budget: &mut Budget) -> ColumnGeneration {
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
pub(super) type Seen = HashSet<Pattern, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
pub(super) struct FxHasher(u64);

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

pub(super) struct Columns<'a> {
    pub(super) lp: CoveringLp,
    pub(super) patterns: Vec<Pattern>,
    pub(super) seen: Seen,
    pub(super) rows: &'a [usize],
    pub(super) demand: &'a [u32],
    /// The exact dynamic program works for these sizes (false once it declined).
    pub(super) dp_usable: bool,
}

pub(super) struct Priced {
    /// The largest value-to-cost ratio of any pattern at the pricing duals (an upper bound on it).
    pub(super) theta: f64,
    /// New columns that improve the LP: worth more than their cost at its own duals.
    pub(super) improving: usize,
    /// `theta` is exact up to `IMPROVES`: no pattern left out is worth more than its cost.
    pub(super) exact: bool,
}

/// One pricing round at duals `at`: a quick search per option, then, with `exact` and when the
/// quick search found nothing that improves the LP (whose duals are `y`), the exact program.
/// Every pattern worth more than its cost at `at` joins the LP.
pub(super) fn price(p: &Problem, cols: &mut Columns, at: &[f64], y: &[f64], exact: bool, budget: &mut Budget) -> Priced {
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
pub(super) fn pricing_problem(p: &Problem, o: usize, rows: &[usize], demand: &[u32], y: &[f64]) -> (Vec<Item>, Capacity) {
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
pub(super) fn certify(
    p: &Problem,
    rows: &[usize],
    demand: &[u32],
    y: &[f64],
    needed: &[bool],
) -> Option<(Vec<Option<knapsack::Knapsack>>, u64)> {
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
pub(super) fn add(p: &Problem, o: usize, counts_by_row: &[u32], y: &[f64], cols: &mut Columns) -> bool {
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
pub(super) fn fill(p: &Problem, o: usize, counts: &mut [u32], demand: &[u32]) {
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
