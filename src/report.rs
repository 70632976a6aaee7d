//! The canonical report: built once by `recommend`, rendered by every output format, and saved as
//! JSON that `render` re-renders offline, byte for byte. Decisions are enums that serialise to the
//! documented strings; money is exact ([`Usd`] serialises as a decimal string). Bump
//! [`REPORT_SCHEMA_VERSION`] on any breaking change and regenerate `docs/report.schema.json`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::Assumptions;
pub use crate::domain::{Capacity, Platform, Window};
use crate::money::Usd;

pub mod bill;

pub const REPORT_SCHEMA_VERSION: u32 = 4;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// 4 for this layout.
    pub schema_version: u32,
    pub generated_by: String,
    pub cluster_name: String,
    pub region: String,
    pub window: Window,
    /// Where the CPU and memory figures come from: `container_insights`, `aws_ecs` (percent of
    /// the reservation) or `synthetic` (the demo).
    pub usage_source: String,
    pub prices: PriceInfo,
    /// Everything the figures assume, as the run resolved it (defaults, config file, flags).
    pub assumptions: Assumptions,
    pub services: Vec<ServiceReport>,
    pub cluster: ClusterReport,
    /// Time series for charts.
    pub series: Series,
    pub warnings: Vec<String>,
    /// Set by `ecs-advisor report`: the month under review, its charts and the comparison with
    /// the month before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<MonthlyReview>,
    /// Set by `--group-by tag:KEY`: the cost by the tag's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Allocation>,
    /// Set by `--bill`: the figures beside what AWS charged for the window's hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill: Option<bill::ModelVsBill>,
}

/// What a monthly cost review adds to the analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyReview {
    /// `YYYY-MM`.
    pub month: String,
    /// The charts in the report's `charts/` folder, each as `<file>.svg` and `<file>.png`.
    pub charts: Vec<ChartRef>,
    /// The comparison with the previous month's report, where one was found and read.
    pub comparison: Option<Comparison>,
    /// Why there is no comparison, where there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_note: Option<String>,
    /// The month as billed: its real hours, how much of it the window covers, and the figures for
    /// it (every `*_monthly_usd` elsewhere is a 730-hour projection). Absent in reports written
    /// before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<BillingPeriod>,
}

/// A calendar month as the bill counts it. Each figure is the analysed window's average hourly
/// cost times hours: `spent_usd` over the hours the window covers, the `*_month_usd` figures over
/// the month's hours (projected from the covered hours when `coverage_pct` is under 100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingPeriod {
    /// Hours in the calendar month (UTC): 672 for a February of 28 days, 744 for 31 days.
    pub month_hours: u32,
    /// Hours of the month the analysed window covers.
    pub covered_hours: f64,
    /// `covered_hours` as a share of `month_hours`, percent.
    pub coverage_pct: f64,
    /// Whether the month's figures are projected from less than the whole month.
    pub projected: bool,
    /// What today's setup cost over the covered hours.
    pub spent_usd: Usd,
    /// Today's setup over the month's hours.
    pub current_month_usd: Usd,
    /// The recommended plan over the month's hours.
    pub recommended_month_usd: Usd,
    pub savings_month_usd: Usd,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartRef {
    pub file: String,
    pub title: String,
    /// How to read the chart, in a sentence: its caption. Absent from reports written before
    /// charts had one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reading: String,
}

/// This month against the previous one, at today's cost (what the services cost as they ran).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    /// `YYYY-MM`.
    pub previous_month: String,
    pub previous_monthly_usd: Usd,
    pub monthly_usd: Usd,
    pub change_usd: Usd,
    /// Null when the previous month cost nothing.
    pub change_pct: Option<f64>,
    /// Every service in either month whose cost moved, the largest change first.
    pub services: Vec<ServiceChange>,
    /// Last month's recommendations to change something, and whether they were carried out.
    /// A service moving as one step of a fleet action is followed up with its fleet.
    pub follow_ups: Vec<FollowUp>,
    /// Today's instance pools in either month whose cost or idle line moved: what the instances
    /// cost, and what of it no service reserved. A service's share does not rise when others
    /// leave a pool; the idle line does, and is shown here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolChange>,
    /// Last month's fleet actions, measured on the pool's cost and the services that moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleet_follow_ups: Vec<FleetFollowUp>,
}

