//! `prices show` and `prices refresh`: the catalog, and fetching it anew from the Pricing API.

use std::io::Write;

use clap::{Subcommand, ValueEnum};

use super::args::{parse_region, EXIT_CODES};
use super::{confirm, emit, Error, Outcome};
use crate::domain::Region;
use crate::output::{self, Format};
use crate::{pricing, sources};

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
        region: Option<Region>,
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
        region: Vec<Region>,
        /// Named profile from the shared AWS config files.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// No progress indicator on standard error.
        #[arg(long, short)]
        quiet: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PricesFormat {
    Table,
    Json,
    Csv,
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

pub fn run(command: PricesCommand, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    match command {
        PricesCommand::Show { region, output: format } => {
            let catalog = pricing::Catalog::load()?;
            let region = region.as_ref().map(Region::as_str);
            let text = output::prices::render(&catalog, region, format.into())?;
            emit(&text, None, stdout)?;
            Ok(Outcome::warn(region.and_then(|r| catalog.fallback_warning(r))))
        }
        PricesCommand::Refresh { region, profile, quiet } => {
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
                region.iter().map(Region::to_string).collect()
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
    }
}
