//! Billing rules on small hand-made snapshots, each figure computed by hand in the test. A test
//! is named after what it guards against.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use crate::config::Assumptions;
use crate::domain::Arch;
use crate::money::Usd;
use crate::pricing::Catalog;
use crate::report::{Action, Compute, OptionKind, Plan, Report};
use crate::snapshot::inventory::*;
use crate::snapshot::{Manifest, Snapshot, Usage, UsagePoint, SCHEMA_VERSION};

/// us-east-1 Fargate rates (bundled catalog).
const VCPU: f64 = 0.04048;
const GB: f64 = 0.004445;
/// us-east-1's Fargate Spot reading of 2026-09-29 (the bundled catalog's).
const SPOT_VCPU: f64 = 0.01288561;
const SPOT_GB: f64 = 0.00141493;

/// One service's task definition: Linux x86 awsvpc unless changed.
pub fn task_definition(family: &str, cpu: u32, memory: u32) -> TaskDefinition {
    TaskDefinition {
        family: family.into(),
        revision: 1,
        cpu: Some(cpu),
        memory: Some(memory),
        network_mode: NetworkMode::Awsvpc,
        requires_compatibilities: vec!["FARGATE".into()],
        cpu_architecture: Arch::X86_64,
        operating_system_family: "LINUX".into(),
        ephemeral_storage_gib: None,
        containers: vec![ContainerDefinition {
            name: family.into(),
            image: "app".into(),
            cpu,
            memory: None,
            memory_reservation: None,
            essential: true,
        }],
    }
}

pub fn service(name: &str, launch_type: Option<LaunchType>, tasks: u32) -> Service {
    Service {
        name: name.into(),
        task_definition: format!("{name}:1"),
        launch_type,
        capacity_provider_strategy: vec![],
        scheduling_strategy: SchedulingStrategy::Replica,
        desired_count: tasks,
        running_count: tasks,
        tags: BTreeMap::new(),
        revisions: Vec::new(),
    }
}

/// A 30-day, hourly-step snapshot where each service runs its `running_count` tasks all month,
/// using `cpu_share` of its CPU and half its memory.
pub fn steady(services: Vec<(Service, TaskDefinition)>, cpu_share: f64) -> Snapshot {
    let start = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    let steps = 30 * 24;
    let mut usage = Vec::new();
    for (i, (s, td)) in services.iter().enumerate() {
        let n = f64::from(s.running_count);
        for step in 0..steps {
            usage.push(UsagePoint {
                step,
                service: i as u32,
                running_tasks_avg: n,
                running_tasks_max: n,
                tasks_started: Some(0.0),
                cpu_units_used: Some(n * f64::from(td.reserved_cpu_units()) * cpu_share),
                memory_mib_used: Some(n * f64::from(td.reserved_memory_mib()) * 0.5),
            });
        }
    }
    let (services, task_definitions): (Vec<_>, Vec<_>) = services.into_iter().unzip();
    let usage = Usage::from_points(services.len(), usage);
    Snapshot {
        manifest: Manifest {
            schema_version: SCHEMA_VERSION,
            cluster: "test".into(),
            region: "us-east-1".into(),
            window_start: start,
            window_end: start + chrono::Duration::days(30),
            step_seconds: 3600,
            collected_at: start,
            source: "test".into(),
            usage_source: crate::snapshot::usage_source::SYNTHETIC.into(),
            task_definition_history: true,
        },
        inventory: Inventory {
            services,
            task_definitions,
            container_instances: vec![],
            capacity_providers: vec![],
        },
        usage,
    }
}

pub fn analyze(s: &Snapshot) -> Report {
    super::analyze(s, &Catalog::bundled().unwrap(), &Assumptions::default()).unwrap()
}

/// With no minimum saving: every change, however small, is recommended.
fn analyze_any_saving(s: &Snapshot) -> Report {
    let mut a = Assumptions::default();
    a.recommend.min_savings_pct = 0.0;
    a.recommend.min_savings_usd = 0.0;
    super::analyze(s, &Catalog::bundled().unwrap(), &a).unwrap()
}

/// Dollars to the cent, for comparing with a figure worked out by hand.
fn cents(x: f64) -> String {
    format!("{x:.2}")
}

#[test]
fn a_strategy_base_keeps_its_first_tasks_on_demand_not_all_on_spot() {
    // Base 2 on FARGATE, weight only on FARGATE_SPOT, 5 tasks all month: 2 on demand, 3 on Spot
    // (it was billed as 5 on Spot). 0.25 vCPU / 0.5 GiB, 30 days, x 730 / 720.
    let mut s = service("worker", None, 5);
    s.capacity_provider_strategy = vec![
        CapacityProviderStrategyItem {
            capacity_provider: FARGATE.into(),
            base: 2,
            weight: 0,
        },
        CapacityProviderStrategyItem {
            capacity_provider: FARGATE_SPOT.into(),
            base: 0,
            weight: 1,
        },
    ];
    let r = analyze(&steady(vec![(s, task_definition("worker", 256, 512))], 0.5));
    let od = 0.25 * VCPU + 0.5 * GB;
    let spot = 0.25 * SPOT_VCPU + 0.5 * SPOT_GB;
    let expected = (2.0 * od + 3.0 * spot) * 730.0;
    assert_eq!(
        r.services[0].current_monthly_usd.cents().to_string(),
        format!("${}", cents(expected))
    );
    let target = r.services[0].recommendation.target.as_ref().unwrap();
    assert_eq!(target.spot_share_pct, Some(60.0), "3 of 5 tasks on Spot");
}

