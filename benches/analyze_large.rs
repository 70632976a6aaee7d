//! Whole analyses of generated clusters (`ecs-advisor demo export --services N --days D`), as
//! `analyze --snapshot` runs them after loading: usage statistics, rightsizing, the EC2 fleet
//! simulations (the ideal re-pack once), the plan, the report with its series. Each is run again
//! with no Managed Instances types (`managed_instances.families` empty): the difference is what
//! the ECS Managed Instances simulation costs.
//! Run: `cargo bench --bench analyze_large`; `ANALYZE_SERVICES=100,500,2000 ANALYZE_DAYS=30`
//! choose the sizes. Peak memory is measured on the CLI: `/usr/bin/time -v ecs-advisor analyze
//! --snapshot DIR -o json --out /tmp/report.json` (see benches/README.md).

use std::time::Instant;

use ecs_advisor::config::Assumptions;
use ecs_advisor::pricing::Catalog;
use ecs_advisor::{recommend, sources};

fn list(var: &str, default: &[u32]) -> Vec<u32> {
    match std::env::var(var) {
        Ok(v) => v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => default.to_vec(),
    }
}

fn main() {
    let catalog = Catalog::bundled().unwrap();
    let a = Assumptions::default();
    let mut without_mi = a.clone();
    without_mi.managed_instances.families.clear();
    println!("| services | days | usage rows | generate s | analyze s | without Managed Instances s | recommended /mo |");
    println!("|---|---|---|---|---|---|---|");
    for days in list("ANALYZE_DAYS", &[30]) {
        for services in list("ANALYZE_SERVICES", &[100, 500]) {
            let t = Instant::now();
            let snapshot = sources::demo::generate_large(services as usize, days, 7);
            let generate_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let report = recommend::analyze(&snapshot, &catalog, &a).unwrap();
            let analyze_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            recommend::analyze(&snapshot, &catalog, &without_mi).unwrap();
            let without_s = t.elapsed().as_secs_f64();
            println!(
                "| {services} | {days} | {} | {generate_s:.2} | {analyze_s:.2} | {without_s:.2} | {} |",
                snapshot.usage.len(),
                report.cluster.recommended_monthly_usd
            );
        }
    }
}
