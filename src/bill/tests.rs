//! The reader and the split on exports small enough to check by hand.

use chrono::{DateTime, TimeZone, Utc};

use super::write::{split, Line, Placed, Sink, SplitLine};
use super::*;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0).unwrap()
}

const TASK: &str = "arn:aws:ecs:us-east-1:111122223333:task/prod/";

fn usage(start: DateTime<Utc>, resource: &str, service: Option<&str>, list: f64) -> Line {
    Line {
        kind: "Usage",
        start,
        product: "AmazonECS",
        usage_type: "USE1-Fargate-vCPU-Hours:perCPU".into(),
        operation: "FargateTask",
        resource: resource.into(),
        amount: 1.0,
        unblended: list,
        list,
        sp_effective: None,
        tags: service.map(|s| vec![("aws:ecs:serviceName", s.to_string())]).unwrap_or_default(),
        split: None,
    }
}

fn scope() -> Scope {
    Scope {
        cluster: "prod".into(),
        start: at(1, 0),
        end: at(31, 0),
        instances: [("i-0aaa".to_string(), Pool::Ec2)].into_iter().collect(),
        types: Default::default(),
    }
}

fn export(lines: Vec<Line>, format: Format, group: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00001.snappy.parquet");
    let mut sink = Sink::with_groups(format, &path, group).unwrap();
    for l in lines {
        sink.push(l).unwrap();
    }
    sink.finish().unwrap();
    (dir, path)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Every kind of line a cluster's bill has, each summed where it belongs, by hand.
#[test]
fn a_cur2_export_is_summed_by_service_instance_and_kind() {
    let split_line = |task: &str, service: &str, parent: &str, cost: f64, unused: f64| Line {
        usage_type: "USE1-ECS-EC2-vCPU-Hours".into(),
        operation: "ECSTask-EC2",
        unblended: 0.0,
        list: 0.0,
        split: Some(SplitLine {
            parent: parent.into(),
            usage: 1.0,
            ratio: 0.25,
            actual: 0.5,
            reserved: 1.0,
            split_cost: cost,
            unused_cost: unused,
        }),
        ..usage(at(2, 0), &format!("{TASK}{task}"), Some(service), 0.0)
    };
    let mut covered = usage(at(3, 5), &format!("{TASK}t2"), Some("web"), 0.10);
    covered.kind = "SavingsPlanCoveredUsage";
    covered.sp_effective = Some(0.08);
    let mut spot = usage(at(3, 6), &format!("{TASK}t3"), Some("web"), 0.03);
    spot.usage_type = "USE1-SpotUsage-Fargate-vCPU-Hours:perCPU".into();
    let instance = |id: &str, day: u32, cost: f64| Line {
        product: "AmazonEC2",
        usage_type: "USE1-BoxUsage:m5.xlarge".into(),
        operation: "RunInstances",
        tags: vec![],
        ..usage(at(day, 0), id, None, cost)
    };
    let lines = vec![
        usage(at(1, 0), &format!("{TASK}t1"), Some("web"), 0.04048),
        usage(at(1, 1), &format!("{TASK}t1"), Some("web"), 0.04048),
        covered,
        spot,
        // Untagged, another cluster, outside the window, not ECS at all.
        usage(at(4, 0), &format!("{TASK}t4"), None, 0.5),
        usage(at(4, 0), "arn:aws:ecs:us-east-1:111122223333:task/staging/x", Some("web"), 9.0),
        usage(at(31, 3), &format!("{TASK}t1"), Some("web"), 7.0),
        usage(at(5, 0), "arn:aws:s3:::logs", None, 100.0),
        split_line("t5", "db", "i-0aaa", 0.2, 0.05),
        split_line("t6", "db", "i-0ccc", 0.1, 0.0),
        instance("i-0aaa", 2, 0.192),
        instance("i-0bbb", 2, 0.192),
        instance("i-0ccc", 2, 0.192),
    ];
    let (_d, path) = export(lines, Format::Cur2, 1000);
    let bill = read(&path, &scope()).unwrap();
    assert_eq!(bill.format, Some(Format::Cur2));
    assert!(bill.has_split);
    let web = bill.fargate["web"];
    assert!(close(web.list, 0.04048 * 2.0 + 0.10 + 0.03), "{web:?}");
    assert!(close(web.effective, 0.04048 * 2.0 + 0.08 + 0.03), "{web:?}");
    assert!(close(bill.fargate_spot["web"].list, 0.03));
    assert!(close(bill.fargate[""].list, 0.5), "untagged tasks are kept apart");
    assert!(close(bill.outside_window.list, 7.0));
    assert_eq!(bill.other_clusters.iter().collect::<Vec<_>>(), ["staging"]);
    let db = bill.split["db"];
    assert!(close(db.split_effective, 0.3) && close(db.unused_effective, 0.05), "{db:?}");
    // The snapshot's instance and the parent of a task are kept; another instance is not.
    assert_eq!(bill.instances.keys().collect::<Vec<_>>(), ["i-0aaa", "i-0ccc"]);
    assert!(close(bill.instances["i-0aaa"].instance.list, 0.192) && close(bill.instances["i-0aaa"].hours, 1.0));
    assert_eq!(bill.read.rows, 13);
    assert_eq!(bill.read.rows_decoded, 12, "the S3 line is filtered on its resource ID");
}

/// A row group wholly outside the window's months is skipped by its statistics, not decoded.
#[test]
fn row_groups_outside_the_windows_months_are_not_read() {
    let august = Utc.with_ymd_and_hms(2026, 8, 3, 0, 0, 0).unwrap();
    let lines = vec![
        usage(august, &format!("{TASK}t1"), Some("web"), 1.0),
        usage(august, &format!("{TASK}t1"), Some("web"), 1.0),
        usage(at(2, 0), &format!("{TASK}t1"), Some("web"), 1.0),
        usage(at(2, 1), &format!("{TASK}t1"), Some("web"), 1.0),
    ];
    let (_d, path) = export(lines, Format::Cur2, 2);
    let bill = read(&path, &scope()).unwrap();
    assert_eq!((bill.read.row_groups, bill.read.row_groups_read), (2, 1));
    assert!(close(bill.fargate["web"].list, 2.0));
}

#[test]
fn a_focus_export_is_read_by_its_own_columns() {
    let mut covered = usage(at(3, 5), &format!("{TASK}t2"), Some("web"), 0.10);
    covered.sp_effective = Some(0.08);
    let (_d, path) = export(
        vec![usage(at(1, 0), &format!("{TASK}t1"), Some("web"), 0.04048), covered],
        Format::Focus,
        1000,
    );
    let bill = read(&path, &scope()).unwrap();
    assert_eq!(bill.format, Some(Format::Focus));
    assert!(!bill.has_split);
    let web = bill.fargate["web"];
    assert!(close(web.list, 0.14048) && close(web.effective, 0.12048), "{web:?}");
    assert!(close(web.billed, 0.04048), "covered usage is billed through the plan, not its line");
}

/// AWS's worked method on one instance-hour of $1 with 4 vCPU and 16 GB: a unit of 1/52 (nine
/// times 4, plus 16); task A reserved 1 vCPU and 4 GB and used less, task B reserved 1 vCPU and
/// 2 GB and used 2 vCPU. A is allocated 1 and 4, B 2 and 2; the unused 1 vCPU and 10 GB go 1:2 and 4:2.
#[test]
fn an_instance_hour_is_split_as_aws_documents_it() {
    let a = Placed {
        reserved_cpu: 1.0,
        reserved_gb: 4.0,
        used_cpu: 0.5,
        used_gb: 2.0,
        ..Placed::default()
    };
    let b = Placed {
        reserved_cpu: 1.0,
        reserved_gb: 2.0,
        used_cpu: 2.0,
        used_gb: 1.0,
        ..Placed::default()
    };
    let u = 1.0 / 52.0;
    let lines = split(1.0, 4.0, 16.0, &[a, b]);
    let [a_cpu, a_gb] = &lines[0];
    let [b_cpu, b_gb] = &lines[1];
    assert!(close(a_cpu.split_cost, 9.0 * u) && close(a_gb.split_cost, 4.0 * u));
    assert!(close(b_cpu.split_cost, 18.0 * u) && close(b_gb.split_cost, 2.0 * u));
    assert!(close(a_cpu.unused_cost, 3.0 * u) && close(b_cpu.unused_cost, 6.0 * u));
    assert!(close(a_gb.unused_cost, 10.0 * u * 4.0 / 6.0) && close(b_gb.unused_cost, 10.0 * u * 2.0 / 6.0));
    assert!(close(b_cpu.ratio, 0.5));
    let total: f64 = lines.iter().flatten().map(|l| l.split_cost + l.unused_cost).sum();
    assert!(close(total, 1.0), "the instance's whole cost is split: {total}");
}

/// Tasks that use more than the instance has are scaled back to it: nothing is unused, and the
/// split still adds up to the instance's cost.
#[test]
fn an_overcommitted_instance_hour_still_splits_its_cost_exactly() {
    let busy = |cpu: f64| Placed {
        reserved_cpu: 1.0,
        reserved_gb: 8.0,
        used_cpu: cpu,
        used_gb: 8.0,
        ..Placed::default()
    };
    let lines = split(0.5, 4.0, 16.0, &[busy(3.0), busy(3.0)]);
    let total: f64 = lines.iter().flatten().map(|l| l.split_cost + l.unused_cost).sum();
    assert!(close(total, 0.5), "{total}");
    assert!(lines.iter().flatten().all(|l| l.unused_cost == 0.0));
}

#[test]
fn a_file_that_is_not_an_export_is_named_with_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.parquet");
    std::fs::write(&p, b"not parquet").unwrap();
    let e = read(&p, &scope()).unwrap_err().to_string();
    assert!(e.contains("not a readable Parquet file"), "{e}");
    let e = read(dir.path().join("*.csv").as_path(), &scope()).unwrap_err().to_string();
    assert!(e.contains("no file matches"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = read(empty.path(), &scope()).unwrap_err().to_string();
    assert!(e.contains("no .parquet file"), "{e}");
}

/// An export with more distinct service tags than the limit keeps the first apart and sums the
/// rest as one row: memory does not follow a hostile export's tag values.
#[test]
fn services_past_the_limit_are_summed_as_one_row() {
    let n = read::MAX_SERVICES + 5;
    let lines = (0..n)
        .map(|i| usage(at(2, 0), &format!("{TASK}t{i}"), Some(&format!("svc-{i}")), 1.0))
        .collect();
    let (_d, path) = export(lines, Format::Cur2, 100_000);
    let bill = read(&path, &scope()).unwrap();
    assert_eq!(bill.fargate.len(), read::MAX_SERVICES + 1);
    assert!(close(bill.fargate[read::OTHER_SERVICES].list, 5.0));
    assert!(close(bill.fargate_total().list, n as f64));
}
