//! Output: renders the canonical [`Report`] (and the price catalog) as text. One file per format;
//! every renderer reads only the report, so a saved JSON report renders the same offline. What a
//! table says (its rows and cells) is defined once here; each markup format only lays it out.

pub(crate) mod bill;
pub mod csv;
pub mod gate;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pack;
pub mod patch;
pub mod prices;
pub mod table;

use crate::money::Usd;
use crate::report::{
    Action, Comparison, Compute, FleetAction, FleetLine, FleetStep, OptionKind, Report, ServiceChange, ServiceReport, TaskSize,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
    /// The recommended changes, ready to apply (JSON).
    Patch,
}

/// How to lay text out: the terminal's width for tables, where there is one, and whether the
/// table shows every column (`--wide`) or the compact view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub width: Option<u16>,
    pub wide: bool,
}

pub fn render(report: &Report, format: Format, layout: Layout) -> String {
    match format {
        Format::Table => table::render(report, layout),
        Format::Json => json::render(report),
        Format::Csv => csv::render(report),
        Format::Markdown => markdown::render(report),
        Format::Patch => patch::render(report),
    }
}

/// Several clusters' reports: a JSON array, or the texts one after the other.
pub fn render_all(reports: &[Report], format: Format, layout: Layout) -> String {
    match (reports, format) {
        ([one], _) => render(one, format, layout),
        (_, Format::Json) => {
            let parts: Vec<String> = reports.iter().map(|r| json::render(r).trim_end().to_string()).collect();
            format!("[\n{}\n]\n", parts.join(",\n"))
        }
        (_, Format::Patch) => patch::render_all(reports),
        _ => reports.iter().map(|r| render(r, format, layout)).collect::<Vec<_>>().join("\n"),
    }
}

/// `0.25 vCPU / 0.5 GiB`.
pub(crate) fn size(t: &TaskSize) -> String {
    t.to_string()
}

/// A name from a snapshot made safe to print: control characters (newlines, terminal escape
/// sequences) are shown as escapes, never passed to the terminal or into a table.
pub(crate) fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub(crate) fn money(x: Option<Usd>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// `212 (41%)`: a usage figure and its share of what the task reserves.
pub(crate) fn share(used: Option<f64>, of: u32) -> String {
    match used {
        Some(u) if of > 0 => format!("{:.0} ({:.0}%)", u, 100.0 * u / f64::from(of)),
        Some(u) => format!("{u:.0}"),
        None => "-".into(),
    }
}

pub(crate) fn fleet(lines: &[FleetLine]) -> String {
    if lines.is_empty() {
        return "-".into();
    }
    // Types used only off-peak have no instance at the peak step; their average is in the JSON.
    let at_peak: Vec<String> = lines
        .iter()
        .filter(|l| l.count > 0)
        .map(|l| format!("{} x {}", l.count, l.instance_type))
        .collect();
    let off_peak = lines.len() - at_peak.len();
    let mut s = at_peak.join(", ");
    if off_peak > 0 {
        s.push_str(&format!(" (+{off_peak} types off-peak)"));
    }
    s
}

/// A cell and whether it holds a figure (right-aligned).
pub(crate) struct Cell {
    pub text: String,
    pub figure: bool,
}

fn text(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        figure: false,
    }
}

fn figure(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        figure: true,
    }
}