/// One instance pool from one month to the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolChange {
    /// `ec2` or `managed-instances`.
    pub kind: Compute,
    pub previous_instances: Vec<FleetLine>,
    pub instances: Vec<FleetLine>,
    pub previous_monthly_usd: Usd,
    pub monthly_usd: Usd,
    /// What no service reserved of it, last month and this month.
    pub previous_idle_monthly_usd: Usd,
    pub idle_monthly_usd: Usd,
}

/// Last month's action on an instance pool, this month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetFollowUp {
    pub kind: Compute,
    pub action: FleetStep,
    /// The services it moves off the pool.
    pub services: Vec<String>,
    /// Those of them that no longer run on the pool (moved or removed).
    pub moved: Vec<String>,
    pub status: FleetFollowUpStatus,
    /// What last month's report said it would save.
    pub estimated_savings_usd: Usd,
    /// The pool's instances, last month and this month.
    pub previous_instances: Vec<FleetLine>,
    pub instances: Vec<FleetLine>,
    /// What the pool cost, last month and this month.
    pub previous_pool_monthly_usd: Usd,
    pub pool_monthly_usd: Usd,
    /// What the services that moved cost this month where they run now.
    pub moved_monthly_usd: Usd,
    /// Once a service moved: what the pool's cost fell (retire: the whole pool; shrink: at most
    /// the moved services' shares last month) less what the moved services cost now. A service
    /// that left a pool that did not shrink has realised nothing yet: this is then negative.
    pub realised_savings_usd: Option<Usd>,
    /// What is left to do, in words; absent when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remains: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FleetFollowUpStatus {
    /// Every service moved and the pool gave up their instances (retired: none left).
    Done,
    /// Some services moved, or all did and the pool still runs the instances they left.
    Partly,
    /// No service moved.
    Open,
}

impl FleetFollowUpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FleetFollowUpStatus::Done => "done",
            FleetFollowUpStatus::Partly => "partly",
            FleetFollowUpStatus::Open => "open",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceChange {
    pub name: String,
    /// Null for a new service.
    pub previous_monthly_usd: Option<Usd>,
    /// Null for a removed service.
    pub monthly_usd: Option<Usd>,
    pub change_usd: Usd,
    pub change_pct: Option<f64>,
    /// What moved it, most telling first.
    pub causes: Vec<Cause>,
    /// The causes in words, with the figures.
    pub explanation: String,
}

/// What moved a service's cost between two months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    NewService,
    RemovedService,
    LaunchType,
    TaskSize,
    TaskCount,
    /// The same tasks cost a different amount per task-hour: prices, discounts, Spot share, or
    /// on EC2 the service's share of a changed fleet.
    Price,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpStatus {
    /// The service now runs as recommended.
    Done,
    /// It does not yet.
    Open,
    /// The service is gone.
    Removed,
}

impl FollowUpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpStatus::Done => "done",
            FollowUpStatus::Open => "open",
            FollowUpStatus::Removed => "service removed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub service: String,
    pub action: Action,
    pub summary: String,
    pub status: FollowUpStatus,
    /// What last month's report said it would save.
    pub estimated_savings_usd: Usd,
    /// For a recommendation carried out: last month's cost less this month's, measured on what
    /// the action touches (for a service that left a shared EC2 fleet: its share of what the
    /// fleet's instances stopped costing, less what it costs now).
    pub realised_savings_usd: Option<Usd>,
    /// How the realised figure was measured, and what remains to do for the rest of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceInfo {
    /// `bundled` or `cache` (refreshed from the Pricing API).
    pub catalog: String,
    pub as_of: String,
    /// `verified` (every EC2 and Fargate on-demand rate used was checked against the AWS price
    /// list), `unverified` (some are estimates; a warning names them) or `pricing-api` (refreshed).
    pub region_source: String,
    /// What could not be priced: the figures that need it leave it out, a warning says which, and
    /// the command exits 7 (partial). Empty when everything was priced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_priced: Vec<NotPriced>,
}

/// Something the catalog has no price for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotPriced {
    /// `container_instance` (today's fleet).
    pub what: String,
    pub instance_type: String,
    pub count: u32,
    /// Why, and the command that fixes it.
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSize {
    pub cpu_units: u32,
    pub memory_mib: u32,
}

