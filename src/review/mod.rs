//! The monthly cost review: `ecs-advisor report` writes `<out>/<cluster>/<YYYY-MM>/` with the
//! canonical `report.json`, `report.md`, a self-contained `report.html` and every chart, and
//! keeps `<out>/index.html` listing every cluster and month present. A month's folder appears
//! whole or not at all: it is built beside its final name and renamed into place.

pub mod compare;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use thiserror::Error;

use crate::charts::{self, Rendered};
use rust_decimal::Decimal;

use crate::money::{Usd, HOURS_PER_MONTH, SECONDS_PER_HOUR};
use crate::report::{BillingPeriod, ChartRef, MonthlyReview, Report, Window};

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Month {
    /// Parses `YYYY-MM` (2009, when ECS's parent services were young, to 2100).
    pub fn parse(s: &str) -> Result<Month, String> {
        let bad = || format!("`{s}` is not a month: give YYYY-MM, for example 2026-10");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` is not a month: the month must be 01 to 12"));
        }
        if !(2009..=2100).contains(&year) {
            return Err(format!("`{s}` is out of range: give a month from 2009-01 to 2100-12"));
        }
        Ok(Month { year, month })
    }

    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .expect("a parsed month starts")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    /// The month an instant falls in.
    pub fn of(t: DateTime<Utc>) -> Month {
        Month {
            year: t.year(),
            month: t.month(),
        }
    }

    /// The month a window reports on: the one its last instant falls in.
    pub fn of_window(w: &Window) -> Month {
        Month::of(w.end - Duration::seconds(1))
    }

    /// The last month that has ended by `now`.
    pub fn last_full(now: DateTime<Utc>) -> Month {
        Month::of(now).previous()
    }

    /// The month's name in words: "October 2026".
    pub fn words(self) -> String {
        self.start().format("%B %Y").to_string()
    }
}

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
    #[error(
        "`{path}` holds {clusters} clusters' reports and an HTML page shows one: render each cluster's report, or use another --output"
    )]
    SeveralForHtml { path: String, clusters: usize },
    #[error("cannot write the report to `{path}`: {message}; check that the directory given to --out is writable")]
    Write { path: String, message: String },
    #[error(transparent)]
    Charts(#[from] charts::ChartError),
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

/// What `report` made of one cluster.
pub struct Written {
    pub dir: PathBuf,
    pub report: Report,
    pub warnings: Vec<String>,
}

/// Adds the monthly review to an analysed report (charts, comparison with the previous month
/// found under `<out>/<cluster>/`) and writes its folder.
pub fn write(out: &Path, mut report: Report, month: Month) -> Result<Written, ReviewError> {
    let cluster_dir = out.join(folder_name(&report.cluster_name));
    let mut warnings = Vec::new();
    let previous = month.previous();
    let previous_json = cluster_dir.join(previous.to_string()).join("report.json");
    let (comparison, comparison_note) = if previous_json.exists() {
        match crate::sources::saved_report::read(&previous_json) {
            Ok(reports) if reports.len() == 1 && reports[0].cluster_name != report.cluster_name => {
                // Another cluster's report copied into this folder: comparing the two would
                // call every difference between clusters a change over the month.
                let note = format!(
                    "`{}` is cluster `{}`'s report, not `{}`'s; no comparison",
                    previous_json.display(),
                    reports[0].cluster_name,
                    report.cluster_name
                );
                warnings.push(note.clone());
                (None, Some(note))
            }
            Ok(reports) if reports.len() == 1 => (Some(compare::compare(&reports[0], &previous.to_string(), &report)), None),
            Ok(_) => {
                let note = format!("`{}` holds several clusters; no comparison", previous_json.display());
                warnings.push(note.clone());
                (None, Some(note))
            }
            Err(e) => {
                let note = format!("the month-over-month comparison is skipped: {e}");
                warnings.push(note.clone());
                (None, Some(note))
            }
        }
    } else {
        (
            None,
            Some(format!(
                "no report for {previous} in this folder, so no comparison; next month's report will compare with this one"
            )),
        )
    };
    let period = billing_period(&report, month);
    if period.projected {
        report.warnings.push(partial_month_warning(&period, month));
    }
    let mut rendered = charts::render(&report)?;
    report.monthly = Some(MonthlyReview {
        month: month.to_string(),
        charts: rendered
            .iter()
            .map(|c| ChartRef {
                file: c.data.name.to_string(),
                title: c.data.title.clone(),
            })
            .collect(),
        comparison,
        comparison_note,
        period: Some(period),
    });
    for c in &mut rendered {
        c.svg = with_view_box(&c.svg);
    }
    let dir = cluster_dir.join(month.to_string());
    write_folder(&cluster_dir, &dir, &report, &rendered)?;
    write_index(out)?;
    Ok(Written { dir, report, warnings })
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

/// A report as one self-contained HTML page, its charts drawn from the report and inlined: what
/// `report` writes as `report.html`, for `render --output html`.
pub fn html_page(report: &Report) -> Result<String, ReviewError> {
    let mut rendered = charts::render(report)?;
    for c in &mut rendered {
        c.svg = with_view_box(&c.svg);
    }
    let svgs: Vec<(&str, &str)> = rendered.iter().map(|c| (c.data.name, c.svg.as_str())).collect();
    Ok(crate::output::html::render(report, &svgs))
}

/// plotters writes a fixed width and height; a viewBox lets the HTML scale a chart to the page.
fn with_view_box(svg: &str) -> String {
    if svg.contains("viewBox") {
        return svg.to_string();
    }
    svg.replacen("<svg ", &format!("<svg viewBox=\"0 0 {} {}\" ", charts::WIDTH, charts::HEIGHT), 1)
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> ReviewError + '_ {
    move |e| ReviewError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn write_folder(cluster_dir: &Path, dir: &Path, report: &Report, charts: &[Rendered]) -> Result<(), ReviewError> {
    std::fs::create_dir_all(cluster_dir).map_err(write_err(cluster_dir))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    clear_debris(cluster_dir, &name);
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(ReviewError::Write {
            path: dir.display().to_string(),
            message: "it is a file, not a report folder: move it away or give another --out".into(),
        });
    }
    let tmp = cluster_dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = fill(&tmp, report, charts).and_then(|()| swap_into_place(&tmp, dir));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// What a run killed while writing `name` left beside it: `.<name>.tmp-PID` (a month half
/// written) is removed; `.<name>.old-PID` (the previous month, moved aside just before the new
/// one took its place) is put back if nothing took its place, else removed.
fn clear_debris(cluster_dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let debris = crate::left_by_dead_runs(cluster_dir, |file| {
        let (kind, pid) = file.strip_prefix(&prefix)?.split_once('-')?;
        matches!(kind, "tmp" | "old").then_some((kind == "old", pid.parse().ok()?))
    });
    let dir = cluster_dir.join(name);
    for (path, old) in debris {
        if old && !dir.exists() {
            let _ = std::fs::rename(&path, &dir);
        } else {
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
}

fn fill(tmp: &Path, report: &Report, charts: &[Rendered]) -> Result<(), ReviewError> {
    if tmp.exists() {
        std::fs::remove_dir_all(tmp).map_err(write_err(tmp))?;
    }
    let chart_dir = tmp.join("charts");
    std::fs::create_dir_all(&chart_dir).map_err(write_err(tmp))?;
    let put = |path: PathBuf, bytes: &[u8]| std::fs::write(&path, bytes).map_err(write_err(&path));
    let layout = crate::output::Layout::default();
    put(
        tmp.join("report.json"),
        crate::output::render(report, crate::output::Format::Json, layout).as_bytes(),
    )?;
    put(
        tmp.join("report.md"),
        crate::output::render(report, crate::output::Format::Markdown, layout).as_bytes(),
    )?;
    let svgs: Vec<(&str, &str)> = charts.iter().map(|c| (c.data.name, c.svg.as_str())).collect();
    put(tmp.join("report.html"), crate::output::html::render(report, &svgs).as_bytes())?;
    for c in charts {
        put(chart_dir.join(format!("{}.svg", c.data.name)), c.svg.as_bytes())?;
        put(chart_dir.join(format!("{}.png", c.data.name)), &c.png)?;
    }
    Ok(())
}

/// Moves a finished folder to its name, replacing an earlier one only once the new one is whole.
fn swap_into_place(tmp: &Path, dir: &Path) -> Result<(), ReviewError> {
    if dir.exists() {
        let old = dir.with_file_name(format!(
            ".{}.old-{}",
            dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        std::fs::rename(dir, &old).map_err(write_err(dir))?;
        if let Err(e) = std::fs::rename(tmp, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(write_err(dir)(e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    } else {
        std::fs::rename(tmp, dir).map_err(write_err(dir))
    }
}

/// One line of the index: a cluster's month.
pub struct IndexEntry {
    pub folder: String,
    pub month: String,
    pub report: Report,
}

/// Every `<out>/<cluster>/<YYYY-MM>/report.json` that reads, newest month first per cluster.
pub fn entries(out: &Path) -> Vec<IndexEntry> {
    let mut found = Vec::new();
    let Ok(clusters) = std::fs::read_dir(out) else {
        return found;
    };
    let mut clusters: Vec<_> = clusters.flatten().filter(|e| e.path().is_dir()).collect();
    clusters.sort_by_key(|e| e.file_name());
    for c in clusters {
        let folder = c.file_name().to_string_lossy().into_owned();
        if folder.starts_with('.') {
            continue;
        }
        let Ok(months) = std::fs::read_dir(c.path()) else { continue };
        let mut months: Vec<String> = months
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|m| Month::parse(m).is_ok())
            .collect();
        months.sort_unstable_by(|a, b| b.cmp(a));
        for month in months {
            if let Ok(mut reports) = crate::sources::saved_report::read(&c.path().join(&month).join("report.json")) {
                if reports.len() == 1 {
                    found.push(IndexEntry {
                        folder: folder.clone(),
                        month,
                        report: reports.remove(0),
                    });
                }
            }
        }
    }
    found
}

fn write_index(out: &Path) -> Result<(), ReviewError> {
    let html = crate::output::html::index(&entries(out));
    let path = out.join("index.html");
    let tmp = out.join(format!(".index.html.tmp-{}", std::process::id()));
    std::fs::write(&tmp, html).map_err(write_err(&path))?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(&path)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