#[test]
fn every_option_kind_is_reported_for_a_small_cluster() {
    let r = analyze(&steady(
        vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 512, 1024))],
        0.3,
    ));
    let kinds: Vec<OptionKind> = r.services[0].options.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, OptionKind::ALL);
}

#[test]
fn hourly_data_over_a_month_is_enough_to_rightsize() {
    // 720 hourly samples over 30 days: fewer than 2,016 five-minute samples, but 30 days of data.
    // 2 tasks of 0.5 vCPU / 1 GiB using 30% CPU (154 units) and half their memory (512 MiB):
    // with 20% headroom 184 units / 614 MiB, so 0.25 vCPU / 1 GiB.
    let r = analyze(&steady(
        vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 512, 1024))],
        0.3,
    ));
    let rec = &r.services[0].recommendation;
    assert_eq!(rec.action, crate::report::Action::Rightsize, "{}", rec.rationale);
    let expected = 2.0 * (0.25 * VCPU + 1.0 * GB) * 730.0;
    assert_eq!(rec.monthly_usd.cents().to_string(), format!("${}", cents(expected)));
}

#[test]
fn a_nightly_job_qualifies_on_the_nights_it_ran() {
    // One task for one hour a night (5-minute steps), 30 nights: 360 samples spanning 29 days.
    let mut s = steady(
        vec![(service("etl", Some(LaunchType::Fargate), 0), task_definition("etl", 1024, 4096))],
        0.2,
    );
    s.manifest.step_seconds = 300;
    s.usage = Usage::from_points(
        1,
        (0..30 * 288)
            .map(|step| {
                let on = if step % 288 < 12 { 1.0 } else { 0.0 };
                UsagePoint {
                    step,
                    service: 0,
                    running_tasks_avg: on,
                    running_tasks_max: on,
                    tasks_started: Some(if step % 288 == 0 { 1.0 } else { 0.0 }),
                    cpu_units_used: Some(200.0 * on),
                    memory_mib_used: Some(1000.0 * on),
                }
            })
            .collect(),
    );
    let r = analyze_any_saving(&s);
    let stats = &r.services[0].usage;
    assert_eq!(stats.data_points, 360);
    let rec = &r.services[0].recommendation;
    assert!(!rec.rationale.contains("days of data"), "{}", rec.rationale);
    // 240 units and 1,200 MiB with headroom: 0.25 vCPU / 2 GiB, 30 task-hours a month x 730 / 720.
    assert_eq!(rec.action, crate::report::Action::Rightsize);
    let expected = 30.0 * (0.25 * VCPU + 2.0 * GB) * 730.0 / 720.0;
    assert_eq!(rec.monthly_usd.cents().to_string(), format!("${}", cents(expected)));
}

#[test]
fn three_days_of_data_keep_the_current_size() {
    let mut s = steady(
        vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 512, 1024))],
        0.3,
    );
    s.usage.retain(|p| p.step < 72);
    let r = analyze(&s);
    let rec = &r.services[0].recommendation;
    assert_eq!(rec.action, crate::report::Action::Keep);
    assert!(
        rec.rationale.starts_with("only 3.0 days of data in 72 samples"),
        "{}",
        rec.rationale
    );
}

#[test]
fn an_ec2_service_using_more_cpu_than_it_reserves_is_moved_to_fargate_at_the_size_it_uses() {
    // 512 units reserved on EC2 (a floor there), 900 used: with 20% headroom 1,080 units, so
    // 2 vCPU / 4 GiB on Fargate, not the 0.5 vCPU it already exceeds. 2 tasks all month.
    let r = analyze(&steady(
        vec![(service("worker", Some(LaunchType::Ec2), 2), task_definition("worker", 512, 1024))],
        900.0 / 512.0,
    ));
    let s = &r.services[0];
    assert_eq!(s.fargate_size.map(|z| (z.cpu_units, z.memory_mib)), Some((2048, 4096)));
    let expected = 2.0 * (2.0 * VCPU + 4.0 * GB) * 730.0;
    assert_eq!(s.fargate_monthly_usd.unwrap().cents().to_string(), format!("${}", cents(expected)));
    assert!(
        s.recommendation
            .rationale
            .contains("uses more than the 512 units / 1024 MiB it reserves")
            && s.recommendation.rationale.contains("2 vCPU / 4 GiB"),
        "{}",
        s.recommendation.rationale
    );
}

#[test]
fn a_fargate_service_at_its_limit_keeps_its_size() {
    // On Fargate the size is a hard cap: 100% CPU used keeps 0.5 vCPU and is flagged.
    let r = analyze(&steady(
        vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 512, 1024))],
        1.0,
    ));
    let s = &r.services[0];
    assert_eq!(s.fargate_size.map(|z| z.cpu_units), Some(512));
    assert_eq!(s.recommendation.action, crate::report::Action::Keep);
    assert_eq!(s.recommendation.risk, crate::report::Risk::High);
}

