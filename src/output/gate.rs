//! The gate's verdict: a table for the terminal, Markdown for a pull-request comment (the answer
//! in a sentence first, one table, the rules folded in `<details>`, a hidden marker to update the
//! same comment; under GitHub's 65,536 characters however many services change), JSON for
//! scripts, and JUnit XML with one test case per rule so CI systems show a breach as a failed test.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use super::html::esc as xml;
use super::markdown::esc;
use super::Format;
use crate::gate::{signed, GateReport, Verdict};
use crate::money::Usd;

/// Services listed in the Markdown before the rest are summed in one line.
pub const MARKDOWN_SERVICES: usize = 100;

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
    let mut o = format!(
        "gate: {}: {}\n  {}\n",
        g.verdict.as_str().to_uppercase(),
        verdict_sentence(g),
        headline(g)
    );
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

/// The hidden line that marks the gate's pull-request comment, so a CI job finds its own comment
/// and updates it on the next push instead of adding another (README, "Updating one comment").
pub const COMMENT_MARKER: &str = "<!-- ecs-advisor gate -->";

/// Bytes of Markdown after which no further service row is started: each row is whole.
const SERVICE_ROWS_BYTES: usize = 30_000;
/// Bytes of the rules table (in the details) after which passed rules are counted, not listed;
/// twice that, and every further rule is counted.
const RULE_ROWS_BYTES: usize = 6_000;
/// Notes listed in the details; the rest are counted.
const NOTES: usize = 20;
/// Failed or warned rules given their own "what to do" line; the rest are counted.
const TO_DO_LINES: usize = 10;

/// The answer in one sentence: "Monthly cost will increase by $18.02 (+0.4%), over the $10.00
/// allowed".
pub fn verdict_sentence(g: &GateReport) -> String {
    let c = g.change_monthly_usd;
    let by = match g.change_pct {
        Some(p) => format!("{} ({p:+.2}%)", Usd(c.0.abs())),
        None => Usd(c.0.abs()).to_string(),
    };
    let to = g.proposed_monthly_usd;
    let moves = if c.cents().is_zero() {
        format!("Monthly cost will not change: {to} a month")
    } else if c.0.is_sign_negative() {
        format!("Monthly cost will decrease by {by} to {to} a month")
    } else {
        format!("Monthly cost will increase by {by} to {to} a month")
    };
    let breached: Vec<String> = g.rules.iter().filter(|r| r.outcome == Verdict::Fail).map(limit_words).collect();
    let warned: Vec<String> = g.rules.iter().filter(|r| r.outcome == Verdict::Warn).map(limit_words).collect();
    let tail = match (g.rules.is_empty(), breached.as_slice(), warned.as_slice()) {
        (true, _, _) => ", no rule set".to_string(),
        (_, [], []) => ", within every limit".to_string(),
        (_, [], w) => format!(", within every limit but near or over {}", join_few(w)),
        (_, b, _) => format!(", over {}", join_few(b)),
    };
    format!("{moves}{tail}.")
}

/// A rule's limit in words, with its scope: "the 5% increase allowed", "`search-api`'s budget
/// of $300.00".
fn limit_words(r: &crate::gate::RuleResult) -> String {
    let whose = match r.scope.as_str() {
        "total" => "the".to_string(),
        s => format!("`{s}`'s"),
    };
    let limit = if r.unit == "usd" {
        Usd::from_f64(r.limit).to_string()
    } else {
        format!("{}%", r.limit)
    };
    if r.rule.ends_with("budget") {
        format!("{whose} budget of {limit}")
    } else {
        format!("{whose} {limit} increase allowed")
    }
}

fn join_few(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        [] => String::new(),
    }
}

/// What to do about a failed or warned rule, in a line.
fn to_do(r: &crate::gate::RuleResult) -> String {
    let (flag, table) = match r.rule.strip_prefix("service-").or_else(|| r.rule.strip_prefix("cluster-")) {
        Some(kind) => (kind.to_string(), format!("`[gate.services.{}]`", r.scope)),
        None => (r.rule.clone(), "`[gate]`".to_string()),
    };
    let flag = match flag.as_str() {
        "budget" => "--budget",
        "max-increase-pct" => "--max-increase",
        _ => "--max-increase-usd",
    };
    let config = if r.rule.starts_with("cluster-") {
        "the flag, which applies to each cluster too".to_string()
    } else {
        format!("{table} in the config file or `{flag}`")
    };
    if r.outcome == Verdict::Warn {
        return format!("**{}** ({}): {}; nothing to do for the gate to pass.", r.rule, r.scope, r.message);
    }
    format!(
        "**{}** ({}): {}. Make the change smaller, or, if it is meant, raise the limit ({config}) in the same pull request so the review sees it.",
        r.rule, r.scope, r.message
    )
}

