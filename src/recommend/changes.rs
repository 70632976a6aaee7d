//! What a recommendation changes, ready to apply: the task definition's fields and the service's,
//! as the ECS API spells them, and the same as Terraform attribute lines; with what the service's
//! use says of its size (the finding) and whether carrying it out needs a deploy.

use super::candidate::Candidate;
use crate::domain::{Capacity, Platform};
use crate::report::{
    Action, Changes, Compute, ContainerChange, Finding, Recommendation, RuntimePlatformChange, ServiceSettingsChange, StrategyChange,
    TaskDefinitionChange, TerraformChange,
};
use crate::snapshot::inventory::{NetworkMode, FARGATE, FARGATE_SPOT};

/// What the service's use says of the size it reserves: the smallest Fargate size that holds its
/// use with the headroom against what it reserves.
pub(super) fn finding(c: &Candidate) -> Finding {
    let r = c.reserved();
    if c.low_data {
        Finding::NotEnoughData
    } else if c.at_limit || c.above_reservation {
        Finding::AtItsLimit
    } else if c
        .fargate_size
        .is_some_and(|f| f.cpu_units < r.cpu_units || f.memory_mib < r.memory_mib)
    {
        Finding::OverProvisioned
    } else {
        Finding::RightSized
    }
}

/// The finding, whether it needs a deploy and what to change, set on a recommendation.
pub(super) fn complete(c: &Candidate, mut rec: Recommendation) -> Recommendation {
    rec.finding = Some(finding(c));
    rec.needs_deploy = Some(rec.action != Action::Keep);
    rec.changes = changes(c, &rec);
    rec
}

fn changes(c: &Candidate, rec: &Recommendation) -> Option<Changes> {
    let t = rec
        .target
        .as_ref()
        .filter(|_| !matches!(rec.action, Action::Keep | Action::ReplaceWithSidecar))?;
    let td = c.td;
    let today = super::advice::current_target(c);
    let mut note = None;

    // The task definition: its size always (a new revision), and what the new compute needs.
    let mut task = TaskDefinitionChange {
        cpu: t.cpu_units.to_string(),
        memory: t.memory_mib.to_string(),
        network_mode: None,
        requires_compatibilities: None,
        runtime_platform: None,
        container_definitions: containers(c, t.cpu_units, t.memory_mib),
    };
    if t.compute != today.compute {
        task.requires_compatibilities = Some(vec![match t.compute {
            Compute::Fargate => FARGATE.to_string(),
            Compute::Ec2 => "EC2".to_string(),
            Compute::ManagedInstances => "MANAGED_INSTANCES".to_string(),
        }]);
        if t.compute == Compute::Fargate && td.network_mode != NetworkMode::Awsvpc {
            // Fargate runs awsvpc only.
            task.network_mode = Some("awsvpc".into());
        }
    }
    if t.platform != c.platform || (t.compute != today.compute && t.compute == Compute::Fargate) {
        task.runtime_platform = Some(RuntimePlatformChange {
            cpu_architecture: if t.platform == Platform::LinuxArm { "ARM64" } else { "X86_64" }.into(),
            operating_system_family: if t.platform == Platform::Windows {
                td.operating_system_family.clone()
            } else {
                "LINUX".into()
            },
        });
    }
    let size_same = t.cpu_units == today.cpu_units && t.memory_mib == today.memory_mib;
    let task_changes =
        !size_same || task.requires_compatibilities.is_some() || task.network_mode.is_some() || task.runtime_platform.is_some();

    // The service: where its tasks run.
    let strategy = |provider: &str| {
        vec![StrategyChange {
            capacity_provider: provider.into(),
            base: 0,
            weight: 1,
        }]
    };
    let uses_strategy = !c.svc.capacity_provider_strategy.is_empty();
    let service = match (t.compute, t.capacity, t.spot_share_pct) {
        // All on Spot: Fargate Spot is only a capacity provider.
        (Compute::Fargate, Capacity::Spot, None) if today.capacity != Capacity::Spot => Some(ServiceSettingsChange {
            launch_type: None,
            capacity_provider_strategy: strategy(FARGATE_SPOT),
        }),
        (Compute::Fargate, Capacity::OnDemand, None) if today.compute != Compute::Fargate => Some(if uses_strategy {
            ServiceSettingsChange {
                launch_type: None,
                capacity_provider_strategy: strategy(FARGATE),
            }
        } else {
            ServiceSettingsChange {
                launch_type: Some("FARGATE".into()),
                capacity_provider_strategy: Vec::new(),
            }
        }),
        (Compute::Ec2, _, _) if today.compute != Compute::Ec2 => Some(ServiceSettingsChange {
            launch_type: Some("EC2".into()),
            capacity_provider_strategy: Vec::new(),
        }),
        (Compute::ManagedInstances, _, _) if today.compute != Compute::ManagedInstances => {
            note = Some("name the cluster's ECS Managed Instances capacity provider in the service's capacity provider strategy".into());
            None
        }
        _ => None,
    };
    if service.as_ref().is_some_and(|s| !s.capacity_provider_strategy.is_empty()) && !uses_strategy {
        note = Some("a service moving from a launch type to a capacity provider strategy is updated with --force-new-deployment".into());
    }

    let mut terraform = Vec::new();
    if task_changes {
        terraform.push(TerraformChange {
            resource: "aws_ecs_task_definition".into(),
            lines: task_lines(&task),
        });
    }
    if let Some(s) = &service {
        terraform.push(TerraformChange {
            resource: "aws_ecs_service".into(),
            lines: service_lines(s),
        });
    }
    Some(Changes {
        task_definition: task_changes.then_some(task),
        service,
        terraform,
        note,
    })
}