#[test]
fn windows_ephemeral_storage_is_ignored_with_a_warning_not_billed() {
    // 1 vCPU / 2 GiB Windows, 60 GiB asked: billed without storage, at $0.046552 + $0.046 OS
    // licence per vCPU-hour and $0.00511175 per GB-hour, 1 task all month.
    let mut td = task_definition("legacy", 1024, 2048);
    td.operating_system_family = "WINDOWS_SERVER_2022_CORE".into();
    td.ephemeral_storage_gib = Some(60);
    let r = analyze(&steady(vec![(service("legacy", Some(LaunchType::Fargate), 1), td)], 0.9));
    let expected = (1.0 * (0.046552 + 0.046) + 2.0 * 0.00511175) * 730.0;
    assert_eq!(
        r.services[0].current_monthly_usd.cents().to_string(),
        format!("${}", cents(expected))
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("`legacy` asks for 60 GiB")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn an_ec2_task_definition_reserving_no_cpu_is_analysed_from_what_it_uses() {
    // Every container `cpu: 0`, 1 GiB hard limit, using 300 units and 512 MiB: with 20% headroom
    // 360 units / 614 MiB, so 0.5 vCPU / 1 GiB on Fargate; 2 tasks all month.
    let mut td = task_definition("worker", 0, 0);
    td.cpu = None;
    td.memory = None;
    td.containers[0].memory = Some(1024);
    let mut s = steady(vec![(service("worker", Some(LaunchType::Ec2), 2), td)], 0.0);
    s.usage.change_figures(|p| {
        p.cpu_units_used = Some(600.0);
    });
    s.validate().unwrap();
    let r = analyze(&s);
    let svc = &r.services[0];
    assert_eq!(svc.fargate_size.map(|z| (z.cpu_units, z.memory_mib)), Some((512, 1024)));
    let expected = 2.0 * (0.5 * VCPU + 1.0 * GB) * 730.0;
    assert_eq!(
        svc.fargate_monthly_usd.unwrap().cents().to_string(),
        format!("${}", cents(expected))
    );
    assert_eq!(
        svc.options[3].size.map(|z| z.cpu_units),
        Some(384),
        "EC2 reserves what it uses, in 128-unit steps"
    );
    assert!(
        svc.recommendation.rationale.contains("reserves no CPU"),
        "{}",
        svc.recommendation.rationale
    );
}

#[test]
fn replacing_a_daemon_by_sidecars_claims_no_saving() {
    let mut daemon = service("agent", Some(LaunchType::Ec2), 0);
    daemon.scheduling_strategy = SchedulingStrategy::Daemon;
    let mut s = steady(
        vec![
            (service("api", Some(LaunchType::Ec2), 2), task_definition("api", 512, 1024)),
            (daemon, task_definition("agent", 128, 256)),
        ],
        0.3,
    );
    s.inventory.container_instances = vec![ContainerInstance {
        ec2_instance_id: "i-1".into(),
        instance_type: "m5.large".into(),
        registered_cpu: 2048,
        registered_memory: 7680,
        capacity_provider_name: None,
        status: "ACTIVE".into(),
    }];
    let r = analyze(&s);
    let agent = &r.services[1];
    assert_eq!(agent.recommendation.action, crate::report::Action::ReplaceWithSidecar);
    assert!(agent.current_monthly_usd.0 > rust_decimal::Decimal::ZERO);
    assert_eq!(agent.recommendation.monthly_usd, agent.current_monthly_usd);
    assert!(agent.recommendation.savings_monthly_usd.is_zero());
}

#[test]
fn arm64_tasks_are_packed_only_on_graviton_and_x86_tasks_only_on_x86() {
    let mut arm = task_definition("arm", 1024, 2048);
    arm.cpu_architecture = Arch::Arm64;
    arm.network_mode = NetworkMode::Bridge;
    let mut x86 = task_definition("x86", 1024, 2048);
    x86.network_mode = NetworkMode::Bridge;
    let r = analyze(&steady(
        vec![
            (service("arm", Some(LaunchType::Ec2), 6), arm),
            (service("x86", Some(LaunchType::Ec2), 6), x86),
        ],
        0.5,
    ));
    let catalog = Catalog::bundled().unwrap();
    let arch = |t: &str| catalog.instance_types[t].arch;
    for kind in [OptionKind::Ec2, OptionKind::Ec2Ideal] {
        let fleet = &r.cluster.options.iter().find(|o| o.kind == kind).unwrap().fleet;
        assert!(fleet.iter().any(|l| arch(&l.instance_type) == Arch::Arm64), "{kind:?}: {fleet:?}");
        assert!(fleet.iter().any(|l| arch(&l.instance_type) == Arch::X86_64), "{kind:?}: {fleet:?}");
    }
    // Each service's EC2 target names only its own architecture's types.
    assert_eq!(r.cluster.recommended_plan, crate::report::Plan::AllEc2, "{}", r.cluster.rationale);
    for (s, want) in r.services.iter().zip([Arch::Arm64, Arch::X86_64]) {
        let t = s.recommendation.target.as_ref().unwrap();
        assert!(!t.fleet.is_empty());
        assert!(t.fleet.iter().all(|l| arch(&l.instance_type) == want), "{}: {:?}", s.name, t.fleet);
    }
}

#[test]
fn fargate_windows_is_billed_at_the_2025_rates_not_twice_them() {
    // us-east-1 price list (publication 2025-08-28): 2 vCPU / 8 GiB Windows, 1 task all month:
    // (2 x (0.046552 + 0.046) + 8 x 0.00511175) x 730 = $164.98 (the stale rates gave $259.41).
    let mut td = task_definition("legacy", 2048, 8192);
    td.operating_system_family = "WINDOWS_SERVER_2019_CORE".into();
    let r = analyze(&steady(vec![(service("legacy", Some(LaunchType::Fargate), 1), td)], 0.9));
    assert_eq!(r.services[0].current_monthly_usd.cents().to_string(), "$164.98");
}

#[test]
fn an_arm64_service_on_fargate_spot_is_billed_at_spot_rates() {
    // ARM64 0.25 vCPU / 0.5 GiB, all on FARGATE_SPOT, 2 tasks all month: ARM on demand
    // (0.25 x 0.03238 + 0.5 x 0.00356) at the region's x86 Spot share of on demand (0.01288561 /
    // 0.04048 per vCPU, 0.00141493 / 0.004445 per GB, both about 31.8%): $4.59. It was billed on
    // demand.
    let mut td = task_definition("arm", 256, 512);
    td.cpu_architecture = Arch::Arm64;
    let mut s = service("arm", None, 2);
    s.capacity_provider_strategy = vec![CapacityProviderStrategyItem {
        capacity_provider: FARGATE_SPOT.into(),
        base: 0,
        weight: 1,
    }];
    let r = analyze(&steady(vec![(s, td)], 0.3));
    let expected = 2.0 * (0.25 * 0.03238 * SPOT_VCPU / VCPU + 0.5 * 0.00356 * SPOT_GB / GB) * 730.0;
    assert_eq!(cents(expected), "4.59");
    assert_eq!(
        r.services[0].current_monthly_usd.cents().to_string(),
        format!("${}", cents(expected))
    );
    let spot = r.services[0].options.iter().find(|o| o.kind == OptionKind::FargateSpot).unwrap();
    assert!(
        spot.monthly_usd.is_some(),
        "a Spot-tolerant ARM service has a Spot option: {spot:?}"
    );
}

#[test]
fn a_short_windows_task_is_billed_the_windows_minimum() {
    // One 2-minute Windows task started every hour: billed 15 minutes each (the Windows minimum in
    // defaults.toml), 1 vCPU / 2 GiB at $0.046552 + $0.046 + 2 x $0.00511175 an hour:
    // 0.25 h x 0.1027755 x 730 a month.
    let mut td = task_definition("batch", 1024, 2048);
    td.operating_system_family = "WINDOWS_SERVER_2022_CORE".into();
    let mut s = steady(vec![(service("batch", Some(LaunchType::Fargate), 1), td)], 0.5);
    s.usage.change_figures(|p| {
        p.running_tasks_avg = 120.0 / 3600.0;
        p.tasks_started = Some(1.0);
    });
    let r = analyze(&s);
    let expected = 0.25 * (0.046552 + 0.046 + 2.0 * 0.00511175) * 730.0;
    assert_eq!(
        r.services[0].current_monthly_usd.cents().to_string(),
        format!("${}", cents(expected))
    );
}

#[test]
fn short_tasks_sharing_a_step_with_long_running_ones_pay_their_minimum() {
    // Two tasks run all month; every hour ten more start and run 10 s each (at most three at
    // once). Billed per hour: 2 x 3,600 s + 10 x 60 s = 7,800 s, 2.1667 tasks on average, at
    // 1 vCPU / 2 GiB ($0.04048 + 2 x $0.004445 an hour) x 730. The step rule billed the 7,300 s
    // that ran ($73.08): the short tasks' minimum hid behind the long-running tasks' seconds.
    let mut s = steady(
        vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 1024, 2048))],
        0.5,
    );
    s.usage.change_figures(|p| {
        p.running_tasks_avg = 2.0 + 100.0 / 3600.0;
        p.running_tasks_max = 3.0;
        p.tasks_started = Some(10.0);
    });
    let r = analyze(&s);
    let expected = 7800.0 / 3600.0 * (0.04048 + 2.0 * 0.004445) * 730.0;
    assert_eq!(cents(expected), "78.09");
    assert_eq!(
        r.services[0].current_monthly_usd.cents().to_string(),
        format!("${}", cents(expected))
    );
}

