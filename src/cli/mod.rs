//! The command line: clap structs, and their conversion into the validated settings the library
//! takes. Nothing below `cli` knows about clap.

pub mod progress;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Assumptions;
use crate::error::Error;
use crate::output::Format;
use crate::sources::Source;

/// Exit codes of every command but `gate`, whose verdict adds 1 ([`GATE_EXIT_CODES`]).
const EXIT_CODES: &str = "Exit codes:
  0  success
  2  bad command line
  3  bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no instance type holds
  4  pricing: a region with no prices, an unknown instance type asked for by name
  5  AWS: no credentials or region, access denied, throttled, unreachable, cluster not found
  6  cannot write the output
  7  partial: the output is written, but some instance types could not be priced (it names them)";

/// The exit codes of `gate`, and of the tool as a whole.
const GATE_EXIT_CODES: &str = "Exit codes:
  0  success (for gate: pass, or warn)
  1  gate: a budget rule is breached
  2  bad command line
  3  bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no instance type holds
  4  pricing: a region with no prices, an unknown instance type asked for by name
  5  AWS: no credentials or region, access denied, throttled, unreachable, cluster not found
  6  cannot write the output
  7  partial: the output is written, but some instance types could not be priced (it names them)";

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
    Analyze(AnalyzeArgs),
    /// Render a saved report (the JSON `analyze --output json` wrote) again, in any format, offline.
    #[command(after_help = format!(
        "The report is not analyzed again: rendering a report's JSON prints exactly what the original run printed.\n\n\
         Examples:\n  ecs-advisor analyze --demo --output json --out report.json\n  \
         ecs-advisor render report.json\n  ecs-advisor render report.json --output markdown --out review.md\n\n{EXIT_CODES}"
    ))]
    Render(RenderArgs),
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
    Report(ReportArgs),
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
    Gate(Box<GateArgs>),
    /// Collect a cluster's inventory (ECS) and usage (CloudWatch) into a snapshot directory.
    #[command(after_help = format!(
        "One cluster is written to DIR itself; several (or --all-clusters) to DIR/<cluster>.\n\n\
         Examples:\n  ecs-advisor collect --cluster prod --out snapshots/prod\n  \
         ecs-advisor collect --all-clusters --region eu-west-1 --lookback 30d --out snapshots\n  \
         ecs-advisor analyze --snapshot snapshots/prod\n\n{EXIT_CODES}"
    ))]
    Collect(CollectArgs),
    /// Pack a set of tasks onto EC2 instance types: the fleet, its cost, a proven lower bound.
    #[command(after_help = format!(
        "Tasks file: CSV with the header `cpu_units,memory_mib,count` and the optional columns `awsvpc`\n\
         (true/false: takes an ENI), `arm64` (true/false: may run on Graviton) and `name`.\n\n\
         Examples:\n  ecs-advisor pack --tasks tasks.csv\n  ecs-advisor pack --tasks tasks.csv --instance-types m6i.xlarge,m6i.4xlarge,r6i.2xlarge --output json\n  \
         ecs-advisor pack --tasks tasks.csv --region eu-west-1 --reserved-memory-mib 1024 --eni-trunking\n\n{EXIT_CODES}"
    ))]
    Pack(PackArgs),
    /// Show the price catalog, or refresh it from the AWS Pricing API.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// The embedded demo cluster.
    #[command(subcommand)]
    Demo(DemoCommand),
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

/// Where the current state comes from: the demo, a snapshot, or live clusters.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// The embedded demo cluster (no AWS account needed).
    #[arg(long)]
    pub demo: bool,
    /// A snapshot directory written by `collect` or `demo export`.
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// A live cluster (name or ARN; repeatable), collected in memory.
    #[arg(long, value_name = "NAME")]
    pub cluster: Vec<String>,
    /// Every cluster in the region.
    #[arg(long)]
    pub all_clusters: bool,
}

