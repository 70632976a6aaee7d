//! The ECS-run simulation on small fleets computed by hand: binpack, scale-in, the spares a
//! target capacity keeps, consolidation, and the type chosen for a group.

use super::*;
use crate::money::Usd;
use crate::simulation::ec2::{self, GreedyPacker};
use crate::simulation::testing::us_east_1;
use proptest::prelude::*;

fn options(types: &[&str]) -> Vec<InstanceOption> {
    us_east_1(types, &[])
}

fn shape(cpu: u32, mem: u32, arm_ok: bool) -> TaskShape {
    TaskShape {
        cpu_units: cpu,
        memory_mib: mem,
        awsvpc: false,
        arm_ok,
    }
}

const WEIGHTS: ResourceWeights = ResourceWeights {
    per_cpu_unit: 1.0,
    per_memory_mib: 0.1,
};

fn workload(service: usize, s: TaskShape, counts: &[u32]) -> Workload {
    Workload {
        service,
        shape: s,
        counts: counts.to_vec(),
    }
}

fn scaling(scale_in_steps: u32) -> Scaling {
    Scaling {
        scale_in_steps,
        target_capacity_pct: 100,
        consolidate: false,
    }
}

#[test]
fn scale_in_delay_bills_empty_instances() {
    // m5.large holds 1 task of 1500 units: 3 instances, then 1; two empty instances stay
    // billed for the 2-step delay, then go.
    let opts = options(&["m5.large"]);
    let w = vec![workload(0, shape(1500, 1000, false), &[3, 1, 1, 1, 1])];
    let r = simulate(&w, &[], &opts, 3600, 5, scaling(2), WEIGHTS).unwrap();
    // 3 + 3 + 3 + 1 + 1 instance-hours at $0.096.
    assert_eq!(r.sim.cost, Usd::parse("1.056").unwrap());
    let r = simulate(&w, &[], &opts, 3600, 5, scaling(0), WEIGHTS).unwrap();
    assert_eq!(r.sim.cost, Usd::parse("0.672").unwrap(), "no delay: 3 + 1 + 1 + 1 + 1");
}

#[test]
fn tasks_never_move_so_scale_in_leaves_fragments() {
    // Two services of half-instance tasks on m5.large (room for 2 of 900 units). A scales
    // 4 -> 2 -> 1 while B scales 0 -> 2 -> 1. A's survivors share one instance and B's two
    // tasks the other; at the last step one task of each is left, on separate instances,
    // where the ideal re-pack needs one.
    let opts = options(&["m5.large"]);
    let w = vec![
        workload(0, shape(900, 1000, false), &[4, 2, 1]),
        workload(1, shape(900, 1000, false), &[0, 2, 1]),
    ];
    let r = simulate(&w, &[], &opts, 3600, 3, scaling(0), WEIGHTS).unwrap();
    let ideal = ec2::simulate(&w, &[], &opts, 3600, 3, &GreedyPacker, WEIGHTS).unwrap();
    // Ideal: 2 + 2 + 1 instance-hours; ECS: 2 + 2 + 2 (one task of each on separate instances).
    assert_eq!(ideal.cost, Usd::parse("0.480").unwrap());
    assert_eq!(r.sim.cost, Usd::parse("0.576").unwrap());
}

#[test]
fn managed_instances_consolidation_drains_an_underused_instance_after_the_delay() {
    // The fragments of `tasks_never_move_so_scale_in_leaves_fragments`, one more step: one
    // task of each service on separate m5.large instances. Each is underused (900 of 2,048
    // units, 1,000 MiB) and its task fits beside the other's: with a delay of one step, the
    // instance drains at the second step it has been so, and the fleet runs 2 + 2 + 2 + 1
    // instance-hours at $0.096, where Auto Scaling groups keep both: 2 + 2 + 2 + 2.
    let opts = options(&["m5.large"]);
    let w = vec![
        workload(0, shape(900, 1000, false), &[4, 2, 1, 1]),
        workload(1, shape(900, 1000, false), &[0, 2, 1, 1]),
    ];
    let groups = simulate(&w, &[], &opts, 3600, 4, scaling(1), WEIGHTS).unwrap();
    assert_eq!(groups.sim.cost, Usd::parse("0.768").unwrap());
    let managed = Scaling {
        consolidate: true,
        ..scaling(1)
    };
    let r = simulate(&w, &[], &opts, 3600, 4, managed, WEIGHTS).unwrap();
    assert_eq!(r.sim.cost, Usd::parse("0.672").unwrap());
    // With no delay it drains at once: 2 + 2 + 1 + 1, the ideal re-pack's figure.
    let now = Scaling {
        consolidate: true,
        ..scaling(0)
    };
    let r = simulate(&w, &[], &opts, 3600, 4, now, WEIGHTS).unwrap();
    assert_eq!(r.sim.cost, Usd::parse("0.576").unwrap());
}

#[test]
fn binpack_fills_the_fullest_instance_first() {
    // After scale-in leaves instances with 1 and 3 small tasks, a new task joins the fuller one.
    let opts = options(&["m5.large"]);
    let w = vec![workload(0, shape(256, 1024, false), &[1, 5, 4, 5])];
    let r = simulate(&w, &[], &opts, 3600, 4, scaling(0), WEIGHTS).unwrap();
    assert_eq!(r.sim.fleet[0].count, 1, "m5.large holds 7 such tasks by memory");
}

