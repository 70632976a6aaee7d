//! The monthly report: the folder `report` writes, its charts (parsed SVG, decoded PNG, data
//! pinned by snapshot), month over month, bad input, and the HTML opened in headless Chromium
//! from disk with no network.

use crate::support::cmd::{run, s, stderr, tmp};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use ecs_advisor::charts::data::{charts, Body};
use ecs_advisor::report::Report;

const CHARTS: [&str; 6] = [
    "monthly-cost",
    "hourly-cost",
    "service-usage",
    "ec2-fleet",
    "savings-waterfall",
    "break-even",
];

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `report --demo` into a fresh folder; returns the folder and the month's directory.
fn demo_report(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let out = tmp();
    let mut args = vec!["report", "--demo", "--quiet", "--out", s(out.path())];
    args.extend_from_slice(extra);
    ok(&args);
    let dir = out.path().join("demo-prod/2026-10");
    (out, dir)
}

fn read_report(path: &Path) -> Report {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_report_folder_holds_json_markdown_html_and_every_chart() {
    let (out, dir) = demo_report(&[]);
    for f in ["report.json", "report.md", "report.html"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    for c in CHARTS {
        for ext in ["svg", "png"] {
            assert!(dir.join(format!("charts/{c}.{ext}")).is_file(), "{c}.{ext}");
        }
    }
    assert!(out.path().join("index.html").is_file());
    // Nothing else: no temporary folder left behind.
    let names: Vec<String> = std::fs::read_dir(out.path().join("demo-prod"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2026-10"]);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for c in CHARTS {
        assert!(md.contains(&format!("(charts/{c}.png)")), "report.md links {c}");
    }
    assert!(md.contains("no report for 2026-09"), "says why there is no comparison");
    assert!(md.contains("on-demand prices, no Savings Plans or Reserved Instances"));
}

#[test]
fn rendering_report_json_as_markdown_gives_report_md_exactly() {
    let (_out, dir) = demo_report(&[]);
    let rendered = ok(&["render", s(&dir.join("report.json")), "--output", "markdown"]);
    assert_eq!(rendered, std::fs::read_to_string(dir.join("report.md")).unwrap());
}

#[test]
fn charts_are_valid_svg_and_png_with_their_titles() {
    let (_out, dir) = demo_report(&[]);
    let report = read_report(&dir.join("report.json"));
    let refs = &report.monthly.as_ref().unwrap().charts;
    assert_eq!(refs.iter().map(|c| c.file.as_str()).collect::<Vec<_>>(), CHARTS);
    for c in refs {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{}.svg", c.file))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}.svg is not valid XML: {e}", c.file));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("width"), Some("1200"));
        let texts: String = doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join(" ");
        assert!(texts.contains(&c.title), "{}.svg carries its title {:?}", c.file, c.title);
        assert!(svg.len() > 5_000 && svg.len() < 2_000_000, "{}.svg is {} bytes", c.file, svg.len());

        let png = std::fs::read(dir.join(format!("charts/{}.png", c.file))).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png.as_slice()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (1200, 700), "{}.png", c.file);
        let colours: BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
        assert!(colours.len() > 20, "{}.png has {} colours: drawn, with text", c.file, colours.len());
        assert!(png.len() > 10_000 && png.len() < 1_000_000, "{}.png is {} bytes", c.file, png.len());
    }
}

/// A long series in a snapshot: its length, range, mean and first day, which pin what is drawn
/// without thousands of lines.
fn digest(points: &[f64]) -> Value {
    let r = |x: f64| (x * 100.0).round() / 100.0;
    serde_json::json!({
        "len": points.len(),
        "min": r(points.iter().copied().fold(f64::INFINITY, f64::min)),
        "max": r(points.iter().copied().fold(0.0, f64::max)),
        "mean": r(points.iter().sum::<f64>() / points.len().max(1) as f64),
        "first_day": points.iter().take(24).map(|v| r(*v)).collect::<Vec<_>>(),
    })
}

