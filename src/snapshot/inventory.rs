//! The inventory half of a snapshot: what ECS says the cluster is made of.
//! Field names follow the ECS API so a collected snapshot reads like `describe-services`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::Arch;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub services: Vec<Service>,
    pub task_definitions: Vec<TaskDefinition>,
    #[serde(default)]
    pub container_instances: Vec<ContainerInstance>,
    #[serde(default)]
    pub capacity_providers: Vec<CapacityProvider>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LaunchType {
    Fargate,
    Ec2,
    External,
    /// ECS Managed Instances. AWS documents a capacity provider strategy for running on them; the
    /// API also takes this launch type.
    ManagedInstances,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SchedulingStrategy {
    #[default]
    Replica,
    Daemon,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderStrategyItem {
    pub capacity_provider: String,
    #[serde(default)]
    pub base: u32,
    #[serde(default)]
    pub weight: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    /// `family:revision` of a task definition in `task_definitions`.
    pub task_definition: String,
    /// Set when the service uses a launch type; absent when it uses a capacity provider strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<LaunchType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    #[serde(default)]
    pub scheduling_strategy: SchedulingStrategy,
    pub desired_count: u32,
    pub running_count: u32,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The task definitions the service ran over the window, oldest first, each from the time its
    /// deployment started (ECS's service deployments): the last is `task_definition`. Empty when
    /// not collected: the current one is taken to have run all window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
}

/// A task definition a service ran from a time on, until the next revision's time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// `family:revision` of a task definition in `task_definitions`.
    pub task_definition: String,
    pub from: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    Awsvpc,
    Bridge,
    Host,
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub cpu: u32,
    /// Hard limit (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    /// Soft limit (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<u32>,
    #[serde(default = "yes")]
    pub essential: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinition {
    pub family: String,
    pub revision: u32,
    /// Task-level CPU units (1,024 = 1 vCPU); required on Fargate, optional on EC2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Task-level memory, MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    pub network_mode: NetworkMode,
    #[serde(default)]
    pub requires_compatibilities: Vec<String>,
    pub cpu_architecture: Arch,
    /// `LINUX` or a `WINDOWS_SERVER_*` family.
    pub operating_system_family: String,
    /// Ephemeral storage on Fargate, GiB (20 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage_gib: Option<u32>,
    pub containers: Vec<ContainerDefinition>,
}

impl TaskDefinition {
    pub fn reference(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    pub fn is_windows(&self) -> bool {
        self.operating_system_family.starts_with("WINDOWS")
    }

    /// CPU units the task reserves: task-level when set, else the sum over containers.
    pub fn reserved_cpu_units(&self) -> u32 {
        self.cpu.unwrap_or_else(|| self.containers.iter().map(|c| c.cpu).sum())
    }

    /// Memory the task reserves (MiB): task-level when set, else per container the hard limit
    /// or, failing that, the soft limit (what ECS's scheduler reserves).
    pub fn reserved_memory_mib(&self) -> u32 {
        self.memory
            .unwrap_or_else(|| self.containers.iter().map(|c| c.memory_reservation.or(c.memory).unwrap_or(0)).sum())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerInstance {
    pub ec2_instance_id: String,
    pub instance_type: String,
    pub registered_cpu: u32,
    pub registered_memory: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_provider_name: Option<String>,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProvider {
    pub name: String,
    /// Name of the Auto Scaling group; absent for FARGATE, FARGATE_SPOT and Managed Instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling_group: Option<String>,
    #[serde(default)]
    pub managed_scaling: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_capacity_pct: Option<u32>,
    /// Set for a capacity provider of type `MANAGED_INSTANCES` (its `managedInstancesProvider`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_instances: Option<ManagedInstancesProvider>,
}

/// What of a `managedInstancesProvider` decides cost: the instance requirements that narrow the
/// types ECS may launch, and the infrastructure optimization delay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedInstancesProvider {
    /// `instanceRequirements.allowedInstanceTypes`: names or wildcards (`m7i.*`); empty = any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_instance_types: Vec<String>,
    /// `instanceRequirements.excludedInstanceTypes`, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_instance_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpu_min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpu_max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib_min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib_max: Option<u32>,
    /// `infrastructureOptimization.scaleInAfter`: seconds before idle or underused instances are
    /// optimized away (0 to 3,600); -1 turns it off; absent = ECS's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_in_after_seconds: Option<i32>,
}

impl ManagedInstancesProvider {
    /// Whether the provider's instance requirements admit `instance_type` of this size.
    pub fn admits(&self, instance_type: &str, vcpu: u32, memory_mib: u32) -> bool {
        let matches = |patterns: &[String]| patterns.iter().any(|p| type_matches(p, instance_type));
        (self.allowed_instance_types.is_empty() || matches(&self.allowed_instance_types))
            && !matches(&self.excluded_instance_types)
            && self.vcpu_min.is_none_or(|m| vcpu >= m)
            && self.vcpu_max.is_none_or(|m| vcpu <= m)
            && self.memory_mib_min.is_none_or(|m| memory_mib >= m)
            && self.memory_mib_max.is_none_or(|m| memory_mib <= m)
    }
}

/// An EC2 instance type pattern as the instance requirements take it: `*` matches any run of
/// characters (`m7i.*`, `c*`, `*.large`).
fn type_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len()).any(|i| tail.is_char_boundary(i) && type_matches(rest, &tail[i..]))
        }
    }
}

pub const FARGATE: &str = "FARGATE";
pub const FARGATE_SPOT: &str = "FARGATE_SPOT";

/// Where a service's tasks run today.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// On Fargate; `spot_share` of the task time on Fargate Spot (from the strategy weights).
    Fargate { spot_share: f64 },
    /// On container instances of an Auto Scaling group provider (or the EC2 launch type).
    Ec2,
    /// On the instances of an ECS Managed Instances capacity provider (`None`: the launch type).
    ManagedInstances { provider: Option<String> },
}

