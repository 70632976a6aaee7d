//! `analyze`: one or more clusters' state (the demo, a snapshot, live) analysed into reports,
//! rendered in a format, with the charts on request.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::args::{parse_group_by, AssumptionArgs, AwsArgs, OutputFormat, StateArgs};
use super::{analyze_snapshots, write_file, write_reports, Error, Outcome};
use crate::sources::{self, Source};
use crate::{charts, pricing, report, review};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["demo", "snapshot", "cluster", "all_clusters"])))]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the charts (SVG and PNG) into DIR (DIR/<cluster>/ for several clusters).
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// The table with every column (usage, each option, the recommendation in words) instead of
    /// the compact view.
    #[arg(long)]
    pub wide: bool,
    /// Cost by the values of a tag, `tag:KEY` (for example tag:team): a row per value, with the
    /// services without it and idle instance capacity as rows of their own.
    #[arg(long, value_name = "tag:KEY", value_parser = parse_group_by)]
    pub group_by: Option<String>,
    /// What AWS charged, beside the figures: an AWS Data Export (CUR 2.0 with split cost
    /// allocation data, or FOCUS 1.x) as a Parquet file, a folder of them or a pattern.
    #[arg(long, value_name = "PATH")]
    pub bill: Option<PathBuf>,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

impl AnalyzeArgs {
    pub fn source(&self) -> Source {
        self.state.source(&self.aws)
    }
}

pub fn run(args: &AnalyzeArgs, settings: &super::settings::Settings, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let catalog = pricing::Catalog::load()?;
    let snapshots = sources::load(&args.source())?;
    let scopes: Vec<crate::bill::Scope> = snapshots
        .iter()
        .map(|s| crate::bill::Scope::of(s, catalog.region(&s.manifest.region).ok()))
        .collect();
    let mut reports = analyze_snapshots(snapshots, &settings.assumptions, &catalog, args.aws.quiet)?;
    super::attach_bill(&mut reports, &scopes, args.bill.as_deref());
    if let Some(key) = &args.group_by {
        for r in &mut reports {
            r.allocation = Some(crate::allocation::allocate(r, key, None));
        }
    }
    if let Some(dir) = &args.charts {
        write_charts(dir, &reports)?;
    }
    write_reports(&reports, args.output.into(), args.wide, args.out.as_deref(), stdout)
}

/// `analyze --charts DIR`: every chart of every report, as SVG and PNG.
fn write_charts(dir: &Path, reports: &[report::Report]) -> Result<(), Error> {
    for r in reports {
        let target = if reports.len() > 1 {
            dir.join(review::folder_name(&r.cluster_name))
        } else {
            dir.to_path_buf()
        };
        let err = |e: std::io::Error| Error::Output {
            path: target.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(&target).map_err(err)?;
        for c in charts::render(r)? {
            write_file(&target.join(format!("{}.svg", c.data.name)), c.svg.as_bytes())?;
            write_file(&target.join(format!("{}.png", c.data.name)), &c.png)?;
        }
    }
    Ok(())
}
