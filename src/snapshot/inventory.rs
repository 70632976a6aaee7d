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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LaunchType {
    Fargate,
    Ec2,
    External,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SchedulingStrategy {
    #[default]
    Replica,
    Daemon,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Name of the Auto Scaling group; absent for FARGATE and FARGATE_SPOT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling_group: Option<String>,
    #[serde(default)]
    pub managed_scaling: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_capacity_pct: Option<u32>,
}

pub const FARGATE: &str = "FARGATE";
pub const FARGATE_SPOT: &str = "FARGATE_SPOT";

/// Where a service's tasks run today.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placement {
    /// On Fargate; `spot_share` of the task time on Fargate Spot (from the strategy weights).
    Fargate {
        spot_share: f64,
    },
    Ec2,
}

impl Service {
    pub fn is_daemon(&self) -> bool {
        self.scheduling_strategy == SchedulingStrategy::Daemon
    }

    /// Resolves launch type or capacity provider strategy. Weights split the tasks above the
    /// base; the share is what a steady service converges to.
    pub fn placement(&self) -> Placement {
        match self.launch_type {
            Some(LaunchType::Fargate) => Placement::Fargate { spot_share: 0.0 },
            Some(LaunchType::Ec2) | Some(LaunchType::External) => Placement::Ec2,
            None => {
                let fargate: Vec<_> = self
                    .capacity_provider_strategy
                    .iter()
                    .filter(|s| s.capacity_provider == FARGATE || s.capacity_provider == FARGATE_SPOT)
                    .collect();
                if fargate.is_empty() {
                    return Placement::Ec2;
                }
                let total: u32 = fargate.iter().map(|s| s.weight).sum();
                let spot: u32 = fargate
                    .iter()
                    .filter(|s| s.capacity_provider == FARGATE_SPOT)
                    .map(|s| s.weight)
                    .sum();
                let spot_share = if total == 0 { 0.0 } else { f64::from(spot) / f64::from(total) };
                Placement::Fargate { spot_share }
            }
        }
    }

    /// How many of `running` tasks run on Fargate Spot, as ECS places them with this service's
    /// capacity provider strategy: the first `base` tasks go to the provider that has a base,
    /// the rest split by weight. 0 for a launch type.
    pub fn fargate_spot_tasks(&self, running: f64) -> f64 {
        if self.launch_type.is_some() {
            return 0.0;
        }
        let fargate: Vec<_> = self
            .capacity_provider_strategy
            .iter()
            .filter(|s| s.capacity_provider == FARGATE || s.capacity_provider == FARGATE_SPOT)
            .collect();
        let total: u32 = fargate.iter().map(|s| s.weight).sum();
        let (mut spot, mut left) = (0.0, running.max(0.0));
        for s in fargate.iter().filter(|s| s.base > 0) {
            let on_base = left.min(f64::from(s.base));
            if s.capacity_provider == FARGATE_SPOT {
                spot += on_base;
            }
            left -= on_base;
        }
        if total > 0 {
            let spot_weight: u32 = fargate
                .iter()
                .filter(|s| s.capacity_provider == FARGATE_SPOT)
                .map(|s| s.weight)
                .sum();
            spot += left * f64::from(spot_weight) / f64::from(total);
        }
        spot
    }

    pub fn tag_is_true(&self, key: &str) -> bool {
        self.tags.get(key).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}
