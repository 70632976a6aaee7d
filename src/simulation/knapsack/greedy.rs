//! Greedy fills under surrogate weightings of the dimensions: quick sets and an upper bound.

use super::*;

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
