//! A Terraform plan in JSON (`terraform show -json PLAN`): the `aws_ecs_task_definition` and
//! `aws_ecs_service` resources it creates, updates, replaces or deletes. A value known only after
//! apply is reported, never guessed; a service whose task definition is created in the same plan
//! is resolved through the plan's `configuration` references. Other resources are ignored, and
//! counted.

use serde_json::Value;

use super::taskdef::{self, Declared};
use super::GateError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// Which task definition a planned service runs.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskDefRef {
    /// Not changed by the plan.
    Unchanged,
    /// A family (from `family:revision` or an ARN).
    Family(String),
    /// A task definition resource of this plan, by address.
    Resource(String),
    /// Known only after apply and not resolvable from the configuration.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub capacity_provider: String,
    pub base: u32,
    pub weight: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedService {
    pub address: String,
    pub action: Action,
    pub name: String,
    /// The cluster: a name (from a name or an ARN), or the address of an `aws_ecs_cluster` the
    /// configuration references; none when neither is known.
    pub cluster: Option<ClusterRef>,
    /// A new desired count, where the plan sets or changes one.
    pub desired: Option<u32>,
    /// A new launch type, where the plan sets or changes one.
    pub launch_type: Option<String>,
    /// A new capacity provider strategy, where the plan sets or changes one.
    pub strategy: Option<Vec<Strategy>>,
    pub task_definition: TaskDefRef,
    pub daemon: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedTaskDef {
    pub address: String,
    pub action: Action,
    /// None for a deletion.
    pub declared: Option<Declared>,
}

/// Which cluster a planned service runs in.
#[derive(Clone, Debug, PartialEq)]
pub enum ClusterRef {
    Name(String),
    /// `aws_ecs_cluster.x` (with its module path): the plan's cluster of that address.
    Resource(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub services: Vec<PlannedService>,
    pub task_definitions: Vec<PlannedTaskDef>,
    /// Values known only after apply, and what was done about them.
    pub notes: Vec<String>,
    /// Addresses of resources outside ECS cost, ignored.
    pub ignored: Vec<String>,
    /// Names of the ECS Managed Instances capacity providers the plan creates or keeps
    /// (`aws_ecs_capacity_provider` with a `managed_instances_provider` block).
    pub managed_instances_providers: Vec<String>,
    /// The `aws_ecs_cluster` resources the plan creates.
    pub new_clusters: Vec<NewCluster>,
}

/// A cluster the plan creates: its services are a cluster of their own, never the analysed one.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCluster {
    pub address: String,
    /// Its name, or the address when the name is known only after apply.
    pub name: String,
}

/// The most tasks a plan's service may ask for (as `--set-desired` takes).
pub const MAX_DESIRED: u64 = 100_000;

pub fn read(path: &std::path::Path) -> Result<Plan, GateError> {
    let source = path.display().to_string();
    let bad = |message: String| GateError::Input {
        file: source.clone(),
        message,
    };
    let text = crate::input::read_to_string(path, crate::input::LARGE).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| bad(format!("is not valid JSON ({e})")))?;
    parse(&value, &source)
}

fn family_of(reference: &str) -> String {
    let tail = reference.rsplit('/').next().unwrap_or(reference);
    tail.split(':').next().unwrap_or(tail).to_string()
}

/// A cluster name from a name or an ARN.
fn cluster_name(v: &str) -> String {
    v.rsplit('/').next().unwrap_or(v).to_string()
}

