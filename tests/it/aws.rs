//! Live AWS against real endpoints: ECS and CloudWatch from `moto_server` (installed and started
//! by the tests, seeded by `tests/aws/seed.py`), the Pricing API from a local server speaking its
//! wire format (`tests/it/support/pricing_server.rs`). The binary is driven as a user would, with
//! the standard endpoint variables pointing at them.

use crate::support::{moto, pricing_server, slow_proxy};

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The binary with a clean AWS environment: dummy credentials, no shared config files, no
/// instance metadata, one attempt per call, and a private price cache.
fn cmd(endpoint: &str, cache: &Path) -> Command {
    let mut c = Command::cargo_bin("ecs-advisor").unwrap();
    for v in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_ECS",
        "AWS_ENDPOINT_URL_CLOUDWATCH",
        "AWS_ENDPOINT_URL_PRICING",
        "AWS_RETRY_MODE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ] {
        c.env_remove(v);
    }
    c.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", cache.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", cache.join("no-aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("ECS_ADVISOR_CACHE_DIR", cache);
    c
}

/// moto computes GetMetricData in Python, many seconds for the seeded days, and answers
/// concurrent requests one at a time: commands against it run one after another, so that no
/// request waits behind the others' past the SDK's 60-second attempt timeout on a slow machine.
fn moto_turn() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn live(args: &[&str]) -> (Output, tempfile::TempDir) {
    let _turn = moto_turn();
    let cache = tempfile::tempdir().unwrap();
    let out = cmd(&moto::seeded().endpoint, cache.path()).args(args).output().unwrap();
    (out, cache)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

const WINDOW: [&str; 6] = ["--region", "us-east-1", "--lookback", "3d", "--end", moto::SEED_END];

fn analyze_live(cluster: &str) -> Value {
    let mut args = vec!["analyze", "--cluster", cluster, "--output", "json", "--quiet"];
    args.extend(WINDOW);
    json(&live(&args).0)
}

fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service `{name}` in {}", report["services"]))
}

/// A report's figure: dollars are exact decimal strings, other quantities numbers.
fn money(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_f64())
        .unwrap_or_else(|| panic!("not a figure: {v}"))
}

/// us-east-1 Fargate Linux/x86, bundled catalog.
const VCPU_HOUR: f64 = 0.04048;
const GB_HOUR: f64 = 0.004445;

