//! Every sentence a report says about its figures, written from the numbers and decisions that
//! `candidate`, `plan` and `fleets` computed. Nothing is decided here.

use crate::config::Assumptions;
use crate::domain::Platform;
use crate::money::Usd;
use crate::report::{Action, Plan};
use crate::simulation::fargate::{self, FargateSize, CPU_CHOICES};
use crate::simulation::realistic::Realistic;
use crate::snapshot::inventory::Placement;

use super::candidate::Candidate;
use super::plan::FargateChoice;

/// Fargate's largest task, in words.
fn largest_fargate_size() -> String {
    let cpu = CPU_CHOICES[CPU_CHOICES.len() - 1];
    let largest = FargateSize::grid(Platform::LinuxX86)
        .filter(|s| s.cpu_units == cpu)
        .max_by_key(|s| s.memory_mib)
        .expect("the grid has sizes at the largest CPU");
    largest.to_string()
}

/// Why a recommendation's risk is medium or high, in figures: the peak use per task against
/// the size it would have, a task at its limit, or data too short to size from.
pub fn risk_reason(c: &Candidate, risk: crate::report::Risk, cpu_units: u32, memory_mib: u32) -> Option<String> {
    use crate::report::Risk;
    if risk == Risk::Low {
        return None;
    }
    let s = &c.usage.stats;
    let mut why = Vec::new();
    if c.low_data {
        why.push(format!(
            "data spans {:.1} days ({} samples), too little to size from",
            s.data_span_seconds as f64 / 86_400.0,
            s.data_points
        ));
    }
    if c.at_limit {
        why.push("it runs at its limit".to_string());
    }
    let share = |used: Option<f64>, of: u32| used.map(|u| (u, 100.0 * u / f64::from(of.max(1))));
    for (what, unit, used, of) in [
        ("CPU", "units", share(s.cpu_units_max, cpu_units), cpu_units),
        ("memory", "MiB", share(s.memory_mib_max, memory_mib), memory_mib),
    ] {
        if let Some((u, pct)) = used.filter(|(_, pct)| *pct >= 100.0 * super::plan::MEDIUM_RISK_SHARE) {
            why.push(format!(
                "its peak {what} per task ({u:.0} {unit}) is {pct:.0}% of the {of} it would have"
            ));
        }
    }
    (!why.is_empty()).then(|| format!("risk {}: {}", risk.as_str(), why.join(", ")))
}

/// A rationale with the reason for a medium or high risk appended, in figures.
pub fn with_risk_reason(rationale: String, c: &Candidate, risk: crate::report::Risk, cpu_units: u32, memory_mib: u32) -> String {
    match risk_reason(c, risk, cpu_units, memory_mib) {
        Some(reason) => format!("{rationale}; {reason}"),
        None => rationale,
    }
}

/// Beside every figure that prices ARM64 on Fargate Spot.
pub const ARM_SPOT_ESTIMATE: &str = "its ARM Spot rate is an estimate (no public copy of the price list gives one): the region's x86 Spot discount applied to Graviton's on-demand rates";

pub fn fargate_label(platform: Platform, choice: FargateChoice) -> &'static str {
    match (choice, platform) {
        (FargateChoice::Spot, Platform::LinuxArm) | (FargateChoice::ArmSpot, _) => "Fargate Spot ARM",
        (FargateChoice::Spot, _) => "Fargate Spot",
        (FargateChoice::Arm, _) | (FargateChoice::Own, Platform::LinuxArm) => "Fargate ARM",
        (FargateChoice::Own, Platform::Windows) => "Fargate Windows",
        (FargateChoice::Own, Platform::LinuxX86) => "Fargate",
    }
}

pub fn describe_fargate(platform: Platform, choice: FargateChoice, size: FargateSize) -> String {
    format!("{}, {size}", fargate_label(platform, choice))
}

pub fn describe_current(c: &Candidate) -> String {
    let size = c.reserved();
    match c.placement {
        Placement::Ec2 => format!("EC2, {size}"),
        Placement::ManagedInstances { .. } => format!("Managed Instances, {size}"),
        Placement::Fargate { spot_share } if spot_share > 0.0 => format!("Fargate + Spot, {size}"),
        Placement::Fargate { .. } => describe_fargate(c.platform, FargateChoice::Own, size),
    }
}

pub fn describe_managed_instances(size: FargateSize) -> String {
    format!("Managed Instances, {size}")
}