#[test]
fn the_demo_chart_data_is_pinned() {
    let (_out, dir) = demo_report(&[]);
    let report = read_report(&dir.join("report.json"));
    let data: Vec<Value> = charts(&report)
        .into_iter()
        .map(|c| {
            let body = match &c.body {
                Body::Hourly { start, lines } => serde_json::json!({
                    "start": start,
                    "lines": lines.iter().map(|l| serde_json::json!({"label": l.label, "tone": l.tone, "points": digest(&l.points)})).collect::<Vec<_>>(),
                }),
                Body::Fleet {
                    start,
                    cpu_allocated,
                    cpu_available,
                    memory_allocated,
                    memory_available,
                } => serde_json::json!({
                    "start": start,
                    "cpu_allocated": digest(cpu_allocated),
                    "cpu_available": digest(cpu_available),
                    "memory_allocated": digest(memory_allocated),
                    "memory_available": digest(memory_available),
                }),
                other => serde_json::to_value(other).unwrap(),
            };
            serde_json::json!({"name": c.name, "title": c.title, "subtitle": c.subtitle, "body": body})
        })
        .collect();
    insta::assert_json_snapshot!(data);
}

#[test]
fn the_waterfall_runs_from_todays_cost_to_the_recommended_to_the_cent() {
    let (_out, dir) = demo_report(&[]);
    let report = read_report(&dir.join("report.json"));
    let c = charts(&report).into_iter().find(|c| c.name == "savings-waterfall").unwrap();
    let Body::Waterfall { start_usd, steps, end_usd } = c.body else {
        panic!()
    };
    let sum: f64 = steps.iter().map(|s| s.delta_usd).sum();
    assert!((start_usd + sum - end_usd).abs() < 0.005, "{start_usd} + {sum} != {end_usd}");
    assert!(steps.len() <= 12, "ten services, the rest grouped, a shared-fleet step at most");
}

/// `report --group-by tag:team`: the cost by team with its change from last month, in the
/// Markdown, the HTML and a chart; the changes add up to the cluster's.
#[test]
fn the_cost_by_team_has_its_change_from_last_month_a_table_and_a_chart() {
    let out = tmp();
    ok(&["report", "--demo", "--quiet", "--out", s(out.path()), "--group-by", "tag:team"]);
    let snap = out.path().join("snap-2026-11");
    ok(&["demo", "export", "--month", "2026-11", "--out", s(&snap)]);
    ok(&[
        "report",
        "--snapshot",
        s(&snap),
        "--quiet",
        "--out",
        s(out.path()),
        "--group-by",
        "tag:team",
    ]);
    let dir = out.path().join("demo-prod/2026-11");
    let report = read_report(&dir.join("report.json"));
    let a = report.allocation.as_ref().expect("an allocation");
    let c = report.monthly.as_ref().unwrap().comparison.as_ref().unwrap();
    let change: ecs_advisor::money::Usd = a.groups.iter().map(|g| g.change_usd.expect("a change")).sum();
    assert_eq!(
        change.cents(),
        c.change_usd.cents(),
        "the rows' changes add up to the cluster's, to the cent"
    );
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("## Cost by `team`\n\n| team | Services | Today | After | Saving | Change |"),
        "{md}"
    );
    assert!(md.contains("| (idle instances) |"), "{md}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<h2>Cost by <code>team</code></h2>") && html.contains("id=\"chart-cost-by-tag\""));
    assert!(dir.join("charts/cost-by-tag.png").is_file());
}