#[test]
fn live_analysis_reports_the_seeded_services_with_their_figures() {
    let r = analyze_live("prod");
    assert_eq!(r["cluster_name"], "prod");
    assert_eq!(r["usage_source"], "container_insights");
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(r["window"][k].as_str().unwrap()).unwrap();
    assert_eq!((at("end") - at("start")).num_days(), 3);
    assert_eq!(r["window"]["step_seconds"], 300);
    let mut names: Vec<&str> = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort();
    // prod-2's `api` and its standalone tasks stay out; prod's standalone task is a group.
    assert_eq!(names, ["api", "task:batch/fargate", "web", "worker"]);

    // api: 3 tasks, a 4th for one step in 12 (two RunningTaskCount points: 3 and 4).
    let api = service(&r, "api");
    let u = &api["usage"];
    assert_eq!(u["data_points"], 864);
    assert_eq!(u["coverage_pct"], 100.0);
    assert_eq!(u["peak_tasks"], 4.0);
    let average_tasks = (3.0 * 792.0 + 3.5 * 72.0) / 864.0;
    assert!((money(&u["average_tasks"]) - average_tasks).abs() < 0.01, "{u}");
    // CpuUtilized 750..840 over 3 tasks; MemoryUtilized 2,700 over 3 tasks.
    assert!((money(&u["cpu_units_max"]) - 280.0).abs() < 1e-6, "{u}");
    assert!((money(&u["memory_mib_max"]) - 900.0).abs() < 1e-6, "{u}");
    assert_eq!(api["launch_type"], "FARGATE");
    assert_eq!(api["network_mode"], "awsvpc");
    assert_eq!(api["task_size"]["cpu_units"], 1024);
    assert_eq!(api["task_size"]["memory_mib"], 2048);
    let expected = (VCPU_HOUR + 2.0 * GB_HOUR) * average_tasks * 730.0;
    assert!(
        (money(&api["current_monthly_usd"]) - expected).abs() < 0.006,
        "{} vs {expected}",
        api["current_monthly_usd"]
    );

    // worker: a FARGATE_SPOT + FARGATE strategy, ARM64.
    let worker = service(&r, "worker");
    assert_eq!(worker["launch_type"], "FARGATE+SPOT");
    assert_eq!(worker["platform"], "linux_arm");
    assert_eq!(worker["usage"]["cpu_units_max"], 100.0);
    assert_eq!(worker["usage"]["memory_mib_max"], 400.0);

    // web: EC2, bridge, sized by its container.
    let web = service(&r, "web");
    assert_eq!(web["launch_type"], "EC2");
    assert_eq!(web["network_mode"], "bridge");
    assert_eq!(web["task_size"]["cpu_units"], 512);
    assert_eq!(web["task_size"]["memory_mib"], 1024);
    assert_eq!(web["usage"]["cpu_units_max"], 300.0);

    // The standalone task: one in prod (prod-2 has two), no service metrics.
    let batch = service(&r, "task:batch/fargate");
    assert_eq!(batch["usage"]["peak_tasks"], 1.0);
    assert_eq!(batch["usage"]["data_points"], 0);
    let expected = (0.25 * VCPU_HOUR + 0.5 * GB_HOUR) * 730.0;
    assert!((money(&batch["current_monthly_usd"]) - expected).abs() < 0.006);

    // Today's EC2 fleet: the two registered m5.xlarge.
    assert_eq!(
        r["cluster"]["current_ec2_fleet"],
        serde_json::json!([{"instance_type": "m5.xlarge", "count": 2}])
    );
}

#[test]
fn the_similar_cluster_keeps_its_own_services() {
    let r = analyze_live("prod-2");
    let mut names: Vec<&str> = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["api", "task:batch/fargate"]);
    let api = service(&r, "api");
    assert_eq!(api["usage"]["average_tasks"], 5.0);
    assert_eq!(api["task_size"]["cpu_units"], 2048);
    assert_eq!(service(&r, "task:batch/fargate")["usage"]["peak_tasks"], 2.0);
}