impl Inventory {
    /// The capacity provider of this name, if the inventory describes it.
    pub fn capacity_provider(&self, name: &str) -> Option<&CapacityProvider> {
        self.capacity_providers.iter().find(|p| p.name == name)
    }

    fn is_managed_instances(&self, name: &str) -> bool {
        self.capacity_provider(name).is_some_and(|p| p.managed_instances.is_some())
    }

    /// Where `svc` runs: its launch type, or its capacity provider strategy (collection writes
    /// the cluster's default strategy into a service that has neither). A strategy cannot mix
    /// Fargate with instance providers; one that mixes Auto Scaling group and Managed Instances
    /// providers is placed on the kind that takes more of its tasks (base, then weight).
    pub fn placement(&self, svc: &Service) -> Placement {
        placement_of(svc.launch_type, &svc.capacity_provider_strategy, &|name| {
            self.is_managed_instances(name)
        })
    }
}

/// Where tasks run with this launch type or (without one) capacity provider strategy;
/// `is_managed` tells which providers are ECS Managed Instances'. The one placement rule: today's
/// services are placed by it, and so is a service a proposal changes. A Fargate strategy's share
/// is what a steady service converges to (weights above the base).
pub fn placement_of(
    launch_type: Option<LaunchType>,
    strategy: &[CapacityProviderStrategyItem],
    is_managed: &dyn Fn(&str) -> bool,
) -> Placement {
    match launch_type {
        Some(LaunchType::Fargate) => return Placement::Fargate { spot_share: 0.0 },
        Some(LaunchType::Ec2) | Some(LaunchType::External) => return Placement::Ec2,
        Some(LaunchType::ManagedInstances) => return Placement::ManagedInstances { provider: None },
        None => {}
    }
    let fargate: Vec<_> = strategy.iter().filter(|s| is_fargate(&s.capacity_provider)).collect();
    if !fargate.is_empty() {
        let total: u32 = fargate.iter().map(|s| s.weight).sum();
        let spot: u32 = fargate
            .iter()
            .filter(|s| s.capacity_provider == FARGATE_SPOT)
            .map(|s| s.weight)
            .sum();
        let spot_share = if total == 0 { 0.0 } else { f64::from(spot) / f64::from(total) };
        return Placement::Fargate { spot_share };
    }
    let (mi, asg): (Vec<_>, Vec<_>) = strategy.iter().partition(|s| is_managed(&s.capacity_provider));
    let pull = |items: &[&CapacityProviderStrategyItem]| {
        (
            items.iter().map(|s| s.base).sum::<u32>(),
            items.iter().map(|s| s.weight).sum::<u32>(),
        )
    };
    if !mi.is_empty() && pull(&mi) >= pull(&asg) {
        let main = mi.iter().max_by_key(|s| (s.base, s.weight)).expect("not empty");
        Placement::ManagedInstances {
            provider: Some(main.capacity_provider.clone()),
        }
    } else {
        Placement::Ec2
    }
}

