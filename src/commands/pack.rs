//! `pack`: a tasks file packed onto instance types: the fleet, its cost and a proven bound.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{emit, Error, Outcome};
use crate::output::{self, Format};
use crate::{pack, pricing, sources};

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
    /// Defaults, the config file and the flags, merged as every command merges them.
    pub fn settings(&self) -> Result<crate::pack::PackSettings, Error> {
        let a = super::settings::Settings::merge(self.config.as_deref(), |a, _| {
            if let Some(m) = self.reserved_memory_mib {
                a.ec2.reserved_memory_mib = m;
            }
            a.ec2.eni_trunking |= self.eni_trunking;
        })?
        .assumptions;
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

pub fn run(args: &PackArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let settings = args.settings()?;
    let rows = sources::tasks::read(&args.tasks)?;
    let catalog = pricing::Catalog::load()?;
    let report = pack::pack(&rows, &catalog, &settings)?;
    let text = output::pack::render(&report, &rows, args.output.into());
    emit(&text, args.out.as_deref(), stdout)?;
    Ok(Outcome::warn(catalog.fallback_warning(&settings.region)))
}
