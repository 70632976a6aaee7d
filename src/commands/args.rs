//! The flags several commands share: where the state comes from, how to reach AWS, the
//! assumption overrides, the output formats, the exit-code help text, and the parsers behind them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::domain::{Month, Region};
use crate::output::Format;
use crate::sources::Source;

/// Exit codes of every command but `gate`, whose verdict adds 1 ([`GATE_EXIT_CODES`]).
pub const EXIT_CODES: &str = "Exit codes:
  0  success
  2  bad command line
  3  bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no instance type holds
  4  pricing: a region with no prices, an unknown instance type asked for by name
  5  AWS: no credentials or region, access denied, throttled, unreachable, cluster not found
  6  cannot write the output
  7  partial: the output is written, but some instance types could not be priced (it names them)
  130, 143, 129  ended by SIGINT, SIGTERM or SIGHUP (128 + the signal): a write under way ends whole";

/// The exit codes of `gate`, and of the tool as a whole.
pub const GATE_EXIT_CODES: &str = "Exit codes:
  0  success (for gate: pass, or warn)
  1  gate: a budget rule is breached
  2  bad command line
  3  bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no instance type holds
  4  pricing: a region with no prices, an unknown instance type asked for by name
  5  AWS: no credentials or region, access denied, throttled, unreachable, cluster not found
  6  cannot write the output
  7  partial: the output is written, but some instance types could not be priced (it names them)
  130, 143, 129  ended by SIGINT, SIGTERM or SIGHUP (128 + the signal): a write under way ends whole";

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
    /// Threads reading the snapshot and the analysis run on [default: one per core]. The figures
    /// are the same with any number.
    #[arg(long, env = "ECS_ADVISOR_JOBS", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
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

/// How to reach AWS, on top of the standard chain (AWS_* variables, shared config files,
/// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, AWS_MAX_ATTEMPTS).
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS region [default: AWS_REGION, or the profile's].
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<Region>,
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

/// An AWS Region code (`us-east-1`), refused here if it is not one.
pub fn parse_region(s: &str) -> Result<Region, String> {
    Region::parse(s)
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

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Markdown,
    /// The recommended changes, ready to apply: task definition and service fields as the ECS
    /// API spells them, and Terraform lines (JSON).
    Patch,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Markdown => Format::Markdown,
            OutputFormat::Patch => Format::Patch,
        }
    }
}

pub fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s)
}

pub fn parse_group_by(s: &str) -> Result<String, String> {
    crate::allocation::parse_group_by(s)
}

impl AssumptionArgs {
    /// The flags over `a` (the defaults and the config file already in it).
    pub fn apply(&self, a: &mut crate::config::Assumptions) {
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
    }
}
