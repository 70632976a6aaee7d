//! The application layer: one file per subcommand, each holding its clap arguments, reading its
//! inputs, calling the core, writing its outputs and answering its outcome (the shape of cargo's
//! `bin/cargo/commands/*` over `ops`). [`run`] dispatches; `main.rs` prints the outcome and maps
//! an [`Error`] to its exit code ([`crate::exit`]).
//!
//! This is the only layer that knows clap, the exit codes, the files a command writes and which
//! renderer answers which format. The core below (`sources` -> `snapshot` -> `usage` -> `pricing`
//! -> `simulation` -> `recommend`, with `gate` and `review`) never imports it.

mod analyze;
mod args;
mod collect;
mod demo;
mod error;
mod gate;
pub mod interrupt;
mod pack;
mod prices;
pub mod progress;
mod render;
pub mod report;
mod settings;

use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::{Parser, Subcommand};

use crate::{config, exit, output, pricing, recommend, report as model, simulation, snapshot, usage};
use args::{EXIT_CODES, GATE_EXIT_CODES};
pub use error::Error;
use settings::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "ecs-advisor",
    version,
    about = "Fargate or EC2? Rightsizing, bin-packing simulation and cost recommendations for Amazon ECS",
    after_help = format!("Examples:\n  ecs-advisor analyze --demo\n  ecs-advisor analyze --cluster prod --region us-east-1\n  ecs-advisor collect --cluster prod --out snapshots/prod\n  ecs-advisor analyze --snapshot snapshots/prod --output markdown\n  ecs-advisor render report.json --output csv\n  ecs-advisor pack --tasks tasks.csv --output json\n  ecs-advisor prices show --region eu-west-1 --output csv\n\n{GATE_EXIT_CODES}")
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze a cluster: current cost, Fargate and EC2 alternatives, recommendations.
    #[command(after_help = format!(
        "Examples:\n  ecs-advisor analyze --demo\n  ecs-advisor analyze --cluster prod --region us-east-1 --lookback 30d\n  ecs-advisor analyze --demo --output json > report.json\n  ecs-advisor analyze --snapshot snapshots/prod --headroom-pct 30 --output markdown --out review.md\n\n{EXIT_CODES}"
    ))]
    Analyze(analyze::AnalyzeArgs),
    /// Render a saved report (the JSON `analyze --output json` wrote) again, in any format, offline.
    #[command(after_help = format!(
        "The report is not analyzed again: rendering a report's JSON prints exactly what the original run printed.\n\n\
         Examples:\n  ecs-advisor analyze --demo --output json --out report.json\n  \
         ecs-advisor render report.json\n  ecs-advisor render report.json --output markdown --out review.md\n\n{EXIT_CODES}"
    ))]
    Render(render::RenderArgs),
    /// Write the monthly cost review: report.json, report.md, report.html and charts, compared
    /// with the month before.
    #[command(after_help = format!(
        "Writes OUT/<cluster>/<YYYY-MM>/ (report.json, report.md, report.html, charts/*.svg and *.png) as a whole
         or not at all, and OUT/index.html listing every cluster and month in OUT. When OUT/<cluster>/ holds the
         previous month's report.json, the report compares: cost change per service, what moved it, and which of
         last month's recommendations were carried out.

         The month: for live clusters, the calendar month's window (default: the last full month); for a
         snapshot, the month its window ends in; for the demo, its October 2026, or any other month generated.

         Examples:
  ecs-advisor report --demo --out reports
  ecs-advisor report --demo --month 2026-11 --out reports
           ecs-advisor report --cluster prod --region us-east-1 --savings-plan-pct 20
           ecs-advisor report --snapshot snapshots/prod --out reports

{EXIT_CODES}"
    ))]
    Report(report::ReportArgs),
    /// Price a proposed change (task definitions, desired counts, a Terraform plan) against how
    /// the services run, and fail (exit 1) when it breaks a budget rule.
    #[command(after_help = format!(
        "The current state is analysed as `analyze` does (or read from --report); a change is priced on the
         services' observed task-hours. Exit 0: pass (warnings included); 1: a rule is breached; 2 to 5: the gate
         itself failed (see below), so CI can tell a breach from a broken run. The verdict is one line on
         standard error; GITHUB_STEP_SUMMARY, when set, gets the Markdown too.

         Examples:
  ecs-advisor gate --demo --budget 5000
           ecs-advisor gate --snapshot snap --task-definition taskdef.json --max-increase 5 --output markdown
           ecs-advisor gate --report report.json --terraform-plan plan.json --max-increase-usd 200 --junit gate.xml
           ecs-advisor gate --cluster prod --set-desired checkout-api=8 --budget 12000 --warn-at 90

