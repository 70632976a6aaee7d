//! A report's figures beside a [`Bill`]: per service and per fleet, modelled, billed at list and
//! billed effective, the gap and what it is known to come from.
//!
//! The model's figures are 730-hour months; over the window they are `monthly x hours / 730`,
//! the hours the bill was read for. "Billed at list" is what the model prices (public on-demand
//! rates), so the gap between the two is the model's; what discounts take off is shown beside it.

use std::collections::BTreeSet;

use super::{Bill, Charges, Pool, Scope};
use crate::money::{Usd, HOURS_PER_MONTH};
use crate::report::bill::{BillRead, BilledFleet, BilledInstance, BilledService, BilledWhere, Discount, GapKind, ModelVsBill, NamedGap};
use crate::report::{Compute, LaunchType, Report};

/// A gap under this share of the modelled figure is the estimate's (5-minute counts against
/// per-second billing); the bar for the demo.
pub const CLOSE_PCT: f64 = 1.0;

fn usd(x: f64) -> Usd {
    Usd::from_f64(x)
}

fn pct(gap: f64, base: f64) -> Option<f64> {
    (base.abs() > 1e-9).then(|| (gap / base * 1e4).round() / 100.0)
}

/// Puts `bill` beside `report`, read from `source` for `scope`.
pub fn reconcile(report: &Report, bill: &Bill, scope: &Scope, source: &str) -> ModelVsBill {
    let hours = scope.hours();
    let over_window = |monthly: Usd| monthly.to_f64() * hours / f64::from(HOURS_PER_MONTH);
    let mut services = Vec::new();
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    let (mut fargate_modelled, mut fargate_in_report) = (0.0, Charges::default());

    for s in &report.services {
        seen.insert(s.name.clone());
        let modelled = over_window(s.current_monthly_usd);
        let runs_on = match s.launch_type {
            LaunchType::Fargate | LaunchType::FargateSpot => BilledWhere::Fargate,
            LaunchType::Ec2 => BilledWhere::Ec2,
            LaunchType::ManagedInstances => BilledWhere::ManagedInstances,
        };
        let row = match runs_on {
            BilledWhere::Fargate => {
                fargate_modelled += modelled;
                let c = bill.fargate.get(&s.name).copied().unwrap_or_default();
                fargate_in_report.add(c);
                let gap = c.list - modelled;
                let mut why = if c.list == 0.0 {
                    "no line in the export: the service ran no Fargate task in the window, or its lines carry no aws:ecs:serviceName tag"
                        .to_string()
                } else if pct(gap, modelled).is_some_and(|p| p.abs() < CLOSE_PCT) {
                    "within 1%: the model's per-second billing estimated from 5-minute task counts".to_string()
                } else {
                    "the model estimates task starts and stops (and each start's minimum charge) from 5-minute counts; the bill has every task's seconds".to_string()
                };
                if let Some(spot) = bill.fargate_spot.get(&s.name).filter(|c| c.list > 0.0) {
                    why.push_str(&format!(
                        "; {} of it on Fargate Spot, whose rates float hour by hour",
                        usd(spot.list)
                    ));
                }
                if c.list - c.effective > 0.005 {
                    why.push_str(&format!("; discounts took {} off list", usd(c.list - c.effective)));
                }
                BilledService {
                    name: s.name.clone(),
                    runs_on,
                    modelled_usd: Some(usd(modelled)),
                    list_usd: Some(usd(c.list)),
                    effective_usd: Some(usd(c.effective)),
                    unused_usd: None,
                    gap_usd: Some(usd(gap)),
                    gap_pct: pct(gap, modelled),
                    explanation: why,
                }
            }
            _ if !bill.has_split => BilledService {
                name: s.name.clone(),
                runs_on,
                modelled_usd: Some(usd(modelled)),
                list_usd: None,
                effective_usd: None,
                unused_usd: None,
                gap_usd: None,
                gap_pct: None,
                explanation: "a service on instances is billed per instance: its own share needs CUR 2.0 with split cost allocation data"
                    .into(),
            },
            _ => {
                let sp = bill.split.get(&s.name).copied().unwrap_or_default();
                let gap = sp.split_list - modelled;
                // Managed Instances' fee is on the instances' own lines, not split to the tasks;
                // the model's share includes it.
                let fee_share = if runs_on == BilledWhere::ManagedInstances {
                    let pool = Usd::from_f64(pool_monthly_of(report, Compute::ManagedInstances));
                    let fees: f64 = bill
                        .instances
                        .iter()
                        .filter(|(id, _)| scope.instances.get(*id) == Some(&Pool::ManagedInstances))
                        .map(|(_, c)| c.fee.list)
                        .sum();
                    let pool_over_window = over_window(pool);
                    (pool_over_window > 0.0).then(|| fees * modelled / pool_over_window)
                } else {
                    None
                };
                let fee_words = fee_share.map_or(String::new(), |f| {
                    format!(
                        "; the model's figure includes {} of the Managed Instances fee, which the bill has on the instances' lines, not the tasks'",
                        usd(f)
                    )
                });
                BilledService {
                    name: s.name.clone(),
                    runs_on,
                    modelled_usd: Some(usd(modelled)),
                    list_usd: Some(usd(sp.split_list)),
                    effective_usd: Some(usd(sp.split_effective)),
                    unused_usd: Some(usd(sp.unused_list)),
                    gap_usd: Some(usd(gap)),
                    gap_pct: pct(gap, modelled),
                    explanation: format!(
                        "two ways of sharing an instance: AWS charges each task the larger of what it reserved and what it used, vCPU weighed 9:1 to GB, instance by instance, and adds {} of the instances' unused capacity; the model shares the pool by reservation at Fargate's rates and keeps unused capacity in its idle line{fee_words}",
                        usd(sp.unused_list)
                    ),
                }
            }
        };
        services.push(row);
    }
    // The bill's services the report does not have.
    let mut not_in_snapshot = Vec::new();
    for (name, c) in &bill.fargate {
        if seen.contains(name) {
            continue;
        }
        not_in_snapshot.push((name.clone(), *c, BilledWhere::Fargate));
    }
    for (name, sp) in &bill.split {
        if seen.contains(name) {
            continue;
        }
        not_in_snapshot.push((
            name.clone(),
            Charges {
                list: sp.split_list,
                billed: 0.0,
                effective: sp.split_effective,
            },
            BilledWhere::Ec2,
        ));
    }
    for (name, c, on) in &not_in_snapshot {
        let label = if name.is_empty() {
            "(tasks without an aws:ecs:serviceName tag)".to_string()
        } else {
            name.clone()
        };
        let where_ = if *on == BilledWhere::Fargate { "Fargate" } else { "instances" };
        services.push(BilledService {
            name: label,
            runs_on: BilledWhere::NotInSnapshot,
            modelled_usd: None,
            list_usd: Some(usd(c.list)),
            effective_usd: Some(usd(c.effective)),
            unused_usd: None,
            gap_usd: Some(usd(c.list)),
            gap_pct: None,
            explanation: if name.is_empty() {
                format!("tasks on {where_} whose lines name no service: activate the aws:ecs:serviceName cost allocation tag")
            } else {
                format!("ran on {where_} in the window but is not in the snapshot (deleted before it was collected, or created after): the model does not see it")
            },
        });
    }

    // Fleets.
    let pool_monthly = |kind: Compute| pool_monthly_of(report, kind);
    let pool_idle = |kind: Compute| {
        report
            .cluster
            .pools
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.idle_monthly_usd.to_f64())
            .sum::<f64>()
    };
    let fargate_billed = bill.fargate_total();
    let mut fleets = Vec::new();
    let mut gaps = Vec::new();
    let unknown: f64 = not_in_snapshot
        .iter()
        .filter(|x| x.2 == BilledWhere::Fargate)
        .map(|x| x.1.list)
        .sum();
    if fargate_modelled > 0.0 || fargate_billed.list > 0.0 {
        let gap = fargate_billed.list - fargate_modelled;
        let mut why = format!(
            "the report's Fargate services: modelled {}, billed {} at list",
            usd(fargate_modelled),
            usd(fargate_in_report.list)
        );
        if unknown > 0.0 {
            why.push_str(&format!("; {} for services the snapshot does not have", usd(unknown)));
        }
        fleets.push(fleet("fargate", fargate_modelled, fargate_billed, pct(gap, fargate_modelled), why));
    }
    let mut unused_total = 0.0;
    for (pool, kind, name) in [
        (Pool::Ec2, Compute::Ec2, "ec2"),
        (Pool::ManagedInstances, Compute::ManagedInstances, "managed-instances"),
    ] {
        let modelled = over_window(Usd::from_f64(pool_monthly(kind)));
        let ours: Vec<(&String, &super::InstanceCharges)> = bill
            .instances
            .iter()
            .filter(|(id, _)| scope.instances.get(*id).map_or(pool == Pool::Ec2, |p| *p == pool))
            .collect();
        if modelled == 0.0 && ours.is_empty() {
            continue;
        }
        let mut billed = Charges::default();
        let mut instance_hours = 0.0;
        let mut extra = Charges::default();
        let mut extra_ids = Vec::new();
        for (id, c) in &ours {
            billed.add(c.instance);
            billed.add(c.fee);
            instance_hours += c.hours;
            if !scope.instances.contains_key(*id) {
                extra.add(c.instance);
                extra.add(c.fee);
                extra_ids.push((*id).clone());
            }
        }
        let unused: f64 = bill
            .split
            .iter()
            .filter(|(svc, _)| {
                report.services.iter().any(|s| {
                    &s.name == *svc
                        && matches!(
                            (s.launch_type, pool),
                            (LaunchType::Ec2, Pool::Ec2) | (LaunchType::ManagedInstances, Pool::ManagedInstances)
                        )
                })
            })
            .map(|(_, s)| s.unused_list)
            .sum();
        unused_total += unused;
        let idle = over_window(Usd::from_f64(pool_idle(kind)));
        let mut why = format!(
            "{} instances billed for {:.0} instance-hours; the model prices the snapshot's {} over the window",
            ours.len(),
            instance_hours,
            scope.instances.values().filter(|p| **p == pool).count()
        );
        if bill.has_split {
            why.push_str(&format!(
                "; capacity no task took: {} by AWS's split (charged to the tasks), {} in the model's idle line",
                usd(unused),
                usd(idle)
            ));
        }
        if !extra_ids.is_empty() {
            why.push_str(&format!("; {} for instances the snapshot does not list", usd(extra.list)));
            gaps.push(NamedGap {
                kind: GapKind::InstancesNotInSnapshot,
                usd: usd(extra.list),
                text: format!(
                    "{} {} ran the cluster's tasks but are not in the snapshot ({}): {} at list",
                    extra_ids.len(),
                    if extra_ids.len() == 1 { "instance" } else { "instances" },
                    extra_ids.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                    usd(extra.list)
                ),
            });
        }
        let gap = billed.list - modelled;
        fleets.push(fleet(name, modelled, billed, pct(gap, modelled), why));
    }
    let instances = instances(report, bill, scope, hours);
    let mut total = Charges::default();
    let mut total_modelled = 0.0;
    for f in &fleets {
        total_modelled += f.modelled_usd.to_f64();
        total.add(Charges {
            list: f.list_usd.to_f64(),
            billed: 0.0,
            effective: f.effective_usd.to_f64(),
        });
    }
    let total_gap = total.list - total_modelled;
    let total_row = fleet(
        "total",
        total_modelled,
        total,
        pct(total_gap, total_modelled),
        format!(
            "modelled {}, billed {} at list and {} effective",
            usd(total_modelled),
            usd(total.list),
            usd(total.effective)
        ),
    );

    // Discounts by compute.
    let mut discounts = Vec::new();
    let split_on = |pool: Pool| {
        let mut c = Charges::default();
        for (id, ic) in &bill.instances {
            if scope.instances.get(id).map_or(pool == Pool::Ec2, |p| *p == pool) {
                c.add(ic.instance);
            }
        }
        c
    };
    for (compute, c) in [
        (Compute::Fargate, fargate_billed),
        (Compute::Ec2, split_on(Pool::Ec2)),
        (Compute::ManagedInstances, split_on(Pool::ManagedInstances)),
    ] {
        if c.list <= 0.0 {
            continue;
        }
        discounts.push(Discount {
            compute,
            list_usd: usd(c.list),
            effective_usd: usd(c.effective),
            off_pct: pct(c.list - c.effective, c.list).unwrap_or(0.0),
        });
        if c.list - c.effective > 0.005 {
            let label = match compute {
                Compute::Fargate => "Fargate",
                Compute::Ec2 => "EC2",
                Compute::ManagedInstances => "Managed Instances",
            };
            gaps.push(NamedGap {
                kind: GapKind::Discount,
                usd: usd(c.list - c.effective),
                text: format!(
                    "{label}: Savings Plans, Reserved Instances and credits took {} off list ({} at list, {} effective, {:.1}% off)",
                    usd(c.list - c.effective),
                    usd(c.list),
                    usd(c.effective),
                    pct(c.list - c.effective, c.list).unwrap_or(0.0)
                ),
            });
        }
    }
    for (name, c, _) in &not_in_snapshot {
        gaps.push(NamedGap {
            kind: GapKind::NotInSnapshot,
            usd: usd(c.list),
            text: if name.is_empty() {
                format!("tasks whose lines name no service: {} at list", usd(c.list))
            } else {
                format!("`{name}` is in the bill, not in the snapshot: {} at list", usd(c.list))
            },
        });
    }
    if unused_total > 0.0 {
        gaps.push(NamedGap {
            kind: GapKind::UnusedCapacity,
            usd: usd(unused_total),
            text: format!(
                "instance capacity no task took: {} of the instances' cost, which AWS charges to the tasks on them and the report shows as idle instances",
                usd(unused_total)
            ),
        });
    }
    if bill.outside_window.list > 0.0 {
        gaps.push(NamedGap {
            kind: GapKind::OutsideWindow,
            usd: usd(bill.outside_window.list),
            text: format!(
                "the export's lines of the cluster outside the window ({} to {}): {} at list, not compared",
                scope.start.format("%Y-%m-%d %H:%M"),
                scope.end.format("%Y-%m-%d %H:%M"),
                usd(bill.outside_window.list)
            ),
        });
    }
    let estimate: f64 = services
        .iter()
        .filter(|s| s.runs_on == BilledWhere::Fargate)
        .filter_map(|s| s.gap_usd.map(|g| g.to_f64()))
        .sum();
    if estimate.abs() >= 0.005 {
        gaps.push(NamedGap {
            kind: GapKind::Estimate,
            usd: usd(estimate),
            text: format!(
                "the model's Fargate estimate from 5-minute counts against per-second billing: {} over the report's Fargate services",
                usd(estimate)
            ),
        });
    }
    gaps.sort_by_key(|g| std::cmp::Reverse(g.usd.0.abs()));

    if !bill.has_split
        && report
            .services
            .iter()
            .any(|s| matches!(s.launch_type, LaunchType::Ec2 | LaunchType::ManagedInstances))
    {
        notes.push(match bill.format {
            Some(super::Format::Focus) => "FOCUS exports carry no split cost allocation data: services on instances are reconciled per instance and fleet; per service, export CUR 2.0 with split cost allocation data".into(),
            _ => "the export has no split cost allocation columns: services on instances are reconciled per instance and fleet; turn on split cost allocation data for ECS in the export for per-service figures".into(),
        });
    }
    let off = |c: Compute| discounts.iter().find(|d| d.compute == c).map(|d| d.off_pct);
    if discounts.iter().any(|d| d.off_pct > 0.0) {
        let mut flags = Vec::new();
        if let Some(p) = off(Compute::Fargate) {
            flags.push(format!("--savings-plan-pct {p}"));
        }
        if let Some(p) = off(Compute::Ec2) {
            flags.push(format!("--ec2-discount-pct {p}"));
        }
        notes.push(format!(
            "the figures are at list prices; to price with the discounts this bill shows, run again with {} (from the bill's effective against list cost)",
            flags.join(" ")
        ));
    }
    if bill.fargate.contains_key("") {
        notes.push("some task lines carry no aws:ecs:serviceName tag: activate it as a cost allocation tag in the Billing console to see them per service".into());
    }

    ModelVsBill {
        source: source.to_string(),
        format: match bill.format {
            Some(super::Format::Focus) => "focus".into(),
            _ => "cur2".into(),
        },
        hours,
        read: BillRead {
            files: bill.read.files,
            rows: bill.read.rows,
            row_groups: bill.read.row_groups,
            row_groups_read: bill.read.row_groups_read,
            rows_matched: bill.read.rows_matched,
        },
        services,
        fleets,
        total: total_row,
        instances,
        discounts,
        gaps,
        notes,
    }
}

