//! Property tests over every input that comes from outside: the snapshot's manifest and
//! inventory, the usage table (its values and its columns' types), the tasks file, the price cache, saved reports, task
//! definitions and Terraform plans. Each is mutated at random (a field replaced by a hostile
//! value: huge, negative, fractional, the wrong type, control characters, cut short) and every
//! reader must answer Ok or an error (never panic), in bounded time, and an analysis of whatever
//! loads must finish.
//!
//! CI runs a bounded number of cases; a longer run:
//! `PROPTEST_CASES=5000 cargo test --release --test it hostile_input`.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::{json, Value};

use ecs_advisor::config::Assumptions;
use ecs_advisor::pricing::Catalog;

const MANIFEST: &str = include_str!("../../data/demo/manifest.json");
const INVENTORY: &str = include_str!("../../data/demo/inventory.json");
const USAGE: &[u8] = include_bytes!("../../data/demo/usage.parquet");

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(128);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Values a careless script or a hostile file puts where a field was.
fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        Just(json!(4294967295u64)),
        Just(json!(-9.5e18)),
        Just(json!(0.5)),
        Just(json!("")),
        Just(json!("1 vCPU")),
        Just(json!("\u{1b}[31mred\n|pipe|")),
        Just(json!("2026-13-45T99:00:00Z")),
        Just(json!("9999-12-31T23:59:59Z")),
        Just(json!("0001-01-01T00:00:00Z")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([1, 2, 3])),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-zA-Z0-9_ :./-]{0,24}".prop_map(|s| json!(s)),
    ]
}

/// Every path to a leaf or container in a JSON value.
fn paths(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                paths(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate().take(3) {
                let p = format!("{prefix}/{i}");
                out.push(p.clone());
                paths(x, p, out);
            }
        }
        _ => {}
    }
}

/// `base` with the field at a random path replaced by a hostile value.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let v: Value = serde_json::from_str(base).unwrap();
    let mut all = Vec::new();
    paths(&v, String::new(), &mut all);
    (0..all.len(), hostile(), 0..3usize).prop_map(move |(i, h, mode)| {
        let mut v = v.clone();
        if let Some(slot) = v.pointer_mut(&all[i]) {
            *slot = h;
        }
        let text = serde_json::to_string(&v).unwrap();
        match mode {
            // Cut short, as an interrupted copy leaves it.
            0 => text[..text.len() * 2 / 3].to_string(),
            _ => text,
        }
    })
}