/// The allocation's table (`--group-by tag:KEY`): its header (the tag's key first; a change
/// column when last month's figures are known) and a row per group, then the total, which is the
/// cluster's.
pub(crate) fn allocation_table(r: &Report, a: &crate::report::Allocation) -> (Vec<(String, bool)>, Vec<Vec<Cell>>) {
    let with_change = a.groups.iter().any(|g| g.change_usd.is_some());
    let mut header = vec![
        (a.tag.clone(), false),
        ("Services".to_string(), true),
        ("Today".to_string(), true),
        ("After".to_string(), true),
        ("Saving".to_string(), true),
    ];
    if with_change {
        header.push(("Change".to_string(), true));
    }
    let mut rows: Vec<Vec<Cell>> = a
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![
                text(g.label()),
                figure(if g.kind == crate::report::GroupKind::Idle {
                    String::new()
                } else {
                    g.services.len().to_string()
                }),
                figure(g.current_monthly_usd.to_string()),
                figure(g.recommended_monthly_usd.to_string()),
                figure(g.savings_monthly_usd.to_string()),
            ];
            if with_change {
                row.push(figure(g.change_usd.map(signed).unwrap_or_else(|| "-".into())));
            }
            row
        })
        .collect();
    let c = &r.cluster;
    let mut total = vec![
        text("Total"),
        figure(r.services.len().to_string()),
        figure(c.current_monthly_usd.to_string()),
        figure(c.recommended_monthly_usd.to_string()),
        figure(c.savings_monthly_usd.to_string()),
    ];
    if with_change {
        let change: Option<Usd> = a.groups.iter().map(|g| g.change_usd).sum();
        total.push(figure(change.map(signed).unwrap_or_else(|| "-".into())));
    }
    rows.push(total);
    (header, rows)
}

/// The per-service table's header, each column with whether it holds figures: fixed columns,
/// then one per option that has one.
pub(crate) fn service_header() -> Vec<(&'static str, bool)> {
    let mut h = vec![
        ("Service", false),
        ("Launch", false),
        ("Task size", false),
        ("CPU p99 (units)", true),
        ("Mem max (MiB)", true),
        ("Current /mo", true),
    ];
    h.extend(OptionKind::ALL.iter().filter_map(|k| k.service_column()).map(|c| (c, true)));
    h.extend([("Recommendation", false), ("Savings /mo", true)]);
    h
}

pub(crate) fn service_row(s: &ServiceReport) -> Vec<Cell> {
    let mut row = vec![
        text(printable(&s.name)),
        text(s.launch_type.as_str()),
        text(size(&s.task_size)),
        figure(share(s.usage.cpu_units_p99, s.task_size.cpu_units)),
        figure(share(s.usage.memory_mib_max, s.task_size.memory_mib)),
        figure(s.current_monthly_usd.to_string()),
    ];
    for kind in OptionKind::ALL.iter().filter(|k| k.service_column().is_some()) {
        let o = s.options.iter().find(|o| o.kind == *kind);
        row.push(figure(match o.and_then(|o| o.monthly_usd.map(|m| (m, o.size))) {
            // The rightsized size beside the first Fargate figure; the others share it.
            Some((m, Some(z))) if *kind == OptionKind::Fargate => format!("{m} ({})", size(&z)),
            Some((m, _)) => m.to_string(),
            None => "-".into(),
        }));
    }
    let r = &s.recommendation;
    row.push(text(format!("{}: {}", r.action.as_str(), r.summary)));
    row.push(figure(r.savings_monthly_usd.to_string()));
    row
}