pub fn describe_ec2(size: FargateSize, graviton_ready: bool) -> String {
    format!("EC2{}, {size}", if graviton_ready { " (Graviton-ready)" } else { "" })
}

fn usage_words(c: &Candidate, a: &Assumptions) -> String {
    let s = &c.usage.stats;
    let cpu = s.cpu_units_for_sizing.map(|v| format!("{:.0}", v)).unwrap_or_else(|| "n/a".into());
    let mem = s.memory_mib_for_sizing.map(|v| format!("{:.0}", v)).unwrap_or_else(|| "n/a".into());
    format!(
        "p{} CPU {} units of {}, p{} memory {} MiB of {} over {} samples",
        a.rightsizing.cpu_percentile,
        cpu,
        c.td.reserved_cpu_units(),
        a.rightsizing.memory_percentile,
        mem,
        c.td.reserved_memory_mib(),
        s.data_points
    )
}

pub const DAEMON_SIDECAR_SUMMARY: &str = "none (Fargate has no daemon scheduling)";
pub const DAEMON_SIDECAR_WHY: &str = "with no EC2 instances left a daemon has nothing to run on; if its function is still needed, add it as a sidecar container to the tasks that need it: which tasks those are is not known, so the sidecars are not priced and no saving is claimed (today's cost stands in for them)";
pub const NO_CPU_RESERVATION: &str = "its task definition reserves no CPU (every container `cpu: 0`), so it is sized, and its share of the EC2 fleet weighed, by the CPU it uses";
pub const NO_PLAN_WHY: &str = "no plan places every service; nothing changes";

pub fn too_big_for_fargate() -> String {
    format!("its tasks need more than Fargate's largest size ({})", largest_fargate_size())
}

/// Why a service recommended onto Fargate gets the size and option it gets.
pub fn fargate_rationale(c: &Candidate, a: &Assumptions, action: Action, choice: FargateChoice, size: FargateSize) -> String {
    let mut clauses = Vec::new();
    if c.low_data {
        clauses.push(format!(
            "only {:.1} days of data in {} samples (it needs {} days and {} samples): keeps its current size",
            c.usage.stats.data_span_seconds as f64 / 86_400.0,
            c.usage.stats.data_points,
            a.rightsizing.min_data_days,
            a.rightsizing.min_data_samples
        ));
    } else {
        let (nc, nm) = c.need.unwrap_or_default();
        clauses.push(format!(
            "{}; with {}% / {}% headroom it needs {:.0} units / {:.0} MiB, and the cheapest Fargate size holding that is {}",
            usage_words(c, a),
            a.rightsizing.cpu_headroom_pct,
            a.rightsizing.memory_headroom_pct,
            nc,
            nm,
            size
        ));
    }
    if choice == FargateChoice::Arm {
        clauses.push("tagged ARM-ready, so Graviton's lower rate applies".into());
    }
    if choice == FargateChoice::Spot {
        clauses.push("interruption-tolerant, so Fargate Spot applies (its rate floats)".into());
    }
    if choice == FargateChoice::ArmSpot {
        clauses.push(format!(
            "tagged ARM-ready and interruption-tolerant, so Fargate Spot on Graviton applies; {ARM_SPOT_ESTIMATE}"
        ));
    }
    if c.storage_gib > fargate::INCLUDED_STORAGE_GIB {
        clauses.push(format!(
            "{} GiB ephemeral storage billed beyond {} GiB",
            c.storage_gib,
            fargate::INCLUDED_STORAGE_GIB
        ));
    }
    if c.at_limit {
        clauses.push(format!(
            "it runs at its limit (observed use plus headroom exceeds {} units / {} MiB), so it keeps at least its size: consider more tasks or a larger size for performance, not cost",
            c.td.reserved_cpu_units(),
            c.td.reserved_memory_mib()
        ));
    }
    if c.no_cpu_reservation {
        clauses.push(NO_CPU_RESERVATION.into());
    }
    if c.above_reservation {
        clauses.push(format!(
            "on EC2 it uses more than the {} units / {} MiB it reserves (a reservation is a floor there), while Fargate caps a task at its size, so it is sized from what it uses",
            c.td.reserved_cpu_units(),
            c.td.reserved_memory_mib()
        ));
    }
    let spot_share = c.spot_share_today();
    if spot_share > 0.0 && action == Action::Keep {
        clauses.push(format!(
            "already runs {:.0}% of its tasks on Fargate Spot with an on-demand base for availability",
            spot_share * 100.0
        ));
    }
    let on_fargate = matches!(c.placement, Placement::Fargate { .. });
    if action == Action::Keep && on_fargate && !c.at_limit && spot_share == 0.0 {
        clauses.push("nothing cheaper fits".into());
    }
    clauses.join("; ")
}