#[test]
fn a_later_month_compares_with_the_previous_report_and_follows_up_its_recommendations() {
    let out = tmp();
    ok(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    // The later month from a snapshot, as a user would have it: `collect`, then `report`.
    let snap = out.path().join("snap-2026-11");
    ok(&["demo", "export", "--month", "2026-11", "--out", s(&snap)]);
    let printed = ok(&["report", "--snapshot", s(&snap), "--quiet", "--out", s(out.path())]);
    assert!(printed.contains("compared with 2026-10"), "{printed}");
    let dir = out.path().join("demo-prod/2026-11");
    let report = read_report(&dir.join("report.json"));
    let c = report.monthly.as_ref().unwrap().comparison.as_ref().expect("a comparison");
    assert_eq!(c.previous_month, "2026-10");
    let previous = read_report(&out.path().join("demo-prod/2026-10/report.json"));
    assert_eq!(c.previous_monthly_usd, previous.cluster.current_monthly_usd);
    assert_eq!(
        c.change_usd,
        report.cluster.current_monthly_usd - previous.cluster.current_monthly_usd
    );

    let change = |name: &str| c.services.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name} moved"));
    let causes = |name: &str| serde_json::to_value(&change(name).causes).unwrap();
    assert_eq!(causes("checkout-v2"), serde_json::json!(["new-service"]));
    assert_eq!(causes("admin-portal"), serde_json::json!(["removed-service"]));
    assert_eq!(causes("inventory-sync"), serde_json::json!(["launch-type", "task-size"]));
    assert_eq!(causes("user-profile"), serde_json::json!(["task-size"]));
    assert!(causes("search-api").as_array().unwrap().contains(&serde_json::json!("task-count")));

    let follow = |name: &str| c.follow_ups.iter().find(|f| f.service == name).unwrap();
    let up = follow("user-profile");
    assert_eq!(serde_json::to_value(up.status).unwrap(), "done");
    // Realised: what it cost in October as it ran, less what it cost in November.
    let cost = |r: &Report, name: &str| r.services.iter().find(|s| s.name == name).unwrap().current_monthly_usd;
    assert_eq!(
        up.realised_savings_usd,
        Some(cost(&previous, "user-profile") - cost(&report, "user-profile"))
    );
    // inventory-sync left the six m5.2xlarge for Fargate, one step of October's "retire the EC2
    // fleet", but the fleet still runs all six in November: nothing is realised until instances
    // go, and it now costs its Fargate bill. It was reported as "done, realised" its whole former
    // share. It is followed up with its fleet, not on its own.
    assert!(c.follow_ups.iter().all(|f| f.service != "inventory-sync"));
    let retire = c
        .fleet_follow_ups
        .iter()
        .find(|f| f.kind == ecs_advisor::report::Compute::Ec2)
        .expect("October's EC2 fleet action followed up");
    assert_eq!(serde_json::to_value(retire.status).unwrap(), "partly");
    assert_eq!(retire.moved, vec!["inventory-sync".to_string()]);
    let pool = |r: &Report| {
        r.cluster
            .pools
            .iter()
            .find(|p| p.kind == ecs_advisor::report::Compute::Ec2)
            .unwrap()
            .clone()
    };
    assert_eq!(pool(&previous).monthly_usd, pool(&report).monthly_usd, "the fleet did not shrink");
    assert_eq!(retire.previous_pool_monthly_usd, retire.pool_monthly_usd);
    let sync_now = cost(&report, "inventory-sync");
    assert_eq!(retire.moved_monthly_usd, sync_now);
    assert_eq!(retire.realised_savings_usd, Some(ecs_advisor::money::Usd::ZERO - sync_now));
    let remains = retire.remains.as_deref().unwrap();
    assert!(
        remains.contains("still to move: orders-db-proxy") && remains.contains("6 x m5.2xlarge still run at $1,681.92 a month"),
        "{remains}"
    );
    // The others on the fleet kept their shares: the fleet's cost is its services' shares plus its
    // idle line, so what the shares fell (inventory-sync's, and small changes of the others) the
    // idle line rose.
    let idle_rise = pool(&report).idle_monthly_usd - pool(&previous).idle_monthly_usd;
    let others = |r: &Report| -> ecs_advisor::money::Usd {
        r.services
            .iter()
            .filter(|s| s.launch_type == ecs_advisor::report::LaunchType::Ec2)
            .map(|s| s.current_monthly_usd)
            .sum()
    };
    let gap = (others(&previous) - others(&report) - idle_rise).to_f64().abs();
    assert!(
        gap <= 0.01,
        "the EC2 services' shares fell by what the idle line rose, to the cent: {gap}"
    );
    let [ec2_pool] = c.pools.as_slice() else { panic!("{:?}", c.pools) };
    assert_eq!(ec2_pool.idle_monthly_usd, pool(&report).idle_monthly_usd);
    assert_eq!(serde_json::to_value(follow("recommendations").status).unwrap(), "open");

    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("## Month over month"));
    assert!(md.contains("### Largest increases") && md.contains("### Largest decreases"));
    assert!(md.contains("### 2026-10's recommendations"));
    // The first thing a reader sees: the month, its change, what is available and what was realised.
    assert!(
        md.contains("In November 2026, `demo-prod` cost $4,802.33 a month as it ran, $162.03 (+3.5%) more than 2026-10; the recommendations would save $1,007.40 a month (21% of spend); 2026-10's recommendations carried out so far realise $9.73 a month."),
        "{md}"
    );
    assert!(
        md.find("## Month over month").unwrap() < md.find("## Charts").unwrap(),
        "month over month before the charts"
    );
    assert!(
        md.contains("| EC2 fleet (6 x m5.2xlarge) | retire the fleet: move 9 services off it (1 moved) | partly |"),
        "{md}"
    );
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(index.contains("demo-prod/2026-10/report.html") && index.contains("demo-prod/2026-11/report.html"));
    // The index's trend: each month on file, as a browser draws it.
    let profile = tmp();
    let o = crate::support::chromium::run(&profile.path().join("p"), &["--dump-dom"], &out.path().join("index.html"));
    let dom = String::from_utf8_lossy(&o.stdout);
    let trend = dom.find("id=\"trend-demo-prod\"").expect("the cluster's trend chart on the index");
    let figure = &dom[trend..trend + dom[trend..].find("</figure>").unwrap()];
    assert!(figure.contains("<svg"), "drawn inline");
    for label in ["2026-10", "2026-11", "cost as it ran", "as recommended", "realised"] {
        assert!(figure.contains(label), "{label} in the trend chart");
    }
}