impl StateArgs {
    /// The source these flags name, with the AWS settings for a live one.
    pub fn source(&self, aws: &AwsArgs) -> Source {
        match &self.snapshot {
            Some(dir) => Source::SnapshotDir(dir.clone()),
            None if self.cluster.is_empty() && !self.all_clusters => Source::Demo,
            None => Source::Live(aws.collect_settings(&self.cluster, self.all_clusters)),
        }
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["demo", "snapshot", "cluster", "all_clusters"])))]
pub struct ReportArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// The month to review, YYYY-MM [default: live, the last full month; a snapshot, the month
    /// its window ends in; the demo, 2026-10].
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<crate::review::Month>,
    /// Folder of reports: the report goes to OUT/<cluster>/<YYYY-MM>/.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// AWS region [default: AWS_REGION, or the profile's].
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,
    /// Named profile from the shared AWS config files [default: AWS_PROFILE, or `default`].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// No progress indicator or summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

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

    /// The config file's `[gate]` rules, overridden by the flags.
    pub fn rules(&self) -> Result<crate::gate::Rules, Error> {
        let mut rules = match &self.assumptions.config {
            Some(p) => {
                let text = crate::input::read_to_string(p, crate::input::SMALL).map_err(|source| crate::config::ConfigError::Read {
                    path: p.display().to_string(),
                    source,
                })?;
                crate::gate::Rules::from_config(&text, &p.display().to_string())?
            }
            None => crate::gate::Rules::default(),
        };
        rules.budget_usd = self.budget.or(rules.budget_usd);
        rules.max_increase_pct = self.max_increase.or(rules.max_increase_pct);
        rules.max_increase_usd = self.max_increase_usd.or(rules.max_increase_usd);
        rules.warn_at_pct = self.warn_at.or(rules.warn_at_pct);
        rules.strict_budget |= self.strict_budget;
        Ok(rules)
    }
}

fn parse_month(s: &str) -> Result<crate::review::Month, String> {
    crate::review::Month::parse(s)
}

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
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("clusters").required(true).args(["cluster", "all_clusters"])))]
pub struct CollectArgs {
    /// Cluster name or ARN (repeatable); matched exactly.
    #[arg(long, value_name = "NAME")]
    pub cluster: Vec<String>,
    /// Every cluster in the region.
    #[arg(long)]
    pub all_clusters: bool,
    /// Snapshot directory to write (atomically); several clusters go to DIR/<cluster>.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// How to reach AWS, on top of the standard chain (AWS_* variables, shared config files,
/// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, AWS_MAX_ATTEMPTS).
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS region [default: AWS_REGION, or the profile's].
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,
    /// Named profile from the shared AWS config files [default: AWS_PROFILE, or `default`].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// How far back to read usage: a duration such as 3d, 14d, 36h, 2w (5-minute steps up to 63
    /// days, hourly steps up to 455).
    #[arg(long, value_name = "DURATION", default_value = "14d", value_parser = parse_lookback)]
    pub lookback: u64,
    /// End of the window, RFC 3339 (e.g. 2026-11-01T00:00:00Z) [default: now].
    #[arg(long, value_name = "TIME", value_parser = parse_end)]
    pub end: Option<chrono::DateTime<chrono::Utc>>,
    /// No progress indicator or summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,
}

impl AwsArgs {
    pub fn options(&self) -> crate::sources::aws::AwsOptions {
        crate::sources::aws::AwsOptions {
            region: self.region.clone(),
            profile: self.profile.clone(),
            quiet: self.quiet,
        }
    }

    pub fn collect_settings(&self, clusters: &[String], all_clusters: bool) -> crate::sources::aws::CollectSettings {
        crate::sources::aws::CollectSettings {
            clusters: clusters.to_vec(),
            all_clusters,
            lookback_seconds: self.lookback,
            end: self.end,
            aws: self.options(),
        }
    }
}

/// An AWS Region code such as `us-east-1` or `ap-southeast-2`: lowercase words joined by dashes,
/// ending in a number. Anything else is refused here, not sent to the network layer.
pub fn parse_region(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!("`{s}` is not an AWS Region code; write one like us-east-1 or eu-west-2"))
    }
}

/// The window's end: RFC 3339, no earlier than CloudWatch's launch (2009) and no later than a day
/// from now (a window in the future has no data and would report $0 everywhere).
pub fn parse_end(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let t = chrono::DateTime::parse_from_rfc3339(s.trim())
        .map_err(|e| format!("`{s}` is not an RFC 3339 time ({e}); write e.g. 2026-11-01T00:00:00Z"))?
        .with_timezone(&chrono::Utc);
    let earliest = chrono::DateTime::parse_from_rfc3339("2009-01-01T00:00:00Z")
        .expect("a valid constant")
        .with_timezone(&chrono::Utc);
    let latest = chrono::Utc::now() + chrono::Duration::days(1);
    if t < earliest || t > latest {
        return Err(format!(
            "`{s}` is outside the range CloudWatch can have data for (2009 to now); pass a past time"
        ));
    }
    Ok(t)
}

