//! ecs-advisor: should an ECS workload run on Fargate or on EC2, at what size, and what would that
//! save? The modules follow the pipeline:
//!
//! `sources` -> `snapshot` -> `usage` -> `pricing` -> `simulation` -> `recommend` -> `output`
//!
//! Only `sources` may do network I/O or async; every later stage is synchronous and deterministic
//! for a given snapshot and price catalog. `cli` turns arguments into the settings the library
//! takes; `main.rs` only parses, picks standard output ([`stdout`]), calls [`run`] and maps the
//! error to an exit code.

pub mod charts;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod gate;
pub mod input;
pub mod money;
pub mod output;
pub mod pack;
pub mod pricing;
pub mod recommend;
pub mod report;
pub mod review;
pub mod simulation;
pub mod snapshot;
pub mod sources;
pub mod stdout;
pub mod usage;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use cli::{Cli, Command, ConfigCommand, DemoCommand, PricesCommand};
pub use error::{exit, Error};

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
    fn partial_if(self, reports: &[report::Report]) -> Self {
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
    match cli.command {
        Command::Analyze(args) => {
            let assumptions = args.assumptions.resolve()?;
            let catalog = pricing::Catalog::load()?;
            let reports = analyze_snapshots(sources::load(&args.source())?, &assumptions, &catalog, args.aws.quiet)?;
            if let Some(dir) = &args.charts {
                write_charts(dir, &reports)?;
            }
            write_reports(&reports, args.output.into(), args.wide, args.out.as_deref(), stdout)
        }
        Command::Report(args) => {
            let assumptions = args.assumptions.resolve()?;
            let catalog = pricing::Catalog::load()?;
            let (snapshots, mut warnings) = report_sources(&args)?;
            let months: Vec<review::Month> = snapshots.iter().map(|(_, m)| *m).collect();
            let reports = analyze_snapshots(snapshots.into_iter().map(|(s, _)| s).collect(), &assumptions, &catalog, args.quiet)?;
            let mut text = String::new();
            let partial = reports.iter().any(|r| !r.prices.not_priced.is_empty());
            for (report, month) in reports.into_iter().zip(months) {
                let written = review::write(&args.out, report, month)?;
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
        Command::Render(args) => {
            let reports = sources::saved_report::read(&args.report)?;
            match args.output.format() {
                Some(format) => write_reports(&reports, format, args.wide, args.out.as_deref(), stdout),
                None => {
                    // One self-contained page, charts inline, as `report` writes it.
                    let [report] = reports.as_slice() else {
                        return Err(review::ReviewError::SeveralForHtml {
                            path: args.report.display().to_string(),
                            clusters: reports.len(),
                        }
                        .into());
                    };
                    emit(&review::html_page(report)?, args.out.as_deref(), stdout)?;
                    Ok(Outcome::warn(
                        report.warnings.iter().map(|w| format!("`{}`: {w}", report.cluster_name)),
                    ))
                }
            }
        }
        Command::Gate(args) => run_gate(&args, stdout),
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
            confirm(&text, stdout);
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
            let text = output::prices::render(&catalog, region.as_deref(), format.into())?;
            emit(&text, None, stdout)?;
            Ok(Outcome::warn(region.and_then(|r| catalog.fallback_warning(&r))))
        }
        Command::Prices(PricesCommand::Refresh { region, profile, quiet }) => {
            let catalog = pricing::Catalog::bundled()?;
            // By default every region the tool knows: the bundled ones and those refreshed before.
            let regions = if region.is_empty() {
                let mut known: Vec<String> = catalog.regions.keys().cloned().collect();
                let cached = pricing::cache::cache_dir()
                    .map(|d| pricing::cache::read_all(&d))
                    .transpose()?
                    .unwrap_or_default();
                known.extend(cached.into_iter().map(|r| r.region).filter(|r| !catalog.regions.contains_key(r)));
                known
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
                let bundled = catalog.regions.contains_key(&r.region.region);
                text.push_str(&format!(
                    "{}: {} EC2 instance types ({} not in the bundled catalog), {} Managed Instances fees, {} Fargate rates{} -> {}\n",
                    r.region.region,
                    r.region.ec2_hourly.len(),
                    r.new_types,
                    r.region.managed_instances_fees.len(),
                    r.region.fargate.len(),
                    match (r.kept_fargate.is_empty(), bundled) {
                        (true, _) => String::new(),
                        (false, true) => format!(" (not in the price list, bundled rate kept: {})", r.kept_fargate.join(", ")),
                        (false, false) => format!(" (not in the price list, estimated: {})", r.kept_fargate.join(", ")),
                    },
                    r.path.display()
                ));
            }
            text.push_str(&format!("{calls}\n"));
            confirm(&text, stdout);
            Ok(Outcome::ok())
        }
        Command::Demo(DemoCommand::Export {
            out,
            services,
            days,
            seed,
            month,
        }) => {
            let snapshot = match (services, days, month) {
                (None, None, Some(m)) => demo_month(m)?,
                (None, None, None) => sources::demo::generate(),
                _ => sources::demo::generate_large(services.unwrap_or(27) as usize, days.unwrap_or(30), seed),
            };
            snapshot.write(&out)?;
            confirm(&format!("wrote the demo snapshot to {}\n", out.display()), stdout);
            Ok(Outcome::ok())
        }
        Command::Config(ConfigCommand::Defaults) => {
            emit(config::DEFAULTS_TOML, None, stdout)?;
            Ok(Outcome::ok())
        }
    }
}

/// Analyses snapshots (the `analyze` pipeline), with progress on a terminal.
fn analyze_snapshots(
    snapshots: Vec<snapshot::Snapshot>,
    assumptions: &config::Assumptions,
    catalog: &pricing::Catalog,
    quiet: bool,
) -> Result<Vec<report::Report>, Error> {
    let line = cli::progress::ProgressLine::start(quiet);
    let packer = simulation::optimizer::OptimizingPacker {
        budget: recommend::SIMULATION_BUDGET,
    };
    let mut reports = Vec::new();
    for mut s in snapshots {
        line.stage("usage statistics");
        let usages = usage::analyze(&s, &assumptions.rightsizing);
        // The rows are in the dense series now; at 500 services they are 300 MB.
        s.usage = Vec::new();
        reports.push(recommend::analyze_with(&s, &usages, catalog, assumptions, &packer, &mut |stage| {
            line.stage(stage)
        })?);
    }
    Ok(reports)
}

/// `gate`: everything is read and checked before anything is written.
fn run_gate(args: &cli::GateArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let rules = args.rules()?;
    let catalog = pricing::Catalog::load()?;
    let mut proposal = gate::Proposal::default();
    for p in &args.task_definition {
        proposal.task_definitions.push(gate::taskdef::read(p)?);
    }
    for (name, p) in &args.service {
        proposal.service_task_definitions.push((name.clone(), gate::taskdef::read(p)?));
    }
    proposal.desired = args.set_desired.clone();
    if let Some(p) = &args.terraform_plan {
        proposal.plan = Some(gate::terraform::read(p)?);
    }
    let baseline = match &args.baseline {
        Some(p) => Some((sources::saved_report::read(p)?, format!("the baseline `{}`", p.display()))),
        None => None,
    };
    let current = match &args.report {
        Some(p) => sources::saved_report::read(p)?,
        None => {
            let assumptions = args.assumptions.resolve()?;
            analyze_snapshots(sources::load(&args.source())?, &assumptions, &catalog, args.aws.quiet)?
        }
    };
    // A figure that leaves something out is never a pass unless the user says so.
    if let Some(r) = current
        .iter()
        .find(|r| !r.prices.not_priced.is_empty())
        .filter(|_| !args.allow_partial)
    {
        let what: Vec<String> = r
            .prices
            .not_priced
            .iter()
            .map(|n| format!("{} x `{}`", n.count, n.instance_type))
            .collect();
        return Err(pricing::PricingError::NotFullyPriced {
            what: what.join(", "),
            region: r.region.clone(),
        }
        .into());
    }
    let g = gate::evaluate(
        &current,
        baseline.as_ref().map(|(r, w)| (r.as_slice(), w.clone())),
        &proposal,
        &rules,
        &catalog,
    )?;
    let text = output::gate::render(&g, args.output.into());
    let markdown = output::gate::render(&g, output::Format::Markdown);
    if let Some(path) = &args.junit {
        write_bytes(path, output::gate::junit(&g).as_bytes())?;
    }
    emit(&text, args.out.as_deref(), stdout)?;
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
        let path = std::path::PathBuf::from(summary);
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::Output {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        f.write_all(format!("{markdown}\n").as_bytes()).map_err(|e| Error::Output {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    }
    Ok(Outcome {
        exit_code: if g.verdict == gate::Verdict::Fail {
            exit::BUDGET_EXCEEDED
        } else {
            exit::OK
        },
        warnings: current
            .iter()
            .flat_map(|r| r.warnings.iter().map(|w| format!("`{}`: {w}", r.cluster_name)))
            .collect(),
        lines: vec![g.verdict_line()],
    })
}

/// A snapshot and the month its report covers.
type MonthOf = (snapshot::Snapshot, review::Month);

/// The snapshots a `report` covers, each with its month, and warnings about the windows.
fn report_sources(args: &cli::ReportArgs) -> Result<(Vec<MonthOf>, Vec<String>), Error> {
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
            latest: review::Month::of(now).to_string(),
        }
        .into());
    }
    let snapshots = if args.state.demo {
        let s = match args.month {
            Some(m) => demo_month(m)?,
            None => sources::demo::embedded()?,
        };
        vec![pick(s, &mut warnings)?]
    } else if let Some(dir) = &args.state.snapshot {
        vec![pick(snapshot::Snapshot::load(dir)?, &mut warnings)?]
    } else {
        let month = args.month.unwrap_or_else(|| review::Month::last_full(now));
        if month.start() >= now {
            return Err(review::ReviewError::FutureMonth {
                month: month.to_string(),
                latest: review::Month::of(now).to_string(),
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

fn demo_month(m: review::Month) -> Result<snapshot::Snapshot, Error> {
    if m == review::Month::parse("2026-10").expect("a month") {
        return Ok(sources::demo::embedded()?);
    }
    Ok(sources::demo::generate_month(m.year, m.month).expect("a parsed month has a first day"))
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
        for c in charts::render(r).map_err(review::ReviewError::from)? {
            let mut sink = std::io::sink();
            emit(&c.svg, Some(&target.join(format!("{}.svg", c.data.name))), &mut sink)?;
            write_bytes(&target.join(format!("{}.png", c.data.name)), &c.png)?;
        }
    }
    Ok(())
}

/// Writes bytes to a file atomically: a short temporary name beside it, then a rename; the
/// temporary file is removed whatever fails. An existing device, FIFO or socket (`--out
/// /dev/null`, even through a link) is written through, never replaced by a regular file; a link
/// to a regular file is followed and its target replaced.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |e: std::io::Error| Error::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if let Ok(m) = std::fs::metadata(path) {
        if m.is_dir() {
            return Err(err(std::io::Error::other("it is a directory")));
        }
        if m.is_file() && is_standard_output(&m) {
            // `--out /dev/stdout` with standard output redirected to a file (`>> app.log`): write
            // through standard output, appending where it appends, instead of replacing the file.
            let mut out = std::io::stdout().lock();
            return out.write_all(bytes).and_then(|_| out.flush()).map_err(err);
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new().write(true).open(path).map_err(err)?;
            return f.write_all(bytes).and_then(|_| f.flush()).map_err(err);
        }
    }
    let mut target = path.to_path_buf();
    // Follow links (a few hops; a dangling one names the file to create).
    for _ in 0..8 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&target).map_err(err)?;
                target = match target.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => break,
        }
    }
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    clear_stale_temporaries(dir);
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".ecs-advisor.{}.{n}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(err)
}

