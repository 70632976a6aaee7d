//! A snapshot's usage points, held in columns by service.

use super::UsagePoint;
use crate::figures::{FigureSlice, Figures};

/// A snapshot's usage points in columns, service after service and each service's in step order:
/// their steps and, beside each, the figures, NaN where a figure is not known. A point costs 24
/// to 44 bytes (72 as a `UsagePoint`): a column of counts is held as `f32` ([`Figures`]); each
/// column is one allocation, given back whole when it goes.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    /// Service `i`'s points are at `start[i]..start[i + 1]`.
    start: Vec<usize>,
    steps: Vec<u32>,
    running_avg: Figures,
    running_max: Figures,
    tasks_started: Figures,
    /// Empty once let go (`let_go_of_use`).
    cpu_units_used: Figures,
    memory_mib_used: Figures,
}

/// One service's points, in step order: a view of the columns.
#[derive(Clone, Copy, Debug)]
pub struct ServicePoints<'a> {
    pub steps: &'a [u32],
    pub running_avg: FigureSlice<'a>,
    pub running_max: FigureSlice<'a>,
    /// NaN where not known, as in the two below (empty once the usage let them go).
    pub tasks_started: FigureSlice<'a>,
    pub cpu_units_used: FigureSlice<'a>,
    pub memory_mib_used: FigureSlice<'a>,
}

/// A figure that may not be known: `None` is NaN (no figure read or collected is NaN).
fn known(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

impl ServicePoints<'_> {
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The point at position `k`, as service `service`'s.
    pub fn point(&self, service: u32, k: usize) -> UsagePoint {
        UsagePoint {
            step: self.steps[k],
            service,
            running_tasks_avg: self.running_avg.at(k),
            running_tasks_max: self.running_max.at(k),
            tasks_started: known(self.tasks_started.at(k)),
            cpu_units_used: self.cpu_units_used.get(k).and_then(known),
            memory_mib_used: self.memory_mib_used.get(k).and_then(known),
        }
    }
}

/// Equal as the points they hold: an unknown figure equals an unknown one.
impl PartialEq for Usage {
    fn eq(&self, other: &Usage) -> bool {
        self.start == other.start
            && self.steps == other.steps
            && self.running_avg == other.running_avg
            && self.running_max == other.running_max
            && self.tasks_started == other.tasks_started
            && self.cpu_units_used == other.cpu_units_used
            && self.memory_mib_used == other.memory_mib_used
    }
}

impl Usage {
    /// `services` services' points (`points` in any order; a point of a service beyond them is
    /// dropped, as no service has it).
    pub fn from_points(services: usize, mut points: Vec<UsagePoint>) -> Usage {
        points.retain(|p| (p.service as usize) < services);
        points.sort_by_key(|p| (p.service, p.step));
        let mut start = vec![0usize; services + 1];
        for p in &points {
            start[p.service as usize + 1] += 1;
        }
        for i in 0..services {
            start[i + 1] += start[i];
        }
        Usage {
            start,
            steps: points.iter().map(|p| p.step).collect(),
            running_avg: Figures::from(points.iter().map(|p| p.running_tasks_avg).collect::<Vec<_>>()),
            running_max: Figures::from(points.iter().map(|p| p.running_tasks_max).collect::<Vec<_>>()),
            tasks_started: Figures::from(points.iter().map(|p| or_nan(p.tasks_started)).collect::<Vec<_>>()),
            cpu_units_used: Figures::from(points.iter().map(|p| or_nan(p.cpu_units_used)).collect::<Vec<_>>()),
            memory_mib_used: Figures::from(points.iter().map(|p| or_nan(p.memory_mib_used)).collect::<Vec<_>>()),
        }
    }

    /// Room for points of `counts[i]` points per service, at step 0 with no figures, for a
    /// reader to fill.
    pub(super) fn unfilled(counts: &[usize]) -> Usage {
        let mut start = Vec::with_capacity(counts.len() + 1);
        start.push(0);
        for &n in counts {
            start.push(start.last().copied().unwrap_or(0) + n);
        }
        let n = start.last().copied().unwrap_or(0);
        Usage {
            start,
            steps: vec![0; n],
            running_avg: Figures::filled(n, 0.0),
            running_max: Figures::filled(n, 0.0),
            tasks_started: Figures::filled(n, f64::NAN),
            cpu_units_used: Figures::filled(n, f64::NAN),
            memory_mib_used: Figures::filled(n, f64::NAN),
        }
    }

    /// Where service `i`'s points start in the columns.
    pub(super) fn start_of(&self, i: usize) -> usize {
        self.start[i]
    }

    /// The columns, for a reader to fill: steps, then the figures by column name.
    pub(super) fn steps_mut(&mut self) -> &mut [u32] {
        &mut self.steps
    }

