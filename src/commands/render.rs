//! `render`: a saved report in any format again, offline, exactly as the run that saved it.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{emit, write_reports, Error, Outcome};
use crate::output::Format;
use crate::sources;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A report saved by `analyze --output json` (one cluster, or an array of several).
    #[arg(value_name = "REPORT.json")]
    pub report: PathBuf,
    /// Output format (html: one self-contained page with its charts, for one cluster).
    #[arg(long, short, value_enum, default_value_t = RenderFormat::Table)]
    pub output: RenderFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The table with every column (usage, each option, the recommendation in words) instead of
    /// the compact view.
    #[arg(long)]
    pub wide: bool,
}

/// What `render` writes: every format `analyze` has, and the monthly report's HTML page.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RenderFormat {
    Table,
    Json,
    Csv,
    Markdown,
    /// The recommended changes, ready to apply (JSON).
    Patch,
    Html,
}

impl RenderFormat {
    /// The text format, or `None` for the HTML page.
    pub fn format(self) -> Option<Format> {
        match self {
            RenderFormat::Table => Some(Format::Table),
            RenderFormat::Json => Some(Format::Json),
            RenderFormat::Csv => Some(Format::Csv),
            RenderFormat::Markdown => Some(Format::Markdown),
            RenderFormat::Patch => Some(Format::Patch),
            RenderFormat::Html => None,
        }
    }
}

pub fn run(args: &RenderArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let reports = sources::saved_report::read(&args.report)?;
    match args.output.format() {
        Some(format) => write_reports(&reports, format, args.wide, args.out.as_deref(), stdout),
        None => {
            // One self-contained page, charts inline, as `report` writes it.
            let [report] = reports.as_slice() else {
                return Err(Error::SeveralForHtml {
                    path: args.report.display().to_string(),
                    clusters: reports.len(),
                });
            };
            emit(&super::report::html_page(report)?, args.out.as_deref(), stdout)?;
            Ok(Outcome::warn(
                report.warnings.iter().map(|w| format!("`{}`: {w}", report.cluster_name)),
            ))
        }
    }
}
