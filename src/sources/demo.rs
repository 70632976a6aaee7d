//! The demo cluster: a deterministic generator and the snapshot it wrote, shipped under
//! `data/demo/` and embedded in the binary. `ecs-advisor demo export --out DIR` writes the same
//! snapshot anywhere; a test checks that the shipped files are what the generator produces.
//!
//! The cluster is made to exercise every rule: steady APIs, diurnal traffic with service auto
//! scaling, nightly batch and short-lived tasks (the Fargate 1-minute minimum), over-provisioned
//! memory, CPU-bound workers, Fargate Spot, Windows, ARM, EC2 services on container instances
//! in bridge and awsvpc mode, and daemons. Usage carries noise, spikes and two gaps.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};

use crate::domain::Arch;
use crate::snapshot::inventory::*;
use crate::snapshot::{Manifest, Snapshot, SnapshotError, Usage, UsagePoint, SCHEMA_VERSION};

const MANIFEST: &[u8] = include_bytes!("../../data/demo/manifest.json");
const INVENTORY: &[u8] = include_bytes!("../../data/demo/inventory.json");
const USAGE: &[u8] = include_bytes!("../../data/demo/usage.parquet");

pub const CLUSTER: &str = "demo-prod";
pub const REGION: &str = "us-east-1";
const DAYS: i64 = 30;
const STEP_SECONDS: u32 = 300;
const SEED: u64 = 0x0ec5_ad71_5012_2026;

/// The shipped demo snapshot, validated like any other.
pub fn embedded() -> Result<Snapshot, SnapshotError> {
    Snapshot::from_parts(
        ("<demo>/manifest.json", MANIFEST),
        ("<demo>/inventory.json", INVENTORY),
        ("<demo>/usage.parquet", USAGE),
    )
}

/// SplitMix64: tiny, well-distributed and stable forever, unlike a library RNG whose stream
/// may change between versions and silently change the demo.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Approximately normal (Irwin-Hall of 4), mean 0, sd `sd`.
    pub(crate) fn normal(&mut self, sd: f64) -> f64 {
        let s: f64 = (0..4).map(|_| self.unit()).sum::<f64>() - 2.0;
        s * sd * (3.0f64).sqrt()
    }
}

#[derive(Clone, Copy)]
enum Pattern {
    Steady(u32),
    /// Service auto scaling following the daily traffic curve.
    Diurnal {
        min: u32,
        max: u32,
    },
    /// Scaling on queue depth: a bounded random walk.
    Queue {
        min: u32,
        max: u32,
    },
    /// Nightly job: `tasks` tasks start at `hour` UTC and run `minutes`.
    Nightly {
        hour: u32,
        tasks: u32,
        minutes: u32,
    },
    /// Every `every_min` minutes `tasks` tasks run for `seconds` each.
    ShortJobs {
        every_min: u32,
        tasks: u32,
        seconds: u32,
    },
    /// One task per container instance.
    Daemon,
}

#[derive(Clone, Copy)]
enum Run {
    Fargate,
    /// FARGATE base 1 weight 1, FARGATE_SPOT weight 3.
    FargateSpotMix,
    Ec2,
    /// A capacity provider strategy naming the cluster's ECS Managed Instances provider.
    ManagedInstances,
}

#[derive(Clone)]
struct Spec {
    name: String,
    run: Run,
    cpu: u32,
    memory: u32,
    awsvpc: bool,
    arch: Arch,
    windows: bool,
    pattern: Pattern,
    /// Mean per-task CPU use as a share of the task's CPU at peak traffic.
    cpu_util: f64,
    /// Mean per-task memory use, MiB.
    mem_used: f64,
    tags: &'static [(&'static str, &'static str)],
    storage_gib: Option<u32>,
}

const ARM_OK: &[(&str, &str)] = &[("ecs-advisor:arm64-ready", "true")];
const SPOT_OK: &[(&str, &str)] = &[("ecs-advisor:spot-ok", "true")];
const NONE: &[(&str, &str)] = &[];