/// The cluster table's rows: today, every option, the fragmentation, the recommendation.
pub(crate) fn cluster_rows(r: &Report) -> Vec<[Cell; 3]> {
    let c = &r.cluster;
    // Each pool with its idle line: what no service reserved of it.
    let idle = |kind: Compute| {
        c.pools
            .iter()
            .find(|p| p.kind == kind && !p.idle_monthly_usd.cents().is_zero())
            .map(|p| format!(" ({} idle)", p.idle_monthly_usd))
            .unwrap_or_default()
    };
    let ec2 = format!("{}{}", fleet(&c.current_ec2_fleet), idle(Compute::Ec2));
    let mi = format!(
        "{} (Managed Instances{})",
        fleet(&c.current_managed_instances_fleet),
        idle(Compute::ManagedInstances).trim_end_matches(')').replace(" (", ", ")
    );
    let mut rows = vec![[
        text("Current"),
        figure(c.current_monthly_usd.to_string()),
        text(if c.current_managed_instances_fleet.is_empty() {
            ec2
        } else if c.current_ec2_fleet.is_empty() {
            mi
        } else {
            format!("{ec2}; {mi}")
        }),
    ]];
    for o in &c.options {
        let third = match (&o.monthly_usd, o.fleet.is_empty()) {
            (None, _) => o.reason.clone().unwrap_or_default(),
            (Some(_), false) => match &o.reason {
                Some(note) => format!("{} at peak; {note}", fleet(&o.fleet)),
                None => format!("{} at peak", fleet(&o.fleet)),
            },
            (Some(_), true) => o.kind.cluster_note().to_string(),
        };
        rows.push([text(o.kind.cluster_label()), figure(money(o.monthly_usd)), text(third)]);
        if o.kind == OptionKind::Ec2Ideal {
            if let (Some(ecs), Some(ideal)) = (c.ec2_monthly_usd, o.monthly_usd) {
                // Not an option: the gap between the two EC2 rows above, in words.
                rows.push([
                    text("Fragmentation"),
                    figure("-"),
                    text(format!(
                        "EC2 as ECS runs it costs {} a month more than the ideal re-pack: one type per group; each service spread over {} zones; tasks never move; instances go only when empty",
                        ecs - ideal,
                        r.assumptions.ec2.availability_zones
                    )),
                ]);
            }
        }
    }
    rows.push([
        text(format!("Recommended ({})", c.recommended_plan.as_str())),
        figure(c.recommended_monthly_usd.to_string()),
        text(fleet(&c.recommended_ec2_fleet)),
    ]);
    rows.push([text("Savings"), figure(c.savings_monthly_usd.to_string()), text("")]);
    rows
}

/// The services whose recommendation changes something, the largest saving first; those that
/// leave a shared instance pool are its fleet action's ([`fleet_line`]), not steps of their own.
pub(crate) fn changes(r: &Report) -> Vec<&ServiceReport> {
    let in_fleet = |name: &str| r.cluster.fleet_actions.iter().any(|a| a.services.iter().any(|s| s == name));
    let mut v: Vec<&ServiceReport> = r
        .services
        .iter()
        .filter(|s| s.recommendation.action != Action::Keep && !in_fleet(&s.name))
        .collect();
    v.sort_by(|a, b| {
        b.recommendation
            .savings_monthly_usd
            .cmp(&a.recommendation.savings_monthly_usd)
            .then(a.name.cmp(&b.name))
    });
    v
}

/// The recommended changes split in two: those that save money by themselves (the next steps,
/// the largest saving first), and the rest of the plan, which save nothing by themselves.
pub(crate) fn split_changes(r: &Report) -> (Vec<&ServiceReport>, Vec<&ServiceReport>) {
    changes(r).into_iter().partition(|s| {
        s.recommendation.savings_monthly_usd.cents().0.is_sign_positive() && !s.recommendation.savings_monthly_usd.cents().is_zero()
    })
}

/// Why a change that saves nothing by itself is in the plan.
pub(crate) fn why_in_plan(s: &ServiceReport) -> String {
    let r = &s.recommendation;
    if r.action == Action::ReplaceWithSidecar {
        return "a daemon has nothing to run on once its instances go; its sidecars are not priced, so no saving is claimed".into();
    }
    if r.savings_monthly_usd.cents().is_zero() {
        return format!(
            "{}: {}; saves nothing by itself, it goes with the plan",
            r.action.as_str(),
            r.summary
        );
    }
    format!(
        "{}: {}; costs {} a month more by itself, taken along by the plan (its reason is under Why)",
        r.action.as_str(),
        r.summary,
        Usd(-r.savings_monthly_usd.0)
    )
}

