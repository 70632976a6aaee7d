//! The CI budget gate: a proposed change (task definitions, desired counts, a Terraform plan)
//! becomes a change of state, priced by the engine's own cost model (`recommend::cost`) from the
//! report's cost basis, then checked against budget rules. A breach is a verdict (exit 1), not an
//! error; an input the gate cannot read is an error with its own exit code.
//!
//! Each changed service's state before and after is priced by the rules today's cost is computed
//! with, and the change is the difference (a state identical to today's adds exactly nothing):
//! - on Fargate, its billed task-seconds (scaled by a new count over today's average) at its
//!   size's rates, on demand and on Spot as ECS's placement of its strategy splits each count;
//! - on instances of the kind it runs on today, its reserved units at today's pool cost per unit
//!   (the pool follows what it holds); joining another kind, its share of the engine's simulated
//!   fleet of that kind; with neither, Fargate's x86 rate for its reservation, said in a note;
//! - a new service runs its desired count (default 1) all month at its declared size, in its own
//!   cluster when the plan puts it in a new one; a deleted one costs nothing.
//!
//! This module only says what changes (`price::Change`, new services, new clusters) and judges
//! the rules (`rules`); it knows no rate, Spot share or placement rule.

mod patch;
mod price;
mod rules;
pub mod taskdef;
pub mod terraform;

use patch::Patch;
use price::{price, price_new, Change, Model, Shape};
use rules::check_rules;
pub use rules::{RuleResult, Rules, ServiceRules, Verdict};

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use thiserror::Error;

use crate::money::Usd;
use crate::pricing::Catalog;
use crate::report::Report;
use taskdef::Declared;
use terraform::Plan;

