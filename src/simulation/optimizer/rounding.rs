//! From LP solutions to instances: whole copies of patterns, then diving on the fractional ones.

use super::*;

/// Turns LP solutions into instances: whole copies of patterns first, then one fractional
/// pattern at a time (and every one used at least `round_up_from`) with the rest re-solved,
/// until every task is placed.
pub(super) fn round(p: &Problem, demand: &[u32], first: ColumnGeneration, round_up_from: f64, budget: &mut Budget) -> Vec<Pattern> {
    let mut residual = demand.to_vec();
    let mut bins: Vec<Pattern> = Vec::new();
    let mut pool: Vec<Pattern> = Vec::new();
    let mut current = Some(first);
    while residual.iter().any(|&n| n > 0) {
        let cg = match current.take() {
            Some(cg) => cg,
            None if budget.spent() => break,
            None => column_generation(p, &residual, &pool, false, budget),
        };
        let x = cg.lp.column_values();
        let mut order: Vec<usize> = (0..x.len()).filter(|&j| x[j] > 1e-9).collect();
        order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
        let mut took = false;
        for &j in &order {
            let whole = (x[j] + 1e-9).floor() as u64;
            for _ in 0..whole {
                took |= place(p, &cg.patterns[j], &mut residual, &mut bins);
            }
        }
        if !took {
            // Every value is fractional: round the largest up, and every pattern used at least
            // `round_up_from` (fewer re-solves).
            for (k, &j) in order.iter().enumerate() {
                if k == 0 || x[j] >= round_up_from {
                    took |= place(p, &cg.patterns[j], &mut residual, &mut bins);
                }
            }
        }
        // A full solve carries every pattern into the re-solves; a quick one the promising few.
        // (Its patterns already hold the pool's, cut down to the residual.)
        if round_up_from.is_finite() {
            pool.extend(promising(p, &cg));
        } else {
            pool = cg.patterns;
        }
        if !took {
            break;
        }
    }
    if residual.iter().any(|&n| n > 0) {
        let groups: Vec<(TaskShape, u32)> = p.shapes.iter().copied().zip(residual.iter().copied()).collect();
        bins.extend(to_patterns(p, &GreedyPacker.pack(&groups, p.options)));
    }
    bins
}

/// Patterns of a solved LP worth carrying into the next residual solve: those with the least
/// reduced cost at its duals, a few per row. Carrying all of them would make every re-solve
/// as large as the first.
pub(super) fn promising(p: &Problem, cg: &ColumnGeneration) -> Vec<Pattern> {
    let rows = cg.duals.iter().filter(|&&y| y > 0.0).count().max(1);
    let reduced = |pat: &Pattern| p.cost[pat.option] - pat.counts.iter().zip(&cg.duals).map(|(&n, y)| f64::from(n) * y).sum::<f64>();
    let mut scored: Vec<(f64, &Pattern)> = cg.patterns.iter().map(|pat| (reduced(pat), pat)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored.truncate(POOL_PER_ROW * rows);
    scored.into_iter().map(|(_, pat)| pat.clone()).collect()
}

/// One instance of `pattern`, cut down to what is still unplaced and moved to the cheapest type
/// that holds the rest. False when nothing of it was needed.
pub(super) fn place(p: &Problem, pattern: &Pattern, residual: &mut [u32], bins: &mut Vec<Pattern>) -> bool {
    let mut counts: Vec<u32> = pattern.counts.iter().zip(residual.iter()).map(|(&a, &r)| a.min(r)).collect();
    // Room the pattern keeps for tasks already placed goes to smaller ones still unplaced, the
    // largest first.
    for i in 0..counts.len() {
        for _ in counts[i]..pattern.counts[i] {
            let smaller = (0..counts.len())
                .filter(|&j| j != i && residual[j] > counts[j] && shape_dominates(&p.shapes[i], &p.shapes[j]))
                .max_by_key(|&j| (p.shapes[j].memory_mib, p.shapes[j].cpu_units, std::cmp::Reverse(j)));
            match smaller {
                Some(j) => counts[j] += 1,
                None => break,
            }
        }
    }
    if counts.iter().all(|&n| n == 0) {
        return false;
    }
    for (r, &n) in residual.iter_mut().zip(&counts) {
        *r -= n;
    }
    let option = p.cheapest_for(&counts).unwrap_or(pattern.option);
    bins.push(Pattern { option, counts });
    true
}
