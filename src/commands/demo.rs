//! `demo export`: the demo snapshot (or a larger generated cluster, or another month of it) on disk.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::args::parse_month;
use super::{confirm, Error, Outcome};
use crate::domain::Month;
use crate::snapshot::Snapshot;
use crate::sources;

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write the demo snapshot to a directory (regenerates it with the deterministic generator),
    /// or, with --services or --days, a larger generated cluster modelled on it.
    #[command(
        after_help = "Examples:\n  ecs-advisor demo export --out /tmp/demo\n  ecs-advisor analyze --snapshot /tmp/demo\n  ecs-advisor demo export --services 500 --days 30 --seed 7 --out /tmp/big"
    )]
    Export {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Services in a generated cluster (the first 27 are the demo's) [default: 27].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=5000))]
        services: Option<u32>,
        /// Days of 5-minute steps in a generated cluster [default: 30].
        #[arg(long, value_name = "D", value_parser = clap::value_parser!(u32).range(1..=63))]
        days: Option<u32>,
        /// Seed of a generated cluster: the same settings give the same snapshot.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// The demo cluster over another calendar month (2026-11 on: after its team acted on
        /// October's report), for trying the monthly report's comparison.
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, conflicts_with_all = ["services", "days"])]
        month: Option<Month>,
        /// Write the cluster's bill instead of its snapshot: the calendar month's AWS Data Export
        /// as AWS writes it (for `--bill`), with a Savings Plan, a service the snapshot lacks and
        /// the days past its window in it.
        #[arg(long, value_enum, value_name = "FORMAT")]
        bill: Option<BillFormat>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum BillFormat {
    /// Cost and Usage Report 2.0 with split cost allocation data.
    Cur2,
    /// FOCUS 1.x (no split cost allocation data).
    Focus,
}

pub fn run(command: DemoCommand, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    match command {
        DemoCommand::Export {
            out,
            services,
            days,
            seed,
            month,
            bill,
        } => {
            let snapshot = match (services, days, month) {
                (None, None, Some(m)) => demo_month(m)?,
                (None, None, None) => sources::demo::generate(),
                _ => sources::demo::generate_large(services.unwrap_or(27) as usize, days.unwrap_or(30), seed),
            };
            if let Some(format) = bill {
                let format = match format {
                    BillFormat::Cur2 => crate::bill::Format::Cur2,
                    BillFormat::Focus => crate::bill::Format::Focus,
                };
                let catalog = crate::pricing::Catalog::load()?;
                let file = write_bill(&snapshot, &catalog, format, &out)?;
                confirm(
                    &format!("wrote the demo cluster's {} bill to {}\n", format.as_str(), file.display()),
                    stdout,
                );
                return Ok(Outcome::ok());
            }
            snapshot.write(&out)?;
            confirm(&format!("wrote the demo snapshot to {}\n", out.display()), stdout);
            Ok(Outcome::ok())
        }
    }
}

pub fn demo_month(m: Month) -> Result<Snapshot, Error> {
    if m == Month::parse("2026-10").expect("a month") {
        return Ok(sources::demo::embedded()?);
    }
    Ok(sources::demo::generate_month(m.year, m.month).expect("a parsed month has a first day"))
}

/// The export into `out`, whole or not at all: written into a fresh folder beside it, then
/// moved into place.
fn write_bill(
    snapshot: &Snapshot,
    catalog: &crate::pricing::Catalog,
    format: crate::bill::Format,
    out: &std::path::Path,
) -> Result<PathBuf, Error> {
    let failed = |message: String| Error::Output {
        path: out.display().to_string(),
        message,
    };
    let mut file = PathBuf::new();
    crate::fsio::write_dir(out, |tmp| {
        file = crate::bill::write::write(snapshot, catalog, format, tmp).map_err(std::io::Error::other)?;
        Ok(())
    })
    .map_err(|e: std::io::Error| failed(e.to_string()))?;
    let rel = file.iter().rev().take(3).collect::<Vec<_>>();
    Ok(out.join(rel.into_iter().rev().collect::<PathBuf>()))
}