/// October's demo plan retires the EC2 fleet. Carried out as planned (every service where its row
/// said, no instance left), it realises exactly what it estimated: the fleet's cost less what its
/// services cost where they went. Every service gone but the instances still running realises
/// nothing of the fleet, and the report says what is left to do.
#[test]
fn a_retired_fleet_realises_its_estimate_and_a_fleet_left_running_realises_nothing_yet() {
    use ecs_advisor::money::Usd;
    use ecs_advisor::report::{Compute, LaunchType};
    let october: Report = serde_json::from_str(crate::support::cmd::demo_json_text()).unwrap();
    let action = october
        .cluster
        .fleet_actions
        .iter()
        .find(|a| a.kind == Compute::Ec2)
        .unwrap()
        .clone();
    // Every service of the action runs where its row said, at the figure it said.
    let mut moved = october.clone();
    for s in moved.services.iter_mut().filter(|s| action.services.contains(&s.name)) {
        s.launch_type = LaunchType::Fargate;
        s.current_monthly_usd = s.recommendation.monthly_usd;
    }
    let (mut retired, left_running) = (moved.clone(), moved);
    retired.cluster.current_ec2_fleet.clear();
    retired.cluster.pools.retain(|p| p.kind != Compute::Ec2);

    let retired_up = ecs_advisor::review::compare::compare(&october, "2026-10", &retired);
    let f = retired_up.fleet_follow_ups.iter().find(|f| f.kind == Compute::Ec2).unwrap();
    assert_eq!(serde_json::to_value(f.status).unwrap(), "done");
    assert_eq!(f.moved, action.services);
    assert_eq!(f.pool_monthly_usd, Usd::ZERO);
    assert_eq!(f.realised_savings_usd.unwrap().cents(), action.savings_monthly_usd.cents());
    assert_eq!(f.remains, None);

    let running_up = ecs_advisor::review::compare::compare(&october, "2026-10", &left_running);
    let f = running_up.fleet_follow_ups.iter().find(|f| f.kind == Compute::Ec2).unwrap();
    assert_eq!(serde_json::to_value(f.status).unwrap(), "partly");
    assert_eq!(
        f.realised_savings_usd.unwrap().cents(),
        (Usd::ZERO - action.after_monthly_usd).cents()
    );
    let remains = f.remains.as_deref().unwrap();
    assert!(
        remains
            .starts_with("every service left; then retire the EC2 fleet: set its Auto Scaling group's minimum and desired capacity to 0"),
        "{remains}"
    );
}

