//! `gate`: a proposed change priced against the current state, checked against budget rules.
//! Everything is read and checked before anything is written.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::{AssumptionArgs, AwsArgs, StateArgs};
use super::settings::Settings;
use super::{analyze_snapshots, emit, write_file, Error, Outcome};
use crate::output::{self, Format};
use crate::sources::{self, Source};
use crate::{exit, gate, pricing};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("state").required(true).args(["demo", "snapshot", "cluster", "all_clusters", "report"])))]
pub struct GateArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// A saved report (`analyze --output json`, or a monthly report.json) as the current state.
    #[arg(long, value_name = "REPORT.json")]
    pub report: Option<PathBuf>,
    /// A proposed task definition (JSON: register-task-definition input or describe-task-definition
    /// output; repeatable). It applies to the services running its family; a family none runs is
    /// a new service.
    #[arg(long = "task-definition", value_name = "FILE")]
    pub task_definition: Vec<PathBuf>,
    /// A proposed task definition for a named service (repeatable).
    #[arg(long, value_name = "NAME=FILE", value_parser = parse_service_file)]
    pub service: Vec<(String, PathBuf)>,
    /// A proposed desired count (repeatable); for a new service, its task count.
    #[arg(long, value_name = "SERVICE=N", value_parser = parse_desired)]
    pub set_desired: Vec<(String, u32)>,
    /// A Terraform plan in JSON (`terraform show -json PLAN`).
    #[arg(long, value_name = "PLAN.json")]
    pub terraform_plan: Option<PathBuf>,
    /// Fail when the proposed monthly total exceeds USD.
    #[arg(long, value_name = "USD", value_parser = parse_usd, allow_negative_numbers = true)]
    pub budget: Option<f64>,
    /// Fail when the monthly total rises more than PCT percent over the baseline.
    #[arg(long, value_name = "PCT", value_parser = parse_limit_pct, allow_negative_numbers = true)]
    pub max_increase: Option<f64>,
    /// Fail when the monthly total rises more than USD over the baseline.
    #[arg(long, value_name = "USD", value_parser = parse_usd, allow_negative_numbers = true)]
    pub max_increase_usd: Option<f64>,
    /// Warn (exit 0) when the proposed total reaches PCT percent of the budget.
    #[arg(long, value_name = "PCT", value_parser = parse_limit_pct, allow_negative_numbers = true)]
    pub warn_at: Option<f64>,
    /// Fail a budget whenever the proposed total is over it, even when the state was already over
    /// before the change and the change does not add to it (by default that is a warning).
    #[arg(long)]
    pub strict_budget: bool,
    /// Gate on a state that could not be fully priced (container instances of a type the catalog
    /// lacks), leaving those out. Without it such a state is a tool failure (exit 4), never a pass.
    #[arg(long)]
    pub allow_partial: bool,
    /// The baseline for --max-increase: a saved report of the same cluster [default: the current
    /// state, when changes are proposed].
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = GateFormat::Table)]
    pub output: GateFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write JUnit XML (one test case per rule) to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GateFormat {
    Table,
    Json,
    Markdown,
}

impl From<GateFormat> for Format {
    fn from(f: GateFormat) -> Self {
        match f {
            GateFormat::Table => Format::Table,
            GateFormat::Json => Format::Json,
            GateFormat::Markdown => Format::Markdown,
        }
    }
}

/// Dollars a month: a number from 0 to a trillion.
fn parse_usd(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_start_matches('$')
        .replace(',', "")
        .parse()
        .map_err(|_| format!("`{s}` is not an amount of dollars: give a number such as 5000 or 5000.50"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{s}` is not a budget: give dollars from 0 up"));
    }
    if v > 1e12 {
        return Err(format!("`{s}` is out of range: give at most 1000000000000 dollars"));
    }
    Ok(v)
}

/// A percentage from 0 to 1,000.
fn parse_limit_pct(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a percentage: give a number such as 5 or 12.5"))?;
    if !v.is_finite() || !(0.0..=1000.0).contains(&v) {
        return Err(format!("`{s}` is out of range: give a percentage from 0 to 1000"));
    }
    Ok(v)
}

fn parse_desired(s: &str) -> Result<(String, u32), String> {
    let (name, n) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not SERVICE=N: give the service's name, `=`, and its desired count"))?;
    let n: u32 = n
        .trim()
        .parse()
        .ok()
        .filter(|n| *n <= 100_000)
        .ok_or_else(|| format!("`{s}`: the desired count must be a whole number from 0 to 100000"))?;
    if name.trim().is_empty() {
        return Err(format!("`{s}` names no service"));
    }
    Ok((name.trim().to_string(), n))
}

fn parse_service_file(s: &str) -> Result<(String, PathBuf), String> {
    let (name, file) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=FILE: give the service's name, `=`, and a task definition file"))?;
    if name.trim().is_empty() || file.trim().is_empty() {
        return Err(format!("`{s}` is not NAME=FILE"));
    }
    Ok((name.trim().to_string(), PathBuf::from(file)))
}

impl GateArgs {
    pub fn source(&self) -> Source {
        self.state.source(&self.aws)
    }

    /// The rule flags over the config file's `[gate]` rules.
    pub fn apply_rules(&self, rules: &mut gate::Rules) {
        rules.budget_usd = self.budget.or(rules.budget_usd);
        rules.max_increase_pct = self.max_increase.or(rules.max_increase_pct);
        rules.max_increase_usd = self.max_increase_usd.or(rules.max_increase_usd);
        rules.warn_at_pct = self.warn_at.or(rules.warn_at_pct);
        rules.strict_budget |= self.strict_budget;
    }
}

/// `gate`: everything is read and checked before anything is written.
pub fn run(args: &GateArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let settings = Settings::merge(args.assumptions.config.as_deref(), |a, rules| {
        args.assumptions.apply(a);
        args.apply_rules(rules);
    })?;
    let rules = &settings.rules;
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
        None => analyze_snapshots(sources::load(&args.source())?, &settings.assumptions, &catalog, args.aws.quiet)?,
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
        rules,
        &catalog,
    )?;
    let text = output::gate::render(&g, args.output.into());
    let markdown = output::gate::render(&g, output::Format::Markdown);
    if let Some(path) = &args.junit {
        write_file(path, output::gate::junit(&g).as_bytes())?;
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
        // The table on a terminal already opens with the verdict: it is not said twice there
        // (piped, the verdict line on standard error is what a CI log or a script reads).
        lines: if args.out.is_none() && matches!(args.output, GateFormat::Table) && std::io::stdout().is_terminal() {
            Vec::new()
        } else {
            vec![g.verdict_line()]
        },
    })
}