fn specs() -> Vec<Spec> {
    use Pattern::*;
    use Run::*;
    let s = |name: &str, run, cpu, memory, awsvpc, pattern, cpu_util, mem_used, tags| Spec {
        name: name.to_string(),
        run,
        cpu,
        memory,
        awsvpc,
        arch: Arch::X86_64,
        windows: false,
        pattern,
        cpu_util,
        mem_used,
        tags,
        storage_gib: None,
    };
    vec![
        // Fargate: steady and diurnal APIs.
        s(
            "checkout-api",
            Fargate,
            1024,
            2048,
            true,
            Diurnal { min: 4, max: 12 },
            0.55,
            1100.0,
            NONE,
        ),
        s("catalog-api", Fargate, 512, 1024, true, Steady(3), 0.22, 610.0, NONE),
        s("auth-service", Fargate, 512, 1024, true, Steady(4), 0.30, 420.0, ARM_OK),
        s(
            "search-api",
            Fargate,
            2048,
            4096,
            true,
            Diurnal { min: 2, max: 8 },
            0.78,
            2900.0,
            NONE,
        ),
        s("notifications", Fargate, 256, 512, true, Steady(2), 0.12, 190.0, NONE),
        s("user-profile", Fargate, 1024, 4096, true, Steady(3), 0.25, 880.0, NONE),
        s(
            "recommendations",
            Fargate,
            4096,
            16384,
            true,
            Diurnal { min: 2, max: 4 },
            0.35,
            5200.0,
            NONE,
        ),
        s(
            "image-resizer",
            Fargate,
            2048,
            4096,
            true,
            Queue { min: 2, max: 10 },
            0.88,
            2300.0,
            NONE,
        ),
        s(
            "nightly-etl",
            Fargate,
            1024,
            4096,
            true,
            Nightly {
                hour: 2,
                tasks: 20,
                minutes: 37,
            },
            0.85,
            3100.0,
            SPOT_OK,
        ),
        s(
            "report-generator",
            Fargate,
            512,
            1024,
            true,
            ShortJobs {
                every_min: 60,
                tasks: 15,
                seconds: 45,
            },
            0.70,
            520.0,
            NONE,
        ),
        s("webhook-dispatcher", FargateSpotMix, 256, 512, true, Steady(6), 0.35, 230.0, NONE),
        s("email-worker", Fargate, 512, 1024, true, Steady(2), 0.18, 300.0, SPOT_OK),
        s("admin-portal", Fargate, 256, 512, true, Steady(1), 0.05, 260.0, NONE),
        Spec {
            arch: Arch::Arm64,
            ..s(
                "graphql-gateway",
                Fargate,
                1024,
                2048,
                true,
                Diurnal { min: 3, max: 9 },
                0.50,
                950.0,
                NONE,
            )
        },
        s("pdf-renderer", Fargate, 2048, 8192, true, Steady(2), 0.40, 6100.0, NONE),
        Spec {
            windows: true,
            ..s("legacy-billing", Fargate, 2048, 8192, true, Steady(2), 0.30, 3500.0, NONE)
        },
        s("feature-flags", Fargate, 256, 1024, true, Steady(2), 0.08, 310.0, ARM_OK),
        Spec {
            storage_gib: Some(60),
            ..s(
                "metrics-ingest",
                Fargate,
                1024,
                2048,
                true,
                Diurnal { min: 2, max: 6 },
                0.62,
                1250.0,
                NONE,
            )
        },
        // EC2 launch type, on the container instances below.
        s("orders-db-proxy", Ec2, 512, 1024, false, Steady(4), 0.30, 480.0, NONE),
        s("inventory-sync", Ec2, 1024, 2048, false, Steady(3), 0.20, 700.0, NONE),
        s("payments-worker", Ec2, 1024, 2048, true, Steady(4), 0.85, 1500.0, NONE),
        s(
            "cache-warmer",
            Ec2,
            256,
            512,
            false,
            ShortJobs {
                every_min: 30,
                tasks: 4,
                seconds: 240,
            },
            0.60,
            300.0,
            NONE,
        ),
        s("ml-scoring", Ec2, 4096, 8192, true, Steady(2), 0.80, 6500.0, NONE),
        s(
            "fraud-detector",
            Ec2,
            2048,
            4096,
            false,
            Diurnal { min: 2, max: 6 },
            0.55,
            2600.0,
            NONE,
        ),
        s(
            "queue-consumer",
            Ec2,
            512,
            1024,
            false,
            Queue { min: 2, max: 10 },
            0.45,
            600.0,
            ARM_OK,
        ),
        s("log-router", Ec2, 128, 256, false, Daemon, 0.25, 120.0, NONE),
        s("metrics-agent", Ec2, 256, 512, false, Daemon, 0.15, 260.0, NONE),
        // ECS Managed Instances: a steady label printer on the cluster's Managed Instances provider,
        // one task per Availability Zone.
        s("label-printer", ManagedInstances, 1024, 2048, true, Steady(3), 0.45, 1300.0, NONE),
    ]
}

