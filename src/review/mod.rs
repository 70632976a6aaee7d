//! The monthly cost review, pure: which month a snapshot covers, the month as billed (its real
//! hours, what the window covers), and the comparison with last month's report (`compare`).
//! The `report` command (`commands/report.rs`) reads last month's report and writes the folder.

pub mod compare;

use std::path::Path;

use rust_decimal::Decimal;
use thiserror::Error;

use crate::domain::Month;

use crate::money::{Usd, HOURS_PER_MONTH, SECONDS_PER_HOUR};
use crate::report::{BillingPeriod, ChartRef, MonthlyReview, Report, Window};

#[derive(Debug, Error)]
pub enum ReviewError {
    #[error(
        "the snapshot of `{cluster}` has no data in {month}: its window runs from {start} to {end}; give --month {window_month} or collect {month}"
    )]
    MonthNotInSnapshot {
        cluster: String,
        month: String,
        start: String,
        end: String,
        window_month: String,
    },
    #[error("{month} has not started yet: give a month up to {latest}")]
    FutureMonth { month: String, latest: String },
}

/// A folder name safe on every file system, from a cluster name.
pub fn folder_name(cluster: &str) -> String {
    let s: String = cluster
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        "_".into()
    } else {
        s
    }
}

/// The month a snapshot's report covers: `wanted` if its window has data in it, else an error.
pub fn month_of_snapshot(cluster: &str, window: &Window, wanted: Option<Month>) -> Result<Month, ReviewError> {
    let own = Month::of_window(window);
    match wanted {
        None => Ok(own),
        Some(m) if m.start() < window.end && m.end() > window.start => Ok(m),
        Some(m) => Err(ReviewError::MonthNotInSnapshot {
            cluster: cluster.to_string(),
            month: m.to_string(),
            start: window.start.format("%Y-%m-%d %H:%M").to_string(),
            end: window.end.format("%Y-%m-%d %H:%M").to_string(),
            window_month: own.to_string(),
        }),
    }
}

/// What lies in last month's place under the cluster's folder, as the command found it.
pub enum Previous {
    /// Nothing: no comparison.
    Missing,
    /// The reports the file holds (one, unless someone put another file there).
    Read(Vec<Report>),
    /// The file would not read; the reason.
    Unreadable(String),
}

/// Adds the monthly review to an analysed report: the billing period, the charts drawn of it
/// (`charts`), and the comparison with last month's report (`previous`, read from
/// `previous_path`). Returns the report and what to warn about. Pure: the command reads, draws
/// and writes.
pub fn review(mut report: Report, month: Month, previous: Previous, previous_path: &Path, charts: Vec<ChartRef>) -> (Report, Vec<String>) {
    let mut warnings = Vec::new();
    let last = month.previous();
    let mut skip = |note: String| {
        warnings.push(note.clone());
        (None, Some(note))
    };
    let (comparison, comparison_note) = match previous {
        Previous::Read(reports) if reports.len() == 1 && reports[0].cluster_name != report.cluster_name => {
            // Another cluster's report copied into this folder: comparing the two would call every
            // difference between clusters a change over the month.
            skip(format!(
                "`{}` is cluster `{}`'s report, not `{}`'s; no comparison",
                previous_path.display(),
                reports[0].cluster_name,
                report.cluster_name
            ))
        }
        Previous::Read(reports) if reports.len() == 1 => (Some(compare::compare(&reports[0], &last.to_string(), &report)), None),
        Previous::Read(_) => skip(format!("`{}` holds several clusters; no comparison", previous_path.display())),
        Previous::Unreadable(e) => skip(format!("the month-over-month comparison is skipped: {e}")),
        Previous::Missing => (
            None,
            Some(format!(
                "no report for {last} in this folder, so no comparison; next month's report will compare with this one"
            )),
        ),
    };
    let period = billing_period(&report, month);
    if period.projected {
        report.warnings.push(partial_month_warning(&period, month));
    }
    report.monthly = Some(MonthlyReview {
        month: month.to_string(),
        charts,
        comparison,
        comparison_note,
        period: Some(period),
    });
    (report, warnings)
}

