//! The "Model vs bill" section (`--bill`), as every format shows it: a line for the first screen,
//! a table of fleets, a table of services and the named gaps. Figures are over the window's hours.

use super::{figure, text, Cell};
use crate::money::Usd;
use crate::report::bill::{BilledFleet, BilledWhere, ModelVsBill};

fn pct(p: Option<f64>) -> String {
    match p {
        Some(p) if p.abs() < 0.005 => "0.00%".into(),
        Some(p) => format!("{p:+.2}%"),
        None => "-".into(),
    }
}

fn money(u: Option<Usd>) -> String {
    u.map(|u| u.to_string()).unwrap_or_else(|| "-".into())
}

fn signed(u: Usd) -> String {
    super::signed(u)
}

/// The first screen's line: "Over the window's 720 hours: modelled $X, billed $Y at list (Z%
/// apart), $W effective."
pub(crate) fn line(b: &ModelVsBill) -> String {
    let t = &b.total;
    format!(
        "Model vs bill over the window's {:.0} hours: modelled {}, billed {} at list ({} apart), {} after discounts",
        b.hours,
        t.modelled_usd,
        t.list_usd,
        t.gap_pct.map(|p| format!("{:.2}%", p.abs())).unwrap_or_else(|| "-".into()),
        t.effective_usd
    )
}

/// What the export was and how much of it was read.
pub(crate) fn source_line(b: &ModelVsBill) -> String {
    format!(
        "From `{}` ({}): {} of {} row groups read, {} rows of the cluster in the window of {} rows",
        b.source,
        if b.format == "focus" { "FOCUS" } else { "CUR 2.0" },
        b.read.row_groups_read,
        b.read.row_groups,
        b.read.rows_matched,
        b.read.rows
    )
}

fn fleet_name(f: &BilledFleet) -> &str {
    match f.fleet.as_str() {
        "fargate" => "Fargate",
        "ec2" => "EC2 instances",
        "managed-instances" => "Managed Instances",
        "total" => "Total",
        other => other,
    }
}

/// The fleets' table, the total last. "Billed" is at list (public on-demand) prices, as the
/// model prices; "Effective" after Savings Plans, Reserved Instances and credits.
pub(crate) fn fleet_table(b: &ModelVsBill) -> (Vec<(&'static str, bool)>, Vec<Vec<Cell>>) {
    let header = vec![
        ("Fleet", false),
        ("Modelled", true),
        ("Billed", true),
        ("Effective", true),
        ("Gap", true),
        ("Gap %", true),
    ];
    let rows = b
        .fleets
        .iter()
        .chain(std::iter::once(&b.total))
        .map(|f| {
            vec![
                text(fleet_name(f)),
                figure(f.modelled_usd.to_string()),
                figure(f.list_usd.to_string()),
                figure(f.effective_usd.to_string()),
                figure(signed(f.gap_usd)),
                figure(pct(f.gap_pct)),
            ]
        })
        .collect();
    (header, rows)
}

/// The services' table: the report's, then those only the bill has.
pub(crate) fn service_table(b: &ModelVsBill) -> (Vec<(&'static str, bool)>, Vec<Vec<Cell>>) {
    let header = vec![
        ("Service", false),
        ("Runs on", false),
        ("Modelled", true),
        ("Billed", true),
        ("Effective", true),
        ("Unused", true),
        ("Gap", true),
        ("Gap %", true),
    ];
    let rows = b
        .services
        .iter()
        .map(|s| {
            vec![
                text(&s.name),
                text(match s.runs_on {
                    BilledWhere::Fargate => "Fargate",
                    BilledWhere::Ec2 => "EC2",
                    BilledWhere::ManagedInstances => "Managed Instances",
                    BilledWhere::NotInSnapshot => "not in the snapshot",
                }),
                figure(money(s.modelled_usd)),
                figure(money(s.list_usd)),
                figure(money(s.effective_usd)),
                figure(money(s.unused_usd)),
                figure(s.gap_usd.map(signed).unwrap_or_else(|| "-".into())),
                figure(pct(s.gap_pct)),
            ]
        })
        .collect();
    (header, rows)
}

/// The gaps' causes, largest first, and the notes.
pub(crate) fn gap_lines(b: &ModelVsBill) -> Vec<String> {
    b.gaps.iter().map(|g| g.text.clone()).chain(b.notes.iter().cloned()).collect()
}

/// The services whose gap is not the estimate's (over 1% either way), with why.
pub(crate) fn explained(b: &ModelVsBill) -> Vec<(String, String)> {
    b.services
        .iter()
        .filter(|s| s.gap_pct.is_none_or(|p| p.abs() >= crate::bill::reconcile::CLOSE_PCT))
        .map(|s| (s.name.clone(), s.explanation.clone()))
        .collect()
}

/// Instances shown in a table; the rest are in `report.json`.
pub(crate) const INSTANCES_SHOWN: usize = 100;

/// The instances' table (the first [`INSTANCES_SHOWN`]).
pub(crate) fn instance_table(b: &ModelVsBill) -> (Vec<(&'static str, bool)>, Vec<Vec<Cell>>) {
    let header = vec![
        ("Instance", false),
        ("Type", false),
        ("Fleet", false),
        ("Hours", true),
        ("Modelled", true),
        ("Billed", true),
        ("Effective", true),
        ("Gap", true),
    ];
    let rows = b
        .instances
        .iter()
        .take(INSTANCES_SHOWN)
        .map(|i| {
            vec![
                text(&i.id),
                text(i.instance_type.as_deref().unwrap_or("not in the snapshot")),
                text(match i.fleet {
                    crate::report::Compute::ManagedInstances => "Managed Instances",
                    _ => "EC2",
                }),
                figure(format!("{:.0}", i.hours)),
                figure(money(i.modelled_usd)),
                figure(i.list_usd.to_string()),
                figure(i.effective_usd.to_string()),
                figure(signed(i.gap_usd)),
            ]
        })
        .collect();
    (header, rows)
}

/// "and N more instances in report.json", where the table leaves some out.
pub(crate) fn instances_left(b: &ModelVsBill) -> Option<String> {
    (b.instances.len() > INSTANCES_SHOWN).then(|| format!("and {} more instances in report.json", b.instances.len() - INSTANCES_SHOWN))
}
