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

use std::io::Write;
use std::path::Path;

use cli::{Cli, Command, ConfigCommand, DemoCommand, PricesCommand};
pub use error::{exit, Error};

/// Runs a parsed command, writing its output to `stdout`.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<(), Error> {
    match cli.command {
        Command::Analyze(args) => {
            let assumptions = args.assumptions.resolve()?;
            let snapshot = sources::load(&args.source())?;
            let catalog = pricing::Catalog::bundled()?;
            let report = recommend::analyze(&snapshot, &catalog, &assumptions)?;
            let text = output::render(&report, args.output.into());
            emit(&text, args.out.as_deref(), stdout)
        }
        Command::Pack(args) => {
            let settings = args.settings()?;
            let rows = sources::tasks::read(&args.tasks)?;
            let catalog = pricing::Catalog::bundled()?;
            let report = pack::pack(&rows, &catalog, &settings)?;
            let text = output::pack::render(&report, &rows, args.output.into());
            emit(&text, args.out.as_deref(), stdout)
        }
        Command::Prices(PricesCommand::Show { region, output: format }) => {
            let catalog = pricing::Catalog::bundled()?;
            let text = output::prices::render(&catalog, &region, format.into())?;
            emit(&text, None, stdout)
        }
        Command::Demo(DemoCommand::Export { out }) => {
            sources::demo::generate().write(&out)?;
            emit(&format!("wrote the demo snapshot to {}\n", out.display()), None, stdout)
        }
        Command::Config(ConfigCommand::Defaults) => emit(config::DEFAULTS_TOML, None, stdout),
    }
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
