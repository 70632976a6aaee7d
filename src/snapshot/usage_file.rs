//! Reading `usage.parquet` into each service's points: one column at a time, each checked for its
//! type before it is decoded and for its values after.

use std::collections::HashMap;
use std::io::Cursor;

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::inventory::Inventory;
use super::usage::Usage;
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
    // anything is placed, so a file of repeated rows cannot make the points' columns larger than
    // the window's (the rows' steps and services, read by now, are bounded by the file's size).
    if rows as u64 > u64::from(steps) * inv.services.len() as u64 {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds {rows} rows, more than {} services x {steps} steps: some service has two rows at one step",
            inv.services.len()
        )));
    }

    // Each row's place in the columns: rows grouped by service (in row order), each group in
    // step order. Two rows of a service at one step are refused once the figures are read, as
    // before: a bad figure is named first.
    let (mut usage, place, duplicate) = {
        let mut counts = vec![0usize; inv.services.len()];
        for &s in &row_services {
            counts[s as usize] += 1;
        }
        let mut usage = Usage::unfilled(&counts);
        let mut next: Vec<usize> = (0..counts.len()).map(|i| usage.start_of(i)).collect();
        let mut order = vec![0u32; rows];
        for (row, &s) in row_services.iter().enumerate() {
            order[next[s as usize]] = row as u32;
            next[s as usize] += 1;
        }
        drop(row_services);
        let mut place = vec![0u32; rows];
        let mut duplicate = None;
        let steps_of = usage.steps_mut();
        for (si, &n) in counts.iter().enumerate() {
            let from = next[si] - n;
            let group = &mut order[from..next[si]];
            group.sort_unstable_by_key(|&r| row_steps[r as usize]);
            for (k, &r) in group.iter().enumerate() {
                // At most services x steps rows (checked above): a place fits in 32 bits.
                place[r as usize] = (from + k) as u32;
                steps_of[from + k] = row_steps[r as usize];
            }
            if duplicate.is_none() {
                duplicate = steps_of[from..next[si]].windows(2).find(|w| w[0] == w[1]).map(|w| (si, w[0]));
            }
        }
        (usage, place, duplicate)
    };
    drop(row_steps);

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
    for name in [RUNNING_AVG, RUNNING_MAX] {
        let df = read(name)?;
        let ca = f64_column(&df, path, name)?;
        let column = usage.column_mut(name);
        for (row, v) in ca.iter().enumerate().take(rows) {
            let v = v.ok_or_else(|| bad(row, format!("`{name}` is empty")))?;
            column[place[row] as usize] = tasks(row, v, name)?;
        }
    }
    if let Some((row, (avg, max))) = (0..rows)
        .map(|row| (row, usage.running_at(place[row] as usize)))
        .find(|(_, (avg, max))| max + 1e-9 < *avg)
    {
        return Err(bad(row, format!("`{RUNNING_MAX}` {max} is below `{RUNNING_AVG}` {avg}")));
    }
    for name in [TASKS_STARTED, CPU_USED, MEMORY_USED] {
        let df = read(name)?;
        let ca = f64_column(&df, path, name)?;
        let column = usage.column_mut(name);
        for (row, v) in ca.iter().enumerate().take(rows) {
            let v = match name {
                // Starts are tasks too: one bad number must not bill millions of minimums.
                TASKS_STARTED => v.map(|v| tasks(row, v, name)).transpose()?,
                _ => v.map(|v| check(row, v, name)).transpose()?,
            };
            column[place[row] as usize] = v.unwrap_or(f64::NAN);
        }
    }
    if let Some((s, step)) = duplicate {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds two rows for service `{}` at step {step}",
            inv.services[s].name
        )));
    }
    Ok(usage)
}