#[test]
fn a_corrupt_previous_report_skips_the_comparison_with_a_warning_naming_it() {
    let out = tmp();
    let previous = out.path().join("demo-prod/2026-09");
    std::fs::create_dir_all(&previous).unwrap();
    std::fs::write(previous.join("report.json"), "{\"schema_version\": 4, \"cut").unwrap();
    let o = run(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("comparison is skipped") && err.contains("2026-09/report.json"),
        "{err}"
    );
    let report = read_report(&out.path().join("demo-prod/2026-10/report.json"));
    let m = report.monthly.unwrap();
    assert!(m.comparison.is_none());
    assert!(m.comparison_note.unwrap().contains("2026-09/report.json"));
}

/// Another cluster's `report.json` in the previous month's place was compared without a word.
#[test]
fn another_clusters_report_as_last_month_is_not_compared() {
    let out = tmp();
    let other = out.path().join("other.json");
    let o = run(&["analyze", "--demo", "--output", "json", "--out", s(&other)]);
    assert!(o.status.success() || o.status.code() == Some(7), "{}", stderr(&o));
    let text = std::fs::read_to_string(&other)
        .unwrap()
        .replace("\"cluster_name\": \"demo-prod\"", "\"cluster_name\": \"staging\"");
    let previous = out.path().join("demo-prod/2026-09");
    std::fs::create_dir_all(&previous).unwrap();
    std::fs::write(previous.join("report.json"), text).unwrap();
    let o = run(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("is cluster `staging`'s report, not `demo-prod`'s; no comparison"),
        "{err}"
    );
    let m = read_report(&out.path().join("demo-prod/2026-10/report.json")).monthly.unwrap();
    assert!(m.comparison.is_none());
}

