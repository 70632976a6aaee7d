//! The top-level error: every stage's error, and the one exit code each answers (the codes are
//! in [`crate::exit`]). The core's errors never name an exit code; this is the only mapping.

use thiserror::Error;

use crate::config::ConfigError;
use crate::exit;
use crate::gate::GateError;
use crate::pack::PackError;
use crate::pricing::PricingError;
use crate::recommend::RecommendError;
use crate::review::ReviewError;
use crate::snapshot::SnapshotError;
use crate::sources::aws::AwsError;
use crate::sources::saved_report::SavedReportError;
use crate::sources::tasks::TasksFileError;
use crate::sources::SourceError;

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
    Source(#[from] SourceError),
    #[error(transparent)]
    SavedReport(#[from] SavedReportError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error(transparent)]
    Gate(#[from] GateError),
    #[error(transparent)]
    Charts(#[from] crate::charts::ChartError),
    #[error(
        "`{path}` holds {clusters} clusters' reports and an HTML page shows one: render each cluster's report, or use another --output"
    )]
    SeveralForHtml { path: String, clusters: usize },
    #[error("cannot write `{path}`: {message}")]
    Output { path: String, message: String },
    #[error("cannot write the report to `{path}`: {message}; check that the directory given to --out is writable")]
    ReportFolder { path: String, message: String },
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Self {
        Error::Source(SourceError::Aws(e))
    }
}

impl Error {
    /// Each stage's error answers its own exit category.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::SavedReport(_) | Error::TasksFile(_) | Error::SeveralForHtml { .. } => exit::INPUT,
            Error::Snapshot(e) => snapshot(e),
            Error::Pricing(_) => exit::PRICING,
            Error::Recommend(RecommendError::Pricing(_)) => exit::PRICING,
            Error::Recommend(_) => exit::INPUT,
            Error::Pack(PackError::Pricing(_)) => exit::PRICING,
            Error::Pack(PackError::NoInstanceTypes) => exit::USAGE,
            Error::Pack(PackError::Unplaceable { .. }) => exit::INPUT,
            Error::Source(SourceError::Snapshot(e)) => snapshot(e),
            // A setting the user must fix is a bad command line, not an AWS failure.
            Error::Source(SourceError::Aws(AwsError::BadSetting { .. })) => exit::USAGE,
            Error::Source(SourceError::Aws(_)) => exit::AWS,
            Error::Source(SourceError::Write { .. }) => exit::OUTPUT,
            Error::Review(ReviewError::MonthNotInSnapshot { .. }) => exit::INPUT,
            Error::Review(ReviewError::FutureMonth { .. }) => exit::USAGE,
            Error::Gate(GateError::Usage(_)) => exit::USAGE,
            Error::Gate(GateError::Input { .. } | GateError::Mismatch(_)) => exit::INPUT,
            Error::Gate(GateError::Pricing(_) | GateError::NotPriced(_)) => exit::PRICING,
            Error::Charts(_) | Error::Output { .. } | Error::ReportFolder { .. } => exit::OUTPUT,
        }
    }
}

/// A snapshot that cannot be written is an output failure; everything else is bad input.
fn snapshot(e: &SnapshotError) -> u8 {
    match e {
        SnapshotError::Write { .. } => exit::OUTPUT,
        _ => exit::INPUT,
    }
}
