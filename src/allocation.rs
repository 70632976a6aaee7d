//! Cost allocation (`--group-by tag:KEY`): a report's services grouped by the value of one tag,
//! with the services that lack it and the instances' idle capacity as rows of their own, so the
//! rows add up to the cluster's figures to the cent. FinOps teams review cost by team, product or
//! cost centre; ECS services carry those as tags. Pure: reads a report (and last month's), writes
//! nothing.

use std::collections::BTreeMap;

use crate::money::Usd;
use crate::report::{Allocation, AllocationGroup, GroupKind, Report};

/// The tag key of a `--group-by` value: `tag:KEY`.
pub fn parse_group_by(value: &str) -> Result<String, String> {
    match value.strip_prefix("tag:") {
        Some(key) if !key.trim().is_empty() => Ok(key.to_string()),
        _ => Err(format!(
            "`{value}` is not a grouping: use tag:KEY with the services' tag key, for example tag:team"
        )),
    }
}

/// The report's cost by the value of tag `key`: one row per value (most expensive first), then
/// the services without the tag, then idle instance capacity. With last month's report, each
/// row's change from it (when that report carries tags).
pub fn allocate(r: &Report, key: &str, previous: Option<&Report>) -> Allocation {
    let mut groups = rows(r, key);
    let mut notes = Vec::new();
    if !groups.iter().any(|g| g.kind == GroupKind::Tagged) {
        let mut keys: Vec<&str> = r.services.iter().flat_map(|s| s.tags.keys().map(String::as_str)).collect();
        keys.sort();
        keys.dedup();
        notes.push(format!(
            "no service has the tag `{key}`, so all are untagged; {}",
            if keys.is_empty() {
                "no service has any tag".to_string()
            } else {
                format!("tag keys the services have: {}", keys.join(", "))
            }
        ));
    }
    if let Some(p) = previous {
        if p.services.iter().any(|s| !s.tags.is_empty()) {
            let before = rows(p, key);
            for g in &mut groups {
                let was = before.iter().find(|b| b.kind == g.kind && b.value == g.value);
                g.previous_monthly_usd = Some(was.map_or(Usd::ZERO, |b| b.current_monthly_usd));
                g.change_usd = Some(g.current_monthly_usd - g.previous_monthly_usd.unwrap_or(Usd::ZERO));
            }
            // A value that had services last month and has none now: all of it went.
            for b in before {
                if !groups.iter().any(|g| g.kind == b.kind && g.value == b.value) {
                    groups.push(AllocationGroup {
                        change_usd: Some(Usd::ZERO - b.current_monthly_usd),
                        previous_monthly_usd: Some(b.current_monthly_usd),
                        services: Vec::new(),
                        current_monthly_usd: Usd::ZERO,
                        recommended_monthly_usd: Usd::ZERO,
                        savings_monthly_usd: Usd::ZERO,
                        ..b
                    });
                }
            }
        } else {
            notes.push(format!(
                "{}'s report carries no tags (it was written before they were kept), so no change by `{key}` is given",
                p.monthly.as_ref().map_or("last month", |m| m.month.as_str())
            ));
        }
    }
    Allocation {
        tag: key.to_string(),
        groups,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

fn rows(r: &Report, key: &str) -> Vec<AllocationGroup> {
    let mut by_value: BTreeMap<Option<&str>, AllocationGroup> = BTreeMap::new();
    for s in &r.services {
        let value = s.tags.get(key).map(String::as_str);
        let g = by_value.entry(value).or_insert_with(|| AllocationGroup {
            kind: if value.is_some() { GroupKind::Tagged } else { GroupKind::Untagged },
            value: value.map(str::to_string),
            services: Vec::new(),
            current_monthly_usd: Usd::ZERO,
            recommended_monthly_usd: Usd::ZERO,
            savings_monthly_usd: Usd::ZERO,
            previous_monthly_usd: None,
            change_usd: None,
        });
        g.services.push(s.name.clone());
        g.current_monthly_usd += s.current_monthly_usd;
        g.recommended_monthly_usd += s.recommendation.monthly_usd;
    }
    let mut out: Vec<AllocationGroup> = by_value.into_values().collect();
    // Tagged values by cost, the largest first; the untagged after them.
    out.sort_by(|a, b| {
        (a.kind == GroupKind::Untagged)
            .cmp(&(b.kind == GroupKind::Untagged))
            .then(b.current_monthly_usd.cmp(&a.current_monthly_usd))
            .then(a.value.cmp(&b.value))
    });
    // What an instance pool costs beyond its services' shares: today's idle line; under the plan,
    // the room a fleet keeps beyond its services.
    let (today, after): (Usd, Usd) = (
        out.iter().map(|g| g.current_monthly_usd).sum(),
        out.iter().map(|g| g.recommended_monthly_usd).sum(),
    );
    let idle = (r.cluster.current_monthly_usd - today, r.cluster.recommended_monthly_usd - after);
    if !idle.0.cents().is_zero() || !idle.1.cents().is_zero() {
        out.push(AllocationGroup {
            kind: GroupKind::Idle,
            value: None,
            services: Vec::new(),
            current_monthly_usd: idle.0,
            recommended_monthly_usd: idle.1,
            savings_monthly_usd: Usd::ZERO,
            previous_monthly_usd: None,
            change_usd: None,
        });
    }
    for g in &mut out {
        g.savings_monthly_usd = g.current_monthly_usd - g.recommended_monthly_usd;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::tests::{analyze, service, steady, task_definition};
    use crate::snapshot::inventory::{LaunchType, Service};

    /// `api` (team payments, 2 tasks), `web` (team storefront, 1 task), `cron` (no team, 1
    /// task): each 1 vCPU / 2 GiB on Fargate all month, $36.04 a task.
    fn cluster(api_tasks: u32, tagged: bool) -> Report {
        let tag = |mut s: Service, team: &str| {
            if tagged {
                s.tags.insert("team".into(), team.into());
            }
            s
        };
        analyze(&steady(
            vec![
                (
                    tag(service("api", Some(LaunchType::Fargate), api_tasks), "payments"),
                    task_definition("api", 1024, 2048),
                ),
                (
                    tag(service("web", Some(LaunchType::Fargate), 1), "storefront"),
                    task_definition("web", 1024, 2048),
                ),
                (service("cron", Some(LaunchType::Fargate), 1), task_definition("cron", 1024, 2048)),
            ],
            0.9,
        ))
    }

    fn row<'a>(a: &'a Allocation, label: &str) -> &'a AllocationGroup {
        a.groups
            .iter()
            .find(|g| g.label() == label)
            .unwrap_or_else(|| panic!("no {label} in {a:?}"))
    }

    #[test]
    fn each_tag_value_is_a_row_the_untagged_are_one_and_the_rows_add_up_to_the_cluster() {
        let r = cluster(2, true);
        let a = allocate(&r, "team", None);
        let labels: Vec<String> = a.groups.iter().map(|g| g.label()).collect();
        assert_eq!(labels, ["payments", "storefront", "(untagged)"]);
        assert_eq!(row(&a, "payments").current_monthly_usd.cents().to_string(), "$72.08");
        assert_eq!(row(&a, "payments").services, ["api"]);
        assert_eq!(row(&a, "(untagged)").services, ["cron"]);
        let sum: Usd = a.groups.iter().map(|g| g.current_monthly_usd).sum();
        assert_eq!(sum, r.cluster.current_monthly_usd);
        let after: Usd = a.groups.iter().map(|g| g.recommended_monthly_usd).sum();
        assert_eq!(after, r.cluster.recommended_monthly_usd);
        assert!(a.note.is_none());
    }

    #[test]
    fn the_change_is_from_last_months_row_of_the_same_value() {
        let a = allocate(&cluster(2, true), "team", Some(&cluster(1, true)));
        // api went from 1 task to 2: payments +$36.04, the rest unchanged.
        assert_eq!(row(&a, "payments").change_usd.unwrap().cents().to_string(), "$36.04");
        assert_eq!(row(&a, "storefront").change_usd.unwrap().cents().to_string(), "$0.00");
        assert_eq!(row(&a, "(untagged)").change_usd.unwrap().cents().to_string(), "$0.00");
    }

    #[test]
    fn a_last_month_without_tags_gives_no_change_and_says_why() {
        let a = allocate(&cluster(2, true), "team", Some(&cluster(1, false)));
        assert!(a.groups.iter().all(|g| g.change_usd.is_none()));
        assert!(a.note.as_deref().unwrap().contains("carries no tags"), "{:?}", a.note);
    }

    #[test]
    fn a_tag_no_service_has_says_so_and_names_the_keys_there_are() {
        let a = allocate(&cluster(2, true), "cost-centre", None);
        assert_eq!(a.groups.len(), 1);
        assert_eq!(
            a.note.as_deref(),
            Some("no service has the tag `cost-centre`, so all are untagged; tag keys the services have: team")
        );
    }

    #[test]
    fn a_grouping_is_tag_and_a_key() {
        assert_eq!(parse_group_by("tag:team").unwrap(), "team");
        for bad in ["team", "tag:", "tag: ", "label:team"] {
            assert!(parse_group_by(bad).unwrap_err().contains("use tag:KEY"), "{bad}");
        }
    }
}
