//! Helpers shared by the simulation's unit tests.

use crate::config::Assumptions;
use crate::domain::Arch;
use crate::pricing::Catalog;

use super::ec2::{InstanceOption, Packing, TaskShape};

/// A property test's config: `n` cases, or `PROPTEST_CASES` when it is set (the release run at
/// 5,000 cases each: `PROPTEST_CASES=5000 cargo test --release`), as tests with the default
/// config get.
pub fn cases(n: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(n);
    proptest::test_runner::Config::with_cases(cases)
}

/// A task of `cpu` units and `mem` MiB, on x86 only, awsvpc or not.
pub fn shape(cpu: u32, mem: u32, awsvpc: bool) -> TaskShape {
    TaskShape {
        cpu_units: cpu,
        memory_mib: mem,
        awsvpc,
        arm_ok: false,
    }
}

/// Random groups of tasks: between `groups` groups, each of a size drawn from `sizes` (CPU units,
/// MiB), awsvpc or not and Graviton-ready or not at random, with a count drawn from `count`.
pub fn arb_groups(
    sizes: Vec<(u32, u32)>,
    count: std::ops::Range<u32>,
    groups: std::ops::Range<usize>,
) -> impl proptest::strategy::Strategy<Value = Vec<(TaskShape, u32)>> {
    use proptest::prelude::*;
    prop::collection::vec((prop::sample::select(sizes), any::<bool>(), any::<bool>(), count), groups).prop_map(|v| {
        v.into_iter()
            .map(|((cpu_units, memory_mib), awsvpc, arm_ok, n)| {
                (
                    TaskShape {
                        cpu_units,
                        memory_mib,
                        awsvpc,
                        arm_ok,
                    },
                    n,
                )
            })
            .collect()
    })
}

/// `types` in us-east-1 from the bundled catalog, with the default reservation and `daemons`.
pub fn us_east_1(types: &[&str], daemons: &[TaskShape]) -> Vec<InstanceOption> {
    let c = Catalog::bundled().unwrap();
    let a = Assumptions::default().ec2;
    types
        .iter()
        .map(|t| InstanceOption::from_catalog(&c, "us-east-1", t, &a, daemons).unwrap().unwrap())
        .collect()
}

/// What every packing must satisfy: each task of `groups` in exactly one instance or reported
/// unplaced, no instance empty or over capacity in any dimension, Graviton only for ARM-ready
/// tasks. The first breach, in words.
pub fn check_packing(groups: &[(TaskShape, u32)], options: &[InstanceOption], p: &Packing) -> Result<(), String> {
    for (g, (_, n)) in groups.iter().enumerate() {
        let placed: u32 = p.bins.iter().flat_map(|b| &b.items).filter(|i| i.0 == g).map(|i| i.1).sum();
        let unplaced: u32 = p.unplaced.iter().filter(|u| u.0 == g).map(|u| u.1).sum();
        if placed + unplaced != *n {
            return Err(format!("group {g}: {placed} placed + {unplaced} unplaced != {n}"));
        }
    }
    for (k, b) in p.bins.iter().enumerate() {
        let o = &options[b.option];
        let (mut cpu, mut mem, mut eni) = (0u32, 0u32, 0u32);
        for &(g, n) in &b.items {
            let t = groups[g].0;
            cpu += t.cpu_units * n;
            mem += t.memory_mib * n;
            eni += u32::from(t.awsvpc) * n;
            if !t.arm_ok && o.arch != Arch::X86_64 {
                return Err(format!("instance {k} ({}) holds x86-only group {g}", o.instance_type));
            }
        }
        if b.items.iter().all(|i| i.1 == 0) {
            return Err(format!("instance {k} ({}) is empty", o.instance_type));
        }
        if cpu > o.cpu_units || mem > o.memory_mib || eni > o.awsvpc_tasks {
            return Err(format!(
                "instance {k} ({}) over capacity: {cpu} units, {mem} MiB, {eni} ENIs",
                o.instance_type
            ));
        }
    }
    Ok(())
}
