//! Snapshot: the one canonical, versioned on-disk form of what was collected. A snapshot is a
//! directory holding `manifest.json`, `inventory.json` and `usage.parquet` (see
//! `docs/snapshot-format.md`). `collect` writes one, `analyze --snapshot DIR` reads one, and the
//! embedded demo is one. Loading validates everything and names exactly what is wrong.
//!
//! This stage reads and writes local files only; it makes no network calls.

pub mod inventory;
mod usage;
mod usage_file;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::domain::Window;

pub use inventory::Inventory;
pub use usage::{ServicePoints, Usage};

pub const SCHEMA_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";
pub const INVENTORY_FILE: &str = "inventory.json";
pub const USAGE_FILE: &str = "usage.parquet";

/// Limits on what a snapshot may ask of an analysis: work and memory grow with each, so a value
/// beyond them is refused by name before anything is allocated for it (README, "Limits").
pub mod limits {
    /// Steps in the window: 63 days at 5 minutes is 18,144; 455 days hourly is 10,920.
    pub const MAX_STEPS: u32 = 20_000;
    /// The window's length: CloudWatch keeps hourly data 455 days.
    pub const MAX_WINDOW_DAYS: i64 = 456;
    pub const MAX_SERVICES: usize = 5_000;
    /// Tasks of one service at one step (twice ECS's default quota of 5,000 tasks per service).
    pub const MAX_TASKS_PER_SERVICE: f64 = 10_000.0;
    pub const MAX_CONTAINER_INSTANCES: usize = 10_000;
    pub const MAX_TASK_DEFINITIONS: usize = 20_000;
    /// Revisions of one service over the window (a deployment every 5-minute step of two weeks
    /// is 4,032).
    pub const MAX_REVISIONS_PER_SERVICE: usize = 5_000;
}

/// Why a snapshot file could not be read, with what to do when it is a permission.
fn unreadable(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        "permission denied: give the user running ecs-advisor read access to the snapshot folder and its files".into()
    } else {
        e.to_string()
    }
}

#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("snapshot directory `{path}` does not exist; create one with `ecs-advisor collect` or try `--demo`")]
    NotFound { path: String },
    #[error("snapshot `{dir}` has no `{file}`; a snapshot holds manifest.json, inventory.json and usage.parquet")]
    MissingFile { dir: String, file: &'static str },
    #[error("cannot read `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("`{path}` is not valid: {message}")]
    Parse { path: String, message: String },
    #[error(
        "snapshot schema version {found} is not supported (this build reads version {supported}); re-collect it or upgrade ecs-advisor"
    )]
    UnsupportedSchema { found: String, supported: u32 },
    #[error("`{path}` is a file, not a snapshot directory; pass the directory that `ecs-advisor collect` or `demo export` wrote")]
    NotADirectory { path: String },
    #[error("`{path}`: column `{column}` is missing")]
    MissingColumn { path: String, column: &'static str },
    #[error("`{path}`: column `{column}` has type {found}, expected {expected}")]
    ColumnType {
        path: String,
        column: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("`{path}` row {row}: {message}")]
    BadRow { path: String, row: usize, message: String },
    #[error("snapshot is inconsistent: {0}")]
    Inconsistent(String),
    #[error("cannot write snapshot to `{path}`: {message}")]
    Write { path: String, message: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema_version: u32,
    pub cluster: String,
    pub region: String,
    /// Start of the first usage step (inclusive), UTC.
    pub window_start: DateTime<Utc>,
    /// End of the last usage step (exclusive), UTC.
    pub window_end: DateTime<Utc>,
    /// Length of one usage step; CloudWatch period.
    pub step_seconds: u32,
    pub collected_at: DateTime<Utc>,
    /// Who wrote it: `demo-generator`, `ecs-advisor collect`, ...
    pub source: String,
    /// `container_insights`, `aws_ecs` (percent of reservation) or `synthetic`.
    pub usage_source: String,
    /// Whether the services' task definition history over the window was read (their
    /// `revisions`; a service without any ran one task definition all window). Without it, each
    /// service's current task definition is taken to have run all window.
    #[serde(default)]
    pub task_definition_history: bool,
}

impl Manifest {
    /// The window, whose fields the manifest keeps flat on disk.
    pub fn window(&self) -> Window {
        Window {
            start: self.window_start,
            end: self.window_end,
            step_seconds: self.step_seconds,
        }
    }
    pub fn steps(&self) -> u32 {
        self.window().steps()
    }
    pub fn window_seconds(&self) -> u64 {
        self.window().seconds()
    }
}

/// One service over one step. Counts are CloudWatch's average and maximum of RunningTaskCount
/// over the step; CPU and memory are totals over the service's tasks (Container Insights
/// CpuUtilized in CPU units, MemoryUtilized in MiB), averaged over the step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UsagePoint {
    pub step: u32,
    pub service: u32,
    pub running_tasks_avg: f64,
    pub running_tasks_max: f64,
    /// Tasks started during the step, when known (Fargate's 1-minute minimum needs it).
    pub tasks_started: Option<f64>,
    pub cpu_units_used: Option<f64>,
    pub memory_mib_used: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub manifest: Manifest,
    pub inventory: Inventory,
    /// By service, in step order; a (service, step) with no point is a gap in the metrics.
    pub usage: Usage,
}