/// Containers whose own reservations no longer fit the new size, scaled by the same ratio
/// (rounded down): a task's containers may not reserve more than the task.
fn containers(c: &Candidate, cpu_units: u32, memory_mib: u32) -> Vec<ContainerChange> {
    let td = c.td;
    let sum = |f: &dyn Fn(&crate::snapshot::inventory::ContainerDefinition) -> u32| td.containers.iter().map(f).sum::<u32>();
    let (cpu, hard, soft) = (
        sum(&|k| k.cpu),
        sum(&|k| k.memory.unwrap_or(0)),
        sum(&|k| k.memory_reservation.unwrap_or(0)),
    );
    let scale = |v: u32, total: u32, limit: u32| -> Option<u32> {
        (total > limit && v > 0).then(|| (u64::from(v) * u64::from(limit) / u64::from(total)) as u32)
    };
    td.containers
        .iter()
        .filter_map(|k| {
            let change = ContainerChange {
                name: k.name.clone(),
                cpu: scale(k.cpu, cpu, cpu_units),
                memory: k.memory.and_then(|m| scale(m, hard, memory_mib)),
                memory_reservation: k.memory_reservation.and_then(|m| scale(m, soft, memory_mib)),
            };
            (change.cpu.is_some() || change.memory.is_some() || change.memory_reservation.is_some()).then_some(change)
        })
        .collect()
}

