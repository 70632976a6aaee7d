//! Speed of the pipeline's stages on the demo cluster (27 services, 30 days at 5 minutes) and of
//! the EC2 packer on generated task sets. Run: `cargo bench --bench pipeline`.

use ecs_advisor::config::Assumptions;
use ecs_advisor::pricing::Catalog;
use ecs_advisor::simulation::ec2::{GreedyPacker, InstanceOption, Packer, TaskShape};
use ecs_advisor::{recommend, sources, usage};

fn main() {
    divan::main();
}

/// Reading and validating the embedded snapshot (Parquet through polars).
#[divan::bench]
fn load_demo_snapshot() -> usize {
    sources::demo::embedded().unwrap().usage.len()
}

/// Parsing the embedded price catalog: 1,345 instance types, their prices in seven regions, the
/// Fargate rates. Every command that prices pays it once.
#[divan::bench]
fn load_catalog() -> usize {
    Catalog::bundled().unwrap().instance_types.len()
}

#[divan::bench]
fn usage_statistics(bencher: divan::Bencher) {
    let s = sources::demo::embedded().unwrap();
    let a = Assumptions::default();
    bencher.bench(|| usage::analyze(&s, &a.rightsizing).len());
}

/// Everything after loading: rightsizing, three EC2 fleet simulations over 8,640 steps (each
/// distinct task mix packed by the optimizer), the plan.
#[divan::bench(sample_count = 10)]
fn analyze_demo(bencher: divan::Bencher) {
    let s = sources::demo::embedded().unwrap();
    let c = Catalog::bundled().unwrap();
    let a = Assumptions::default();
    bencher.bench(|| recommend::analyze(&s, &c, &a).unwrap().services.len());
}

/// Drawing the demo report's six charts, each as SVG and PNG.
#[divan::bench(sample_count = 10)]
fn charts_demo(bencher: divan::Bencher) {
    let r = recommend::analyze(
        &sources::demo::embedded().unwrap(),
        &Catalog::bundled().unwrap(),
        &Assumptions::default(),
    )
    .unwrap();
    bencher.bench(|| ecs_advisor::charts::render(&r).unwrap().len());
}

/// The whole monthly report of the analysed demo: charts, comparison with a previous month,
/// report.json, report.md, report.html, the index, written to a folder.
#[divan::bench(sample_count = 10)]
fn report_demo(bencher: divan::Bencher) {
    let r = recommend::analyze(
        &sources::demo::embedded().unwrap(),
        &Catalog::bundled().unwrap(),
        &Assumptions::default(),
    )
    .unwrap();
    let month = ecs_advisor::domain::Month::parse("2026-10").unwrap();
    let dir = std::env::temp_dir().join(format!("ecs-advisor-bench-report-{}", std::process::id()));
    ecs_advisor::commands::report::write(&dir, r.clone(), month.previous(), None).unwrap();
    bencher.bench(|| ecs_advisor::commands::report::write(&dir, r.clone(), month, None).unwrap().dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One packing of `n` tasks in Fargate-valid sizes onto eight instance types, large to 4xlarge.
#[divan::bench(args = [20, 200, 2000], sample_count = 20)]
fn greedy_pack(bencher: divan::Bencher, n: u32) {
    let c = Catalog::bundled().unwrap();
    let a = Assumptions::default().ec2;
    let types = ecs_advisor::simulation::testsets::BENCH_TYPES;
    let options: Vec<InstanceOption> = types
        .iter()
        .map(|t| InstanceOption::from_catalog(&c, "us-east-1", t, &a, &[]).unwrap().unwrap())
        .collect();
    let sizes = [
        (256, 512),
        (512, 1024),
        (1024, 2048),
        (1024, 4096),
        (2048, 4096),
        (2048, 8192),
        (4096, 8192),
        (4096, 16384),
    ];
    let groups: Vec<(TaskShape, u32)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &(cpu, mem))| {
            let shape = TaskShape {
                cpu_units: cpu,
                memory_mib: mem,
                awsvpc: false,
                arm_ok: false,
            };
            (shape, n / sizes.len() as u32 + u32::from((i as u32) < n % sizes.len() as u32))
        })
        .collect();
    bencher.bench(|| GreedyPacker.pack(&groups, &options).bins.len());
}

/// The optimizer on generated ECS-like sets (see `packing_quality` for the fleets' cost).
#[divan::bench(args = [20, 200, 2000], sample_count = 5)]
fn optimizer_pack(bencher: divan::Bencher, n: u32) {
    use ecs_advisor::simulation::optimizer::{optimize, Budget};
    use ecs_advisor::simulation::testsets::{ecs_like, BENCH_TYPES};
    let c = Catalog::bundled().unwrap();
    let a = Assumptions::default().ec2;
    let options: Vec<InstanceOption> = BENCH_TYPES
        .iter()
        .map(|t| InstanceOption::from_catalog(&c, "us-east-1", t, &a, &[]).unwrap().unwrap())
        .collect();
    let groups = ecs_like(u64::from(n), n, 0.3);
    bencher.bench(|| optimize(&groups, &options, Budget::default()).packing.bins.len());
}

/// The gate on the analysed demo: a proposal (three desired counts, a new Fargate task size for
/// one service, a new service) priced through the engine's cost model, before and after, and the
/// rules judged. `gate --demo` adds one analysis (`analyze_demo`) to it.
#[divan::bench(sample_count = 20)]
fn gate_demo(bencher: divan::Bencher) {
    use ecs_advisor::domain::Platform;
    use ecs_advisor::gate::{self, taskdef::Declared, Proposal, Rules};
    let c = Catalog::bundled().unwrap();
    let r = recommend::analyze(&sources::demo::embedded().unwrap(), &c, &Assumptions::default()).unwrap();
    let declared = |family: &str, cpu_units, memory_mib| Declared {
        family: family.into(),
        cpu_units,
        memory_mib,
        platform: Platform::LinuxX86,
        storage_gib: 20,
        fargate: true,
        source: format!("{family}.json"),
        unpriced: None,
    };
    let proposal = Proposal {
        task_definitions: vec![declared("checkout-api", 2048, 4096), declared("falcon", 1024, 2048)],
        service_task_definitions: Vec::new(),
        desired: vec![("catalog-api".into(), 8), ("payments-worker".into(), 2), ("search-api".into(), 1)],
        plan: None,
    };
    let rules = Rules {
        budget_usd: Some(5000.0),
        max_increase_pct: Some(5.0),
        ..Rules::default()
    };
    let reports = [r];
    bencher.bench(|| gate::evaluate(&reports, None, &proposal, &rules, &c).unwrap().services.len());
}
