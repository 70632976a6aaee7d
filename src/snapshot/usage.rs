//! A snapshot's usage points, held in columns by service.

use super::UsagePoint;

/// A snapshot's usage points in columns, service after service and each service's in step order:
/// their steps and, beside each, the figures, NaN where a figure is not known. A point costs 44
/// bytes (72 as a `UsagePoint`); each column is one allocation, given back whole when it goes.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    /// Service `i`'s points are at `start[i]..start[i + 1]`.
    start: Vec<usize>,
    steps: Vec<u32>,
    running_avg: Vec<f64>,
    running_max: Vec<f64>,
    tasks_started: Vec<f64>,
    /// Empty once let go (`let_go_of_use`).
    cpu_units_used: Vec<f64>,
    memory_mib_used: Vec<f64>,
}

/// One service's points, in step order: a view of the columns.
#[derive(Clone, Copy, Debug)]
pub struct ServicePoints<'a> {
    pub steps: &'a [u32],
    pub running_avg: &'a [f64],
    pub running_max: &'a [f64],
    /// NaN where not known, as in the two below (empty once the usage let them go).
    pub tasks_started: &'a [f64],
    pub cpu_units_used: &'a [f64],
    pub memory_mib_used: &'a [f64],
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
            running_tasks_avg: self.running_avg[k],
            running_tasks_max: self.running_max[k],
            tasks_started: known(self.tasks_started[k]),
            cpu_units_used: self.cpu_units_used.get(k).copied().and_then(known),
            memory_mib_used: self.memory_mib_used.get(k).copied().and_then(known),
        }
    }
}

/// Equal as the points they hold: an unknown figure equals an unknown one.
impl PartialEq for Usage {
    fn eq(&self, other: &Usage) -> bool {
        let same = |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
        self.start == other.start
            && self.steps == other.steps
            && same(&self.running_avg, &other.running_avg)
            && same(&self.running_max, &other.running_max)
            && same(&self.tasks_started, &other.tasks_started)
            && same(&self.cpu_units_used, &other.cpu_units_used)
            && same(&self.memory_mib_used, &other.memory_mib_used)
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
            running_avg: points.iter().map(|p| p.running_tasks_avg).collect(),
            running_max: points.iter().map(|p| p.running_tasks_max).collect(),
            tasks_started: points.iter().map(|p| or_nan(p.tasks_started)).collect(),
            cpu_units_used: points.iter().map(|p| or_nan(p.cpu_units_used)).collect(),
            memory_mib_used: points.iter().map(|p| or_nan(p.memory_mib_used)).collect(),
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
            running_avg: vec![0.0; n],
            running_max: vec![0.0; n],
            tasks_started: vec![f64::NAN; n],
            cpu_units_used: vec![f64::NAN; n],
            memory_mib_used: vec![f64::NAN; n],
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

    pub(super) fn column_mut(&mut self, name: &str) -> &mut [f64] {
        use super::columns::*;
        match name {
            RUNNING_AVG => &mut self.running_avg,
            RUNNING_MAX => &mut self.running_max,
            TASKS_STARTED => &mut self.tasks_started,
            CPU_USED => &mut self.cpu_units_used,
            _ => &mut self.memory_mib_used,
        }
    }

    /// The figures at position `k` of the columns: running tasks' average and maximum.
    pub(super) fn running_at(&self, k: usize) -> (f64, f64) {
        (self.running_avg[k], self.running_max[k])
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
            running_avg: &self.running_avg[range.clone()],
            running_max: &self.running_max[range.clone()],
            tasks_started: &self.tasks_started[range.clone()],
            cpu_units_used: self.cpu_units_used.get(range.clone()).unwrap_or(&[]),
            memory_mib_used: self.memory_mib_used.get(range).unwrap_or(&[]),
        }
    }

    /// Lets the CPU and memory figures go, once what rests on them is read: the rest stays.
    pub fn let_go_of_use(&mut self) {
        self.cpu_units_used = Vec::new();
        self.memory_mib_used = Vec::new();
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
                self.running_avg[k] = p.running_tasks_avg;
                self.running_max[k] = p.running_tasks_max;
                self.tasks_started[k] = or_nan(p.tasks_started);
                if let Some(c) = self.cpu_units_used.get_mut(k) {
                    *c = or_nan(p.cpu_units_used);
                }
                if let Some(m) = self.memory_mib_used.get_mut(k) {
                    *m = or_nan(p.memory_mib_used);
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