#[test]
fn bad_months_and_unwritable_folders_give_one_line_and_their_exit_codes() {
    let out = tmp();
    let o = run(&["report", "--demo", "--month", "2026-13", "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`2026-13` is not a month"), "{}", stderr(&o));

    let snap = out.path().join("snap");
    ok(&["demo", "export", "--out", s(&snap)]);
    let o = run(&["report", "--snapshot", s(&snap), "--month", "2026-12", "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("no data in 2026-12") && err.contains("--month 2026-10"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!out.path().join("demo-prod").exists(), "nothing written");

    // --out names a file: nothing can be written under it.
    let file = out.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = run(&["report", "--demo", "--quiet", "--out", s(&file)]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("a-file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn a_month_folder_that_cannot_be_finished_leaves_no_half_folder() {
    let out = tmp();
    ok(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    let dir = out.path().join("demo-prod/2026-10");
    let before = std::fs::read(dir.join("report.json")).unwrap();
    // The cluster folder is read-only: the new month cannot be built beside the old one.
    let cluster = out.path().join("demo-prod");
    let mut perms = std::fs::metadata(&cluster).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&cluster, perms.clone()).unwrap();
    let o = run(&["report", "--demo", "--quiet", "--out", s(out.path()), "--savings-plan-pct", "10"]);
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&cluster, perms).unwrap();
    if o.status.success() {
        // Root ignores permissions: the new report replaced the old one whole.
        assert!(read_report(&dir.join("report.json")).assumptions.discounts.savings_plan_pct == 10.0);
    } else {
        assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(dir.join("report.json")).unwrap(),
            before,
            "the old month is untouched"
        );
    }
    let names: Vec<String> = std::fs::read_dir(&cluster)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2026-10"], "no temporary or old folder is left");
}

#[test]
fn the_html_report_renders_in_headless_chromium_from_disk_with_no_network() {
    let (_out, dir) = demo_report(&[]);
    let html_path = dir.join("report.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.contains("<script"), "no script");
    let external: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 40).min(html.len())])
        .filter(|s| !s.starts_with("http://www.w3.org/"))
        .collect();
    assert!(external.is_empty(), "nothing from the network: {external:?}");

    let profile = tmp();
    let shot = profile.path().join("shot.png");
    let o = crate::support::chromium::run(
        &profile.path().join("p1"),
        &["--window-size=1200,6000", &format!("--screenshot={}", shot.display())],
        &html_path,
    );
    assert!(shot.is_file(), "chromium wrote no screenshot: {}", stderr(&o));
    let png = std::fs::read(&shot).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png.as_slice())).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let colours: BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    assert!(
        colours.len() > 200,
        "the page shows charts and text, not a blank: {} colours",
        colours.len()
    );

    let o = crate::support::chromium::run(&profile.path().join("p2"), &["--dump-dom"], &html_path);
    let dom = String::from_utf8_lossy(&o.stdout);
    assert_eq!(dom.matches("<svg").count(), CHARTS.len(), "one rendered SVG per chart");
    // The first screen: one sentence and four cards, then what to do, before any chart.
    let lead = dom.find("<p class=\"lead\">").expect("the first screen's sentence");
    assert!(
        dom[lead..].starts_with("<p class=\"lead\">In October 2026, <code>demo-prod</code> cost $4,640.30 a month as it ran; the recommendations would save $1,014.39 a month (22% of spend).</p>"),
        "{}",
        &dom[lead..lead + 300]
    );
    for label in [
        "Cost, a month",
        "Change from last month",
        "Saving available, a month",
        "Saving realised, a month",
    ] {
        assert!(dom.contains(&format!("<div class=\"label\">{label}</div>")), "the {label} card");
    }
    assert_eq!(dom.matches("class=\"card\"").count(), 4);
    assert!(
        dom.find("<h2>Next steps</h2>").unwrap() < dom.find("<svg").unwrap(),
        "what to do before the charts"
    );
    assert!(!dom.contains('`'), "no raw backtick reaches the page");
    for c in CHARTS {
        assert!(dom.contains(&format!("id=\"chart-{c}\"")), "{c} in the page");
    }

    // Every text of every chart lies inside its chart, as the browser lays it out (turned axis
    // titles too): the page again, with a script that measures each SVG text's box on screen
    // against its chart's.
    let measured = profile.path().join("measured.html");
    let script = r#"<script>