pub fn parse(plan: &Value, source: &str) -> Result<Plan, GateError> {
    let bad = |message: String| GateError::Input {
        file: source.to_string(),
        message,
    };
    static NONE: Vec<Value> = Vec::new();
    if plan.get("resource_changes").is_some_and(|v| !v.is_array() && !v.is_null()) {
        return Err(bad(
            "has a `resource_changes` that is not a list: it is not a Terraform plan in JSON; write one with `terraform show -json PLAN > plan.json`"
                .into(),
        ));
    }
    let Some(changes) = plan.get("resource_changes").and_then(Value::as_array).or_else(|| {
        // A plan with no changes at all has no `resource_changes`.
        plan.get("format_version").map(|_| &NONE)
    }) else {
        return Err(bad(
            "is not a Terraform plan in JSON (no `resource_changes`); write one with `terraform show -json PLAN > plan.json`".into(),
        ));
    };
    let mut out = Plan::default();
    for (i, rc) in changes.iter().enumerate() {
        let address = rc
            .get("address")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("resource_changes[{i}] has no `address`")))?
            .to_string();
        let kind = rc.get("type").and_then(Value::as_str).unwrap_or_default();
        let change = rc.get("change").ok_or_else(|| bad(format!("`{address}` has no `change`")))?;
        let actions: Vec<&str> = change
            .get("actions")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("`{address}` has no `change.actions`")))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let action = match actions.as_slice() {
            ["create"] => Action::Create,
            ["update"] => Action::Update,
            ["delete"] => Action::Delete,
            ["delete", "create"] | ["create", "delete"] => Action::Update,
            ["no-op"] | ["read"] | ["forget"] => continue,
            other => {
                return Err(bad(format!(
                    "`{address}` has `change.actions` {other:?}, which Terraform does not write (it writes no-op, create, read, update, delete, forget, or delete and create together)"
                )))
            }
        };
        if rc.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let before = change.get("before").filter(|v| v.is_object());
        let after = change.get("after").filter(|v| v.is_object());
        let unknown = |field: &str| change.pointer(&format!("/after_unknown/{field}")) == Some(&Value::Bool(true));
        match kind {
            "aws_ecs_task_definition" => {
                let declared = match (action, after) {
                    (Action::Delete, _) => None,
                    (_, Some(a)) => {
                        for field in ["cpu", "memory", "container_definitions"] {
                            if unknown(field) {
                                out.notes.push(format!(
                                    "`{address}`: `{field}` is known only after apply; its size is read from what the plan knows"
                                ));
                            }
                        }
                        Some(taskdef::from_terraform(a, &format!("{source}: {address}"))?)
                    }
                    (_, None) => return Err(bad(format!("`{address}` is created or updated but has no `change.after`"))),
                };
                out.task_definitions.push(PlannedTaskDef { address, action, declared });
            }
            "aws_ecs_service" => {
                let state = if action == Action::Delete { before } else { after };
                let state = state.ok_or_else(|| {
                    bad(format!(
                        "`{address}` has no `change.{}`",
                        if action == Action::Delete { "before" } else { "after" }
                    ))
                })?;
                let name = state
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(format!("`{address}` has no `name`")))?
                    .to_string();
                let changed =
                    |field: &str| action == Action::Create || before.and_then(|b| b.get(field)) != after.and_then(|a| a.get(field));
                let desired = if action != Action::Delete && unknown("desired_count") {
                    out.notes.push(format!(
                        "`{address}`: `desired_count` is known only after apply; today's task count is kept"
                    ));
                    None
                } else if action != Action::Delete && changed("desired_count") {
                    match state.get("desired_count") {
                        None | Some(Value::Null) => None,
                        Some(v) => match v.as_u64().filter(|&n| n <= MAX_DESIRED) {
                            Some(n) => Some(n as u32),
                            None => {
                                return Err(bad(format!(
                                    "`{address}` has `desired_count` {v}: give a whole number from 0 to {MAX_DESIRED}"
                                )))
                            }
                        },
                    }
                } else {
                    None
                };
                let launch_type = (action != Action::Delete && changed("launch_type"))
                    .then(|| {
                        state
                            .get("launch_type")
                            .and_then(Value::as_str)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                    })
                    .flatten();
                let strategy = (action != Action::Delete && changed("capacity_provider_strategy"))
                    .then(|| {
                        state
                            .get("capacity_provider_strategy")
                            .and_then(Value::as_array)
                            .filter(|a| !a.is_empty())
                            .map(|items| {
                                items
                                    .iter()
                                    .map(|s| Strategy {
                                        capacity_provider: s
                                            .get("capacity_provider")
                                            .and_then(Value::as_str)
                                            .unwrap_or_default()
                                            .to_string(),
                                        base: s.get("base").and_then(Value::as_u64).unwrap_or(0) as u32,
                                        weight: s.get("weight").and_then(Value::as_u64).unwrap_or(0) as u32,
                                    })
                                    .collect()
                            })
                    })
                    .flatten();
                let task_definition = if action == Action::Delete {
                    TaskDefRef::Unchanged
                } else if unknown("task_definition") {
                    match referenced(plan, &address, "task_definition", "aws_ecs_task_definition.") {
                        Some(r) => TaskDefRef::Resource(r),
                        None => {
                            out.notes.push(format!(
                                "`{address}`: its task definition is known only after apply and not found in the plan; its size is kept"
                            ));
                            TaskDefRef::Unknown
                        }
                    }
                } else if changed("task_definition") {
                    match state.get("task_definition").and_then(Value::as_str) {
                        Some(r) => TaskDefRef::Family(family_of(r)),
                        None => TaskDefRef::Unknown,
                    }
                } else {
                    TaskDefRef::Unchanged
                };
                let cluster = if unknown("cluster") {
                    // A cluster known only after apply: the one the configuration references.
                    referenced(plan, &address, "cluster", "aws_ecs_cluster.").map(ClusterRef::Resource)
                } else {
                    state
                        .get("cluster")
                        .and_then(Value::as_str)
                        .map(|c| ClusterRef::Name(cluster_name(c)))
                };
                out.services.push(PlannedService {
                    address,
                    action,
                    name,
                    cluster,
                    desired,
                    launch_type,
                    strategy,
                    task_definition,
                    daemon: state.get("scheduling_strategy").and_then(Value::as_str) == Some("DAEMON"),
                });
            }
            "aws_ecs_cluster" if action == Action::Create => {
                let name = after.and_then(|s| s.get("name")).and_then(Value::as_str);
                out.new_clusters.push(NewCluster {
                    name: name.map(str::to_string).unwrap_or_else(|| address.clone()),
                    address,
                });
            }
            "aws_ecs_capacity_provider" => {
                let state = if action == Action::Delete { None } else { after };
                let managed = state
                    .and_then(|s| s.get("managed_instances_provider"))
                    .is_some_and(|m| m.as_array().is_none_or(|a| !a.is_empty()) && !m.is_null());
                match state.and_then(|s| s.get("name")).and_then(Value::as_str) {
                    Some(name) if managed => out.managed_instances_providers.push(name.to_string()),
                    _ => out.ignored.push(address),
                }
            }
            _ => out.ignored.push(address),
        }
    }
    Ok(out)
}