/// How many of `running` tasks run on Fargate Spot, as ECS places them with this launch type or
/// capacity provider strategy: whole tasks ([`spot_of_whole`]), and between two whole counts (an
/// average over a step) the share of each. 0 for a launch type.
pub fn spot_tasks(launch_type: Option<LaunchType>, strategy: &[CapacityProviderStrategyItem], running: f64) -> f64 {
    if launch_type.is_some() || !running.is_finite() {
        return 0.0;
    }
    let running = running.max(0.0);
    let k = running.floor();
    let below = spot_of_whole(strategy, k as u64) as f64;
    let frac = running - k;
    if frac == 0.0 {
        return below;
    }
    below + frac * (spot_of_whole(strategy, k as u64 + 1) as f64 - below)
}

/// How many of `n` whole tasks run on Fargate Spot: the providers with a base take it first, in
/// the strategy's order; of the rest, Spot's weight's share, to the nearest task (a half to Spot).
/// A task runs on one provider: 6 tasks with FARGATE base 1 weight 1 and FARGATE_SPOT weight 3
/// are 2 on demand and 4 on Spot, not 2.25 and 3.75.
pub fn spot_of_whole(strategy: &[CapacityProviderStrategyItem], n: u64) -> u64 {
    let fargate: Vec<_> = strategy.iter().filter(|s| is_fargate(&s.capacity_provider)).collect();
    let (mut spot, mut left) = (0u64, n);
    for s in fargate.iter().filter(|s| s.base > 0) {
        let on_base = left.min(u64::from(s.base));
        if s.capacity_provider == FARGATE_SPOT {
            spot += on_base;
        }
        left -= on_base;
    }
    let total: u64 = fargate.iter().map(|s| u64::from(s.weight)).sum();
    if total > 0 {
        let spot_weight: u64 = fargate
            .iter()
            .filter(|s| s.capacity_provider == FARGATE_SPOT)
            .map(|s| u64::from(s.weight))
            .sum();
        // left x weight / total, rounded half up, in integers.
        spot += (2 * left * spot_weight + total) / (2 * total);
    }
    spot
}

fn is_fargate(provider: &str) -> bool {
    provider == FARGATE || provider == FARGATE_SPOT
}

impl Service {
    pub fn is_daemon(&self) -> bool {
        self.scheduling_strategy == SchedulingStrategy::Daemon
    }

    /// How many of `running` tasks run on Fargate Spot ([`spot_tasks`]).
    pub fn fargate_spot_tasks(&self, running: f64) -> f64 {
        spot_tasks(self.launch_type, &self.capacity_provider_strategy, running)
    }

