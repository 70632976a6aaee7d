//! ecs-advisor: should an ECS workload run on Fargate or on EC2, at what size, and what would that
//! save? The modules follow the pipeline:
//!
//! `sources` -> `snapshot` -> `usage` -> `pricing` -> `simulation` -> `recommend` -> `output`
//!
//! Only `sources` may do network I/O or async; every later stage is synchronous and deterministic
//! for a given snapshot and price catalog. `cli` turns arguments into the settings the library
//! takes; `main.rs` only parses, calls [`run`] and maps the error to an exit code.

pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod money;
pub mod output;
pub mod pack;
pub mod pricing;
pub mod recommend;
pub mod report;
pub mod simulation;
pub mod snapshot;
pub mod sources;
pub mod usage;

use std::io::{IsTerminal, Write};
use std::path::Path;

use cli::{Cli, Command, ConfigCommand, DemoCommand, PricesCommand};
pub use error::{exit, Error};

/// What a command leaves besides its output: the exit code (a gate that finds a breach prints
/// its findings and still exits 1) and the warnings for standard error.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub exit_code: u8,
    pub warnings: Vec<String>,
}

impl Outcome {
    fn ok() -> Self {
        Outcome::default()
    }

    fn warn(warnings: impl IntoIterator<Item = String>) -> Self {
        Outcome {
            exit_code: exit::OK,
            warnings: warnings.into_iter().collect(),
        }
    }
}

/// Runs a parsed command, writing its output to `stdout`.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    match cli.command {
        Command::Analyze(args) => {
            let assumptions = args.assumptions.resolve()?;
            let catalog = pricing::Catalog::load()?;
            let snapshots = sources::load(&args.source())?;
            let line = cli::progress::ProgressLine::start(args.aws.quiet);
            let packer = simulation::optimizer::OptimizingPacker {
                budget: recommend::SIMULATION_BUDGET,
            };
            let mut reports = Vec::new();
            for mut s in snapshots {
                line.stage("usage statistics");
                let usages = usage::analyze(&s, &assumptions.rightsizing);
                // The rows are in the dense series now; at 500 services they are 300 MB.
                s.usage = Vec::new();
                reports.push(recommend::analyze_with(
                    &s,
                    &usages,
                    &catalog,
                    &assumptions,
                    &packer,
                    &mut |stage| line.stage(stage),
                )?);
            }
            drop(line);
            write_reports(&reports, args.output.into(), args.out.as_deref(), stdout)
        }
        Command::Render(args) => {
            let reports = sources::saved_report::read(&args.report)?;
            write_reports(&reports, args.output.into(), args.out.as_deref(), stdout)
        }
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "ecs-advisor", &mut text);
            emit(&String::from_utf8_lossy(&text), None, stdout)?;
            Ok(Outcome::ok())
        }
        Command::Collect(args) => {
            let collected = sources::aws::collect(&args.aws.collect_settings(&args.cluster, args.all_clusters))?;
            let several = collected.snapshots.len() > 1 || args.all_clusters;
            let mut text = String::new();
            for s in &collected.snapshots {
                let dir = if several {
                    args.out.join(&s.manifest.cluster)
                } else {
                    args.out.clone()
                };
                s.write(&dir)?;
                text.push_str(&format!("wrote the snapshot of `{}` to {}\n", s.manifest.cluster, dir.display()));
            }
            emit(&text, None, stdout)?;
            Ok(Outcome::ok())
        }
        Command::Pack(args) => {
            let settings = args.settings()?;
            let rows = sources::tasks::read(&args.tasks)?;
            let catalog = pricing::Catalog::load()?;
            let report = pack::pack(&rows, &catalog, &settings)?;
            let text = output::pack::render(&report, &rows, args.output.into());
            emit(&text, args.out.as_deref(), stdout)?;
            Ok(Outcome::warn(catalog.fallback_warning(&settings.region)))
        }
        Command::Prices(PricesCommand::Show { region, output: format }) => {
            let catalog = pricing::Catalog::load()?;
            let text = output::prices::render(&catalog, &region, format.into())?;
            emit(&text, None, stdout)?;
            Ok(Outcome::warn(catalog.fallback_warning(&region)))
        }
        Command::Prices(PricesCommand::Refresh { region, profile, quiet }) => {
            let catalog = pricing::Catalog::bundled()?;
            let regions = if region.is_empty() {
                catalog.regions.keys().cloned().collect()
            } else {
                region
            };
            let opts = sources::aws::AwsOptions {
                region: None,
                profile,
                quiet,
            };
            let (refreshed, calls) = sources::aws::refresh_prices(&regions, &opts, &catalog)?;
            let mut text = String::new();
            for r in &refreshed {
                text.push_str(&format!(
                    "{}: {} EC2 instance types, {} Fargate rates{} -> {}\n",
                    r.region.region,
                    r.region.ec2_hourly.len(),
                    r.region.fargate.len(),
                    if r.kept_fargate.is_empty() {
                        String::new()
                    } else {
                        format!(" (not in the price list, bundled rate kept: {})", r.kept_fargate.join(", "))
                    },
                    r.path.display()
                ));
            }
            text.push_str(&format!("{calls}\n"));
            emit(&text, None, stdout)?;
            Ok(Outcome::ok())
        }
        Command::Demo(DemoCommand::Export { out, services, days, seed }) => {
            let snapshot = match (services, days) {
                (None, None) => sources::demo::generate(),
                _ => sources::demo::generate_large(services.unwrap_or(27) as usize, days.unwrap_or(30), seed),
            };
            snapshot.write(&out)?;
            emit(&format!("wrote the demo snapshot to {}\n", out.display()), None, stdout)?;
            Ok(Outcome::ok())
        }
        Command::Config(ConfigCommand::Defaults) => {
            emit(config::DEFAULTS_TOML, None, stdout)?;
            Ok(Outcome::ok())
        }
    }
}

/// Renders reports in a format, to a file or standard output. A table on a terminal fits its
/// width and carries the warnings itself; every other destination gets them on standard error too.
fn write_reports(reports: &[report::Report], format: output::Format, out: Option<&Path>, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let on_terminal = out.is_none() && std::io::stdout().is_terminal();
    let layout = output::Layout {
        width: if on_terminal && format == output::Format::Table {
            comfy_table::Table::new().width()
        } else {
            None
        },
    };
    emit(&output::render_all(reports, format, layout), out, stdout)?;
    let shown_in_text = out.is_none() && format == output::Format::Table;
    Ok(Outcome::warn(
        reports
            .iter()
            .filter(|_| !shown_in_text)
            .flat_map(|r| r.warnings.iter().map(|w| format!("`{}`: {w}", r.cluster_name))),
    ))
}

/// Writes to a file atomically (temporary file, then rename) or to standard output.
fn emit(text: &str, out: Option<&Path>, stdout: &mut dyn Write) -> Result<(), Error> {
    match out {
        Some(path) => {
            let err = |e: std::io::Error| Error::Output {
                path: path.display().to_string(),
                message: e.to_string(),
            };
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let tmp = dir.join(format!(
                ".{}.tmp-{}",
                path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
                std::process::id()
            ));
            std::fs::write(&tmp, text).map_err(err)?;
            std::fs::rename(&tmp, path).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                err(e)
            })
        }
        None => match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| Error::Output {
                path: "standard output".into(),
                message: e.to_string(),
            }),
        },
    }
}