/// One recommended change in a sentence: `user-profile`: rightsize to ..., saves $63.79 a month,
/// low risk; over-provisioned; a deploy.
pub(crate) fn change_line(s: &ServiceReport) -> String {
    let r = &s.recommendation;
    let saving = if r.savings_monthly_usd.0.is_sign_negative() && !r.savings_monthly_usd.is_zero() {
        format!("costs {} a month more", Usd(-r.savings_monthly_usd.0))
    } else {
        format!("saves {} a month", r.savings_monthly_usd)
    };
    let mut line = format!("{}: {}; {saving}, {} risk", r.action.as_str(), r.summary, r.risk.as_str());
    if let Some(f) = r.finding {
        line.push_str(&format!("; {}", f.as_str()));
    }
    if r.needs_deploy == Some(true) {
        line.push_str("; needs a deploy");
    }
    line
}

/// A fleet action in a sentence: retire the EC2 fleet (6 x m5.2xlarge): move 5 services
/// (a, b, ...) off it; today $1,681.92 a month for the fleet, after $1,234.56 where they go: saves
/// $447.36.
pub(crate) fn fleet_line(a: &FleetAction) -> String {
    let kind = match a.kind {
        Compute::ManagedInstances => "ECS Managed Instances",
        _ => "EC2",
    };
    let n = a.services.len();
    let who = match n {
        1 => format!("service ({})", a.services.join(", ")),
        _ => format!("{n} services ({})", a.services.join(", ")),
    };
    let saving = if a.savings_monthly_usd.0.is_sign_negative() && !a.savings_monthly_usd.is_zero() {
        format!("costs {} a month more", Usd(-a.savings_monthly_usd.0))
    } else {
        format!("saves {} a month", a.savings_monthly_usd)
    };
    match a.action {
        FleetStep::Retire => format!(
            "retire the {kind} fleet ({}): move its {who} off it, each as its row says; today {} a month for the fleet, after {} where they go: {saving} once its instances are gone, nothing before",
            fleet(&a.instances),
            a.today_monthly_usd,
            a.after_monthly_usd
        ),
        FleetStep::Shrink => format!(
            "shrink the {kind} fleet ({}): move {who} off it, each as its row says; today {} a month of its cost is theirs, after {} where they go: {saving} once the fleet gives up their instances (ECS managed scaling, or fewer instances), nothing before",
            fleet(&a.instances),
            a.today_monthly_usd,
            a.after_monthly_usd
        ),
    }
}

/// Why nothing is recommended, when nothing is.
pub(crate) fn nothing_to_change(r: &Report) -> Option<String> {
    (changes(r).is_empty() && r.cluster.fleet_actions.is_empty()).then(|| {
        format!(
            "Nothing to change: every service already runs at its cheapest size and launch type, or a change would save less than {}% or ${} a month (each service's reason is under Why)",
            r.assumptions.recommend.min_savings_pct, r.assumptions.recommend.min_savings_usd
        )
    })
}

/// The largest increases or decreases of a comparison, at most ten.
pub(crate) fn movers(c: &Comparison, increases: bool) -> Vec<&ServiceChange> {
    c.services
        .iter()
        .filter(|s| {
            if increases {
                s.change_usd.0.is_sign_positive()
            } else {
                s.change_usd.0.is_sign_negative()
            }
        })
        .filter(|s| !s.change_usd.cents().is_zero())
        .take(10)
        .collect()
}

/// A change with its sign: `+$12.30`, `-$4.00`.
pub(crate) fn signed(u: Usd) -> String {
    if u.0.is_sign_negative() && !u.cents().is_zero() {
        format!("-{}", Usd(-u.0))
    } else {
        format!("+{u}")
    }
}

pub(crate) fn signed_pct(p: Option<f64>) -> String {
    match p {
        Some(p) => format!("{p:+.1}%"),
        None => "new".into(),
    }
}

