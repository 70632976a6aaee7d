//! `--bill`: what AWS charged the cluster, read from a Data Export, beside what the model says it
//! cost. [`read`] streams a CUR 2.0 or FOCUS 1.x export (Parquet) into a [`Bill`]: the sums of
//! the cluster's lines over the analysed window, by service and by instance. [`reconcile`] puts a
//! report's figures beside them. [`write`] writes such an export for the demo, the way AWS writes
//! one.
//!
//! The exports' columns and their meanings are AWS's:
//! - CUR 2.0: <https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html>, its
//!   split cost allocation columns:
//!   <https://docs.aws.amazon.com/cur/latest/userguide/split-line-item-columns.html>, and how
//!   they are computed:
//!   <https://docs.aws.amazon.com/cur/latest/userguide/example-split-cost-allocation-data.html>.
//! - FOCUS 1.0 and 1.2 with AWS columns:
//!   <https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-0-aws.html>, and
//!   the FinOps Foundation's specification, <https://focus.finops.org/focus-specification/>.
//! - The tags ECS puts on a task's lines (`aws:ecs:serviceName`, `aws:ecs:clusterName`):
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html>.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

mod columns;
mod parquet_out;
pub mod read;
pub mod reconcile;
pub mod write;

pub use read::read;

/// The kind of export: AWS's Cost and Usage Report 2.0, or the FinOps Foundation's FOCUS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Cur2,
    Focus,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Cur2 => "CUR 2.0",
            Format::Focus => "FOCUS",
        }
    }
}

/// What the bill is read for: the cluster, the hours compared and the instances the snapshot
/// lists (the bill's EC2 lines name instances, not clusters).
#[derive(Clone, Debug)]
pub struct Scope {
    pub cluster: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The cluster's container instances by EC2 instance ID, with their pool.
    pub instances: BTreeMap<String, Pool>,
    /// Each instance's type and its list price an hour (with Managed Instances' fee), where the
    /// catalog has it: what an instance's share of its pool's modelled cost is weighed by.
    pub types: BTreeMap<String, (String, Option<f64>)>,
}

/// The kind of instance pool an instance belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pool {
    Ec2,
    ManagedInstances,
}

impl Scope {
    /// The scope of a snapshot: its cluster, its window and its container instances.
    pub fn of(s: &crate::snapshot::Snapshot, prices: Option<&crate::pricing::RegionPrices>) -> Scope {
        let inv = &s.inventory;
        let managed: BTreeSet<&str> = inv
            .capacity_providers
            .iter()
            .filter(|p| p.managed_instances.is_some())
            .map(|p| p.name.as_str())
            .collect();
        let pool_of = |ci: &crate::snapshot::inventory::ContainerInstance| match &ci.capacity_provider_name {
            Some(p) if managed.contains(p.as_str()) => Pool::ManagedInstances,
            _ => Pool::Ec2,
        };
        let instances = inv
            .container_instances
            .iter()
            .map(|ci| (ci.ec2_instance_id.clone(), pool_of(ci)))
            .collect();
        let types = inv
            .container_instances
            .iter()
            .map(|ci| {
                let rate = prices.and_then(|p| {
                    let ec2 = p.ec2_hourly.get(&ci.instance_type)?.to_f64();
                    let fee = match pool_of(ci) {
                        Pool::ManagedInstances => p.managed_instances_fee(&ci.instance_type).map_or(0.0, |f| f.0.to_f64()),
                        Pool::Ec2 => 0.0,
                    };
                    Some(ec2 + fee)
                });
                (ci.ec2_instance_id.clone(), (ci.instance_type.clone(), rate))
            })
            .collect();
        Scope {
            cluster: s.manifest.cluster.clone(),
            start: s.manifest.window_start,
            end: s.manifest.window_end,
            instances,
            types,
        }
    }

    pub fn hours(&self) -> f64 {
        (self.end - self.start).num_seconds().max(0) as f64 / 3600.0
    }
}

