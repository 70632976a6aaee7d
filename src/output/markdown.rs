//! Markdown, for a pull-request comment or a wiki page.

use super::{assumptions_line, cluster_rows, service_header, service_row, Cell};
use crate::report::Report;

/// Text safe in a Markdown table cell: pipes escaped, line breaks folded to spaces, other control
/// characters shown as escapes.
fn esc(s: &str) -> String {
    super::printable(&s.replace('|', "\\|").replace(['\n', '\r'], " "))
}

fn row(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().collect();
    format!("| {} |\n", cells.join(" | "))
}

fn rule(figures: &[bool]) -> String {
    let cols: Vec<&str> = figures.iter().map(|&f| if f { "---:" } else { "---" }).collect();
    format!("|{}|\n", cols.join("|"))
}

pub fn render(r: &Report) -> String {
    let c = &r.cluster;
    let mut o = format!("# ECS cost review: `{}` ({})\n\n", esc(&r.cluster_name), r.region);
    o.push_str(&format!(
        "{} days from {} to {}, {}-second steps. Prices: {} catalog as of {} ({}).\n\n",
        r.window.days(),
        r.window.start.format("%Y-%m-%d"),
        r.window.end.format("%Y-%m-%d"),
        r.window.step_seconds,
        r.prices.catalog,
        r.prices.as_of,
        r.prices.region_source
    ));
    o.push_str("## Cluster\n\n| | Monthly | Fleet |\n|---|---:|---|\n");
    let rows = cluster_rows(r);
    let last = rows.len() - 2;
    for (i, cells) in rows.into_iter().enumerate() {
        let [label, monthly, third] = cells.map(|c: Cell| esc(&c.text));
        // The recommendation stands out.
        o.push_str(&if i == last {
            row([format!("**{label}**"), format!("**{monthly}**"), third])
        } else {
            row([label, monthly, third])
        });
    }
    o.push_str(&format!("\n{}.\n\n", esc(&c.rationale)));
    o.push_str("## Services\n\n");
    let mut header = service_header();
    header.push(("Risk", false));
    o.push_str(&row(header.iter().map(|(h, _)| h.to_string())));
    o.push_str(&rule(&header.iter().map(|(_, f)| *f).collect::<Vec<_>>()));
    for s in &r.services {
        let mut cells: Vec<String> = service_row(s).iter().map(|c| esc(&c.text)).collect();
        cells.push(s.recommendation.risk.as_str().into());
        o.push_str(&row(cells));
    }
    o.push_str("\n## Why\n\n");
    for s in &r.services {
        o.push_str(&format!("- **{}**: {}.\n", esc(&s.name), esc(&s.recommendation.rationale)));
    }
    o.push_str(&format!("\n## Method\n\n- EC2: {}.\n", esc(&c.ec2_method)));
    o.push_str(&format!("- Assumes: {}.\n", assumptions_line(r)));
    if !r.warnings.is_empty() {
        o.push_str("\n## Warnings\n\n");
        for w in &r.warnings {
            o.push_str(&format!("- {}\n", esc(w)));
        }
    }
    o
}
