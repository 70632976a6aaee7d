//! `report`: the monthly cost review of each cluster, written to `<out>/<cluster>/<YYYY-MM>/`
//! (report.json, report.md, a self-contained report.html, every chart) whole or not at all, and
//! `<out>/index.html` listing every cluster and month present.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::args::{parse_group_by, parse_month, parse_region, AssumptionArgs, StateArgs};
use super::{analyze_snapshots, confirm, Error, Outcome};
use crate::charts::{self, Rendered};
use crate::domain::{Month, Region};
use crate::output::html::IndexEntry;
use crate::report::{ChartRef, Report};
use crate::review::{self, Previous};
use crate::{pricing, snapshot, sources};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["demo", "snapshot", "cluster", "all_clusters"])))]
pub struct ReportArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// The month to review, YYYY-MM [default: live, the last full month; a snapshot, the month
    /// its window ends in; the demo, 2026-10].
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<Month>,
    /// Folder of reports: the report goes to OUT/<cluster>/<YYYY-MM>/.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// AWS region [default: AWS_REGION, or the profile's].
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<Region>,
    /// Named profile from the shared AWS config files [default: AWS_PROFILE, or `default`].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// No progress indicator or summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Cost by the values of a tag, `tag:KEY` (for example tag:team): a table and a chart, a row
    /// per value with its change from last month, the services without it and idle instance
    /// capacity as rows of their own.
    #[arg(long, value_name = "tag:KEY", value_parser = parse_group_by)]
    pub group_by: Option<String>,
    /// What AWS charged, beside the figures (a "Model vs bill" section): an AWS Data Export
    /// (CUR 2.0 with split cost allocation data, or FOCUS 1.x) as a Parquet file, a folder of
    /// them or a pattern.
    #[arg(long, value_name = "PATH")]
    pub bill: Option<PathBuf>,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

pub fn run(args: &ReportArgs, settings: &super::settings::Settings, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let catalog = pricing::Catalog::load()?;
    let (snapshots, mut warnings) = report_sources(args)?;
    let months: Vec<Month> = snapshots.iter().map(|(_, m)| *m).collect();
    let scopes: Vec<crate::bill::Scope> = snapshots
        .iter()
        .map(|(s, _)| crate::bill::Scope::of(s, catalog.region(&s.manifest.region).ok()))
        .collect();
    let mut reports = analyze_snapshots(
        snapshots.into_iter().map(|(s, _)| s).collect(),
        &settings.assumptions,
        &catalog,
        args.quiet,
    )?;
    super::attach_bill(&mut reports, &scopes, args.bill.as_deref());
    let mut text = String::new();
    let partial = reports.iter().any(|r| !r.prices.not_priced.is_empty());
    for (report, month) in reports.into_iter().zip(months) {
        let written = write(&args.out, report, month, args.group_by.as_deref())?;
        let r = &written.report;
        let m = r.monthly.as_ref();
        text.push_str(&format!(
            "wrote the {} report of `{}` to {}: today {} a month, recommended ({}) {}, saving {}; {}\n",
            month,
            r.cluster_name,
            written.dir.display(),
            r.cluster.current_monthly_usd,
            r.cluster.recommended_plan.as_str(),
            r.cluster.recommended_monthly_usd,
            r.cluster.savings_monthly_usd,
            match m.and_then(|m| m.comparison.as_ref()) {
                Some(c) => format!("compared with {}", c.previous_month),
                None => "no comparison".into(),
            }
        ));
        warnings.extend(r.warnings.iter().map(|w| format!("`{}`: {w}", r.cluster_name)));
        warnings.extend(written.warnings);
    }
    text.push_str(&format!("index: {}\n", args.out.join("index.html").display()));
    confirm(&text, stdout);
    Ok(Outcome::warn(warnings).partial(partial))
}

/// A snapshot and the month its report covers.
type MonthOf = (snapshot::Snapshot, Month);

/// The snapshots a `report` covers, each with its month, and warnings about the windows.
fn report_sources(args: &ReportArgs) -> Result<(Vec<MonthOf>, Vec<String>), Error> {
    let mut warnings = Vec::new();
    let pick = |s: snapshot::Snapshot, warnings: &mut Vec<String>| -> Result<MonthOf, Error> {
        let w = s.manifest.window();
        let month = review::month_of_snapshot(&s.manifest.cluster, &w, args.month)?;
        if w.start < month.start() || w.end > month.end() {
            warnings.push(format!(
                "`{}`: the snapshot's window ({} to {}) reaches beyond {month}; the figures cover the whole window",
                s.manifest.cluster,
                w.start.format("%Y-%m-%d"),
                w.end.format("%Y-%m-%d")
            ));
        }
        Ok((s, month))
    };
    // A month that has not started has nothing to review, on the demo as anywhere.
    let now = chrono::Utc::now();
    if let Some(month) = args.month.filter(|m| m.start() >= now) {
        return Err(review::ReviewError::FutureMonth {
            month: month.to_string(),
            latest: Month::of(now).to_string(),
        }
        .into());
    }
    let snapshots = if args.state.demo {
        let s = match args.month {
            Some(m) => super::demo::demo_month(m)?,
            None => sources::demo::embedded()?,
        };
        vec![pick(s, &mut warnings)?]
    } else if let Some(dir) = &args.state.snapshot {
        vec![pick(snapshot::Snapshot::load(dir)?, &mut warnings)?]
    } else {
        let month = args.month.unwrap_or_else(|| Month::last_full(now));
        if month.start() >= now {
            return Err(review::ReviewError::FutureMonth {
                month: month.to_string(),
                latest: Month::of(now).to_string(),
            }
            .into());
        }
        let end = month.end().min(now);
        if end < month.end() {
            warnings.push(format!(
                "{month} is not over: the report covers {} to now",
                month.start().format("%Y-%m-%d")
            ));
        }
        let settings = sources::aws::CollectSettings {
            clusters: args.state.cluster.clone(),
            all_clusters: args.state.all_clusters,
            lookback_seconds: (end - month.start()).num_seconds().max(300) as u64,
            end: Some(end),
            aws: sources::aws::AwsOptions {
                region: args.region.clone(),
                profile: args.profile.clone(),
                quiet: args.quiet,
            },
        };
        sources::aws::collect(&settings)?
            .snapshots
            .into_iter()
            .map(|s| (s, month))
            .collect()
    };
    Ok((snapshots, warnings))
}