/// A snapshot that loads is analysed to the end, quickly: bad input that passes the loader must
/// not make the analysis unbounded.
fn analyse_if_it_loads(manifest: &str, inventory: &str) {
    let t = Instant::now();
    let loaded = ecs_advisor::snapshot::Snapshot::from_parts(
        ("manifest.json", manifest.as_bytes()),
        ("inventory.json", inventory.as_bytes()),
        ("usage.parquet", USAGE),
    );
    if let Ok(s) = loaded {
        let _ = ecs_advisor::recommend::analyze(&s, &Catalog::bundled().unwrap(), &Assumptions::default());
    }
    assert!(t.elapsed() < Duration::from_secs(60), "took {:?}", t.elapsed());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_hostile_manifest_is_an_error_or_an_analysis_never_a_panic(m in mutated(MANIFEST)) {
        analyse_if_it_loads(&m, INVENTORY);
    }

    #[test]
    fn a_hostile_inventory_is_an_error_or_an_analysis_never_a_panic(inv in mutated(INVENTORY)) {
        analyse_if_it_loads(MANIFEST, &inv);
    }

    #[test]
    fn a_hostile_tasks_file_is_an_error_or_a_bounded_task_list(
        rows in proptest::collection::vec(("[-+0-9a-z. e]{0,22}", "[-+0-9a-z. e]{0,22}", "[-+0-9a-z. e]{0,22}", "(true|false|yes|)"), 0..6),
        header in prop_oneof![Just("cpu_units,memory_mib,count,awsvpc"), Just("cpu_units,memory_mib,count,count"), Just("cpu,mem,n,awsvpc")],
    ) {
        let mut text = format!("{header}\n");
        for (a, b, c, d) in rows {
            text.push_str(&format!("{a},{b},{c},{d}\n"));
        }
        if let Ok(tasks) = ecs_advisor::sources::tasks::parse(&text, "t.csv") {
            let total: u64 = tasks.iter().map(|t| u64::from(t.count)).sum();
            prop_assert!(total <= ecs_advisor::sources::tasks::MAX_TASKS);
        }
    }

    #[test]
    fn a_hostile_price_cache_is_an_error_or_prices_in_range(
        price in prop_oneof![Just("100000000000000000000".to_string()), Just("-1".into()), Just("1e20".into()), Just("abc".into()), "[0-9]{1,30}(\\.[0-9]{0,30})?"],
        dimension in prop_oneof![Just("linux_x86_vcpu"), Just("spot_memory"), Just("m5.large"), Just("nonsense")],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let prices = dir.path().join("prices");
        std::fs::create_dir_all(&prices).unwrap();
        let cached = json!({
            "region": "us-east-1", "fetched_at": "2026-11-01T00:00:00Z",
            "ec2_hourly": {"m5.large": if dimension == "m5.large" { price.clone() } else { "0.096".into() }},
            "fargate": {dimension: price}
        });
        std::fs::write(prices.join("us-east-1.json"), cached.to_string()).unwrap();
        if let Ok(regions) = ecs_advisor::pricing::cache::read_all(dir.path()) {
            let mut c = Catalog::bundled().unwrap();
            if c.apply_cache(regions).is_ok() {
                // Whatever loads prices a task without overflowing.
                let r = &c.regions["us-east-1"].fargate;
                let _ = r.linux_x86_vcpu_hour.0 * rust_decimal::Decimal::from(1_000_000u32);
            }
        }
    }

    #[test]
    fn a_hostile_saved_report_is_an_error_or_a_report(cut in 0usize..100, field in hostile()) {
        let text = report_text();
        let mut v: Value = serde_json::from_str(text).unwrap();
        v["cluster"]["current_monthly_usd"] = field;
        let s = v.to_string();
        let s = &s[..s.len() * cut.max(1) / 100];
        let _ = ecs_advisor::sources::saved_report::parse(s, "report.json");
    }

    #[test]
    fn a_hostile_task_definition_is_an_error_or_a_valid_size(td in mutated(TASK_DEFINITION)) {
        if let Ok(value) = serde_json::from_str::<Value>(&td) {
            if let Ok(d) = ecs_advisor::gate::taskdef::from_aws_json(&value, "td.json") {
                prop_assert!(d.memory_mib > 0);
            }
        }
    }

    #[test]
    fn a_hostile_terraform_plan_is_an_error_or_a_plan(plan in mutated(PLAN)) {
        if let Ok(value) = serde_json::from_str::<Value>(&plan) {
            let _ = ecs_advisor::gate::terraform::parse(&value, "plan.json");
        }
    }
}

/// A value of a usage cell: mostly ordinary, so that whole tables load about a third of the
/// time, else hostile.
fn cell() -> impl Strategy<Value = f64> {
    prop_oneof![
        300 => 0.0f64..20.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1.0),
        1 => Just(1e308),
        1 => Just(4294967295.0),
        1 => any::<f64>(),
    ]
}

/// Column types polars can write into a usage file (map, struct and float16 are fixtures in
/// tests/fixtures/parquet: polars cannot write them).
#[derive(Clone, Copy, Debug)]
enum Kind {
    F64,
    F32,
    I32,
    I64,
    U32,
    U64,
    Decimal,
    Text,
    Bool,
    Null,
    List,
    DatetimeMs,
    DatetimeNs,
}

fn kind() -> impl Strategy<Value = Kind> {
    use Kind::*;
    prop_oneof![
        Just(F64),
        Just(F32),
        Just(I32),
        Just(I64),
        Just(U32),
        Just(U64),
        Just(Decimal),
        Just(Text),
        Just(Bool),
        Just(Null),
        Just(List),
        Just(DatetimeMs),
        Just(DatetimeNs),
    ]
}