#[test]
fn collect_then_analyze_snapshot_gives_the_live_figures() {
    let live_report = analyze_live("prod");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("prod");
    let mut args = vec!["collect", "--cluster", "prod", "--out", snap.to_str().unwrap()];
    args.extend(WINDOW);
    let (out, _cache) = live(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // Progress is off without a terminal; the summary names the calls made.
    assert!(
        err.contains("collected `prod` in us-east-1: 4 services, 2 container instances"),
        "{err}"
    );
    assert!(err.contains("cloudwatch:GetMetricData 1"), "{err}");
    for f in ["manifest.json", "inventory.json", "usage.parquet"] {
        assert!(snap.join(f).is_file(), "{f}");
    }
    let (out, _cache) = live(&["analyze", "--snapshot", snap.to_str().unwrap(), "--output", "json"]);
    assert_eq!(json(&out), live_report);
    let manifest: Value = serde_json::from_slice(&std::fs::read(snap.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["source"], "ecs-advisor collect");
    assert_eq!(manifest["window_end"], moto::SEED_END);
}

#[test]
fn collection_finds_the_managed_instances_provider_and_the_services_on_it_by_strategy_or_cluster_default() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("managed");
    let mut args = vec!["collect", "--cluster", "managed", "--out", snap.to_str().unwrap(), "--quiet"];
    args.extend(WINDOW);
    let (out, _cache) = live(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let inventory: Value = serde_json::from_slice(&std::fs::read(snap.join("inventory.json")).unwrap()).unwrap();
    let provider = &inventory["capacity_providers"][0];
    assert_eq!(provider["name"], "managed-mi");
    assert_eq!(
        provider["managed_instances"],
        serde_json::json!({
            "allowed_instance_types": ["m7i.*", "m7a.*"],
            "vcpu_min": 2,
            "vcpu_max": 8,
            "memory_mib_min": 4096,
            "scale_in_after_seconds": 300
        })
    );
    // `defaulted` names neither a launch type nor a strategy: the cluster's default strategy
    // places it, not the EC2 launch type.
    for name in ["renderer", "defaulted"] {
        let s = inventory["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap();
        assert_eq!(s["capacity_provider_strategy"][0]["capacity_provider"], "managed-mi", "{name}");
        assert!(s.get("launch_type").is_none(), "{name}: {s}");
    }
    let (out, _cache) = live(&["analyze", "--snapshot", snap.to_str().unwrap(), "--output", "json"]);
    let r = json(&out);
    for name in ["renderer", "defaulted"] {
        assert_eq!(service(&r, name)["launch_type"], "MANAGED_INSTANCES", "{name}");
    }
    assert_eq!(r["cluster"]["managed_instances_providers"], serde_json::json!(["managed-mi"]));
}

/// `resized` ran `resized:1` (1 vCPU / 2 GiB) until halfway through the window, then `resized:2`
/// (0.5 vCPU / 1 GiB): collection reads which ran when from its service deployments (patched
/// into moto, which lacks them), and each step is priced at the one that ran it.
#[test]
fn collection_records_the_task_definitions_a_service_ran_and_each_step_is_priced_at_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("history");
    let mut args = vec!["collect", "--cluster", "history", "--out", snap.to_str().unwrap()];
    args.extend(WINDOW);
    let (out, _cache) = live(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("ecs:ListServiceDeployments 1"), "{err}");
    assert!(err.contains("ecs:DescribeServiceRevisions 1"), "{err}");
    let inventory: Value = serde_json::from_slice(&std::fs::read(snap.join("inventory.json")).unwrap()).unwrap();
    let resized = &inventory["services"][0];
    assert_eq!(resized["task_definition"], "resized:2");
    assert_eq!(
        resized["revisions"],
        serde_json::json!([
            {"task_definition": "resized:1", "from": "2026-11-16T00:00:00Z"},
            {"task_definition": "resized:2", "from": "2026-11-18T12:00:00Z"}
        ])
    );
    let families: Vec<String> = inventory["task_definitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}:{}", t["family"].as_str().unwrap(), t["revision"]))
        .collect();
    assert_eq!(families, ["resized:1", "resized:2"]);

    let (out, _cache) = live(&["analyze", "--snapshot", snap.to_str().unwrap(), "--output", "json"]);
    let r = json(&out);
    let s = service(&r, "resized");
    // 2 tasks, 36 h at 1 vCPU / 2 GiB and 36 h at 0.5 vCPU / 1 GiB, x 730 / 72.
    let by_hand = 2.0 * 36.0 * ((VCPU_HOUR + 2.0 * GB_HOUR) + (0.5 * VCPU_HOUR + GB_HOUR)) * 730.0 / 72.0;
    assert_eq!(format!("{by_hand:.2}"), "54.06");
    assert_eq!(format!("{:.2}", money(&s["current_monthly_usd"])), "54.06");
    // Per-task use from `resized:2`'s steps only: 400 units and 600 MiB over 2 tasks.
    assert_eq!(money(&s["usage"]["cpu_units_p99"]), 200.0);
    assert_eq!(money(&s["usage"]["memory_mib_p99"]), 300.0);
    assert!(
        !r["warnings"].to_string().contains("no task definition history"),
        "{}",
        r["warnings"]
    );
}

#[test]
fn without_container_insights_usage_comes_from_aws_ecs_and_the_report_says_so() {
    let r = analyze_live("staging");
    assert_eq!(r["usage_source"], "aws_ecs");
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("Container Insights was off"), "{warnings}");
    let legacy = service(&r, "legacy");
    // 40% and 55% of 1 vCPU / 2 GiB per task.
    assert!((money(&legacy["usage"]["cpu_units_max"]) - 409.6).abs() < 1e-6);
    assert!((money(&legacy["usage"]["memory_mib_max"]) - 1126.4).abs() < 1e-6);
}