/// Dollars summed three ways: at public on-demand prices, as billed (unblended) and as effective
/// (after Savings Plans, Reserved Instances and credits). Summed as floats: the exports carry
/// their costs as doubles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Charges {
    pub list: f64,
    pub billed: f64,
    pub effective: f64,
}

impl Charges {
    pub fn add(&mut self, o: Charges) {
        self.list += o.list;
        self.billed += o.billed;
        self.effective += o.effective;
    }
}

/// A task's share of its instance's cost by AWS's split cost allocation: what its reservation (or
/// use, where larger) took, and the share of the instance's unused capacity AWS gave it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Split {
    pub split_list: f64,
    pub split_effective: f64,
    pub unused_list: f64,
    pub unused_effective: f64,
}

/// One instance's lines: the instance itself, and ECS's fees on it (Managed Instances).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InstanceCharges {
    pub instance: Charges,
    pub fee: Charges,
    /// Instance-hours billed (the usage amount of its instance lines).
    pub hours: f64,
}

/// How much of the export was read, and what the filter kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReadStats {
    pub files: usize,
    pub rows: u64,
    pub row_groups: usize,
    /// Row groups read: the others lie outside the months of the window, by their statistics.
    pub row_groups_read: usize,
    /// Rows of ECS tasks and EC2 instances (the others are not decoded past their resource ID).
    pub rows_decoded: u64,
    /// Rows of the cluster in the window.
    pub rows_matched: u64,
}

/// The cluster's charges over the window, as the export has them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bill {
    pub format: Option<Format>,
    pub read: ReadStats,
    /// Fargate tasks by service (`aws:ecs:serviceName`; empty: the lines carry no such tag).
    pub fargate: BTreeMap<String, Charges>,
    /// Fargate Spot's part of `fargate`, by service.
    pub fargate_spot: BTreeMap<String, Charges>,
    /// Tasks on EC2 (and Managed Instances) by service: their split cost allocation lines.
    pub split: BTreeMap<String, Split>,
    /// Whether the export has split cost allocation columns (CUR 2.0 with them turned on).
    pub has_split: bool,
    /// Instances that ran the cluster's tasks in the window (the split lines' parents).
    pub parents: BTreeSet<String>,
    /// Instance lines in the window, by EC2 instance ID: the snapshot's and the parents' (others
    /// are dropped once read).
    pub instances: BTreeMap<String, InstanceCharges>,
    /// The cluster's lines in the months read but outside the window (not compared).
    pub outside_window: Charges,
    /// ECS task lines of other clusters, by name (at most [`read::MAX_NAMES`]).
    pub other_clusters: BTreeSet<String>,
    /// The earliest and latest hour of any usage line read.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Credits and refunds on the cluster's lines in the window (negative), in `effective` above.
    pub credits: f64,
}

impl Bill {
    pub fn fargate_total(&self) -> Charges {
        let mut c = Charges::default();
        for v in self.fargate.values() {
            c.add(*v);
        }
        c
    }
}

/// Why an export could not be used. Never fatal: the report is written without the section.
#[derive(Debug, thiserror::Error)]
pub enum BillError {
    #[error("--bill `{path}`: {message}")]
    Unreadable { path: String, message: String },
    #[error("--bill `{path}`: not a CUR 2.0 or FOCUS export: it has no `{missing}` column (its columns: {found}); export CUR 2.0 or FOCUS 1.x as Parquet from AWS Data Exports")]
    NotAnExport {
        path: String,
        missing: &'static str,
        found: String,
    },
    #[error("--bill `{path}`: column `{column}` is {found}, not {expected}")]
    ColumnType {
        path: String,
        column: String,
        found: String,
        expected: &'static str,
    },
    #[error("--bill `{path}`: {what}")]
    Nothing { path: String, what: String },
}

#[cfg(test)]
mod tests;