/// The headline of a comparison in a sentence.
pub(crate) fn comparison_line(c: &Comparison, month: &str) -> String {
    format!(
        "What the cluster cost as it ran went from {} in {} to {} in {} ({}, {}).",
        c.previous_monthly_usd,
        c.previous_month,
        c.monthly_usd,
        month,
        signed(c.change_usd),
        signed_pct(c.change_pct)
    )
}

/// What the figures assume, in one sentence.
pub(crate) fn assumptions_line(r: &Report) -> String {
    let a = &r.assumptions;
    format!(
        "CPU p{} + {}% headroom, memory p{} + {}% headroom, at least {} days of data, {} MiB reserved per instance, ENI trunking {}, EC2 only when {}% cheaper, Managed Instances only when {}% cheaper, service changes only when they save {}% and ${} a month{}; {}; monthly = average hourly cost x 730",
        a.rightsizing.cpu_percentile,
        a.rightsizing.cpu_headroom_pct,
        a.rightsizing.memory_percentile,
        a.rightsizing.memory_headroom_pct,
        a.rightsizing.min_data_days,
        a.ec2.reserved_memory_mib,
        if a.ec2.eni_trunking { "on" } else { "off" },
        a.recommend.ec2_min_savings_pct,
        a.managed_instances.min_savings_pct,
        a.recommend.min_savings_pct,
        a.recommend.min_savings_usd,
        if a.ec2.spot_share_pct > 0.0 {
            format!(", {}% of EC2 on Spot at {}% off", a.ec2.spot_share_pct, a.ec2.spot_discount_pct)
        } else {
            String::new()
        },
        a.discounts.describe()
    )
}

/// A pool's name in words: "EC2 fleet", "ECS Managed Instances fleet".
pub(crate) fn pool_name(kind: Compute) -> &'static str {
    match kind {
        Compute::ManagedInstances => "ECS Managed Instances fleet",
        _ => "EC2 fleet",
    }
}

/// Each instance pool that moved between the months, in a sentence: its instances, its cost and
/// its idle line (what no service reserved).
pub(crate) fn pool_lines(c: &Comparison) -> Vec<String> {
    c.pools
        .iter()
        .map(|p| {
            format!(
                "The {} ({} -> {}) went from {} to {} a month; of that, no service reserved {} -> {} (its idle line: a service's share does not rise when others leave, this does)",
                pool_name(p.kind),
                fleet(&p.previous_instances),
                fleet(&p.instances),
                p.previous_monthly_usd,
                p.monthly_usd,
                p.previous_idle_monthly_usd,
                p.idle_monthly_usd
            )
        })
        .collect()
}

/// The first screen of a report, for a reader who reads nothing else: one sentence and four
/// figures (the cost, its change from last month, the saving available and its share of spend,
/// the saving realised of last month's recommendations).
pub(crate) struct FirstScreen {
    pub sentence: String,
    pub cards: [Card; 4],
}

/// One of the first screen's figures: its label, the figure, and what qualifies it ("+3.5%",
/// "21% of spend"), which HTML sets smaller under the figure.
pub(crate) struct Card {
    pub label: &'static str,
    pub figure: String,
    pub note: Option<String>,
}

impl Card {
    /// The figure and its note on one line: "$1,007.40 (21% of spend)".
    pub fn line(&self) -> String {
        match &self.note {
            Some(note) => format!("{} ({note})", self.figure),
            None => self.figure.clone(),
        }
    }
}

