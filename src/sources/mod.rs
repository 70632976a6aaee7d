//! Sources: where a snapshot comes from. The embedded demo (and its generator) and snapshot
//! directories on disk, and live clusters through ECS and CloudWatch (`aws`), which also refreshes
//! prices from the Pricing API; saved reports (`saved_report`) for `render`. This is the only stage allowed network I/O or async; everything
//! after it works on a [`Snapshot`].

pub mod aws;
pub mod demo;
pub mod saved_report;
pub mod tasks;

use std::path::Path;

use crate::snapshot::{Snapshot, SnapshotError};

/// What can go wrong reading a source: a snapshot that does not load, an AWS failure, or (for
/// `prices refresh`) a price cache that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Aws(#[from] aws::AwsError),
    #[error("cannot write `{path}`: {message}")]
    Write { path: String, message: String },
}

/// Where `analyze` reads its cluster from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The demo cluster shipped in the binary.
    Demo,
    /// A snapshot directory written by `collect` (or `demo export`).
    SnapshotDir(std::path::PathBuf),
    /// Live clusters, collected in memory.
    Live(aws::CollectSettings),
}

/// The snapshots a source stands for: one, or one per live cluster.
pub fn load(source: &Source) -> Result<Vec<Snapshot>, SourceError> {
    match source {
        Source::Demo => Ok(vec![demo::embedded()?]),
        Source::SnapshotDir(dir) => Ok(vec![Snapshot::load(Path::new(dir))?]),
        Source::Live(settings) => Ok(aws::collect(settings)?.snapshots),
    }
}
