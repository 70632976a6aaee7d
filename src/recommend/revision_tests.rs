//! A service whose task definition changed inside the window: each step priced, and its use
//! read, at the revision that ran it. Figures computed by hand in each test.

use chrono::Duration;

use super::tests::{analyze, service, steady, task_definition};
use crate::snapshot::inventory::{LaunchType, Revision};
use crate::snapshot::Snapshot;

/// us-east-1 Fargate rates (bundled catalog).
const VCPU: f64 = 0.04048;
const GB: f64 = 0.004445;

/// `api`: 3 tasks all month on Fargate, at 1 vCPU / 4 GiB (`api:1`) for the first 15 days and
/// 0.5 vCPU / 2 GiB (`api:2`, what it runs now) for the last 15, each task using 600 CPU units
/// on the first and 300 on the second.
pub(crate) fn resized_mid_month() -> Snapshot {
    let mut s = service("api", Some(LaunchType::Fargate), 3);
    s.task_definition = "api:2".into();
    let mut now = task_definition("api", 512, 2048);
    now.revision = 2;
    let mut snap = steady(vec![(s, now)], 300.0 / 512.0);
    let start = snap.manifest.window_start;
    snap.inventory.task_definitions.push(task_definition("api", 1024, 4096));
    snap.inventory.services[0].revisions = vec![
        Revision {
            task_definition: "api:1".into(),
            from: start - Duration::days(3),
        },
        Revision {
            task_definition: "api:2".into(),
            from: start + Duration::days(15),
        },
    ];
    snap.usage.change_figures(|p| {
        if p.step < 15 * 24 {
            p.cpu_units_used = Some(3.0 * 600.0);
            p.memory_mib_used = Some(3.0 * 2048.0);
        }
    });
    snap
}

#[test]
fn a_task_definition_changed_mid_window_is_priced_at_the_revision_that_ran() {
    // 3 tasks x 360 h at 1 vCPU / 4 GiB, then 3 x 360 h at 0.5 vCPU / 2 GiB, x 730 / 720: $95.69
    // (priced at the current revision throughout, it was $63.79).
    let r = analyze(&resized_mid_month());
    let svc = &r.services[0];
    let first = 3.0 * 360.0 * (VCPU + 4.0 * GB);
    let second = 3.0 * 360.0 * (0.5 * VCPU + 2.0 * GB);
    assert_eq!(format!("{:.2}", (first + second) * 730.0 / 720.0), "95.69");
    assert_eq!(svc.current_monthly_usd.to_string(), "$95.69");
    // The report keeps what the earlier revision ran, so a saved report gates the same.
    let basis = svc.cost_basis.as_ref().unwrap();
    assert_eq!(basis.revisions.len(), 1);
    assert_eq!((basis.revisions[0].cpu_units, basis.revisions[0].memory_mib), (1024, 4096));
    assert_eq!(basis.revisions[0].task_steps, 3.0 * 360.0);
    assert_eq!(basis.task_steps, 3.0 * 360.0);
}

#[test]
fn rightsizing_reads_only_the_use_of_the_task_definition_it_runs_now() {
    // Mixed, the p99 was 600 units against the 512 it reserves now ("at its limit"); its own
    // 15 days say 300.
    let r = analyze(&resized_mid_month());
    let svc = &r.services[0];
    assert_eq!(svc.usage.cpu_units_p99, Some(300.0));
    assert_eq!(svc.usage.memory_mib_p99, Some(1024.0));
    assert!(
        !svc.recommendation.rationale.contains("at its limit"),
        "{}",
        svc.recommendation.rationale
    );
}

#[test]
fn a_snapshot_without_revisions_prices_the_current_task_definition_all_window() {
    let mut snap = resized_mid_month();
    snap.inventory.services[0].revisions.clear();
    let r = analyze(&snap);
    assert_eq!(r.services[0].current_monthly_usd.to_string(), "$63.79");
    assert!(r.services[0].cost_basis.as_ref().unwrap().revisions.is_empty());
}

#[test]
fn a_service_switching_back_and_forth_between_revisions_is_priced_per_step() {
    // The same 15 days at each size, but alternating day by day (a revision a day, 30 in all):
    // the same $95.69, and per-task use read from `api:2`'s days only.
    let mut snap = resized_mid_month();
    let start = snap.manifest.window_start;
    snap.inventory.services[0].revisions = (0..30)
        .map(|day| Revision {
            task_definition: if day % 2 == 0 { "api:1" } else { "api:2" }.into(),
            from: start + Duration::days(day),
        })
        .collect();
    snap.inventory.services[0].revisions.push(Revision {
        task_definition: "api:2".into(),
        from: start + Duration::days(29),
    });
    snap.usage.change_figures(|p| {
        let old = (p.step / 24) % 2 == 0;
        p.cpu_units_used = Some(3.0 * if old { 600.0 } else { 300.0 });
        p.memory_mib_used = Some(3.0 * if old { 2048.0 } else { 1024.0 });
    });
    let r = analyze(&snap);
    let svc = &r.services[0];
    assert_eq!(svc.current_monthly_usd.cents().to_string(), "$95.69");
    assert_eq!(svc.usage.cpu_units_p99, Some(300.0));
    assert_eq!(
        svc.cost_basis.as_ref().unwrap().revisions.len(),
        1,
        "one earlier task definition, however often it ran"
    );
}
