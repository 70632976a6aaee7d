//! Task definitions as people keep them in their repositories: the input of `aws ecs
//! register-task-definition --cli-input-json`, the output of `aws ecs describe-task-definition`
//! (wrapped in `{"taskDefinition": ...}` or not), and Terraform's `aws_ecs_task_definition`
//! attributes. What ECS accepts is accepted: `cpu` and `memory` as numbers or strings, `"1 vCPU"`
//! and `"2 GB"`, container-level sizes when the task has none, unknown fields ignored.

use serde_json::Value;

use super::GateError;
use crate::domain::Platform;
use crate::simulation::fargate::FargateSize;

/// What a proposed task definition declares, as far as cost goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub family: String,
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub platform: Platform,
    /// Ephemeral storage, GiB (20 when it declares none).
    pub storage_gib: u32,
    /// `requiresCompatibilities` names FARGATE.
    pub fargate: bool,
    /// Where it came from: a file, or a Terraform address.
    pub source: String,
    /// What it asks for that ecs-advisor does not price (GPUs, inference accelerators), in words.
    pub unpriced: Option<String>,
}

/// Reads a task definition file in either of the AWS CLI's formats.
pub fn read(path: &std::path::Path) -> Result<Declared, GateError> {
    let source = path.display().to_string();
    let text = crate::input::read_to_string(path, crate::input::SMALL).map_err(|e| GateError::Input {
        file: source.clone(),
        message: format!("cannot read it: {e}"),
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| GateError::Input {
        file: source.clone(),
        message: format!("is not valid JSON ({e})"),
    })?;
    from_aws_json(&value, &source)
}

fn bad(source: &str, message: impl Into<String>) -> GateError {
    GateError::Input {
        file: source.to_string(),
        message: message.into(),
    }
}

/// A task definition in the AWS API's shape (camelCase), wrapped or not.
pub fn from_aws_json(value: &Value, source: &str) -> Result<Declared, GateError> {
    let td = match value.get("taskDefinition") {
        Some(inner) if inner.is_object() => inner,
        _ => value,
    };
    if !td.is_object() {
        return Err(bad(source, "is not a task definition (a JSON object with `family`)"));
    }
    let containers = td.get("containerDefinitions").cloned().unwrap_or(Value::Null);
    let platform = platform_of(
        td.pointer("/runtimePlatform/cpuArchitecture"),
        td.pointer("/runtimePlatform/operatingSystemFamily"),
        source,
    )?;
    declared(
        source,
        td.get("family"),
        td.get("cpu"),
        td.get("memory"),
        &containers,
        ("cpu", "memory", "memoryReservation"),
        platform,
        td.pointer("/ephemeralStorage/sizeInGiB"),
        td.get("requiresCompatibilities"),
    )
}

/// A planned `aws_ecs_task_definition` (Terraform's snake_case attributes; the container
/// definitions are a JSON string).
pub fn from_terraform(after: &Value, source: &str) -> Result<Declared, GateError> {
    let containers = match after.get("container_definitions") {
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|e| bad(source, format!("`container_definitions` is not valid JSON ({e})")))?
        }
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let platform = platform_of(
        after.pointer("/runtime_platform/0/cpu_architecture"),
        after.pointer("/runtime_platform/0/operating_system_family"),
        source,
    )?;
    declared(
        source,
        after.get("family"),
        after.get("cpu"),
        after.get("memory"),
        &containers,
        ("cpu", "memory", "memoryReservation"),
        platform,
        after.pointer("/ephemeral_storage/0/size_in_gib"),
        after.get("requires_compatibilities"),
    )
}

fn platform_of(arch: Option<&Value>, os: Option<&Value>, source: &str) -> Result<Platform, GateError> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_ascii_uppercase);
    let os = text(os).unwrap_or_else(|| "LINUX".into());
    if os.starts_with("WINDOWS") {
        // ECS runs Windows containers on x86 only.
        return match text(arch).as_deref() {
            None | Some("X86_64") => Ok(Platform::Windows),
            Some(other) => Err(bad(
                source,
                format!("runs `{os}` on `{other}`: ECS runs Windows containers on X86_64 only"),
            )),
        };
    }
    if os != "LINUX" {
        return Err(bad(
            source,
            format!("`operatingSystemFamily` is `{os}`; ECS takes LINUX or a WINDOWS_SERVER_* family"),
        ));
    }
    match text(arch).as_deref() {
        None | Some("X86_64") => Ok(Platform::LinuxX86),
        Some("ARM64") => Ok(Platform::LinuxArm),
        Some(other) => Err(bad(source, format!("`cpuArchitecture` is `{other}`; ECS takes X86_64 or ARM64"))),
    }
}