/// The month as billed: its real hours and how much of it the analysed window covers. The
/// analysis gives an average hourly cost over its window; the month's figures are that times the
/// month's hours, where `analyze` says "a month" for 730 of them.
pub fn billing_period(report: &Report, month: Month) -> BillingPeriod {
    let month_seconds = (month.end() - month.start()).num_seconds().max(0);
    let covered_seconds = (report.window.end.min(month.end()) - report.window.start.max(month.start()))
        .num_seconds()
        .max(0);
    let hours = |s: i64| Decimal::from(s) / Decimal::from(SECONDS_PER_HOUR);
    let per_730 = Decimal::from(HOURS_PER_MONTH);
    // A monthly figure is the average hourly cost x 730: back to hours, then to the month's.
    let over = |monthly: Usd, seconds: i64| Usd(monthly.0 * hours(seconds) / per_730);
    let c = &report.cluster;
    BillingPeriod {
        month_hours: (month_seconds / i64::from(SECONDS_PER_HOUR)) as u32,
        covered_hours: round2(covered_seconds as f64 / f64::from(SECONDS_PER_HOUR)),
        coverage_pct: round2(100.0 * covered_seconds as f64 / month_seconds.max(1) as f64),
        projected: covered_seconds < month_seconds,
        spent_usd: over(c.current_monthly_usd, covered_seconds),
        current_month_usd: over(c.current_monthly_usd, month_seconds),
        recommended_month_usd: over(c.recommended_monthly_usd, month_seconds),
        savings_month_usd: over(c.savings_monthly_usd, month_seconds),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A window that covers less than its month, in one sentence for every output's warnings.
pub fn partial_month_warning(p: &BillingPeriod, month: Month) -> String {
    format!(
        "the window covers {:.1} of {}'s {:.0} days ({}%): {} was spent in them; the month's figures ({} today, {} as recommended) are projected from them",
        p.covered_hours / 24.0,
        month.words(),
        f64::from(p.month_hours) / 24.0,
        p.coverage_pct,
        p.spent_usd,
        p.current_month_usd,
        p.recommended_month_usd
    )
}

/// The month's figures in a sentence, for the top of the report.
pub fn period_line(p: &BillingPeriod, month: Month) -> String {
    let mut line = format!(
        "{} ({} hours): {} today, {} as recommended (saving {}){}",
        month.words(),
        p.month_hours,
        p.current_month_usd,
        p.recommended_month_usd,
        p.savings_month_usd,
        if p.projected {
            format!(
                ", projected from {:.1} days measured ({}% of the month; {} spent in them)",
                p.covered_hours / 24.0,
                p.coverage_pct,
                p.spent_usd
            )
        } else {
            String::new()
        }
    );
    line.push_str(". Figures \"a month\" below are 730-hour projections, comparable between months.");
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    /// One task of 1 vCPU / 2 GiB on Fargate in us-east-1 (0.04048 + 2 x 0.004445 = $0.04937 an
    /// hour) from `start` for `days` days, hourly steps.
    fn one_task(start: DateTime<Utc>, days: i64) -> Report {
        use crate::recommend::tests::{service, steady, task_definition};
        let mut s = steady(
            vec![(
                service("app", Some(crate::snapshot::inventory::LaunchType::Fargate), 1),
                task_definition("app", 1024, 2048),
            )],
            0.9,
        );
        s.manifest.window_start = start;
        s.manifest.window_end = start + Duration::days(days);
        s.usage.retain(|p| i64::from(p.step) < days * 24);
        crate::recommend::tests::analyze(&s)
    }

    #[test]
    fn a_february_report_prices_672_hours_not_730() {
        let feb = Month::parse("2026-02").unwrap();
        let r = one_task(feb.start(), 28);
        assert_eq!(r.cluster.current_monthly_usd.cents().to_string(), "$36.04", "730 h: a projection");
        let p = billing_period(&r, feb);
        assert_eq!(p.month_hours, 672);
        // The February bill: 0.04937 x 672 = $33.18.
        assert_eq!(p.current_month_usd.cents().to_string(), "$33.18");
        assert_eq!(p.spent_usd.cents().to_string(), "$33.18");
        assert!(!p.projected && p.coverage_pct == 100.0);
        let oct = Month::parse("2026-10").unwrap();
        let p = billing_period(&one_task(oct.start(), 31), oct);
        // 31 days: 0.04937 x 744 = $36.73, 1.9% more than 730 hours.
        assert_eq!((p.month_hours, p.current_month_usd.cents().to_string()), (744, "$36.73".into()));
    }

    #[test]
    fn ten_days_of_november_say_what_was_spent_and_that_the_month_is_projected() {
        let nov = Month::parse("2026-11").unwrap();
        let r = one_task(nov.start(), 10);
        let p = billing_period(&r, nov);
        // 0.04937 x 240 h = $11.85 spent; the month, 720 h, projected: $35.55.
        assert_eq!(p.spent_usd.cents().to_string(), "$11.85");
        assert_eq!(p.current_month_usd.cents().to_string(), "$35.55");
        assert!(p.projected);
        assert_eq!(p.coverage_pct, 33.33);
        let w = partial_month_warning(&p, nov);
        assert!(
            w.contains("10.0 of November 2026's 30 days") && w.contains("$11.85 was spent"),
            "{w}"
        );
        assert!(period_line(&p, nov).contains("projected from 10.0 days measured"));
    }

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(Month::parse("2026-12").unwrap().next().to_string(), "2027-01");
        assert_eq!(m.words(), "January 2026");
        for bad in ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "", "abcd-ef", "1999-01"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert!(Month::parse("2026-13").unwrap_err().contains("01 to 12"));
    }

    #[test]
    fn a_window_ending_at_midnight_on_the_first_belongs_to_the_month_before() {
        let w = Window {
            start: Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            step_seconds: 300,
        };
        assert_eq!(Month::of_window(&w).to_string(), "2026-10");
        assert!(month_of_snapshot("c", &w, Month::parse("2026-11").ok()).is_err());
        assert!(month_of_snapshot("c", &w, Month::parse("2026-10").ok()).is_ok());
    }

    #[test]
    fn folder_names_are_safe() {
        assert_eq!(folder_name("prod"), "prod");
        assert_eq!(folder_name("a/b\\c d"), "a_b_c_d");
        assert_eq!(folder_name(".."), "_");
    }
}
