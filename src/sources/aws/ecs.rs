//! The inventory from ECS: the cluster, its services, their task definitions, container instances,
//! capacity providers and standalone running tasks. Everything is paginated, and clusters are
//! matched exactly by name or ARN (`prod` is not `prod-2`).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecs::types as ecs;
use aws_sdk_ecs::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::{classify, ApiCalls, AwsError, Progress};
use crate::domain::{Arch, Window};
use crate::snapshot::inventory::{
    CapacityProvider, CapacityProviderStrategyItem, ContainerDefinition, ContainerInstance, Inventory, LaunchType,
    ManagedInstancesProvider, NetworkMode, Revision, SchedulingStrategy, Service, TaskDefinition, FARGATE, FARGATE_SPOT,
};

/// Prefix of the pseudo-services that stand for standalone tasks (RunTask, not a service).
pub const STANDALONE_PREFIX: &str = "task:";

/// One cluster as ECS describes it.
#[derive(Clone, Debug)]
pub struct ClusterInfo {
    pub name: String,
    pub arn: String,
    /// The `containerInsights` setting: `enabled`, `enhanced` or `disabled` (None if not reported).
    pub container_insights: Option<String>,
    default_strategy: Vec<CapacityProviderStrategyItem>,
    capacity_providers: Vec<String>,
}

impl ClusterInfo {
    pub fn insights_on(&self) -> bool {
        matches!(self.container_insights.as_deref(), Some("enabled") | Some("enhanced"))
    }
}

/// The cluster names in the region, every page of them.
pub async fn list_cluster_names(client: &Client, calls: &mut ApiCalls) -> Result<Vec<String>, AwsError> {
    let mut names = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("ecs:ListClusters");
    loop {
        calls.add("ecs:ListClusters");
        let out = client
            .list_clusters()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("ecs:ListClusters", e))?;
        names.extend(out.cluster_arns().iter().map(|a| a.rsplit('/').next().unwrap_or(a).to_string()));
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    names.sort();
    Ok(names)
}

/// Describes one cluster named exactly `wanted` (a name or an ARN).
pub async fn describe_cluster(client: &Client, wanted: &str, region: &str, calls: &mut ApiCalls) -> Result<ClusterInfo, AwsError> {
    calls.add("ecs:DescribeClusters");
    let out = client
        .describe_clusters()
        .clusters(wanted)
        .include(ecs::ClusterField::Settings)
        .send()
        .await
        .map_err(|e| classify("ecs:DescribeClusters", e))?;
    let found = out.clusters().iter().find(|c| {
        let name = c.cluster_name().unwrap_or_default();
        let arn = c.cluster_arn().unwrap_or_default();
        (name == wanted || arn == wanted) && c.status() != Some("INACTIVE")
    });
    let Some(c) = found else {
        let known = list_cluster_names(client, calls).await?;
        return Err(AwsError::ClusterNotFound {
            name: wanted.to_string(),
            region: region.to_string(),
            known: if known.is_empty() { "none".into() } else { known.join(", ") },
        });
    };
    let container_insights = c
        .settings()
        .iter()
        .find(|s| s.name() == Some(&ecs::ClusterSettingName::ContainerInsights))
        .and_then(|s| s.value().map(str::to_string));
    Ok(ClusterInfo {
        name: c.cluster_name().unwrap_or_default().to_string(),
        arn: c.cluster_arn().unwrap_or_default().to_string(),
        container_insights,
        default_strategy: c.default_capacity_provider_strategy().iter().map(strategy_item).collect(),
        capacity_providers: c.capacity_providers().to_vec(),
    })
}

fn strategy_item(s: &ecs::CapacityProviderStrategyItem) -> CapacityProviderStrategyItem {
    CapacityProviderStrategyItem {
        capacity_provider: s.capacity_provider().to_string(),
        base: s.base().max(0) as u32,
        weight: s.weight().max(0) as u32,
    }
}

