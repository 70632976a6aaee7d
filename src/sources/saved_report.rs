//! Saved reports: the JSON that `analyze --output json` (or `report`) wrote, read back for
//! `render` with no AWS access and no re-analysis. One report, or an array of them.

use std::path::Path;

use thiserror::Error;

use crate::report::{Report, REPORT_SCHEMA_VERSION};

#[derive(Debug, Error)]
pub enum SavedReportError {
    #[error("cannot read report `{path}`: {source}; check the path")]
    Read { path: String, source: std::io::Error },
    #[error(
        "`{path}` is not valid JSON ({message}); was it cut short? Write it again with `ecs-advisor analyze --output json --out FILE`"
    )]
    NotJson { path: String, message: String },
    #[error("`{path}` is not an ecs-advisor report (no `schema_version`); give the JSON that `analyze --output json` wrote")]
    NotAReport { path: String },
    #[error("`{path}` is a version {found} report; this ecs-advisor reads version {expected}: analyze the cluster again to get one")]
    Version { path: String, found: String, expected: u32 },
    #[error("`{path}` does not match the report format: {message}")]
    Invalid { path: String, message: String },
}

/// Reads a saved report file: one report, or an array of several clusters' reports.
pub fn read(path: &Path) -> Result<Vec<Report>, SavedReportError> {
    let shown = path.display().to_string();
    let text = crate::input::read_to_string(path, crate::input::LARGE).map_err(|source| SavedReportError::Read {
        path: shown.clone(),
        source,
    })?;
    parse(&text, &shown)
}

pub fn parse(text: &str, path: &str) -> Result<Vec<Report>, SavedReportError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| SavedReportError::NotJson {
        path: path.into(),
        message: e.to_string(),
    })?;
    let items = match value {
        serde_json::Value::Array(items) if !items.is_empty() => items,
        v @ serde_json::Value::Object(_) => vec![v],
        _ => return Err(SavedReportError::NotAReport { path: path.into() }),
    };
    items
        .into_iter()
        .map(|item| {
            match item.get("schema_version") {
                None => return Err(SavedReportError::NotAReport { path: path.into() }),
                Some(v) if v.as_u64() != Some(u64::from(REPORT_SCHEMA_VERSION)) => {
                    return Err(SavedReportError::Version {
                        path: path.into(),
                        found: v.to_string(),
                        expected: REPORT_SCHEMA_VERSION,
                    })
                }
                Some(_) => {}
            }
            serde_json::from_value(item).map_err(|e| SavedReportError::Invalid {
                path: path.into(),
                message: e.to_string(),
            })
        })
        .collect()
}