#[allow(clippy::too_many_arguments)]
fn declared(
    source: &str,
    family: Option<&Value>,
    cpu: Option<&Value>,
    memory: Option<&Value>,
    containers: &Value,
    keys: (&str, &str, &str),
    platform: Platform,
    storage: Option<&Value>,
    compat: Option<&Value>,
) -> Result<Declared, GateError> {
    let family = family
        .and_then(Value::as_str)
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| bad(source, "has no `family`: name the task definition family it changes"))?
        .to_string();
    let fargate = compat
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|c| c.as_str().is_some_and(|c| c.eq_ignore_ascii_case("FARGATE"))));
    let task_cpu = cpu_units(cpu, source, "cpu")?;
    let task_memory = memory_mib(memory, source, "memory")?;
    let list = containers.as_array().map(Vec::as_slice).unwrap_or_default();
    startup_order(list, source)?;
    let (ck, mk, rk) = keys;
    let mut c_cpu = 0u32;
    let mut c_mem = 0u32;
    let mut unpriced = Vec::new();
    for (i, c) in list.iter().enumerate() {
        for r in c
            .get("resourceRequirements")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let kind = r.get("type").and_then(Value::as_str).unwrap_or("an unknown resource");
            let value = r
                .get("value")
                .map(|v| v.to_string().trim_matches('"').to_string())
                .unwrap_or_default();
            unpriced.push(format!("{kind} {value} (containerDefinitions[{i}].resourceRequirements)"));
        }
        c_cpu = c_cpu.saturating_add(cpu_units(c.get(ck), source, &format!("containerDefinitions[{i}].{ck}"))?.unwrap_or(0));
        let hard = memory_mib(c.get(mk), source, &format!("containerDefinitions[{i}].{mk}"))?;
        let soft = memory_mib(c.get(rk), source, &format!("containerDefinitions[{i}].{rk}"))?;
        // What ECS's scheduler reserves: the soft limit where set, else the hard one.
        c_mem = c_mem.saturating_add(soft.or(hard).unwrap_or(0));
    }
    let cpu_units = task_cpu.unwrap_or(c_cpu);
    let memory_mib = task_memory.unwrap_or(c_mem);
    if memory_mib == 0 {
        return Err(bad(
            source,
            "declares no memory: set the task-level `memory` or a container's `memory`/`memoryReservation`",
        ));
    }
    if fargate {
        if task_cpu.is_none() || task_memory.is_none() {
            return Err(bad(
                source,
                "requires FARGATE but has no task-level `cpu` and `memory`, which Fargate needs",
            ));
        }
        FargateSize::new(cpu_units, memory_mib, platform).map_err(|e| bad(source, format!("{e}")))?;
    }
    let storage_gib = match storage {
        None | Some(Value::Null) => crate::simulation::fargate::INCLUDED_STORAGE_GIB,
        Some(v) => {
            let n = number(v).filter(|n| n.fract() == 0.0 && (21.0..=200.0).contains(n));
            n.ok_or_else(|| bad(source, format!("`ephemeralStorage.sizeInGiB` is {v}; Fargate takes 21 to 200 GiB")))? as u32
        }
    };
    Ok(Declared {
        family,
        cpu_units,
        memory_mib,
        platform,
        storage_gib,
        fargate,
        source: source.to_string(),
        unpriced: (!unpriced.is_empty()).then(|| unpriced.join(", ")),
    })
}

/// The containers' `dependsOn`: every container it names is one of the task's, and no container
/// waits, directly or not, on itself (ECS refuses such a task definition: its containers could
/// never start).
fn startup_order(list: &[Value], source: &str) -> Result<(), GateError> {
    let name = |c: &Value| c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let names: Vec<String> = list.iter().map(name).collect();
    let mut waits_on: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
    for (i, c) in list.iter().enumerate() {
        for d in c.get("dependsOn").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            let other = d.get("containerName").and_then(Value::as_str).unwrap_or_default();
            let j = names.iter().position(|n| n == other).ok_or_else(|| {
                bad(
                    source,
                    format!("`containerDefinitions[{i}].dependsOn` names `{other}`, which is not a container of this task definition"),
                )
            })?;
            waits_on[i].push(j);
        }
    }
    // Depth-first, without recursion: 0 not seen, 1 on the path, 2 done.
    let mut state = vec![0u8; list.len()];
    for start in 0..list.len() {
        if state[start] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&to) = waits_on[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                        let circle: Vec<&str> = path[from..]
                            .iter()
                            .map(|&(n, _)| names[n].as_str())
                            .chain([names[to].as_str()])
                            .collect();
                        return Err(bad(
                            source,
                            format!(
                                "its containers wait on each other in a circle ({}) through `dependsOn`: ECS refuses such a task definition, as none of them could start",
                                circle.join(" -> ")
                            ),
                        ));
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                path.pop();
            }
        }
    }
    Ok(())
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A size with an optional unit: `1024`, `"1024"`, `"1 vCPU"`, `"0.5 vcpu"`; `"2 GB"`, `"512"`.
/// `unit_scale` turns a number with the unit into the base unit (1024 units per vCPU, MiB per GB).
fn size(v: Option<&Value>, source: &str, field: &str, unit: &str, unit_scale: f64) -> Result<Option<u32>, GateError> {
    let invalid = |shown: String| {
        bad(
            source,
            format!("`{field}` is {shown}; give a whole number or a number with `{unit}` (for example `1 {unit}`)"),
        )
    };
    let value = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| invalid(n.to_string()))?,
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let lower = t.to_ascii_lowercase();
            match lower.strip_suffix(&unit.to_ascii_lowercase()) {
                Some(n) => n.trim().parse::<f64>().map_err(|_| invalid(format!("\"{s}\"")))? * unit_scale,
                None => t.parse::<f64>().map_err(|_| invalid(format!("\"{s}\"")))?,
            }
        }
        Some(other) => return Err(invalid(other.to_string())),
    };
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > 1e7 {
        return Err(invalid(v.map(|v| v.to_string()).unwrap_or_default()));
    }
    Ok(Some(value as u32))
}