{GATE_EXIT_CODES}"
    ))]
    Gate(Box<gate::GateArgs>),
    /// Collect a cluster's inventory (ECS) and usage (CloudWatch) into a snapshot directory.
    #[command(after_help = format!(
        "One cluster is written to DIR itself; several (or --all-clusters) to DIR/<cluster>.\n\n\
         Examples:\n  ecs-advisor collect --cluster prod --out snapshots/prod\n  \
         ecs-advisor collect --all-clusters --region eu-west-1 --lookback 30d --out snapshots\n  \
         ecs-advisor analyze --snapshot snapshots/prod\n\n{EXIT_CODES}"
    ))]
    Collect(collect::CollectArgs),
    /// Pack a set of tasks onto EC2 instance types: the fleet, its cost, a proven lower bound.
    #[command(after_help = format!(
        "Tasks file: CSV with the header `cpu_units,memory_mib,count` and the optional columns `awsvpc`\n\
         (true/false: takes an ENI), `arm64` (true/false: may run on Graviton) and `name`.\n\n\
         Examples:\n  ecs-advisor pack --tasks tasks.csv\n  ecs-advisor pack --tasks tasks.csv --instance-types m6i.xlarge,m6i.4xlarge,r6i.2xlarge --output json\n  \
         ecs-advisor pack --tasks tasks.csv --region eu-west-1 --reserved-memory-mib 1024 --eni-trunking\n\n{EXIT_CODES}"
    ))]
    Pack(pack::PackArgs),
    /// Show the price catalog, or refresh it from the AWS Pricing API.
    #[command(subcommand)]
    Prices(prices::PricesCommand),
    /// The embedded demo cluster.
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// The assumptions behind every figure.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  ecs-advisor completions bash > ~/.local/share/bash-completion/completions/ecs-advisor\n  ecs-advisor completions zsh > ~/.zfunc/_ecs-advisor\n  ecs-advisor completions fish > ~/.config/fish/completions/ecs-advisor.fish"
    )]
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the default assumptions, commented (a starting point for `--config`).
    Defaults,
}

/// What a command leaves besides its output: the exit code (a gate that finds a breach prints
/// its findings and still exits 1) and the warnings for standard error.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub exit_code: u8,
    pub warnings: Vec<String>,
    /// Lines for standard error as they are, after the warnings: the gate's verdict.
    pub lines: Vec<String>,
}

impl Outcome {
    fn ok() -> Self {
        Outcome::default()
    }

    fn warn(warnings: impl IntoIterator<Item = String>) -> Self {
        Outcome {
            exit_code: exit::OK,
            warnings: warnings.into_iter().collect(),
            lines: Vec::new(),
        }
    }

    /// Exit 7 when a report could not price everything (`prices.not_priced`): its output is
    /// written, and the code tells a script that some figures leave something out.
    fn partial_if(self, reports: &[model::Report]) -> Self {
        self.partial(reports.iter().any(|r| !r.prices.not_priced.is_empty()))
    }

    fn partial(mut self, partial: bool) -> Self {
        if partial {
            self.exit_code = exit::PARTIAL;
        }
        self
    }
}

/// Runs a parsed command, writing its output to `stdout`.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    // The pool is sized before anything runs on it: reading a snapshot does.
    match &cli.command {
        Command::Analyze(args) => threads(args.state.jobs),
        Command::Report(args) => threads(args.state.jobs),
        Command::Gate(args) => threads(args.state.jobs),
        _ => {}
    }
    match cli.command {
        Command::Analyze(args) => analyze::run(&args, &Settings::resolve(&args.assumptions)?, stdout),
        Command::Report(args) => report::run(&args, &Settings::resolve(&args.assumptions)?, stdout),
        Command::Render(args) => render::run(&args, stdout),
        Command::Gate(args) => gate::run(&args, stdout),
        Command::Collect(args) => collect::run(&args, stdout),
        Command::Pack(args) => pack::run(&args, stdout),
        Command::Prices(command) => prices::run(command, stdout),
        Command::Demo(command) => demo::run(command, stdout),
        Command::Config(ConfigCommand::Defaults) => {
            emit(config::DEFAULTS_TOML, None, stdout)?;
            Ok(Outcome::ok())
        }
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "ecs-advisor", &mut text);
            emit(&String::from_utf8_lossy(&text), None, stdout)?;
            Ok(Outcome::ok())
        }
    }
}

