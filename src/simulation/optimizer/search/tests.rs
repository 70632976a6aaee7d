//! The local search's indexes (the partners per block and the room per pair of types in
//! `merge_pairs`, the free room per block in `empty_instances`) only skip what a plain scan would
//! turn away: on random fleets, both give the fleets the plain scans gave, and keep the loads
//! they are handed aligned with the fleet.

use proptest::prelude::*;

use super::*;
use crate::simulation::testing::us_east_1;

/// `merge_pairs` as a scan over every pair (before the indexes).
fn merge_pairs_plain(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
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

/// `empty_instances` with a first-fit scan over every instance (before the blocks).
fn empty_instances_plain(p: &Problem, bins: &mut Vec<Pattern>, fresh: &mut Vec<bool>) -> bool {
    let mut changed = false;
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
        let mut rows: Vec<usize> = (0..p.shapes.len()).filter(|&i| bins[victim].counts[i] > 0).collect();
        rows.sort_by_key(|&i| std::cmp::Reverse((p.shapes[i].memory_mib, p.shapes[i].cpu_units)));
        let mut loads: Vec<Option<Load>> = vec![None; bins.len()];
        'tasks: for i in rows {
            for _ in 0..bins[victim].counts[i] {
                let mut placed = false;
                for t in 0..bins.len() {
                    if t == victim || removed[t] {
                        continue;
                    }
                    let l = *loads[t].get_or_insert(base[t]);
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

/// Whether `loads` are the loads of `bins`, one for one (the search keeps them aligned).
fn same_loads(p: &Problem, bins: &[Pattern], loads: &[Load]) -> bool {
    loads.len() == bins.len()
        && bins.iter().zip(loads).all(|(b, l)| {
            let want = p.load(&b.counts);
            (want.cpu, want.mem, want.eni, want.x86_only) == (l.cpu, l.mem, l.eni, l.x86_only)
        })
}

const TYPES: [&str; 8] = [
    "c6i.large",
    "m6i.xlarge",
    "r6i.xlarge",
    "m6i.2xlarge",
    "c6i.4xlarge",
    "m7g.xlarge",
    "c7g.2xlarge",
    "r7g.large",
];

/// A fleet as the sequence leaves it after repair: a greedy packing of random tasks (some only
/// on x86, some awsvpc) with random tasks taken off, random instances fresh (half of them, or
/// a few).
fn arb_fleet() -> impl Strategy<Value = (Vec<TaskShape>, Vec<Pattern>, Vec<bool>)> {
    let groups = crate::simulation::testing::arb_groups(
        vec![(256, 512), (512, 1024), (1024, 2048), (1024, 8192), (2048, 4096), (4096, 8192)],
        1..120,
        1..6,
    );
    (
        groups,
        prop::collection::vec(0u32..4, 400),
        // Fresh instances as dense as half the fleet, or as sparse as a repair leaves them (a
        // block with none is then common).
        prop::sample::select(vec![0.5, 0.1, 0.02]).prop_flat_map(|share| prop::collection::vec(prop::bool::weighted(share), 400)),
    )
        .prop_map(|(groups, cut, fresh)| {
            let shapes: Vec<TaskShape> = groups.iter().map(|g| g.0).collect();
            let options = us_east_1(&TYPES, &[]);
            let p = Problem::new(shapes.clone(), &options);
            let mut bins = to_patterns(&p, &GreedyPacker.pack(&groups, &options));
            // Take off up to three of each shape's tasks per instance, as stops would.
            for (k, b) in bins.iter_mut().enumerate() {
                for (r, c) in b.counts.iter_mut().enumerate() {
                    *c = c.saturating_sub(cut[(k * 7 + r) % cut.len()]);
                }
            }
            bins.retain(|b| b.counts.iter().any(|&n| n > 0));
            let fresh = (0..bins.len()).map(|k| fresh[k % fresh.len()]).collect();
            (shapes, bins, fresh)
        })
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(200))]
    #[test]
    fn merge_pairs_merges_what_the_plain_scan_merges((shapes, bins, fresh) in arb_fleet()) {
        let options = us_east_1(&TYPES, &[]);
        let p = Problem::new(shapes, &options);
        let (mut plain_bins, mut plain_fresh) = (bins.clone(), fresh.clone());
        let (mut bins, mut fresh) = (bins, fresh);
        let plain = merge_pairs_plain(&p, &mut plain_bins, &mut plain_fresh);
        let mut loads = bins.iter().map(|b| p.load(&b.counts)).collect();
        prop_assert_eq!(merge_pairs(&p, &mut bins, &mut loads, &mut fresh), plain);
        prop_assert!(same_loads(&p, &bins, &loads));
        prop_assert_eq!(bins, plain_bins);
        prop_assert_eq!(fresh, plain_fresh);
    }

    #[test]
    fn empty_instances_rehomes_where_the_plain_scan_does((shapes, bins, fresh) in arb_fleet()) {
        let options = us_east_1(&TYPES, &[]);
        let p = Problem::new(shapes, &options);
        let (mut plain_bins, mut plain_fresh) = (bins.clone(), fresh.clone());
        let (mut bins, mut fresh) = (bins, fresh);
        let plain = empty_instances_plain(&p, &mut plain_bins, &mut plain_fresh);
        let mut loads = bins.iter().map(|b| p.load(&b.counts)).collect();
        prop_assert_eq!(empty_instances(&p, &mut bins, &mut loads, &mut fresh), plain);
        prop_assert!(same_loads(&p, &bins, &loads));
        prop_assert_eq!(bins, plain_bins);
        prop_assert_eq!(fresh, plain_fresh);
    }
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(200))]
    #[test]
    fn a_pairs_cheapest_type_is_the_one_below_the_pairs_price(
        cpu in 0u64..40_000,
        mem in 0u64..160_000,
        eni in 0u64..20,
        x86_only: bool,
        asked in prop::collection::vec((0usize..TYPES.len(), 0usize..TYPES.len()), 1..40),
    ) {
        let options = us_east_1(&TYPES, &[]);
        let p = Problem::new(Vec::new(), &options);
        let mut pair_room = PairRoom::of(&p);
        let l = Load { cpu, mem, eni, x86_only };
        // Asked twice over: the second answer comes from the remembered count.
        for &(a, b) in asked.iter().chain(&asked) {
            let want = p.cheapest_holding_below(&l, p.cost[a] + p.cost[b] - 1e-9);
            prop_assert_eq!(pair_room.cheapest_holding(a, b, &l), want);
        }
    }
}