#[test]
fn ecs_spreads_a_services_tasks_over_zones_before_binpack() {
    // 3 tasks of 0.5 vCPU / 1 GiB fit one large instance; spread over 3 zones they take one
    // instance in each zone: 3 times the cost as ECS runs it, the ideal re-pack unchanged.
    let mut td = task_definition("api", 512, 1024);
    td.network_mode = NetworkMode::Bridge;
    let s = steady(vec![(service("api", Some(LaunchType::Ec2), 3), td)], 0.5);
    let run = |zones: u32| {
        let mut a = Assumptions::default();
        a.ec2.availability_zones = zones;
        super::analyze(&s, &Catalog::bundled().unwrap(), &a).unwrap()
    };
    let figure = |r: &Report, kind: OptionKind| r.cluster.options.iter().find(|o| o.kind == kind).unwrap().monthly_usd.unwrap();
    let (one, three) = (run(1), run(3));
    assert_eq!(
        figure(&three, OptionKind::Ec2).0,
        figure(&one, OptionKind::Ec2).0 * rust_decimal::Decimal::from(3)
    );
    assert_eq!(figure(&three, OptionKind::Ec2Ideal), figure(&one, OptionKind::Ec2Ideal));
    let fleet = |r: &Report| r.cluster.ec2_fleet.iter().map(|l| l.count).sum::<u32>();
    assert_eq!((fleet(&one), fleet(&three)), (1, 3));
}

