//! What each chart shows, read off a saved report and nothing else: plain numbers and labels,
//! pinned by snapshot tests, so the drawing code only draws.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::money::Usd;
use crate::report::{option_usd, OptionKind, Report, SeriesKind};

/// The line or bar a figure belongs to, which fixes its colour in every chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tone {
    Current,
    Fargate,
    FargateArm,
    FargateSpot,
    Ec2,
    Ec2Ideal,
    Ec2EniTrunking,
    ManagedInstances,
    Recommended,
    Saving,
    Increase,
    Used,
    UsedPeak,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub usd: f64,
    pub tone: Tone,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub label: String,
    pub tone: Tone,
    pub points: Vec<f64>,
}

/// One figure over the months.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendLine {
    pub label: String,
    pub tone: Tone,
    pub points: Vec<Option<f64>>,
}

/// A cluster's months on file, oldest first: what it cost as it ran, what the recommended plan
/// would have cost, and what last month's recommendations realised.
pub fn trend(cluster: &str, months: &[(&str, &Report)]) -> ChartData {
    let point = |f: &dyn Fn(&Report) -> Option<Usd>| -> Vec<Option<f64>> {
        months.iter().map(|(_, r)| f(r).map(|u| round_cents(u.to_f64()))).collect()
    };
    ChartData {
        name: "trend",
        title: format!("Cluster {cluster}, month by month"),
        subtitle: "USD a month: cost as it ran, as the recommended plan, and realised of the month before's recommendations".into(),
        reading: "Each month on file: what the cluster cost as it ran, what the plan recommended that month would have cost, and what the month before's recommendations realised.",
        body: Body::Trend {
            months: months.iter().map(|(m, _)| m.to_string()).collect(),
            lines: vec![
                TrendLine {
                    label: "cost as it ran".into(),
                    tone: Tone::Current,
                    points: point(&|r| Some(r.cluster.current_monthly_usd)),
                },
                TrendLine {
                    label: "as recommended".into(),
                    tone: Tone::Recommended,
                    points: point(&|r| Some(r.cluster.recommended_monthly_usd)),
                },
                TrendLine {
                    label: "realised".into(),
                    tone: Tone::Saving,
                    points: point(&|r| {
                        r.monthly
                            .as_ref()
                            .and_then(|m| m.comparison.as_ref())
                            .map(crate::review::compare::realised)
                    }),
                },
            ],
        },
    }
}

/// One service's CPU and memory use against its reservation, in percent of today's task size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageRow {
    pub service: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub cpu_p50_pct: Option<f64>,
    pub cpu_p99_pct: Option<f64>,
    pub memory_p50_pct: Option<f64>,
    pub memory_p99_pct: Option<f64>,
    /// The recommended size, in percent of today's.
    pub cpu_new_pct: Option<f64>,
    pub memory_new_pct: Option<f64>,
}