/// `0.25 vCPU / 0.5 GiB`.
impl std::fmt::Display for TaskSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let num = |x: f64| if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") };
        write!(
            f,
            "{} vCPU / {} GiB",
            num(f64::from(self.cpu_units) / 1024.0),
            num(f64::from(self.memory_mib) / 1024.0)
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageSummary {
    pub data_points: u32,
    pub coverage_pct: f64,
    pub average_tasks: f64,
    pub peak_tasks: f64,
    pub cpu_units_p50: Option<f64>,
    pub cpu_units_p99: Option<f64>,
    pub memory_mib_p50: Option<f64>,
    pub memory_mib_p99: Option<f64>,
    pub cpu_units_max: Option<f64>,
    pub memory_mib_max: Option<f64>,
}

/// How a service runs today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LaunchType {
    /// Fargate, on demand.
    #[serde(rename = "FARGATE")]
    Fargate,
    /// A capacity provider strategy with `FARGATE_SPOT` (some or all tasks on Spot).
    #[serde(rename = "FARGATE+SPOT")]
    FargateSpot,
    /// EC2 container instances.
    #[serde(rename = "EC2")]
    Ec2,
    /// The instances of an ECS Managed Instances capacity provider.
    #[serde(rename = "MANAGED_INSTANCES")]
    ManagedInstances,
}

impl LaunchType {
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchType::Fargate => "FARGATE",
            LaunchType::FargateSpot => "FARGATE+SPOT",
            LaunchType::Ec2 => "EC2",
            LaunchType::ManagedInstances => "MANAGED_INSTANCES",
        }
    }
}

impl Scheduling {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheduling::Replica => "REPLICA",
            Scheduling::Daemon => "DAEMON",
        }
    }
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxX86 => "linux_x86",
            Platform::LinuxArm => "linux_arm",
            Platform::Windows => "windows",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scheduling {
    Replica,
    Daemon,
}

/// A way to run a service (or the whole cluster), priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OptionKind {
    /// Fargate, rightsized, on demand, on the service's own platform. For the cluster: every
    /// service on Fargate, each at its cheapest Fargate option.
    Fargate,
    /// Fargate on Graviton, for an x86 service tagged ARM-ready.
    FargateArm,
    /// Fargate Spot, for an interruption-tolerant service.
    FargateSpot,
    /// EC2 as ECS runs it: Auto Scaling groups, binpack, managed scaling, tasks never moved.
    Ec2,
    /// EC2 re-packed by the optimizer at every step: what a perfect scheduler would pay.
    Ec2Ideal,
    /// EC2 as ECS runs it, with ENI trunking on (awsvpc tasks no longer bound by ENIs).
    Ec2EniTrunking,
    /// ECS Managed Instances: ECS picks, packs and retires the instances; each instance-hour is
    /// billed at its EC2 price plus a management fee (estimated where AWS has not published it).
    ManagedInstances,
}

impl OptionKind {
    pub const ALL: [OptionKind; 7] = [
        OptionKind::Fargate,
        OptionKind::FargateArm,
        OptionKind::FargateSpot,
        OptionKind::Ec2,
        OptionKind::Ec2Ideal,
        OptionKind::Ec2EniTrunking,
        OptionKind::ManagedInstances,
    ];

    /// The option's name in the cluster table.
    pub fn cluster_label(self) -> &'static str {
        match self {
            OptionKind::Fargate => "All Fargate",
            OptionKind::FargateArm => "Fargate, ARM where ready",
            OptionKind::FargateSpot => "Fargate, Spot where tolerant",
            OptionKind::Ec2 => "EC2, as ECS runs it",
            OptionKind::Ec2Ideal => "EC2, ideal re-pack",
            OptionKind::Ec2EniTrunking => "EC2 with ENI trunking",
            OptionKind::ManagedInstances => "ECS Managed Instances",
        }
    }

    /// The option's column in the per-service table, where it has one.
    pub fn service_column(self) -> Option<&'static str> {
        match self {
            OptionKind::Fargate => Some("Fargate rightsized /mo"),
            OptionKind::FargateArm => Some("ARM /mo"),
            OptionKind::FargateSpot => Some("Spot /mo"),
            OptionKind::Ec2 => Some("EC2 share /mo"),
            OptionKind::Ec2Ideal | OptionKind::Ec2EniTrunking => None,
            OptionKind::ManagedInstances => Some("Managed inst. /mo"),
        }
    }

    /// What the cluster row says beside a figure with no fleet.
    pub fn cluster_note(self) -> &'static str {
        match self {
            OptionKind::Fargate => "each service at its cheapest Fargate option; daemons at today's cost (sidecars not priced)",
            OptionKind::FargateArm => "on demand, ARM-ready services on Graviton",
            OptionKind::FargateSpot => "on demand, interruption-tolerant services on Spot",
            OptionKind::Ec2 | OptionKind::Ec2Ideal => "",
            OptionKind::Ec2EniTrunking => "awsvpc tasks no longer bound by ENIs",
            OptionKind::ManagedInstances => "instances priced with their management fee",
        }
    }

    /// The option's name as a CSV column stem: `fargate_arm`.
    pub fn column_stem(self) -> &'static str {
        match self {
            OptionKind::Fargate => "fargate",
            OptionKind::FargateArm => "fargate_arm",
            OptionKind::FargateSpot => "fargate_spot",
            OptionKind::Ec2 => "ec2",
            OptionKind::Ec2Ideal => "ec2_ideal",
            OptionKind::Ec2EniTrunking => "ec2_eni_trunking",
            OptionKind::ManagedInstances => "managed_instances",
        }
    }

    pub fn is_ec2(self) -> bool {
        matches!(self, OptionKind::Ec2 | OptionKind::Ec2Ideal | OptionKind::Ec2EniTrunking)
    }
}

