//! Markdown, for a pull-request comment or a wiki page.

use super::{
    assumptions_line, change_line, cluster_rows, comparison_line, fleet_line, movers, nothing_to_change, service_header, service_row,
    signed, signed_pct, split_changes, why_in_plan, Cell,
};
use crate::money::Usd;
use crate::report::{MonthlyReview, Report};

/// Text safe in a Markdown table cell: pipes escaped, line breaks folded to spaces, other control
/// characters shown as escapes.
pub(crate) fn esc(s: &str) -> String {
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
    let month = r.monthly.as_ref().and_then(|m| crate::domain::Month::parse(&m.month).ok());
    let mut o = format!(
        "# ECS cost review: `{}` ({}){}\n\n",
        esc(&r.cluster_name),
        r.region,
        month.map(|m| format!(", {}", m.words())).unwrap_or_default()
    );
    o.push_str(&format!(
        "{} days from {} to {}, {}-second steps. Prices: {} catalog as of {} ({}); {}.\n\n",
        r.window.days(),
        r.window.start.format("%Y-%m-%d"),
        r.window.end.format("%Y-%m-%d"),
        r.window.step_seconds,
        r.prices.catalog,
        r.prices.as_of,
        r.prices.region_source,
        r.assumptions.discounts.describe()
    ));
    if let (Some(p), Some(m)) = (r.monthly.as_ref().and_then(|m| m.period.as_ref()), month) {
        o.push_str(&format!("**{}**\n\n", esc(&crate::review::period_line(p, m))));
    }
    let first = super::first_screen(r);
    o.push_str(&format!("{}\n\n", esc(&first.sentence)));
    // Outside a monthly report there is no last month to compare with: the cost and the saving.
    let shown: &[usize] = if r.monthly.is_some() { &[0, 1, 2, 3] } else { &[0, 2] };
    let figures: Vec<String> = shown
        .iter()
        .map(|&i| format!("**{}**: {}", first.cards[i].label, esc(&first.cards[i].line())))
        .collect();
    o.push_str(&format!("{}\n\n", figures.join(" · ")));
    if let Some(b) = &r.bill {
        o.push_str(&format!("**{}.**\n\n", esc(&super::bill::line(b))));
    }
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
    o.push_str("## Next steps\n\n");
    match nothing_to_change(r) {
        Some(line) => o.push_str(&format!("{}.\n\n", esc(&line))),
        None => {
            let fleets = r
                .cluster
                .fleet_actions
                .iter()
                .map(|a| format!("**Fleet**: {}.", esc(&fleet_line(a))));
            let (savers, rest) = split_changes(r);
            let services = savers
                .into_iter()
                .map(|s| format!("**{}**: {}.", esc(&s.name), esc(&change_line(s))));
            for (i, line) in fleets.chain(services).enumerate() {
                o.push_str(&format!("{}. {line}\n", i + 1));
            }
            o.push('\n');
            if !rest.is_empty() {
                o.push_str("Also in the plan, saving nothing by themselves:\n\n");
                for s in rest {
                    o.push_str(&format!("- **{}**: {}.\n", esc(&s.name), esc(&why_in_plan(s))));
                }
                o.push('\n');
            }
        }
    }
    if let Some(m) = &r.monthly {
        o.push_str(&monthly(m));
    }
    if let Some(a) = &r.allocation {
        o.push_str(&format!("## Cost by `{}`\n\n", esc(&a.tag)));
        let (header, rows) = super::allocation_table(r, a);
        o.push_str(&row(header.iter().map(|(h, _)| esc(h))));
        o.push_str(&rule(&header.iter().map(|(_, f)| *f).collect::<Vec<_>>()));
        let last = rows.len() - 1;
        for (i, cells) in rows.into_iter().enumerate() {
            let cells = cells.iter().map(|c| esc(&c.text));
            o.push_str(&if i == last {
                row(cells.map(|c| format!("**{c}**")))
            } else {
                row(cells)
            });
        }
        o.push('\n');
        if let Some(note) = &a.note {
            o.push_str(&format!("{}.\n\n", esc(note)));
        }
    }
    if let Some(b) = &r.bill {
        o.push_str(&bill(b));
    }
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

/// The "Model vs bill" section: the fleets, the causes of the gaps, every service.
fn bill(b: &crate::report::bill::ModelVsBill) -> String {
    let mut o = String::from("## Model vs bill\n\n");
    o.push_str(&format!("{}.\n\n", esc(&super::bill::source_line(b))));
    let table = |(header, rows): (Vec<(&str, bool)>, Vec<Vec<super::Cell>>)| {
        let mut t = row(header.iter().map(|(h, _)| h.to_string()));
        t.push_str(&rule(&header.iter().map(|(_, f)| *f).collect::<Vec<_>>()));
        for cells in rows {
            t.push_str(&row(cells.iter().map(|c| esc(&c.text))));
        }
        t.push('\n');
        t
    };
    o.push_str(&table(super::bill::fleet_table(b)));
    for g in super::bill::gap_lines(b) {
        o.push_str(&format!("- {}\n", esc(&g)));
    }
    o.push('\n');
    o.push_str(&table(super::bill::service_table(b)));
    if !b.instances.is_empty() {
        o.push_str(&table(super::bill::instance_table(b)));
        if let Some(more) = super::bill::instances_left(b) {
            o.push_str(&format!("{more}.\n\n"));
        }
    }
    let explained = super::bill::explained(b);
    if !explained.is_empty() {
        o.push_str("Gaps of 1% or more:\n\n");
        for (name, why) in explained {
            o.push_str(&format!("- **{}**: {}.\n", esc(&name), esc(&why)));
        }
        o.push('\n');
    }
    o
}

/// The monthly review's sections: month over month, then the charts.
fn monthly(m: &MonthlyReview) -> String {
    let mut o = month_over_month(m);
    o.push_str("## Charts\n\n");
    for c in &m.charts {
        o.push_str(&format!("![{}](charts/{}.png)\n\n", esc(&c.title), c.file));
        if !c.reading.is_empty() {
            o.push_str(&format!("{}\n\n", esc(&c.reading)));
        }
    }
    o
}

fn month_over_month(m: &MonthlyReview) -> String {
    let mut o = String::from("## Month over month\n\n");
    let Some(c) = &m.comparison else {
        o.push_str(&format!("{}.\n\n", esc(m.comparison_note.as_deref().unwrap_or("no comparison"))));
        return o;
    };
    o.push_str(&format!("{}\n\n", comparison_line(c, &m.month)));
    let money = |u: Option<Usd>| u.map(|u| u.to_string()).unwrap_or_else(|| "-".into());
    for (title, up) in [("Largest increases", true), ("Largest decreases", false)] {
        let rows = movers(c, up);
        o.push_str(&format!("### {title}\n\n"));
        if rows.is_empty() {
            o.push_str("None.\n\n");
            continue;
        }
        o.push_str(&row([
            "Service".into(),
            c.previous_month.clone(),
            m.month.clone(),
            "Change".into(),
            "".into(),
            "What moved it".into(),
        ]));
        o.push_str(&rule(&[false, true, true, true, true, false]));
        for s in rows {
            o.push_str(&row([
                esc(&s.name),
                money(s.previous_monthly_usd),
                money(s.monthly_usd),
                signed(s.change_usd),
                signed_pct(s.change_pct),
                esc(&s.explanation),
            ]));
        }
        o.push('\n');
    }
    for line in super::pool_lines(c) {
        o.push_str(&format!("{}.\n\n", esc(&line)));
    }
    o.push_str(&format!("### {}'s recommendations\n\n", c.previous_month));
    let (headline, rows) = super::follow_ups(c);
    if rows.is_empty() {
        o.push_str("It recommended no change.\n\n");
        return o;
    }
    o.push_str(&format!("{headline}\n\n"));
    o.push_str(&row([
        "Service".into(),
        "Recommendation".into(),
        "Status".into(),
        "Estimated /mo".into(),
        "Realised /mo".into(),
    ]));
    o.push_str(&rule(&[false, false, false, true, true]));
    for f in &rows {
        o.push_str(&row([
            esc(&f.who),
            esc(&f.what),
            f.status.into(),
            f.estimated.to_string(),
            money(f.realised),
        ]));
    }
    o.push('\n');
    for f in rows.iter().filter(|f| f.note.is_some()) {
        o.push_str(&format!("- **{}**: {}.\n", esc(&f.who), esc(f.note.as_deref().unwrap_or_default())));
    }
    if rows.iter().any(|f| f.note.is_some()) {
        o.push('\n');
    }
    o
}
