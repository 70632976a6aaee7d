//! The tasks file of `ecs-advisor pack`: a CSV with the header `cpu_units,memory_mib,count` and
//! the optional columns `awsvpc` (true/false), `arm64` (true/false: the image runs on Graviton)
//! and `name`. Every problem is reported with its data row (0-based, as in the pack output) and
//! its line in the file.

use std::path::Path;

use thiserror::Error;

/// One data row: `count` identical tasks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRow {
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub count: u32,
    pub awsvpc: bool,
    pub arm64: bool,
    pub name: Option<String>,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum TasksFileError {
    #[error("cannot read tasks file `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("tasks file `{path}`: the header must start with `cpu_units,memory_mib,count` (optional columns: awsvpc, arm64, name); found `{found}`")]
    Header { path: String, found: String },
    #[error("tasks file `{path}`: unknown column `{column}`; the columns are cpu_units, memory_mib, count, awsvpc, arm64, name")]
    UnknownColumn { path: String, column: String },
    #[error("tasks file `{path}`, data row {row} (line {line}): {message}")]
    Row {
        path: String,
        row: usize,
        line: u64,
        message: String,
    },
    #[error("tasks file `{path}` has no tasks; add rows under the header `cpu_units,memory_mib,count`")]
    Empty { path: String },
    #[error("tasks file `{path}` holds {count} tasks; `pack` takes at most {max} at once: pack the services in parts")]
    TooMany { path: String, count: u64, max: u64 },
    #[error("tasks file `{path}`: the column `{column}` appears twice; keep one")]
    DuplicateColumn { path: String, column: String },
}

const REQUIRED: [&str; 3] = ["cpu_units", "memory_mib", "count"];
/// The most tasks one `pack` run takes, all rows together: packing time grows with the tasks,
/// and 100,000 packs in seconds.
pub const MAX_TASKS: u64 = 100_000;
/// Task sizes beyond any instance type: 192 vCPU and 24 TiB (the largest EC2 types).
const MAX_CPU_UNITS: i64 = 192 * 1024;
const MAX_MEMORY_MIB: i64 = 24 * 1024 * 1024;
const OPTIONAL: [&str; 3] = ["awsvpc", "arm64", "name"];