/// One priced way to run a service or the cluster. `monthly_usd` is null where the option does
/// not apply, and `reason` says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PricedOption {
    pub kind: OptionKind,
    pub monthly_usd: Option<Usd>,
    /// The task size the figure is priced at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<TaskSize>,
    /// For the cluster's EC2 options: the fleet at its peak step, with average counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleet: Vec<FleetLine>,
    /// Why the option does not apply, or what its figure holds besides the fleet (services an
    /// EC2 plan leaves on Fargate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PricedOption {
    pub fn priced(kind: OptionKind, monthly_usd: Usd) -> Self {
        PricedOption {
            kind,
            monthly_usd: Some(monthly_usd),
            size: None,
            fleet: Vec::new(),
            reason: None,
        }
    }

    pub fn not_applicable(kind: OptionKind, reason: impl Into<String>) -> Self {
        PricedOption {
            kind,
            monthly_usd: None,
            size: None,
            fleet: Vec::new(),
            reason: Some(reason.into()),
        }
    }
}

/// The figure of `kind` in a list of options, where it applies.
pub fn option_usd(options: &[PricedOption], kind: OptionKind) -> Option<Usd> {
    options.iter().find(|o| o.kind == kind).and_then(|o| o.monthly_usd)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceReport {
    pub name: String,
    /// The task definition it runs, `family:revision`.
    pub task_definition: String,
    pub launch_type: LaunchType,
    /// For `FARGATE+SPOT`: the share of today's billed task-seconds on Fargate Spot, percent, as
    /// the capacity provider strategy placed the tasks step by step. Absent otherwise, and in
    /// reports written before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_share_pct: Option<f64>,
    pub scheduling_strategy: Scheduling,
    pub platform: Platform,
    /// `awsvpc`, `bridge`, `host` or `none`.
    pub network_mode: String,
    pub task_size: TaskSize,
    /// Ephemeral storage each task declares, GiB (20 when it declares none).
    pub ephemeral_storage_gib: u32,
    pub usage: UsageSummary,
    pub current_monthly_usd: Usd,
    /// The `fargate` option's figure: rightsized, on demand, on the service's own platform.
    pub fargate_monthly_usd: Option<Usd>,
    pub fargate_size: Option<TaskSize>,
    /// The `ec2` option's figure: this service's share of the all-EC2 fleet as ECS runs it.
    pub ec2_monthly_usd: Option<Usd>,
    /// Every compute option, in [`OptionKind`] order.
    pub options: Vec<PricedOption>,
    pub recommendation: Recommendation,
    /// What today's cost is computed from, for `gate`. Absent in reports written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_basis: Option<CostBasis>,
    /// The service's tags, as ECS has them (what `--group-by tag:KEY` groups by). Absent in
    /// reports written before they were kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// Cost grouped by the values of one tag (`--group-by tag:KEY`): a row per value, the services
/// without the tag and the instances' idle capacity as rows of their own. The rows add up to the
/// cluster's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// The tag key grouped by.
    pub tag: String,
    pub groups: Vec<AllocationGroup>,
    /// Why no group has a change from last month, when none has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// Services with the tag, by its value.
    Tagged,
    /// Services without the tag.
    Untagged,
    /// What the instance pools cost beyond their services' shares (today: capacity no service
    /// reserved; under the plan, the room a fleet keeps).
    Idle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationGroup {
    pub kind: GroupKind,
    /// The tag's value (tagged rows only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub services: Vec<String>,
    pub current_monthly_usd: Usd,
    pub recommended_monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
    /// Last month's figure for the same row, in a monthly report compared with one that kept
    /// tags (zero for a row that is new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_monthly_usd: Option<Usd>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_usd: Option<Usd>,
}

impl AllocationGroup {
    /// The row's name: the tag's value, `(untagged)` or `(idle instances)`.
    pub fn label(&self) -> String {
        match self.kind {
            GroupKind::Tagged => self.value.clone().unwrap_or_default(),
            GroupKind::Untagged => "(untagged)".into(),
            GroupKind::Idle => "(idle instances)".into(),
        }
    }
}

/// What today's cost of a service is computed from (`recommend::cost`): kept in the report so a
/// change to the service is priced by the same rules from a saved report as from its snapshot
/// (`gate`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostBasis {
    /// How ECS places it today: its launch type or (absent) its capacity provider strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<crate::snapshot::inventory::LaunchType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<crate::snapshot::inventory::CapacityProviderStrategyItem>,
    /// Fargate task-seconds billed over the window at today's counts and platform (each task
    /// start's minimum included), by whole count of tasks running.
    pub billed: Vec<BilledBucket>,
    /// Tasks running, summed over the window's steps (a daemon: one per instance every step):
    /// with its size, what its share of an instance pool weighs.
    pub task_steps: f64,
    /// For a task that reserves no CPU: the CPU it uses (p99 per task), which its pool share
    /// weighs instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreserved_cpu_units: Option<f64>,
    /// The steps it ran earlier task definitions (the service's revisions), each priced at its
    /// own size; `billed` and `task_steps` above are the current one's steps only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<RevisionBasis>,
}

/// The part of the window a service ran an earlier task definition: its size, and its billed
/// Fargate seconds and task-steps as in [`CostBasis`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionBasis {
    pub task_definition: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub platform: crate::domain::Platform,
    pub storage_gib: u32,
    pub billed: Vec<BilledBucket>,
    pub task_steps: f64,
}

