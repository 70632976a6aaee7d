//! A proposal as a patch on the analysed state: which services change and how (`Change`), which
//! are new (and in which cluster), and notes on what is not priced. One stage per source of
//! change, in the order that decides who wins: the Terraform plan, then task definition files by
//! family, `--service`, and `--set-desired`.

use std::collections::{BTreeMap, BTreeSet};

use super::price::{Change, Model, Shape};
use super::taskdef::Declared;
use super::terraform::{self, Action, Plan, TaskDefRef};
use super::{GateError, Proposal};

/// What the proposal does to the analysed state.
#[derive(Default)]
pub(super) struct Patch {
    /// By (cluster, service) index in the analysed reports.
    pub(super) changes: BTreeMap<(usize, usize), Change>,
    pub(super) new_services: Vec<NewService>,
    pub(super) notes: Vec<String>,
}

/// The proposal's task definitions: by family (files, then the plan's) and by plan address.
struct Definitions {
    by_family: BTreeMap<String, Declared>,
    by_address: BTreeMap<String, Declared>,
}

impl Patch {
    pub(super) fn of(clusters: &[Model], proposal: &Proposal) -> Result<Patch, GateError> {
        let mut p = Patch::default();
        let defs = p.definitions(proposal);
        let mut unpriced = BTreeSet::new();
        let planned = match &proposal.plan {
            Some(plan) => {
                let planned = p.plan_services(clusters, plan, &defs, &mut unpriced);
                p.unused_plan_definitions(clusters, plan);
                planned
            }
            None => BTreeSet::new(),
        };
        p.definition_files(clusters, proposal, &planned, &mut unpriced)?;
        p.named_services(clusters, proposal, &mut unpriced)?;
        for n in &p.new_services {
            if let Some(what) = &n.declared.unpriced {
                unpriced.insert(format!("`{}` ({}) asks for {what}", n.declared.family, n.declared.source));
            }
        }
        if !unpriced.is_empty() {
            return Err(GateError::NotPriced(unpriced.into_iter().collect::<Vec<_>>().join("; ")));
        }
        p.desired_counts(clusters, proposal)?;
        Ok(p)
    }