/// One group of the allocation: its monthly cost today and after the recommended plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupBars {
    pub label: String,
    pub today_usd: f64,
    pub after_usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub label: String,
    /// Change in the monthly figure: negative is a saving.
    pub delta_usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// Monthly figures side by side.
    Bars { bars: Vec<Bar> },
    /// Hourly lines from `start`, in dollars per hour.
    Hourly { start: DateTime<Utc>, lines: Vec<Line> },
    /// Reserved against used, per service.
    Usage { rows: Vec<UsageRow> },
    /// Allocated against available, per hour: CPU units and MiB.
    Fleet {
        start: DateTime<Utc>,
        cpu_allocated: Vec<f64>,
        cpu_available: Vec<f64>,
        memory_allocated: Vec<f64>,
        memory_available: Vec<f64>,
    },
    /// Figures month by month: a line per figure, a point per month (`None`: no figure that
    /// month).
    Trend { months: Vec<String>, lines: Vec<TrendLine> },
    /// From today's monthly cost to the recommended one, step by step.
    Waterfall { start_usd: f64, steps: Vec<Step>, end_usd: f64 },
    /// Today against after the plan, a pair of bars per group (`--group-by tag:KEY`).
    Groups { groups: Vec<GroupBars> },
    /// The EC2 figure as a function of packing utilisation, against Fargate.
    BreakEven {
        fargate_usd: f64,
        /// The part of the EC2 figure that no packing changes (services an EC2 plan leaves on
        /// Fargate).
        fixed_usd: f64,
        ec2_usd: f64,
        /// The simulated fleet's utilisation of its binding resource, 0 to 1.
        utilisation: f64,
        /// Where EC2 costs what Fargate does, when it can.
        break_even: Option<f64>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartData {
    /// File stem: `monthly-cost`.
    pub name: &'static str,
    pub title: String,
    pub subtitle: String,
    /// How to read it, in a sentence: the caption under the chart in a report. The title names
    /// the chart; this says what to look at.
    pub reading: &'static str,
    pub body: Body,
}

/// Services drawn by name in the per-service charts; the rest are grouped.
pub const TOP_SERVICES: usize = 10;
/// Services in the usage chart, the costliest first.
pub const USAGE_SERVICES: usize = 15;

/// Every chart the report has data for, in reading order.
pub fn charts(r: &Report) -> Vec<ChartData> {
    let mut out = vec![monthly_cost(r)];
    out.extend(hourly_cost(r));
    out.push(usage(r));
    out.extend(fleet(r));
    out.push(waterfall(r));
    out.extend(break_even(r));
    out.extend(allocation(r));
    out
}

/// Tag values drawn by name in the allocation chart; the rest are one pair of bars.
pub const TOP_GROUPS: usize = 10;

/// The cost by a tag's values, today and after the plan: the costliest values by name, the rest
/// together, then the untagged services and idle capacity.
fn allocation(r: &Report) -> Option<ChartData> {
    use crate::report::GroupKind;
    let a = r.allocation.as_ref()?;
    let bars = |label: String, today: Usd, after: Usd| GroupBars {
        label,
        today_usd: round_cents(today.to_f64()),
        after_usd: round_cents(after.to_f64()),
    };
    let tagged: Vec<_> = a.groups.iter().filter(|g| g.kind == GroupKind::Tagged).collect();
    let mut groups: Vec<GroupBars> = tagged
        .iter()
        .take(TOP_GROUPS)
        .map(|g| bars(g.label(), g.current_monthly_usd, g.recommended_monthly_usd))
        .collect();
    if tagged.len() > TOP_GROUPS {
        let rest = &tagged[TOP_GROUPS..];
        groups.push(bars(
            format!("{} other values", rest.len()),
            rest.iter().map(|g| g.current_monthly_usd).sum(),
            rest.iter().map(|g| g.recommended_monthly_usd).sum(),
        ));
    }
    groups.extend(
        a.groups
            .iter()
            .filter(|g| g.kind != GroupKind::Tagged)
            .map(|g| bars(g.label(), g.current_monthly_usd, g.recommended_monthly_usd)),
    );
    Some(ChartData {
        name: "cost-by-tag",
        title: format!("Cost by {}", a.tag),
        subtitle: format!(
            "Cluster {}, USD a month: today and after the recommended plan, by the services' tag {}",
            r.cluster_name, a.tag
        ),
        reading: "Each tag value's cost today beside its cost under the plan. Services without the tag, and capacity no service reserved, are bars of their own; the bars add up to the cluster.",
        body: Body::Groups { groups },
    })
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn tone_of(kind: OptionKind) -> Tone {
    match kind {
        OptionKind::Fargate => Tone::Fargate,
        OptionKind::FargateArm => Tone::FargateArm,
        OptionKind::FargateSpot => Tone::FargateSpot,
        OptionKind::Ec2 => Tone::Ec2,
        OptionKind::Ec2Ideal => Tone::Ec2Ideal,
        OptionKind::Ec2EniTrunking => Tone::Ec2EniTrunking,
        OptionKind::ManagedInstances => Tone::ManagedInstances,
    }
}

fn monthly_cost(r: &Report) -> ChartData {
    let c = &r.cluster;
    let mut bars = vec![Bar {
        label: "Current".into(),
        usd: round_cents(c.current_monthly_usd.to_f64()),
        tone: Tone::Current,
    }];
    for o in &c.options {
        if let Some(usd) = o.monthly_usd {
            bars.push(Bar {
                label: o.kind.cluster_label().into(),
                usd: round_cents(usd.to_f64()),
                tone: tone_of(o.kind),
            });
        }
    }
    bars.push(Bar {
        label: format!("Recommended: {}", c.recommended_plan.as_str()),
        usd: round_cents(c.recommended_monthly_usd.to_f64()),
        tone: Tone::Recommended,
    });
    ChartData {
        name: "monthly-cost",
        title: "Monthly cost by option".into(),
        subtitle: format!("Cluster {}, {}, USD a month (730 h)", r.cluster_name, discount_words(r)),
        reading: "Each bar is the whole cluster priced under one option on this window's usage. The last bar is the plan the report recommends, which may mix options service by service.",
        body: Body::Bars { bars },
    }
}

/// "on-demand prices" or the discounts the figures carry, for a chart's subtitle.
pub fn discount_words(r: &Report) -> String {
    r.assumptions.discounts.describe()
}

fn series_label(kind: SeriesKind) -> (&'static str, Tone) {
    match kind {
        SeriesKind::Current => ("Current", Tone::Current),
        SeriesKind::Fargate => ("All Fargate", Tone::Fargate),
        SeriesKind::Ec2 => ("EC2, as ECS runs it", Tone::Ec2),
        SeriesKind::Ec2Ideal => ("EC2, ideal re-pack", Tone::Ec2Ideal),
        SeriesKind::ManagedInstances => ("ECS Managed Instances", Tone::ManagedInstances),
    }
}

fn hourly_cost(r: &Report) -> Option<ChartData> {
    let s = &r.series;
    if s.hourly_cost_usd.iter().all(|l| l.points.is_empty()) {
        return None;
    }
    let lines = s
        .hourly_cost_usd
        .iter()
        .map(|l| {
            let (label, tone) = series_label(l.kind);
            Line {
                label: label.into(),
                tone,
                points: l.points.clone(),
            }
        })
        .collect();
    Some(ChartData {
        name: "hourly-cost",
        title: "Cluster cost per hour".into(),
        subtitle: format!(
            "Cluster {}, {} to {}, USD an hour",
            r.cluster_name,
            r.window.start.format("%Y-%m-%d"),
            r.window.end.format("%Y-%m-%d")
        ),
        reading: "Each line is the cluster's cost hour by hour under one option: where the lines cross over the day, one option wins at peak and another off peak.",
        body: Body::Hourly { start: s.start, lines },
    })
}

fn pct(used: Option<f64>, of: u32) -> Option<f64> {
    (of > 0)
        .then_some(())
        .and(used)
        .map(|u| (u / f64::from(of) * 1000.0).round() / 10.0)
}

fn usage(r: &Report) -> ChartData {
    let mut services: Vec<_> = r.services.iter().collect();
    services.sort_by(|a, b| b.current_monthly_usd.cmp(&a.current_monthly_usd).then(a.name.cmp(&b.name)));
    let rows = services
        .into_iter()
        .take(USAGE_SERVICES)
        .map(|s| {
            let t = s.task_size;
            let new = s.recommendation.target.as_ref();
            UsageRow {
                service: s.name.clone(),
                cpu_units: t.cpu_units,
                memory_mib: t.memory_mib,
                cpu_p50_pct: pct(s.usage.cpu_units_p50, t.cpu_units),
                cpu_p99_pct: pct(s.usage.cpu_units_p99, t.cpu_units),
                memory_p50_pct: pct(s.usage.memory_mib_p50, t.memory_mib),
                memory_p99_pct: pct(s.usage.memory_mib_p99, t.memory_mib),
                cpu_new_pct: pct(new.map(|n| f64::from(n.cpu_units)), t.cpu_units),
                memory_new_pct: pct(new.map(|n| f64::from(n.memory_mib)), t.memory_mib),
            }
        })
        .collect();
    ChartData {
        name: "service-usage",
        title: "Reserved against used, per task".into(),
        subtitle: format!(
            "the {} costliest services; p50 and p99 of 5-minute use and the recommended size, in % of today's task size",
            USAGE_SERVICES.min(r.services.len())
        ),
        reading: "Where the p99 bar stops well short of today's reservation (the black line), the task is reserved larger than it uses; the tick is the size recommended.",
        body: Body::Usage { rows },
    }
}

fn fleet(r: &Report) -> Option<ChartData> {
    let f = r.series.ec2_fleet_hourly.as_ref()?;
    Some(ChartData {
        name: "ec2-fleet",
        title: "Simulated EC2 fleet: reserved by tasks against available".into(),
        subtitle: "all services on EC2 as ECS runs it; the gap is the fragmentation you pay for".into(),
        reading: "The shaded area is what the simulated instances offer the tasks; the line is what the tasks reserve. The space between is paid for and unused: it is what packing and instance choice can win back.",
        body: Body::Fleet {
            start: r.series.start,
            cpu_allocated: f.cpu_units_allocated.clone(),
            cpu_available: f.cpu_units_available.clone(),
            memory_allocated: f.memory_mib_allocated.clone(),
            memory_available: f.memory_mib_available.clone(),
        },
    })
}

fn waterfall(r: &Report) -> ChartData {
    let c = &r.cluster;
    let mut moves: Vec<(String, Usd)> = r
        .services
        .iter()
        .map(|s| (s.name.clone(), s.recommendation.monthly_usd - s.current_monthly_usd))
        .filter(|(_, d)| !d.cents().is_zero())
        .collect();
    moves.sort_by(|a, b| b.1 .0.abs().cmp(&a.1 .0.abs()).then(a.0.cmp(&b.0)));
    // Whatever the services' own figures do not explain: instance capacity no service reserved
    // (today's idle line, and an EC2 plan's room beyond its services' shares).
    let all_services: Usd = r
        .services
        .iter()
        .map(|s| s.recommendation.monthly_usd - s.current_monthly_usd)
        .sum();
    let gap = (c.recommended_monthly_usd - c.current_monthly_usd) - all_services;
    let start_usd = round_cents(c.current_monthly_usd.to_f64());
    let end_usd = round_cents(c.recommended_monthly_usd.to_f64());
    let mut steps: Vec<Step> = moves
        .iter()
        .take(TOP_SERVICES)
        .map(|(name, d)| Step {
            label: name.clone(),
            delta_usd: round_cents(d.to_f64()),
        })
        .collect();
    let gap_step = (!gap.cents().is_zero()).then(|| Step {
        label: "idle instances".into(),
        delta_usd: round_cents(gap.to_f64()),
    });
    let rest = &moves[moves.len().min(TOP_SERVICES)..];
    if !rest.is_empty() {
        // The group takes what the rounded steps leave, so the bars meet the end to the cent.
        let shown: f64 = steps.iter().chain(gap_step.iter()).map(|s| s.delta_usd).sum();
        steps.push(Step {
            label: format!("{} other services", rest.len()),
            delta_usd: round_cents(end_usd - start_usd - shown),
        });
    }
    steps.extend(gap_step);
    ChartData {
        name: "savings-waterfall",
        title: "From today's cost to the recommended plan".into(),
        subtitle: format!("USD a month; the {TOP_SERVICES} largest changes by service, the rest grouped"),
        reading: "Read from the top: today's cost, then each service's change under the plan, then the idle capacity the plan gives up, down to the plan's cost.",
        body: Body::Waterfall { start_usd, steps, end_usd },
    }
}

fn break_even(r: &Report) -> Option<ChartData> {
    let c = &r.cluster;
    let fleet = r.series.ec2_fleet_hourly.as_ref()?;
    let (fargate, ec2) = (c.fargate_monthly_usd?, c.ec2_monthly_usd?);
    let ratio = |a: &[f64], b: &[f64]| {
        let avail: f64 = b.iter().sum();
        (avail > 0.0).then(|| a.iter().sum::<f64>() / avail)
    };
    let cpu = ratio(&fleet.cpu_units_allocated, &fleet.cpu_units_available)?;
    let memory = ratio(&fleet.memory_mib_allocated, &fleet.memory_mib_available)?;
    let utilisation = (cpu.max(memory) * 1000.0).round() / 1000.0;
    if utilisation <= 0.0 {
        return None;
    }
    // Services no EC2 type runs stay on Fargate in every EC2 plan.
    let fixed: f64 = r
        .services
        .iter()
        .filter(|s| option_usd(&s.options, OptionKind::Ec2).is_none())
        .filter_map(|s| option_usd(&s.options, OptionKind::Fargate))
        .map(|u| u.to_f64())
        .sum();
    let (fargate_usd, ec2_usd, fixed_usd) = (round_cents(fargate.to_f64()), round_cents(ec2.to_f64()), round_cents(fixed));
    // EC2 cost at utilisation u: fixed + (ec2 - fixed) * today / u; equal to Fargate at:
    let break_even = (fargate_usd > fixed_usd)
        .then(|| (ec2_usd - fixed_usd) * utilisation / (fargate_usd - fixed_usd))
        .filter(|u| *u > 0.0 && *u <= 1.0)
        .map(|u| (u * 1000.0).round() / 1000.0);
    Some(ChartData {
        name: "break-even",
        title: "Break-even: EC2 against Fargate by packing utilisation".into(),
        subtitle: format!(
            "USD a month; the simulated all-EC2 fleet, as ECS would run it, reserves {:.0}% of its binding resource{}",
            utilisation * 100.0,
            match break_even {
                Some(b) => format!(", EC2 breaks even at {:.0}%", b * 100.0),
                None => ", EC2 cannot match Fargate at any utilisation".into(),
            }
        ),
        reading: "An all-EC2 fleet costs less than Fargate only right of the crossing: the packing it must reach. The point is the packing the simulation reached with today's tasks.",
        body: Body::BreakEven {
            fargate_usd,
            fixed_usd,
            ec2_usd,
            utilisation,
            break_even,
        },
    })
}
