//! `collect`: live clusters' inventory (ECS) and usage (CloudWatch) into snapshot directories.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::args::AwsArgs;
use super::{confirm, Error, Outcome};
use crate::sources;

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

pub fn run(args: &CollectArgs, stdout: &mut dyn Write) -> Result<Outcome, Error> {
    let collected = sources::aws::collect(&args.aws.collect_settings(&args.cluster, args.all_clusters))?;
    let several = collected.snapshots.len() > 1 || args.all_clusters;
    let mut text = String::new();
    for s in &collected.snapshots {
        let dir = if several {
            args.out.join(&s.manifest.cluster)
        } else {
            args.out.clone()
        };
        s.write(&dir)?;
        text.push_str(&format!("wrote the snapshot of `{}` to {}\n", s.manifest.cluster, dir.display()));
    }
    confirm(&text, stdout);
    Ok(Outcome::ok())
}