fn task_lines(t: &TaskDefinitionChange) -> Vec<String> {
    let mut lines = vec![format!("cpu = \"{}\"", t.cpu), format!("memory = \"{}\"", t.memory)];
    if let Some(n) = &t.network_mode {
        lines.push(format!("network_mode = \"{n}\""));
    }
    if let Some(r) = &t.requires_compatibilities {
        lines.push(format!(
            "requires_compatibilities = [{}]",
            r.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(p) = &t.runtime_platform {
        // A block with two arguments takes a line each (HCL).
        lines.extend([
            "runtime_platform {".to_string(),
            format!("  cpu_architecture        = \"{}\"", p.cpu_architecture),
            format!("  operating_system_family = \"{}\"", p.operating_system_family),
            "}".to_string(),
        ]);
    }
    for k in &t.container_definitions {
        let mut parts = Vec::new();
        if let Some(v) = k.cpu {
            parts.push(format!("\"cpu\": {v}"));
        }
        if let Some(v) = k.memory {
            parts.push(format!("\"memory\": {v}"));
        }
        if let Some(v) = k.memory_reservation {
            parts.push(format!("\"memoryReservation\": {v}"));
        }
        lines.push(format!(
            "# in container_definitions, container \"{}\": {}",
            k.name,
            parts.join(", ")
        ));
    }
    lines
}

fn service_lines(s: &ServiceSettingsChange) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(l) = &s.launch_type {
        lines.push(format!("launch_type = \"{l}\""));
    }
    for p in &s.capacity_provider_strategy {
        lines.extend([
            "capacity_provider_strategy {".to_string(),
            format!("  capacity_provider = \"{}\"", p.capacity_provider),
            format!("  base              = {}", p.base),
            format!("  weight            = {}", p.weight),
            "}".to_string(),
        ]);
    }
    if !s.capacity_provider_strategy.is_empty() {
        lines.push("# remove launch_type: a service has a launch type or a capacity provider strategy".into());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::tests::{analyze, service, steady, task_definition};
    use crate::report::{Action, Finding, ServiceReport};
    use crate::snapshot::inventory::{ContainerDefinition, LaunchType, NetworkMode};

    fn only(r: &crate::report::Report) -> &ServiceReport {
        &r.services[0]
    }

    #[test]
    fn a_rightsized_fargate_service_gets_its_new_cpu_and_memory_and_the_terraform_lines() {
        // 2 vCPU / 4 GiB using a tenth of its CPU and half its memory: over-provisioned.
        let r = analyze(&steady(
            vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 2048, 4096))],
            0.1,
        ));
        let rec = &only(&r).recommendation;
        assert_eq!(rec.action, Action::Rightsize);
        assert_eq!(rec.finding, Some(Finding::OverProvisioned));
        assert_eq!(rec.needs_deploy, Some(true));
        let t = rec.target.as_ref().unwrap();
        let c = rec.changes.as_ref().unwrap();
        let td = c.task_definition.as_ref().unwrap();
        assert_eq!(
            (td.cpu.clone(), td.memory.clone()),
            (t.cpu_units.to_string(), t.memory_mib.to_string())
        );
        assert!(c.service.is_none(), "it stays on Fargate on demand");
        assert_eq!(c.terraform[0].resource, "aws_ecs_task_definition");
        assert_eq!(
            c.terraform[0].lines[..2],
            [format!("cpu = \"{}\"", t.cpu_units), format!("memory = \"{}\"", t.memory_mib)]
        );
        // Its one container reserved all 2048 units: it must shrink with the task.
        assert_eq!(td.container_definitions[0].cpu, Some(t.cpu_units));
    }

    #[test]
    fn containers_shrink_by_the_tasks_ratio_when_their_reservations_would_not_fit() {
        let mut td = task_definition("api", 2048, 4096);
        td.containers = ["app", "proxy"]
            .map(|name| ContainerDefinition {
                name: name.into(),
                image: "x".into(),
                cpu: 1024,
                memory: Some(2048),
                memory_reservation: None,
                essential: true,
            })
            .to_vec();
        let r = analyze(&steady(vec![(service("api", Some(LaunchType::Fargate), 2), td)], 0.1));
        let rec = &only(&r).recommendation;
        let t = rec.target.as_ref().unwrap();
        let containers = &rec
            .changes
            .as_ref()
            .unwrap()
            .task_definition
            .as_ref()
            .unwrap()
            .container_definitions;
        assert_eq!(containers.len(), 2);
        for k in containers {
            assert_eq!(k.cpu, Some(t.cpu_units / 2), "{k:?}");
            assert_eq!(k.memory, Some(t.memory_mib / 2), "{k:?}");
        }
    }

    #[test]
    fn a_bridge_service_moving_from_ec2_to_fargate_gets_awsvpc_fargate_and_its_launch_type() {
        let mut td = task_definition("web", 512, 1024);
        td.network_mode = NetworkMode::Bridge;
        td.requires_compatibilities = vec!["EC2".into()];
        let r = analyze(&steady(vec![(service("web", Some(LaunchType::Ec2), 2), td)], 0.5));
        let rec = &only(&r).recommendation;
        assert_eq!(rec.action, Action::MoveToFargate, "{}", rec.rationale);
        let c = rec.changes.as_ref().unwrap();
        let td = c.task_definition.as_ref().unwrap();
        assert_eq!(td.network_mode.as_deref(), Some("awsvpc"));
        assert_eq!(td.requires_compatibilities, Some(vec!["FARGATE".to_string()]));
        assert_eq!(td.runtime_platform.as_ref().unwrap().cpu_architecture, "X86_64");
        assert_eq!(c.service.as_ref().unwrap().launch_type.as_deref(), Some("FARGATE"));
        let json = serde_json::to_value(td).unwrap();
        assert!(
            json.get("networkMode").is_some() && json.get("requiresCompatibilities").is_some(),
            "as the ECS API spells them: {json}"
        );
    }

    #[test]
    fn a_service_kept_as_it_is_changes_nothing_and_needs_no_deploy() {
        let r = analyze(&steady(
            vec![(service("api", Some(LaunchType::Fargate), 2), task_definition("api", 256, 512))],
            0.9,
        ));
        let rec = &only(&r).recommendation;
        assert_eq!(rec.action, Action::Keep);
        assert_eq!(rec.needs_deploy, Some(false));
        assert!(rec.changes.is_none());
    }
}
