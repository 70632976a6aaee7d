//! Local search on a fleet: emptying instances, merging pairs, retyping, and large-neighbourhood
//! re-packing of the instances that waste most.

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
    for (b, _) in bins.iter_mut().zip(fresh.iter()).filter(|(_, &f)| f) {
        if let Some(o) = p.cheapest_for(&b.counts) {
            b.option = o;
        }
    }
    let mut changed = true;
    let mut passes = 0;
    while changed && passes < 4 {
        changed = false;
        passes += 1;
        changed |= empty_instances(p, bins, fresh);
        changed |= merge_pairs(p, bins, fresh);
    }
}

/// Tries to move every task of an instance onto others; the emptied instance goes.
pub(super) fn empty_instances(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    // The least-used instances first: their tasks are the easiest to rehome.
    let fill_of = |b: &Pattern| {
        let l = p.load(&b.counts);
        let o = &p.options[b.option];
        (l.cpu as f64 / f64::from(o.cpu_units.max(1))).max(l.mem as f64 / f64::from(o.memory_mib.max(1)))
    };
    let fills: Vec<f64> = bins.iter().map(fill_of).collect();
    let mut order: Vec<usize> = (0..bins.len()).collect();
    order.sort_by(|&a, &b| fills[a].total_cmp(&fills[b]).then(a.cmp(&b)));
    let mut removed = vec![false; bins.len()];
    let mut base: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    for &victim in &order {
        if !fresh[victim] {
            continue;
        }
        let mut trial: Vec<(usize, Vec<u32>)> = Vec::new();
        let mut ok = true;
        // Largest tasks first.
        let mut rows: Vec<usize> = (0..p.shapes.len()).filter(|&i| bins[victim].counts[i] > 0).collect();
        rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
        let mut loads: Vec<Option<Load>> = vec![None; bins.len()];
        let base_ref = &base;
        'tasks: for i in rows {
            for _ in 0..bins[victim].counts[i] {
                let mut placed = false;
                for t in 0..bins.len() {
                    if t == victim || removed[t] {
                        continue;
                    }
                    let l = *loads[t].get_or_insert(base_ref[t]);
                    if p.room(bins[t].option, &l, &p.shapes[i], 1) {
                        let entry = match trial.iter_mut().position(|(b, _)| *b == t) {
                            Some(k) => k,
                            None => {
                                trial.push((t, vec![0; p.shapes.len()]));
                                trial.len() - 1
                            }
                        };
                        trial[entry].1[i] += 1;
                        let s = &p.shapes[i];
                        let lt = loads[t].as_mut().expect("computed above");
                        lt.cpu += u64::from(s.cpu_units);
                        lt.mem += u64::from(s.memory_mib);
                        lt.eni += u64::from(s.awsvpc);
                        lt.x86_only |= !s.arm_ok;
                        placed = true;
                        break;
                    }
                }
                if !placed {
                    ok = false;
                    break 'tasks;
                }
            }
        }
        if ok {
            for (t, extra) in trial {
                for (c, x) in bins[t].counts.iter_mut().zip(extra) {
                    *c += x;
                }
                base[t] = loads[t].expect("a load for every instance that took tasks");
                fresh[t] = true;
            }
            bins[victim].counts.iter_mut().for_each(|c| *c = 0);
            removed[victim] = true;
            changed = true;
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
    }
    changed
}

/// Replaces two instances by one of a type that holds both and costs less than the pair.
pub(super) fn merge_pairs(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
    let mut loads: Vec<Load> = bins.iter().map(|b| p.load(&b.counts)).collect();
    let cheapest = p.by_cost.first().map(|&o| p.cost[o]).unwrap_or(f64::INFINITY);
    let mut i = 0;
    while i < bins.len() {
        let mut j = i + 1;
        let mut merged = false;
        while j < bins.len() {
            let pair = p.cost[bins[i].option] + p.cost[bins[j].option];
            if (fresh[i] || fresh[j]) && cheapest < pair - 1e-9 {
                let (a, b) = (loads[i], loads[j]);
                let l = Load {
                    cpu: a.cpu + b.cpu,
                    mem: a.mem + b.mem,
                    eni: a.eni + b.eni,
                    x86_only: a.x86_only || b.x86_only,
                };
                if let Some(o) = p.cheapest_holding_below(&l, pair - 1e-9) {
                    let counts: Vec<u32> = bins[i].counts.iter().zip(&bins[j].counts).map(|(a, b)| a + b).collect();
                    bins[i] = Pattern { option: o, counts };
                    loads[i] = l;
                    fresh[i] = true;
                    bins.swap_remove(j);
                    loads.swap_remove(j);
                    fresh.swap_remove(j);
                    merged = true;
                    changed = true;
                    continue;
                }
            }
            j += 1;
        }
        if !merged {
            i += 1;
        }
    }
    changed
}