    /// The figures' columns by name, in the file format's order.
    pub(super) fn figures_mut(&mut self) -> [(&'static str, &mut Figures); 5] {
        use super::columns::*;
        [
            (RUNNING_AVG, &mut self.running_avg),
            (RUNNING_MAX, &mut self.running_max),
            (TASKS_STARTED, &mut self.tasks_started),
            (CPU_USED, &mut self.cpu_units_used),
            (MEMORY_USED, &mut self.memory_mib_used),
        ]
    }

    /// The figures at position `k` of the columns: running tasks' average and maximum.
    pub(super) fn running_at(&self, k: usize) -> (f64, f64) {
        (self.running_avg.get(k), self.running_max.get(k))
    }

    /// How many services the points are held for.
    pub fn services(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Every point, by service and then step.
    pub fn points(&self) -> impl Iterator<Item = UsagePoint> + '_ {
        (0..self.services()).flat_map(move |i| {
            let s = self.service(i);
            (0..s.len()).map(move |k| s.point(i as u32, k))
        })
    }

    /// Service `i`'s points (none for a service beyond them).
    pub fn service(&self, i: usize) -> ServicePoints<'_> {
        let range = match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        };
        ServicePoints {
            steps: &self.steps[range.clone()],
            running_avg: self.running_avg.slice(range.clone()),
            running_max: self.running_max.slice(range.clone()),
            tasks_started: self.tasks_started.slice(range.clone()),
            cpu_units_used: self.cpu_units_used.slice(range.clone()),
            memory_mib_used: self.memory_mib_used.slice(range),
        }
    }

    /// Lets the CPU and memory figures go, once what rests on them is read: the rest stays.
    pub fn let_go_of_use(&mut self) {
        self.cpu_units_used = Figures::default();
        self.memory_mib_used = Figures::default();
    }

    /// How many points there are.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Changes every point's figures with `change` (its step and service stay).
    pub fn change_figures(&mut self, mut change: impl FnMut(&mut UsagePoint)) {
        for i in 0..self.services() {
            for k in self.start[i]..self.start[i + 1] {
                let mut p = self.service(i).point(i as u32, k - self.start[i]);
                change(&mut p);
                self.running_avg.set(k, p.running_tasks_avg);
                self.running_max.set(k, p.running_tasks_max);
                self.tasks_started.set(k, or_nan(p.tasks_started));
                if k < self.cpu_units_used.len() {
                    self.cpu_units_used.set(k, or_nan(p.cpu_units_used));
                }
                if k < self.memory_mib_used.len() {
                    self.memory_mib_used.set(k, or_nan(p.memory_mib_used));
                }
            }
        }
    }

    /// Keeps the points `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&UsagePoint) -> bool) {
        let kept: Vec<UsagePoint> = self.points().filter(|p| keep(p)).collect();
        *self = Usage::from_points(self.services(), kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(service: u32, step: u32, avg: f64, cpu: Option<f64>) -> UsagePoint {
        UsagePoint {
            step,
            service,
            running_tasks_avg: avg,
            running_tasks_max: avg,
            tasks_started: None,
            cpu_units_used: cpu,
            memory_mib_used: Some(avg * 100.0),
        }
    }

    /// Points go in in any order and come out by service and step, figures and unknowns as
    /// they were; a point of a service the usage does not hold is dropped.
    #[test]
    fn points_come_back_by_service_and_step_with_unknown_figures_unknown() {
        let given = vec![
            point(1, 4, 2.0, None),
            point(0, 9, 1.0, Some(50.0)),
            point(1, 2, 3.0, Some(0.0)),
            point(7, 0, 1.0, None),
            point(0, 1, 0.5, None),
        ];
        let u = Usage::from_points(2, given.clone());
        let want = vec![given[4], given[1], given[2], given[0]];
        assert_eq!(u.points().collect::<Vec<_>>(), want);
        assert_eq!(u.len(), 4);
        assert_eq!(u.service(1).steps, &[2, 4]);
        assert!(u.service(5).is_empty());
        assert!(u == Usage::from_points(2, want.clone()), "an unknown figure equals an unknown one");
        let mut changed = u.clone();
        changed.change_figures(|p| p.cpu_units_used = None);
        assert!(changed != u);
        let mut kept = u.clone();
        kept.retain(|p| p.service == 1);
        assert_eq!(kept.points().collect::<Vec<_>>(), vec![given[2], given[0]]);
        let mut without_use = u;
        without_use.let_go_of_use();
        let p = without_use.service(0).point(0, 1);
        assert_eq!((p.step, p.running_tasks_avg, p.cpu_units_used), (9, 1.0, None));
    }
}
