//! The canonical report: built once by `recommend`, rendered by every output format, and saved as
//! JSON that can be re-rendered offline. Bump [`REPORT_SCHEMA_VERSION`] on any breaking change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Assumptions;
use crate::money::Usd;

pub const REPORT_SCHEMA_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub generated_by: String,
    pub cluster_name: String,
    pub region: String,
    pub window: Window,
    pub usage_source: String,
    pub prices: PriceInfo,
    pub assumptions: Assumptions,
    pub services: Vec<ServiceReport>,
    pub cluster: ClusterReport,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub days: f64,
    pub step_seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceInfo {
    pub catalog: String,
    pub as_of: String,
    /// `verified` or `unverified` for this region's figures.
    pub region_source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSize {
    pub cpu_units: u32,
    pub memory_mib: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsageSummary {
    pub data_points: u32,
    pub coverage_pct: f64,
    pub average_tasks: f64,
    pub peak_tasks: f64,
    pub cpu_units_p99: Option<f64>,
    pub memory_mib_p99: Option<f64>,
    pub cpu_units_max: Option<f64>,
    pub memory_mib_max: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub name: String,
    /// `FARGATE`, `FARGATE+SPOT` (capacity provider strategy with Spot), or `EC2`.
    pub launch_type: String,
    /// `REPLICA` or `DAEMON`.
    pub scheduling_strategy: String,
    /// `linux_x86`, `linux_arm` or `windows`.
    pub platform: String,
    pub network_mode: String,
    pub task_size: TaskSize,
    pub usage: UsageSummary,
    pub current_monthly_usd: Usd,
    /// Rightsized, on demand, on the service's own platform; absent for daemons and for tasks
    /// larger than Fargate's largest size.
    pub fargate_monthly_usd: Option<Usd>,
    pub fargate_size: Option<TaskSize>,
    pub fargate_arm_monthly_usd: Option<Usd>,
    pub fargate_spot_monthly_usd: Option<Usd>,
    /// This service's share of the all-EC2 fleet; absent where it cannot run on Linux EC2.
    pub ec2_monthly_usd: Option<Usd>,
    pub recommendation: Recommendation,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// `keep`, `rightsize`, `move-to-fargate`, `move-to-ec2` or `replace-with-sidecar`.
    pub action: String,
    /// Where and how it runs after the change, in words: "Fargate ARM, 0.25 vCPU / 0.5 GiB".
    pub target: String,
    pub monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
    pub rationale: String,
    /// `low`, `medium` or `high`: how close the new size sits to observed peaks, or how little
    /// data the figure rests on.
    pub risk: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FleetLine {
    pub instance_type: String,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_count: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    pub current_monthly_usd: Usd,
    pub current_ec2_fleet: Vec<FleetLine>,
    /// Every service on Fargate at its cheapest applicable option (daemons excluded).
    pub fargate_monthly_usd: Option<Usd>,
    /// Every Linux service on EC2 as ECS would run it (binpack placement, managed scaling, no
    /// task ever moved), Windows services on Fargate. Plans are chosen on this figure.
    pub ec2_monthly_usd: Option<Usd>,
    /// The same services re-packed from scratch at every step by the optimizer: what a perfect
    /// scheduler would pay.
    pub ec2_ideal_monthly_usd: Option<Usd>,
    /// `ec2_monthly_usd - ec2_ideal_monthly_usd`: the cost of fragmentation.
    pub ec2_fragmentation_monthly_usd: Option<Usd>,
    /// The Auto Scaling groups' instance types at the peak step, with average counts.
    pub ec2_fleet: Vec<FleetLine>,
    /// The ideal re-pack's fleet at its peak step, with average counts.
    pub ec2_ideal_fleet: Vec<FleetLine>,
    /// The all-EC2 plan with the ENI limit lifted (ENI trunking), when the analysis assumed none.
    pub ec2_with_eni_trunking_monthly_usd: Option<Usd>,
    pub ec2_method: String,
    /// `all-fargate`, `all-ec2` or `mixed`.
    pub recommended_plan: String,
    pub recommended_monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
    pub recommended_ec2_fleet: Vec<FleetLine>,
    pub rationale: String,
}
