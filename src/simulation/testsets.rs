//! Generated ECS-like task sets, for the optimizer's quality benchmark and its tests: services
//! with Fargate-valid task sizes (small sizes common, large ones rare) and skewed replica counts,
//! so that a few distinct shapes carry most tasks, as in real clusters.

use crate::sources::demo::Rng;

use super::ec2::{TaskShape, Workload};

/// Fargate's CPU sizes with how often services use them, and the memory range valid for each.
const SIZES: [(u32, f64, u32, u32, u32); 6] = [
    // cpu_units, weight, min MiB, max MiB, step MiB
    (256, 0.30, 512, 2048, 512),
    (512, 0.25, 1024, 4096, 1024),
    (1024, 0.22, 2048, 8192, 1024),
    (2048, 0.13, 4096, 16384, 1024),
    (4096, 0.08, 8192, 30720, 1024),
    (8192, 0.02, 16384, 61440, 4096),
];

/// The eight instance types of the quality benchmark, large to 4xlarge.
pub const BENCH_TYPES: [&str; 8] = [
    "m6i.large",
    "m6i.xlarge",
    "m6i.2xlarge",
    "m6i.4xlarge",
    "c6i.2xlarge",
    "c6i.4xlarge",
    "r6i.2xlarge",
    "r6i.4xlarge",
];

/// About `tasks` tasks (exactly, unless a service is cut short) from services drawn at random;
/// each service is awsvpc with probability `awsvpc_share`.
pub fn ecs_like(seed: u64, tasks: u32, awsvpc_share: f64) -> Vec<(TaskShape, u32)> {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5DEE_CE66);
    let mut out: Vec<(TaskShape, u32)> = Vec::new();
    let mut left = tasks;
    while left > 0 {
        let mut pick = rng.unit();
        let &(cpu, _, lo, hi, step) = SIZES
            .iter()
            .find(|s| {
                pick -= s.1;
                pick < 0.0
            })
            .unwrap_or(&SIZES[0]);
        // Lower memory settings are the more common: the least of two draws.
        let options = (hi - lo) / step + 1;
        let k = ((rng.unit().min(rng.unit())) * f64::from(options)) as u32;
        let memory = lo + k.min(options - 1) * step;
        // Replicas: mostly 1-6, sometimes tens.
        let replicas = if rng.unit() < 0.8 {
            1 + (rng.unit() * 6.0) as u32
        } else {
            6 + (rng.unit() * 40.0) as u32
        };
        let n = replicas.min(left);
        let shape = TaskShape {
            cpu_units: cpu,
            memory_mib: memory,
            awsvpc: rng.unit() < awsvpc_share,
            arm_ok: false,
        };
        out.push((shape, n));
        left -= n;
    }
    out
}

/// A cluster of `services` replica services over `steps` 5-minute steps, for the simulation
/// benchmark: task shapes as in [`ecs_like`], half the services awsvpc; most services follow a
/// daily curve (peak 2-4 times the night's count) with noise, some are steady, and some are
/// batch jobs that run for an hour or two a night.
pub fn cluster_over_time(seed: u64, services: usize, steps: usize) -> Vec<Workload> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xC1A5_7E12);
    let shapes = ecs_like(seed, 10 * services as u32, 0.5);
    (0..services)
        .map(|i| {
            let shape = shapes[i % shapes.len()].0;
            let kind = rng.unit();
            let base = 1.0 + (rng.unit() * rng.unit() * 12.0).floor();
            let peak = 2.0 + rng.unit() * 2.0;
            let phase = rng.unit() * 0.2;
            let start = (rng.unit() * 60.0) as usize;
            let mut counts = Vec::with_capacity(steps);
            for s in 0..steps {
                let day = (s % 288) as f64 / 288.0;
                let n = if kind < 0.6 {
                    // Daily curve: low at night, high in the afternoon, with noise.
                    let curve = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (day - phase)).cos();
                    (base * (1.0 + (peak - 1.0) * curve) + rng.unit() * 1.5 - 0.75).round().max(1.0)
                } else if kind < 0.85 {
                    base
                } else if (s % 288) >= start && (s % 288) < start + 12 + (i % 12) {
                    base * 2.0
                } else {
                    0.0
                };
                counts.push(n as u32);
            }
            Workload { service: i, shape, counts }
        })
        .collect()
}