impl CostBasis {
    /// The whole window at one task definition: what a proposal that sets the task runs.
    pub fn folded(&self) -> CostBasis {
        let mut out = self.clone();
        for r in out.revisions.drain(..) {
            out.task_steps += r.task_steps;
            for b in r.billed {
                match out.billed.iter_mut().find(|x| x.tasks == b.tasks) {
                    Some(x) => {
                        x.seconds += b.seconds;
                        x.seconds_per_task += b.seconds_per_task;
                    }
                    None => out.billed.push(b),
                }
            }
        }
        out.billed.sort_by_key(|b| b.tasks);
        out
    }
}

/// Billed task-seconds of the steps where `tasks` to `tasks + 1` tasks ran (0: none ran a whole
/// step), with their sum over the count running (what Spot's share is read from).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BilledBucket {
    pub tasks: u32,
    pub seconds: f64,
    pub seconds_per_task: f64,
}

/// Today's instance pool of one kind: what it costs a month, the reserved units (task-steps x
/// CPU and memory at Fargate's x86 weights) of the services sharing it, its registered capacity in
/// the same units, and the part of its cost no service reserved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolBasis {
    /// `ec2` (Auto Scaling groups, the EC2 launch type) or `managed-instances`.
    pub kind: Compute,
    pub monthly_usd: Usd,
    pub units: f64,
    /// The instances' registered CPU and memory over the window, in the units above (never less
    /// than `units`). A service pays `monthly_usd` x its units / this. Zero in reports saved
    /// before it was added: the cost is then shared by `units`.
    #[serde(default)]
    pub capacity_units: f64,
    /// What no service reserved: the pool's idle line, in the cluster's figure and no service's.
    #[serde(default)]
    pub idle_monthly_usd: Usd,
}

impl PoolBasis {
    /// The units the pool's cost is shared by: its capacity, or (in a report saved before
    /// capacity was recorded) what its services reserved.
    pub fn shared_by(&self) -> f64 {
        self.capacity_units.max(self.units)
    }
}

