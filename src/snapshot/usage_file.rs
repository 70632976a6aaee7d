//! Reading `usage.parquet` into each service's points, with the Arrow project's Parquet reader:
//! a column and a batch of rows at a time on each of the pool's threads, straight from the
//! file. Each column is checked for its type before it is decoded, and its values as they are.
//! What is held is the points, a place per row and a batch per thread: never the file, nor a
//! whole decoded column.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, Utc};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use rayon::prelude::*;

use super::inventory::Inventory;
use super::usage::Usage;
use super::{columns, limits, Manifest, SnapshotError};
use crate::columnar::Text;
use crate::figures::Figures;

/// Rows decoded at a time: a batch of one column is all that is held beside the points.
const BATCH_ROWS: usize = 64 * 1024;

/// Rows given room before any is read: a footer's count is a claim, and a few bytes could claim
/// the whole window's rows.
const FIRST_ROOM: usize = 1 << 20;

/// The number types a usage column may have.
const NUMBER_TYPES: &str = "a number (int32, int64, uint32, uint64, float32, float64 or a DECIMAL of up to 38 digits)";

/// A number column's batch, whatever number type it is stored as.
enum Num<'a> {
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    U64(&'a arrow_array::UInt64Array),
    U32(&'a arrow_array::UInt32Array),
    /// A decimal and its scale as a factor (Spark and Athena write DECIMAL).
    Dec(&'a arrow_array::Decimal128Array, f64),
    Null,
}

impl<'a> Num<'a> {
    /// The batch as numbers: only for a column whose type [`number_type`] accepted.
    fn of(a: &'a ArrayRef) -> Num<'a> {
        match a.data_type() {
            DataType::Float64 => Num::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Num::F32(a.as_primitive::<Float32Type>()),
            DataType::Int64 => Num::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Num::I32(a.as_primitive::<Int32Type>()),
            DataType::UInt64 => Num::U64(a.as_primitive::<UInt64Type>()),
            DataType::UInt32 => Num::U32(a.as_primitive::<UInt32Type>()),
            DataType::Decimal128(_, s) => Num::Dec(a.as_primitive::<Decimal128Type>(), 10f64.powi(-i32::from(*s))),
            _ => Num::Null,
        }
    }

    /// Row `i`'s number; `None` where it is null.
    fn get(&self, i: usize) -> Option<f64> {
        match self {
            Num::F64(a) => a.is_valid(i).then(|| a.value(i)),
            Num::F32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Num::I64(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Num::I32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Num::U64(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Num::U32(a) => a.is_valid(i).then(|| f64::from(a.value(i))),
            Num::Dec(a, scale) => a.is_valid(i).then(|| a.value(i) as f64 * scale),
            Num::Null => None,
        }
    }
}

/// Whether a usage figure's column may have type `t`.
fn number_type(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Float64
            | DataType::Float32
            | DataType::Int64
            | DataType::Int32
            | DataType::UInt64
            | DataType::UInt32
            | DataType::Decimal128(..)
            | DataType::Null
    )
}

/// A type's name in an error: the words a reader of the file would use.
fn type_name(t: &DataType) -> String {
    match t {
        DataType::Map(..) => "map".into(),
        DataType::Struct(..) => "struct".into(),
        DataType::Union(..) => "union".into(),
        DataType::FixedSizeList(..) => "fixed-size list".into(),
        DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) | DataType::LargeListView(_) => "list".into(),
        DataType::Float16 => "float16".into(),
        DataType::Decimal256(..) => "decimal of more than 38 digits".into(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
        DataType::Dictionary(_, v) => format!("dictionary of {}", type_name(v)),
        DataType::Timestamp(..) => "datetime".into(),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => "binary".into(),
        other => other.to_string().to_lowercase(),
    }
}

/// Milliseconds in a `unit`'s tick, as (multiply, divide).
fn per_ms(unit: TimeUnit) -> (i64, i64) {
    match unit {
        TimeUnit::Second => (1000, 1),
        TimeUnit::Millisecond => (1, 1),
        TimeUnit::Microsecond => (1, 1_000),
        TimeUnit::Nanosecond => (1, 1_000_000),
    }
}

/// A timestamp batch's row `i` in its unit's ticks; `None` where it is null.
fn ticks(a: &dyn Array, unit: TimeUnit, i: usize) -> Option<i64> {
    if !a.is_valid(i) {
        return None;
    }
    Some(match unit {
        TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i),
        TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(i),
        TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(i),
        TimeUnit::Nanosecond => a.as_primitive::<TimestampNanosecondType>().value(i),
    })
}

/// A file the columns read at their own positions, side by side: the handles `File::try_clone`
/// gives share one offset, so two readers seeking on them would read each other's bytes.
#[derive(Clone)]
pub(super) struct FileAt {
    file: std::sync::Arc<std::fs::File>,
    len: u64,
}

impl FileAt {
    pub(super) fn new(file: std::fs::File, len: u64) -> FileAt {
        FileAt {
            file: std::sync::Arc::new(file),
            len,
        }
    }
}

/// Reads into `buf` from the file at `at`, whatever its offset.
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

/// Reads into `buf` from the file at `at`, whatever its offset.
#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

/// A [`FileAt`] read onwards from a position.
pub(super) struct ReadAt {
    file: std::sync::Arc<std::fs::File>,
    at: u64,
}

impl std::io::Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl parquet::file::reader::Length for FileAt {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for FileAt {
    type T = std::io::BufReader<ReadAt>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(std::io::BufReader::new(ReadAt {
            file: self.file.clone(),
            at: start,
        }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        // A length is the footer's claim: past the file's end, it is refused before any room
        // is made for it.
        if start.saturating_add(length as u64) > self.len {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "{length} bytes at {start} are past the file's end ({} bytes)",
                self.len
            )));
        }
        let mut buf = vec![0u8; length];
        let mut done = 0;
        while done < length {
            match read_at(&self.file, &mut buf[done..], start + done as u64)? {
                0 => {
                    return Err(parquet::errors::ParquetError::EOF(format!(
                        "the file ended at {}",
                        start + done as u64
                    )))
                }
                n => done += n,
            }
        }
        Ok(buf.into())
    }
}

/// Reads the usage table a column at a time on each thread into each service's points: the
/// timestamps and services place every row among its service's points (in step order), and each
/// figure's column is then written straight into place, batch by batch. `open` gives the file's
/// bytes afresh for each column (a file read at its own position, or bytes held in memory).
pub(super) fn read_usage<R: ChunkReader + 'static>(
    path: &str,
    open: impl Fn() -> std::io::Result<R> + Sync,
    m: &Manifest,
    inv: &Inventory,
) -> Result<Usage, SnapshotError> {
    use columns::*;
    let unreadable = |e: String| SnapshotError::Parse {
        path: path.to_string(),
        message: format!("not a readable Parquet file ({e})"),
    };
    let opened = || {
        open().map_err(|e| SnapshotError::Read {
            path: path.to_string(),
            message: e.to_string(),
        })
    };
    let meta = ArrowReaderMetadata::load(&opened()?, ArrowReaderOptions::new()).map_err(|e| unreadable(e.to_string()))?;
    let schema = meta.schema().clone();
    let bad = |row: usize, message: String| SnapshotError::BadRow {
        path: path.to_string(),
        row,
        message,
    };
    let wrong_type = |column: &'static str, t: &DataType, expected: &'static str| SnapshotError::ColumnType {
        path: path.to_string(),
        column,
        found: type_name(t),
        expected,
    };
    // The column `name`'s type, refused by name unless `accepted`, before anything is decoded.
    let typed = |name: &'static str, accepted: &dyn Fn(&DataType) -> bool, expected: &'static str| {
        let Some((index, field)) = schema.column_with_name(name) else {
            return Err(SnapshotError::MissingColumn {
                path: path.to_string(),
                column: name,
            });
        };
        if !accepted(field.data_type()) {
            return Err(wrong_type(name, field.data_type(), expected));
        }
        Ok((index, field.data_type().clone()))
    };
    // The column at `index`, batch by batch, each with the row it starts at; a file whose rows
    // are not what its footer says is damaged, not read past.
    let rows = usize::try_from(meta.metadata().file_metadata().num_rows()).unwrap_or(0);
    let each_batch = |index: usize, f: &mut dyn FnMut(usize, &ArrayRef) -> Result<(), SnapshotError>| {
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(opened()?, meta.clone())
            .with_projection(ProjectionMask::roots(meta.parquet_schema(), [index]))
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| unreadable(e.to_string()))?;
        let mut at = 0;
        for batch in reader {
            let batch = batch.map_err(|e| unreadable(e.to_string()))?;
            if at + batch.num_rows() > rows {
                return Err(unreadable(format!("more rows than the {rows} its footer counts")));
            }
            f(at, batch.column(0))?;
            at += batch.num_rows();
        }
        if at != rows {
            return Err(unreadable(format!("{at} rows where its footer counts {rows}")));
        }
        Ok(())
    };

    // More rows than services x steps hold two for some service at some step: refused by the
    // footer's count before anything is decoded, so a file of repeated rows cannot make the
    // points' columns larger than the window's.
    let steps = m.steps();
    if rows as u64 > u64::from(steps) * inv.services.len() as u64 {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds {rows} rows, more than {} services x {steps} steps: some service has two rows at one step",
            inv.services.len()
        )));
    }

    // Timestamps to steps.
    let start_ms = m.window_start.timestamp_millis();
    let step_ms = i64::from(m.step_seconds) * 1000;
    let read_steps = || -> Result<Vec<u32>, SnapshotError> {
        let (index, t) = typed(TIMESTAMP, &|t| matches!(t, DataType::Timestamp(..)), "datetime (UTC)")?;
        let DataType::Timestamp(unit, _) = t else {
            return Err(wrong_type(TIMESTAMP, &t, "datetime (UTC)"));
        };
        let (mul, div) = per_ms(unit);
        let mut out = Vec::with_capacity(rows.min(FIRST_ROOM));
        each_batch(index, &mut |at, a| {
            for i in 0..a.len() {
                let row = at + i;
                let t = ticks(a.as_ref(), unit, i).ok_or_else(|| bad(row, "`timestamp` is empty".into()))?;
                let t = t.saturating_mul(mul) / div;
                let offset = t.saturating_sub(start_ms);
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
            Ok(())
        })?;
        Ok(out)
    };
    let read_services = || -> Result<Vec<u32>, SnapshotError> {
        // A dictionary-encoded column (pandas' category) is read as its strings.
        let (index, _) = typed(SERVICE, &Text::is_text, "string")?;
        let by_name: HashMap<&str, u32> = inv.services.iter().enumerate().map(|(i, s)| (s.name.as_str(), i as u32)).collect();
        let mut out = Vec::with_capacity(rows.min(FIRST_ROOM));
        each_batch(index, &mut |at, a| {
            let names = Text::of(a).ok_or_else(|| wrong_type(SERVICE, a.data_type(), "string"))?;
            for i in 0..a.len() {
                let row = at + i;
                let name = names.get(i).ok_or_else(|| bad(row, "`service` is empty".into()))?;
                out.push(
                    *by_name
                        .get(name)
                        .ok_or_else(|| bad(row, format!("service `{name}` is not in inventory.json")))?,
                );
            }
            Ok(())
        })?;
        Ok(out)
    };
    // The two columns side by side on the thread pool; a bad timestamp is named first.
    let (row_steps, row_services) = rayon::join(read_steps, read_services);
    let (row_steps, row_services) = (row_steps?, row_services?);

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
    // A row's figure in the column `name`, checked.
    let value = |name: &'static str, row: usize, v: Option<f64>| -> Result<f64, SnapshotError> {
        match name {
            RUNNING_AVG | RUNNING_MAX => tasks(row, v.ok_or_else(|| bad(row, format!("`{name}` is empty")))?, name),
            // Starts are tasks too: one bad number must not bill millions of minimums.
            TASKS_STARTED => Ok(v.map(|v| tasks(row, v, name)).transpose()?.unwrap_or(f64::NAN)),
            _ => Ok(v.map(|v| check(row, v, name)).transpose()?.unwrap_or(f64::NAN)),
        }
    };
    // Each figure's column, written into place batch by batch; the columns side by side on the
    // thread pool, and their errors named in column order, as one at a time would.
    let read = |(name, column): (&'static str, &mut Figures)| -> Result<(), SnapshotError> {
        let (index, _) = typed(name, &number_type, NUMBER_TYPES)?;
        each_batch(index, &mut |at, a| {
            let numbers = Num::of(a);
            for i in 0..a.len() {
                column.set(place[at + i] as usize, value(name, at + i, numbers.get(i))?);
            }
            Ok(())
        })
    };
    let [avg, max, started, cpu, mem]: [Result<(), SnapshotError>; 5] = {
        let results: Vec<Result<(), SnapshotError>> = usage.figures_mut().into_par_iter().map(read).collect();
        results.try_into().unwrap_or_else(|_| unreachable!("five columns, five results"))
    };
    avg?;
    max?;
    if let Some((row, (avg, max))) = (0..rows)
        .map(|row| (row, usage.running_at(place[row] as usize)))
        .find(|(_, (avg, max))| max + 1e-9 < *avg)
    {
        return Err(bad(row, format!("`{RUNNING_MAX}` {max} is below `{RUNNING_AVG}` {avg}")));
    }
    started?;
    cpu?;
    mem?;
    if let Some((s, step)) = duplicate {
        return Err(SnapshotError::Inconsistent(format!(
            "`{path}` holds two rows for service `{}` at step {step}",
            inv.services[s].name
        )));
    }
    Ok(usage)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int8Type;
    use arrow_array::{ArrayRef, DictionaryArray, Float64Array, Int32Array, RecordBatch, TimestampMillisecondArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    use crate::snapshot::{Snapshot, SnapshotError};

    /// The demo's snapshot with its usage table written by `columns`, from its own points, in
    /// row groups of 10,000 rows.
    fn demo_written_as(columns: impl Fn(&Snapshot) -> Vec<(&'static str, ArrayRef)>) -> (Snapshot, Result<Snapshot, SnapshotError>) {
        let demo = crate::sources::demo::embedded().unwrap();
        let batch = RecordBatch::try_from_iter(columns(&demo)).unwrap();
        let mut buf = Vec::new();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(10_000)).build();
        let mut w = ArrowWriter::try_new(&mut buf, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let manifest = serde_json::to_vec(&demo.manifest).unwrap();
        let inventory = serde_json::to_vec(&demo.inventory).unwrap();
        let read = Snapshot::from_parts(
            ("manifest.json", &manifest),
            ("inventory.json", &inventory),
            ("usage.parquet", &buf),
        );
        (demo, read)
    }

    /// pandas writes a column of few categories with 8-bit keys (the bill's reader took 32-bit
    /// keys only), and a tool may write counts as integers; the rows come in row groups smaller
    /// than a batch, and in batches. Read as the demo's own points.
    #[test]
    fn a_usage_table_of_8_bit_category_keys_integer_counts_and_small_row_groups_reads_as_its_points() {
        let (demo, read) = demo_written_as(|s| {
            let names: Vec<&str> = s.inventory.services.iter().map(|v| v.name.as_str()).collect();
            let points: Vec<_> = s.usage.points().collect();
            let (start, step) = (
                s.manifest.window_start.timestamp_millis(),
                i64::from(s.manifest.step_seconds) * 1000,
            );
            let count = |v: f64| {
                assert_eq!(v.fract(), 0.0, "the demo's counts are whole");
                v as i32
            };
            let f64s = |f: &dyn Fn(&crate::snapshot::UsagePoint) -> Option<f64>| -> ArrayRef {
                Arc::new(points.iter().map(f).collect::<Float64Array>())
            };
            vec![
                (
                    "timestamp",
                    Arc::new(
                        TimestampMillisecondArray::from(points.iter().map(|p| start + i64::from(p.step) * step).collect::<Vec<_>>())
                            .with_timezone("UTC"),
                    ) as ArrayRef,
                ),
                (
                    "service",
                    Arc::new(
                        points
                            .iter()
                            .map(|p| names[p.service as usize])
                            .collect::<DictionaryArray<Int8Type>>(),
                    ),
                ),
                ("running_tasks_avg", f64s(&|p| Some(p.running_tasks_avg))),
                (
                    "running_tasks_max",
                    Arc::new(points.iter().map(|p| Some(count(p.running_tasks_max))).collect::<Int32Array>()),
                ),
                (
                    "tasks_started",
                    Arc::new(points.iter().map(|p| p.tasks_started.map(count)).collect::<Int32Array>()),
                ),
                ("cpu_units_used", f64s(&|p| p.cpu_units_used)),
                ("memory_mib_used", f64s(&|p| p.memory_mib_used)),
            ]
        });
        let read = read.unwrap();
        assert!(read.usage.len() > 100_000, "many batches");
        assert!(read.usage == demo.usage, "the demo's points");
    }

    /// A column's type is refused by name before any row is decoded: a service column of
    /// numbers says what it found and what it takes.
    #[test]
    fn a_service_column_of_numbers_is_refused_naming_its_type() {
        let (_, read) = demo_written_as(|s| {
            let (n, start) = (s.usage.len(), s.manifest.window_start.timestamp_millis());
            vec![
                (
                    "timestamp",
                    Arc::new(TimestampMillisecondArray::from(vec![start; n]).with_timezone("UTC")) as ArrayRef,
                ),
                ("service", Arc::new(Int32Array::from(vec![1; n]))),
            ]
        });
        let e = read.map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("column `service` has type int32, expected string"), "{e}");
    }

    /// Columns read side by side from one open file each read their own bytes: cloned file
    /// handles share one offset, and the first parallel reader read the other's (zstd: "Data
    /// corruption detected").
    #[test]
    fn two_readers_of_one_file_read_at_their_own_positions() {
        use parquet::file::reader::ChunkReader;
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bytes");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        std::fs::write(&path, &bytes).unwrap();
        let file = super::FileAt::new(std::fs::File::open(&path).unwrap(), bytes.len() as u64);
        let (mut a, mut b) = (file.get_read(10).unwrap(), file.clone().get_read(50_000).unwrap());
        let (mut x, mut y) = ([0u8; 3], [0u8; 3]);
        // Past what a reader buffers (8 KiB), so that each goes back to the file many times.
        for k in 0..10_000 {
            a.read_exact(&mut x).unwrap();
            b.read_exact(&mut y).unwrap();
            assert_eq!(x[..], bytes[10 + 3 * k..13 + 3 * k]);
            assert_eq!(y[..], bytes[50_000 + 3 * k..50_003 + 3 * k]);
        }
        assert_eq!(file.get_bytes(99_990, 10).unwrap()[..], bytes[99_990..]);
        // Past the end: refused, no room made for it.
        assert!(file.get_bytes(99_990, usize::MAX / 2).is_err());
    }
}