const CONTAINER_INSTANCES: u32 = 6;
const INSTANCE_TYPE: &str = "m5.2xlarge";
const ASG_PROVIDER: &str = "demo-prod-asg";
const MANAGED_PROVIDER: &str = "demo-prod-managed";
/// The instances ECS Managed Instances runs for each service on it: one per zone, the cheapest
/// current general-purpose type that holds a task.
const MANAGED_INSTANCES_PER_SERVICE: u32 = 3;
const MANAGED_INSTANCE_TYPE: &str = "m7i.large";

/// Traffic on a 0..1 scale: trough at 04:00 UTC, peak at 16:00, weekends at 60%.
fn traffic(t: DateTime<Utc>) -> f64 {
    let h = f64::from(t.hour()) + f64::from(t.minute()) / 60.0;
    let daily = 0.5 - 0.5 * (2.0 * PI * (h - 4.0) / 24.0).cos();
    let weekend = matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
    daily * if weekend { 0.6 } else { 1.0 }
}

pub fn window_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 31, 0, 0, 0).unwrap()
}

/// Generates the demo snapshot. Same output on every machine and every run.
pub fn generate() -> Snapshot {
    generate_from(&specs(), window_end(), DAYS, SEED, CONTAINER_INSTANCES, CLUSTER)
}

/// The demo cluster's month: the calendar month of the embedded demo (2026-10) is the embedded
/// demo itself; another month is generated over that whole calendar month with its own noise,
/// and from 2026-11 on the team has acted on October's report: `user-profile` runs at its
/// rightsized 0.5 vCPU / 2 GB, `inventory-sync` moved to Fargate at 0.5 vCPU / 1 GB,
/// `admin-portal` was retired, `checkout-v2` launched, and `search-api` scales further with
/// traffic. The other October recommendations are still open. Its month-over-month section has
/// something to say.
pub fn generate_month(year: i32, month: u32) -> Option<Snapshot> {
    let start = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single()?;
    if start == Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap() {
        return Some(generate());
    }
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let end = Utc.with_ymd_and_hms(ny, nm, 1, 0, 0, 0).single()?;
    let mut specs = specs();
    if start > Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap() {
        evolve(&mut specs);
    }
    let seed = SEED ^ (u64::try_from(year).unwrap_or(0) * 12 + u64::from(month)).wrapping_mul(0x9E37_79B9);
    Some(generate_from(
        &specs,
        end,
        (end - start).num_days(),
        seed,
        CONTAINER_INSTANCES,
        CLUSTER,
    ))
}

/// What the demo team did after reading October's report.
fn evolve(specs: &mut Vec<Spec>) {
    for spec in specs.iter_mut() {
        match spec.name.as_str() {
            // The same work on half the CPU: twice the share of it.
            "user-profile" => (spec.cpu, spec.memory, spec.cpu_util) = (512, 2048, spec.cpu_util * 2.0),
            "inventory-sync" => {
                (spec.run, spec.cpu, spec.memory, spec.awsvpc, spec.cpu_util) = (Run::Fargate, 512, 1024, true, spec.cpu_util * 2.0);
            }
            "search-api" => spec.pattern = Pattern::Diurnal { min: 3, max: 10 },
            _ => {}
        }
    }
    specs.retain(|s| s.name != "admin-portal");
    let mut v2 = specs
        .iter()
        .find(|s| s.name == "checkout-api")
        .cloned()
        .expect("the demo has checkout-api");
    v2.name = "checkout-v2".into();
    v2.pattern = Pattern::Diurnal { min: 1, max: 4 };
    specs.insert(1, v2);
}