const out = [];
document.querySelectorAll('figure svg').forEach(svg => {
  const chart = svg.getBoundingClientRect();
  svg.querySelectorAll('text').forEach(t => {
    if (t.textContent.trim() === '') return;
    const b = t.getBoundingClientRect();
    if (b.left < chart.left - 1 || b.top < chart.top - 1 || b.right > chart.right + 1 || b.bottom > chart.bottom + 1)
      out.push(svg.parentNode.id + ': ' + t.textContent.trim() + ' at ' + [b.left - chart.left, b.top - chart.top, b.width, b.height].map(Math.round).join(','));
  });
});
const pre = document.createElement('pre'); pre.id = 'outside'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"#;
    std::fs::write(&measured, html.replace("</body>", &format!("{script}</body>"))).unwrap();
    let o = crate::support::chromium::run(&profile.path().join("p4"), &["--dump-dom"], &measured);
    let dom = String::from_utf8_lossy(&o.stdout);
    let at = dom.find("<pre id=\"outside\">").expect("the measuring script ran") + "<pre id=\"outside\">".len();
    let outside = &dom[at..at + dom[at..].find("</pre>").unwrap()];
    assert_eq!(outside, "[]", "chart text outside its chart");

    // It prints: A4 pages.
    let pdf = profile.path().join("report.pdf");
    let _ = crate::support::chromium::run(
        &profile.path().join("p3"),
        &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())],
        &html_path,
    );
    let bytes = std::fs::read(&pdf).expect("chromium printed the report to PDF");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.matches("/Type /Page").count() + text.matches("/Type/Page").count() >= 3,
        "several A4 pages"
    );
    assert!(text.contains("595") && text.contains("842"), "A4 media box (595 x 842 points)");
}

/// Printed, a heading sat alone at the foot of a page ("Largest increases" with its table on the
/// next), and the third card wrapped its figure over three lines.
#[test]
fn the_printed_report_keeps_headings_with_what_follows_and_cards_on_one_line() {
    let out = tmp();
    for month in ["2026-10", "2026-11"] {
        ok(&[
            "report",
            "--demo",
            "--quiet",
            "--month",
            month,
            "--group-by",
            "tag:team",
            "--out",
            s(out.path()),
        ]);
    }
    for month in ["2026-10", "2026-11"] {
        let html_path = out.path().join("demo-prod").join(month).join("report.html");
        let html = std::fs::read_to_string(&html_path).unwrap();
        let headings: Vec<String> = html
            .split("<h")
            .skip(1)
            .filter(|h| h.starts_with("2>") || h.starts_with("3>"))
            .map(|h| {
                let inner = &h[2..h.find("</h").unwrap()];
                inner.replace("<code>", "").replace("</code>", "")
            })
            .collect();
        assert!(headings.len() > 5, "{headings:?}");
        // The saving's share is a line of its own under the figure.
        assert!(html.contains("<div class=\"value\">$"), "a card's figure alone");
        assert!(html.contains("% of spend</div>"), "the share under the figure");

        let profile = tmp();
        let pdf = profile.path().join("report.pdf");
        let _ = crate::support::chromium::run(
            &profile.path().join("p"),
            &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())],
            &html_path,
        );
        let pages = crate::support::gate_checks::pdf_pages(&pdf);
        assert!(pages.len() >= 3, "{month}: several pages");
        for (i, page) in pages.iter().enumerate().take(pages.len() - 1) {
            let last = page.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
            assert!(
                !headings.iter().any(|h| h == last),
                "{month}: page {} ends with the heading `{last}`, its section on the next page",
                i + 1
            );
        }
    }
}