/// A duration: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`14d`, `36h`, `90m`).
pub fn parse_lookback(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration; write a number and a unit, e.g. 14d, 36h, 2w"))?;
    let per = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "" => return Err(format!("`{s}` has no unit; write e.g. {s}d or {s}h")),
        u => return Err(format!("unknown unit `{u}` in `{s}`; use s, m, h, d or w")),
    };
    let secs = n.saturating_mul(per);
    let max = crate::sources::aws::MAX_LOOKBACK_DAYS * 86_400;
    if secs < 300 {
        Err(format!("`{s}` is shorter than one 5-minute CloudWatch period"))
    } else if secs > max {
        Err(format!(
            "`{s}` is beyond CloudWatch's retention of {} days",
            crate::sources::aws::MAX_LOOKBACK_DAYS
        ))
    } else {
        Ok(secs)
    }
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// CSV of tasks: cpu_units,memory_mib,count[,awsvpc][,arm64][,name].
    #[arg(long, value_name = "FILE")]
    pub tasks: PathBuf,
    /// Instance types to pack onto, comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = crate::pack::DEFAULT_INSTANCE_TYPES, hide_default_value = true)]
    pub instance_types: Vec<String>,
    /// AWS region whose prices apply.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Memory held back on every instance for the OS and the ECS agent, MiB [default: 512, or the config file's].
    #[arg(long, value_name = "MIB")]
    pub reserved_memory_mib: Option<u32>,
    /// ENI trunking is on: awsvpc tasks are not limited by the instance's ENIs.
    #[arg(long)]
    pub eni_trunking: bool,
    /// TOML file of assumptions (`ecs-advisor config defaults` prints them).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = PackFormat::Table)]
    pub output: PackFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PackFormat {
    Table,
    Json,
}

impl From<PackFormat> for Format {
    fn from(f: PackFormat) -> Self {
        match f {
            PackFormat::Table => Format::Table,
            PackFormat::Json => Format::Json,
        }
    }
}

impl PackArgs {
    pub fn settings(&self) -> Result<crate::pack::PackSettings, Error> {
        let mut a = match &self.config {
            Some(p) => Assumptions::from_file(p)?,
            None => Assumptions::default(),
        };
        if let Some(m) = self.reserved_memory_mib {
            a.ec2.reserved_memory_mib = m;
        }
        a.ec2.eni_trunking |= self.eni_trunking;
        a.validate()?;
        let instance_types: Vec<String> = self
            .instance_types
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(crate::pack::PackSettings {
            region: self.region.clone(),
            instance_types,
            ec2: a.ec2,
            budget: Default::default(),
        })
    }
}

