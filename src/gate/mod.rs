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

mod price;
mod rules;
pub mod taskdef;
pub mod terraform;

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
use terraform::{Action, Plan, TaskDefRef};

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

fn family_of(task_definition: &str) -> &str {
    let tail = task_definition.rsplit('/').next().unwrap_or(task_definition);
    tail.split(':').next().unwrap_or(tail)
}

/// Runs the gate: prices the proposal on the current state and checks the rules.
pub fn evaluate(
    current: &[Report],
    baseline: Option<(&[Report], String)>,
    proposal: &Proposal,
    rules: &Rules,
    catalog: &Catalog,
) -> Result<GateReport, GateError> {
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
    let clusters: Vec<Model> = current
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
        .collect::<Result<_, GateError>>()?;
    if let Some((base, what)) = &baseline {
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
    let mut notes = Vec::new();
    let mut changes: BTreeMap<(usize, usize), Change> = BTreeMap::new();
    let find = |name: &str, cluster: Option<&str>| -> Vec<(usize, usize)> {
        clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| cluster.is_none_or(|n| c.report.cluster_name == n))
            .flat_map(|(ci, c)| {
                c.report
                    .services
                    .iter()
                    .enumerate()
                    .filter(move |(_, s)| s.name == name)
                    .map(move |(si, _)| (ci, si))
            })
            .collect()
    };
    let mut new_services: Vec<NewService> = Vec::new();

    // Task definitions by family: files, then the plan's.
    let mut by_family: BTreeMap<String, Declared> = BTreeMap::new();
    for d in &proposal.task_definitions {
        by_family.insert(d.family.clone(), d.clone());
    }
    let mut by_address: BTreeMap<String, Declared> = BTreeMap::new();
    if let Some(plan) = &proposal.plan {
        for t in &plan.task_definitions {
            if let Some(d) = &t.declared {
                by_family.insert(d.family.clone(), d.clone());
                by_address.insert(t.address.clone(), d.clone());
            }
        }
        notes.extend(plan.notes.iter().cloned());
        if !plan.ignored.is_empty() {
            let shown: Vec<&str> = plan.ignored.iter().take(10).map(String::as_str).collect();
            notes.push(format!(
                "{} resources outside ECS in the plan are not priced: {}{}",
                plan.ignored.len(),
                shown.join(", "),
                if plan.ignored.len() > 10 { ", ..." } else { "" }
            ));
        }
    }
    let unpriced = std::cell::RefCell::new(BTreeSet::new());
    let set_shape = |c: &mut Change, d: &Declared, via: &str| {
        if let Some(what) = &d.unpriced {
            unpriced
                .borrow_mut()
                .insert(format!("`{}` ({}) asks for {what}", d.family, d.source));
        }
        c.shape = Some((Shape::of_declared(d), via.to_string()));
    };

    // The plan's services.
    let mut planned_names: BTreeSet<String> = BTreeSet::new();
    if let Some(plan) = &proposal.plan {
        for ps in &plan.services {
            planned_names.insert(ps.name.clone());
            let declared = match &ps.task_definition {
                TaskDefRef::Resource(a) => by_address.get(a).cloned(),
                TaskDefRef::Family(f) => {
                    let d = by_family.get(f).cloned();
                    if d.is_none() && ps.action != Action::Delete {
                        notes.push(format!(
                            "`{}` runs task definition family `{f}`, which the plan does not define: its size is priced as today's",
                            ps.address
                        ));
                    }
                    d
                }
                TaskDefRef::Unchanged | TaskDefRef::Unknown => None,
            };
            let cluster = planned_cluster(plan, ps, clusters.len() == 1);
            let hits = match &cluster {
                PlannedIn::Analysed(name) => find(&ps.name, name.as_deref()),
                PlannedIn::New(_) => Vec::new(),
            };
            if hits.is_empty() {
                if ps.action == Action::Delete {
                    notes.push(format!(
                        "`{}` deletes `{}`, which is not among the analysed services",
                        ps.address, ps.name
                    ));
                    continue;
                }
                let Some(d) = declared.or_else(|| by_family.get(&ps.name).cloned()) else {
                    notes.push(format!(
                        "`{}` creates `{}` with a task definition the plan does not define: not priced",
                        ps.address, ps.name
                    ));
                    continue;
                };
                let desired = ps.desired.unwrap_or(1);
                let cluster = match cluster {
                    PlannedIn::New(name) => name,
                    PlannedIn::Analysed(Some(name)) => name,
                    PlannedIn::Analysed(None) => clusters[0].report.cluster_name.clone(),
                };
                new_services.push(NewService {
                    name: ps.name.clone(),
                    cluster,
                    declared: d,
                    desired,
                    launch_type: ps.launch_type.clone(),
                    strategy: ps.strategy.clone(),
                });
                continue;
            }
            for key in hits {
                let c = changes.entry(key).or_default();
                if ps.action == Action::Delete {
                    c.deleted = true;
                    c.words.push(format!("deleted ({})", ps.address));
                    continue;
                }
                if let Some(d) = &declared {
                    set_shape(c, d, &ps.address);
                }
                if let Some(n) = ps.desired {
                    if ps.daemon {
                        notes.push(format!(
                            "`{}` is a daemon: its desired count follows the instances, not {n}",
                            ps.address
                        ));
                    } else {
                        c.desired = Some(n);
                    }
                }
                if ps.launch_type.is_some() {
                    c.launch_type = ps.launch_type.clone();
                }
                if ps.strategy.is_some() {
                    c.strategy = ps.strategy.clone();
                }
            }
        }
    }

    // A task definition the plan creates that nothing runs costs nothing yet.
    if let Some(plan) = &proposal.plan {
        for t in &plan.task_definitions {
            let Some(d) = &t.declared else { continue };
            let used = clusters
                .iter()
                .any(|c| c.report.services.iter().any(|s| family_of(&s.task_definition) == d.family))
                || plan.services.iter().any(|ps| {
                    ps.task_definition == TaskDefRef::Resource(t.address.clone())
                        || ps.task_definition == TaskDefRef::Family(d.family.clone())
                });
            if !used {
                notes.push(format!(
                    "`{}` defines family `{}`, which no service runs and no planned service uses: not priced",
                    t.address, d.family
                ));
            }
        }
    }

    // Task definition files, by family, unless a named service or the plan says otherwise.
    for d in &proposal.task_definitions {
        let runs: Vec<(usize, usize)> = clusters
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| {
                c.report
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| family_of(&s.task_definition) == d.family)
                    .map(move |(si, _)| (ci, si))
            })
            .collect();
        if runs.is_empty() && !planned_names.contains(&d.family) {
            if clusters.len() != 1 {
                return Err(GateError::Mismatch(format!(
                    "`{}` defines family `{}`, which no service runs: a new service, but in which cluster? Gate one cluster at a time for new services",
                    d.source, d.family
                )));
            }
            let desired = proposal.desired.iter().find(|(n, _)| *n == d.family).map(|(_, n)| *n).unwrap_or(1);
            new_services.push(NewService {
                name: d.family.clone(),
                cluster: clusters[0].report.cluster_name.clone(),
                declared: d.clone(),
                desired,
                launch_type: None,
                strategy: None,
            });
            continue;
        }
        for key in runs {
            let c = changes.entry(key).or_default();
            if c.shape.is_none() {
                set_shape(c, d, &d.source);
            }
        }
    }
    for (name, d) in &proposal.service_task_definitions {
        let hits = find(name, None);
        if hits.is_empty() {
            return Err(GateError::Mismatch(format!(
                "--service {name}=...: no service `{name}` in {}",
                service_names(&clusters)
            )));
        }
        for key in hits {
            set_shape(changes.entry(key).or_default(), d, &d.source);
        }
    }
    for n in &new_services {
        if let Some(what) = &n.declared.unpriced {
            unpriced
                .borrow_mut()
                .insert(format!("`{}` ({}) asks for {what}", n.declared.family, n.declared.source));
        }
    }
    let unpriced = unpriced.into_inner();
    if !unpriced.is_empty() {
        return Err(GateError::NotPriced(unpriced.into_iter().collect::<Vec<_>>().join("; ")));
    }
    let new_names: BTreeSet<String> = new_services.iter().map(|n| n.name.clone()).collect();
    for (name, n) in &proposal.desired {
        let hits = find(name, None);
        if hits.is_empty() {
            if new_names.contains(name) {
                continue;
            }
            return Err(GateError::Mismatch(format!(
                "--set-desired {name}={n}: no service `{name}` in {}",
                service_names(&clusters)
            )));
        }
        for key in hits {
            let s = &clusters[key.0].report.services[key.1];
            if s.scheduling_strategy == crate::report::Scheduling::Daemon {
                return Err(GateError::Mismatch(format!(
                    "--set-desired {name}={n}: `{name}` is a daemon, which runs one task per instance"
                )));
            }
            changes.entry(key).or_default().desired = Some(*n);
        }
    }

    // Price every service: proposed against baseline.
    let base_of = |cluster: &str, name: &str| -> Option<Usd> {
        match &baseline {
            Some((reports, _)) => reports
                .iter()
                .filter(|r| r.cluster_name == cluster)
                .flat_map(|r| r.services.iter())
                .find(|s| s.name == name)
                .map(|s| s.current_monthly_usd),
            None => None,
        }
    };
    let mut results = Vec::new();
    let mut proposed_by: BTreeMap<String, Usd> = BTreeMap::new();
    for (ci, c) in clusters.iter().enumerate() {
        // What the cluster's figure holds beside its services (idle instances) stays as it is.
        let services: Usd = c.report.services.iter().map(|s| s.current_monthly_usd).sum();
        *proposed_by.entry(c.report.cluster_name.clone()).or_default() += c.report.cluster.current_monthly_usd - services;
        for (si, s) in c.report.services.iter().enumerate() {
            let change = changes.remove(&(ci, si)).unwrap_or_default();
            let proposed = if change.is_empty() {
                s.current_monthly_usd
            } else {
                price(s, &change, c)?
            };
            *proposed_by.entry(c.report.cluster_name.clone()).or_default() += proposed;
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
    if let Some((reports, _)) = &baseline {
        for r in reports.iter() {
            for s in &r.services {
                if !current
                    .iter()
                    .any(|c| c.cluster_name == r.cluster_name && c.services.iter().any(|x| x.name == s.name))
                {
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
    }
    results.sort_by(|a, b| {
        b.change_monthly_usd
            .0
            .abs()
            .cmp(&a.change_monthly_usd.0.abs())
            .then(a.name.cmp(&b.name))
    });

    let (base_reports, baseline_words) = match &baseline {
        Some((reports, what)) => (*reports, what.clone()),
        None => (current, "the current state".to_string()),
    };
    let baseline_by: BTreeMap<&str, Usd> = base_reports
        .iter()
        .map(|r| (r.cluster_name.as_str(), r.cluster.current_monthly_usd))
        .collect();
    let baseline_total: Usd = baseline_by.values().copied().sum();
    let proposed_total: Usd = proposed_by.values().copied().sum();
    let cluster_results = cluster_results(&baseline_by, &proposed_by);
    let change = proposed_total - baseline_total;
    let change_pct = (!baseline_total.is_zero()).then(|| {
        (change.0 / baseline_total.0 * Decimal::ONE_HUNDRED)
            .round_dp(2)
            .to_f64()
            .unwrap_or(0.0)
    });
    // With a change (or a baseline) under review, a budget the state already broke before it warns
    // unless the change adds to it; with nothing proposed the state itself is judged.
    let judge_the_change = !rules.strict_budget && (!proposal.is_empty() || baseline.is_some());
    let mut rule_results = Vec::new();
    check_rules(
        &mut rule_results,
        "",
        "total",
        rules.budget_usd,
        rules.max_increase_pct,
        rules.max_increase_usd,
        rules.warn_at_pct,
        Some(baseline_total),
        proposed_total,
        &baseline_words,
        judge_the_change,
    );
    // Several clusters (a plan's new cluster among them): each is judged on its own as well.
    if cluster_results.len() > 1 {
        for c in &cluster_results {
            check_rules(
                &mut rule_results,
                "cluster-",
                &c.name,
                rules.budget_usd,
                // A new cluster has no figure to grow from: its dollars are judged, not a percentage.
                rules.max_increase_pct.filter(|_| !c.new),
                rules.max_increase_usd,
                rules.warn_at_pct,
                Some(c.baseline_monthly_usd.unwrap_or(Usd::ZERO)),
                c.proposed_monthly_usd,
                &baseline_words,
                judge_the_change,
            );
        }
    }
    for (name, r) in &rules.services {
        let row = results.iter().find(|x| x.name == *name);
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
            &mut rule_results,
            "service-",
            name,
            r.budget_usd,
            r.max_increase_pct,
            r.max_increase_usd,
            rules.warn_at_pct,
            base,
            proposed,
            &baseline_words,
            judge_the_change,
        );
    }
    let verdict = rule_results.iter().map(|r| r.outcome).max().unwrap_or(Verdict::Pass);
    Ok(GateReport {
        verdict,
        baseline_monthly_usd: baseline_total,
        proposed_monthly_usd: proposed_total,
        change_monthly_usd: change,
        change_pct,
        baseline: baseline_words,
        discounts: current.first().map(|r| r.assumptions.discounts.describe()).unwrap_or_default(),
        rules: rule_results,
        clusters: cluster_results,
        services: results,
        notes,
    })
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

/// A service the proposal creates.
struct NewService {
    name: String,
    cluster: String,
    declared: Declared,
    desired: u32,
    launch_type: Option<String>,
    strategy: Option<Vec<terraform::Strategy>>,
}

/// Where a planned service runs, as far as the gate can tell.
enum PlannedIn {
    /// An existing cluster by name, or (none) the one analysed cluster, when the plan leaves it
    /// unknown and creates no cluster.
    Analysed(Option<String>),
    /// A cluster that is not among the analysed: one the plan creates, or one known only after
    /// apply while the plan creates clusters. Its own cluster in every figure and rule.
    New(String),
}

fn planned_cluster(plan: &Plan, ps: &terraform::PlannedService, one_analysed: bool) -> PlannedIn {
    use terraform::ClusterRef;
    match &ps.cluster {
        Some(ClusterRef::Name(n)) => match plan.new_clusters.iter().find(|c| c.name == *n) {
            Some(c) => PlannedIn::New(c.name.clone()),
            None => PlannedIn::Analysed(Some(n.clone())),
        },
        Some(ClusterRef::Resource(address)) => match plan.new_clusters.iter().find(|c| c.address == *address) {
            Some(c) => PlannedIn::New(c.name.clone()),
            // A cluster the configuration manages but does not create: its name is not in the plan.
            None => PlannedIn::New(format!("{address} (name known after apply)")),
        },
        None if one_analysed && plan.new_clusters.is_empty() => PlannedIn::Analysed(None),
        None => PlannedIn::New("(cluster known after apply)".into()),
    }
}

fn list(names: &BTreeSet<&str>) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn service_names(clusters: &[Model]) -> String {
    let names: Vec<String> = clusters
        .iter()
        .flat_map(|c| c.report.services.iter().map(|s| s.name.clone()))
        .take(40)
        .collect();
    format!("the analysed clusters; they run: {}", names.join(", "))
}
