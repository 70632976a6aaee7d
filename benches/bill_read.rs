//! `--bill` on a large export: the demo's October as AWS bills it (`demo export --bill cur2`,
//! about 210,000 rows) inside an account's month of other lines (S3, RDS, other clusters' tasks
//! and instances) up to `BILL_ROWS` rows [default: 10,000,000], in row groups of 100,000 as
//! Data Exports writes them. Times reading it for the demo cluster and reconciling it with the
//! demo's report. The export is written once to `target/bench-data/`.
//! Run: `cargo bench --bench bill_read`. Peak memory is measured on the CLI:
//! `/usr/bin/time -v ecs-advisor analyze --demo -o json --out /tmp/r.json --bill
//! target/bench-data/bill-10000000` against the same without `--bill`.

use std::path::PathBuf;
use std::time::Instant;

use chrono::Duration;
use ecs_advisor::bill::write::{Line, Sink};
use ecs_advisor::bill::{self, Format, Scope};
use ecs_advisor::config::Assumptions;
use ecs_advisor::domain::Month;
use ecs_advisor::pricing::Catalog;
use ecs_advisor::{recommend, sources};

fn main() {
    let rows: u64 = std::env::var("BILL_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let catalog = Catalog::bundled().unwrap();
    let snapshot = sources::demo::embedded().unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("bill-{rows}"));
    let file = dir.join("data/BILLING_PERIOD=2026-10/export-00001.snappy.parquet");
    if !file.exists() {
        let t = Instant::now();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let mut sink = Sink::new(Format::Cur2, &file).unwrap();
        let prices = catalog.region("us-east-1").unwrap();
        let mut written = 0u64;
        bill::write::lines(&snapshot, &catalog, prices, &mut |l| {
            written += 1;
            sink.push(l)
        })
        .unwrap();
        let start = Month::of(snapshot.manifest.window_start).start();
        let mut i = 0u64;
        while written < rows {
            let hour = (i % 744) as i64;
            let kind = i % 10;
            let line = Line {
                kind: "Usage",
                start: start + Duration::hours(hour),
                product: ["AmazonS3", "AmazonRDS", "AmazonECS", "AmazonEC2", "AWSLambda"][(kind % 5) as usize],
                usage_type: "USE1-TimedStorage-ByteHrs".into(),
                operation: "Other",
                resource: match kind {
                    // Other clusters' Fargate tasks and other instances: they pass the filter
                    // on the resource ID and are dropped after it.
                    2 => format!("arn:aws:ecs:us-east-1:111122223333:task/batch-{}/{:032x}", i % 7, i),
                    3 => format!("i-{:017x}", 0x0ff0_0000_0000_0000u64 + (i % 5000)),
                    _ => format!("arn:aws:s3:::bucket-{}/object-{}", i % 97, i),
                },
                amount: 1.0,
                unblended: 0.01,
                list: 0.01,
                sp_effective: None,
                tags: if kind == 2 {
                    vec![("aws:ecs:serviceName", format!("job-{}", i % 13))]
                } else {
                    vec![]
                },
                split: None,
            };
            sink.push(line).unwrap();
            written += 1;
            i += 1;
        }
        sink.finish().unwrap();
        eprintln!(
            "wrote {written} rows ({:.0} MB) in {:.1} s",
            std::fs::metadata(&file).unwrap().len() as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }
    let report = recommend::analyze(&snapshot, &catalog, &Assumptions::default()).unwrap();
    let scope = Scope::of(&snapshot, catalog.region("us-east-1").ok());
    println!("| rows | read s | reconcile s | row groups read | rows decoded | rows of the cluster |");
    println!("|---|---|---|---|---|---|");
    for _ in 0..3 {
        let t = Instant::now();
        let b = bill::read(&dir, &scope).unwrap();
        let read_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let r = bill::reconcile::reconcile(&report, &b, &scope, "bench");
        let reconcile_s = t.elapsed().as_secs_f64();
        assert!(r.total.gap_pct.unwrap().abs() < 1.0);
        println!(
            "| {} | {read_s:.2} | {reconcile_s:.4} | {} of {} | {} | {} |",
            b.read.rows, b.read.row_groups_read, b.read.row_groups, b.read.rows_decoded, b.read.rows_matched
        );
    }
}
