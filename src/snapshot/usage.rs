//! A snapshot's usage points, held by service in columns.

use super::UsagePoint;

/// A snapshot's usage points, held by service: each service's steps (ascending) and, beside each,
/// its figures, NaN where a figure is not known. A point costs 44 bytes (72 as a `UsagePoint`),
/// and the analysis lets a service's points go as soon as it has built that service's series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    services: Vec<ServicePoints>,
}

/// One service's points, in step order.
#[derive(Clone, Debug, Default)]
pub struct ServicePoints {
    pub steps: Vec<u32>,
    pub running_avg: Vec<f64>,
    pub running_max: Vec<f64>,
    /// NaN where not known, as in the two below.
    pub tasks_started: Vec<f64>,
    pub cpu_units_used: Vec<f64>,
    pub memory_mib_used: Vec<f64>,
}

/// A figure that may not be known: `None` is NaN (no figure read or collected is NaN).
fn known(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

impl ServicePoints {
    /// `n` points at step 0 with no figures, for a reader to fill.
    pub(super) fn unfilled(n: usize) -> ServicePoints {
        ServicePoints {
            steps: vec![0; n],
            running_avg: vec![0.0; n],
            running_max: vec![0.0; n],
            tasks_started: vec![f64::NAN; n],
            cpu_units_used: vec![f64::NAN; n],
            memory_mib_used: vec![f64::NAN; n],
        }
    }

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
            cpu_units_used: known(self.cpu_units_used[k]),
            memory_mib_used: known(self.memory_mib_used[k]),
        }
    }

    fn push(&mut self, p: &UsagePoint) {
        self.steps.push(p.step);
        self.running_avg.push(p.running_tasks_avg);
        self.running_max.push(p.running_tasks_max);
        self.tasks_started.push(or_nan(p.tasks_started));
        self.cpu_units_used.push(or_nan(p.cpu_units_used));
        self.memory_mib_used.push(or_nan(p.memory_mib_used));
    }
}

/// Equal as the points they hold: an unknown figure equals an unknown one.
impl PartialEq for ServicePoints {
    fn eq(&self, other: &ServicePoints) -> bool {
        let same = |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
        self.steps == other.steps
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
        points.sort_by_key(|p| (p.service, p.step));
        let mut out = vec![ServicePoints::default(); services];
        for p in &points {
            if let Some(s) = out.get_mut(p.service as usize) {
                s.push(p);
            }
        }
        Usage { services: out }
    }

    /// Points held by service, for a reader that filled them.
    pub(super) fn of_services(services: Vec<ServicePoints>) -> Usage {
        Usage { services }
    }

    /// Every point, by service and then step.
    pub fn points(&self) -> impl Iterator<Item = UsagePoint> + '_ {
        self.services
            .iter()
            .enumerate()
            .flat_map(|(i, s)| (0..s.len()).map(move |k| s.point(i as u32, k)))
    }

    /// Service `i`'s points (none for a service beyond them).
    pub fn service(&self, i: usize) -> &ServicePoints {
        static NONE: ServicePoints = ServicePoints {
            steps: Vec::new(),
            running_avg: Vec::new(),
            running_max: Vec::new(),
            tasks_started: Vec::new(),
            cpu_units_used: Vec::new(),
            memory_mib_used: Vec::new(),
        };
        self.services.get(i).unwrap_or(&NONE)
    }

    /// Takes service `i`'s points out, leaving it none.
    pub fn take_service(&mut self, i: usize) -> ServicePoints {
        self.services.get_mut(i).map(std::mem::take).unwrap_or_default()
    }

    /// How many points there are.
    pub fn len(&self) -> usize {
        self.services.iter().map(ServicePoints::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.services.iter().all(ServicePoints::is_empty)
    }

    /// Changes every point's figures with `change` (its step and service stay).
    pub fn change_figures(&mut self, mut change: impl FnMut(&mut UsagePoint)) {
        for (i, s) in self.services.iter_mut().enumerate() {
            for k in 0..s.len() {
                let mut p = s.point(i as u32, k);
                change(&mut p);
                s.running_avg[k] = p.running_tasks_avg;
                s.running_max[k] = p.running_tasks_max;
                s.tasks_started[k] = or_nan(p.tasks_started);
                s.cpu_units_used[k] = or_nan(p.cpu_units_used);
                s.memory_mib_used[k] = or_nan(p.memory_mib_used);
            }
        }
    }

    /// Keeps the points `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&UsagePoint) -> bool) {
        for (i, s) in self.services.iter_mut().enumerate() {
            let mut kept = ServicePoints::default();
            for k in 0..s.len() {
                let p = s.point(i as u32, k);
                if keep(&p) {
                    kept.push(&p);
                }
            }
            *s = kept;
        }
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
        assert_eq!(u.service(1).steps, vec![2, 4]);
        assert!(u.service(5).is_empty());
        assert!(u == Usage::from_points(2, want.clone()), "an unknown figure equals an unknown one");
        let mut changed = u.clone();
        changed.change_figures(|p| p.cpu_units_used = None);
        assert!(changed != u);
        let mut kept = u.clone();
        kept.retain(|p| p.service == 1);
        assert_eq!(kept.points().collect::<Vec<_>>(), vec![given[2], given[0]]);
        let mut taken = u;
        assert_eq!(taken.take_service(0).steps, vec![1, 9]);
        assert_eq!(taken.len(), 2);
    }
}
