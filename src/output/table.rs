//! The terminal view. By default a compact table that fits an 80-column terminal: one row per
//! service (today, after the recommendation, the saving, the risk, the action), the largest saving
//! first, with a total; then the cluster's options, why the plan was chosen and what the figures
//! assume. `--wide` keeps every column (usage, every option). On a terminal the tables and the
//! sentences wrap to its width; elsewhere (a pipe, `--out`) nothing wraps and the tables keep
//! their natural width.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, Width};

use super::{assumptions_line, cluster_rows, service_header, service_row, size, Cell, Layout};
use crate::domain::{Capacity, Platform};
use crate::money::Usd;
use crate::report::{Action, Compute, Report, ServiceReport};

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
    arrange(&mut t, layout);
    t
}

fn arrange(t: &mut Table, layout: Layout) {
    match layout.width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic).set_width(w);
        }
        None => {
            t.force_no_tty();
        }
    }
}

pub fn render(r: &Report, layout: Layout) -> String {
    let mut out = wrap(
        &format!(
            "ecs-advisor: cluster `{}` in {}, {} days from {} ({}-second steps), prices {} ({})",
            super::printable(&r.cluster_name),
            r.region,
            r.window.days(),
            r.window.start.format("%Y-%m-%d"),
            r.window.step_seconds,
            r.prices.as_of,
            r.prices.region_source
        ),
        layout,
    );
    out.push('\n');
    if layout.wide {
        out.push_str(&wide_services(r, layout));
    } else {
        out.push_str("Per service, USD a month, the largest saving first:\n\n");
        out.push_str(&compact_services(r, layout));
    }
    out.push_str("\n\n");
    if let Some(a) = &r.allocation {
        out.push_str(&format!("By tag `{}`, USD a month:\n\n", super::printable(&a.tag)));
        let (header, rows) = super::allocation_table(r, a);
        let header: Vec<(&str, bool)> = header.iter().map(|(h, f)| (h.as_str(), *f)).collect();
        out.push_str(&compact_table(&header, rows, layout));
        out.push_str("\n\n");
        if let Some(note) = &a.note {
            out.push_str(&wrap(&format!("note: {}", super::printable(note)), layout));
        }
    }

    if let Some(b) = &r.bill {
        out.push_str(&bill(b, layout));
    }

    let mut t = table(layout);
    t.set_header(vec!["Cluster", "Monthly", "Fleet"]);
    for row in cluster_rows(r) {
        t.add_row(row.into_iter().map(cell));
    }
    if !layout.wide {
        t.load_style(COMPACT_STYLE);
        for (i, padding) in [(0, (0, 0)), (1, (2, 0)), (2, (2, 0))] {
            if let Some(col) = t.column_mut(i) {
                col.set_padding(padding);
            }
        }
    }
    if layout.width.is_some() {
        for i in 0..2 {
            if let Some(c) = t.column_mut(i) {
                c.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    out.push_str(&t.trim_fmt());
    out.push_str("\n\n");
    out.push_str(&wrap(&format!("Why: {}.", r.cluster.rationale), layout));
    for a in &r.cluster.fleet_actions {
        out.push_str(&wrap(&format!("Fleet: {}.", super::fleet_line(a)), layout));
    }
    if layout.wide {
        out.push_str(&wrap(&format!("EC2 simulation: {}.", r.cluster.ec2_method), layout));
    }
    out.push_str(&wrap(&format!("Assumes: {}.", assumptions_line(r)), layout));
    for w in &r.warnings {
        out.push_str(&wrap(&format!("warning: {}", super::printable(w)), layout));
    }
    if !layout.wide {
        out.push_str(&wrap(
            "Every column (usage, each option): --wide; each recommendation's figures and reasons: --output markdown or json.",
            layout,
        ));
    }
    out
}

/// A table of figures without rules: the first column flush left, the figures right-aligned
/// and never wrapped.
fn compact_table(header: &[(&str, bool)], rows: Vec<Vec<Cell>>, layout: Layout) -> String {
    let mut t = Table::new();
    t.load_style(COMPACT_STYLE);
    arrange(&mut t, layout);
    t.set_header(header.iter().map(|(h, figure)| {
        cell(Cell {
            text: super::printable(h),
            figure: *figure,
        })
    }));
    for row in rows {
        t.add_row(row.into_iter().map(|c| {
            cell(Cell {
                text: super::printable(&c.text),
                ..c
            })
        }));
    }
    for i in 0..header.len() {
        if let Some(col) = t.column_mut(i) {
            col.set_padding(if i == 0 { (0, 0) } else { (2, 0) });
            // The figures never wrap; a long value may.
            if i > 0 && layout.width.is_some() {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    t.trim_fmt()
}

/// `--bill`: the fleets beside the bill, the gaps' causes, and (wide) every service.
fn bill(b: &crate::report::bill::ModelVsBill, layout: Layout) -> String {
    let mut out = wrap(&format!("{}:", super::bill::line(b)), layout);
    out.push('\n');
    let (header, rows) = super::bill::fleet_table(b);
    out.push_str(&compact_table(&header, rows, layout));
    out.push_str("\n\n");
    if layout.wide {
        let (header, rows) = super::bill::service_table(b);
        out.push_str(&compact_table(&header, rows, layout));
        out.push_str("\n\n");
    }
    for g in super::bill::gap_lines(b) {
        out.push_str(&wrap(&format!("- {}", super::printable(&g)), layout));
    }
    out.push_str(&wrap(
        &format!("{}; every service: --wide or --output markdown.", super::bill::source_line(b)),
        layout,
    ));
    out.push('\n');
    out
}

/// Every column: usage, each option, the recommendation in words.
fn wide_services(r: &Report, layout: Layout) -> String {
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
    t.to_string()
}

/// A line under the header and nothing else; columns apart by their padding, so six columns fit
/// 80 characters.
const COMPACT_STYLE: TableStyle = TableStyle::new().header_separator(LineStyle::none().fill('─'));

/// One row per service, the largest saving first, and the total: what fits a terminal.
fn compact_services(r: &Report, layout: Layout) -> String {
    let mut services: Vec<&ServiceReport> = r.services.iter().collect();
    services.sort_by(|a, b| {
        b.recommendation
            .savings_monthly_usd
            .cmp(&a.recommendation.savings_monthly_usd)
            .then(a.name.cmp(&b.name))
    });
    let mut t = Table::new();
    t.load_style(COMPACT_STYLE);
    arrange(&mut t, layout);
    t.set_header(vec![
        comfy_table::Cell::new("Service"),
        comfy_table::Cell::new("Today").set_alignment(CellAlignment::Right),
        comfy_table::Cell::new("After").set_alignment(CellAlignment::Right),
        comfy_table::Cell::new("Saving").set_alignment(CellAlignment::Right),
        comfy_table::Cell::new("Risk"),
        comfy_table::Cell::new("Action"),
    ]);
    let money = |u: Usd| comfy_table::Cell::new(u.to_string()).set_alignment(CellAlignment::Right);
    let row = |name: String, today: Usd, after: Usd, saving: Usd, risk: &str, action: String| {
        vec![
            comfy_table::Cell::new(name),
            money(today),
            money(after),
            money(saving),
            comfy_table::Cell::new(risk),
            comfy_table::Cell::new(action),
        ]
    };
    let (mut today, mut after) = (Usd::ZERO, Usd::ZERO);
    for s in &services {
        let rec = &s.recommendation;
        today += s.current_monthly_usd;
        after += rec.monthly_usd;
        t.add_row(row(
            super::printable(&s.name),
            s.current_monthly_usd,
            rec.monthly_usd,
            rec.savings_monthly_usd,
            rec.risk.as_str(),
            compact_action(s, layout),
        ));
    }
    let c = &r.cluster;
    // An instance pool costs more than its services' shares: what no service reserved (today's
    // idle line; in an EC2 plan, the fleet's room beyond its services' shares).
    let (fleet_today, fleet_after) = (c.current_monthly_usd - today, c.recommended_monthly_usd - after);
    if !fleet_today.cents().is_zero() || !fleet_after.cents().is_zero() {
        t.add_row(row(
            "(idle instances)".into(),
            fleet_today,
            fleet_after,
            fleet_today - fleet_after,
            "",
            "instance capacity no service reserved".into(),
        ));
    }
    t.add_row(row(
        "Total".into(),
        c.current_monthly_usd,
        c.recommended_monthly_usd,
        c.savings_monthly_usd,
        "",
        format!("{} services; plan: {}", services.len(), c.recommended_plan.as_str()),
    ));
    for (i, padding) in [(0, (0, 0)), (1, (2, 0)), (2, (2, 0)), (3, (2, 0)), (4, (2, 0)), (5, (2, 0))] {
        if let Some(col) = t.column_mut(i) {
            col.set_padding(padding);
        }
    }
    if let Some(w) = layout.width {
        // The figures never wrap; a long name may, to two lines; the action takes what is left.
        for i in 1..5 {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        let longest = services
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("Total".len());
        let name_width = longest.min(usize::from((w / 4).max(16))) as u16;
        if let Some(col) = t.column_mut(0) {
            col.set_constraint(ColumnConstraint::Absolute(Width::Fixed(name_width)));
        }
    }
    t.trim_fmt()
}

/// The action in a few words: what changes, not what stays. On a terminal the size is held
/// together by no-break spaces, so a wrapped action breaks before it, not inside it.
fn compact_action(s: &ServiceReport, layout: Layout) -> String {
    let rec = &s.recommendation;
    let Some(target) = &rec.target else {
        return rec.action.as_str().replace('-', " ");
    };
    if rec.action == Action::Keep {
        return "keep".into();
    }
    let verb = match rec.action {
        Action::MoveToFargate => "move to Fargate",
        Action::MoveToEc2 => "move to EC2",
        Action::MoveToManagedInstances => "move to Managed Instances",
        Action::Rightsize => "rightsize to",
        _ => "switch to",
    };
    let mut words = vec![verb.to_string()];
    if target.platform != s.platform || (rec.action == Action::MoveToFargate && target.platform != Platform::LinuxX86) {
        words.push(
            match target.platform {
                Platform::LinuxArm => "ARM",
                Platform::LinuxX86 => "x86",
                Platform::Windows => "Windows",
            }
            .into(),
        );
    }
    if target.capacity == Capacity::Spot {
        words.push(match target.spot_share_pct {
            Some(p) if p < 100.0 => format!("{p:.0}% Spot"),
            _ => "Spot".into(),
        });
    }
    if target.compute == Compute::Ec2 && rec.action != Action::MoveToEc2 {
        words.push("EC2".into());
    }
    if target.compute == Compute::ManagedInstances && rec.action != Action::MoveToManagedInstances {
        words.push("Managed Instances".into());
    }
    let size = size(&crate::report::TaskSize {
        cpu_units: target.cpu_units,
        memory_mib: target.memory_mib,
    });
    words.push(if layout.width.is_some() {
        size.replace(' ', "\u{a0}")
    } else {
        size
    });
    words.join(" ")
}

/// A sentence wrapped to the terminal's width (continuation lines indented by two), or as it is
/// when there is no terminal. Ends with a newline.
fn wrap(text: &str, layout: Layout) -> String {
    const INDENT: &str = "  ";
    let Some(width) = layout.width.map(usize::from).filter(|w| *w >= 20) else {
        return format!("{text}\n");
    };
    let mut out = String::new();
    let mut line = String::new();
    let mut len = 0;
    // Whether the line holds a word yet (a continuation line starts with the indent only).
    let mut has_word = false;
    let mut flush = |line: &mut String, len: &mut usize, has_word: &mut bool| {
        out.push_str(line.trim_end());
        out.push('\n');
        *line = INDENT.to_string();
        *len = INDENT.len();
        *has_word = false;
    };
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() {
            let sep = usize::from(has_word);
            if len + sep + rest.len() <= width {
                if has_word {
                    line.push(' ');
                }
                line.extend(rest.drain(..));
                len = line.chars().count();
                has_word = true;
            } else if has_word {
                flush(&mut line, &mut len, &mut has_word);
            } else {
                // A word longer than a whole line is cut.
                let room = width - len;
                line.extend(rest.drain(..room));
                flush(&mut line, &mut len, &mut has_word);
            }
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_never_pass_the_width() {
        let text = "word ".repeat(40) + &"x".repeat(130) + " end " + &"y".repeat(80) + " z";
        for width in [20u16, 21, 33, 80] {
            let out = wrap(
                &text,
                Layout {
                    width: Some(width),
                    wide: false,
                },
            );
            for line in out.lines() {
                assert!(line.chars().count() <= usize::from(width), "{width}: {line:?}");
            }
            let joined: String = out.split_whitespace().collect();
            let expected: String = text.split_whitespace().collect();
            assert_eq!(joined, expected, "no text is lost");
        }
        assert_eq!(wrap("a b", Layout::default()), "a b\n");
    }
}