pub fn read(path: &Path) -> Result<Vec<TaskRow>, TasksFileError> {
    let text = crate::input::read_to_string(path, crate::input::SMALL).map_err(|e| TasksFileError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, path: &str) -> Result<Vec<TaskRow>, TasksFileError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| TasksFileError::Header {
            path: path.into(),
            found: e.to_string(),
        })?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if let Some(dup) = header.iter().enumerate().find(|(i, h)| header[..*i].contains(h)) {
        return Err(TasksFileError::DuplicateColumn {
            path: path.into(),
            column: dup.1.clone(),
        });
    }
    if header.len() < 3 || header[..3] != REQUIRED {
        return Err(TasksFileError::Header {
            path: path.into(),
            found: header.join(","),
        });
    }
    for h in &header[3..] {
        if !OPTIONAL.contains(&h.as_str()) {
            return Err(TasksFileError::UnknownColumn {
                path: path.into(),
                column: h.clone(),
            });
        }
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let (awsvpc, arm64, name) = (col("awsvpc"), col("arm64"), col("name"));
    let mut rows = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = 2 + row as u64;
        let err = |line: u64, message: String| TasksFileError::Row {
            path: path.into(),
            row,
            line,
            message,
        };
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(line);
            err(line, e.to_string())
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        let positive = |i: usize, what: &str, max: i64| -> Result<u32, TasksFileError> {
            let v = &record[i];
            let too_large = || err(line, format!("{what} `{v}` is too large: at most {max}"));
            match v.parse::<i64>() {
                Ok(n) if n < 1 => Err(err(line, format!("{what} must be a whole number of at least 1, not `{v}`"))),
                Ok(n) if n > max => Err(too_large()),
                Ok(n) => Ok(n as u32),
                // Digits beyond i64: a whole number, and far too large.
                Err(_) if !v.is_empty() && v.trim_start_matches('+').chars().all(|c| c.is_ascii_digit()) => Err(too_large()),
                Err(_) => Err(err(line, format!("{what} `{v}` is not a whole number"))),
            }
        };
        let flag = |i: Option<usize>, what: &str| -> Result<bool, TasksFileError> {
            match i.map(|i| record[i].to_ascii_lowercase()) {
                None => Ok(false),
                Some(v) if v.is_empty() || v == "false" => Ok(false),
                Some(v) if v == "true" => Ok(true),
                Some(v) => Err(err(line, format!("{what} must be true or false, not `{v}`"))),
            }
        };
        rows.push(TaskRow {
            cpu_units: positive(0, "cpu_units", MAX_CPU_UNITS)?,
            memory_mib: positive(1, "memory_mib", MAX_MEMORY_MIB)?,
            count: positive(2, "count", MAX_TASKS as i64)?,
            awsvpc: flag(awsvpc, "awsvpc")?,
            arm64: flag(arm64, "arm64")?,
            name: name.map(|i| record[i].to_string()).filter(|n| !n.is_empty()),
        });
    }
    if rows.is_empty() {
        return Err(TasksFileError::Empty { path: path.into() });
    }
    let total: u64 = rows.iter().map(|r| u64::from(r.count)).sum();
    if total > MAX_TASKS {
        return Err(TasksFileError::TooMany {
            path: path.into(),
            count: total,
            max: MAX_TASKS,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_required_and_optional_columns() {
        let rows = parse(
            "cpu_units,memory_mib,count,awsvpc,name\n512,1024,3,true,api\n256, 512 ,1,,\n",
            "t.csv",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name.as_deref(), Some("api"));
        assert!(rows[0].awsvpc && !rows[1].awsvpc && rows[1].name.is_none());
    }

    #[test]
    fn names_the_row_and_line_of_a_bad_value() {
        let e = parse("cpu_units,memory_mib,count\n512,1024,3\n512,-1,2\n", "t.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "tasks file `t.csv`, data row 1 (line 3): memory_mib must be a whole number of at least 1, not `-1`"
        );
        let e = parse("cpu_units,memory_mib,count\n512,1024,0\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("data row 0 (line 2): count must be"), "{e}");
        let e = parse("cpu_units,memory_mib,count\nhalf,1024,1\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("cpu_units `half` is not a whole number"), "{e}");
        let e = parse("cpu_units,memory_mib,count,awsvpc\n1,1,1,yes\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("awsvpc must be true or false, not `yes`"), "{e}");
    }

    #[test]
    fn refuses_a_wrong_header_or_an_unknown_column() {
        assert!(matches!(
            parse("cpu,memory,count\n1,1,1\n", "t.csv"),
            Err(TasksFileError::Header { .. })
        ));
        assert!(matches!(
            parse("cpu_units,memory_mib,count,gpu\n1,1,1,0\n", "t.csv"),
            Err(TasksFileError::UnknownColumn { .. })
        ));
        assert!(matches!(
            parse("cpu_units,memory_mib,count\n", "t.csv"),
            Err(TasksFileError::Empty { .. })
        ));
        assert!(matches!(parse("", "t.csv"), Err(TasksFileError::Header { .. })));
    }

    #[test]
    fn a_duplicated_count_column_is_named_as_duplicated_not_unknown() {
        let e = parse("cpu_units,memory_mib,count,count\n1,1,1,1\n", "t.csv").unwrap_err();
        assert_eq!(e.to_string(), "tasks file `t.csv`: the column `count` appears twice; keep one");
    }

    #[test]
    fn a_twenty_digit_count_is_too_large_not_a_fraction() {
        let e = parse("cpu_units,memory_mib,count\n512,1024,12345678901234567890\n", "t.csv").unwrap_err();
        assert!(
            e.to_string().contains("count `12345678901234567890` is too large: at most 100000"),
            "{e}"
        );
    }

    #[test]
    fn a_count_that_would_pack_for_minutes_is_refused_before_packing() {
        let e = parse("cpu_units,memory_mib,count\n512,1024,4294967295\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("at most 100000"), "{e}");
        let e = parse("cpu_units,memory_mib,count\n512,1024,60000\n256,512,60000\n", "t.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "tasks file `t.csv` holds 120000 tasks; `pack` takes at most 100000 at once: pack the services in parts"
        );
    }
}