#[derive(Debug, Args)]
pub struct AssumptionArgs {
    /// TOML file overriding any of the assumptions (`ecs-advisor config defaults` prints them).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Headroom added to observed CPU and memory before rightsizing, percent.
    #[arg(long, value_name = "PCT")]
    pub headroom_pct: Option<f64>,
    /// Percentile of per-task CPU use that a rightsized task must hold.
    #[arg(long, value_name = "P")]
    pub cpu_percentile: Option<f64>,
    /// Percentile of per-task memory use that a rightsized task must hold (100 = maximum).
    #[arg(long, value_name = "P")]
    pub memory_percentile: Option<f64>,
    /// Memory held back on every EC2 instance for the OS and the ECS agent, MiB.
    #[arg(long, value_name = "MIB")]
    pub reserved_memory_mib: Option<u32>,
    /// Saving over Fargate that EC2 must reach before it is recommended, percent.
    #[arg(long, value_name = "PCT")]
    pub ec2_min_savings_pct: Option<f64>,
    /// Share of EC2 instance-hours assumed on Spot, percent (at the config's spot_discount_pct).
    #[arg(long, value_name = "PCT")]
    pub spot_share_pct: Option<f64>,
    /// A change to a service is recommended only if it saves at least this share of its cost
    /// and --min-savings-usd [default: 5].
    #[arg(long, value_name = "PCT")]
    pub min_savings_pct: Option<f64>,
    /// ... and at least these dollars a month [default: 10].
    #[arg(long, value_name = "USD")]
    pub min_savings_usd: Option<f64>,
    /// Compute Savings Plans discount off on-demand Fargate and EC2, percent [default: 0, on demand].
    #[arg(long, value_name = "PCT")]
    pub savings_plan_pct: Option<f64>,
    /// Reserved Instances or EC2 Instance Savings Plans discount off on-demand EC2, percent.
    #[arg(long, value_name = "PCT")]
    pub ec2_discount_pct: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// List the EC2 and Fargate prices of a region, or of every region the catalog knows: each
    /// price checked, estimated or floating, with its source.
    #[command(
        after_help = "Examples:\n  ecs-advisor prices show --region us-east-1\n  ecs-advisor prices show --region eu-central-1 --output json\n  ecs-advisor prices show --output csv"
    )]
    Show {
        /// AWS region, e.g. us-east-1 [default: every region].
        #[arg(long, value_parser = parse_region)]
        region: Option<String>,
        #[arg(long, short, value_enum, default_value_t = PricesFormat::Table)]
        output: PricesFormat,
    },
    /// Fetch current EC2 and Fargate prices from the AWS Pricing API into the local price cache,
    /// which `prices show`, `analyze` and `pack` then use.
    #[command(after_help = format!(
        "The cache is $ECS_ADVISOR_CACHE_DIR/prices, else the user's cache directory (~/.cache/ecs-advisor/prices on Linux).\n\n\
         Examples:\n  ecs-advisor prices refresh\n  ecs-advisor prices refresh --region us-east-1 --region eu-west-1\n\n{EXIT_CODES}"
    ))]
    Refresh {
        /// Region to refresh (repeatable), any commercial region [default: every region of the
        /// catalog and of the cache].
        #[arg(long, value_name = "REGION", value_parser = parse_region)]
        region: Vec<String>,
        /// Named profile from the shared AWS config files.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// No progress indicator on standard error.
        #[arg(long, short)]
        quiet: bool,
    },
}

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
        month: Option<crate::review::Month>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the default assumptions, commented (a starting point for `--config`).
    Defaults,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PricesFormat {
    Table,
    Json,
    Csv,
}

/// What `render` writes: every format `analyze` has, and the monthly report's HTML page.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RenderFormat {
    Table,
    Json,
    Csv,
    Markdown,
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
            RenderFormat::Html => None,
        }
    }
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Markdown => Format::Markdown,
        }
    }
}

impl From<PricesFormat> for Format {
    fn from(f: PricesFormat) -> Self {
        match f {
            PricesFormat::Table => Format::Table,
            PricesFormat::Json => Format::Json,
            PricesFormat::Csv => Format::Csv,
        }
    }
}

impl AnalyzeArgs {
    pub fn source(&self) -> Source {
        self.state.source(&self.aws)
    }
}

impl AssumptionArgs {
    /// Defaults, then the config file, then flags.
    pub fn resolve(&self) -> Result<Assumptions, Error> {
        let mut a = match &self.config {
            Some(p) => Assumptions::from_file(p)?,
            None => Assumptions::default(),
        };
        if let Some(h) = self.headroom_pct {
            a.rightsizing.cpu_headroom_pct = h;
            a.rightsizing.memory_headroom_pct = h;
        }
        if let Some(p) = self.cpu_percentile {
            a.rightsizing.cpu_percentile = p;
        }
        if let Some(p) = self.memory_percentile {
            a.rightsizing.memory_percentile = p;
        }
        if let Some(m) = self.reserved_memory_mib {
            a.ec2.reserved_memory_mib = m;
        }
        if let Some(p) = self.ec2_min_savings_pct {
            a.recommend.ec2_min_savings_pct = p;
        }
        if let Some(p) = self.spot_share_pct {
            a.ec2.spot_share_pct = p;
        }
        if let Some(p) = self.min_savings_pct {
            a.recommend.min_savings_pct = p;
        }
        if let Some(u) = self.min_savings_usd {
            a.recommend.min_savings_usd = u;
        }
        if let Some(p) = self.savings_plan_pct {
            a.discounts.savings_plan_pct = p;
        }
        if let Some(p) = self.ec2_discount_pct {
            a.discounts.ec2_discount_pct = p;
        }
        a.validate()?;
        Ok(a)
    }
}