#[test]
fn a_rightsize_saving_under_the_threshold_keeps_the_size_and_says_why() {
    // 1 vCPU / 2 GiB, one task, using 205 units and 1,024 MiB: with 20% headroom 0.25 vCPU /
    // 2 GiB holds it, saving 0.75 vCPU x 730 h = $22.16 a month (over $10 and 5%): recommended.
    // With a $25 minimum it keeps its size and the rationale says so, with the figures.
    let s = steady(
        vec![(service("api", Some(LaunchType::Fargate), 1), task_definition("api", 1024, 2048))],
        0.2,
    );
    let rec = analyze(&s).services[0].recommendation.clone();
    assert_eq!(rec.action, crate::report::Action::Rightsize);
    let saving = 0.75 * VCPU * 730.0;
    assert_eq!(rec.savings_monthly_usd.cents().to_string(), format!("${}", cents(saving)));

    let mut a = Assumptions::default();
    a.recommend.min_savings_usd = 25.0;
    let r = super::analyze(&s, &Catalog::bundled().unwrap(), &a).unwrap();
    let rec = &r.services[0].recommendation;
    assert_eq!(rec.action, crate::report::Action::Keep);
    assert!(rec.savings_monthly_usd.is_zero());
    assert!(
        rec.rationale.contains(&format!("would save ${} a month", cents(saving)))
            && rec.rationale.contains("under the threshold for a change (5% and $25 a month)"),
        "{}",
        rec.rationale
    );
}

#[test]
fn an_x86_service_both_arm_ready_and_spot_tolerant_is_offered_arm_spot() {
    // 4 tasks of 1 vCPU / 2 GiB all month, tagged ARM-ready and Spot-tolerant, using half their
    // CPU and memory: the size stays. x86 Spot: 4 x (0.01288561 + 2 x 0.00141493) x 730 = $45.89;
    // ARM on Spot, at the region's x86 Spot share of on demand (about 31.8%) on Graviton's rates:
    // 4 x (0.03238 x 0.318320 + 2 x 0.00356 x 0.318319) x 730 = $36.72. Only x86 Spot was offered.
    let mut s = service("jobs", Some(LaunchType::Fargate), 4);
    s.tags.insert("ecs-advisor:arm64-ready".into(), "true".into());
    s.tags.insert("ecs-advisor:spot-ok".into(), "true".into());
    let r = analyze(&steady(vec![(s, task_definition("jobs", 1024, 2048))], 0.5));
    let rec = &r.services[0].recommendation;
    let x86_spot = 4.0 * (SPOT_VCPU + 2.0 * SPOT_GB) * 730.0;
    let arm_spot = 4.0 * (0.03238 * SPOT_VCPU / VCPU + 2.0 * 0.00356 * SPOT_GB / GB) * 730.0;
    assert_eq!((cents(x86_spot), cents(arm_spot)), ("45.89".to_string(), "36.72".to_string()));
    assert_eq!(rec.monthly_usd.cents().to_string(), format!("${}", cents(arm_spot)));
    assert_eq!(rec.action, crate::report::Action::Switch);
    assert_eq!(rec.summary, "Fargate Spot ARM, 1 vCPU / 2 GiB");
    let target = rec.target.as_ref().unwrap();
    assert_eq!(
        (target.platform, target.capacity),
        (crate::domain::Platform::LinuxArm, crate::domain::Capacity::Spot)
    );
    assert!(rec.rationale.contains("ARM Spot rate is an estimate"), "{}", rec.rationale);
}