/// `family:revision` from a task definition ARN (or from `family:revision` itself).
pub fn task_definition_ref(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// The whole inventory of one cluster.
pub async fn inventory(
    client: &Client,
    cluster: &ClusterInfo,
    window: &Window,
    calls: &mut ApiCalls,
    progress: &mut Progress,
) -> Result<Inventory, AwsError> {
    let name = &cluster.name;
    // Services.
    progress.update(&format!("{name}: listing services"));
    let mut service_arns = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("ecs:ListServices");
    loop {
        calls.add("ecs:ListServices");
        let out = client
            .list_services()
            .cluster(&cluster.arn)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("ecs:ListServices", e))?;
        service_arns.extend(out.service_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    service_arns.sort();
    service_arns.dedup();
    let mut services = Vec::new();
    // Services whose current deployment started after the window did: they may have run another
    // task definition in it.
    let mut deployed_in_window = Vec::new();
    for (i, chunk) in service_arns.chunks(10).enumerate() {
        progress.update(&format!(
            "{name}: describing services {}/{}",
            (i * 10 + chunk.len()),
            service_arns.len()
        ));
        calls.add("ecs:DescribeServices");
        let out = client
            .describe_services()
            .cluster(&cluster.arn)
            .set_services(Some(chunk.to_vec()))
            .include(ecs::ServiceField::Tags)
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeServices", e))?;
        for s in out.services() {
            if s.status() == Some("INACTIVE") {
                continue;
            }
            let primary = s.deployments().iter().find(|d| d.status() == Some("PRIMARY"));
            if let Some(at) = primary.and_then(|d| d.created_at()).and_then(to_utc) {
                if at > window.start {
                    deployed_in_window.push((services.len(), s.service_arn().unwrap_or_default().to_string(), at));
                }
            }
            services.push(service(s, cluster));
        }
    }

    // Which task definition each of those ran when: its service deployments.
    for (n, (i, arn, primary_at)) in deployed_in_window.iter().enumerate() {
        progress.update(&format!("{name}: deployment history {}/{}", n + 1, deployed_in_window.len()));
        let current = services[*i].task_definition.clone();
        services[*i].revisions = revisions(client, cluster, arn, &current, *primary_at, window, calls).await?;
    }

    // Standalone tasks: running tasks that no service started, grouped by task definition.
    progress.update(&format!("{name}: listing running tasks"));
    let standalone = standalone_tasks(client, cluster, calls).await?;
    for ((td, launch), count) in &standalone {
        let (launch_type, capacity_provider_strategy) = match launch {
            Launch::Type(t) => (Some(*t), vec![]),
            Launch::Provider(p) => (
                None,
                vec![CapacityProviderStrategyItem {
                    capacity_provider: p.clone(),
                    base: 0,
                    weight: 1,
                }],
            ),
        };
        let suffix = match launch {
            Launch::Type(LaunchType::Fargate) => "fargate".to_string(),
            Launch::Type(LaunchType::Ec2) => "ec2".to_string(),
            Launch::Type(LaunchType::External) => "external".to_string(),
            Launch::Type(LaunchType::ManagedInstances) => "managed-instances".to_string(),
            Launch::Provider(p) => p.to_lowercase(),
        };
        let family = td.split(':').next().unwrap_or(td);
        let mut tags = BTreeMap::new();
        tags.insert("ecs-advisor:standalone".to_string(), "true".to_string());
        services.push(Service {
            name: format!("{STANDALONE_PREFIX}{family}/{suffix}"),
            task_definition: td.clone(),
            launch_type,
            capacity_provider_strategy,
            scheduling_strategy: SchedulingStrategy::Replica,
            desired_count: *count,
            running_count: *count,
            tags,
            revisions: Vec::new(),
        });
    }

    // Task definitions used by services (now and over the window) and standalone tasks.
    let refs: BTreeSet<String> = services
        .iter()
        .flat_map(|s| std::iter::once(s.task_definition.clone()).chain(s.revisions.iter().map(|r| r.task_definition.clone())))
        .collect();
    let mut task_definitions = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        progress.update(&format!("{name}: task definitions {}/{}", i + 1, refs.len()));
        calls.add("ecs:DescribeTaskDefinition");
        let out = client
            .describe_task_definition()
            .task_definition(r)
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeTaskDefinition", e))?;
        let td = out.task_definition().ok_or_else(|| AwsError::Unexpected {
            action: "ecs:DescribeTaskDefinition",
            message: format!("no task definition in the answer for `{r}`"),
        })?;
        task_definitions.push(task_definition(td)?);
    }

    // Container instances.
    progress.update(&format!("{name}: container instances"));
    let mut instance_arns = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("ecs:ListContainerInstances");
    loop {
        calls.add("ecs:ListContainerInstances");
        let out = client
            .list_container_instances()
            .cluster(&cluster.arn)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("ecs:ListContainerInstances", e))?;
        instance_arns.extend(out.container_instance_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    let mut container_instances = Vec::new();
    for chunk in instance_arns.chunks(100) {
        calls.add("ecs:DescribeContainerInstances");
        let out = client
            .describe_container_instances()
            .cluster(&cluster.arn)
            .set_container_instances(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeContainerInstances", e))?;
        for ci in out.container_instances() {
            container_instances.push(container_instance(ci)?);
        }
    }
    container_instances.sort_by(|a, b| a.ec2_instance_id.cmp(&b.ec2_instance_id));

    // Capacity providers: the cluster's, and any a service names.
    let mut names: BTreeSet<String> = cluster.capacity_providers.iter().cloned().collect();
    for s in &services {
        names.extend(s.capacity_provider_strategy.iter().map(|c| c.capacity_provider.clone()));
    }
    let mut capacity_providers: Vec<CapacityProvider> = names
        .iter()
        .filter(|n| *n == FARGATE || *n == FARGATE_SPOT)
        .map(|n| CapacityProvider {
            name: n.clone(),
            auto_scaling_group: None,
            managed_scaling: false,
            target_capacity_pct: None,
            managed_instances: None,
        })
        .collect();
    let asg_providers: Vec<String> = names.into_iter().filter(|n| n != FARGATE && n != FARGATE_SPOT).collect();
    for chunk in asg_providers.chunks(10) {
        calls.add("ecs:DescribeCapacityProviders");
        let out = client
            .describe_capacity_providers()
            .set_capacity_providers(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeCapacityProviders", e))?;
        for cp in out.capacity_providers() {
            let asg = cp.auto_scaling_group_provider();
            let scaling = asg.and_then(|a| a.managed_scaling());
            capacity_providers.push(CapacityProvider {
                name: cp.name().unwrap_or_default().to_string(),
                auto_scaling_group: asg.map(|a| {
                    let arn = a.auto_scaling_group_arn();
                    arn.rsplit("autoScalingGroupName/").next().unwrap_or(arn).to_string()
                }),
                managed_scaling: scaling.and_then(|m| m.status()) == Some(&ecs::ManagedScalingStatus::Enabled),
                target_capacity_pct: scaling.and_then(|m| m.target_capacity()).map(|t| t.max(0) as u32),
                managed_instances: managed_instances(cp),
            });
        }
    }
    capacity_providers.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(Inventory {
        services,
        task_definitions,
        container_instances,
        capacity_providers,
    })
}

/// A time from the SDK, in UTC.
fn to_utc(t: &aws_sdk_ecs::primitives::DateTime) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(t.secs(), t.subsec_nanos()).single()
}

/// The task definitions a service ran over the window, oldest first, from its service
/// deployments (`ListServiceDeployments`, then `DescribeServiceRevisions` for each deployment's
/// target revision): the one running at the window's start and each that started after it, the
/// last being `current`. A deployment counts from when it started; one that failed or was rolled
/// back (its tasks ran briefly, if at all) does not. Empty when it ran `current` all window.
async fn revisions(
    client: &Client,
    cluster: &ClusterInfo,
    service_arn: &str,
    current: &str,
    primary_at: DateTime<Utc>,
    window: &Window,
    calls: &mut ApiCalls,
) -> Result<Vec<Revision>, AwsError> {
    let mut deployments: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("ecs:ListServiceDeployments");
    loop {
        calls.add("ecs:ListServiceDeployments");
        let out = client
            .list_service_deployments()
            .cluster(&cluster.arn)
            .service(service_arn)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("ecs:ListServiceDeployments", e))?;
        for d in out.service_deployments() {
            let ran = matches!(
                d.status(),
                Some(ecs::ServiceDeploymentStatus::Successful | ecs::ServiceDeploymentStatus::InProgress)
            );
            let at = d.started_at().or(d.created_at()).and_then(to_utc);
            if let (true, Some(at), Some(rev)) = (ran, at, d.target_service_revision_arn()) {
                deployments.push((at, rev.to_string()));
            }
        }
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    deployments.sort();
    // The last to start by the window's start ran at its start; earlier ones did not run in it.
    let before = deployments.iter().rposition(|d| d.0 <= window.start).unwrap_or(0);
    deployments.drain(..before);

    let mut task_definition_of: BTreeMap<String, String> = BTreeMap::new();
    let arns: Vec<String> = deployments
        .iter()
        .map(|d| d.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in arns.chunks(20) {
        calls.add("ecs:DescribeServiceRevisions");
        let out = client
            .describe_service_revisions()
            .set_service_revision_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeServiceRevisions", e))?;
        for r in out.service_revisions() {
            if let (Some(arn), Some(td)) = (r.service_revision_arn(), r.task_definition()) {
                task_definition_of.insert(arn.to_string(), task_definition_ref(td));
            }
        }
    }
    let mut out: Vec<Revision> = Vec::new();
    for (from, rev) in deployments {
        let Some(td) = task_definition_of.get(&rev) else { continue };
        if out.last().is_none_or(|r| &r.task_definition != td) {
            out.push(Revision {
                task_definition: td.clone(),
                from,
            });
        }
    }
    // What it runs now is the last (a deployment the history lacks started with the primary one).
    if out.last().is_none_or(|r| r.task_definition != current) {
        out.push(Revision {
            task_definition: current.to_string(),
            from: primary_at,
        });
    }
    Ok(if out.len() == 1 { Vec::new() } else { out })
}

/// The cost-deciding part of a `MANAGED_INSTANCES` capacity provider: its instance requirements
/// and infrastructure optimization delay. `None` for any other type.
fn managed_instances(cp: &ecs::CapacityProvider) -> Option<ManagedInstancesProvider> {
    let mi = cp.managed_instances_provider();
    if cp.r#type() != Some(&ecs::CapacityProviderType::ManagedInstances) && mi.is_none() {
        return None;
    }
    let req = mi
        .and_then(|m| m.instance_launch_template())
        .and_then(|t| t.instance_requirements());
    let count = |v: i32| u32::try_from(v).ok();
    Some(ManagedInstancesProvider {
        allowed_instance_types: req.map(|r| r.allowed_instance_types().to_vec()).unwrap_or_default(),
        excluded_instance_types: req.map(|r| r.excluded_instance_types().to_vec()).unwrap_or_default(),
        vcpu_min: req.and_then(|r| r.v_cpu_count()).and_then(|v| count(v.min())),
        vcpu_max: req.and_then(|r| r.v_cpu_count()).and_then(|v| v.max()).and_then(count),
        memory_mib_min: req.and_then(|r| r.memory_mib()).and_then(|v| count(v.min())),
        memory_mib_max: req.and_then(|r| r.memory_mib()).and_then(|v| v.max()).and_then(count),
        scale_in_after_seconds: mi.and_then(|m| m.infrastructure_optimization()).and_then(|o| o.scale_in_after()),
    })
}

fn launch_type(l: &ecs::LaunchType) -> LaunchType {
    match l {
        ecs::LaunchType::Fargate => LaunchType::Fargate,
        ecs::LaunchType::External => LaunchType::External,
        ecs::LaunchType::ManagedInstances => LaunchType::ManagedInstances,
        _ => LaunchType::Ec2,
    }
}

fn service(s: &ecs::Service, cluster: &ClusterInfo) -> Service {
    let launch_type = s.launch_type().map(launch_type);
    let mut capacity_provider_strategy: Vec<_> = s.capacity_provider_strategy().iter().map(strategy_item).collect();
    // Neither a launch type nor a strategy: the cluster's default strategy applies, else EC2.
    let launch_type = if launch_type.is_none() && capacity_provider_strategy.is_empty() {
        capacity_provider_strategy = cluster.default_strategy.clone();
        capacity_provider_strategy.is_empty().then_some(LaunchType::Ec2)
    } else {
        launch_type
    };
    Service {
        name: s.service_name().unwrap_or_default().to_string(),
        task_definition: task_definition_ref(s.task_definition().unwrap_or_default()),
        launch_type,
        capacity_provider_strategy,
        scheduling_strategy: if s.scheduling_strategy() == Some(&ecs::SchedulingStrategy::Daemon) {
            SchedulingStrategy::Daemon
        } else {
            SchedulingStrategy::Replica
        },
        desired_count: s.desired_count().max(0) as u32,
        running_count: s.running_count().max(0) as u32,
        tags: s
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
            .collect(),
        revisions: Vec::new(),
    }
}

/// Task-level CPU or memory: ECS answers numbers as strings ("1024"); a definition registered with
/// units ("1 vCPU", "2 GB") is converted.
fn parse_size(value: &str, unit_per_whole: f64) -> Option<u32> {
    let v = value.trim();
    if let Ok(n) = v.parse::<u32>() {
        return Some(n);
    }
    let lower = v.to_ascii_lowercase();
    let number = lower.trim_end_matches("vcpu").trim_end_matches("gb").trim();
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .map(|n| (n * unit_per_whole).round() as u32)
}

fn task_definition(td: &ecs::TaskDefinition) -> Result<TaskDefinition, AwsError> {
    let family = td.family().unwrap_or_default().to_string();
    let bad = |what: &str, v: &str| AwsError::Unexpected {
        action: "ecs:DescribeTaskDefinition",
        message: format!("task definition `{family}:{}` has {what} `{v}`", td.revision()),
    };
    let cpu = td.cpu().map(|c| parse_size(c, 1024.0).ok_or_else(|| bad("cpu", c))).transpose()?;
    let memory = td
        .memory()
        .map(|m| parse_size(m, 1024.0).ok_or_else(|| bad("memory", m)))
        .transpose()?;
    let platform = td.runtime_platform();
    Ok(TaskDefinition {
        family: family.clone(),
        revision: td.revision().max(0) as u32,
        cpu,
        memory,
        network_mode: match td.network_mode() {
            Some(ecs::NetworkMode::Awsvpc) => NetworkMode::Awsvpc,
            Some(ecs::NetworkMode::Host) => NetworkMode::Host,
            Some(ecs::NetworkMode::None) => NetworkMode::None,
            // ECS's default on EC2 (Linux) is bridge.
            _ => NetworkMode::Bridge,
        },
        requires_compatibilities: td.requires_compatibilities().iter().map(|c| c.as_str().to_string()).collect(),
        cpu_architecture: match platform.and_then(|p| p.cpu_architecture()) {
            Some(ecs::CpuArchitecture::Arm64) => Arch::Arm64,
            _ => Arch::X86_64,
        },
        operating_system_family: platform
            .and_then(|p| p.operating_system_family())
            .map(|o| o.as_str().to_string())
            .unwrap_or_else(|| "LINUX".into()),
        ephemeral_storage_gib: td.ephemeral_storage().map(|e| e.size_in_gib().max(0) as u32),
        containers: td
            .container_definitions()
            .iter()
            .map(|c| ContainerDefinition {
                name: c.name().unwrap_or_default().to_string(),
                image: c.image().unwrap_or_default().to_string(),
                cpu: c.cpu().max(0) as u32,
                memory: c.memory().map(|m| m.max(0) as u32),
                memory_reservation: c.memory_reservation().map(|m| m.max(0) as u32),
                essential: c.essential().unwrap_or(true),
            })
            .collect(),
    })
}

fn container_instance(ci: &ecs::ContainerInstance) -> Result<ContainerInstance, AwsError> {
    let id = ci.ec2_instance_id().unwrap_or_default().to_string();
    let instance_type = ci
        .attributes()
        .iter()
        .find(|a| a.name() == "ecs.instance-type")
        .and_then(|a| a.value())
        .ok_or_else(|| AwsError::Unexpected {
            action: "ecs:DescribeContainerInstances",
            message: format!("container instance `{id}` has no `ecs.instance-type` attribute"),
        })?
        .to_string();
    let registered = |name: &str| {
        ci.registered_resources()
            .iter()
            .find(|r| r.name() == Some(name))
            .map(|r| r.integer_value().max(0) as u32)
            .unwrap_or(0)
    };
    Ok(ContainerInstance {
        ec2_instance_id: id,
        instance_type,
        registered_cpu: registered("CPU"),
        registered_memory: registered("MEMORY"),
        capacity_provider_name: ci.capacity_provider_name().map(str::to_string),
        status: ci.status().unwrap_or("ACTIVE").to_string(),
    })
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Launch {
    Type(LaunchType),
    Provider(String),
}

/// Running tasks not started by a service, counted per (task definition, launch).
async fn standalone_tasks(
    client: &Client,
    cluster: &ClusterInfo,
    calls: &mut ApiCalls,
) -> Result<BTreeMap<(String, Launch), u32>, AwsError> {
    let mut arns = Vec::new();
    let mut token = None;
    let mut pages = super::Pages::new("ecs:ListTasks");
    loop {
        calls.add("ecs:ListTasks");
        let out = client
            .list_tasks()
            .cluster(&cluster.arn)
            .desired_status(ecs::DesiredStatus::Running)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify("ecs:ListTasks", e))?;
        arns.extend(out.task_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    let mut groups = BTreeMap::new();
    for chunk in arns.chunks(100) {
        calls.add("ecs:DescribeTasks");
        let out = client
            .describe_tasks()
            .cluster(&cluster.arn)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify("ecs:DescribeTasks", e))?;
        for t in out.tasks() {
            // Exact cluster match (ListTasks is not trusted to match exactly), not on its way
            // out, and not a service's task.
            let stopping = matches!(t.last_status(), Some("DEACTIVATING" | "STOPPING" | "DEPROVISIONING" | "STOPPED"));
            if t.cluster_arn() != Some(cluster.arn.as_str()) || stopping {
                continue;
            }
            let from_service =
                t.group().is_some_and(|g| g.starts_with("service:")) || t.started_by().is_some_and(|s| s.starts_with("ecs-svc/"));
            if from_service {
                continue;
            }
            let launch = match (t.capacity_provider_name(), t.launch_type()) {
                (Some(p), _) if p != FARGATE => Launch::Provider(p.to_string()),
                (_, Some(ecs::LaunchType::Fargate)) | (Some(_), None) => Launch::Type(LaunchType::Fargate),
                (_, Some(ecs::LaunchType::External)) => Launch::Type(LaunchType::External),
                (_, Some(ecs::LaunchType::ManagedInstances)) => Launch::Type(LaunchType::ManagedInstances),
                _ => Launch::Type(LaunchType::Ec2),
            };
            let td = task_definition_ref(t.task_definition_arn().unwrap_or_default());
            *groups.entry((td, launch)).or_insert(0u32) += 1;
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("1024", 1024.0), Some(1024));
        assert_eq!(parse_size("1 vCPU", 1024.0), Some(1024));
        assert_eq!(parse_size("0.25 vcpu", 1024.0), Some(256));
        assert_eq!(parse_size("2 GB", 1024.0), Some(2048));
        assert_eq!(parse_size("lots", 1024.0), None);
    }

    #[test]
    fn task_definition_refs_come_from_arns() {
        assert_eq!(task_definition_ref("arn:aws:ecs:us-east-1:1:task-definition/api:7"), "api:7");
        assert_eq!(task_definition_ref("api:7"), "api:7");
    }
}