/// Where a snapshot's CPU and memory figures come from (the manifest's `usage_source`).
pub mod usage_source {
    pub const CONTAINER_INSIGHTS: &str = "container_insights";
    /// AWS/ECS utilization: percent of what the service reserved.
    pub const AWS_ECS: &str = "aws_ecs";
    pub const SYNTHETIC: &str = "synthetic";
}

pub mod columns {
    pub const TIMESTAMP: &str = "timestamp";
    pub const SERVICE: &str = "service";
    pub const RUNNING_AVG: &str = "running_tasks_avg";
    pub const RUNNING_MAX: &str = "running_tasks_max";
    pub const TASKS_STARTED: &str = "tasks_started";
    pub const CPU_USED: &str = "cpu_units_used";
    pub const MEMORY_USED: &str = "memory_mib_used";
}

impl Snapshot {
    /// Reads and validates a snapshot directory.
    pub fn load(dir: &Path) -> Result<Snapshot, SnapshotError> {
        if dir.is_file() {
            return Err(SnapshotError::NotADirectory {
                path: dir.display().to_string(),
            });
        }
        if !dir.is_dir() {
            return Err(SnapshotError::NotFound {
                path: dir.display().to_string(),
            });
        }
        // A FIFO or a device in a file's place is refused by kind when read, not called missing;
        // a folder that cannot be searched (mode 000) is unreadable, not empty.
        let found = |file: &'static str| -> Result<PathBuf, SnapshotError> {
            let p = dir.join(file);
            match p.try_exists() {
                Ok(true) => Ok(p),
                Ok(false) => Err(SnapshotError::MissingFile {
                    dir: dir.display().to_string(),
                    file,
                }),
                Err(e) => Err(SnapshotError::Read {
                    path: p.display().to_string(),
                    message: unreadable(&e),
                }),
            }
        };
        let read = |file: &'static str| -> Result<(String, Vec<u8>), SnapshotError> {
            let p = found(file)?;
            let bytes = crate::input::read(&p, crate::input::LARGE).map_err(|e| SnapshotError::Read {
                path: p.display().to_string(),
                message: unreadable(&e),
            })?;
            Ok((p.display().to_string(), bytes))
        };
        let (mp, m) = read(MANIFEST_FILE)?;
        let (ip, i) = read(INVENTORY_FILE)?;
        // The usage table is read from the file a part at a time, never whole; the file itself
        // is bounded by what 5,000 services over 20,000 steps can take.
        let usage_path = found(USAGE_FILE)?;
        let up = usage_path.display().to_string();
        let file = crate::input::open(&usage_path, 16 * crate::input::LARGE)
            .map(|(f, len)| usage_file::FileAt::new(f, len))
            .map_err(|e| SnapshotError::Read {
                path: up.clone(),
                message: unreadable(&e),
            })?;
        let (manifest, inventory) = parts((&mp, &m), (&ip, &i))?;
        let usage = usage_file::read_usage(&up, || Ok(file.clone()), &manifest, &inventory)?;
        Ok(Snapshot {
            manifest,
            inventory,
            usage,
        })
    }

    /// Parses and validates the three files' bytes; each comes with the name to use in errors.
    pub fn from_parts(manifest: (&str, &[u8]), inventory: (&str, &[u8]), usage: (&str, &[u8])) -> Result<Snapshot, SnapshotError> {
        let (manifest, inventory) = parts(manifest, inventory)?;
        let bytes = bytes::Bytes::copy_from_slice(usage.1);
        let usage = usage_file::read_usage(usage.0, || Ok(bytes.clone()), &manifest, &inventory)?;
        Ok(Snapshot {
            manifest,
            inventory,
            usage,
        })
    }

    /// Checks the inventory's consistency (the same checks `load` makes), for snapshots built in
    /// memory.
    pub fn validate(&self) -> Result<(), SnapshotError> {
        validate_inventory(&self.inventory)
    }

    /// Writes the snapshot into `dir` atomically: files go to a sibling temporary directory
    /// which is renamed into place, so a crash never leaves a half snapshot that loads.
    pub fn write(&self, dir: &Path) -> Result<(), SnapshotError> {
        let werr = |p: &Path, e: &dyn std::fmt::Display| SnapshotError::Write {
            path: p.display().to_string(),
            message: e.to_string(),
        };
        // Replace only a previous snapshot or an empty directory: never someone's folder.
        if dir.exists() {
            let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
            if !dir.is_dir() || !(empty || dir.join(MANIFEST_FILE).is_file()) {
                return Err(SnapshotError::Write {
                    path: dir.display().to_string(),
                    message: "it exists and is not a snapshot; choose a new or empty directory".into(),
                });
            }
        }
        let made = || -> std::io::Result<_> {
            let manifest = serde_json::to_vec_pretty(&self.manifest).map_err(std::io::Error::other)?;
            let inventory = serde_json::to_vec_pretty(&self.inventory).map_err(std::io::Error::other)?;
            let usage = self.usage_parquet().map_err(std::io::Error::other)?;
            Ok([(MANIFEST_FILE, manifest), (INVENTORY_FILE, inventory), (USAGE_FILE, usage)])
        };
        // Made first: a signal waits only for the writing.
        let files = made().map_err(|e| werr(dir, &e))?;
        crate::fsio::write_dir(dir, |tmp| -> std::io::Result<()> {
            files.iter().try_for_each(|(name, bytes)| std::fs::write(tmp.join(name), bytes))
        })
        .map_err(|e| werr(dir, &e))
    }

    /// The usage table as Parquet bytes.
    pub fn usage_parquet(&self) -> PolarsResult<Vec<u8>> {
        let step_ms = i64::from(self.manifest.step_seconds) * 1000;
        let start_ms = self.manifest.window_start.timestamp_millis();
        let names: Vec<&str> = self.inventory.services.iter().map(|s| s.name.as_str()).collect();
        let u = || self.usage.points();
        let ts: Vec<i64> = u().map(|p| start_ms + i64::from(p.step) * step_ms).collect();
        let ts = Column::new(columns::TIMESTAMP.into(), ts).cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)))?;
        let mut df = DataFrame::new_infer_height(vec![
            ts,
            Column::new(columns::SERVICE.into(), u().map(|p| names[p.service as usize]).collect::<Vec<_>>()),
            Column::new(columns::RUNNING_AVG.into(), u().map(|p| p.running_tasks_avg).collect::<Vec<_>>()),
            Column::new(columns::RUNNING_MAX.into(), u().map(|p| p.running_tasks_max).collect::<Vec<_>>()),
            Column::new(columns::TASKS_STARTED.into(), u().map(|p| p.tasks_started).collect::<Vec<_>>()),
            Column::new(columns::CPU_USED.into(), u().map(|p| p.cpu_units_used).collect::<Vec<_>>()),
            Column::new(columns::MEMORY_USED.into(), u().map(|p| p.memory_mib_used).collect::<Vec<_>>()),
        ])?;
        let mut buf = Vec::new();
        ParquetWriter::new(&mut buf)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)?;
        Ok(buf)
    }
}

