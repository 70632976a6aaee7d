//! The optimizer's tests: small sets solved to optimality, the bench's gaps, the quick rejects
//! held to plain scans, and the sequence's fleets held to its packings.

use super::*;
use crate::simulation::testing::{check_packing, shape, us_east_1};
use crate::simulation::testsets::{ecs_like, BENCH_TYPES};
use proptest::prelude::*;

fn options(types: &[&str]) -> Vec<InstanceOption> {
    us_east_1(types, &[])
}

fn hourly(p: &Packing, opts: &[InstanceOption]) -> f64 {
    p.bins.iter().map(|b| opts[b.option].hourly.to_f64()).sum()
}

#[test]
fn beats_first_fit_where_it_wastes_room() {
    // m6i.xlarge: 4096 CPU units. Tasks of 2560 and 1536 units pair up exactly; first-fit
    // decreasing puts the 2560s together with nothing, then the 1536s two to an instance.
    let opts = options(&["m6i.xlarge"]);
    let groups = [(shape(2560, 1024, false), 6), (shape(1536, 1024, false), 6)];
    let r = optimize(&groups, &opts, Budget::default());
    assert_eq!(r.packing.bins.len(), 6);
    assert!((r.lower_bound_hourly - 6.0 * 0.192).abs() < 1e-6, "{}", r.lower_bound_hourly);
    assert!(r.gap_pct(&opts) < 1e-6);
    assert!(r.lp_optimal);
}

#[test]
fn a_bound_rises_to_the_next_cost_a_fleet_can_have() {
    // m6i.large, c6i.2xlarge, r6i.2xlarge: no fleet costs between $0.532 and $0.576.
    let costs = [0.096, 0.34, 0.504];
    assert!((fleet_cost_at_least(&costs, 0.5515) - 0.576).abs() < 1e-6);
    assert!((fleet_cost_at_least(&costs, 0.532) - 0.532).abs() < 1e-6);
    // A discounted price is not a whole number of micro-dollars: the bound stays.
    assert_eq!(fleet_cost_at_least(&[0.096 * 0.7 + 1e-9], 0.5), 0.5);
}

#[test]
fn small_sets_are_solved_to_optimality() {
    // A generated 20-task set on the benchmark's eight types: the LP bound, even raised to
    // the next cost a fleet can have, is below the optimum; the exhaustive search proves every
    // cheaper fleet infeasible and finds one at the bound.
    let opts = options(&BENCH_TYPES);
    let groups = ecs_like(20, 20, 0.0);
    let r = optimize(&groups, &opts, Budget::default());
    check_packing(&groups, &opts, &r.packing).unwrap();
    assert_eq!(r.bound, BoundKind::Exhaustive);
    assert!(r.gap_pct(&opts) < 1e-3, "gap {}", r.gap_pct(&opts));
    let greedy = hourly(&GreedyPacker.pack(&groups, &opts), &opts);
    assert!(hourly(&r.packing, &opts) < greedy - 1e-9);
}

#[test]
fn reports_tasks_no_type_holds_and_packs_the_rest() {
    let opts = options(&["m6i.large"]);
    let r = optimize(
        &[(shape(8192, 1024, false), 2), (shape(512, 512, false), 3)],
        &opts,
        Budget::default(),
    );
    assert_eq!(r.packing.unplaced, vec![(0, 2)]);
    assert_eq!(r.packing.bins.len(), 1);
}

#[test]
fn identical_shapes_from_different_services_are_packed_together_and_split_back() {
    let opts = options(&["m6i.xlarge"]);
    let s = shape(1024, 2048, false);
    let r = optimize(&[(s, 3), (s, 5)], &opts, Budget::default());
    assert_eq!(r.packing.bins.len(), 2);
    let per_group = |g: usize| {
        r.packing
            .bins
            .iter()
            .flat_map(|b| &b.items)
            .filter(|i| i.0 == g)
            .map(|i| i.1)
            .sum::<u32>()
    };
    assert_eq!((per_group(0), per_group(1)), (3, 5));
}

#[test]
fn near_the_bound_on_a_generated_cluster() {
    let opts = options(&BENCH_TYPES);
    let groups = ecs_like(11, 150, 0.3);
    let r = optimize(&groups, &opts, Budget::default());
    let greedy = hourly(&GreedyPacker.pack(&groups, &opts), &opts);
    assert!(hourly(&r.packing, &opts) <= greedy + 1e-9);
    assert!(r.gap_pct(&opts) < 3.0, "gap {}", r.gap_pct(&opts));
}