/// Services leaving a shared instance pool are one action on the pool: leaving it saves nothing
/// until its instances go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetAction {
    /// `ec2` (Auto Scaling groups, the EC2 launch type) or `managed-instances`.
    pub kind: Compute,
    /// `retire`: every service on it moves and its instances go; `shrink`: some move, and it
    /// saves only once the pool gives up the instances they reserved.
    pub action: FleetStep,
    /// Today's instances.
    pub instances: Vec<FleetLine>,
    /// The services that move, by name.
    pub services: Vec<String>,
    /// Retire: the pool's cost (its services' shares and any idle instances); shrink: the moving
    /// services' shares of it.
    pub today_monthly_usd: Usd,
    /// The moving services where they go.
    pub after_monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FleetStep {
    Retire,
    Shrink,
}

/// What to do with a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Nothing cheaper fits, or the service already runs as recommended.
    Keep,
    /// Same compute, a smaller task size (on EC2: a smaller reservation).
    Rightsize,
    /// Same size on Fargate, another architecture or capacity (Graviton, Spot).
    Switch,
    MoveToFargate,
    MoveToEc2,
    MoveToManagedInstances,
    /// A daemon with no EC2 instances left: its function, if still needed, becomes a sidecar.
    ReplaceWithSidecar,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Rightsize => "rightsize",
            Action::Switch => "switch",
            Action::MoveToFargate => "move-to-fargate",
            Action::MoveToEc2 => "move-to-ec2",
            Action::MoveToManagedInstances => "move-to-managed-instances",
            Action::ReplaceWithSidecar => "replace-with-sidecar",
        }
    }
}

/// How close a size sits to the observed peaks, or how little data the figure rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// The compute a recommendation lands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Compute {
    Fargate,
    Ec2,
    ManagedInstances,
}

/// Where and how a service runs once the recommendation is carried out, for programs to act on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub compute: Compute,
    pub platform: Platform,
    pub capacity: Capacity,
    /// Share of tasks on Spot when a Fargate capacity provider strategy mixes on-demand and Spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_share_pct: Option<f64>,
    pub cpu_units: u32,
    pub memory_mib: u32,
    /// On EC2: the fleet the service's tasks are packed onto (peak count, average count).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleet: Vec<FleetLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub action: Action,
    /// Null for `replace-with-sidecar`: the daemon has nothing of its own to run on.
    pub target: Option<Target>,
    /// The target in words: "Fargate ARM, 0.25 vCPU / 0.5 GiB".
    pub summary: String,
    pub monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
    pub rationale: String,
    pub risk: Risk,
    /// What the service's use says of its size today. Absent in reports written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// Whether carrying it out replaces the service's tasks (a new task definition revision, or
    /// a new launch type or capacity provider strategy, deployed). Absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_deploy: Option<bool>,
    /// What to change, ready to apply (absent for `keep`, and in older reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
}

/// What a service's use says of the size it reserves today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Finding {
    /// A smaller size holds its use with the headroom.
    OverProvisioned,
    /// It uses what it reserves, or more (on EC2), at its peaks.
    AtItsLimit,
    /// Its size is the smallest that holds its use with the headroom.
    RightSized,
    /// Too little data to size it: it keeps what it reserves.
    NotEnoughData,
}

impl Finding {
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::OverProvisioned => "over-provisioned",
            Finding::AtItsLimit => "at its limit",
            Finding::RightSized => "right-sized",
            Finding::NotEnoughData => "not enough data",
        }
    }
}

/// What to change to carry out a recommendation: the task definition's fields and the service's,
/// as the ECS API spells them (merge into `aws ecs register-task-definition` and `update-service`
/// input), and the same as Terraform attribute lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<TaskDefinitionChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceSettingsChange>,
    /// Per Terraform resource type (`aws_ecs_task_definition`, `aws_ecs_service`), the lines to set.
    pub terraform: Vec<TerraformChange>,
    /// What the fields above cannot say (a provider name to fill in), in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskDefinitionChange {
    pub cpu: String,
    pub memory: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_compatibilities: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<RuntimePlatformChange>,
    /// Containers whose own reservations must shrink to fit the new size (by the same ratio).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_definitions: Vec<ContainerChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuntimePlatformChange {
    pub cpu_architecture: String,
    pub operating_system_family: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerChange {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceSettingsChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<StrategyChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StrategyChange {
    pub capacity_provider: String,
    pub base: u32,
    pub weight: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformChange {
    pub resource: String,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetLine {
    pub instance_type: String,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_count: Option<f64>,
}

/// A plan for the whole cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Plan {
    /// Every service on Fargate, each at its cheapest Fargate option (a daemon at today's cost:
    /// its sidecars are not priced).
    AllFargate,
    /// Every Linux service on EC2 as ECS runs it (Windows services stay on Fargate).
    AllEc2,
    /// Services whose EC2 share beats Fargate by the margin on EC2, the rest on Fargate.
    Mixed,
    /// Every Linux service on ECS Managed Instances (Windows services stay on Fargate).
    ManagedInstances,
    /// No plan places every service: figures show today's cost.
    Current,
}

impl Plan {
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::AllFargate => "all-fargate",
            Plan::AllEc2 => "all-ec2",
            Plan::Mixed => "mixed",
            Plan::ManagedInstances => "managed-instances",
            Plan::Current => "current",
        }
    }
}