/// The entries of `dir` a killed run left: those whose name `pid_of` reads a process ID from,
/// where that process no longer runs (Linux: no `/proc/PID`), each with what `pid_of` read
/// besides. Elsewhere, where that cannot be told, none: nothing is touched.
pub(crate) fn left_by_dead_runs<T>(dir: &Path, pid_of: impl Fn(&str) -> Option<(T, u32)>) -> Vec<(PathBuf, T)> {
    if !Path::new("/proc/self").exists() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let (what, pid) = pid_of(&e.file_name().to_string_lossy())?;
            let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
            gone.then(|| (e.path(), what))
        })
        .collect()
}

/// Removes `.ecs-advisor.PID.N.tmp` files that a run killed mid-write (SIGKILL, or a signal
/// before the rename) left in `dir`.
fn clear_stale_temporaries(dir: &Path) {
    let stale = left_by_dead_runs(dir, |name| {
        let pid = name.strip_prefix(".ecs-advisor.")?.strip_suffix(".tmp")?.split('.').next()?;
        Some(((), pid.parse().ok()?))
    });
    for (path, ()) in stale {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether `m` is the file this process's standard output is open on.
#[cfg(unix)]
fn is_standard_output(m: &std::fs::Metadata) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .is_ok_and(|s| s.dev() == m.dev() && s.ino() == m.ino())
}

#[cfg(not(unix))]
fn is_standard_output(_: &std::fs::Metadata) -> bool {
    false
}

/// Renders reports in a format, to a file or standard output. A table on a terminal fits its
/// width and carries the warnings itself; every other destination gets them on standard error too.
fn write_reports(
    reports: &[report::Report],
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
        Some(path) => write_bytes(path, text.as_bytes()),
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
