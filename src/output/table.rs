//! The terminal view: a table per service, then the cluster, then what the figures assume. On a
//! terminal the tables wrap to its width; elsewhere they keep their full width.

use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ColumnConstraint, ContentArrangement, Table};

use super::{assumptions_line, cluster_rows, service_header, service_row, Cell, Layout};
use crate::report::Report;

fn cell(c: Cell) -> comfy_table::Cell {
    let cell = comfy_table::Cell::new(c.text);
    if c.figure {
        cell.set_alignment(CellAlignment::Right)
    } else {
        cell
    }
}

fn table(layout: Layout) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    match layout.width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic).set_width(w);
        }
        None => {
            t.force_no_tty();
        }
    }
    t
}

pub fn render(r: &Report, layout: Layout) -> String {
    let mut out = format!(
        "ecs-advisor: cluster `{}` in {}, {} days from {} ({}-second steps), prices {} ({})\n\n",
        super::printable(&r.cluster_name),
        r.region,
        r.window.days(),
        r.window.start.format("%Y-%m-%d"),
        r.window.step_seconds,
        r.prices.as_of,
        r.prices.region_source
    );
    let mut t = table(layout);
    let header = service_header();
    t.set_header(header.iter().map(|(h, _)| *h));
    for s in &r.services {
        t.add_row(service_row(s).into_iter().map(cell));
    }
    if layout.width.is_some() {
        // On a narrow terminal the words wrap, never the names or the figures.
        for (i, (_, figure)) in header.iter().enumerate() {
            if *figure || i == 0 {
                if let Some(c) = t.column_mut(i) {
                    c.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
        }
    }
    out.push_str(&t.to_string());
    out.push_str("\n\n");

    let mut t = table(layout);
    t.set_header(vec!["Cluster", "Monthly", "Fleet"]);
    for row in cluster_rows(r) {
        t.add_row(row.into_iter().map(cell));
    }
    out.push_str(&t.to_string());
    out.push_str(&format!("\n\nWhy: {}.\n", r.cluster.rationale));
    out.push_str(&format!("EC2 simulation: {}.\n", r.cluster.ec2_method));
    out.push_str(&format!("Assumes: {}.\n", assumptions_line(r)));
    for w in &r.warnings {
        out.push_str(&format!("warning: {}\n", super::printable(w)));
    }
    out
}