/// A large generated cluster, for benchmarks and for trying the tool at scale: `services`
/// services modelled on the demo's (the first 28 are the demo's own; later ones are copies of its
/// replica services with their task counts scaled by a random factor from 0.5 to 2), over `days`
/// days of 5-minute steps. The same settings give the same snapshot on every machine.
pub fn generate_large(services: usize, days: u32, seed: u64) -> Snapshot {
    let base = specs();
    let replicas: Vec<&Spec> = base.iter().filter(|s| !matches!(s.pattern, Pattern::Daemon)).collect();
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut out: Vec<Spec> = base.iter().take(services).cloned().collect();
    for i in out.len()..services {
        let mut spec = replicas[i % replicas.len()].clone();
        spec.name = format!("{}-{i}", spec.name);
        let f = 0.5 + 1.5 * rng.unit();
        let scale = |n: u32| ((f64::from(n) * f).round() as u32).max(1);
        spec.pattern = match spec.pattern {
            Pattern::Steady(n) => Pattern::Steady(scale(n)),
            Pattern::Diurnal { min, max } => Pattern::Diurnal {
                min: scale(min),
                max: scale(max).max(scale(min)),
            },
            Pattern::Queue { min, max } => Pattern::Queue {
                min: scale(min),
                max: scale(max).max(scale(min)),
            },
            p => p,
        };
        spec.cpu_util = (spec.cpu_util * (0.8 + 0.4 * rng.unit())).min(1.0);
        out.push(spec);
    }
    let instances = CONTAINER_INSTANCES * services.div_ceil(base.len()) as u32;
    generate_from(
        &out,
        window_end(),
        i64::from(days),
        seed,
        instances,
        &format!("generated-{services}x{days}d"),
    )
}