/// A usage column of `values` written as `kind` (lossy casts become nulls, as a careless export
/// would leave them).
fn usage_column(name: &str, values: &[f64], kind: Kind) -> polars::prelude::Column {
    use polars::prelude::*;
    let floats = Column::new(name.into(), values);
    let ms = |unit: TimeUnit, tz: Option<TimeZone>| {
        let per_ms = match unit {
            TimeUnit::Nanoseconds => 1e6,
            TimeUnit::Microseconds => 1e3,
            TimeUnit::Milliseconds => 1.0,
        };
        let scaled: Vec<f64> = values.iter().map(|v| v * per_ms).collect();
        Column::new(name.into(), scaled)
            .cast(&DataType::Int64)
            .and_then(|c| c.cast(&DataType::Datetime(unit, tz)))
            .unwrap_or_else(|_| floats.clone())
    };
    let cast = |dt: DataType| {
        floats
            .cast(&dt)
            .unwrap_or_else(|_| Column::full_null(name.into(), values.len(), &dt))
    };
    match kind {
        Kind::F64 => floats.clone(),
        Kind::F32 => cast(DataType::Float32),
        Kind::I32 => cast(DataType::Int32),
        Kind::I64 => cast(DataType::Int64),
        Kind::U32 => cast(DataType::UInt32),
        Kind::U64 => cast(DataType::UInt64),
        Kind::Decimal => cast(DataType::Decimal(38, 4)),
        Kind::Text => Column::new(name.into(), values.iter().map(|v| format!("{v}")).collect::<Vec<_>>()),
        Kind::Bool => Column::new(name.into(), values.iter().map(|v| *v > 1.0).collect::<Vec<_>>()),
        Kind::Null => Column::full_null(name.into(), values.len(), &DataType::Null),
        Kind::List => {
            let lists: Vec<Series> = values.iter().map(|v| Series::new("".into(), &[*v])).collect();
            Column::new(name.into(), lists)
        }
        Kind::DatetimeMs => ms(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
        Kind::DatetimeNs => ms(TimeUnit::Nanoseconds, None),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_hostile_usage_table_is_an_error_or_an_analysis_never_a_panic(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 5), 0..12),
        // Mostly the right types and a well-formed grid, so that what loads reaches the analysis.
        ts_kind in prop_oneof![12 => Just(Kind::DatetimeMs), 2 => Just(Kind::DatetimeNs), 1 => kind()],
        service_kind in prop_oneof![12 => Just(Kind::Text), 1 => kind()],
        kinds in proptest::collection::vec(prop_oneof![30 => Just(Kind::F64), 1 => kind()], 5),
        dropped in proptest::option::weighted(0.05, 0usize..7),
        off_grid in proptest::option::weighted(0.05, 0usize..12),
        repeated in proptest::option::weighted(0.05, 0usize..12),
        service in prop_oneof![12 => Just("checkout-api".to_string()), 1 => Just("".into()), 1 => "[a-z-]{0,12}"],
    ) {
        use polars::prelude::*;
        // Row i at step i of the demo's 5-minute grid, with five number cells; maybe one row a
        // millisecond off the grid, or one step given twice.
        let start_ms = 1_790_812_800_000i64; // 2026-10-01T00:00:00Z
        let step_of = |i: usize| if repeated == Some(i) && i > 0 { i - 1 } else { i };
        let ts: Vec<f64> = (0..rows.len())
            .map(|i| start_ms as f64 + step_of(i) as f64 * 300_000.0 + if off_grid == Some(i) { 1.0 } else { 0.0 })
            .collect();
        let services: Vec<&str> = rows.iter().map(|_| service.as_str()).collect();
        let mut columns = vec![
            match ts_kind {
                Kind::Text => Column::new("timestamp".into(), ts.iter().map(|t| format!("{t}")).collect::<Vec<_>>()),
                k => usage_column("timestamp", &ts, k),
            },
            match service_kind {
                Kind::Text => Column::new("service".into(), services),
                k => usage_column("service", &ts, k),
            },
        ];
        for (i, name) in ["running_tasks_avg", "running_tasks_max", "tasks_started", "cpu_units_used", "memory_mib_used"].iter().enumerate() {
            let values: Vec<f64> = rows.iter().map(|c| c[i]).collect();
            columns.push(usage_column(name, &values, kinds[i]));
        }
        if let Some(d) = dropped {
            columns.remove(d);
        }
        let mut buf = Vec::new();
        if let Ok(mut df) = DataFrame::new_infer_height(columns) {
            if ParquetWriter::new(&mut buf).finish(&mut df).is_ok() {
                let t = Instant::now();
                let loaded = ecs_advisor::snapshot::Snapshot::from_parts(
                    ("manifest.json", MANIFEST.as_bytes()),
                    ("inventory.json", INVENTORY.as_bytes()),
                    ("usage.parquet", &buf),
                );
                if let Ok(s) = loaded {
                    let _ = ecs_advisor::recommend::analyze(&s, &Catalog::bundled().unwrap(), &Assumptions::default());
                }
                prop_assert!(t.elapsed() < Duration::from_secs(60), "took {:?}", t.elapsed());
            }
        }
    }
}

const TASK_DEFINITION: &str = include_str!("../fixtures/taskdefs/fargate-windows-2019-core-describe.json");
const PLAN: &str = include_str!("../fixtures/tfplans/ec2-task-definition-create-tf1.1.5.json");

/// The demo's report, analysed once.
fn report_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let s = ecs_advisor::sources::demo::embedded().unwrap();
        let r = ecs_advisor::recommend::analyze(&s, &Catalog::bundled().unwrap(), &Assumptions::default()).unwrap();
        serde_json::to_string(&r).unwrap()
    })
}
