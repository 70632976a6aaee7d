//! The EC2 packing and the ideal re-pack over time on small, hand-checked sets.

use super::*;
use crate::simulation::testing::{check_packing, shape, us_east_1};
use proptest::prelude::*;

fn options(types: &[&str], daemons: &[TaskShape]) -> Vec<InstanceOption> {
    us_east_1(types, daemons)
}

#[test]
fn registered_memory_excludes_the_reservation_and_daemons() {
    let o = &options(&["m5.large"], &[shape(128, 256, false)])[0];
    assert_eq!(o.cpu_units, 2048 - 128);
    assert_eq!(o.memory_mib, 8192 - 512 - 256);
    assert_eq!(o.awsvpc_tasks, 2, "m5.large has 3 ENIs, one is the instance's");
}

#[test]
fn awsvpc_tasks_are_limited_by_enis_not_cpu() {
    // Ten tiny awsvpc tasks: an m5.large holds only 2 of them, so 5 instances.
    let opts = options(&["m5.large"], &[]);
    let p = GreedyPacker.pack(&[(shape(64, 64, true), 10)], &opts);
    assert_eq!(p.bins.len(), 5);
    let p = GreedyPacker.pack(&[(shape(64, 64, false), 10)], &opts);
    assert_eq!(p.bins.len(), 1);
}

#[test]
fn a_task_larger_than_every_type_is_reported_unplaced() {
    let opts = options(&["m5.large"], &[]);
    let p = GreedyPacker.pack(&[(shape(4096, 1024, false), 2), (shape(512, 512, false), 1)], &opts);
    assert_eq!(p.unplaced, vec![(0, 2)]);
    assert_eq!(p.bins.len(), 1);
}

#[test]
fn picks_the_cheaper_family_for_memory_heavy_tasks() {
    let opts = options(&["c5.xlarge", "m5.xlarge", "r5.xlarge"], &[]);
    let p = GreedyPacker.pack(&[(shape(512, 7000, false), 8)], &opts);
    // r5.xlarge (4 vCPU, 32 GiB) holds 4 such tasks: 2 x 0.252 beats m5's 4 x 0.192.
    assert!(p.bins.iter().all(|b| opts[b.option].instance_type == "r5.xlarge"), "{:?}", p.bins);
    assert_eq!(p.bins.len(), 2);
}

#[test]
fn graviton_is_used_only_for_tasks_that_can_run_on_it() {
    let opts = options(&["m6i.xlarge", "m7g.xlarge"], &[]);
    let arm = TaskShape {
        arm_ok: true,
        ..shape(1024, 2048, false)
    };
    let p = GreedyPacker.pack(&[(arm, 4), (shape(1024, 2048, false), 4)], &opts);
    for b in &p.bins {
        let on_arm = opts[b.option].arch == Arch::Arm64;
        assert!(!on_arm || b.items.iter().all(|&(g, _)| g == 0));
    }
    assert!(p.bins.iter().any(|b| opts[b.option].arch == Arch::Arm64));
}

#[test]
fn allocation_adds_up_to_the_cent() {
    let total = Usd::parse("100.00").unwrap();
    let a = allocate(total, &[(0, 1.0), (1, 1.0), (2, 1.0)]);
    assert_eq!(a.values().copied().sum::<Usd>(), total);
    assert_eq!(a[&1], Usd::parse("33.33").unwrap());
}

#[test]
fn fleet_cost_is_integrated_over_steps() {
    let opts = options(&["m5.large"], &[]);
    let w = vec![Workload {
        service: 0,
        shape: shape(2000, 1000, false),
        counts: vec![1, 1, 2, 0],
    }];
    let weights = ResourceWeights {
        per_cpu_unit: 1.0,
        per_memory_mib: 0.1,
    };
    let s = simulate(&w, &[], &opts, 3600, 4, &GreedyPacker, weights).unwrap();
    // 1 + 1 + 2 + 0 instance-hours of m5.large.
    assert_eq!(s.cost, Usd::parse("0.384").unwrap());
    assert_eq!(s.fleet[0].count, 2);
    assert_eq!(s.distinct_mixes, 3);
    assert_eq!(s.allocation[&0], s.cost);
}

fn arb_groups() -> impl Strategy<Value = Vec<(TaskShape, u32)>> {
    crate::simulation::testing::arb_groups(
        vec![
            (256, 512),
            (512, 1024),
            (1024, 2048),
            (1024, 4096),
            (2048, 4096),
            (4096, 8192),
            (4096, 30720),
            (8192, 16384),
        ],
        1..20,
        1..8,
    )
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(64))]
    #[test]
    fn packing_invariants(groups in arb_groups(), daemon in any::<bool>()) {
        let daemons = if daemon { vec![shape(128, 256, false)] } else { vec![] };
        let opts = options(&["c6i.large", "m6i.xlarge", "r6i.2xlarge", "m6i.4xlarge", "m7g.2xlarge", "c7g.4xlarge"], &daemons);
        let p = GreedyPacker.pack(&groups, &opts);
        check_packing(&groups, &opts, &p).map_err(TestCaseError::fail)?;
        // Never cheaper than the resource lower bound on the cheapest price per unit.
        let placed_groups: Vec<(TaskShape, u32)> = groups.iter().enumerate().map(|(g, &(t, n))| {
            let u: u32 = p.unplaced.iter().filter(|u| u.0 == g).map(|u| u.1).sum();
            (t, n - u)
        }).collect();
        let cpu: f64 = placed_groups.iter().map(|(t, n)| f64::from(t.cpu_units * n)).sum();
        let mem: f64 = placed_groups.iter().map(|(t, n)| f64::from(t.memory_mib * n)).sum();
        let per_cpu = opts.iter().map(|o| o.hourly_f / f64::from(o.cpu_units)).fold(f64::INFINITY, f64::min);
        let per_mem = opts.iter().map(|o| o.hourly_f / f64::from(o.memory_mib)).fold(f64::INFINITY, f64::min);
        let bound = (cpu * per_cpu).max(mem * per_mem);
        prop_assert!(p.hourly_f(&opts) + 1e-9 >= bound);
    }
}