/// A plan's monthly figure; null where the plan cannot place every service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFigure {
    pub plan: Plan,
    pub monthly_usd: Option<Usd>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterReport {
    pub current_monthly_usd: Usd,
    /// Today's container instances of Auto Scaling groups (and the EC2 launch type).
    pub current_ec2_fleet: Vec<FleetLine>,
    /// Today's instances of ECS Managed Instances capacity providers, priced with their fees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub current_managed_instances_fleet: Vec<FleetLine>,
    /// The cluster's ECS Managed Instances capacity providers, by name: what `gate` knows a
    /// strategy naming them moves a service onto.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_instances_providers: Vec<String>,
    /// What the recommendation does to today's instance pools: one action per pool the plan moves
    /// services off (retire it, or shrink it), the services it moves, and the pool's figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleet_actions: Vec<FleetAction>,
    /// Today's instance pools with the units sharing them, for `gate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolBasis>,
    /// The `fargate` option's figure: every service on Fargate at its cheapest applicable option
    /// (daemons excluded).
    pub fargate_monthly_usd: Option<Usd>,
    /// The `ec2` option's figure: every Linux service on EC2 as ECS would run it, Windows
    /// services on Fargate. Plans are chosen on this figure.
    pub ec2_monthly_usd: Option<Usd>,
    /// The `ec2` option's fleet at its peak step, with average counts.
    pub ec2_fleet: Vec<FleetLine>,
    /// Every compute option for the whole cluster, in [`OptionKind`] order.
    pub options: Vec<PricedOption>,
    /// How the EC2 figures were simulated, in words.
    pub ec2_method: String,
    /// The plans weighed, with their figures.
    pub plans: Vec<PlanFigure>,
    pub recommended_plan: Plan,
    pub recommended_monthly_usd: Usd,
    pub savings_monthly_usd: Usd,
    pub recommended_ec2_fleet: Vec<FleetLine>,
    pub rationale: String,
}

/// Chart data, compact: hourly cluster figures and daily service figures, dollars as numbers
/// rounded to a hundredth of a cent (they are drawn, never summed into a bill).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Start of the first hour; point `i` of an hourly series covers the hour from `start + i h`.
    pub start: DateTime<Utc>,
    /// Cluster cost per hour ($/h averaged over each hour) under each option; absent where the
    /// option does not apply.
    pub hourly_cost_usd: Vec<CostSeries>,
    /// The all-EC2 fleet as ECS runs it, averaged over each hour: what its tasks reserve against
    /// what its instances offer tasks (after the OS, agent and daemon reservations).
    pub ec2_fleet_hourly: Option<FleetSeries>,
    /// Per service, cost per day today and as recommended (point `i` covers day `i`).
    pub services_daily_cost_usd: Vec<ServiceSeries>,
}

/// What a cost line stands for: today, or one of the options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SeriesKind {
    Current,
    Fargate,
    Ec2,
    Ec2Ideal,
    /// Every Linux service on ECS Managed Instances, fees included (the rest on Fargate).
    ManagedInstances,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostSeries {
    pub kind: SeriesKind,
    pub points: Vec<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetSeries {
    pub cpu_units_allocated: Vec<f64>,
    pub cpu_units_available: Vec<f64>,
    pub memory_mib_allocated: Vec<f64>,
    pub memory_mib_available: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSeries {
    pub name: String,
    pub current: Vec<f64>,
    pub recommended: Vec<f64>,
}

/// The JSON Schema of a report (and of an array of them, which `render` also reads).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    s.push('\n');
    s
}