/// Sizes the pool that reading a snapshot and the analysis share: `--jobs` threads, else one per
/// core. Every parallel part gathers its results in a fixed order, so the figures are the same
/// with any number.
fn threads(jobs: Option<u16>) {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        pool = pool.num_threads(usize::from(n));
    }
    // Built once per process: a second run in the same process keeps the first pool.
    let _ = pool.build_global();
}

/// Analyses snapshots (the `analyze` pipeline), with progress on a terminal.
fn analyze_snapshots(
    snapshots: Vec<snapshot::Snapshot>,
    assumptions: &config::Assumptions,
    catalog: &pricing::Catalog,
    quiet: bool,
) -> Result<Vec<model::Report>, Error> {
    let line = progress::ProgressLine::start(quiet);
    let packer = simulation::optimizer::OptimizingPacker {
        budget: recommend::SIMULATION_BUDGET,
    };
    let mut reports = Vec::new();
    for mut s in snapshots {
        line.stage("usage statistics");
        // Each service's points go once its series are built: the two are never both held whole.
        let usages = usage::analyze_taking_points(&mut s, &assumptions.rightsizing);
        reports.push(recommend::analyze_with(&s, &usages, catalog, assumptions, &packer, &mut |stage| {
            line.stage(stage)
        })?);
    }
    Ok(reports)
}

/// `--bill PATH`: each report beside what the export says AWS charged its cluster over the same
/// hours. An export that cannot be used is a warning in the report, which goes on without it.
fn attach_bill(reports: &mut [model::Report], scopes: &[crate::bill::Scope], path: Option<&Path>) {
    let Some(path) = path else { return };
    let shown = path.display().to_string();
    for (r, scope) in reports.iter_mut().zip(scopes) {
        let bill = crate::bill::read(path, scope).and_then(|b| crate::bill::reconcile::check(&b, scope, &shown).map(|_| b));
        match bill {
            Ok(b) => r.bill = Some(crate::bill::reconcile::reconcile(r, &b, scope, &shown)),
            Err(e) => r.warnings.push(format!("{e}; the report has no Model vs bill section")),
        }
    }
}

/// Writes a file atomically ([`crate::fsio::write_file`]), naming it in the error.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::fsio::write_file(path, bytes).map_err(|e| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Renders reports in a format, to a file or standard output. A table on a terminal fits its
/// width and carries the warnings itself; every other destination gets them on standard error too.
fn write_reports(
    reports: &[model::Report],
    format: output::Format,
    wide: bool,
    out: Option<&Path>,
    stdout: &mut dyn Write,
) -> Result<Outcome, Error> {
    let on_terminal = out.is_none() && std::io::stdout().is_terminal();
    let layout = output::Layout {
        width: if on_terminal && format == output::Format::Table {
            comfy_table::Table::new().width()
        } else {
            None
        },
        wide,
    };
    emit(&output::render_all(reports, format, layout), out, stdout)?;
    let shown_in_text = out.is_none() && format == output::Format::Table;
    Ok(Outcome::warn(
        reports
            .iter()
            .filter(|_| !shown_in_text)
            .flat_map(|r| r.warnings.iter().map(|w| format!("`{}`: {w}", r.cluster_name))),
    )
    .partial_if(reports))
}

/// A line saying what a command wrote elsewhere (a folder, a snapshot, the price cache): the
/// command's product is already written, so a standard output that cannot take the line (closed,
/// a wrapper's read-write /dev/null, a full disk behind a redirect) does not fail the run.
fn confirm(text: &str, stdout: &mut dyn Write) {
    let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
}

/// Writes to a file atomically (temporary file, then rename) or to standard output.
fn emit(text: &str, out: Option<&Path>, stdout: &mut dyn Write) -> Result<(), Error> {
    match out {
        Some(path) => write_file(path, text.as_bytes()),
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