/// Why a service that could save a little keeps what it runs.
pub fn below_threshold(c: &Candidate, a: &Assumptions, saving: Usd, change: &str) -> String {
    let pct = if c.current.is_zero() {
        0.0
    } else {
        saving.to_f64() / c.current.to_f64() * 100.0
    };
    format!(
        "{}; {change} would save {saving} a month ({pct:.1}%), under the threshold for a change ({}% and ${} a month), so it keeps what it runs",
        usage_words(c, a),
        a.recommend.min_savings_pct,
        a.recommend.min_savings_usd
    )
}

/// Why a service goes to (or stays on) instances: the EC2 fleet, or ECS Managed Instances
/// (`managed`), with the figures and the margin the plan applied.
pub fn instances_rationale(c: &Candidate, a: &Assumptions, size: FargateSize, cost: Usd, managed: bool) -> String {
    if c.is_daemon() {
        return "runs one task on every instance; its share follows the fleet".into();
    }
    let fargate = match (c.best_fargate, c.fargate_size) {
        (Some((choice, p)), Some(size)) => format!("{} as {}", p.monthly, describe_fargate(c.platform, choice, size)),
        _ => "not possible".into(),
    };
    let (on, share, margin) = if managed {
        (
            "on ECS Managed Instances",
            "its share of the instances and their management fees",
            format!(
                "the cluster moves when Managed Instances saves {}% or more",
                a.managed_instances.min_savings_pct
            ),
        )
    } else {
        (
            "on the EC2 fleet",
            "its share",
            format!("EC2 must save {}% or more", a.recommend.ec2_min_savings_pct),
        )
    };
    let why = format!(
        "{}; {on} it reserves {size} and {share} costs {cost} a month against {fargate} on Fargate ({margin})",
        usage_words(c, a)
    );
    with_reservation_notes(why, c)
}

/// What a service on instances keeps of its reservation, and why.
fn with_reservation_notes(mut why: String, c: &Candidate) -> String {
    if c.at_limit {
        why.push_str("; it runs at its limit, so it keeps at least its current reservation");
    }
    if c.no_cpu_reservation {
        why.push_str("; ");
        why.push_str(NO_CPU_RESERVATION);
    }
    if c.above_reservation {
        why.push_str(&format!(
            "; it uses more than the {} units / {} MiB it reserves, which EC2 allows while its instance has room (on Fargate it would need {})",
            c.td.reserved_cpu_units(),
            c.td.reserved_memory_mib(),
            c.fargate_size.map(|z| z.to_string()).unwrap_or_else(|| "more than the largest size".into())
        ));
    }
    why
}

/// Why an option does not apply to a service.
/// Beside every ECS Managed Instances figure whose fees are estimates: the rule.
pub fn managed_instances_fee_note(rule: &str) -> String {
    let rule = rule.trim_start_matches("estimate: ");
    let head = rule.split([',', '(']).next().unwrap_or(rule).trim();
    format!("fees estimated at {head}")
}

pub mod not_applicable {
    pub const DAEMON: &str = "daemons have no Fargate equivalent (no daemon scheduling)";
    pub const ALREADY_ARM: &str = "already ARM64: the `fargate` option is on Graviton";
    pub const WINDOWS_ARM: &str = "Fargate runs Windows on x86 only";
    pub const NOT_ARM_READY: &str = "not known to run on ARM64: tag the service with the ARM-ready tag to price it";
    pub const WINDOWS_SPOT: &str = "Fargate Spot does not run Windows tasks";
    pub const NOT_SPOT_TOLERANT: &str =
        "not known to tolerate interruptions: run it on FARGATE_SPOT or tag it with the Spot tag to price it";
    pub const WINDOWS_EC2: &str = "Windows tasks are not simulated on EC2";
    pub const NO_GRAVITON_TYPES: &str = "ARM64 tasks run only on Graviton, and the region's catalog has no Graviton type";
    pub const NO_EC2_TYPES: &str = "no EC2 instance type in the region's catalog holds the tasks";
    pub const TRUNKING_ASSUMED: &str = "ENI trunking is already assumed: see `ec2`";
    pub const NOT_IN_PLAN_SIMULATION: &str = "no replica service to pack onto EC2";
}

