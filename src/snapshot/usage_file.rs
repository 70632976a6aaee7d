//! Reading `usage.parquet` into each service's points: one column at a time, each checked for its
//! type before it is decoded and for its values after.

use std::collections::HashMap;
use std::io::Cursor;

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::inventory::Inventory;
use super::usage::{ServicePoints, Usage};
use super::{columns, limits, Manifest, SnapshotError};

fn column<'a>(df: &'a DataFrame, path: &str, name: &'static str) -> Result<&'a Column, SnapshotError> {
    df.column(name).map_err(|_| SnapshotError::MissingColumn {
        path: path.to_string(),
        column: name,
    })
}

fn f64_column(df: &DataFrame, path: &str, name: &'static str) -> Result<Float64Chunked, SnapshotError> {
    let c = column(df, path, name)?;
    match c.dtype() {
        DataType::Float64
        | DataType::Float32
        | DataType::Int64
        | DataType::Int32
        | DataType::UInt32
        | DataType::UInt64
        // Spark and Athena write DECIMAL: a number, read as one.
        | DataType::Decimal(..)
        | DataType::Null => {}
        other => {
            return Err(SnapshotError::ColumnType {
                path: path.to_string(),
                column: name,
                found: other.to_string(),
                expected: NUMBER_TYPES,
            })
        }
    }
    let c = c.cast(&DataType::Float64).map_err(|e| SnapshotError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    c.f64().cloned().map_err(|e| SnapshotError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// The number types a usage column may have.
const NUMBER_TYPES: &str = "a number (int32, int64, uint32, uint64, float32, float64 or a DECIMAL of up to 38 digits)";

/// What this build of polars cannot decode (it panics or fails without naming the column): a map
/// (read as a list of key-value structs), a struct or a union at any depth, a fixed-size list, and
/// the number types it is built without.
fn undecodable(dtype: &ArrowDataType) -> Option<&'static str> {
    match dtype {
        ArrowDataType::Map(..) => Some("map"),
        ArrowDataType::Struct(..) => Some("struct"),
        ArrowDataType::Union(..) => Some("union"),
        ArrowDataType::FixedSizeList(..) => Some("fixed-size list"),
        ArrowDataType::List(f) | ArrowDataType::LargeList(f) => undecodable(f.dtype()).map(|_| "map, or list of structs"),
        ArrowDataType::Float16 => Some("float16"),
        ArrowDataType::Int8 => Some("int8"),
        ArrowDataType::Int16 => Some("int16"),
        ArrowDataType::UInt8 => Some("uint8"),
        ArrowDataType::UInt16 => Some("uint16"),
        ArrowDataType::Decimal256(..) => Some("decimal of more than 38 digits"),
        _ => None,
    }
}

/// Reads the usage table one column at a time into each service's points: the timestamps and
/// services place every row among its service's points (in step order), and each figure's column
/// is then written straight into place, so no row is held twice and no decoded table is held
/// beside the points but the one column being read.
pub(super) fn read_usage(path: &str, bytes: &[u8], m: &Manifest, inv: &Inventory) -> Result<Usage, SnapshotError> {
    use columns::*;
    let unreadable = |e: PolarsError| SnapshotError::Parse {
        path: path.to_string(),
        message: format!("not a readable Parquet file ({e})"),
    };
    let schema = ParquetReader::new(Cursor::new(bytes)).schema().map_err(unreadable)?;
    let read = |name: &'static str| -> Result<DataFrame, SnapshotError> {
        let Some(field) = schema.get(name) else {
            return Err(SnapshotError::MissingColumn {
                path: path.to_string(),
                column: name,
            });
        };
        // Refused by name before decoding: polars panics on a map or struct (Spark writes maps)
        // and on float16, and fails naming no column on the rest.
        if let Some(found) = undecodable(field.dtype()) {
            return Err(SnapshotError::ColumnType {
                path: path.to_string(),
                column: name,
                found: found.to_string(),
                expected: match name {
                    TIMESTAMP => "datetime (UTC)",
                    SERVICE => "string",
                    _ => NUMBER_TYPES,
                },
            });
        }
        ParquetReader::new(Cursor::new(bytes))
            .with_columns(Some(vec![name.to_string()]))
            .finish()
            .map_err(unreadable)
    };
    let bad = |row: usize, message: String| SnapshotError::BadRow {
        path: path.to_string(),
        row,
        message,
    };

    // Timestamps to steps.
    let start_ms = m.window_start.timestamp_millis();
    let step_ms = i64::from(m.step_seconds) * 1000;
    let steps = m.steps();
    let row_steps: Vec<u32> = {
        let df = read(TIMESTAMP)?;
        let ts = column(&df, path, TIMESTAMP)?;
        let per_ms = match ts.dtype() {
            DataType::Datetime(TimeUnit::Milliseconds, _) => 1,
            DataType::Datetime(TimeUnit::Microseconds, _) => 1_000,
            DataType::Datetime(TimeUnit::Nanoseconds, _) => 1_000_000,
            other => {
                return Err(SnapshotError::ColumnType {
                    path: path.to_string(),
                    column: TIMESTAMP,
                    found: other.to_string(),
                    expected: "datetime (UTC)",
                })
            }
        };
        let c = ts.cast(&DataType::Int64).map_err(|e| SnapshotError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let ca = c.i64().map_err(|e| SnapshotError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let mut out = Vec::with_capacity(ca.len());
        for (row, t) in ca.iter().enumerate() {
            let t = t.ok_or_else(|| bad(row, "`timestamp` is empty".into()))? / per_ms;
            let offset = t - start_ms;
            if offset < 0 || offset % step_ms != 0 || offset / step_ms >= i64::from(steps) {
                return Err(bad(
                    row,
                    format!(
                        "timestamp {} is outside the manifest window or not on a {}-second step",
                        DateTime::<Utc>::from_timestamp_millis(t)
                            .map(|d| d.to_rfc3339())
                            .unwrap_or_default(),
                        m.step_seconds
                    ),
                ));
            }
            out.push((offset / step_ms) as u32);
        }
        out
    };

    let row_services: Vec<u32> = {
        let df = read(SERVICE)?;
        let svc = column(&df, path, SERVICE)?;
        // A dictionary-encoded column (pandas' category) is read as categorical: its strings.
        let svc = match svc.dtype() {
            DataType::Categorical(..) | DataType::Enum(..) => svc.cast(&DataType::String).map_err(|e| SnapshotError::Parse {
                path: path.to_string(),
                message: e.to_string(),
            })?,
            _ => svc.clone(),
        };
        let svc = svc.str().map_err(|_| SnapshotError::ColumnType {
            path: path.to_string(),
            column: SERVICE,
            found: svc.dtype().to_string(),
            expected: "string",
        })?;
        let index: HashMap<&str, u32> = inv.services.iter().enumerate().map(|(i, s)| (s.name.as_str(), i as u32)).collect();
        let mut out = Vec::with_capacity(row_steps.len());
        for (row, name) in svc.iter().enumerate().take(row_steps.len()) {
            let name = name.ok_or_else(|| bad(row, "`service` is empty".into()))?;
            out.push(
                *index
                    .get(name)
                    .ok_or_else(|| bad(row, format!("service `{name}` is not in inventory.json")))?,
            );
        }
        out
    };
    let rows = row_services.len();
    // More rows than services x steps hold two for some service at some step: refused before
    // anything is placed, so a file of repeated rows cannot ask for memory past the window's.
    if rows as u64 > u64::from(steps) * inv.services.len() as u64 {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds {rows} rows, more than {} services x {steps} steps: some service has two rows at one step",
            inv.services.len()
        )));
    }

    // Each row's place among its service's points: rows grouped by service (in row order), each
    // group in step order. Two rows of a service at one step are refused once the figures are
    // read, as before: a bad figure is named first.
    let (mut points, place, duplicate) = {
        let mut start = vec![0usize; inv.services.len() + 1];
        for &s in &row_services {
            start[s as usize + 1] += 1;
        }
        for i in 0..inv.services.len() {
            start[i + 1] += start[i];
        }
        let mut order = vec![0u32; rows];
        let mut next = start.clone();
        for (row, &s) in row_services.iter().enumerate() {
            order[next[s as usize]] = row as u32;
            next[s as usize] += 1;
        }
        let mut place = vec![0u32; rows];
        let mut duplicate = None;
        let mut points = Vec::with_capacity(inv.services.len());
        for si in 0..inv.services.len() {
            let group = &mut order[start[si]..start[si + 1]];
            group.sort_unstable_by_key(|&r| row_steps[r as usize]);
            let mut p = ServicePoints::unfilled(group.len());
            for (k, &r) in group.iter().enumerate() {
                place[r as usize] = k as u32;
                p.steps[k] = row_steps[r as usize];
            }
            if duplicate.is_none() {
                duplicate = p.steps.windows(2).find(|w| w[0] == w[1]).map(|w| (si, w[0]));
            }
            points.push(p);
        }
        (points, place, duplicate)
    };
    drop(row_steps);
    let at = |row: usize| (row_services[row] as usize, place[row] as usize);

    // A number as a line can hold it: 1e300, not three hundred digits.
    let shown = |v: f64| if v.abs() >= 1e15 { format!("{v:e}") } else { format!("{v}") };
    let check = |row: usize, v: f64, c: &str| -> Result<f64, SnapshotError> {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(bad(row, format!("`{c}` is {}; it must be a non-negative number", shown(v))))
        }
    };
    let tasks = |row: usize, v: f64, c: &str| -> Result<f64, SnapshotError> {
        let v = check(row, v, c)?;
        if v > limits::MAX_TASKS_PER_SERVICE {
            let verb = if c == TASKS_STARTED { "starts" } else { "runs" };
            return Err(bad(
                row,
                format!(
                    "`{c}` is {}; a service {verb} at most {} tasks at a step in a snapshot",
                    shown(v),
                    limits::MAX_TASKS_PER_SERVICE
                ),
            ));
        }
        Ok(v)
    };
    type Field = fn(&mut ServicePoints) -> &mut Vec<f64>;
    let required: [(&'static str, Field); 2] = [(RUNNING_AVG, |p| &mut p.running_avg), (RUNNING_MAX, |p| &mut p.running_max)];
    for (name, field) in required {
        let df = read(name)?;
        let ca = f64_column(&df, path, name)?;
        for (row, v) in ca.iter().enumerate().take(rows) {
            let v = v.ok_or_else(|| bad(row, format!("`{name}` is empty")))?;
            let (s, k) = at(row);
            field(&mut points[s])[k] = tasks(row, v, name)?;
        }
    }
    if let Some(row) = (0..rows).find(|&row| {
        let (s, k) = at(row);
        points[s].running_max[k] + 1e-9 < points[s].running_avg[k]
    }) {
        let (s, k) = at(row);
        return Err(bad(
            row,
            format!(
                "`{RUNNING_MAX}` {} is below `{RUNNING_AVG}` {}",
                points[s].running_max[k], points[s].running_avg[k]
            ),
        ));
    }
    let optional: [(&'static str, Field); 3] = [
        (TASKS_STARTED, |p| &mut p.tasks_started),
        (CPU_USED, |p| &mut p.cpu_units_used),
        (MEMORY_USED, |p| &mut p.memory_mib_used),
    ];
    for (name, field) in optional {
        let df = read(name)?;
        let ca = f64_column(&df, path, name)?;
        for (row, v) in ca.iter().enumerate().take(rows) {
            let v = match name {
                // Starts are tasks too: one bad number must not bill millions of minimums.
                TASKS_STARTED => v.map(|v| tasks(row, v, name)).transpose()?,
                _ => v.map(|v| check(row, v, name)).transpose()?,
            };
            let (s, k) = at(row);
            field(&mut points[s])[k] = v.unwrap_or(f64::NAN);
        }
    }
    if let Some((s, step)) = duplicate {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds two rows for service `{}` at step {step}",
            inv.services[s].name
        )));
    }
    Ok(Usage::of_services(std::mem::take(&mut points)))
}