fn cpu_units(v: Option<&Value>, source: &str, field: &str) -> Result<Option<u32>, GateError> {
    size(v, source, field, "vCPU", 1024.0)
}

fn memory_mib(v: Option<&Value>, source: &str, field: &str) -> Result<Option<u32>, GateError> {
    size(v, source, field, "GB", 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Declared, GateError> {
        from_aws_json(&v, "td.json")
    }

    /// A task definition whose containers wait on each other through `dependsOn` was priced and
    /// passed; ECS refuses it.
    #[test]
    fn containers_waiting_on_each_other_in_a_circle_are_refused_naming_the_circle() {
        let td = |deps: Value| {
            serde_json::json!({
                "family": "app", "cpu": "256", "memory": "512", "requiresCompatibilities": ["FARGATE"],
                "containerDefinitions": deps
            })
        };
        let e = parse(td(serde_json::json!([
            {"name": "app", "dependsOn": [{"containerName": "proxy", "condition": "START"}]},
            {"name": "proxy", "dependsOn": [{"containerName": "init", "condition": "COMPLETE"}]},
            {"name": "init", "dependsOn": [{"containerName": "app", "condition": "START"}]}
        ])))
        .unwrap_err()
        .to_string();
        assert!(e.contains("in a circle (app -> proxy -> init -> app)"), "{e}");
        let e = parse(td(serde_json::json!([{"name": "app", "dependsOn": [{"containerName": "app"}]}])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("(app -> app)"), "{e}");
        let e = parse(td(serde_json::json!([{"name": "app", "dependsOn": [{"containerName": "db"}]}])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("names `db`, which is not a container"), "{e}");
        // A chain is an order, not a circle.
        parse(td(serde_json::json!([
            {"name": "app", "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]},
            {"name": "init"}
        ])))
        .unwrap();
    }

    #[test]
    fn sizes_are_read_in_every_form_ecs_accepts() {
        for (cpu, memory) in [
            (json!(1024), json!(2048)),
            (json!("1024"), json!("2048")),
            (json!("1 vCPU"), json!("2 GB")),
            (json!("1vcpu"), json!("2GB")),
        ] {
            let d = parse(json!({"family": "api", "cpu": cpu, "memory": memory, "requiresCompatibilities": ["FARGATE"]})).unwrap();
            assert_eq!((d.cpu_units, d.memory_mib), (1024, 2048));
        }
        let d = parse(json!({"family": "api", "cpu": "0.25 vCPU", "memory": "0.5 GB", "requiresCompatibilities": ["FARGATE"]})).unwrap();
        assert_eq!((d.cpu_units, d.memory_mib), (256, 512));
    }

    #[test]
    fn container_sizes_stand_in_for_a_task_without_one_on_ec2() {
        let d = parse(json!({
            "family": "worker",
            "containerDefinitions": [
                {"name": "a", "cpu": 256, "memory": 512},
                {"name": "b", "cpu": 0, "memoryReservation": 128, "memory": 1024}
            ]
        }))
        .unwrap();
        assert_eq!((d.cpu_units, d.memory_mib, d.fargate), (256, 640, false));
    }

    #[test]
    fn an_invalid_fargate_size_names_the_valid_ones() {
        let e = parse(json!({"family": "api", "cpu": "1024", "memory": "1024", "requiresCompatibilities": ["FARGATE"]}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("td.json") && e.contains("2048, 3072"), "{e}");
        let e = parse(json!({"family": "api", "cpu": "abc", "memory": "2048"}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`cpu` is \"abc\""), "{e}");
        let e = parse(json!({"cpu": "1024", "memory": "2048"})).unwrap_err().to_string();
        assert!(e.contains("no `family`"), "{e}");
    }
}