#[test]
fn discounts_are_echoed_in_every_output_and_scale_on_demand_figures() {
    let plain: Value = serde_json::from_str(&ok(&["analyze", "--demo", "--output", "json"])).unwrap();
    let sp: Value = serde_json::from_str(&ok(&[
        "analyze",
        "--demo",
        "--output",
        "json",
        "--savings-plan-pct",
        "20",
        "--ec2-discount-pct",
        "30",
    ]))
    .unwrap();
    let svc = |r: &Value, name: &str| -> Value {
        r["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    let usd = |v: &Value| -> rust_decimal::Decimal { v.as_str().unwrap().parse().unwrap() };
    // catalog-api: Fargate on demand, x86, no extra storage: exactly 80% of its on-demand cost.
    let (a, b) = (
        usd(&svc(&plain, "catalog-api")["current_monthly_usd"]),
        usd(&svc(&sp, "catalog-api")["current_monthly_usd"]),
    );
    assert_eq!(b, a * rust_decimal::Decimal::new(8, 1));
    // The six m5.2xlarge container instances today: 70% of on demand (its services' shares and
    // its idle line).
    let ec2_today = |r: &Value| -> rust_decimal::Decimal {
        let pool = r["cluster"]["pools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "ec2")
            .unwrap();
        assert_eq!(
            usd(&pool["monthly_usd"]).round_dp(6),
            (r["services"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["launch_type"] == "EC2")
                .map(|s| usd(&s["current_monthly_usd"]))
                .sum::<rust_decimal::Decimal>()
                + usd(&pool["idle_monthly_usd"]))
            .round_dp(6)
        );
        usd(&pool["monthly_usd"])
    };
    assert_eq!(
        ec2_today(&sp).round_dp(6),
        (ec2_today(&plain) * rust_decimal::Decimal::new(7, 1)).round_dp(6)
    );
    assert_eq!(sp["assumptions"]["discounts"]["savings_plan_pct"], 20.0);
    let table = ok(&["analyze", "--demo", "--savings-plan-pct", "20"]);
    assert!(table.contains("Compute Savings Plans at 20% off Fargate and EC2"), "{table}");
    let md = ok(&["analyze", "--demo", "--output", "markdown", "--ec2-discount-pct", "30"]);
    assert!(md.contains("EC2 at 30% off"), "markdown echoes it");
    let csv = ok(&["analyze", "--demo", "--output", "csv", "--savings-plan-pct", "20"]);
    assert!(csv.lines().next().unwrap().ends_with(",savings_plan_pct,ec2_discount_pct"));
    assert!(csv.lines().nth(1).unwrap().ends_with(",20,0"), "{csv}");
    let plain_table = ok(&["analyze", "--demo"]);
    assert!(
        plain_table.contains("on-demand prices"),
        "with no flag the figures say they are on demand"
    );
    let o = run(&["analyze", "--demo", "--savings-plan-pct", "150"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("discounts.savings_plan_pct"), "{}", stderr(&o));
}

#[test]
fn analyze_charts_writes_every_chart_for_any_analysis() {
    let out = tmp();
    ok(&["analyze", "--demo", "--charts", s(out.path()), "--output", "json"]);
    for c in CHARTS {
        assert!(
            out.path().join(format!("{c}.svg")).is_file() && out.path().join(format!("{c}.png")).is_file(),
            "{c}"
        );
    }
}

/// A run killed while writing a month (SIGKILL cannot be caught) left `.2026-10.tmp-PID` behind,
/// and one killed between moving the old month aside and putting the new one in place left only
/// `.2026-10.old-PID`: the next run removes the first and gives the month back from the second
/// before it writes. A regular file where the month's folder goes was replaced; it is refused.
#[test]
fn debris_of_a_killed_run_is_cleared_by_the_next_and_a_file_in_the_way_is_refused() {
    let out = tmp();
    ok(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    let cluster = out.path().join("demo-prod");
    // A PID above Linux's largest (2^22): no process runs with it.
    let half = cluster.join(".2026-10.tmp-4999999");
    std::fs::create_dir_all(half.join("charts")).unwrap();
    std::fs::write(half.join("report.json"), "{").unwrap();
    let aside = cluster.join(".2026-10.old-4999998");
    std::fs::rename(cluster.join("2026-10"), &aside).unwrap();
    ok(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&cluster), ["2026-10"], "debris cleared");
    read_report(&cluster.join("2026-10/report.json"));

    let month = cluster.join("2026-10");
    std::fs::remove_dir_all(&month).unwrap();
    std::fs::write(&month, "notes").unwrap();
    let o = run(&["report", "--demo", "--quiet", "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("it is a file, not a report folder"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(std::fs::read_to_string(&month).unwrap(), "notes");
    assert_eq!(names(&cluster), ["2026-10"], "nothing left beside it");
}
