//! The top-level error and the exit codes. A budget breach (exit 1) never looks like a tool
//! failure (2 and up).

use thiserror::Error;

use crate::config::ConfigError;
use crate::pack::PackError;
use crate::pricing::PricingError;
use crate::recommend::RecommendError;
use crate::snapshot::SnapshotError;
use crate::sources::aws::AwsError;
use crate::sources::saved_report::SavedReportError;
use crate::sources::tasks::TasksFileError;

pub mod exit {
    /// Everything went well.
    pub const OK: u8 = 0;
    /// `gate`: a budget rule was breached.
    pub const BUDGET_EXCEEDED: u8 = 1;
    /// Bad command line: unknown flag, missing value (clap's own code).
    pub const USAGE: u8 = 2;
    /// Bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no
    /// instance holds.
    pub const INPUT: u8 = 3;
    /// Pricing: unknown region or instance type, missing price.
    pub const PRICING: u8 = 4;
    /// AWS: no credentials or region, access denied, throttling, unreachable endpoint, unknown cluster.
    pub const AWS: u8 = 5;
    /// Could not write the output.
    pub const OUTPUT: u8 = 6;
    /// Partial: the output is written, but something could not be priced (an instance type or
    /// region the catalog lacks); the report names it and the command that fixes it.
    pub const PARTIAL: u8 = 7;
}

use crate::review::ReviewError;

#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    Recommend(#[from] RecommendError),
    #[error(transparent)]
    TasksFile(#[from] TasksFileError),
    #[error(transparent)]
    Pack(#[from] PackError),
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    SavedReport(#[from] SavedReportError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error(transparent)]
    Gate(#[from] crate::gate::GateError),
    #[error("cannot write `{path}`: {message}")]
    Output { path: String, message: String },
}

impl Error {
    /// Each stage's error answers its own exit category.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::SavedReport(_) | Error::TasksFile(_) => exit::INPUT,
            Error::Snapshot(e) => e.exit_code(),
            Error::Pricing(_) => exit::PRICING,
            Error::Recommend(e) => e.exit_code(),
            Error::Pack(e) => e.exit_code(),
            // A setting the user must fix is a bad command line, not an AWS failure.
            Error::Aws(AwsError::BadSetting { .. }) => exit::USAGE,
            Error::Aws(_) => exit::AWS,
            Error::Review(ReviewError::MonthNotInSnapshot { .. }) => exit::INPUT,
            Error::Review(ReviewError::FutureMonth { .. }) => exit::USAGE,
            Error::Review(ReviewError::SeveralForHtml { .. }) => exit::INPUT,
            Error::Review(_) => exit::OUTPUT,
            Error::Gate(e) => e.exit_code(),
            Error::Output { .. } => exit::OUTPUT,
        }
    }
}