/// The manifest and the inventory, parsed and validated; each comes with the name to use in errors.
fn parts(manifest: (&str, &[u8]), inventory: (&str, &[u8])) -> Result<(Manifest, Inventory), SnapshotError> {
    let manifest = parse_manifest(manifest.0, manifest.1)?;
    let inventory: Inventory = serde_json::from_slice(inventory.1).map_err(|e| SnapshotError::Parse {
        path: inventory.0.to_string(),
        message: e.to_string(),
    })?;
    validate_inventory(&inventory)?;
    Ok((manifest, inventory))
}

fn parse_manifest(path: &str, bytes: &[u8]) -> Result<Manifest, SnapshotError> {
    // Read the version first, so an old or new snapshot gets the version message, not a field error.
    let raw: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| SnapshotError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    match raw.get("schema_version") {
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        // A version written as a string or a fraction is a wrong version, not a missing one.
        Some(v) => {
            return Err(SnapshotError::UnsupportedSchema {
                found: v.to_string(),
                supported: SCHEMA_VERSION,
            })
        }
        None => {
            return Err(SnapshotError::Parse {
                path: path.to_string(),
                message: "no `schema_version`".into(),
            })
        }
    }
    let m: Manifest = serde_json::from_value(raw).map_err(|e| SnapshotError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let known = [usage_source::CONTAINER_INSIGHTS, usage_source::AWS_ECS, usage_source::SYNTHETIC];
    if !known.contains(&m.usage_source.as_str()) {
        return Err(SnapshotError::Parse {
            path: path.to_string(),
            message: format!(
                "`usage_source` is `{}`; it must be one of {}",
                m.usage_source,
                known.map(|k| format!("`{k}`")).join(", ")
            ),
        });
    }
    if m.step_seconds == 0 || !m.step_seconds.is_multiple_of(60) {
        return Err(SnapshotError::Parse {
            path: path.to_string(),
            message: format!(
                "`step_seconds` {} is not a positive multiple of 60 (a CloudWatch period)",
                m.step_seconds
            ),
        });
    }
    let span = m.window_end - m.window_start;
    if m.window_end <= m.window_start || span.num_seconds() % i64::from(m.step_seconds) != 0 {
        return Err(SnapshotError::Parse {
            path: path.to_string(),
            message: format!(
                "`window_end` {} must follow `window_start` {} by a whole number of {}-second steps",
                m.window_end.to_rfc3339(),
                m.window_start.to_rfc3339(),
                m.step_seconds
            ),
        });
    }
    let steps = span.num_seconds() / i64::from(m.step_seconds);
    if span.num_days() > limits::MAX_WINDOW_DAYS || steps > i64::from(limits::MAX_STEPS) {
        return Err(SnapshotError::Parse {
            path: path.to_string(),
            message: format!(
                "the window from `window_start` {} to `window_end` {} is {} days in {steps} steps of {} seconds; a snapshot holds at most {} days and {} steps (5-minute steps up to 63 days, hourly up to 455)",
                m.window_start.to_rfc3339(),
                m.window_end.to_rfc3339(),
                span.num_days(),
                m.step_seconds,
                limits::MAX_WINDOW_DAYS,
                limits::MAX_STEPS
            ),
        });
    }
    Ok(m)
}

fn validate_inventory(inv: &Inventory) -> Result<(), SnapshotError> {
    let bad = |m: String| Err(SnapshotError::Inconsistent(m));
    for (what, n, max) in [
        ("services", inv.services.len(), limits::MAX_SERVICES),
        (
            "container instances",
            inv.container_instances.len(),
            limits::MAX_CONTAINER_INSTANCES,
        ),
        ("task definitions", inv.task_definitions.len(), limits::MAX_TASK_DEFINITIONS),
    ] {
        if n > max {
            return bad(format!(
                "the inventory holds {n} {what}; a snapshot holds at most {max}: collect the clusters one at a time"
            ));
        }
    }
    let providers: Vec<&str> = inv.capacity_providers.iter().map(|c| c.name.as_str()).collect();
    for s in &inv.services {
        for c in [s.desired_count, s.running_count] {
            if f64::from(c) > limits::MAX_TASKS_PER_SERVICE {
                return bad(format!(
                    "service `{}` counts {c} tasks; a service holds at most {} in a snapshot",
                    s.name,
                    limits::MAX_TASKS_PER_SERVICE
                ));
            }
        }
        for item in &s.capacity_provider_strategy {
            let p = item.capacity_provider.as_str();
            if p != inventory::FARGATE && p != inventory::FARGATE_SPOT && !providers.contains(&p) {
                return bad(format!(
                    "service `{}` uses capacity provider `{p}`, which the inventory's `capacity_providers` does not describe (known: FARGATE, FARGATE_SPOT{})",
                    s.name,
                    providers.iter().map(|p| format!(", {p}")).collect::<String>()
                ));
            }
        }
    }
    let mut defs = HashMap::new();
    for td in &inv.task_definitions {
        if defs.insert(td.reference(), td).is_some() {
            return bad(format!("task definition `{}` is listed twice", td.reference()));
        }
        // ECS's operating system families: LINUX and the WINDOWS_SERVER_* editions. Anything
        // else would be priced as Linux without a word.
        let os = td.operating_system_family.as_str();
        if os != "LINUX" && !os.starts_with("WINDOWS_SERVER_") {
            return bad(format!(
                "task definition `{}` has operating system family `{os}`; ECS knows LINUX and WINDOWS_SERVER_* (e.g. WINDOWS_SERVER_2022_CORE)",
                td.reference()
            ));
        }
        // No CPU reservation is common on EC2 (every container `cpu: 0`): such a task is sized
        // from what it uses. ECS itself refuses a task with no memory at all.
        if td.reserved_memory_mib() == 0 {
            return bad(format!(
                "task definition `{}` reserves no memory; set task-level `memory` or a container's `memory` or `memoryReservation`",
                td.reference()
            ));
        }
    }
    let mut names = HashMap::new();
    for s in &inv.services {
        if names.insert(s.name.as_str(), ()).is_some() {
            return bad(format!("service `{}` is listed twice", s.name));
        }
        let Some(td) = defs.get(&s.task_definition) else {
            return bad(format!(
                "service `{}` uses task definition `{}`, which the inventory does not hold",
                s.name, s.task_definition
            ));
        };
        if matches!(inv.placement(s), inventory::Placement::Fargate { .. }) && (td.cpu.is_none() || td.memory.is_none()) {
            return bad(format!(
                "Fargate service `{}`: task definition `{}` must set task-level cpu and memory",
                s.name, s.task_definition
            ));
        }
        validate_revisions(s, &defs, matches!(inv.placement(s), inventory::Placement::Fargate { .. }))?;
    }
    Ok(())
}

/// A service's revisions: oldest first, each a task definition the inventory holds (with a
/// Fargate size on Fargate), the last the one it runs now.
fn validate_revisions(
    s: &inventory::Service,
    defs: &HashMap<String, &inventory::TaskDefinition>,
    fargate: bool,
) -> Result<(), SnapshotError> {
    let bad = |m: String| Err(SnapshotError::Inconsistent(m));
    if s.revisions.len() > limits::MAX_REVISIONS_PER_SERVICE {
        return bad(format!(
            "service `{}` lists {} revisions; a snapshot holds at most {} per service: collect a shorter window",
            s.name,
            s.revisions.len(),
            limits::MAX_REVISIONS_PER_SERVICE
        ));
    }
    for (i, r) in s.revisions.iter().enumerate() {
        let Some(td) = defs.get(&r.task_definition) else {
            return bad(format!(
                "service `{}` ran task definition `{}` from {}, which the inventory's `task_definitions` does not hold: add it, or drop the revision",
                s.name, r.task_definition, r.from
            ));
        };
        if fargate && (td.cpu.is_none() || td.memory.is_none()) {
            return bad(format!(
                "Fargate service `{}`: task definition `{}` (a revision it ran) must set task-level cpu and memory",
                s.name, r.task_definition
            ));
        }
        if i > 0 && r.from < s.revisions[i - 1].from {
            return bad(format!(
                "service `{}`: revision `{}` from {} comes before the one listed ahead of it; list revisions oldest first",
                s.name, r.task_definition, r.from
            ));
        }
    }
    if let Some(last) = s.revisions.last().filter(|r| r.task_definition != s.task_definition) {
        return bad(format!(
            "service `{}`: its last revision is `{}` but it runs `{}`; the last revision is the one it runs now",
            s.name, last.task_definition, s.task_definition
        ));
    }
    Ok(())
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    /// A snapshot folder of mode 000 was reported as having no manifest.json. (As root, as CI
    /// runs, a mode does not stop reading, so the message is checked on the error itself.)
    #[test]
    fn an_unreadable_snapshot_file_says_permission_denied_and_what_to_do() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let m = unreadable(&e);
        assert!(
            m.starts_with("permission denied: give the user running ecs-advisor read access"),
            "{m}"
        );
        let e = SnapshotError::Read {
            path: "snap/manifest.json".into(),
            message: m,
        };
        assert!(!e.to_string().contains("has no"), "{e}");
    }

    /// The demo's snapshot with its usage table rewritten by `f`, loaded.
    fn with_usage_table(f: impl FnOnce(DataFrame) -> DataFrame) -> Result<Snapshot, SnapshotError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap");
        crate::sources::demo::embedded().unwrap().write(&path).unwrap();
        let file = path.join(USAGE_FILE);
        let df = ParquetReader::new(std::fs::File::open(&file).unwrap()).finish().unwrap();
        let mut df = f(df);
        ParquetWriter::new(std::fs::File::create(&file).unwrap()).finish(&mut df).unwrap();
        Snapshot::load(&path)
    }

    /// The demo's usage table with one column rewritten by `f`.
    fn with_usage_column(f: impl Fn(Column) -> Column) -> Result<Snapshot, SnapshotError> {
        with_usage_table(|mut df| {
            let c = f(df.column(columns::CPU_USED).unwrap().clone());
            df.with_column(c).unwrap();
            df
        })
    }

    /// The reader places each row among its service's points, whatever order the file's rows
    /// come in: rows by step across services (as a metrics export writes them), and reversed,
    /// read as the demo's own.
    #[test]
    fn usage_rows_in_any_order_are_read_as_the_same_points() {
        let demo = crate::sources::demo::embedded().unwrap();
        let by_step = |df: DataFrame| {
            df.sort([columns::TIMESTAMP, columns::SERVICE], SortMultipleOptions::default())
                .unwrap()
        };
        for read in [
            with_usage_table(by_step).unwrap(),
            with_usage_table(|df| by_step(df).reverse()).unwrap(),
        ] {
            assert_eq!(read.usage.len(), demo.usage.len());
            assert!(read.usage == demo.usage, "the demo's points, in place");
        }
    }

    /// Two rows of a service at one step are refused naming both, once the figures are read.
    #[test]
    fn two_rows_of_a_service_at_one_step_are_refused_naming_the_service_and_step() {
        let demo = crate::sources::demo::embedded().unwrap();
        let e = with_usage_table(|df| df.vstack(&df.slice(3, 1)).unwrap()).unwrap_err().to_string();
        // The table's rows are the demo's points in order.
        let p = demo.usage.points().nth(3).unwrap();
        let name = &demo.inventory.services[p.service as usize].name;
        assert!(e.contains(&format!("two rows for service `{name}` at step {}", p.step)), "{e}");
    }

    /// A table of more rows than services x steps is refused by its count, before any row is
    /// placed: repeated rows cannot ask for memory past the window's.
    #[test]
    fn more_usage_rows_than_services_times_steps_are_refused_by_their_count() {
        let demo = crate::sources::demo::embedded().unwrap();
        let (services, steps) = (demo.inventory.services.len(), demo.manifest.steps());
        let rows = 2 * demo.usage.len();
        assert!(rows > services * steps as usize, "the test's table is past the bound");
        let e = with_usage_table(|df| df.vstack(&df).unwrap()).unwrap_err().to_string();
        assert!(
            e.contains(&format!("holds {rows} rows, more than {services} services x {steps} steps")),
            "{e}"
        );
    }

    #[test]
    fn a_decimal_usage_column_as_spark_and_athena_write_it_is_read_as_numbers() {
        let s = with_usage_column(|c| c.cast(&DataType::Decimal(18, 4)).unwrap()).unwrap();
        let demo = crate::sources::demo::embedded().unwrap();
        let close = s
            .usage
            .points()
            .zip(demo.usage.points())
            .all(|(a, b)| match (a.cpu_units_used, b.cpu_units_used) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-3,
                (x, y) => x.is_none() == y.is_none(),
            });
        assert!(close);
    }

    #[test]
    fn a_usage_column_of_lists_is_refused_by_name() {
        let e = with_usage_column(|c| {
            let n = c.len();
            let lists: Vec<Series> = (0..n).map(|_| Series::new("".into(), &[1.0f64])).collect();
            Series::new(c.name().clone(), lists).into_column()
        })
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(e.contains("`cpu_units_used`") && e.contains("a number"), "{e}");
    }

    fn reload(s: &Snapshot) -> Result<Snapshot, SnapshotError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap");
        s.write(&path)?;
        Snapshot::load(&path)
    }

    #[test]
    fn a_usage_row_of_a_billion_tasks_is_refused_by_row_before_any_simulation() {
        let mut s = crate::sources::demo::embedded().unwrap();
        let mut k = 0;
        s.usage.change_figures(|p| {
            if k == 5 {
                p.running_tasks_avg = 1e9;
                p.running_tasks_max = 1e308;
            }
            k += 1;
        });
        let e = reload(&s).unwrap_err().to_string();
        assert!(
            e.contains("`running_tasks_avg` is 1000000000") && e.contains("at most 10000 tasks"),
            "{e}"
        );
    }

    #[test]
    fn a_usage_row_starting_1e300_tasks_is_refused_by_row_not_billed() {
        let mut s = crate::sources::demo::embedded().unwrap();
        let mut k = 0;
        s.usage.change_figures(|p| {
            if k == 7 {
                p.tasks_started = Some(1e300);
            }
            k += 1;
        });
        let e = reload(&s).unwrap_err().to_string();
        assert!(e.contains("`tasks_started` is 1e300") && e.contains("at most 10000 tasks"), "{e}");
    }

    #[test]
    fn a_running_count_at_the_u32_maximum_is_refused_naming_the_service() {
        let mut s = crate::sources::demo::embedded().unwrap();
        s.inventory.services[0].running_count = u32::MAX;
        let e = s.validate().unwrap_err().to_string();
        assert!(e.contains("service `checkout-api` counts 4294967295 tasks"), "{e}");
    }

    #[test]
    fn a_window_of_over_a_century_is_refused_naming_its_start_and_end() {
        let text = r#"{"schema_version": 1, "cluster": "c", "region": "us-east-1", "window_start": "1900-01-01T00:00:00Z",
            "window_end": "2026-01-01T00:00:00Z", "step_seconds": 60, "usage_source": "synthetic", "collected_at": "2026-01-01T00:00:00Z",
            "source": "x"}"#;
        let e = parse_manifest("manifest.json", text.as_bytes())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`window_start` 1900-01-01") && e.contains("`window_end` 2026-01-01") && e.contains("at most 456 days"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_window_message_names_window_start_and_window_end() {
        let text = r#"{"schema_version": 1, "cluster": "c", "region": "us-east-1", "window_start": "2026-01-02T00:00:00Z",
            "window_end": "2026-01-01T00:00:00Z", "step_seconds": 300, "usage_source": "synthetic", "collected_at": "2026-01-01T00:00:00Z",
            "source": "x"}"#;
        let e = parse_manifest("manifest.json", text.as_bytes())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`window_end` 2026-01-01T00:00:00+00:00 must follow `window_start` 2026-01-02"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_capacity_provider_is_refused_not_taken_for_ec2() {
        let mut s = crate::sources::demo::embedded().unwrap();
        let svc = &mut s.inventory.services[0];
        svc.launch_type = None;
        svc.capacity_provider_strategy = vec![inventory::CapacityProviderStrategyItem {
            capacity_provider: "my-mystery-provider".into(),
            base: 0,
            weight: 1,
        }];
        let e = s.validate().unwrap_err().to_string();
        assert!(e.contains("capacity provider `my-mystery-provider`"), "{e}");
    }
}