fn markdown(g: &GateReport) -> String {
    let icon = match g.verdict {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN",
        Verdict::Fail => "FAIL",
    };
    let mut o = format!("### ECS cost gate: **{icon}**\n\n{}\n\n", esc(&verdict_sentence(g)));
    if !g.services.is_empty() {
        o.push_str(&services_table(g));
        o.push('\n');
    }
    let open: Vec<&crate::gate::RuleResult> = g.rules.iter().filter(|r| r.outcome != Verdict::Pass).collect();
    if !open.is_empty() {
        o.push_str(if g.verdict == Verdict::Fail {
            "**To pass:**\n\n"
        } else {
            "**Warnings:**\n\n"
        });
        for r in open.iter().take(TO_DO_LINES) {
            o.push_str(&format!("- {}\n", esc(&clip(&to_do(r), 400))));
        }
        if open.len() > TO_DO_LINES {
            o.push_str(&format!(
                "- and {} more rules; every one is in the details below\n",
                open.len() - TO_DO_LINES
            ));
        }
        o.push('\n');
    }
    o.push_str("<details>\n<summary>Rules, and what the figures are based on</summary>\n\n");
    o.push_str(&format!("Basis: {}.\n\n", esc(&headline(g))));
    for line in cluster_lines(g) {
        o.push_str(&format!("- {}\n", esc(&line)));
    }
    if g.clusters.len() > 1 {
        o.push('\n');
    }
    o.push_str(&rules_table(g));
    if !g.notes.is_empty() {
        o.push('\n');
        for n in g.notes.iter().take(NOTES) {
            o.push_str(&format!("- {}\n", esc(&clip(n, 300))));
        }
        if g.notes.len() > NOTES {
            o.push_str(&format!("- and {} more notes\n", g.notes.len() - NOTES));
        }
    }
    o.push_str("\n</details>\n\n");
    o.push_str(COMMENT_MARKER);
    o.push('\n');
    o
}

/// One table: each changed service before and after, and what changed. Whole rows (what
/// changed is never cut) until the size limit, then the rest summed in one row.
fn services_table(g: &GateReport) -> String {
    let several = g.clusters.len() > 1;
    let mut o = String::from(if several {
        "| Service | Cluster | Before /mo | After /mo | Change /mo | What changed |\n|---|---|---:|---:|---:|---|\n"
    } else {
        "| Service | Before /mo | After /mo | Change /mo | What changed |\n|---|---:|---:|---:|---|\n"
    });
    let mut shown = 0;
    for s in g.services.iter().take(MARKDOWN_SERVICES) {
        if o.len() > SERVICE_ROWS_BYTES {
            break;
        }
        shown += 1;
        let name = format!(
            "{}{}",
            esc(&clip(&s.name, 60)),
            if s.new {
                " (new)"
            } else if s.removed {
                " (removed)"
            } else {
                ""
            }
        );
        let cluster = if several {
            format!(" {} |", esc(&clip(&s.cluster, 40)))
        } else {
            String::new()
        };
        o.push_str(&format!(
            "| {name} |{cluster} {} | {} | {} | {} |\n",
            money(s.baseline_monthly_usd),
            s.proposed_monthly_usd,
            signed(s.change_monthly_usd),
            esc(&s.changes.join("; "))
        ));
    }
    if g.services.len() > shown {
        let rest = &g.services[shown..];
        let sum: Usd = rest.iter().map(|s| s.change_monthly_usd).sum();
        let gap = if several { " |" } else { "" };
        o.push_str(&format!("| {} more services |{gap} | | {} | |\n", rest.len(), signed(sum)));
    }
    o
}

