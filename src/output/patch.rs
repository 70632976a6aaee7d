//! `--output patch`: every recommended change of a report, ready to apply. Per service, the task
//! definition fields to register a new revision with and the service fields to update, as the
//! ECS API spells them (merge them into `aws ecs register-task-definition --cli-input-json` and
//! `aws ecs update-service` input), and the same as Terraform attribute lines; with what it saves,
//! its finding and risk, and whether it needs a deploy. The largest saving first. JSON, so `jq`
//! can pick a service's fields.

use serde_json::{json, Value};

use crate::report::{Action, FleetStep, Report};

pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&value(r)).expect("a patch always serializes");
    s.push('\n');
    s
}

/// Several clusters' patches, one JSON array.
pub fn render_all(reports: &[Report]) -> String {
    let mut s = serde_json::to_string_pretty(&Value::Array(reports.iter().map(value).collect())).expect("a patch always serializes");
    s.push('\n');
    s
}

fn value(r: &Report) -> Value {
    let mut services: Vec<_> = r.services.iter().filter(|s| s.recommendation.action != Action::Keep).collect();
    services.sort_by(|a, b| {
        b.recommendation
            .savings_monthly_usd
            .cmp(&a.recommendation.savings_monthly_usd)
            .then(a.name.cmp(&b.name))
    });
    let fleet_of = |name: &str| {
        r.cluster
            .fleet_actions
            .iter()
            .find(|a| a.services.iter().any(|s| s == name))
            .map(|a| {
                let step = match a.action {
                    FleetStep::Retire => "retire",
                    FleetStep::Shrink => "shrink",
                };
                format!("{step} the {}", super::pool_name(a.kind))
            })
    };
    json!({
        "cluster": r.cluster_name,
        "region": r.region,
        "plan": r.cluster.recommended_plan.as_str(),
        "savings_monthly_usd": r.cluster.savings_monthly_usd.cents(),
        "services": services.iter().map(|s| {
            let rec = &s.recommendation;
            let changes = rec.changes.as_ref();
            json!({
                "service": s.name,
                "task_definition_now": s.task_definition,
                "action": rec.action.as_str(),
                "summary": rec.summary,
                "savings_monthly_usd": rec.savings_monthly_usd.cents(),
                "finding": rec.finding.map(|f| f.as_str()),
                "risk": rec.risk.as_str(),
                "needs_deploy": rec.needs_deploy,
                "part_of": fleet_of(&s.name),
                "task_definition": changes.and_then(|c| c.task_definition.as_ref()),
                "service_update": changes.and_then(|c| c.service.as_ref()),
                "terraform": changes.map(|c| c.terraform.as_slice()).unwrap_or_default(),
                "note": changes.and_then(|c| c.note.as_deref()),
            })
        }).collect::<Vec<_>>(),
    })
}
