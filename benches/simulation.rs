//! A 30-day, 5-minute simulation (8,640 steps) of a generated 100-service cluster, as `analyze`
//! runs it: the ideal re-pack with the packing optimizer (each distinct mix of task counts once)
//! and the realistic ECS simulation, over every current non-burstable type of us-east-1.
//! Run: `cargo bench --bench simulation` (release), or `cargo test --release --bench simulation`.

use std::time::Instant;

use ecs_advisor::config::Assumptions;
use ecs_advisor::pricing::Catalog;
use ecs_advisor::recommend::SIMULATION_BUDGET;
use ecs_advisor::simulation::ec2::{self, InstanceOption, ResourceWeights};
use ecs_advisor::simulation::optimizer::OptimizingPacker;
use ecs_advisor::simulation::realistic::{self, Scaling};
use ecs_advisor::simulation::testsets::cluster_over_time;

const STEPS: usize = 8_640;

fn main() {
    let catalog = Catalog::bundled().unwrap();
    let a = Assumptions::default();
    let region = catalog.region("us-east-1").unwrap();
    let options: Vec<InstanceOption> = region
        .ec2_hourly
        .keys()
        .filter_map(|t| catalog.instance_types.get(t))
        .filter(|t| !t.is_burstable())
        .filter_map(|t| InstanceOption::new(t, region.ec2_hourly[&t.instance_type], &a.ec2, &[]))
        .collect();
    let weights = ResourceWeights {
        per_cpu_unit: 0.04048 / 1024.0,
        per_memory_mib: 0.004445 / 1024.0,
    };
    println!("| services | steps | types | distinct mixes | ideal | ideal s | realistic | realistic s | fragmentation |");
    println!("|---|---|---|---|---|---|---|---|---|");
    // `SIMULATION_SERVICES=100` runs one size only.
    let sizes: Vec<usize> = match std::env::var("SIMULATION_SERVICES") {
        Ok(v) => v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => vec![50, 100],
    };
    for services in sizes {
        let workloads = cluster_over_time(7, services, STEPS);
        let t = Instant::now();
        let packer = OptimizingPacker { budget: SIMULATION_BUDGET };
        let ideal = ec2::simulate(&workloads, &[], &options, 300, STEPS, &packer, weights).unwrap();
        let ideal_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let scaling = Scaling::new(a.ec2.scale_in_minutes, a.ec2.target_capacity_pct, 300);
        let real = realistic::simulate(&workloads, &[], &options, 300, STEPS, scaling, weights).unwrap();
        let real_s = t.elapsed().as_secs_f64();
        println!(
            "| {services} | {STEPS} | {} | {} | {} | {ideal_s:.2} | {} | {real_s:.2} | {:.1}% |",
            options.len(),
            ideal.distinct_mixes,
            ideal.cost,
            real.sim.cost,
            (real.sim.cost.to_f64() / ideal.cost.to_f64() - 1.0) * 100.0
        );
    }
}
