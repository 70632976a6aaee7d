//! Sources: where a snapshot comes from. The embedded demo (and its generator) and snapshot
//! directories on disk today; ECS, CloudWatch and the Pricing API later. This is the only stage
//! allowed network I/O or async; everything after it works on a [`Snapshot`].

pub mod demo;
pub mod tasks;

use std::path::Path;

use crate::snapshot::{Snapshot, SnapshotError};

/// Where `analyze` reads its cluster from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The demo cluster shipped in the binary.
    Demo,
    /// A snapshot directory written by `collect` (or `demo export`).
    SnapshotDir(std::path::PathBuf),
}

pub fn load(source: &Source) -> Result<Snapshot, SnapshotError> {
    match source {
        Source::Demo => demo::embedded(),
        Source::SnapshotDir(dir) => Snapshot::load(Path::new(dir)),
    }
}