/// What an EC2 plan's figure holds besides its fleet: the services it leaves on Fargate.
pub fn ec2_plan_keeps_on_fargate(services: &[(&str, Usd)]) -> String {
    let total: Usd = services.iter().map(|s| s.1).sum();
    let names: Vec<String> = services.iter().map(|s| format!("`{}`", s.0)).collect();
    format!("includes {total} for {} left on Fargate (no EC2 type runs them)", names.join(", "))
}

/// Why the cluster takes its plan, naming every plan's figure.
pub fn cluster_rationale(
    plan: Plan,
    costs: &super::plan::PlanCosts,
    a: &Assumptions,
    ec2_services: usize,
    trunking: Option<Usd>,
    mi_note: Option<&str>,
) -> String {
    let f = |x: Option<Usd>| x.map(|v| v.to_string()).unwrap_or_else(|| "not possible".into());
    let head = format!(
        "all on Fargate {} a month, all on EC2 {}, best mix {}, all on ECS Managed Instances {}{}",
        f(costs.all_fargate),
        f(costs.all_ec2),
        f(costs.mixed),
        f(costs.managed_instances),
        match mi_note {
            Some(n) if costs.managed_instances.is_some() => format!(" ({n})"),
            _ => String::new(),
        }
    );
    let pct = a.recommend.ec2_min_savings_pct;
    let mi_pct = a.managed_instances.min_savings_pct;
    let mut out = match plan {
        Plan::AllFargate => format!(
            "{head}; neither EC2 (which must save {pct}%) nor Managed Instances (which must save {mi_pct}%) saves enough over Fargate, so every service runs on Fargate, each at its cheapest option"
        ),
        Plan::ManagedInstances => format!(
            "{head}; Managed Instances saves more than {mi_pct}% over Fargate for the cluster as a whole, and beats EC2 once EC2's {pct}% margin for running its own instances is counted"
        ),
        Plan::AllEc2 => format!("{head}; the EC2 fleet saves more than {pct}% over Fargate for the cluster as a whole"),
        Plan::Mixed => format!(
            "{head}; {ec2_services} services (daemons included) pack onto EC2 for more than {pct}% less than Fargate, the rest run on Fargate"
        ),
        Plan::Current => format!("{head}; no plan places every service, so the figures show today's cost"),
    };
    if let Some(t) = trunking {
        out.push_str(&format!(
            "; the EC2 fleet is held back by ENIs (awsvpc tasks): with ENI trunking (account setting awsvpcTrunking, Nitro types) it would cost {t} a month"
        ));
    }
    out
}

/// How the EC2 figures were simulated, in words.
/// How the EC2 option was simulated: as ECS runs it (`ecs`, its groups) and ideally re-packed
/// (over `mixes` distinct task mixes).
pub fn ec2_method(ecs: Option<&Realistic>, mixes: usize, a: &Assumptions, step_seconds: u32, types: usize) -> String {
    let groups = match ecs {
        Some(s) => s
            .groups
            .iter()
            .map(|g| match g.services.len() {
                1 => format!("{} (1 service)", g.instance_type),
                n => format!("{} ({n} services)", g.instance_type),
            })
            .collect::<Vec<_>>()
            .join(" and "),
        None => "none".into(),
    };
    let mut out = format!(
        "as ECS runs it: Auto Scaling groups of one instance type each, chosen from {types} types and split by architecture or network mode where that is cheaper ({groups}), \
         each service's tasks spread evenly over {} Availability Zones and then binpacked on memory in each, managed scaling at {}% target capacity, empty instances terminated after {} minutes, tasks never moved; \
         ideal: every {step_seconds}-second step re-packed by the packing optimizer with every task free to move ({mixes} distinct task mixes); \
         the difference is the cost of fragmentation",
        a.ec2.availability_zones, a.ec2.target_capacity_pct, a.ec2.scale_in_minutes,
    );
    if a.ec2.spot_share_pct > 0.0 {
        out.push_str(&format!(
            "; {}% of instance-hours on Spot at {}% off on-demand (assumed)",
            a.ec2.spot_share_pct, a.ec2.spot_discount_pct
        ));
    }
    out
}

/// The report's warnings.
pub mod warn {
    use crate::config::Assumptions;