#[derive(Debug, Error)]
pub enum GateError {
    #[error("`{file}` {message}")]
    Input { file: String, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Mismatch(String),
    #[error(transparent)]
    Pricing(#[from] crate::pricing::PricingError),
    /// A proposal asks for what the engine does not price: priced without it, the figure would
    /// be too low to judge.
    #[error("not priced: {0}; ecs-advisor prices CPU, memory, storage and instances, not these, so the figure would leave them out")]
    NotPriced(String),
}

/// What a pull request proposes.
#[derive(Clone, Debug, Default)]
pub struct Proposal {
    /// Applied to the services whose task definition family they name; a family no service runs
    /// is a new service.
    pub task_definitions: Vec<Declared>,
    /// `--service NAME=FILE`: a task definition for a named service.
    pub service_task_definitions: Vec<(String, Declared)>,
    /// `--set-desired NAME=N`.
    pub desired: Vec<(String, u32)>,
    pub plan: Option<Plan>,
}

impl Proposal {
    pub fn is_empty(&self) -> bool {
        self.task_definitions.is_empty() && self.service_task_definitions.is_empty() && self.desired.is_empty() && self.plan.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceResult {
    pub name: String,
    pub cluster: String,
    /// Null for a new service.
    pub baseline_monthly_usd: Option<Usd>,
    pub proposed_monthly_usd: Usd,
    pub change_monthly_usd: Usd,
    pub new: bool,
    pub removed: bool,
    /// What changed, in words.
    pub changes: Vec<String>,
}

/// One cluster's figures: an analysed one, or one the proposal creates (`new`, no baseline).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterResult {
    pub name: String,
    pub new: bool,
    /// Null for a new cluster.
    pub baseline_monthly_usd: Option<Usd>,
    pub proposed_monthly_usd: Usd,
    pub change_monthly_usd: Usd,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateReport {
    pub verdict: Verdict,
    pub baseline_monthly_usd: Usd,
    pub proposed_monthly_usd: Usd,
    pub change_monthly_usd: Usd,
    /// Null when the baseline is zero.
    pub change_pct: Option<f64>,
    /// What the baseline is: the current state, or a saved report.
    pub baseline: String,
    /// The discounts the figures carry.
    pub discounts: String,
    pub rules: Vec<RuleResult>,
    /// Each cluster's total: those analysed and those the proposal creates, by name.
    pub clusters: Vec<ClusterResult>,
    /// Every service whose monthly figure differs from the baseline, the largest change first.
    pub services: Vec<ServiceResult>,
    pub notes: Vec<String>,
}

impl GateReport {
    /// One line for standard error: the verdict, the figure, the limit and the rule.
    pub fn verdict_line(&self) -> String {
        let fired: Vec<&str> = self
            .rules
            .iter()
            .filter(|r| r.outcome == self.verdict)
            .map(|r| r.message.as_str())
            .collect();
        match self.verdict {
            Verdict::Pass => format!(
                "gate: PASS: proposed {} a month ({} on {}); {}",
                self.proposed_monthly_usd,
                signed(self.change_monthly_usd),
                self.baseline,
                fired.join("; ")
            ),
            v => {
                let largest = self
                    .services
                    .first()
                    .map(|s| {
                        format!(
                            "; largest change: `{}` {} a month ({})",
                            s.name,
                            signed(s.change_monthly_usd),
                            s.changes.join("; ")
                        )
                    })
                    .unwrap_or_default();
                format!("gate: {}: {}{largest}", v.as_str().to_uppercase(), fired.join("; "))
            }
        }
    }
}

pub fn signed(u: Usd) -> String {
    if u.0.is_sign_negative() && !u.cents().is_zero() {
        format!("-{}", Usd(-u.0))
    } else {
        format!("+{u}")
    }
}

/// Runs the gate: the proposal as a patch on the current state, priced by the engine's cost model,
/// then the rules judged. Stages: [`check_inputs`], [`models`], [`Patch::of`], [`price_all`],
/// [`judge`].
pub fn evaluate(
    current: &[Report],
    baseline: Option<(&[Report], String)>,
    proposal: &Proposal,
    rules: &Rules,
    catalog: &Catalog,
) -> Result<GateReport, GateError> {
    check_inputs(current, baseline.as_ref(), proposal, rules)?;
    let clusters = models(current, proposal, catalog)?;
    let patch = Patch::of(&clusters, proposal)?;
    let base = baseline.as_ref().map(|(r, _)| *r);
    let mut priced = price_all(&clusters, patch, base)?;
    let (base_reports, baseline_words) = match &baseline {
        Some((reports, what)) => (*reports, what.clone()),
        None => (current, "the current state".to_string()),
    };
    // With a change (or a baseline) under review, a budget the state already broke before it warns
    // unless the change adds to it; with nothing proposed the state itself is judged.
    let judge_the_change = !rules.strict_budget && (!proposal.is_empty() || baseline.is_some());
    let judged = judge(rules, base_reports, current, &priced, &baseline_words, judge_the_change);
    priced.notes.extend(judged.notes);
    Ok(GateReport {
        verdict: judged.verdict,
        baseline_monthly_usd: judged.baseline_total,
        proposed_monthly_usd: judged.proposed_total,
        change_monthly_usd: judged.proposed_total - judged.baseline_total,
        change_pct: judged.change_pct,
        baseline: baseline_words,
        discounts: current.first().map(|r| r.assumptions.discounts.describe()).unwrap_or_default(),
        rules: judged.rules,
        clusters: judged.clusters,
        services: priced.results,
        notes: priced.notes,
    })
}

/// Rules to check, and a baseline of the same clusters when the rules need one.
fn check_inputs(current: &[Report], baseline: Option<&(&[Report], String)>, proposal: &Proposal, rules: &Rules) -> Result<(), GateError> {
    if rules.is_empty() {
        return Err(GateError::Usage(
            "no rule to check: give --budget, --max-increase, --max-increase-usd, or [gate] rules in the --config file".into(),
        ));
    }
    if rules.needs_baseline() && baseline.is_none() && proposal.is_empty() {
        return Err(GateError::Usage(
            "--max-increase and --max-increase-usd compare with a baseline: propose a change (--task-definition, --service, --set-desired, --terraform-plan) or give --baseline REPORT.json".into(),
        ));
    }
    if let Some((base, what)) = baseline {
        let ours: BTreeSet<&str> = current.iter().map(|r| r.cluster_name.as_str()).collect();
        let theirs: BTreeSet<&str> = base.iter().map(|r| r.cluster_name.as_str()).collect();
        if ours != theirs {
            return Err(GateError::Mismatch(format!(
                "the baseline {what} is of {}, the gate prices {}: give the same cluster's report",
                list(&theirs),
                list(&ours)
            )));
        }
    }
    Ok(())
}

/// Each analysed cluster as the cost model sees it: its report, its region's (discounted) rates,
/// its Managed Instances providers with those the plan creates.
fn models<'a>(current: &'a [Report], proposal: &Proposal, catalog: &Catalog) -> Result<Vec<Model<'a>>, GateError> {
    current
        .iter()
        .map(|r| {
            let priced = catalog.discounted(&r.assumptions.discounts);
            let planned = proposal.plan.iter().flat_map(|p| p.managed_instances_providers.iter());
            Ok(Model {
                report: r,
                rates: priced.region(&r.region)?.fargate.clone(),
                managed: r.cluster.managed_instances_providers.iter().chain(planned).cloned().collect(),
            })
        })
        .collect()
}

/// Every service priced: the rows that differ from the baseline (largest change first), each
/// cluster's proposed total, and notes.
struct Priced {
    results: Vec<ServiceResult>,
    proposed_by: BTreeMap<String, Usd>,
    notes: Vec<String>,
}

fn price_all(clusters: &[Model], patch: Patch, baseline: Option<&[Report]>) -> Result<Priced, GateError> {
    let Patch {
        mut changes,
        new_services,
        mut notes,
    } = patch;
    let base_of = |cluster: &str, name: &str| -> Option<Usd> {
        baseline?
            .iter()
            .filter(|r| r.cluster_name == cluster)
            .flat_map(|r| r.services.iter())
            .find(|s| s.name == name)
            .map(|s| s.current_monthly_usd)
    };
    let mut results = Vec::new();
    let mut proposed_by: BTreeMap<String, Usd> = BTreeMap::new();
    for (ci, c) in clusters.iter().enumerate() {
        // What the cluster's figure holds beside its services (idle instances) stays as it is: the
        // proposal is today's figure plus each service's change (an unchanged one adds exactly 0).
        *proposed_by.entry(c.report.cluster_name.clone()).or_default() += c.report.cluster.current_monthly_usd;
        for (si, s) in c.report.services.iter().enumerate() {
            let change = changes.remove(&(ci, si)).unwrap_or_default();
            let proposed = if change.is_empty() {
                s.current_monthly_usd
            } else {
                price(s, &change, c)?
            };
            *proposed_by.entry(c.report.cluster_name.clone()).or_default() += proposed - s.current_monthly_usd;
            let base = if baseline.is_some() {
                base_of(&c.report.cluster_name, &s.name)
            } else {
                Some(s.current_monthly_usd)
            };
            let mut words = change.words.clone();
            words.extend(change_words(s, &change));
            if base != Some(proposed) || !words.is_empty() {
                results.push(ServiceResult {
                    name: s.name.clone(),
                    cluster: c.report.cluster_name.clone(),
                    baseline_monthly_usd: base,
                    proposed_monthly_usd: proposed,
                    change_monthly_usd: proposed - base.unwrap_or(Usd::ZERO),
                    new: false,
                    removed: change.deleted,
                    changes: words,
                });
            }
        }
    }
    for n in &new_services {
        let (name, cluster, d, desired) = (&n.name, &n.cluster, &n.declared, &n.desired);
        // In an analysed cluster, among its instances; in a new one, in the first's region.
        let (model, own) = match clusters.iter().find(|c| c.report.cluster_name == *cluster) {
            Some(m) => (m, true),
            None => (&clusters[0], false),
        };
        let (cost, note) = price_new(d, *desired, n.launch_type.as_deref(), n.strategy.as_deref(), model, own)?;
        notes.extend(note);
        notes.push(format!(
            "`{name}` is a new service with no usage history: priced at its declared {} with {desired} task{} all month",
            Shape::of_declared(d).words(),
            if *desired == 1 { "" } else { "s" }
        ));
        *proposed_by.entry(cluster.clone()).or_default() += cost;
        results.push(ServiceResult {
            name: name.clone(),
            cluster: cluster.clone(),
            baseline_monthly_usd: None,
            proposed_monthly_usd: cost,
            change_monthly_usd: cost,
            new: true,
            removed: false,
            changes: vec![format!("new service: {} ({})", Shape::of_declared(d).words(), d.source)],
        });
    }
    // Services of the baseline that are gone now.
    for r in baseline.unwrap_or_default() {
        for s in &r.services {
            let here = clusters
                .iter()
                .any(|c| c.report.cluster_name == r.cluster_name && c.report.services.iter().any(|x| x.name == s.name));
            if !here {
                results.push(ServiceResult {
                    name: s.name.clone(),
                    cluster: r.cluster_name.clone(),
                    baseline_monthly_usd: Some(s.current_monthly_usd),
                    proposed_monthly_usd: Usd::ZERO,
                    change_monthly_usd: Usd::ZERO - s.current_monthly_usd,
                    new: false,
                    removed: true,
                    changes: vec!["not in the current state".into()],
                });
            }
        }
    }
    results.sort_by(|a, b| {
        b.change_monthly_usd
            .0
            .abs()
            .cmp(&a.change_monthly_usd.0.abs())
            .then(a.name.cmp(&b.name))
    });
    Ok(Priced {
        results,
        proposed_by,
        notes,
    })
}

/// The rules judged: the total, each cluster when there are several, each service with rules.
struct Judged {
    verdict: Verdict,
    baseline_total: Usd,
    proposed_total: Usd,
    change_pct: Option<f64>,
    rules: Vec<RuleResult>,
    clusters: Vec<ClusterResult>,
    notes: Vec<String>,
}

fn judge(
    rules: &Rules,
    base_reports: &[Report],
    current: &[Report],
    priced: &Priced,
    baseline_words: &str,
    judge_the_change: bool,
) -> Judged {
    let baseline_by: BTreeMap<&str, Usd> = base_reports
        .iter()
        .map(|r| (r.cluster_name.as_str(), r.cluster.current_monthly_usd))
        .collect();
    let baseline_total: Usd = baseline_by.values().copied().sum();
    let proposed_total: Usd = priced.proposed_by.values().copied().sum();
    let clusters = cluster_results(&baseline_by, &priced.proposed_by);
    let change = proposed_total - baseline_total;
    let change_pct = (!baseline_total.is_zero()).then(|| {
        (change.0 / baseline_total.0 * Decimal::ONE_HUNDRED)
            .round_dp(2)
            .to_f64()
            .unwrap_or(0.0)
    });
    let mut out = Vec::new();
    let mut notes = Vec::new();
    check_rules(
        &mut out,
        "",
        "total",
        rules.budget_usd,
        rules.max_increase_pct,
        rules.max_increase_usd,
        rules.warn_at_pct,
        Some(baseline_total),
        proposed_total,
        baseline_words,
        judge_the_change,
    );
    // Several clusters (a plan's new cluster among them): each is judged on its own as well.
    if clusters.len() > 1 {
        for c in &clusters {
            check_rules(
                &mut out,
                "cluster-",
                &c.name,
                rules.budget_usd,
                // A new cluster has no figure to grow from: its dollars are judged, not a percentage.
                rules.max_increase_pct.filter(|_| !c.new),
                rules.max_increase_usd,
                rules.warn_at_pct,
                Some(c.baseline_monthly_usd.unwrap_or(Usd::ZERO)),
                c.proposed_monthly_usd,
                baseline_words,
                judge_the_change,
            );
        }
    }
    for (name, r) in &rules.services {
        let row = priced.results.iter().find(|x| x.name == *name);
        let (base, proposed) = match row {
            Some(x) => (x.baseline_monthly_usd, x.proposed_monthly_usd),
            None => match current.iter().flat_map(|c| c.services.iter()).find(|s| s.name == *name) {
                Some(s) => (Some(s.current_monthly_usd), s.current_monthly_usd),
                None => {
                    notes.push(format!("the config's rules for `{name}` match no service"));
                    continue;
                }
            },
        };
        check_rules(
            &mut out,
            "service-",
            name,
            r.budget_usd,
            r.max_increase_pct,
            r.max_increase_usd,
            rules.warn_at_pct,
            base,
            proposed,
            baseline_words,
            judge_the_change,
        );
    }
    Judged {
        verdict: out.iter().map(|r| r.outcome).max().unwrap_or(Verdict::Pass),
        baseline_total,
        proposed_total,
        change_pct,
        rules: out,
        clusters,
        notes,
    }
}

/// Each cluster's figures, before and after: those of the baseline and those the proposal adds.
fn cluster_results(baseline: &BTreeMap<&str, Usd>, proposed: &BTreeMap<String, Usd>) -> Vec<ClusterResult> {
    let names: BTreeSet<&str> = baseline.keys().copied().chain(proposed.keys().map(String::as_str)).collect();
    names
        .into_iter()
        .map(|name| {
            let before = baseline.get(name).copied();
            let after = proposed.get(name).copied().unwrap_or(Usd::ZERO);
            ClusterResult {
                name: name.to_string(),
                new: before.is_none(),
                baseline_monthly_usd: before,
                proposed_monthly_usd: after,
                change_monthly_usd: after - before.unwrap_or(Usd::ZERO),
            }
        })
        .collect()
}

/// What a change does to a service, attribute by attribute, each in full: CPU and memory,
/// ephemeral storage, operating system, architecture, desired count, launch type, strategy.
fn change_words(s: &crate::report::ServiceReport, change: &Change) -> Vec<String> {
    let mut words = Vec::new();
    if let Some((shape, via)) = &change.shape {
        let today = Shape::of(s);
        if (shape.cpu_units, shape.memory_mib) != (today.cpu_units, today.memory_mib) {
            words.push(format!("task size {} -> {} ({via})", today.words(), shape.words()));
        }
        if shape.storage_gib != today.storage_gib {
            words.push(format!(
                "ephemeral storage {} GiB -> {} GiB ({via})",
                today.storage_gib, shape.storage_gib
            ));
        }
        let os = |p: crate::domain::Platform| {
            if p == crate::domain::Platform::Windows {
                "Windows"
            } else {
                "Linux"
            }
        };
        let arch = |p: crate::domain::Platform| {
            if p == crate::domain::Platform::LinuxArm {
                "arm64"
            } else {
                "x86_64"
            }
        };
        if os(shape.platform) != os(today.platform) {
            words.push(format!("operating system {} -> {} ({via})", os(today.platform), os(shape.platform)));
        }
        if arch(shape.platform) != arch(today.platform) {
            words.push(format!("architecture {} -> {} ({via})", arch(today.platform), arch(shape.platform)));
        }
    }
    if let Some(n) = change.desired {
        words.push(format!("desired {n} tasks (averaged {:.2})", s.usage.average_tasks));
    }
    if let Some(l) = &change.launch_type {
        words.push(format!("launch type {} -> {l}", s.launch_type.as_str()));
    }
    if let Some(st) = &change.strategy {
        let parts: Vec<String> = st
            .iter()
            .map(|x| format!("{} base {} weight {}", x.capacity_provider, x.base, x.weight))
            .collect();
        words.push(format!("capacity provider strategy: {}", parts.join(", ")));
    }
    words
}

fn list(names: &BTreeSet<&str>) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Platform;
    use crate::recommend::tests::{analyze, service, steady, task_definition};
    use crate::snapshot::inventory::{CapacityProviderStrategyItem, LaunchType};

    /// Two tasks of 1 vCPU / 2 GiB on Fargate all month in us-east-1: 2 x (0.04048 + 2 x
    /// 0.004445) x 730 = $72.08; and the same on a Spot strategy with base 1 on FARGATE.
    fn cluster(name: &str) -> Report {
        let mut spot = service("spot", None, 2);
        spot.capacity_provider_strategy = vec![
            CapacityProviderStrategyItem {
                capacity_provider: "FARGATE".into(),
                base: 1,
                weight: 0,
            },
            CapacityProviderStrategyItem {
                capacity_provider: "FARGATE_SPOT".into(),
                base: 0,
                weight: 1,
            },
        ];
        let mut s = steady(
            vec![
                (service("app", Some(LaunchType::Fargate), 2), task_definition("app", 1024, 2048)),
                (spot, task_definition("spot", 1024, 2048)),
            ],
            0.9,
        );
        s.manifest.cluster = name.into();
        analyze(&s)
    }

    fn rules(budget: f64) -> Rules {
        Rules {
            budget_usd: Some(budget),
            max_increase_pct: Some(10.0),
            ..Rules::default()
        }
    }

    fn gate(r: &Report, proposal: &Proposal, rules: &Rules) -> GateReport {
        evaluate(std::slice::from_ref(r), None, proposal, rules, &Catalog::bundled().unwrap()).unwrap()
    }

    #[test]
    fn doubling_a_steady_fargate_service_doubles_its_cost_by_hand() {
        let r = cluster("c");
        let app = &r.services[0];
        assert_eq!(app.current_monthly_usd.cents().to_string(), "$72.08");
        let g = gate(
            &r,
            &Proposal {
                desired: vec![("app".into(), 4)],
                ..Proposal::default()
            },
            &rules(1000.0),
        );
        assert_eq!(g.services[0].proposed_monthly_usd.cents().to_string(), "$144.16");
        assert_eq!(g.change_monthly_usd.cents().to_string(), "$72.08");
    }

    /// A service resized mid-window (`api`: 1 vCPU / 4 GiB for 15 days, then 0.5 vCPU / 2 GiB):
    /// today is what it ran ($95.69); a change is measured going forward, on the size it runs now
    /// all window ($63.79), so declaring that size again adds nothing.
    #[test]
    fn a_service_resized_mid_window_gates_from_what_it_ran_and_changes_from_what_it_runs_now() {
        let r = analyze(&crate::recommend::revision_tests::resized_mid_month());
        assert_eq!(r.services[0].current_monthly_usd.cents().to_string(), "$95.69");
        let declare = |cpu_units, memory_mib| Proposal {
            task_definitions: vec![Declared {
                family: "api".into(),
                cpu_units,
                memory_mib,
                platform: Platform::LinuxX86,
                storage_gib: 20,
                fargate: true,
                source: "api.json".into(),
                unpriced: None,
            }],
            ..Proposal::default()
        };
        let same = gate(&r, &declare(512, 2048), &rules(1000.0));
        assert_eq!(same.change_monthly_usd.cents().to_string(), "$0.00");
        // 0.25 vCPU / 1 GiB all window: 3 x 730 x (0.25 x 0.04048 + 0.004445) = $31.90, $31.90
        // less than the $63.79 it runs now.
        let smaller = gate(&r, &declare(256, 1024), &rules(1000.0));
        assert_eq!(smaller.change_monthly_usd.cents().to_string(), "-$31.90");
        assert_eq!(smaller.services[0].proposed_monthly_usd.cents().to_string(), "$63.79");
    }

    /// Moving the Spot mix to plain FARGATE: the Spot task's hours move to the on-demand rate.
    #[test]
    fn a_strategy_moved_to_on_demand_prices_the_spot_tasks_at_on_demand() {
        let r = cluster("c");
        let spot = &r.services[1];
        // One task on demand by the base, one on Spot.
        assert_eq!(spot.spot_share_pct, Some(50.0));
        let plan = Plan {
            services: vec![terraform::PlannedService {
                address: "aws_ecs_service.spot".into(),
                action: terraform::Action::Update,
                name: "spot".into(),
                cluster: Some(terraform::ClusterRef::Name("c".into())),
                desired: None,
                launch_type: Some("FARGATE".into()),
                strategy: Some(vec![]),
                task_definition: terraform::TaskDefRef::Unchanged,
                daemon: false,
            }],
            ..Plan::default()
        };
        let g = gate(
            &r,
            &Proposal {
                plan: Some(plan),
                ..Proposal::default()
            },
            &rules(1000.0),
        );
        let row = g.services.iter().find(|s| s.name == "spot").unwrap();
        assert_eq!(row.proposed_monthly_usd.cents().to_string(), "$72.08", "both tasks on demand");
        assert!(
            row.changes.iter().any(|w| w.starts_with("launch type FARGATE+SPOT -> FARGATE")),
            "{:?}",
            row.changes
        );
    }

    #[test]
    fn with_several_clusters_each_is_judged_and_named() {
        let (a, b) = (cluster("a"), cluster("b"));
        let reports = [a, b];
        let g = evaluate(
            &reports,
            None,
            &Proposal {
                desired: vec![("app".into(), 4)],
                ..Proposal::default()
            },
            &rules(300.0),
            &Catalog::bundled().unwrap(),
        )
        .unwrap();
        assert_eq!(g.clusters.len(), 2);
        let scopes: Vec<(&str, &str)> = g.rules.iter().map(|r| (r.rule.as_str(), r.scope.as_str())).collect();
        for want in [
            ("budget", "total"),
            ("cluster-budget", "a"),
            ("cluster-budget", "b"),
            ("cluster-max-increase-pct", "a"),
        ] {
            assert!(scopes.contains(&want), "{want:?} in {scopes:?}");
        }
        let a_budget = g.rules.iter().find(|r| r.rule == "cluster-budget" && r.scope == "a").unwrap();
        assert!(a_budget.message.starts_with("cluster `a`: "), "{}", a_budget.message);
    }

    #[test]
    fn a_service_in_a_cluster_the_plan_creates_is_that_clusters() {
        let plan = Plan {
            new_clusters: vec![terraform::NewCluster {
                address: "aws_ecs_cluster.falcon".into(),
                name: "falcon".into(),
            }],
            ..Plan::default()
        };
        let ps = |cluster| terraform::PlannedService {
            address: "aws_ecs_service.x".into(),
            action: terraform::Action::Create,
            name: "x".into(),
            cluster,
            desired: None,
            launch_type: None,
            strategy: None,
            task_definition: terraform::TaskDefRef::Unknown,
            daemon: false,
        };
        let at = |c| match patch::planned_cluster(&plan, &ps(c), true) {
            patch::PlannedIn::New(n) => format!("new {n}"),
            patch::PlannedIn::Analysed(n) => format!("analysed {n:?}"),
        };
        use terraform::ClusterRef::{Name, Resource};
        assert_eq!(at(Some(Resource("aws_ecs_cluster.falcon".into()))), "new falcon");
        assert_eq!(at(Some(Name("falcon".into()))), "new falcon");
        assert_eq!(at(Some(Name("prod".into()))), "analysed Some(\"prod\")");
        assert_eq!(
            at(None),
            "new (cluster known after apply)",
            "the plan creates a cluster: not the analysed one"
        );
        let no_new = Plan::default();
        assert!(matches!(
            patch::planned_cluster(&no_new, &ps(None), true),
            patch::PlannedIn::Analysed(None)
        ));
    }
}