proptest! {
    /// The quick reject in pair merging (the most any cheaper type offers) never turns away a
    /// load some cheaper type holds, and an x86-only load's search among the x86 types alone
    /// finds the type a scan over every type finds.
    #[test]
    fn cheapest_holding_below_agrees_with_a_plain_scan(
        cpu in 0u64..70_000, mem in 0u64..300_000, eni in 0u64..16, x86_only in any::<bool>(), limit in 0.0f64..4.0,
    ) {
        let opts = options(&["m6i.large", "c6i.xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.xlarge", "c7g.2xlarge", "r7g.4xlarge", "c6i.4xlarge"]);
        let p = Problem::new(vec![shape(256, 512, false)], &opts);
        let l = Load { cpu, mem, eni, x86_only };
        let plain = p.by_cost.iter().copied().filter(|&o| p.cost[o] < limit).find(|&o| p.holds(o, &l));
        prop_assert_eq!(p.cheapest_holding_below(&l, limit), plain);
    }
}

fn arb_groups() -> impl Strategy<Value = Vec<(TaskShape, u32)>> {
    crate::simulation::testing::arb_groups(
        vec![
            (256, 512),
            (512, 1024),
            (512, 3072),
            (1024, 2048),
            (1024, 8192),
            (2048, 4096),
            (4096, 8192),
            (4096, 30720),
            (8192, 16384),
            (16384, 32768),
        ],
        1..25,
        1..7,
    )
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(40))]
    #[test]
    fn optimizer_invariants(groups in arb_groups()) {
        let opts = options(&["m6i.large", "c6i.xlarge", "m6i.2xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.xlarge", "c7g.2xlarge"]);
        let budget = Budget { pivots: 5_000, knapsack_nodes: 200_000 };
        let r = optimize(&groups, &opts, budget);
        check_packing(&groups, &opts, &r.packing).map_err(TestCaseError::fail)?;
        // The bound is below the fleet and below what greedy finds.
        let cost = hourly(&r.packing, &opts);
        prop_assert!(r.lower_bound_hourly <= cost + 1e-9);
        let greedy = GreedyPacker.pack(&groups, &opts);
        if greedy.unplaced.is_empty() {
            prop_assert!(r.lower_bound_hourly <= hourly(&greedy, &opts) + 1e-9);
            prop_assert!(cost <= hourly(&greedy, &opts) + 1e-9);
        }
    }

    /// Packing one mix after another (the simulation's sequence, past the mixes it always
    /// solves in full) keeps every invariant of a single packing.
    #[test]
    fn a_sequence_keeps_the_packing_invariants(groups in arb_groups(), steps in prop::collection::vec(prop::collection::vec(0u32..15, 8), 70..75)) {
        let opts = options(&["c6i.large", "m6i.xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.2xlarge", "c7g.4xlarge"]);
        let shapes: Vec<TaskShape> = groups.iter().map(|g| g.0).collect();
        let packer = OptimizingPacker { budget: Budget { pivots: 300, knapsack_nodes: 5_000 } };
        let mut seq = packer.sequence(&shapes, &opts);
        for counts in &steps {
            let counts: Vec<u32> = (0..shapes.len()).map(|g| counts[g % counts.len()]).collect();
            let p = seq.pack_counts(&counts);
            let groups: Vec<(TaskShape, u32)> = shapes.iter().copied().zip(counts.iter().copied()).collect();
            check_packing(&groups, &opts, &p).map_err(TestCaseError::fail)?;
        }
    }

    /// A simulation reads each mix's fleet as instances per type (`fleet_counts`): the same
    /// counts and left-out tasks as the full packing gives.
    #[test]
    fn fleet_counts_are_the_packings_counts(groups in arb_groups(), steps in prop::collection::vec(prop::collection::vec(0u32..15, 8), 70..75)) {
        let opts = options(&["c6i.large", "m6i.xlarge", "r6i.2xlarge", "m7g.2xlarge", "c7g.4xlarge"]);
        let shapes: Vec<TaskShape> = groups.iter().map(|g| g.0).collect();
        let packer = OptimizingPacker { budget: Budget { pivots: 300, knapsack_nodes: 5_000 } };
        let (mut full, mut counted) = (packer.sequence(&shapes, &opts), packer.sequence(&shapes, &opts));
        for counts in &steps {
            let counts: Vec<u32> = (0..shapes.len()).map(|g| counts[g % counts.len()]).collect();
            let p = full.pack_counts(&counts);
            let mut per_type = vec![0u32; opts.len()];
            p.bins.iter().for_each(|b| per_type[b.option] += 1);
            prop_assert_eq!(counted.fleet_counts(&counts, opts.len()), (per_type, p.unplaced));
        }
    }
}
