//! Markdown, for a pull-request comment or a wiki page.

use super::{fleet, money, share, size};
use crate::report::Report;

fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn render(r: &Report) -> String {
    let c = &r.cluster;
    let mut o = format!("# ECS cost review: `{}` ({})\n\n", r.cluster_name, r.region);
    o.push_str(&format!(
        "{} days from {} to {}, {}-second steps. Prices: {} catalog as of {} ({}).\n\n",
        r.window.days,
        r.window.start.format("%Y-%m-%d"),
        r.window.end.format("%Y-%m-%d"),
        r.window.step_seconds,
        r.prices.catalog,
        r.prices.as_of,
        r.prices.region_source
    ));
    o.push_str("## Cluster\n\n| | Monthly | Fleet |\n|---|---:|---|\n");
    o.push_str(&format!(
        "| Current | {} | {} |\n",
        c.current_monthly_usd,
        fleet(&c.current_ec2_fleet)
    ));
    o.push_str(&format!("| All Fargate | {} | - |\n", money(c.fargate_monthly_usd)));
    o.push_str(&format!(
        "| EC2, as ECS runs it | {} | {} at peak |\n",
        money(c.ec2_monthly_usd),
        fleet(&c.ec2_fleet)
    ));
    if c.ec2_ideal_monthly_usd.is_some() {
        o.push_str(&format!(
            "| EC2, ideal re-pack | {} | {} at peak |\n| Fragmentation | {} | one type per group; tasks never move; instances go only when empty |\n",
            money(c.ec2_ideal_monthly_usd),
            fleet(&c.ec2_ideal_fleet),
            money(c.ec2_fragmentation_monthly_usd)
        ));
    }
    if let Some(x) = c.ec2_with_eni_trunking_monthly_usd {
        o.push_str(&format!("| EC2 with ENI trunking | {x} | awsvpc tasks no longer bound by ENIs |\n"));
    }
    o.push_str(&format!(
        "| **Recommended ({})** | **{}** | {} |\n| Savings | {} | |\n\n",
        c.recommended_plan,
        c.recommended_monthly_usd,
        fleet(&c.recommended_ec2_fleet),
        c.savings_monthly_usd
    ));
    o.push_str(&format!("{}.\n\n", esc(&c.rationale)));
    o.push_str("## Services\n\n| Service | Launch | Task size | CPU p99 | Mem p99 (MiB) | Current | Fargate rightsized | ARM | Spot | Recommendation | Savings | Risk |\n");
    o.push_str("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
    for s in &r.services {
        o.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {}: {} | {} | {} |\n",
            esc(&s.name),
            s.launch_type,
            size(&s.task_size),
            share(s.usage.cpu_units_p99, s.task_size.cpu_units),
            share(s.usage.memory_mib_p99, s.task_size.memory_mib),
            s.current_monthly_usd,
            money(s.fargate_monthly_usd),
            money(s.fargate_arm_monthly_usd),
            money(s.fargate_spot_monthly_usd),
            s.recommendation.action,
            esc(&s.recommendation.target),
            s.recommendation.savings_monthly_usd,
            s.recommendation.risk
        ));
    }
    o.push_str("\n## Why\n\n");
    for s in &r.services {
        o.push_str(&format!("- **{}**: {}.\n", esc(&s.name), esc(&s.recommendation.rationale)));
    }
    o.push_str(&format!("\n## Method\n\n- EC2: {}.\n", c.ec2_method));
    let a = &r.assumptions;
    o.push_str(&format!(
        "- Rightsizing: CPU p{} + {}% headroom, memory p{} + {}% headroom, at least {} samples.\n- EC2: {} MiB of memory reserved per instance, ENI trunking {}, EC2 only when at least {}% cheaper than Fargate.\n- Monthly = average hourly cost over the window x 730.\n",
        a.rightsizing.cpu_percentile,
        a.rightsizing.cpu_headroom_pct,
        a.rightsizing.memory_percentile,
        a.rightsizing.memory_headroom_pct,
        a.rightsizing.min_data_points,
        a.ec2.reserved_memory_mib,
        if a.ec2.eni_trunking { "on" } else { "off" },
        a.recommend.ec2_min_savings_pct
    ));
    if !r.warnings.is_empty() {
        o.push_str("\n## Warnings\n\n");
        for w in &r.warnings {
            o.push_str(&format!("- {}\n", esc(w)));
        }
    }
    o
}