/// The address of the resource (`kind` is its type and a dot: `aws_ecs_task_definition.`) that a
/// service's `attribute` expression references, from the plan's configuration (root module or
/// nested modules).
fn referenced(plan: &Value, service_address: &str, attribute: &str, kind: &str) -> Option<String> {
    // module.a.module.b.aws_ecs_service.x -> modules [a, b], resource aws_ecs_service.x
    let mut parts: Vec<&str> = service_address.split('.').collect();
    let mut modules = Vec::new();
    while parts.len() > 2 && parts[0] == "module" {
        modules.push(parts[1].split('[').next().unwrap_or(parts[1]));
        parts.drain(..2);
    }
    let resource = parts.join(".");
    let resource = resource.split('[').next().unwrap_or(&resource).to_string();
    let mut module = plan.pointer("/configuration/root_module")?;
    for m in &modules {
        module = module.get("module_calls")?.get(*m)?.get("module")?;
    }
    let config = module
        .get("resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(resource.as_str()))?;
    let refs = config.pointer(&format!("/expressions/{attribute}/references"))?.as_array()?;
    let target = refs.iter().filter_map(Value::as_str).find(|r| r.starts_with(kind))?;
    let mut pieces = target.split('.');
    let local = format!("{}.{}", pieces.next()?, pieces.next()?);
    let prefix: String = modules.iter().map(|m| format!("module.{m}.")).collect();
    Some(format!("{prefix}{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest, Just};
    use proptest::strategy::Strategy as _;

    fn service_update(desired: Value, actions: Value) -> Value {
        serde_json::json!({
            "format_version": "1.2",
            "resource_changes": [{
                "address": "aws_ecs_service.x", "type": "aws_ecs_service",
                "change": {
                    "actions": actions,
                    "before": {"name": "api", "cluster": "prod", "desired_count": 1},
                    "after": {"name": "api", "cluster": "prod", "desired_count": desired}
                }
            }]
        })
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            (0u64..=2 * MAX_DESIRED).prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
            ".{0,8}".prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            Just(serde_json::json!([1])),
            Just(serde_json::json!({"n": 1})),
        ]
    }

    proptest! {
        /// A desired count is taken only as a whole number from 0 to 100,000; anything else
        /// (negative, fractional, a string, too large) is refused naming it, never read as no
        /// change or clamped.
        #[test]
        fn a_desired_count_is_a_whole_number_in_range_or_an_error(desired in any_json()) {
            let in_range = desired.as_u64().filter(|&n| n <= MAX_DESIRED);
            match parse(&service_update(desired.clone(), serde_json::json!(["update"])), "plan.json") {
                Ok(plan) => {
                    prop_assert!(in_range.is_some() || desired.is_null(), "{desired} was accepted");
                    prop_assert_eq!(plan.services[0].desired.map(u64::from), in_range);
                }
                Err(e) => {
                    prop_assert!(in_range.is_none(), "{desired} was refused: {e}");
                    prop_assert!(e.to_string().contains("desired_count"), "{e}");
                }
            }
        }

        /// Actions are Terraform's own or an error, whatever else the list holds.
        #[test]
        fn actions_are_terraforms_or_an_error(actions in prop::collection::vec(prop_oneof![
            Just("create"), Just("update"), Just("delete"), Just("no-op"), Just("read"), Just("forget"), Just("explode"), Just("")
        ], 0..3)) {
            let known = matches!(
                actions.as_slice(),
                ["create"] | ["update"] | ["delete"] | ["delete", "create"] | ["create", "delete"] | ["no-op"] | ["read"] | ["forget"]
            );
            let r = parse(&service_update(serde_json::json!(2), serde_json::json!(actions)), "plan.json");
            prop_assert_eq!(r.is_ok(), known, "{:?}: {:?}", actions, r.err().map(|e| e.to_string()));
        }
    }

    #[test]
    fn a_plan_from_terraform_1_1_creating_an_ec2_task_definition_reads_its_containers() {
        let text = include_str!("../../tests/fixtures/tfplans/ec2-task-definition-create-tf1.1.5.json");
        let plan = parse(&serde_json::from_str(text).unwrap(), "plan.json").unwrap();
        assert_eq!(plan.task_definitions.len(), 1);
        let d = plan.task_definitions[0].declared.as_ref().unwrap();
        // Two containers, cpu 10 + 10, memory 512 + 256, no task-level size.
        assert_eq!(
            (d.family.as_str(), d.cpu_units, d.memory_mib, d.fargate),
            ("service", 20, 768, false)
        );
        assert!(plan.services.is_empty() && plan.ignored.is_empty());
    }

    #[test]
    fn families_and_clusters_are_read_from_arns() {
        assert_eq!(family_of("arn:aws:ecs:us-east-1:123:task-definition/api:7"), "api");
        assert_eq!(family_of("api:7"), "api");
        assert_eq!(cluster_name("arn:aws:ecs:us-east-1:123:cluster/prod"), "prod");
    }
}