pub(crate) fn first_screen(r: &Report) -> FirstScreen {
    let c = &r.cluster;
    let cost = c.current_monthly_usd;
    let available = c.savings_monthly_usd;
    let share = (!cost.is_zero()).then(|| format!("{:.0}% of spend", available.to_f64() / cost.to_f64() * 100.0));
    let comparison = r.monthly.as_ref().and_then(|m| m.comparison.as_ref());
    let month = r
        .monthly
        .as_ref()
        .and_then(|m| crate::domain::Month::parse(&m.month).ok())
        .map(|m| m.words());
    let saving = if available.0.is_sign_negative() || available.cents().is_zero() {
        "nothing recommended would save money".to_string()
    } else {
        let share = share.as_ref().map(|s| format!(" ({s})")).unwrap_or_default();
        format!("the recommendations would save {available} a month{share}")
    };
    let sentence = match (comparison, &month) {
        (Some(cmp), Some(month)) => {
            let change = cmp.change_usd;
            let moved = if change.cents().is_zero() {
                format!("the same as {}", cmp.previous_month)
            } else {
                format!(
                    "{} ({}) {} than {}",
                    Usd(change.0.abs()),
                    signed_pct(cmp.change_pct),
                    if change.0.is_sign_negative() { "less" } else { "more" },
                    cmp.previous_month
                )
            };
            let done = crate::review::compare::realised(cmp);
            let realised_words = if cmp.follow_ups.is_empty() && cmp.fleet_follow_ups.is_empty() {
                String::new()
            } else if done.0.is_sign_negative() && !done.cents().is_zero() {
                format!(
                    "; {}'s recommendations carried out so far cost {} a month more",
                    cmp.previous_month,
                    Usd(-done.0)
                )
            } else {
                format!(
                    "; {}'s recommendations carried out so far realise {done} a month",
                    cmp.previous_month
                )
            };
            format!(
                "In {month}, `{}` cost {cost} a month as it ran, {moved}; {saving}{realised_words}.",
                r.cluster_name
            )
        }
        (_, Some(month)) => format!("In {month}, `{}` cost {cost} a month as it ran; {saving}.", r.cluster_name),
        _ => format!("`{}` costs {cost} a month as it runs; {saving}.", r.cluster_name),
    };
    let card = |label, figure: String, note: Option<String>| Card { label, figure, note };
    let change = match comparison {
        Some(cmp) => card("Change from last month", signed(cmp.change_usd), Some(signed_pct(cmp.change_pct))),
        None => card("Change from last month", "no earlier month".into(), None),
    };
    let done = comparison
        .filter(|cmp| !cmp.follow_ups.is_empty() || !cmp.fleet_follow_ups.is_empty())
        .map(|cmp| crate::review::compare::realised(cmp).to_string())
        .unwrap_or_else(|| "-".into());
    FirstScreen {
        sentence,
        cards: [
            card("Cost, a month", cost.to_string(), None),
            change,
            card("Saving available, a month", available.to_string(), share),
            card("Saving realised, a month", done, None),
        ],
    }
}

/// One row of last month's recommendations, a service's or a fleet's.
pub(crate) struct FollowUpRow {
    pub who: String,
    pub what: String,
    pub status: &'static str,
    pub estimated: Usd,
    pub realised: Option<Usd>,
    pub note: Option<String>,
}

