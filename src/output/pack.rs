//! `pack`: the fleet for a tasks file, as a table or as JSON.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use super::Format;
use crate::pack::PackReport;
use crate::simulation::optimizer::BoundKind;
use crate::sources::tasks::TaskRow;

pub fn render(report: &PackReport, rows: &[TaskRow], format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(report).expect("a pack report serializes") + "\n",
        _ => table(report, rows),
    }
}

fn table(r: &PackReport, rows: &[TaskRow]) -> String {
    let mut out = String::new();
    let instances: u32 = r.fleet.iter().map(|f| f.count).sum();
    out.push_str(&format!(
        "{} tasks on {} instances in {}: ${:.4}/hour (${:.2}/month)\n",
        r.tasks, instances, r.region, r.hourly_usd, r.monthly_usd
    ));
    let bound = match r.bound {
        BoundKind::LpRelaxation => "the LP relaxation's optimum",
        BoundKind::FleetCost => "the LP bound, raised to the least cost a fleet of whole instances can have",
        BoundKind::Exhaustive if r.gap_pct == 0.0 => "proven by exhaustive search: this fleet is optimal",
        BoundKind::Exhaustive => "raised by exhaustive search over cheaper fleets",
        BoundKind::Farley => "Farley's bound; the optimizer's budget ran out before the LP was solved",
    };
    out.push_str(&format!(
        "Lower bound on any fleet: ${:.4}/hour ({bound}); this fleet is {:.2}% above it.\n",
        r.lower_bound_hourly_usd, r.gap_pct
    ));
    if r.eni_trunking {
        out.push_str("ENI trunking on: awsvpc tasks are not limited by ENIs.\n");
    }
    out.push('\n');

    let mut fleet = Table::new();
    fleet.load_style(UTF8_FULL_CONDENSED);
    fleet.set_header(vec!["Instance type", "Count", "$/hour each", "$/hour"]);
    for f in &r.fleet {
        fleet.add_row(vec![
            Cell::new(&f.instance_type),
            Cell::new(f.count).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.4}", f.hourly_usd)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.4}", f.hourly_usd * f64::from(f.count))).set_alignment(CellAlignment::Right),
        ]);
    }
    out.push_str(&fleet.to_string());
    out.push_str("\n\n");

    let mut bins = Table::new();
    bins.load_style(UTF8_FULL_CONDENSED);
    bins.set_header(vec!["#", "Instance type", "CPU units used", "MiB used", "Tasks (data row x count)"]);
    for (i, b) in r.bins.iter().enumerate() {
        let items: Vec<String> = b
            .items
            .iter()
            .map(|it| match rows.get(it.row).and_then(|t| t.name.as_deref()) {
                Some(name) => format!("{} {name} x{}", it.row, it.count),
                None => format!("{} x{}", it.row, it.count),
            })
            .collect();
        bins.add_row(vec![
            Cell::new(i + 1).set_alignment(CellAlignment::Right),
            Cell::new(&b.instance_type),
            Cell::new(format!("{} / {}", b.cpu_units_used, b.cpu_units_available)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{} / {}", b.memory_mib_used, b.memory_mib_available)).set_alignment(CellAlignment::Right),
            Cell::new(items.join(", ")),
        ]);
    }
    out.push_str(&bins.to_string());
    out.push_str(&format!(
        "\nMemory available is after {} MiB reserved per instance for the OS and the ECS agent.\n",
        r.bins.first().map(|b| b.reserved_memory_mib).unwrap_or_default()
    ));
    out
}
