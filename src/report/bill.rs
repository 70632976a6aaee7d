//! The model beside the bill (`--bill`): what the report says the cluster cost over its window
//! and what AWS charged for the same hours, per service and per fleet, with the gaps explained.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Compute;
use crate::money::Usd;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelVsBill {
    /// The export read, as given to `--bill`.
    pub source: String,
    /// `cur2` (AWS's Cost and Usage Report 2.0) or `focus` (FOCUS 1.x).
    pub format: String,
    /// The hours compared: the analysed window's. The bill's lines outside it are left out.
    pub hours: f64,
    /// What was read: files, rows, row groups read of those present, rows of the cluster.
    pub read: BillRead,
    /// Per service: the report's services, then the bill's services the report lacks.
    pub services: Vec<BilledService>,
    /// Per fleet (Fargate, the EC2 instances, the Managed Instances), and the cluster in total.
    pub fleets: Vec<BilledFleet>,
    pub total: BilledFleet,
    /// Per instance: the snapshot's, and those the bill has that ran the cluster's tasks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<BilledInstance>,
    /// The discounts the bill shows, by compute: effective against list.
    pub discounts: Vec<Discount>,
    /// The known causes of the gaps, each with its amount, largest first.
    pub gaps: Vec<NamedGap>,
    /// What the comparison cannot do with this export (no split cost allocation data, no
    /// service tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BillRead {
    pub files: usize,
    pub rows: u64,
    pub row_groups: usize,
    pub row_groups_read: usize,
    /// Rows of the cluster in the window.
    pub rows_matched: u64,
}

/// Where a billed service ran, as the bill shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BilledWhere {
    Fargate,
    Ec2,
    ManagedInstances,
    /// In the bill, not in the snapshot: the model does not see it.
    NotInSnapshot,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BilledService {
    pub name: String,
    pub runs_on: BilledWhere,
    /// The report's figure over the window's hours; absent for a service it does not have.
    pub modelled_usd: Option<Usd>,
    /// At public on-demand prices (on instances: AWS's split of the instances' list cost).
    /// Absent where the export cannot say (EC2 services in a FOCUS export).
    pub list_usd: Option<Usd>,
    /// After Savings Plans, Reserved Instances and credits.
    pub effective_usd: Option<Usd>,
    /// On instances: the share of the instances' unused capacity AWS charged the service's
    /// tasks (at list), which the model keeps in its idle line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused_usd: Option<Usd>,
    /// Billed at list minus modelled.
    pub gap_usd: Option<Usd>,
    /// The gap as a share of the modelled figure, percent.
    pub gap_pct: Option<f64>,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BilledFleet {
    /// `fargate`, `ec2`, `managed-instances` or `total`.
    pub fleet: String,
    pub modelled_usd: Usd,
    pub list_usd: Usd,
    pub effective_usd: Usd,
    pub gap_usd: Usd,
    pub gap_pct: Option<f64>,
    pub explanation: String,
}

/// One instance over the window: the model prices every instance the snapshot lists for all its
/// hours, its share of its pool's figure by its list price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BilledInstance {
    /// The EC2 instance ID.
    pub id: String,
    /// The snapshot's type for it (absent for an instance only the bill has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    pub fleet: Compute,
    /// Whether the snapshot lists it.
    pub in_snapshot: bool,
    /// Instance-hours the bill has for it in the window.
    pub hours: f64,
    pub modelled_usd: Option<Usd>,
    /// Its own lines (and, on Managed Instances, the fee's), at list.
    pub list_usd: Usd,
    pub effective_usd: Usd,
    pub gap_usd: Usd,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    pub compute: Compute,
    pub list_usd: Usd,
    pub effective_usd: Usd,
    /// Off list, percent: what `--savings-plan-pct` (Fargate) or `--ec2-discount-pct` (EC2)
    /// would be set to for the model to price as the bill does.
    pub off_pct: f64,
}

/// What a gap is known to come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GapKind {
    /// Savings Plans, Reserved Instances, credits: the effective cost under the list cost.
    Discount,
    /// A service in the bill the snapshot does not have.
    NotInSnapshot,
    /// Instances in the bill the snapshot does not list.
    InstancesNotInSnapshot,
    /// Instances' capacity no task took, which AWS charges to the tasks on them.
    UnusedCapacity,
    /// The bill's hours of the month outside the analysed window.
    OutsideWindow,
    /// What the model estimates from 5-minute counts against per-second billing.
    Estimate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedGap {
    pub kind: GapKind,
    pub usd: Usd,
    pub text: String,
}
