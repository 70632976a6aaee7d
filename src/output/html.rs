//! HTML: the monthly report as one self-contained file (charts inline as SVG, CSS inline, no
//! script, nothing from the network), which opens from disk and prints on A4 without cut tables;
//! and the index of every report in a reports folder.

use super::{
    assumptions_line, change_line, cluster_rows, comparison_line, fleet_line, movers, nothing_to_change, signed, signed_pct, split_changes,
    why_in_plan,
};
use crate::money::Usd;
use crate::report::{MonthlyReview, Report};

/// One line of the index: a cluster's month.
pub struct IndexEntry {
    pub folder: String,
    pub month: String,
    pub report: Report,
}

/// Text safe in HTML (and XML) content and attributes; control characters shown as escapes
/// (XML 1.0 has no place for them).
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// Text for the page's content: escaped, and `code` in backticks (as the report's sentences
/// write names) shown as code, never as raw backticks. An unpaired backtick stays as it is.
fn text(s: &str) -> String {
    let escaped = esc(s);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() < 3 {
        return escaped;
    }
    let mut o = String::with_capacity(escaped.len() + 16);
    let pairs = (parts.len() - 1) / 2 * 2;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            o.push_str(if i > pairs {
                "`"
            } else if i % 2 == 1 {
                "<code>"
            } else {
                "</code>"
            });
        }
        o.push_str(part);
    }
    o
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.meta { color: #555; font-size: .9rem; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: .6rem 1rem; min-width: 11rem; }
.card .label { font-size: .8rem; color: #555; }
.card .value { font-size: 1.4rem; font-weight: bold; white-space: nowrap; }
.card .note { font-size: .85rem; color: #333; }
.lead { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .4rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f2f2f2; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.rec td { font-weight: bold; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
svg text { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; }
figcaption { font-size: .85rem; color: #555; }
ul.why li, ol.steps li { margin-bottom: .3rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; }
  tr, .card { break-inside: avoid; page-break-inside: avoid; }
  .cards { flex-wrap: nowrap; }
  .card { min-width: 0; flex: 1 1 0; }
  thead { display: table-header-group; }
}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

fn table(header: &[(&str, bool)], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut o = String::from("<table>\n<thead><tr>");
    for (h, n) in header {
        o.push_str(&format!("<th{}>{}</th>", if *n { " class=\"n\"" } else { "" }, text(h)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        o.push_str("<tr>");
        for (cell, (_, n)) in r.iter().zip(header) {
            o.push_str(&format!("<td{}>{}</td>", if *n { " class=\"n\"" } else { "" }, cell));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
    o
}

/// A figure card. Its note ("+3.5%", "21% of spend") is a line of its own under the figure,
/// smaller: four cards then fit across a printed page without wrapping a figure.
fn card(c: &super::Card) -> String {
    let note = c
        .note
        .as_deref()
        .map(|n| format!("<div class=\"note\">{}</div>", text(n)))
        .unwrap_or_default();
    format!(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>{note}</div>",
        text(c.label),
        text(&c.figure)
    )
}

/// The monthly report. `charts` are the report's charts as SVG text, by file name.
pub fn render(r: &Report, charts: &[(&str, &str)]) -> String {
    let c = &r.cluster;
    let month = r.monthly.as_ref().and_then(|m| crate::domain::Month::parse(&m.month).ok());
    let title = format!(
        "ECS cost review: {} ({}){}",
        r.cluster_name,
        r.region,
        month.map(|m| format!(", {}", m.words())).unwrap_or_default()
    );
    let mut b = format!(
        "<header>\n<h1>ECS cost review: <code>{}</code> ({}){}</h1>\n<p class=\"meta\">{} days from {} to {}, {}-second steps. Prices: {} catalog as of {} ({}); {}.</p>\n</header>\n",
        text(&r.cluster_name),
        text(&r.region),
        month.map(|m| format!(", {}", m.words())).unwrap_or_default(),
        r.window.days(),
        r.window.start.format("%Y-%m-%d"),
        r.window.end.format("%Y-%m-%d"),
        r.window.step_seconds,
        text(&r.prices.catalog),
        text(&r.prices.as_of),
        text(&r.prices.region_source),
        text(&r.assumptions.discounts.describe())
    );
    if let (Some(p), Some(m)) = (r.monthly.as_ref().and_then(|m| m.period.as_ref()), month) {
        b.push_str(&format!(
            "<p class=\"period\"><strong>{}</strong></p>\n",
            text(&crate::review::period_line(p, m))
        ));
    }
    let first = super::first_screen(r);
    b.push_str(&format!("<p class=\"lead\">{}</p>\n<div class=\"cards\">", text(&first.sentence)));
    for c in &first.cards {
        b.push_str(&card(c));
    }
    b.push_str("</div>\n");
    if let Some(bill) = &r.bill {
        b.push_str(&format!(
            "<p class=\"bill\"><strong>{}.</strong></p>\n",
            text(&super::bill::line(bill))
        ));
    }
    b.push_str(&next_steps(r));
    if let Some(m) = &r.monthly {
        b.push_str(&monthly(m));
    }
    if let Some(a) = &r.allocation {
        b.push_str(&format!("<h2>Cost by <code>{}</code></h2>\n", esc(&a.tag)));
        let (header, rows) = super::allocation_table(r, a);
        let header: Vec<(&str, bool)> = header.iter().map(|(h, f)| (h.as_str(), *f)).collect();
        b.push_str(&table(
            &header,
            rows.into_iter().map(|cells| cells.iter().map(|c| esc(&c.text)).collect()),
        ));
        if let Some(note) = &a.note {
            b.push_str(&format!("<p>{}.</p>\n", text(note)));
        }
    }

    b.push_str("<h2>Cluster</h2>\n");
    let rows = cluster_rows(r);
    let last = rows.len() - 2;
    let mut t = String::from("<table>\n<thead><tr><th></th><th class=\"n\">Monthly</th><th>Fleet</th></tr></thead>\n<tbody>\n");
    for (i, [label, monthly, third]) in rows.into_iter().enumerate() {
        t.push_str(&format!(
            "<tr{}><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            if i == last { " class=\"rec\"" } else { "" },
            text(&label.text),
            text(&monthly.text),
            text(&third.text)
        ));
    }
    t.push_str("</tbody>\n</table>\n");
    b.push_str(&t);
    b.push_str(&format!("<p>{}.</p>\n", text(&c.rationale)));

    if !charts.is_empty() {
        b.push_str("<h2>Charts</h2>\n");
        let titles = r.monthly.as_ref().map(|m| m.charts.as_slice()).unwrap_or_default();
        for (name, svg) in charts {
            // The title is drawn in the chart; the caption says how to read it.
            let reading = titles
                .iter()
                .find(|c| c.file == *name)
                .map(|c| c.reading.as_str())
                .unwrap_or_default();
            let caption = if reading.is_empty() {
                String::new()
            } else {
                format!("\n<figcaption>{}</figcaption>", text(reading))
            };
            b.push_str(&format!(
                "<figure id=\"chart-{}\">\n{}{}\n</figure>\n",
                esc(name),
                strip_xml_declaration(svg),
                caption
            ));
        }
    }
    if let Some(bill) = &r.bill {
        b.push_str(&bill_section(bill));
    }
    b.push_str("<h2>Services</h2>\n");
    b.push_str(&table(
        &[
            ("Service", false),
            ("Today", false),
            ("Today /mo", true),
            ("Recommendation", false),
            ("Recommended /mo", true),
            ("Saving /mo", true),
            ("Risk", false),
        ],
        r.services.iter().map(|s| {
            let rec = &s.recommendation;
            vec![
                text(&s.name),
                text(&format!("{} {}", s.launch_type.as_str(), super::size(&s.task_size))),
                text(&s.current_monthly_usd.to_string()),
                text(&format!("{}: {}", rec.action.as_str(), rec.summary)),
                text(&rec.monthly_usd.to_string()),
                text(&rec.savings_monthly_usd.to_string()),
                text(rec.risk.as_str()),
            ]
        }),
    ));
    b.push_str("<h2>Why</h2>\n<ul class=\"why\">\n");
    for s in &r.services {
        b.push_str(&format!(
            "<li><strong>{}</strong>: {}.</li>\n",
            text(&s.name),
            text(&s.recommendation.rationale)
        ));
    }
    b.push_str("</ul>\n");
    b.push_str(&format!(
        "<h2>Method</h2>\n<ul>\n<li>EC2: {}.</li>\n<li>Assumes: {}.</li>\n</ul>\n",
        text(&c.ec2_method),
        text(&assumptions_line(r))
    ));
    if !r.warnings.is_empty() {
        b.push_str("<h2>Warnings</h2>\n<ul>\n");
        for w in &r.warnings {
            b.push_str(&format!("<li>{}</li>\n", text(w)));
        }
        b.push_str("</ul>\n");
    }
    b.push_str(&format!("<p class=\"meta\">{}.</p>\n", text(&r.generated_by)));
    page(&title, &b)
}

/// The "Model vs bill" section: the fleets, the causes of the gaps, every service.
fn bill_section(bill: &crate::report::bill::ModelVsBill) -> String {
    let mut b = String::from("<h2 id=\"model-vs-bill\">Model vs bill</h2>\n");
    b.push_str(&format!("<p>{}.</p>\n", text(&super::bill::source_line(bill))));
    let html = |(header, rows): (Vec<(&str, bool)>, Vec<Vec<super::Cell>>)| {
        table(&header, rows.into_iter().map(|cells| cells.iter().map(|c| text(&c.text)).collect()))
    };
    b.push_str(&html(super::bill::fleet_table(bill)));
    b.push_str("<ul>\n");
    for g in super::bill::gap_lines(bill) {
        b.push_str(&format!("<li>{}</li>\n", text(&g)));
    }
    b.push_str("</ul>\n");
    b.push_str(&html(super::bill::service_table(bill)));
    if !bill.instances.is_empty() {
        b.push_str(&html(super::bill::instance_table(bill)));
        if let Some(more) = super::bill::instances_left(bill) {
            b.push_str(&format!("<p>{}.</p>\n", text(&more)));
        }
    }
    let explained = super::bill::explained(bill);
    if !explained.is_empty() {
        b.push_str("<p>Gaps of 1% or more:</p>\n<ul class=\"why\">\n");
        for (name, why) in explained {
            b.push_str(&format!("<li><strong>{}</strong>: {}.</li>\n", text(&name), text(&why)));
        }
        b.push_str("</ul>\n");
    }
    b
}

/// What to do, the largest saving first: fleet actions, then each service's change.
fn next_steps(r: &Report) -> String {
    let mut b = String::from("<h2>Next steps</h2>\n");
    match nothing_to_change(r) {
        Some(line) => b.push_str(&format!("<p>{}.</p>\n", text(&line))),
        None => {
            b.push_str("<ol class=\"steps\">\n");
            for a in &r.cluster.fleet_actions {
                b.push_str(&format!("<li><strong>Fleet</strong>: {}.</li>\n", text(&fleet_line(a))));
            }
            let (savers, rest) = split_changes(r);
            for s in savers {
                b.push_str(&format!(
                    "<li><strong>{}</strong>: {}.</li>\n",
                    text(&s.name),
                    text(&change_line(s))
                ));
            }
            b.push_str("</ol>\n");
            if !rest.is_empty() {
                b.push_str("<p>Also in the plan, saving nothing by themselves:</p>\n<ul>\n");
                for s in rest {
                    b.push_str(&format!(
                        "<li><strong>{}</strong>: {}.</li>\n",
                        text(&s.name),
                        text(&why_in_plan(s))
                    ));
                }
                b.push_str("</ul>\n");
            }
        }
    }
    b
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn monthly(m: &MonthlyReview) -> String {
    let mut o = String::from("<h2>Month over month</h2>\n");
    let Some(c) = &m.comparison else {
        o.push_str(&format!(
            "<p>{}.</p>\n",
            text(m.comparison_note.as_deref().unwrap_or("no comparison"))
        ));
        return o;
    };
    o.push_str(&format!("<p>{}</p>\n", text(&comparison_line(c, &m.month))));
    let money = |u: Option<Usd>| text(&u.map(|u| u.to_string()).unwrap_or_else(|| "-".into()));
    for (title, up) in [("Largest increases", true), ("Largest decreases", false)] {
        o.push_str(&format!("<h3>{title}</h3>\n"));
        let rows = movers(c, up);
        if rows.is_empty() {
            o.push_str("<p>None.</p>\n");
            continue;
        }
        o.push_str(&table(
            &[
                ("Service", false),
                (&c.previous_month, true),
                (&m.month, true),
                ("Change", true),
                ("", true),
                ("What moved it", false),
            ],
            rows.into_iter().map(|s| {
                vec![
                    text(&s.name),
                    money(s.previous_monthly_usd),
                    money(s.monthly_usd),
                    text(&signed(s.change_usd)),
                    text(&signed_pct(s.change_pct)),
                    text(&s.explanation),
                ]
            }),
        ));
    }
    for line in super::pool_lines(c) {
        o.push_str(&format!("<p>{}.</p>\n", text(&line)));
    }
    o.push_str(&format!("<h3>{}'s recommendations</h3>\n", text(&c.previous_month)));
    let (headline, rows) = super::follow_ups(c);
    if rows.is_empty() {
        o.push_str("<p>It recommended no change.</p>\n");
        return o;
    }
    o.push_str(&format!("<p>{}</p>\n", text(&headline)));
    o.push_str(&table(
        &[
            ("Service", false),
            ("Recommendation", false),
            ("Status", false),
            ("Estimated /mo", true),
            ("Realised /mo", true),
        ],
        rows.iter().map(|f| {
            vec![
                text(&f.who),
                text(&f.what),
                text(f.status),
                text(&f.estimated.to_string()),
                money(f.realised),
            ]
        }),
    ));
    let notes: Vec<String> = rows
        .iter()
        .filter_map(|f| {
            f.note
                .as_ref()
                .map(|n| format!("<li><strong>{}</strong>: {}.</li>", text(&f.who), text(n)))
        })
        .collect();
    if !notes.is_empty() {
        o.push_str(&format!("<ul class=\"notes\">\n{}\n</ul>\n", notes.join("\n")));
    }
    o
}

/// The reports folder's index: every cluster and month present, with its headline figures.
/// `trends`: each cluster's folder with its month-by-month chart as SVG text.
pub fn index(entries: &[IndexEntry], trends: &[(String, String)]) -> String {
    let mut b = String::from("<h1>ECS cost reviews</h1>\n");
    if entries.is_empty() {
        b.push_str("<p>No reports yet.</p>\n");
        return page("ECS cost reviews", &b);
    }
    for (folder, svg) in trends {
        b.push_str(&format!(
            "<figure id=\"trend-{}\">\n{}\n</figure>\n",
            esc(folder),
            strip_xml_declaration(svg)
        ));
    }
    b.push_str(&table(
        &[
            ("Cluster", false),
            ("Month", false),
            ("Region", false),
            ("Today /mo", true),
            ("Recommended /mo", true),
            ("Saving /mo", true),
            ("Plan", false),
            ("Change on the month before", true),
        ],
        entries.iter().map(|e| {
            let r = &e.report;
            let change = r
                .monthly
                .as_ref()
                .and_then(|m| m.comparison.as_ref())
                .map(|c| format!("{} ({})", signed(c.change_usd), signed_pct(c.change_pct)))
                .unwrap_or_else(|| "-".into());
            vec![
                text(&r.cluster_name),
                format!("<a href=\"{0}/{1}/report.html\">{1}</a>", text(&e.folder), text(&e.month)),
                text(&r.region),
                text(&r.cluster.current_monthly_usd.to_string()),
                text(&r.cluster.recommended_monthly_usd.to_string()),
                text(&r.cluster.savings_monthly_usd.to_string()),
                text(r.cluster.recommended_plan.as_str()),
                text(&change),
            ]
        }),
    ));
    page("ECS cost reviews", &b)
}
