//! The terminal view: a table per service, then the cluster, then what the figures assume.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};

use super::{fleet, money, share, size};
use crate::report::Report;

pub fn render(r: &Report) -> String {
    let mut out = format!(
        "ecs-advisor: cluster `{}` in {}, {} days from {} ({}-second steps), prices {} ({})\n\n",
        r.cluster_name,
        r.region,
        r.window.days,
        r.window.start.format("%Y-%m-%d"),
        r.window.step_seconds,
        r.prices.as_of,
        r.prices.region_source
    );
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Service",
        "Launch",
        "Task size",
        "CPU p99 (units)",
        "Mem p99 (MiB)",
        "Current /mo",
        "Fargate rightsized /mo",
        "ARM /mo",
        "Spot /mo",
        "Recommendation",
        "Savings /mo",
    ]);
    for s in &r.services {
        t.add_row(vec![
            Cell::new(&s.name),
            Cell::new(&s.launch_type),
            Cell::new(size(&s.task_size)),
            Cell::new(share(s.usage.cpu_units_p99, s.task_size.cpu_units)).set_alignment(CellAlignment::Right),
            Cell::new(share(s.usage.memory_mib_p99, s.task_size.memory_mib)).set_alignment(CellAlignment::Right),
            Cell::new(s.current_monthly_usd).set_alignment(CellAlignment::Right),
            Cell::new(match (&s.fargate_monthly_usd, &s.fargate_size) {
                (Some(c), Some(z)) => format!("{c} ({})", size(z)),
                _ => "-".into(),
            })
            .set_alignment(CellAlignment::Right),
            Cell::new(money(s.fargate_arm_monthly_usd)).set_alignment(CellAlignment::Right),
            Cell::new(money(s.fargate_spot_monthly_usd)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{}: {}", s.recommendation.action, s.recommendation.target)),
            Cell::new(s.recommendation.savings_monthly_usd).set_alignment(CellAlignment::Right),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\n");

    let c = &r.cluster;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["Cluster", "Monthly", "Fleet"]);
    t.add_row(vec![
        Cell::new("Current"),
        Cell::new(c.current_monthly_usd).set_alignment(CellAlignment::Right),
        Cell::new(fleet(&c.current_ec2_fleet)),
    ]);
    t.add_row(vec![
        Cell::new("All Fargate"),
        Cell::new(money(c.fargate_monthly_usd)).set_alignment(CellAlignment::Right),
        Cell::new("-"),
    ]);
    t.add_row(vec![
        Cell::new("EC2, as ECS runs it"),
        Cell::new(money(c.ec2_monthly_usd)).set_alignment(CellAlignment::Right),
        Cell::new(format!("{} at peak", fleet(&c.ec2_fleet))),
    ]);
    if c.ec2_ideal_monthly_usd.is_some() {
        t.add_row(vec![
            Cell::new("EC2, ideal re-pack"),
            Cell::new(money(c.ec2_ideal_monthly_usd)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{} at peak", fleet(&c.ec2_ideal_fleet))),
        ]);
        t.add_row(vec![
            Cell::new("Fragmentation"),
            Cell::new(money(c.ec2_fragmentation_monthly_usd)).set_alignment(CellAlignment::Right),
            Cell::new("one type per group; tasks never move; instances go only when empty"),
        ]);
    }
    if let Some(x) = c.ec2_with_eni_trunking_monthly_usd {
        t.add_row(vec![
            Cell::new("EC2 with ENI trunking"),
            Cell::new(x).set_alignment(CellAlignment::Right),
            Cell::new("awsvpc tasks no longer bound by ENIs"),
        ]);
    }
    t.add_row(vec![
        Cell::new(format!("Recommended ({})", c.recommended_plan)),
        Cell::new(c.recommended_monthly_usd).set_alignment(CellAlignment::Right),
        Cell::new(fleet(&c.recommended_ec2_fleet)),
    ]);
    t.add_row(vec![
        Cell::new("Savings"),
        Cell::new(c.savings_monthly_usd).set_alignment(CellAlignment::Right),
        Cell::new(""),
    ]);
    out.push_str(&t.to_string());
    out.push_str(&format!("\n\nWhy: {}.\n", c.rationale));
    out.push_str(&format!("EC2 simulation: {}.\n", c.ec2_method));
    let a = &r.assumptions;
    out.push_str(&format!(
        "Assumes: CPU p{} + {}% headroom, memory p{} + {}% headroom, {} MiB reserved per instance, EC2 only when {}% cheaper{}; monthly = average hourly cost x 730.\n",
        a.rightsizing.cpu_percentile,
        a.rightsizing.cpu_headroom_pct,
        a.rightsizing.memory_percentile,
        a.rightsizing.memory_headroom_pct,
        a.ec2.reserved_memory_mib,
        a.recommend.ec2_min_savings_pct,
        if a.ec2.spot_share_pct > 0.0 {
            format!(", {}% of EC2 on Spot at {}% off", a.ec2.spot_share_pct, a.ec2.spot_discount_pct)
        } else {
            String::new()
        }
    ));
    for w in &r.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}
