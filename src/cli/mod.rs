//! The command line: clap structs, and their conversion into the validated settings the library
//! takes. Nothing below `cli` knows about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Assumptions;
use crate::error::Error;
use crate::output::Format;
use crate::sources::Source;

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  budget exceeded (gate)
  2  bad command line
  3  bad input: missing or corrupt snapshot or tasks file, invalid config, a task no instance type holds
  4  pricing: unknown region or instance type, missing price
  5  AWS error
  6  cannot write the output";

#[derive(Debug, Parser)]
#[command(
    name = "ecs-advisor",
    version,
    about = "Fargate or EC2? Rightsizing, bin-packing simulation and cost recommendations for Amazon ECS",
    after_help = format!("Examples:\n  ecs-advisor analyze --demo\n  ecs-advisor analyze --snapshot snapshots/prod --output markdown\n  ecs-advisor pack --tasks tasks.csv --output json\n  ecs-advisor prices show --region eu-west-1 --output csv\n\n{EXIT_CODES}")
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze a cluster: current cost, Fargate and EC2 alternatives, recommendations.
    #[command(after_help = format!(
        "Examples:\n  ecs-advisor analyze --demo\n  ecs-advisor analyze --demo --output json > report.json\n  ecs-advisor analyze --snapshot snapshots/prod --headroom-pct 30 --output markdown --out review.md\n\n{EXIT_CODES}"
    ))]
    Analyze(AnalyzeArgs),
    /// Pack a set of tasks onto EC2 instance types: the fleet, its cost, a proven lower bound.
    #[command(after_help = format!(
        "Tasks file: CSV with the header `cpu_units,memory_mib,count` and the optional columns `awsvpc`\n\
         (true/false: takes an ENI), `arm64` (true/false: may run on Graviton) and `name`.\n\n\
         Examples:\n  ecs-advisor pack --tasks tasks.csv\n  ecs-advisor pack --tasks tasks.csv --instance-types m6i.xlarge,m6i.4xlarge,r6i.2xlarge --output json\n  \
         ecs-advisor pack --tasks tasks.csv --region eu-west-1 --reserved-memory-mib 1024 --eni-trunking\n\n{EXIT_CODES}"
    ))]
    Pack(PackArgs),
    /// Show the price catalog.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// The embedded demo cluster.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The assumptions behind every figure.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["demo", "snapshot"])))]
pub struct AnalyzeArgs {
    /// Analyze the embedded demo cluster (no AWS account needed).
    #[arg(long)]
    pub demo: bool,
    /// Analyze a snapshot directory written by `collect` or `demo export`.
    #[arg(long, value_name = "DIR")]
    pub snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
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
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// List a region's EC2 and Fargate prices.
    #[command(
        after_help = "Examples:\n  ecs-advisor prices show --region us-east-1\n  ecs-advisor prices show --region eu-central-1 --output json"
    )]
    Show {
        /// AWS region, e.g. us-east-1.
        #[arg(long)]
        region: String,
        #[arg(long, short, value_enum, default_value_t = PricesFormat::Table)]
        output: PricesFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write the demo snapshot to a directory (regenerates it with the deterministic generator).
    #[command(after_help = "Examples:\n  ecs-advisor demo export --out /tmp/demo\n  ecs-advisor analyze --snapshot /tmp/demo")]
    Export {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
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
        match &self.snapshot {
            Some(dir) => Source::SnapshotDir(dir.clone()),
            None => Source::Demo,
        }
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
        a.validate()?;
        Ok(a)
    }
}