    pub fn tag_is_true(&self, key: &str) -> bool {
        self.tags.get(key).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The task definition that ran at each of the window's steps: a revision runs from the step
    /// its time falls nearest to (one before the window runs from its start). Without revisions,
    /// `task_definition` at every step.
    pub fn task_definition_at(&self, window: &crate::domain::Window) -> Vec<&str> {
        let steps = window.steps() as usize;
        // Before the first revision's time (history that starts inside the window) the first ran.
        let first = self
            .revisions
            .first()
            .map_or(self.task_definition.as_str(), |r| r.task_definition.as_str());
        let mut at = vec![first; steps];
        let step = i64::from(window.step_seconds.max(1));
        for (i, r) in self.revisions.iter().enumerate() {
            let from = ((r.from - window.start).num_seconds() as f64 / step as f64).round().max(0.0) as usize;
            let until = self.revisions.get(i + 1).map_or(steps, |next| {
                ((next.from - window.start).num_seconds() as f64 / step as f64).round().max(0.0) as usize
            });
            for a in at.iter_mut().take(until.min(steps)).skip(from) {
                *a = r.task_definition.as_str();
            }
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(provider: &str, base: u32, weight: u32) -> CapacityProviderStrategyItem {
        CapacityProviderStrategyItem {
            capacity_provider: provider.into(),
            base,
            weight,
        }
    }

    /// The demo's `webhook-dispatcher` was priced at 2.25 tasks on demand and 3.75 on Spot of 6:
    /// a task runs on one provider, so ECS runs 2 and 4.
    #[test]
    fn spot_tasks_are_whole_tasks_placed_base_first_then_by_weight() {
        let strategy = [item("FARGATE", 1, 1), item("FARGATE_SPOT", 0, 3)];
        let spot = |n: f64| spot_tasks(None, &strategy, n);
        assert_eq!(spot(1.0), 0.0, "the base first");
        assert_eq!(spot(2.0), 1.0);
        assert_eq!(spot(3.0), 2.0, "1.5 of 2 rounds half to Spot");
        assert_eq!(spot(6.0), 4.0);
        assert_eq!(spot(5.5), 3.5, "a step averaging 5.5 tasks is half at 5 (3 on Spot), half at 6 (4)");
        assert_eq!(spot_tasks(Some(LaunchType::Fargate), &strategy, 6.0), 0.0);
        let even = [item("FARGATE_SPOT", 2, 1), item("FARGATE", 0, 1)];
        assert_eq!(spot_of_whole(&even, 1), 1);
        assert_eq!(spot_of_whole(&even, 5), 4, "2 on the base, then 3 split 1:1 with the half to Spot");
        // Never more than the tasks, and one more task adds at most one on Spot.
        for n in 0..200u64 {
            let (a, b) = (spot_of_whole(&strategy, n), spot_of_whole(&strategy, n + 1));
            assert!(a <= n && b >= a && b - a <= 1, "{n}: {a} {b}");
        }
    }

    fn provider(name: &str, managed: bool) -> CapacityProvider {
        CapacityProvider {
            name: name.into(),
            auto_scaling_group: (!managed).then(|| format!("{name}-asg")),
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: managed.then(ManagedInstancesProvider::default),
        }
    }

    fn on(launch_type: Option<LaunchType>, strategy: Vec<CapacityProviderStrategyItem>) -> Service {
        Service {
            revisions: Vec::new(),
            name: "svc".into(),
            task_definition: "svc:1".into(),
            launch_type,
            capacity_provider_strategy: strategy,
            scheduling_strategy: SchedulingStrategy::Replica,
            desired_count: 1,
            running_count: 1,
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn placement_tells_managed_instances_from_auto_scaling_groups_and_fargate() {
        let inv = Inventory {
            capacity_providers: vec![provider("asg", false), provider("mi", true)],
            ..Inventory::default()
        };
        let mi = Placement::ManagedInstances {
            provider: Some("mi".into()),
        };
        let cases = [
            (on(Some(LaunchType::Ec2), vec![]), Placement::Ec2),
            (
                on(Some(LaunchType::ManagedInstances), vec![]),
                Placement::ManagedInstances { provider: None },
            ),
            (on(None, vec![item("mi", 0, 1)]), mi.clone()),
            (on(None, vec![item("asg", 0, 1)]), Placement::Ec2),
            // Mixed instance providers: the kind that takes more of the tasks, base first.
            (on(None, vec![item("asg", 0, 1), item("mi", 0, 3)]), mi.clone()),
            (on(None, vec![item("asg", 2, 1), item("mi", 0, 3)]), Placement::Ec2),
            // A provider the inventory does not describe is taken as an Auto Scaling group.
            (on(None, vec![item("unknown", 0, 1)]), Placement::Ec2),
            (
                on(None, vec![item(FARGATE, 0, 1), item(FARGATE_SPOT, 0, 1)]),
                Placement::Fargate { spot_share: 0.5 },
            ),
        ];
        for (svc, want) in cases {
            assert_eq!(
                inv.placement(&svc),
                want,
                "{:?} {:?}",
                svc.launch_type,
                svc.capacity_provider_strategy
            );
        }
    }

    #[test]
    fn instance_requirements_admit_by_pattern_size_and_exclusion() {
        let p = ManagedInstancesProvider {
            allowed_instance_types: vec!["m7i.*".into(), "c7*".into()],
            excluded_instance_types: vec!["*.metal*".into()],
            vcpu_min: Some(2),
            vcpu_max: Some(8),
            memory_mib_min: Some(4096),
            ..Default::default()
        };
        assert!(p.admits("m7i.large", 2, 8192));
        assert!(p.admits("c7g.xlarge", 4, 8192));
        assert!(!p.admits("m7a.large", 2, 8192), "not allowed");
        assert!(!p.admits("m7i.metal-24xl", 8, 8192), "excluded");
        assert!(!p.admits("m7i.4xlarge", 16, 65536), "over vcpu_max");
        assert!(!p.admits("c7i.large", 2, 4095), "under memory_mib_min");
        assert!(ManagedInstancesProvider::default().admits("anything.at-all", 1, 1));
    }
}