#[test]
fn a_service_whose_data_starts_inside_the_window_is_named_in_a_warning() {
    // `new` has data for the last 10 of 30 days only: before it, the inventory's count stands in
    // (a service launched on day 20 would be billed from day 0), which the report now says.
    let mut s = steady(
        vec![
            (service("old", Some(LaunchType::Fargate), 1), task_definition("old", 256, 512)),
            (service("new", Some(LaunchType::Fargate), 2), task_definition("new", 256, 512)),
        ],
        0.5,
    );
    s.usage.retain(|p| p.service == 0 || p.step >= 20 * 24);
    let r = analyze(&s);
    let w: Vec<&String> = r.warnings.iter().filter(|w| w.contains("has data from")).collect();
    assert_eq!(w.len(), 1, "{:?}", r.warnings);
    assert!(
        w[0].starts_with(
            "`new` has data from 2026-10-21 00:00 to 2026-10-31 00:00 UTC only (10.0 of the window's 30.0 days): before it the inventory's running count (2 tasks) stands in for 20.0 days"
        ),
        "{}",
        w[0]
    );
}

#[test]
fn a_high_risk_says_why_in_figures() {
    // 0.5 vCPU tasks using 90% of it (461 units): with 20% headroom they need 553, more than
    // they have, so the size stays and the risk is high. "keep, high risk" used to say no more.
    let r = analyze(&steady(
        vec![(service("busy", Some(LaunchType::Fargate), 2), task_definition("busy", 512, 1024))],
        0.9,
    ));
    let rec = &r.services[0].recommendation;
    assert_eq!(rec.risk, crate::report::Risk::High);
    assert!(
        rec.rationale
            .ends_with("; risk high: it runs at its limit, its peak CPU per task (461 units) is 90% of the 512 it would have"),
        "{}",
        rec.rationale
    );
    // A low risk adds nothing.
    let r = analyze(&steady(
        vec![(service("idle", Some(LaunchType::Fargate), 2), task_definition("idle", 512, 1024))],
        0.2,
    ));
    assert!(!r.services[0].recommendation.rationale.contains("; risk "));
}

#[test]
fn managed_instances_bill_each_instance_hour_at_its_price_plus_the_fee() {
    // 3 tasks of 0.5 vCPU / 1 GiB all month, spread over 3 zones: one m7i.large in each (the only
    // m7i of at most 2 vCPUs), each hour at 0.1008 + the estimated fee, 12% of it (0.0121):
    // 3 x 0.1129 x 730 = $247.25, for the cluster and, alone on them, the service.
    let s = steady(
        vec![(service("api", Some(LaunchType::Ec2), 3), task_definition("api", 512, 1024))],
        0.5,
    );
    let mut a = Assumptions::default();
    a.managed_instances.families = vec!["m7i".into()];
    a.managed_instances.max_vcpu = 2;
    let r = super::analyze(&s, &Catalog::bundled().unwrap(), &a).unwrap();
    let cluster = r.cluster.options.iter().find(|o| o.kind == OptionKind::ManagedInstances).unwrap();
    assert_eq!(cents(3.0 * (0.1008 + 0.0121) * 730.0), "247.25");
    assert_eq!(cluster.monthly_usd.unwrap().cents().to_string(), "$247.25");
    assert_eq!(cluster.fleet[0].instance_type, "m7i.large");
    assert!(
        cluster.reason.as_deref().unwrap().contains("fees estimated at 12% of On-Demand"),
        "{cluster:?}"
    );
    let own = r.services[0]
        .options
        .iter()
        .find(|o| o.kind == OptionKind::ManagedInstances)
        .unwrap();
    assert_eq!(own.monthly_usd, cluster.monthly_usd);
    assert!(r.warnings.iter().any(|w| w.starts_with(
        "ECS Managed Instances figures use management fees that are estimates (12% of On-Demand, from AWS's c6a.2xlarge example"
    )));
    // Windows tasks cannot run there: the option says so for them.
    let mut td = task_definition("legacy", 1024, 2048);
    td.operating_system_family = "WINDOWS_SERVER_2019_CORE".into();
    let r = analyze(&steady(vec![(service("legacy", Some(LaunchType::Fargate), 1), td)], 0.5));
    let o = r.services[0]
        .options
        .iter()
        .find(|o| o.kind == OptionKind::ManagedInstances)
        .unwrap();
    assert!(o.monthly_usd.is_none() && o.reason.is_some(), "{o:?}");
}

/// A service placed on an ECS Managed Instances capacity provider today: its instances and their
/// management fees, not the Auto Scaling group's fleet and not Fargate.
fn on_managed_instances(tasks: u32, instances: u32) -> Snapshot {
    let mut svc = service("renderer", None, tasks);
    svc.capacity_provider_strategy = vec![CapacityProviderStrategyItem {
        capacity_provider: "mi".into(),
        base: 0,
        weight: 1,
    }];
    let mut s = steady(vec![(svc, task_definition("renderer", 1024, 2048))], 0.3);
    s.inventory.capacity_providers.push(CapacityProvider {
        name: "mi".into(),
        auto_scaling_group: None,
        managed_scaling: false,
        target_capacity_pct: None,
        managed_instances: Some(Default::default()),
    });
    for k in 0..instances {
        s.inventory.container_instances.push(ContainerInstance {
            ec2_instance_id: format!("i-{k:017x}"),
            instance_type: "m7i.large".into(),
            registered_cpu: 2048,
            registered_memory: 7680,
            capacity_provider_name: Some("mi".into()),
            status: "ACTIVE".into(),
        });
    }
    s.validate().unwrap();
    s
}