fn generate_from(specs: &[Spec], end: DateTime<Utc>, days: i64, seed: u64, container_instances: u32, cluster: &str) -> Snapshot {
    let mut rng = Rng(seed);
    let start = end - Duration::days(days);
    let steps = (days * 86_400 / i64::from(STEP_SECONDS)) as u32;
    let step_s = f64::from(STEP_SECONDS);

    let mut task_definitions = Vec::new();
    let mut services = Vec::new();
    for spec in specs {
        let fargate = matches!(spec.run, Run::Fargate | Run::FargateSpotMix);
        let container_memory = if fargate { None } else { Some(spec.memory) };
        task_definitions.push(TaskDefinition {
            family: spec.name.to_string(),
            revision: 1 + (rng.next_u64() % 40) as u32,
            cpu: Some(spec.cpu),
            memory: Some(spec.memory),
            network_mode: if spec.awsvpc { NetworkMode::Awsvpc } else { NetworkMode::Bridge },
            requires_compatibilities: vec![match spec.run {
                Run::Ec2 => "EC2",
                Run::ManagedInstances => "MANAGED_INSTANCES",
                _ => "FARGATE",
            }
            .to_string()],
            cpu_architecture: spec.arch,
            operating_system_family: if spec.windows { "WINDOWS_SERVER_2022_CORE" } else { "LINUX" }.to_string(),
            ephemeral_storage_gib: spec.storage_gib,
            containers: vec![ContainerDefinition {
                name: spec.name.to_string(),
                image: format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{}:2026.10", spec.name),
                cpu: spec.cpu,
                memory: container_memory,
                memory_reservation: None,
                essential: true,
            }],
        });
        let td = task_definitions.last().unwrap().reference();
        let (launch_type, strategy) = match spec.run {
            Run::Fargate => (Some(LaunchType::Fargate), vec![]),
            Run::Ec2 => (Some(LaunchType::Ec2), vec![]),
            // AWS documents a strategy, not a launch type, for running on Managed Instances.
            Run::ManagedInstances => (
                None,
                vec![CapacityProviderStrategyItem {
                    capacity_provider: MANAGED_PROVIDER.into(),
                    base: 0,
                    weight: 1,
                }],
            ),
            Run::FargateSpotMix => (
                None,
                vec![
                    CapacityProviderStrategyItem {
                        capacity_provider: FARGATE.into(),
                        base: 1,
                        weight: 1,
                    },
                    CapacityProviderStrategyItem {
                        capacity_provider: FARGATE_SPOT.into(),
                        base: 0,
                        weight: 3,
                    },
                ],
            ),
        };
        let desired = match spec.pattern {
            Pattern::Steady(n) => n,
            Pattern::Diurnal { min, .. } | Pattern::Queue { min, .. } => min,
            Pattern::Daemon => container_instances,
            _ => 0,
        };
        let mut tags: BTreeMap<String, String> = spec.tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        tags.insert("team".into(), team(&spec.name).into());
        services.push(Service {
            name: spec.name.to_string(),
            task_definition: td,
            launch_type,
            capacity_provider_strategy: strategy,
            scheduling_strategy: if matches!(spec.pattern, Pattern::Daemon) {
                SchedulingStrategy::Daemon
            } else {
                SchedulingStrategy::Replica
            },
            desired_count: desired,
            running_count: desired,
            tags,
            revisions: Vec::new(),
        });
    }
    let mut instances: Vec<ContainerInstance> = (0..container_instances)
        .map(|_| ContainerInstance {
            ec2_instance_id: format!("i-0{:016x}", rng.next_u64() >> 4),
            instance_type: INSTANCE_TYPE.into(),
            registered_cpu: 8 * 1024,
            registered_memory: 32 * 1024 - 512,
            capacity_provider_name: Some(ASG_PROVIDER.into()),
            status: "ACTIVE".into(),
        })
        .collect();
    // The Managed Instances, named without the generator's random stream so that every other
    // figure of the demo stays as it was.
    let managed = specs.iter().filter(|s| matches!(s.run, Run::ManagedInstances)).count() as u32 * MANAGED_INSTANCES_PER_SERVICE;
    instances.extend((0..managed).map(|k| ContainerInstance {
        ec2_instance_id: format!("i-0{:016x}", 0x0a11_0ca7_ed00_0000u64 + u64::from(k)),
        instance_type: MANAGED_INSTANCE_TYPE.into(),
        registered_cpu: 2 * 1024,
        registered_memory: 8 * 1024 - 512,
        capacity_provider_name: Some(MANAGED_PROVIDER.into()),
        status: "ACTIVE".into(),
    }));
    let capacity_providers = vec![
        CapacityProvider {
            name: FARGATE.into(),
            auto_scaling_group: None,
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: None,
        },
        CapacityProvider {
            name: FARGATE_SPOT.into(),
            auto_scaling_group: None,
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: None,
        },
        CapacityProvider {
            name: ASG_PROVIDER.into(),
            auto_scaling_group: Some("demo-prod-ecs-m5-2xlarge".into()),
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: None,
        },
        CapacityProvider {
            name: MANAGED_PROVIDER.into(),
            auto_scaling_group: None,
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: Some(ManagedInstancesProvider::default()),
        },
    ];

    // Two gaps, as CloudWatch has them: one service's metrics missing for three hours, and the
    // whole cluster's for twenty minutes.
    let gap_service = 1usize;
    let gap_one = (12 * 288 + 9 * 12)..(12 * 288 + 12 * 12);
    let gap_all = (20 * 288 + 14 * 12)..(20 * 288 + 14 * 12 + 4);

    let mut usage = Vec::new();
    for (si, spec) in specs.iter().enumerate() {
        // Tasks running at the end of the previous step: what a scaling step starts from.
        let mut prev = 0.0f64;
        let mut queue = 0.3f64;
        // Memory creeps up between deploys (every 3 to 4 days) and drops back on a deploy.
        let mut next_deploy = 60 * 24 * 3 / 5 + (rng.next_u64() % 288) as u32;
        let mut since_deploy = 0u32;
        for step in 0..steps {
            let t = start + Duration::seconds(i64::from(step) * i64::from(STEP_SECONDS));
            let tr = traffic(t);
            let minute_of_day = t.hour() * 60 + t.minute();
            let (avg, max, mut started) = match spec.pattern {
                Pattern::Steady(n) => (f64::from(n), f64::from(n), 0.0),
                Pattern::Daemon => (f64::from(container_instances), f64::from(container_instances), 0.0),
                Pattern::Diurnal { min, max } => {
                    let target = (f64::from(min) + f64::from(max - min) * (tr + rng.normal(0.04)).clamp(0.0, 1.0)).round();
                    let step_counts = scaled(prev, target, step == 0);
                    prev = target;
                    step_counts
                }
                Pattern::Queue { min, max } => {
                    queue = (queue + rng.normal(0.06) + 0.02 * (tr - queue)).clamp(0.0, 1.0);
                    let target = (f64::from(min) + f64::from(max - min) * queue).round();
                    let step_counts = scaled(prev, target, step == 0);
                    prev = target;
                    step_counts
                }
                Pattern::Nightly { hour, tasks, minutes } => {
                    let since = minute_of_day as i64 - i64::from(hour * 60);
                    if since >= 0 && since < i64::from(minutes) {
                        let run_s = ((i64::from(minutes) - since) * 60).min(i64::from(STEP_SECONDS)) as f64;
                        let n = f64::from(tasks);
                        (n * run_s / step_s, n, if since == 0 { n } else { 0.0 })
                    } else {
                        (0.0, 0.0, 0.0)
                    }
                }
                Pattern::ShortJobs { every_min, tasks, seconds } => {
                    if minute_of_day.is_multiple_of(every_min) {
                        let n = f64::from(tasks);
                        (n * f64::from(seconds) / step_s, n, n)
                    } else {
                        (0.0, 0.0, 0.0)
                    }
                }
            };
            since_deploy += 1;
            // A deploy replaces every task: they all start again, and memory drops back.
            if step >= next_deploy && avg > 0.0 && !matches!(spec.pattern, Pattern::Nightly { .. } | Pattern::ShortJobs { .. }) {
                started += max;
                since_deploy = 0;
                next_deploy = step + 864 + (rng.next_u64() % 288) as u32;
            }
            if (si == gap_service && gap_one.contains(&step)) || gap_all.contains(&step) {
                continue;
            }
            let (cpu, mem) = if avg > 0.0 {
                let load = match spec.pattern {
                    Pattern::Steady(_) | Pattern::Daemon => 0.55 + 0.45 * tr,
                    _ => 0.85 + 0.15 * tr,
                };
                let spike = if rng.unit() < 0.003 { 1.6 } else { 1.0 };
                let ceiling = if matches!(spec.run, Run::Ec2) { 1.3 } else { 1.0 };
                let per_task_cpu = (f64::from(spec.cpu) * spec.cpu_util * load * spike * (1.0 + rng.normal(0.08)))
                    .clamp(1.0, f64::from(spec.cpu) * ceiling);
                let creep = 1.0 + 0.08 * f64::from(since_deploy.min(1152)) / 1152.0;
                let per_task_mem =
                    (spec.mem_used * (0.92 + 0.08 * tr) * creep * (1.0 + rng.normal(0.02))).clamp(16.0, f64::from(spec.memory));
                (Some(round2(per_task_cpu * avg)), Some(round2(per_task_mem * avg)))
            } else {
                (Some(0.0), Some(0.0))
            };
            usage.push(UsagePoint {
                step,
                service: si as u32,
                running_tasks_avg: round3(avg),
                running_tasks_max: max,
                tasks_started: Some(started),
                cpu_units_used: cpu,
                memory_mib_used: mem,
            });
        }
    }

    Snapshot {
        manifest: Manifest {
            schema_version: SCHEMA_VERSION,
            cluster: cluster.into(),
            region: REGION.into(),
            window_start: start,
            window_end: end,
            step_seconds: STEP_SECONDS,
            collected_at: end + Duration::minutes(7),
            source: "demo-generator".into(),
            usage_source: crate::snapshot::usage_source::SYNTHETIC.into(),
            task_definition_history: true,
        },
        usage: Usage::from_points(services.len(), usage),
        inventory: Inventory {
            services,
            task_definitions,
            container_instances: instances,
            capacity_providers,
        },
    }
}