/// Each instance the snapshot lists and each the bill shows running the cluster's tasks: the
/// model's share of its pool (by list price an hour, every hour of the window) beside its lines.
fn instances(report: &Report, bill: &Bill, scope: &Scope, hours: f64) -> Vec<BilledInstance> {
    let kind = |p: Pool| match p {
        Pool::Ec2 => Compute::Ec2,
        Pool::ManagedInstances => Compute::ManagedInstances,
    };
    // The pool's modelled figure over the window, shared by list price (equally where the
    // catalog has none).
    let weight = |id: &str| scope.types.get(id).and_then(|t| t.1).unwrap_or(1.0);
    let mut weights = std::collections::BTreeMap::new();
    for (id, pool) in &scope.instances {
        *weights.entry(*pool).or_insert(0.0) += weight(id);
    }
    let mut out = Vec::new();
    for (id, pool) in &scope.instances {
        let modelled = pool_monthly_of(report, kind(*pool)) * hours / f64::from(HOURS_PER_MONTH) * weight(id) / weights[pool];
        let c = bill.instances.get(id).cloned().unwrap_or_default();
        let (list, effective) = (c.instance.list + c.fee.list, c.instance.effective + c.fee.effective);
        out.push(BilledInstance {
            id: id.clone(),
            instance_type: scope.types.get(id).map(|t| t.0.clone()),
            fleet: kind(*pool),
            in_snapshot: true,
            hours: c.hours,
            modelled_usd: Some(usd(modelled)),
            list_usd: usd(list),
            effective_usd: usd(effective),
            gap_usd: usd(list - modelled),
        });
    }
    for (id, c) in bill.instances.iter().filter(|(id, _)| !scope.instances.contains_key(*id)) {
        let (list, effective) = (c.instance.list + c.fee.list, c.instance.effective + c.fee.effective);
        out.push(BilledInstance {
            id: id.clone(),
            instance_type: None,
            fleet: Compute::Ec2,
            in_snapshot: false,
            hours: c.hours,
            modelled_usd: None,
            list_usd: usd(list),
            effective_usd: usd(effective),
            gap_usd: usd(list),
        });
    }
    out
}

