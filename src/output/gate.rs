//! The gate's verdict: a table for the terminal, Markdown for a pull-request comment (verdict
//! first, under 60 KB however many services change), JSON for scripts, and JUnit XML with one
//! test case per rule so CI systems show a breach as a failed test.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use super::html::esc as xml;
use super::markdown::esc;
use super::Format;
use crate::gate::{signed, GateReport, Verdict};
use crate::money::Usd;

/// Services listed in the Markdown before the rest are summed in one line.
pub const MARKDOWN_SERVICES: usize = 100;
/// Bytes of Markdown after which no further service row is started: each row is whole, and the
/// comment stays under 60 KB with its notes.
const MARKDOWN_TABLE_BYTES: usize = 40_000;

fn money(u: Option<Usd>) -> String {
    u.map(|u| u.to_string()).unwrap_or_else(|| "-".into())
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:+.2}%")).unwrap_or_else(|| "-".into())
}

pub fn render(g: &GateReport, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(g).expect("the gate report serialises");
            s.push('\n');
            s
        }
        Format::Markdown => markdown(g),
        _ => table(g),
    }
}

fn headline(g: &GateReport) -> String {
    format!(
        "proposed {} a month against {} on {} ({}, {}); {}",
        g.proposed_monthly_usd,
        g.baseline_monthly_usd,
        g.baseline,
        signed(g.change_monthly_usd),
        pct(g.change_pct),
        g.discounts
    )
}

/// With several clusters (a plan's new cluster among them), each cluster's figures in a line.
fn cluster_lines(g: &GateReport) -> Vec<String> {
    if g.clusters.len() < 2 {
        return Vec::new();
    }
    g.clusters
        .iter()
        .map(|c| match c.baseline_monthly_usd {
            Some(b) => format!(
                "cluster `{}`: proposed {} a month against {} ({})",
                c.name,
                c.proposed_monthly_usd,
                b,
                signed(c.change_monthly_usd)
            ),
            None => format!("cluster `{}` (new): proposed {} a month", c.name, c.proposed_monthly_usd),
        })
        .collect()
}

fn table(g: &GateReport) -> String {
    let mut o = format!("gate: {}: {}\n", g.verdict.as_str().to_uppercase(), headline(g));
    for line in cluster_lines(g) {
        o.push_str(&format!("  {}\n", super::printable(&line)));
    }
    o.push('\n');
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).force_no_tty();
    t.set_header(vec!["Rule", "Scope", "Outcome", "Message"]);
    for r in &g.rules {
        t.add_row(vec![r.rule.clone(), r.scope.clone(), r.outcome.as_str().into(), r.message.clone()]);
    }
    o.push_str(&t.to_string());
    o.push('\n');
    if !g.services.is_empty() {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED).force_no_tty();
        t.set_header(vec![
            "Service",
            "Cluster",
            "Baseline /mo",
            "Proposed /mo",
            "Change /mo",
            "What changed",
        ]);
        for s in &g.services {
            t.add_row(vec![
                super::printable(&s.name),
                super::printable(&s.cluster),
                money(s.baseline_monthly_usd),
                s.proposed_monthly_usd.to_string(),
                signed(s.change_monthly_usd),
                s.changes.join("; "),
            ]);
        }
        o.push('\n');
        o.push_str(&t.to_string());
        o.push('\n');
    }
    for n in &g.notes {
        o.push_str(&format!("note: {}\n", super::printable(n)));
    }
    o
}

/// At most `n` characters, an ellipsis marking the cut: keeps the comment under GitHub's limits.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(n).collect::<String>())
    }
}