/// A step in which the service scaled from `prev` to `target` tasks: scaling lands mid-step, so
/// the average sits between the two and the maximum is the larger. The next step starts from
/// `target`, not from this step's maximum: a service that scales in runs fewer tasks after.
fn scaled(prev: f64, target: f64, first: bool) -> (f64, f64, f64) {
    if first || (prev - target).abs() < f64::EPSILON {
        (target, target, 0.0)
    } else {
        ((prev + target) / 2.0, prev.max(target), (target - prev).max(0.0))
    }
}

fn team(service: &str) -> &'static str {
    match service {
        "checkout-api" | "orders-db-proxy" | "payments-worker" | "fraud-detector" | "legacy-billing" => "payments",
        "log-router" | "metrics-agent" | "metrics-ingest" | "feature-flags" | "admin-portal" => "platform",
        _ => "product",
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_demo_is_what_the_generator_produces() {
        let shipped = embedded().expect("shipped demo loads");
        let fresh = generate();
        assert_eq!(shipped.manifest, fresh.manifest);
        assert_eq!(shipped.inventory, fresh.inventory);
        assert_eq!(shipped.usage.len(), fresh.usage.len());
        assert!(
            shipped.usage == fresh.usage,
            "usage differs: regenerate with `cargo run -- demo export --out data/demo`"
        );
    }

    #[test]
    fn a_generated_cluster_has_the_services_and_days_asked_for_and_is_deterministic() {
        let s = generate_large(60, 2, 7);
        assert_eq!(s.inventory.services.len(), 60);
        assert_eq!(s.manifest.steps(), 2 * 288);
        let mut names: Vec<&str> = s.inventory.services.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 60, "unique names");
        // Only the demo's own daemons: copies are replica services.
        assert_eq!(s.inventory.services.iter().filter(|s| s.is_daemon()).count(), 2);
        assert_eq!(s.inventory, generate_large(60, 2, 7).inventory);
        assert!(s.usage == generate_large(60, 2, 7).usage);
        assert_ne!(s.inventory, generate_large(60, 2, 8).inventory);
    }

    /// The generator once kept a running maximum, so every scaling service reported its all-time
    /// peak at every step after the first day and never scaled in.
    #[test]
    fn a_diurnal_services_per_step_maximum_falls_at_night() {
        let s = generate();
        let si = s.inventory.services.iter().position(|s| s.name == "checkout-api").unwrap() as u32;
        let start = s.manifest.window_start;
        let mut nights = 0;
        for p in s.usage.points().filter(|p| p.service == si) {
            let t = start + Duration::seconds(i64::from(p.step) * i64::from(STEP_SECONDS));
            let day = t.day();
            if t.hour() == 4 && t.minute() == 0 && day > 2 {
                nights += 1;
                // Diurnal { min: 4, max: 12 }: the trough is at 04:00 UTC.
                assert!(p.running_tasks_max <= 5.0, "{t}: {} tasks at the trough", p.running_tasks_max);
            }
            if t.hour() == 16 && t.minute() == 0 && !matches!(t.weekday(), Weekday::Sat | Weekday::Sun) {
                assert!(p.running_tasks_max >= 10.0, "{t}: {} tasks at the peak", p.running_tasks_max);
            }
        }
        assert!(nights >= 25, "{nights} nights seen");
    }

    #[test]
    fn demo_covers_what_the_brief_asks_for() {
        let s = generate();
        let inv = &s.inventory;
        assert!(inv.services.len() >= 25);
        assert_eq!(s.manifest.steps(), 30 * 288);
        assert!(inv.services.iter().any(|s| s.is_daemon()));
        assert!(inv.services.iter().any(|s| inv.placement(s) == Placement::Ec2));
        assert!(inv.task_definitions.iter().any(|t| t.network_mode == NetworkMode::Bridge));
        assert!(inv.task_definitions.iter().any(|t| t.cpu_architecture == Arch::Arm64));
        assert!(inv.task_definitions.iter().any(|t| t.is_windows()));
        // Gaps exist: fewer points than services x steps.
        assert!(s.usage.len() < inv.services.len() * s.manifest.steps() as usize);
    }
}