#[test]
fn target_capacity_below_100_keeps_spare_instances() {
    let opts = options(&["m5.large"]);
    let w = vec![workload(0, shape(1500, 1000, false), &[4, 4])];
    let s = Scaling {
        scale_in_steps: 0,
        target_capacity_pct: 80,
        consolidate: false,
    };
    let r = simulate(&w, &[], &opts, 3600, 2, s, WEIGHTS).unwrap();
    // 4 busy instances at 80%: 5 in all.
    assert_eq!(r.sim.instance_hours, 10.0);
}

#[test]
fn picks_the_cheapest_type_and_an_arm_group_when_it_pays() {
    let opts = options(&["m6i.xlarge", "m6i.2xlarge", "m7g.xlarge", "m7g.2xlarge"]);
    let w = vec![
        workload(0, shape(1024, 2048, true), &[8, 8, 8]),
        workload(1, shape(1024, 2048, false), &[3, 3, 3]),
    ];
    let r = simulate(&w, &[], &opts, 3600, 3, scaling(0), WEIGHTS).unwrap();
    let arm = r.groups.iter().find(|g| g.arch == Arch::Arm64).expect("an ARM group");
    assert_eq!(arm.services, vec![0]);
    let x86 = r.groups.iter().find(|g| g.arch == Arch::X86_64).expect("an x86 group");
    assert_eq!(x86.services, vec![1]);
}

#[test]
fn awsvpc_tasks_get_a_group_of_their_own_when_enis_bind() {
    // 14 small awsvpc tasks and 16 CPU-heavy bridge tasks. One c5.4xlarge group needs 5
    // instances ($3.40); c5.large for the awsvpc tasks (2 each, by ENIs) and c5.4xlarge for
    // the rest cost 7 x $0.085 + 4 x $0.68 = $3.315.
    let opts = options(&["c5.large", "c5.4xlarge"]);
    let awsvpc = TaskShape {
        awsvpc: true,
        ..shape(256, 512, false)
    };
    let w = vec![workload(0, awsvpc, &[14]), workload(1, shape(4096, 7680, false), &[16])];
    let r = simulate(&w, &[], &opts, 3600, 1, scaling(0), WEIGHTS).unwrap();
    assert_eq!(r.sim.cost, Usd::parse("3.315").unwrap());
    let types: Vec<(&str, &[usize])> = r.groups.iter().map(|g| (g.instance_type.as_str(), g.services.as_slice())).collect();
    assert_eq!(types, vec![("c5.4xlarge", &[1][..]), ("c5.large", &[0][..])]);
}

#[test]
fn a_task_no_type_holds_is_reported() {
    let opts = options(&["m5.large"]);
    let w = vec![
        workload(0, shape(4096, 1024, false), &[1, 0]),
        workload(1, shape(512, 512, false), &[1, 1]),
    ];
    let r = simulate(&w, &[], &opts, 3600, 2, scaling(0), WEIGHTS).unwrap();
    assert_eq!(r.sim.unplaced_steps, 1);
    assert_eq!(r.sim.unplaceable_services, vec![0]);
    assert_eq!(r.sim.instance_hours, 2.0);
}

proptest! {
    #![proptest_config(crate::simulation::testing::cases(48))]
    /// ECS never beats the ideal re-pack onto the same types by more than the packer's own
    /// slack, and never bills fewer instances than the resources need at any step.
    #[test]
    fn never_below_the_resource_bound(
        counts in prop::collection::vec(prop::collection::vec(0u32..12, 12), 1..5),
        sizes in prop::collection::vec(prop::sample::select(vec![(256u32, 512u32), (512, 1024), (1024, 2048), (2048, 4096), (1024, 7168)]), 5),
        delay in 0u32..4,
        consolidate in any::<bool>(),
    ) {
        let opts = options(&["m6i.large", "m6i.xlarge", "c6i.xlarge", "r6i.large"]);
        let w: Vec<Workload> = counts.iter().enumerate().map(|(i, c)| {
            let (cpu, mem) = sizes[i];
            workload(i, shape(cpu, mem, false), c)
        }).collect();
        // Managed Instances' consolidation moves tasks, but never below what they need.
        let s = Scaling { consolidate, ..scaling(delay) };
        let r = simulate(&w, &[], &opts, 300, 12, s, WEIGHTS).unwrap();
        prop_assert_eq!(r.sim.unplaced_steps, 0);
        prop_assert_eq!(r.groups.len(), 1);
        let o = opts.iter().find(|o| o.instance_type == r.groups[0].instance_type).unwrap();
        let mut instance_steps = 0u64;
        for s in 0..12 {
            let cpu: u64 = w.iter().map(|w| u64::from(w.counts[s] * w.shape.cpu_units)).sum();
            let mem: u64 = w.iter().map(|w| u64::from(w.counts[s] * w.shape.memory_mib)).sum();
            instance_steps += cpu.div_ceil(u64::from(o.cpu_units)).max(mem.div_ceil(u64::from(o.memory_mib)));
        }
        prop_assert!(r.sim.instance_hours * 12.0 + 1e-6 >= instance_steps as f64);
        prop_assert_eq!(r.sim.allocation.values().copied().sum::<Usd>(), r.sim.cost);
    }
}