/// Today's pools of a kind, a month.
fn pool_monthly_of(report: &Report, kind: Compute) -> f64 {
    report
        .cluster
        .pools
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.monthly_usd.to_f64())
        .sum()
}

fn fleet(name: &str, modelled: f64, billed: Charges, gap_pct: Option<f64>, explanation: String) -> BilledFleet {
    BilledFleet {
        fleet: name.into(),
        modelled_usd: usd(modelled),
        list_usd: usd(billed.list),
        effective_usd: usd(billed.effective),
        gap_usd: usd(billed.list - modelled),
        gap_pct,
        explanation,
    }
}

/// Checks a bill has something of the cluster in the window; else says what it does have.
pub fn check(bill: &Bill, scope: &Scope, source: &str) -> Result<(), super::BillError> {
    // The cluster's own task lines; or, where the export has none (instances only, FOCUS), its
    // instances, unless the tasks in it are other clusters' (another account's instance IDs
    // are not this cluster's).
    let tasks = !bill.fargate.is_empty() || !bill.split.is_empty();
    if tasks || (!bill.instances.is_empty() && bill.other_clusters.is_empty()) {
        return Ok(());
    }
    let what = if bill.read.rows == 0 {
        "the export has no rows".to_string()
    } else if !bill.other_clusters.is_empty() {
        format!(
            "no line is of cluster `{}` in {} to {}; its ECS tasks are of {}: pass the export of this cluster's account and month",
            scope.cluster,
            scope.start.format("%Y-%m-%d"),
            scope.end.format("%Y-%m-%d"),
            bill.other_clusters.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        )
    } else {
        match bill.span {
            Some((a, b)) => format!(
                "no line of cluster `{}` in {} to {}; the export covers {} to {}: pass the export of the snapshot's month",
                scope.cluster,
                scope.start.format("%Y-%m-%d"),
                scope.end.format("%Y-%m-%d"),
                a.format("%Y-%m-%d"),
                b.format("%Y-%m-%d")
            ),
            None => format!("no ECS task or EC2 instance line of cluster `{}`", scope.cluster),
        }
    };
    Err(super::BillError::Nothing {
        path: source.to_string(),
        what,
    })
}