/// Every rule with its figure and limit; past the size limit, the passed ones are counted.
fn rules_table(g: &GateReport) -> String {
    let mut o = String::from("| Rule | Scope | Outcome | Figure | Limit | Message |\n|---|---|---|---:|---:|---|\n");
    let mut passed_unshown = 0;
    for r in &g.rules {
        if o.len() > RULE_ROWS_BYTES && r.outcome == Verdict::Pass {
            passed_unshown += 1;
            continue;
        }
        if o.len() > 2 * RULE_ROWS_BYTES {
            passed_unshown += 1;
            continue;
        }
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
            esc(&clip(&r.scope, 60)),
            if r.outcome == Verdict::Pass {
                r.outcome.as_str().to_string()
            } else {
                format!("**{}**", r.outcome.as_str())
            },
            esc(&clip(&r.message, 300))
        ));
    }
    if passed_unshown > 0 {
        o.push_str(&format!(
            "| {passed_unshown} more rules | | | | | not listed: the JSON output has them all |\n"
        ));
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

    /// With 5,000 changed services, each breaking its own rule, the comment stays under GitHub's
    /// 65,536-character limit: whole rows, the rest summed, the rules past the limit counted.
    #[test]
    fn the_comment_stays_under_githubs_limit_with_5000_services_each_breaking_a_rule() {
        let long = "x".repeat(300);
        let rule = |rule: &str, scope: String| RuleResult {
            rule: rule.into(),
            scope,
            figure: 2e6,
            limit: 1e6,
            unit: "usd",
            outcome: Verdict::Fail,
            message: format!("over {long}"),
        };
        let g = GateReport {
            clusters: vec![],
            verdict: Verdict::Fail,
            baseline_monthly_usd: Usd::from_f64(1e6),
            proposed_monthly_usd: Usd::from_f64(2e6),
            change_monthly_usd: Usd::from_f64(1e6),
            change_pct: Some(100.0),
            baseline: "the current state".into(),
            discounts: "on-demand prices".into(),
            rules: std::iter::once(rule("budget", "total".into()))
                .chain((0..5000).map(|i| rule("service-budget", format!("service-{i}"))))
                .collect(),
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
        assert!(md.chars().count() < 65_536, "{} characters", md.chars().count());
        assert!(md.starts_with("### ECS cost gate: **FAIL**\n\nMonthly cost will increase by $1,000,000.00 (+100.00%)"));
        let listed = md.lines().filter(|l| l.starts_with("| service-with-a-long-name-")).count();
        assert!(listed >= 15, "{listed} rows");
        assert!(md.contains(&"x".repeat(300)), "what changed is whole, never cut");
        let rest = 5000 - listed;
        assert!(
            md.contains(&format!(
                "| {rest} more services | | | {} | |",
                signed(Usd::from_f64(200.0 * rest as f64))
            )),
            "the rest are summed"
        );
        assert!(
            md.contains("- and 4991 more rules; every one is in the details below"),
            "ten rules to do, the rest counted"
        );
        assert!(md.trim_end().ends_with(COMMENT_MARKER));
    }

    #[test]
    fn the_sentence_says_which_way_by_how_much_and_against_which_limit() {
        let mut g = GateReport {
            clusters: vec![],
            verdict: Verdict::Pass,
            baseline_monthly_usd: Usd::from_f64(4000.0),
            proposed_monthly_usd: Usd::from_f64(4018.02),
            change_monthly_usd: Usd::from_f64(18.02),
            change_pct: Some(0.45),
            baseline: "the current state".into(),
            discounts: "on-demand prices".into(),
            rules: vec![],
            services: vec![],
            notes: vec![],
        };
        assert_eq!(
            verdict_sentence(&g),
            "Monthly cost will increase by $18.02 (+0.45%) to $4,018.02 a month, no rule set."
        );
        g.rules.push(RuleResult {
            rule: "max-increase-usd".into(),
            scope: "total".into(),
            figure: 18.02,
            limit: 10.0,
            unit: "usd",
            outcome: Verdict::Fail,
            message: "+$18.02 a month on the current state is over the $10.00 allowed (rule: max-increase-usd)".into(),
        });
        assert_eq!(
            verdict_sentence(&g),
            "Monthly cost will increase by $18.02 (+0.45%) to $4,018.02 a month, over the $10.00 increase allowed."
        );
        g.rules[0].outcome = Verdict::Pass;
        g.change_monthly_usd = Usd::from_f64(-18.02);
        g.change_pct = Some(-0.45);
        g.proposed_monthly_usd = Usd::from_f64(3981.98);
        assert_eq!(
            verdict_sentence(&g),
            "Monthly cost will decrease by $18.02 (-0.45%) to $3,981.98 a month, within every limit."
        );
    }
}