/// What `report` made of one cluster.
pub struct Written {
    pub dir: PathBuf,
    pub report: Report,
    pub warnings: Vec<String>,
}

/// Reviews an analysed report against last month's in `<out>/<cluster>/` and writes its month's
/// folder, then the index. With `group_by` (a tag key), the cost by its values.
pub fn write(out: &Path, mut report: Report, month: Month, group_by: Option<&str>) -> Result<Written, Error> {
    let cluster_dir = out.join(review::folder_name(&report.cluster_name));
    let previous_json = cluster_dir.join(month.previous().to_string()).join("report.json");
    let previous = if previous_json.exists() {
        match sources::saved_report::read(&previous_json) {
            Ok(reports) => Previous::Read(reports),
            Err(e) => Previous::Unreadable(e.to_string()),
        }
    } else {
        Previous::Missing
    };
    if let Some(key) = group_by {
        let last = match &previous {
            Previous::Read(reports) if reports.len() == 1 && reports[0].cluster_name == report.cluster_name => Some(&reports[0]),
            _ => None,
        };
        report.allocation = Some(crate::allocation::allocate(&report, key, last));
    }
    // The charts read the analysis, not the review: drawn first, they are what the review lists.
    let mut rendered = charts::render(&report)?;
    let refs = rendered
        .iter()
        .map(|c| ChartRef {
            file: c.data.name.to_string(),
            title: c.data.title.clone(),
            reading: c.data.reading.to_string(),
        })
        .collect();
    let (report, warnings) = review::review(report, month, previous, &previous_json, refs);
    for c in &mut rendered {
        c.svg = with_view_box(&c.svg);
    }
    let dir = cluster_dir.join(month.to_string());
    let failed = |e: std::io::Error| Error::ReportFolder {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
        return Err(failed(std::io::Error::other(
            "it is a file, not a report folder: move it away or give another --out",
        )));
    }
    let files = files(&report, rendered);
    crate::fsio::write_dir(&dir, |tmp| fill(tmp, &files)).map_err(failed)?;
    let index = out.join("index.html");
    let entries = entries(out);
    let trends = trends(&entries);
    crate::fsio::write_file(&index, crate::output::html::index(&entries, &trends).as_bytes()).map_err(|e| Error::ReportFolder {
        path: index.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(Written { dir, report, warnings })
}

/// A report as one self-contained HTML page, its charts drawn from the report and inlined: what
/// `report` writes as `report.html`, for `render --output html`.
pub fn html_page(report: &Report) -> Result<String, Error> {
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

/// A month's files, each with its path in the month's folder: made before the folder is written,
/// so a signal waits only for the writing.
fn files(report: &Report, charts: Vec<Rendered>) -> Vec<(PathBuf, Vec<u8>)> {
    let layout = crate::output::Layout::default();
    let render = |format| crate::output::render(report, format, layout).into_bytes();
    let svgs: Vec<(&str, &str)> = charts.iter().map(|c| (c.data.name, c.svg.as_str())).collect();
    let mut files = vec![
        (PathBuf::from("report.json"), render(crate::output::Format::Json)),
        (PathBuf::from("report.md"), render(crate::output::Format::Markdown)),
        (
            PathBuf::from("report.html"),
            crate::output::html::render(report, &svgs).into_bytes(),
        ),
    ];
    for c in charts {
        files.push((Path::new("charts").join(format!("{}.svg", c.data.name)), c.svg.into_bytes()));
        files.push((Path::new("charts").join(format!("{}.png", c.data.name)), c.png));
    }
    files
}

/// Writes a month's files, made beforehand ([`files`]), into its folder being written.
fn fill(tmp: &Path, files: &[(PathBuf, Vec<u8>)]) -> std::io::Result<()> {
    std::fs::create_dir_all(tmp.join("charts"))?;
    for (name, bytes) in files {
        std::fs::write(tmp.join(name), bytes)?;
    }
    Ok(())
}

/// Each cluster's months on file as a chart (oldest first), for the index. A chart that cannot
/// be drawn is left out: the index's table still lists the months.
fn trends(entries: &[IndexEntry]) -> Vec<(String, String)> {
    let mut folders: Vec<&str> = entries.iter().map(|e| e.folder.as_str()).collect();
    folders.dedup();
    folders
        .into_iter()
        .filter_map(|folder| {
            let mut months: Vec<(&str, &crate::report::Report)> = entries
                .iter()
                .filter(|e| e.folder == folder)
                .map(|e| (e.month.as_str(), &e.report))
                .collect();
            months.sort_by_key(|m| m.0);
            let name = months.first()?.1.cluster_name.clone();
            let svg = crate::charts::svg_of(&crate::charts::data::trend(&name, &months)).ok()?;
            Some((folder.to_string(), svg))
        })
        .collect()
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
            if let Ok(mut reports) = sources::saved_report::read(&c.path().join(&month).join("report.json")) {
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