fn markdown(g: &GateReport) -> String {
    let icon = match g.verdict {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN",
        Verdict::Fail => "FAIL",
    };
    let mut o = format!("### ECS cost gate: **{icon}**\n\n{}.\n\n", esc(&headline(g)));
    for line in cluster_lines(g) {
        o.push_str(&format!("- {}\n", esc(&line)));
    }
    if g.clusters.len() > 1 {
        o.push('\n');
    }
    o.push_str("| Rule | Scope | Outcome | Figure | Limit | |\n|---|---|---|---:|---:|---|\n");
    for r in &g.rules {
        let (figure, limit) = if r.unit == "usd" {
            (Usd::from_f64(r.figure).to_string(), Usd::from_f64(r.limit).to_string())
        } else {
            (
                if r.figure >= 1e9 {
                    "new".into()
                } else {
                    format!("{:+.2}%", r.figure)
                },
                format!("{}%", r.limit),
            )
        };
        o.push_str(&format!(
            "| {} | {} | {} | {figure} | {limit} | {} |\n",
            r.rule,
            esc(&r.scope),
            if r.outcome == Verdict::Pass {
                r.outcome.as_str().to_string()
            } else {
                format!("**{}**", r.outcome.as_str())
            },
            esc(&r.message)
        ));
    }
    if !g.services.is_empty() {
        o.push_str("\n| Service | Cluster | Baseline /mo | Proposed /mo | Change /mo | What changed | Rule fired |\n|---|---|---:|---:|---:|---|---|\n");
        // Whole rows (what changed is never cut) until either limit, then the rest in one line.
        let mut shown = 0;
        for s in g.services.iter().take(MARKDOWN_SERVICES) {
            if o.len() > MARKDOWN_TABLE_BYTES {
                break;
            }
            shown += 1;
            let changes = s.changes.join("; ");
            let fired: Vec<String> = g
                .rules
                .iter()
                .filter(|r| r.scope == s.name && r.outcome != Verdict::Pass)
                .map(|r| format!("{} ({})", r.rule, r.outcome.as_str()))
                .collect();
            o.push_str(&format!(
                "| {}{} | {} | {} | {} | {} | {} | {} |\n",
                esc(&clip(&s.name, 60)),
                if s.new {
                    " (new)"
                } else if s.removed {
                    " (removed)"
                } else {
                    ""
                },
                esc(&clip(&s.cluster, 40)),
                money(s.baseline_monthly_usd),
                s.proposed_monthly_usd,
                signed(s.change_monthly_usd),
                esc(&changes),
                if fired.is_empty() { "-".to_string() } else { fired.join(", ") }
            ));
        }
        if g.services.len() > shown {
            let rest = &g.services[shown..];
            let sum: Usd = rest.iter().map(|s| s.change_monthly_usd).sum();
            o.push_str(&format!("| {} more services | | | | {} | | |\n", rest.len(), signed(sum)));
        }
    }
    if !g.notes.is_empty() {
        o.push('\n');
        for n in g.notes.iter().take(30) {
            o.push_str(&format!("- {}\n", esc(&clip(n, 300))));
        }
        if g.notes.len() > 30 {
            o.push_str(&format!("- and {} more notes\n", g.notes.len() - 30));
        }
    }
    o
}

/// JUnit XML: one suite, one test case per rule; a breached rule is a failure, a warning is a
/// passed case with the message in its system-out.
pub fn junit(g: &GateReport) -> String {
    let failures = g.rules.iter().filter(|r| r.outcome == Verdict::Fail).count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(&format!(
        "<testsuites name=\"ecs-advisor gate\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        g.rules.len()
    ));
    o.push_str(&format!(
        "  <testsuite name=\"ecs-advisor gate\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
        g.rules.len()
    ));
    for r in &g.rules {
        let name = xml(&format!("{} ({})", r.rule, r.scope));
        o.push_str(&format!(
            "    <testcase classname=\"ecs-advisor.gate\" name=\"{name}\" time=\"0\">\n"
        ));
        match r.outcome {
            Verdict::Fail => o.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                xml(&r.message),
                xml(&r.rule),
                xml(&headline(g))
            )),
            Verdict::Warn => o.push_str(&format!("      <system-out>warning: {}</system-out>\n", xml(&r.message))),
            Verdict::Pass => o.push_str(&format!("      <system-out>{}</system-out>\n", xml(&r.message))),
        }
        o.push_str("    </testcase>\n");
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::{RuleResult, ServiceResult};

    #[test]
    fn the_markdown_stays_under_60_kb_however_many_services_change() {
        let long = "x".repeat(300);
        let g = GateReport {
            clusters: vec![],
            verdict: Verdict::Fail,
            baseline_monthly_usd: Usd::from_f64(1e6),
            proposed_monthly_usd: Usd::from_f64(2e6),
            change_monthly_usd: Usd::from_f64(1e6),
            change_pct: Some(100.0),
            baseline: "the current state".into(),
            discounts: "on-demand prices".into(),
            rules: vec![RuleResult {
                rule: "budget".into(),
                scope: "total".into(),
                figure: 2e6,
                limit: 1e6,
                unit: "usd",
                outcome: Verdict::Fail,
                message: "over".into(),
            }],
            services: (0..5000)
                .map(|i| ServiceResult {
                    name: format!("service-with-a-long-name-{i}-{long}"),
                    cluster: format!("cluster-{long}"),
                    baseline_monthly_usd: Some(Usd::from_f64(100.0)),
                    proposed_monthly_usd: Usd::from_f64(300.0),
                    change_monthly_usd: Usd::from_f64(200.0),
                    new: false,
                    removed: false,
                    changes: vec![long.clone(); 5],
                })
                .collect(),
            notes: vec![long.clone(); 100],
        };
        let md = render(&g, Format::Markdown);
        assert!(md.len() < 60_000, "{} bytes", md.len());
        let listed = md.lines().filter(|l| l.starts_with("| service-with-a-long-name-")).count();
        assert!(listed >= 20, "{listed} rows");
        assert!(md.contains(&"x".repeat(300)), "what changed is whole, never cut");
        let rest = 5000 - listed;
        assert!(
            md.contains(&format!(
                "| {rest} more services | | | | {} | | |",
                signed(Usd::from_f64(200.0 * rest as f64))
            )),
            "the rest are summed"
        );
    }
}