    pub const NO_CONTAINER_INSIGHTS: &str =
        "Container Insights was off: CPU and memory come from AWS/ECS utilization (percent of reservation)";
    pub const IDLE_MANAGED_INSTANCES: &str =
        "ECS Managed Instances run but no service is placed on them; their cost (with fees) is in the cluster's current figure only";
    pub const IDLE_INSTANCES: &str =
        "container instances run but no service is placed on EC2; their cost is in the cluster's current figure only";
    pub const NO_PLAN: &str = "no plan can place every service; figures show today's cost";

    /// `parts` names what is unchecked: "EC2 prices", "Fargate windows rates", or both.
    /// How the estimated-prices warning starts (the report's `region_source` looks for it).
    pub const ESTIMATED_PRICES: &str = "Estimated prices";

    /// The estimates a report uses: EC2 types of the fleet or the simulations whose price in
    /// `region` is an estimate, and the Fargate rate groups used that are; and when the Fargate
    /// Spot rates were read, if Spot is priced.
    pub fn estimated_prices<'a>(
        region: &crate::pricing::RegionPrices,
        types: impl IntoIterator<Item = &'a str>,
        fargate_used: &[&str],
    ) -> Option<String> {
        let mut ec2: Vec<&str> = types
            .into_iter()
            .filter(|t| region.ec2_status(t) == crate::pricing::PriceStatus::Estimated)
            .collect();
        ec2.sort();
        ec2.dedup();
        let estimated = region.fargate_estimated();
        let fargate: Vec<&str> = estimated.iter().copied().filter(|g| fargate_used.contains(g)).collect();
        let mut parts = Vec::new();
        if !ec2.is_empty() {
            let shown: Vec<String> = ec2.iter().take(6).map(|t| format!("`{t}`")).collect();
            let more = if ec2.len() > 6 {
                format!(" and {} more", ec2.len() - 6)
            } else {
                String::new()
            };
            parts.push(format!(
                "EC2 {}{more} ({})",
                shown.join(", "),
                crate::pricing::EC2_ESTIMATE_RULE.trim_start_matches("estimate: ")
            ));
        }
        if !fargate.is_empty() {
            parts.push(format!("Fargate {} rates", fargate.join(", ")));
        }
        let spot = (fargate_used.contains(&"spot") && !estimated.contains(&"spot"))
            .then(|| format!("Fargate Spot rates are a reading of {} (they float)", region.spot_as_of));
        match (parts.is_empty(), spot) {
            (true, None) => None,
            (true, Some(spot)) => Some(format!("{spot}; `ecs-advisor prices refresh --region {}` reads current ones", region.region)),
            (false, _) if region.is_refreshed() => Some(format!(
                "{ESTIMATED_PRICES} in `{}`: {}: the AWS price list for the region does not give them, so they follow the catalog's rules (`prices show --region {}` names each) and the figures that use them are estimates",
                region.region,
                parts.join(" and "),
                region.region
            )),
            (false, spot) => Some(format!(
                "{ESTIMATED_PRICES} in `{}`: {}: no public copy of the price list gives them, so the figures that use them are estimates{}; `ecs-advisor prices refresh --region {}` replaces them with the AWS Pricing API's",
                region.region,
                parts.join(" and "),
                spot.map(|s| format!(". {s}")).unwrap_or_default(),
                region.region
            )),
        }
    }

    /// Families `ec2.families` names that have no priced type in the region.
    pub fn families_not_priced(region: &str, families: &[&str]) -> String {
        format!(
            "`ec2.families` names {}, which {} no price in `{region}`: the EC2 simulations leave {} out. Run `ecs-advisor prices refresh --region {region}` for every type the AWS price list has",
            families.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
            if families.len() == 1 { "has" } else { "have" },
            if families.len() == 1 { "it" } else { "them" },
        )
    }

    /// ECS Managed Instances' fees are estimates in this region.
    pub fn managed_instances_fees(region: &str, rule: &str) -> String {
        format!(
            "ECS Managed Instances figures use management fees that are estimates ({}); `ecs-advisor prices refresh --region {region}` reads the real fees from the AWS Pricing API",
            rule.trim_start_matches("estimate: ")
        )
    }

    /// Container instances the catalog cannot price: today's cost leaves them out.
    /// Today's Managed Instances type with no management fee in the catalog.
    pub fn no_managed_instances_fee(region: &str, instance_type: &str) -> String {
        format!("no ECS Managed Instances fee for `{instance_type}` in `{region}`: run `ecs-advisor prices refresh --region {region}`")
    }

    pub fn not_priced(region: &str, missing: &[crate::report::NotPriced]) -> String {
        let list: Vec<String> = missing.iter().map(|n| format!("{} x `{}`", n.count, n.instance_type)).collect();
        format!(
            "Not priced: {} container instance{} ({}) have no price in `{region}`: today's EC2 cost leaves them out, so it and every saving measured against it are low, and the simulations do not choose those types. Run `ecs-advisor prices refresh --region {region}` to fetch every type the AWS price list has",
            missing.iter().map(|n| n.count).sum::<u32>(),
            if missing.iter().map(|n| n.count).sum::<u32>() == 1 { "" } else { "s" },
            list.join(", ")
        )
    }

    /// A service whose data starts after the window does or stops before it ends (more than an
    /// hour at either edge): it may have started or stopped inside the window, which the figures
    /// cannot tell from missing metrics.
    pub fn partial_data(c: &super::Candidate, m: &crate::snapshot::Manifest) -> Option<String> {
        let steps = m.steps();
        let step = u64::from(m.step_seconds);
        let (first, last) = (c.usage.stats.first_step?, c.usage.stats.last_step?);
        let before = u64::from(first) * step;
        let after = u64::from(steps.saturating_sub(last + 1)) * step;
        if before < 3600 && after < 3600 {
            return None;
        }
        let at = |s: u32| (m.window_start + chrono::Duration::seconds(i64::from(s) * i64::from(m.step_seconds))).format("%Y-%m-%d %H:%M");
        let days = |s: u64| s as f64 / 86_400.0;
        let mut edges = Vec::new();
        if before >= 3600 {
            edges.push(format!(
                "before it the inventory's running count ({} tasks) stands in for {:.1} days",
                c.svc.running_count,
                days(before)
            ));
        }
        if after >= 3600 {
            edges.push(format!("after it the last count holds for {:.1} days", days(after)));
        }
        Some(format!(
            "`{}` has data from {} to {} UTC only ({:.1} of the window's {:.1} days): {}; if it started or stopped inside the window, its figures are off by that",
            c.svc.name,
            at(first),
            at(last + 1),
            days((u64::from(last) + 1 - u64::from(first)) * step),
            days(u64::from(steps) * step),
            edges.join(", ")
        ))
    }

    /// Task starts are not a CloudWatch metric: without them no minimum charge is billed.
    pub const NO_STARTS: &str = "the snapshot has no task starts (CloudWatch has no such metric, so `collect` cannot read them): Fargate figures leave out the minimum charge per task (1 minute on Linux, 15 on Windows), so a service that starts short-lived tasks is billed only what they ran, which is low; a snapshot with a `tasks_started` column bills them";

    /// A snapshot that does not say which task definition ran when.
    pub const NO_REVISIONS: &str = "the snapshot has no task definition history: each service's current task definition is taken to have run all window, so a service resized inside it is priced (and its use per task read) as if it always had its current size; `collect` records the history";

    /// The share of a service's billed Fargate seconds in minimum charges from which it is named.
    pub const MINIMUM_CHARGE_SHARE: f64 = 0.05;

    pub fn minimum_charge(c: &super::Candidate) -> String {
        format!(
            "`{}`: {:.0}% of its billed Fargate seconds are the minimum charge of its {:.0} task starts, estimated from the per-step task counts: on streams of short jobs the estimate is within 5% of the bill either way (README, \"When not to trust these numbers\")",
            c.svc.name,
            100.0 * c.minimum_charge_share,
            c.starts.unwrap_or(0.0)
        )
    }

    pub fn windows_storage(service: &str, gib: u32) -> String {
        format!("`{service}` asks for {gib} GiB of ephemeral storage, which Fargate Windows tasks cannot set: it is ignored, not billed")
    }

    pub fn unplaced(steps: u32, services: &[String]) -> String {
        format!(
            "at {steps} steps some tasks of {} fit no instance type; those steps are under-costed",
            services.join(", ")
        )
    }

    pub fn ec2_spot(a: &Assumptions) -> String {
        format!(
            "EC2 figures assume {}% of instance-hours on Spot at {}% below on-demand list prices (no Savings Plan or Reserved Instance covers a Spot hour); Spot prices float and interruptions are not modeled",
            a.ec2.spot_share_pct, a.ec2.spot_discount_pct
        )
    }
}