/// Last month's recommendations, fleet actions first, with the headline sentence over them:
/// how many were carried out, what that realised, what is still open by last month's estimate.
pub(crate) fn follow_ups(c: &Comparison) -> (String, Vec<FollowUpRow>) {
    use crate::report::{FleetFollowUpStatus, FollowUpStatus};
    let mut rows = Vec::new();
    let (mut done, mut open_usd) = (0, Usd::ZERO);
    let realised = crate::review::compare::realised(c);
    for f in &c.fleet_follow_ups {
        let step = match f.action {
            FleetStep::Retire => "retire",
            FleetStep::Shrink => "shrink",
        };
        let n = f.services.len();
        done += usize::from(f.status == FleetFollowUpStatus::Done);
        if f.status != FleetFollowUpStatus::Done {
            open_usd += f.estimated_savings_usd;
        }
        let measured = f.realised_savings_usd.map(|_| {
            format!(
                "measured on the fleet: it cost {} a month last month and {} now; the {} service{} that moved cost {} now",
                f.previous_pool_monthly_usd,
                f.pool_monthly_usd,
                f.moved.len(),
                if f.moved.len() == 1 { "" } else { "s" },
                f.moved_monthly_usd
            )
        });
        let note = match (measured, &f.remains) {
            (Some(m), Some(r)) => Some(format!("{m}; {r}")),
            (m, r) => m.or_else(|| r.clone()),
        };
        rows.push(FollowUpRow {
            who: format!("{} ({})", pool_name(f.kind), fleet(&f.previous_instances)),
            what: format!(
                "{step} the fleet: move {n} service{} off it ({} moved)",
                if n == 1 { "" } else { "s" },
                f.moved.len()
            ),
            status: f.status.as_str(),
            estimated: f.estimated_savings_usd,
            realised: f.realised_savings_usd,
            note,
        });
    }
    for f in &c.follow_ups {
        done += usize::from(f.status == FollowUpStatus::Done);
        if f.status == FollowUpStatus::Open {
            open_usd += f.estimated_savings_usd;
        }
        rows.push(FollowUpRow {
            who: f.service.clone(),
            what: format!("{}: {}", f.action.as_str(), f.summary),
            status: f.status.as_str(),
            estimated: f.estimated_savings_usd,
            realised: f.realised_savings_usd,
            note: f.note.clone(),
        });
    }
    let realising = if realised.0.is_sign_negative() && !realised.cents().is_zero() {
        format!("costing {} a month more so far", Usd(-realised.0))
    } else {
        format!("realising {realised} a month")
    };
    let headline = format!(
        "Carried out: {done} of {}, {realising}; still open: {open_usd} a month by last month's estimate.",
        rows.len()
    );
    (headline, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Next steps listed $0.00 items and moves that cost money among the savings: those are
    /// listed apart, each with why it is in the plan.
    #[test]
    fn next_steps_list_what_saves_money_and_the_rest_apart_with_its_reason() {
        use crate::recommend::tests::{analyze, service, steady, task_definition};
        use crate::snapshot::inventory::LaunchType;
        let mut r = analyze(&steady(
            vec![
                (service("big", Some(LaunchType::Fargate), 2), task_definition("big", 2048, 4096)),
                (service("mover", Some(LaunchType::Fargate), 1), task_definition("mover", 256, 512)),
            ],
            0.1,
        ));
        // As if the plan moved `mover` at a cost of $5 a month.
        let rec = &mut r.services[1].recommendation;
        rec.action = Action::MoveToEc2;
        rec.savings_monthly_usd = Usd::ZERO - Usd(rust_decimal::Decimal::from(5));
        let md = render(&r, Format::Markdown, Layout::default());
        let steps = &md[md.find("## Next steps").unwrap()..md.find("## Services").unwrap()];
        assert!(steps.contains("1. **big**: rightsize"), "{steps}");
        assert!(!steps.contains("2. **mover**"), "{steps}");
        assert!(
            steps.contains("Also in the plan, saving nothing by themselves:\n\n- **mover**: move-to-ec2")
                && steps.contains("costs $5.00 a month more by itself"),
            "{steps}"
        );
    }

    #[test]
    fn service_names_with_newlines_or_terminal_escapes_are_printed_escaped() {
        let mut snapshot = crate::sources::demo::generate();
        snapshot.inventory.services[0].name = "evil\n\u{1b}[31mred|x".into();
        let catalog = crate::pricing::Catalog::bundled().unwrap();
        let report = crate::recommend::analyze(&snapshot, &catalog, &crate::config::Assumptions::default()).unwrap();
        for format in [Format::Table, Format::Markdown] {
            let text = render(&report, format, Layout::default());
            assert!(!text.contains('\u{1b}'), "{format:?}: no raw escape reaches the terminal");
            assert!(text.contains("evil\\n\\u{1b}[31mred"), "{format:?}");
        }
        let md = render(&report, Format::Markdown, Layout::default());
        assert!(md.contains("red\\|x"), "a pipe cannot break a Markdown table");
    }
}
