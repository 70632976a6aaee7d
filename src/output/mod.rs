//! Output: renders the canonical [`Report`] (and the price catalog) as text. One file per format;
//! every renderer reads only the report, so a saved JSON report renders the same offline.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod pack;
pub mod prices;
pub mod table;

use crate::money::Usd;
use crate::report::{Report, TaskSize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Table => table::render(report),
        Format::Json => json::render(report),
        Format::Csv => csv::render(report),
        Format::Markdown => markdown::render(report),
    }
}

/// Several clusters' reports: a JSON array, or the texts one after the other.
pub fn render_all(reports: &[Report], format: Format) -> String {
    match (reports, format) {
        ([one], _) => render(one, format),
        (_, Format::Json) => {
            let parts: Vec<String> = reports.iter().map(|r| render(r, format).trim_end().to_string()).collect();
            format!("[\n{}\n]\n", parts.join(",\n"))
        }
        _ => reports.iter().map(|r| render(r, format)).collect::<Vec<_>>().join("\n"),
    }
}

pub(crate) fn size(t: &TaskSize) -> String {
    crate::simulation::fargate::FargateSize {
        cpu_units: t.cpu_units,
        memory_mib: t.memory_mib,
    }
    .to_string()
}

pub(crate) fn money(x: Option<Usd>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// `212 (41%)`: a usage figure and its share of what the task reserves.
pub(crate) fn share(used: Option<f64>, of: u32) -> String {
    match used {
        Some(u) if of > 0 => format!("{:.0} ({:.0}%)", u, 100.0 * u / f64::from(of)),
        Some(u) => format!("{u:.0}"),
        None => "-".into(),
    }
}

pub(crate) fn fleet(lines: &[crate::report::FleetLine]) -> String {
    if lines.is_empty() {
        return "-".into();
    }
    // Types used only off-peak have no instance at the peak step; their average is in the JSON.
    let at_peak: Vec<String> = lines
        .iter()
        .filter(|l| l.count > 0)
        .map(|l| format!("{} x {}", l.count, l.instance_type))
        .collect();
    let off_peak = lines.len() - at_peak.len();
    let mut s = at_peak.join(", ");
    if off_peak > 0 {
        s.push_str(&format!(" (+{off_peak} types off-peak)"));
    }
    s
}