#[test]
fn a_service_on_managed_instances_costs_its_instances_plus_their_fees() {
    // Two m7i.large all month: ($0.1008 + $0.0121 estimated fee, 12% of $0.1008 to five places)
    // x 2 x 730 h = $164.83. The service reserves 1 vCPU / 2 GiB of each instance's registered
    // 2 vCPU / 7,680 MiB (weighed at Fargate's x86 rates): that part is its share, the rest idle.
    let r = analyze(&on_managed_instances(2, 2));
    let s = &r.services[0];
    assert_eq!(s.launch_type, crate::report::LaunchType::ManagedInstances);
    let pool = 0.1129 * 2.0 * 730.0;
    let part = (VCPU + 2.0 * GB) / (2.0 * VCPU + 7.5 * GB);
    assert_eq!(s.current_monthly_usd.cents().to_string(), format!("${}", cents(pool * part)));
    let [p] = r.cluster.pools.as_slice() else {
        panic!("{:?}", r.cluster.pools)
    };
    assert_eq!(p.idle_monthly_usd.cents().to_string(), format!("${}", cents(pool * (1.0 - part))));
    assert_eq!(r.cluster.current_monthly_usd.cents().to_string(), "$164.83");
    assert_eq!(r.cluster.current_ec2_fleet, vec![]);
    assert_eq!(r.cluster.current_managed_instances_fleet.len(), 1);
    assert_eq!(r.cluster.current_managed_instances_fleet[0].count, 2);
    assert_eq!(r.cluster.managed_instances_providers, vec!["mi".to_string()]);
    assert!(
        r.warnings.iter().any(|w| w.contains("management fees that are estimates")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn managed_instances_no_service_runs_on_stay_in_the_current_figure_with_a_warning() {
    let mut s = on_managed_instances(2, 3);
    s.inventory.services[0].capacity_provider_strategy.clear();
    s.inventory.services[0].launch_type = Some(LaunchType::Fargate);
    s.validate().unwrap();
    let r = analyze(&s);
    // The Fargate service at 1 vCPU / 2 GiB, plus 3 idle m7i.large with fees: 3 x 0.1129 x 730.
    let fargate = 2.0 * (VCPU + 2.0 * GB) * 730.0;
    assert_eq!(
        r.cluster.current_monthly_usd.cents().to_string(),
        format!("${}", cents(fargate + 3.0 * 0.1129 * 730.0))
    );
    assert!(
        r.warnings.iter().any(|w| w.starts_with("ECS Managed Instances run but no service")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn when_managed_instances_beats_fargate_by_its_margin_the_cluster_moves_there() {
    // EC2 services on no instances today (cost 0), 3 small tasks each: Managed Instances packs
    // them for less than Fargate.
    let mut a = Assumptions::default();
    a.recommend.ec2_min_savings_pct = 50.0;
    a.managed_instances.min_savings_pct = 0.0;
    let s = steady(
        vec![
            (service("a", Some(LaunchType::Ec2), 6), task_definition("a", 512, 1024)),
            (service("b", Some(LaunchType::Ec2), 6), task_definition("b", 512, 1024)),
        ],
        0.9,
    );
    let r = super::analyze(&s, &Catalog::bundled().unwrap(), &a).unwrap();
    let plan = |p: Plan| r.cluster.plans.iter().find(|x| x.plan == p).unwrap().monthly_usd.unwrap();
    assert!(plan(Plan::ManagedInstances) < plan(Plan::AllFargate), "{:?}", r.cluster.plans);
    assert_eq!(r.cluster.recommended_plan, Plan::ManagedInstances);
    assert_eq!(r.cluster.recommended_monthly_usd, plan(Plan::ManagedInstances));
    for s in &r.services {
        assert_eq!(s.recommendation.action, Action::MoveToManagedInstances);
        assert_eq!(s.recommendation.target.as_ref().unwrap().compute, Compute::ManagedInstances);
        assert!(
            s.recommendation.rationale.contains("on ECS Managed Instances"),
            "{}",
            s.recommendation.rationale
        );
    }
    let why = &r.cluster.rationale;
    assert!(
        why.contains(&format!("all on ECS Managed Instances {}", plan(Plan::ManagedInstances))) && why.contains("saves more than 0%"),
        "{why}"
    );
}

/// Two small services alone on an m5.4xlarge: the plan moves both to Fargate. That is one action
/// on the fleet (retire it: $0.768 x 730 = $560.64 a month for the instance, whoever's share),
/// not two service moves each claiming its share.
#[test]
fn services_leaving_a_shared_fleet_are_one_fleet_action_priced_on_the_fleet() {
    let mut s = steady(
        vec![
            (service("a", Some(LaunchType::Ec2), 1), task_definition("a", 256, 512)),
            (service("b", Some(LaunchType::Ec2), 1), task_definition("b", 256, 512)),
        ],
        0.3,
    );
    s.inventory.container_instances = vec![ContainerInstance {
        ec2_instance_id: "i-1".into(),
        instance_type: "m5.4xlarge".into(),
        registered_cpu: 16384,
        registered_memory: 63_000,
        capacity_provider_name: None,
        status: "ACTIVE".into(),
    }];
    let r = analyze(&s);
    assert_eq!(
        r.cluster.recommended_plan,
        crate::report::Plan::AllFargate,
        "{}",
        r.cluster.rationale
    );
    let [a] = r.cluster.fleet_actions.as_slice() else {
        panic!("{:?}", r.cluster.fleet_actions)
    };
    assert_eq!(a.action, crate::report::FleetStep::Retire);
    assert_eq!(a.services, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(a.today_monthly_usd.cents().to_string(), "$560.64");
    let after: Usd = r.services.iter().map(|s| s.recommendation.monthly_usd).sum();
    assert_eq!(a.after_monthly_usd, after);
    assert_eq!(a.savings_monthly_usd, a.today_monthly_usd - after);
}

/// A pool's cost is split by its registered capacity: what no service reserved is its idle line.
/// When one of two services leaves, the other's share stays as it was and the idle line takes the
/// leaver's part (its share used to rise to absorb it, as if it had grown).
#[test]
fn a_service_left_on_a_fleet_keeps_its_share_and_the_idle_line_takes_what_others_left() {
    let fleet = |s: &mut Snapshot| {
        s.inventory.container_instances = vec![ContainerInstance {
            ec2_instance_id: "i-1".into(),
            instance_type: "m5.xlarge".into(),
            registered_cpu: 4096,
            registered_memory: 15_360,
            capacity_provider_name: None,
            status: "ACTIVE".into(),
        }];
        s.validate().unwrap();
    };
    let mut both = steady(
        vec![
            (service("a", Some(LaunchType::Ec2), 2), task_definition("a", 1024, 2048)),
            (service("b", Some(LaunchType::Ec2), 1), task_definition("b", 1024, 4096)),
        ],
        0.5,
    );
    fleet(&mut both);
    let mut left = both.clone();
    left.inventory.services[1].launch_type = Some(LaunchType::Fargate);
    left.validate().unwrap();
    let (before, after) = (analyze(&both), analyze(&left));
    // m5.xlarge, $0.192 an hour x 730 = $140.16; capacity 4,096 CPU units and 15,360 MiB.
    let pool = 0.192 * 730.0;
    let unit = |cpu: f64, mib: f64| cpu * VCPU + mib * GB;
    let capacity = unit(4096.0, 15_360.0);
    let a = pool * 2.0 * unit(1024.0, 2048.0) / capacity;
    let b = pool * unit(1024.0, 4096.0) / capacity;
    let usd = |r: &Report, name: &str| {
        r.services
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .current_monthly_usd
            .cents()
            .to_string()
    };
    assert_eq!(usd(&before, "a"), format!("${}", cents(a)));
    assert_eq!(usd(&before, "b"), format!("${}", cents(b)));
    assert_eq!(usd(&after, "a"), usd(&before, "a"), "a's share stays when b leaves");
    let idle = |r: &Report| r.cluster.pools[0].idle_monthly_usd.cents().to_string();
    assert_eq!(idle(&before), format!("${}", cents(pool - a - b)));
    assert_eq!(idle(&after), format!("${}", cents(pool - a)));
    // The fleet is the cluster's either way: its services' shares and its idle line add up to it.
    for r in [&before, &after] {
        let p = &r.cluster.pools[0];
        let shares: Usd = r
            .services
            .iter()
            .filter(|s| s.launch_type == crate::report::LaunchType::Ec2)
            .map(|s| s.current_monthly_usd)
            .sum();
        assert_eq!((shares + p.idle_monthly_usd).cents(), p.monthly_usd.cents());
    }
}

/// The types the EC2 plans may use: the chosen families and the cluster's own, never a burstable
/// type unless asked, never above the largest size allowed; a chosen family the region does not
/// price is named in a warning.
#[test]
fn ec2_types_are_the_chosen_families_and_the_clusters_own_within_the_size_allowed() {
    let catalog = Catalog::bundled().unwrap();
    let region = catalog.region("us-east-1").unwrap();
    let mut a = Assumptions::default();
    a.ec2.families = vec!["m5".into(), "no-such-family".into()];
    a.ec2.max_vcpu = 16;
    let own: BTreeMap<String, u32> = [("t3.large".to_string(), 2)].into();
    let mut warnings = Vec::new();
    let types = super::fleets::ec2_types(&catalog, region, &own, &a, "us-east-1", &mut warnings);
    let names: Vec<&str> = types.iter().map(|t| t.instance_type.as_str()).collect();
    assert!(names.contains(&"m5.4xlarge") && !names.contains(&"m5.8xlarge"), "{names:?}");
    assert!(types.iter().all(|t| t.vcpu <= 16));
    assert!(types.iter().all(|t| t.family == "m5" || t.family == "t3"), "{names:?}");
    if !a.ec2.include_burstable {
        assert!(!names.iter().any(|n| n.starts_with("t3.")), "burstable kept out: {names:?}");
    }
    assert!(warnings.iter().any(|w| w.contains("no-such-family")), "{warnings:?}");
}