    fn definitions(&mut self, proposal: &Proposal) -> Definitions {
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
            self.notes.extend(plan.notes.iter().cloned());
            if !plan.ignored.is_empty() {
                let shown: Vec<&str> = plan.ignored.iter().take(10).map(String::as_str).collect();
                self.notes.push(format!(
                    "{} resources outside ECS in the plan are not priced: {}{}",
                    plan.ignored.len(),
                    shown.join(", "),
                    if plan.ignored.len() > 10 { ", ..." } else { "" }
                ));
            }
        }
        Definitions { by_family, by_address }
    }

    /// The plan's services: changed, deleted or new. Returns the names it plans.
    fn plan_services(&mut self, clusters: &[Model], plan: &Plan, defs: &Definitions, unpriced: &mut BTreeSet<String>) -> BTreeSet<String> {
        let mut planned_names = BTreeSet::new();
        for ps in &plan.services {
            planned_names.insert(ps.name.clone());
            let declared = match &ps.task_definition {
                TaskDefRef::Resource(a) => defs.by_address.get(a).cloned(),
                TaskDefRef::Family(f) => {
                    let d = defs.by_family.get(f).cloned();
                    if d.is_none() && ps.action != Action::Delete {
                        self.notes.push(format!(
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
                PlannedIn::Analysed(name) => find(clusters, &ps.name, name.as_deref()),
                PlannedIn::New(_) => Vec::new(),
            };
            if hits.is_empty() {
                self.new_from_plan(clusters, ps, declared.or_else(|| defs.by_family.get(&ps.name).cloned()), cluster);
                continue;
            }
            for key in hits {
                let c = self.changes.entry(key).or_default();
                if ps.action == Action::Delete {
                    c.deleted = true;
                    c.words.push(format!("deleted ({})", ps.address));
                    continue;
                }
                if let Some(d) = &declared {
                    set_shape(c, d, &ps.address, unpriced);
                }
                if let Some(n) = ps.desired {
                    if ps.daemon {
                        self.notes.push(format!(
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
        planned_names
    }

    /// A planned service no analysed cluster runs: new, unless the plan deletes it.
    fn new_from_plan(&mut self, clusters: &[Model], ps: &terraform::PlannedService, declared: Option<Declared>, cluster: PlannedIn) {
        if ps.action == Action::Delete {
            self.notes.push(format!(
                "`{}` deletes `{}`, which is not among the analysed services",
                ps.address, ps.name
            ));
            return;
        }
        let Some(d) = declared else {
            self.notes.push(format!(
                "`{}` creates `{}` with a task definition the plan does not define: not priced",
                ps.address, ps.name
            ));
            return;
        };
        let cluster = match cluster {
            PlannedIn::New(name) => name,
            PlannedIn::Analysed(Some(name)) => name,
            PlannedIn::Analysed(None) => clusters[0].report.cluster_name.clone(),
        };
        self.new_services.push(NewService {
            name: ps.name.clone(),
            cluster,
            declared: d,
            desired: ps.desired.unwrap_or(1),
            launch_type: ps.launch_type.clone(),
            strategy: ps.strategy.clone(),
        });
    }

    /// A task definition the plan creates that nothing runs costs nothing yet.
    fn unused_plan_definitions(&mut self, clusters: &[Model], plan: &Plan) {
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
                self.notes.push(format!(
                    "`{}` defines family `{}`, which no service runs and no planned service uses: not priced",
                    t.address, d.family
                ));
            }
        }
    }

    /// Task definition files, by family, unless a named service or the plan says otherwise; a
    /// family nothing runs is a new service.
    fn definition_files(
        &mut self,
        clusters: &[Model],
        proposal: &Proposal,
        planned: &BTreeSet<String>,
        unpriced: &mut BTreeSet<String>,
    ) -> Result<(), GateError> {
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
            if runs.is_empty() && !planned.contains(&d.family) {
                if clusters.len() != 1 {
                    return Err(GateError::Mismatch(format!(
                        "`{}` defines family `{}`, which no service runs: a new service, but in which cluster? Gate one cluster at a time for new services",
                        d.source, d.family
                    )));
                }
                let desired = proposal.desired.iter().find(|(n, _)| *n == d.family).map(|(_, n)| *n).unwrap_or(1);
                self.new_services.push(NewService {
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
                let c = self.changes.entry(key).or_default();
                if c.shape.is_none() {
                    set_shape(c, d, &d.source, unpriced);
                }
            }
        }
        Ok(())
    }

    /// `--service NAME=FILE`.
    fn named_services(&mut self, clusters: &[Model], proposal: &Proposal, unpriced: &mut BTreeSet<String>) -> Result<(), GateError> {
        for (name, d) in &proposal.service_task_definitions {
            let hits = find(clusters, name, None);
            if hits.is_empty() {
                return Err(GateError::Mismatch(format!(
                    "--service {name}=...: no service `{name}` in {}",
                    service_names(clusters)
                )));
            }
            for key in hits {
                set_shape(self.changes.entry(key).or_default(), d, &d.source, unpriced);
            }
        }
        Ok(())
    }

    /// `--set-desired NAME=N`: an analysed service's count, or a new service's.
    fn desired_counts(&mut self, clusters: &[Model], proposal: &Proposal) -> Result<(), GateError> {
        let new_names: BTreeSet<String> = self.new_services.iter().map(|n| n.name.clone()).collect();
        for (name, n) in &proposal.desired {
            let hits = find(clusters, name, None);
            if hits.is_empty() {
                if new_names.contains(name) {
                    continue;
                }
                return Err(GateError::Mismatch(format!(
                    "--set-desired {name}={n}: no service `{name}` in {}",
                    service_names(clusters)
                )));
            }
            for key in hits {
                let s = &clusters[key.0].report.services[key.1];
                if s.scheduling_strategy == crate::report::Scheduling::Daemon {
                    return Err(GateError::Mismatch(format!(
                        "--set-desired {name}={n}: `{name}` is a daemon, which runs one task per instance"
                    )));
                }
                self.changes.entry(key).or_default().desired = Some(*n);
            }
        }
        Ok(())
    }
}

/// A new task definition for a service; what it asks for that is not priced is collected.
fn set_shape(c: &mut Change, d: &Declared, via: &str, unpriced: &mut BTreeSet<String>) {
    if let Some(what) = &d.unpriced {
        unpriced.insert(format!("`{}` ({}) asks for {what}", d.family, d.source));
    }
    c.shape = Some((Shape::of_declared(d), via.to_string()));
}

/// The analysed services of this name (in this cluster, if given), by index.
fn find(clusters: &[Model], name: &str, cluster: Option<&str>) -> Vec<(usize, usize)> {
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
}

/// A service the proposal creates.
pub(super) struct NewService {
    pub(super) name: String,
    pub(super) cluster: String,
    pub(super) declared: Declared,
    pub(super) desired: u32,
    pub(super) launch_type: Option<String>,
    pub(super) strategy: Option<Vec<terraform::Strategy>>,
}

/// Where a planned service runs, as far as the gate can tell.
pub(super) enum PlannedIn {
    /// An existing cluster by name, or (none) the one analysed cluster, when the plan leaves it
    /// unknown and creates no cluster.
    Analysed(Option<String>),
    /// A cluster that is not among the analysed: one the plan creates, or one known only after
    /// apply while the plan creates clusters. Its own cluster in every figure and rule.
    New(String),
}

pub(super) fn planned_cluster(plan: &Plan, ps: &terraform::PlannedService, one_analysed: bool) -> PlannedIn {
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

fn family_of(task_definition: &str) -> &str {
    let tail = task_definition.rsplit('/').next().unwrap_or(task_definition);
    tail.split(':').next().unwrap_or(tail)
}

fn service_names(clusters: &[Model]) -> String {
    let names: Vec<String> = clusters
        .iter()
        .flat_map(|c| c.report.services.iter().map(|s| s.name.clone()))
        .take(40)
        .collect();
    format!("the analysed clusters; they run: {}", names.join(", "))
}