#[test]
fn collect_all_clusters_writes_one_snapshot_per_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["collect", "--all-clusters", "--out", dir.path().to_str().unwrap(), "--quiet"];
    args.extend(WINDOW);
    let (out, _cache) = live(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--quiet prints nothing");
    for c in ["history", "managed", "prod", "prod-2", "staging"] {
        let (out, _cache) = live(&["analyze", "--snapshot", dir.path().join(c).to_str().unwrap(), "-o", "json"]);
        assert_eq!(json(&out)["cluster_name"], c);
    }
}

#[test]
fn an_unknown_cluster_is_named_with_the_ones_that_exist() {
    let mut args = vec!["analyze", "--cluster", "prod-3"];
    args.extend(WINDOW);
    let (out, _cache) = live(&args);
    assert_eq!(out.status.code(), Some(5));
    let err = stderr(&out);
    assert!(
        err.contains("cluster `prod-3` not found in us-east-1; clusters there: history, managed, prod, prod-2, staging"),
        "{err}"
    );
}

fn one_line_error(out: &Output, code: i32, needle: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", stderr(out));
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].contains(needle), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn missing_credentials_region_and_endpoints_are_one_clear_line() {
    let cache = tempfile::tempdir().unwrap();
    let out = cmd("http://127.0.0.1:1", cache.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["analyze", "--cluster", "prod", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "no AWS credentials found");
    // The SDK's context was 1,100 characters of debug output across the provider chain.
    let err = stderr(&out);
    assert!(err.len() < 400 && !err.contains("CredentialsNotLoaded"), "{err}");

    let out = cmd("http://127.0.0.1:1", cache.path())
        .args(["analyze", "--cluster", "prod", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "no AWS region; pass --region or set AWS_REGION");

    // Nothing listens on port 1.
    let out = cmd("http://127.0.0.1:1", cache.path())
        .args(["collect", "--cluster", "prod", "--region", "us-east-1", "--out"])
        .arg(cache.path().join("snap"))
        .arg("--quiet")
        .output()
        .unwrap();
    one_line_error(&out, 5, "cannot reach AWS for `ecs:DescribeClusters`");
    assert!(!cache.path().join("snap").exists(), "no snapshot after a failure");
}

#[test]
fn denied_permission_names_the_iam_action() {
    let server = pricing_server::start(pricing_server::Mode::Error(
        400,
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeClusters",
    ));
    let cache = tempfile::tempdir().unwrap();
    let out = cmd(&server.endpoint, cache.path())
        .args(["analyze", "--cluster", "prod", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "access denied to `ecs:DescribeClusters`");
    assert!(stderr(&out).contains("README lists the read-only IAM policy"));
}

/// An error answer with neither a code nor a message was reported as "failed (Unknown): no
/// message".
#[test]
fn an_error_answer_with_no_code_or_message_says_what_came_back_and_from_where() {
    let server = pricing_server::start(pricing_server::Mode::Empty(400));
    let cache = tempfile::tempdir().unwrap();
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "an answer it could not read (HTTP 400) from");
    assert!(!stderr(&out).contains("no message"), "{}", stderr(&out));
}

/// An endpoint whose answer never ends grew the process to 3.8 GB and aborted it ("memory
/// allocation failed", signal 6). The answer is cut at 512 MiB with one line.
#[test]
fn an_answer_that_never_ends_is_cut_at_the_bound_with_one_line() {
    let server = pricing_server::start(pricing_server::Mode::EndlessBody);
    let cache = tempfile::tempdir().unwrap();
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "an answer over 512 MiB from");
}

#[test]
fn throttling_is_retried_then_reported() {
    let server = pricing_server::start(pricing_server::Mode::Error(400, "ThrottlingException", "Rate exceeded"));
    let cache = tempfile::tempdir().unwrap();
    let out = cmd(&server.endpoint, cache.path())
        .env("AWS_MAX_ATTEMPTS", "3")
        .args(["analyze", "--cluster", "prod", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "`ecs:DescribeClusters` is still throttled after retries");
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "the SDK's standard retries"
    );
}

#[test]
fn bad_lookbacks_are_usage_errors() {
    let cache = tempfile::tempdir().unwrap();
    for (lookback, needle) in [
        ("3x", "unknown unit `x`"),
        ("14", "has no unit"),
        ("500d", "beyond CloudWatch's retention of 455 days"),
        ("2m", "shorter than one 5-minute"),
    ] {
        let out = cmd("http://127.0.0.1:1", cache.path())
            .args(["analyze", "--cluster", "prod", "--lookback", lookback])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{lookback}");
        assert!(stderr(&out).contains(needle), "{lookback}: {}", stderr(&out));
    }
}

fn pricing_cmd(server: &pricing_server::Server, cache: &Path) -> Command {
    let mut c = cmd("http://127.0.0.1:1", cache);
    c.env("AWS_ENDPOINT_URL_PRICING", &server.endpoint);
    c
}

#[test]
fn prices_refresh_changes_what_prices_show_and_analyze_use() {
    let server = pricing_server::start(pricing_server::Mode::Prices);
    let cache = tempfile::tempdir().unwrap();
    let before = json(
        &pricing_cmd(&server, cache.path())
            .args(["analyze", "--demo", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(before["prices"]["catalog"], "bundled");

    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    // 6 Linux types, one of them (x9z.large) new to the catalog and kept with the price list's
    // size; 8 Fargate rates: Spot is not in this list.
    assert!(
        text.contains(
            "us-east-1: 6 EC2 instance types (1 not in the bundled catalog), 2 Managed Instances fees, 8 Fargate rates (not in the price list, bundled rate kept: spot_vcpu, spot_memory)"
        ),
        "{text}"
    );
    // Paged three at a time: 6 matching EC2 items -> 2 pages, 12 matching ECS items -> 4 pages.
    assert!(text.contains("6 API calls (pricing:GetProducts 6)"), "{text}");
    assert_eq!(server.requests.load(std::sync::atomic::Ordering::SeqCst), 6);

    let shown = json(
        &pricing_cmd(&server, cache.path())
            .args(["prices", "show", "--region", "us-east-1", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(shown["source"], "pricing-api");
    assert_eq!(shown["as_of"], chrono::Utc::now().format("%Y-%m-%d").to_string());
    let price = |t: &str| {
        shown["ec2_linux_on_demand"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["instance_type"] == t)
            .map(|r| r["price_per_hour_usd"].as_f64().unwrap())
    };
    // The Linux/shared/used price, not a decoy's.
    assert_eq!(price("m6i.large"), Some(0.101));
    assert_eq!(price("m5.2xlarge"), Some(0.4));
    // Types the refresh did not return keep the bundled price.
    assert_eq!(price("c5.large"), Some(0.085));
    assert_eq!(price("x9z.large"), Some(1.0));
    // Managed Instances fees: the price list's where it has them, not a decoy's (another region,
    // another operation); elsewhere 12% of the refreshed On-Demand price, estimated.
    let fee = |t: &str| {
        let row = shown["ec2_linux_on_demand"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["instance_type"] == t)
            .unwrap();
        let f = &row["managed_instances_fee"];
        (f["usd_per_hour"].as_f64().unwrap(), f["status"].as_str().unwrap().to_string())
    };
    assert_eq!(fee("m6i.large"), (0.0121, "checked".to_string()));
    assert_eq!(fee("m6i.xlarge"), (0.02424, "estimated".to_string()));
    let rate = |d: &str| {
        shown["fargate"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["dimension"] == d)
            .unwrap()
            .clone()
    };
    assert_eq!(rate("linux_x86_vcpu")["price_usd"].as_f64(), Some(0.042));
    assert_eq!(rate("linux_x86_vcpu")["status"], "checked");

    // analyze now prices with the cache, and says so.
    let after = json(
        &pricing_cmd(&server, cache.path())
            .args(["analyze", "--demo", "-o", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(after["prices"]["catalog"], "cache");
    assert_eq!(after["prices"]["region_source"], "pricing-api");
    assert_ne!(after["cluster"]["fargate_monthly_usd"], before["cluster"]["fargate_monthly_usd"]);
    let user = |r: &Value| money(&service(r, "user-profile")["current_monthly_usd"]);
    // 3 tasks of 1 vCPU / 4 GiB all month at the refreshed rates.
    assert!(
        (user(&after) - 3.0 * (0.042 + 4.0 * 0.0046) * 730.0).abs() < 0.006,
        "{}",
        user(&after)
    );

    // A region missing from the cache falls back to the bundled catalog, with a warning.
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "show", "--region", "eu-west-2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("warning: `eu-west-2` is not in the price cache (refreshed: us-east-1)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_region_the_price_list_lacks_caches_nothing() {
    let server = pricing_server::start(pricing_server::Mode::Prices);
    let cache = tempfile::tempdir().unwrap();
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-2", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "no Linux on-demand EC2 prices or Fargate rates for `us-east-2`");
    assert!(!cache.path().join("prices").join("us-east-2.json").exists());

    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "mars-north-1"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "no Linux on-demand EC2 prices or Fargate rates for `mars-north-1`");
    assert!(!cache.path().join("prices").join("mars-north-1.json").exists());
}

/// A cluster in sa-east-1 exited 4 ("unknown region") and `prices refresh` refused the region.
/// Now the refresh caches any region the price list has, with every type in it, and the whole
/// pipeline runs there; the Fargate rates the list lacks are estimated, and the report says so.
#[test]
fn a_region_outside_the_bundled_catalog_works_end_to_end_after_a_refresh() {
    let server = pricing_server::start(pricing_server::Mode::Prices);
    let cache = tempfile::tempdir().unwrap();
    let snap = cache.path().join("snap");
    let out = pricing_cmd(&server, cache.path())
        .args(["demo", "export", "--out", snap.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = snap.join("manifest.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\"us-east-1\"", "\"sa-east-1\"");
    std::fs::write(&manifest, text).unwrap();
    let analyze = || {
        pricing_cmd(&server, cache.path())
            .args(["analyze", "--snapshot", snap.to_str().unwrap(), "-o", "json", "--quiet"])
            .output()
            .unwrap()
    };
    one_line_error(&analyze(), 4, "run `ecs-advisor prices refresh --region sa-east-1`");

    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "sa-east-1", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sa-east-1: 4 EC2 instance types (1 not in the bundled catalog), 0 Managed Instances fees, 4 Fargate rates (not in the price list, estimated: spot_vcpu, spot_memory, windows_vcpu, windows_memory, windows_license_vcpu, ephemeral_storage)"),
        "{text}"
    );

    let out = analyze();
    let report = json(&out);
    assert_eq!(
        (report["region"].as_str(), report["prices"]["catalog"].as_str()),
        (Some("sa-east-1"), Some("cache"))
    );
    // 3 tasks of 1 vCPU / 4 GiB all month at sa-east-1's refreshed rates.
    let user = money(&service(&report, "user-profile")["current_monthly_usd"]);
    assert!((user - 3.0 * (0.0696 + 4.0 * 0.0076) * 730.0).abs() < 0.006, "{user}");
    // Today's fleet: 6 x m5.2xlarge at sa-east-1's 0.612 an hour.
    assert_eq!(report["cluster"]["current_ec2_fleet"][0]["instance_type"], "m5.2xlarge");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("Estimated prices in `sa-east-1`: Fargate spot, windows")
            && warnings.contains("the AWS price list for the region does not give them"),
        "the demo runs Fargate Spot, whose sa-east-1 rate is estimated: {warnings}"
    );

    // The new type is listed with the price list's size; its ENIs are not in the price list.
    let shown = json(
        &pricing_cmd(&server, cache.path())
            .args(["prices", "show", "--region", "sa-east-1", "-o", "json"])
            .output()
            .unwrap(),
    );
    let m9z = shown["ec2_linux_on_demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["instance_type"] == "m9z.xlarge")
        .unwrap()
        .clone();
    assert_eq!(
        (
            m9z["vcpu"].as_u64(),
            m9z["memory_mib"].as_u64(),
            m9z["max_enis"].as_u64(),
            m9z["price_per_hour_usd"].as_f64()
        ),
        (Some(4), Some(16384), Some(0), Some(0.3))
    );
}

#[test]
fn prices_refresh_stops_when_the_endpoint_sends_the_same_next_token_for_ever() {
    let server = pricing_server::start(pricing_server::Mode::EndlessPages);
    let cache = tempfile::tempdir().unwrap();
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(
        &out,
        5,
        "`pricing:GetProducts` is still paging after 2 pages (it sent the same NextToken twice)",
    );
    assert!(!cache.path().join("prices").join("us-east-1.json").exists(), "nothing cached");
}

#[test]
fn prices_refresh_caches_nothing_it_would_reject_such_as_a_price_of_1e20() {
    let server = pricing_server::start(pricing_server::Mode::HugePrices);
    let cache = tempfile::tempdir().unwrap();
    let out = pricing_cmd(&server, cache.path())
        .args(["prices", "refresh", "--region", "us-east-1", "--quiet"])
        .output()
        .unwrap();
    one_line_error(&out, 5, "is out of range");
    assert!(stderr(&out).contains("nothing was cached"), "{}", stderr(&out));
    assert!(!cache.path().join("prices").join("us-east-1.json").exists(), "nothing cached");
}

#[test]
fn a_get_metric_data_request_that_times_out_is_split_and_asked_again() {
    let live_report = analyze_live("prod");
    let _turn = moto_turn();
    // moto takes several seconds to answer a large GetMetricData on a loaded 2-core machine: the
    // attempt timeout leaves its halves room (10 s failed some runs), the hold is past it.
    let proxy = slow_proxy::start(&moto::seeded().endpoint, std::time::Duration::from_secs(25));
    let cache = tempfile::tempdir().unwrap();
    let mut args = vec!["analyze", "--cluster", "prod", "--output", "json"];
    args.extend(WINDOW);
    let out = cmd(&moto::seeded().endpoint, cache.path())
        .env("AWS_ENDPOINT_URL_CLOUDWATCH", &proxy.endpoint)
        .env("ECS_ADVISOR_AWS_ATTEMPT_TIMEOUT", "20")
        .args(&args)
        .output()
        .unwrap();
    let err = stderr(&out);
    // The one request, held past the 20-second attempt timeout, then its halves (split again
    // if moto, slow on a loaded machine, is slower than the timeout too).
    let requests = proxy.metric_requests.load(std::sync::atomic::Ordering::SeqCst);
    assert!(requests >= 3, "{requests} requests: {err}");
    assert!(err.contains(&format!("cloudwatch:GetMetricData {requests}")), "{err}");
    assert_eq!(json(&out), live_report, "the same figures as an undisturbed collection");
}

#[test]
fn an_unreadable_attempt_timeout_is_named() {
    let cache = tempfile::tempdir().unwrap();
    let out = cmd("http://127.0.0.1:1", cache.path())
        .env("ECS_ADVISOR_AWS_ATTEMPT_TIMEOUT", "soon")
        .args(["analyze", "--cluster", "prod", "--region", "us-east-1"])
        .output()
        .unwrap();
    one_line_error(&out, 2, "ECS_ADVISOR_AWS_ATTEMPT_TIMEOUT is `soon`");
}
