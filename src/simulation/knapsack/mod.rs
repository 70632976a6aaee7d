//! The pricing step of column generation: the most valuable set of tasks one instance can hold,
//! a bounded knapsack in three dimensions (CPU units, memory, ENIs). Solved exactly by depth-first
//! branch and bound, pruned by fractional relaxations of single and combined dimensions. With a
//! node limit it may stop early; it then still returns a valid upper bound, which is what keeps the
//! optimizer's lower bound honest.
//!
//! `branch` holds the branch and bound, `exact` the dynamic program over the grid (and `kernel`
//! its inner loop, plain and AVX2), `greedy` the quick fills; this file the shared types.

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

mod branch;
mod exact;
mod greedy;
mod kernel;

pub use branch::solve;
pub use exact::exact_best;
use exact::*;
pub use greedy::greedy;
use kernel::*;

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
        #![proptest_config(crate::simulation::testing::cases(200))]
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
    }
}
