//! Usage: turns a snapshot's sparse usage points into dense per-service series (task counts at
//! every step, gaps filled) and per-task usage statistics. Pure computation on a snapshot.

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Rightsizing;
use crate::figures::Figures;
use crate::snapshot::{ServicePoints, Snapshot};

/// One service over the whole window.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceUsage {
    /// Index into the inventory's services.
    pub service: usize,
    /// Average running tasks per step. A gap in the metrics carries the last known count forward
    /// (ECS does not stop tasks because CloudWatch missed a period); before the first point, the
    /// inventory's running count. Each series is held as `f32` where that is exact (counts are),
    /// so a cluster's series take 12 to 24 bytes a service and step.
    pub running_avg: Figures,
    /// Peak running tasks per step (what capacity must hold).
    pub running_max: Figures,
    /// Tasks started per step; NaN where not known (half the memory of an `Option`).
    pub tasks_started: Figures,
    pub stats: UsageStats,
}

/// Per-task CPU (units) and memory (MiB) statistics over the steps with tasks running and data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsageStats {
    /// Steps with a usage point and tasks running: what rightsizing rests on.
    pub data_points: u32,
    /// From the first step with data to the end of the last, seconds.
    pub data_span_seconds: u64,
    /// Share of the window's steps that have a usage point (gaps lower it).
    pub coverage_pct: f64,
    /// The first and last steps with a usage point: data that starts after the window does, or
    /// stops before it ends, leaves the edges to the inventory's count and the last count.
    pub first_step: Option<u32>,
    pub last_step: Option<u32>,
    pub cpu_units_p50: Option<f64>,
    pub cpu_units_p99: Option<f64>,
    pub cpu_units_max: Option<f64>,
    pub memory_mib_p50: Option<f64>,
    pub memory_mib_p99: Option<f64>,
    pub memory_mib_max: Option<f64>,
    /// At the configured rightsizing percentiles.
    pub cpu_units_for_sizing: Option<f64>,
    pub memory_mib_for_sizing: Option<f64>,
    /// Task-hours over the window (average running tasks x time).
    pub task_hours: f64,
}

/// Nearest-rank percentile of unsorted samples (`p` in 0..=100).
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    let mut v = samples.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    percentile_sorted(&v, p)
}

/// Nearest-rank percentile of samples sorted ascending: sort once, read many.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Each service's series and statistics, the services side by side on the thread pool (in
/// service order, whatever the threads).
pub fn analyze(snapshot: &Snapshot, rs: &Rightsizing) -> Vec<ServiceUsage> {
    (0..snapshot.inventory.services.len())
        .into_par_iter()
        .map(|i| {
            let points = snapshot.usage.service(i);
            series(snapshot, i, points, per_task_use(snapshot, i, points, rs))
        })
        .collect()
}

/// [`analyze`], taking the snapshot's points: the per-task use is read first and the CPU and
/// memory figures go before the series are built, and the rest of the points once they are.
pub fn analyze_taking_points(snapshot: &mut Snapshot, rs: &Rightsizing) -> Vec<ServiceUsage> {
    let mut usage = std::mem::take(&mut snapshot.usage);
    let snapshot = &*snapshot;
    let services = snapshot.inventory.services.len();
    let uses: Vec<PerTaskUse> = (0..services)
        .into_par_iter()
        .map(|i| per_task_use(snapshot, i, usage.service(i), rs))
        .collect();
    usage.let_go_of_use();
    let usage = &usage;
    uses.into_par_iter()
        .enumerate()
        .map(|(i, u)| series(snapshot, i, usage.service(i), u))
        .collect()
}

/// What a service's points say of its tasks' use: the statistics of [`UsageStats`] that rest on
/// the CPU and memory figures.
struct PerTaskUse {
    data_points: u32,
    data_span_seconds: u64,
    cpu: [Option<f64>; 4],
    mem: [Option<f64>; 4],
}

fn per_task_use(snapshot: &Snapshot, i: usize, points: ServicePoints, rs: &Rightsizing) -> PerTaskUse {
    let window = snapshot.manifest.window();
    let svc = &snapshot.inventory.services[i];
    // Per-task use is read where the current task definition ran: another size's tasks use
    // another share of what they reserve.
    let ran = (!svc.revisions.is_empty()).then(|| svc.task_definition_at(&window));
    let current = |s: usize| ran.as_ref().is_none_or(|r| r.get(s).is_none_or(|t| *t == svc.task_definition));
    let mut cpu = Vec::new();
    let mut mem = Vec::new();
    let (mut first_data, mut last_data) = (None, None);
    for k in 0..points.len() {
        let p = points.point(i as u32, k);
        let s = p.step as usize;
        if p.running_tasks_avg > 0.0 && current(s) && (p.cpu_units_used.is_some() || p.memory_mib_used.is_some()) {
            first_data.get_or_insert(s);
            last_data = Some(s);
        }
        if p.running_tasks_avg > 0.0 && current(s) {
            if let Some(c) = p.cpu_units_used {
                cpu.push(c / p.running_tasks_avg);
            }
            if let Some(m) = p.memory_mib_used {
                mem.push(m / p.running_tasks_avg);
            }
        }
    }
    cpu.sort_by(|a, b| a.total_cmp(b));
    mem.sort_by(|a, b| a.total_cmp(b));
    let at = |v: &[f64], sizing: f64| {
        [
            percentile_sorted(v, 50.0),
            percentile_sorted(v, 99.0),
            percentile_sorted(v, 100.0),
            percentile_sorted(v, sizing),
        ]
    };
    PerTaskUse {
        data_points: cpu.len().max(mem.len()) as u32,
        data_span_seconds: match (first_data, last_data) {
            (Some(f), Some(l)) => (l - f + 1) as u64 * u64::from(snapshot.manifest.step_seconds),
            _ => 0,
        },
        cpu: at(&cpu, rs.cpu_percentile),
        mem: at(&mem, rs.memory_percentile),
    }
}

/// Service `i`'s series from its points, with its statistics.
fn series(snapshot: &Snapshot, i: usize, points: ServicePoints, used: PerTaskUse) -> ServiceUsage {
    let steps = snapshot.manifest.steps() as usize;
    let step_hours = f64::from(snapshot.manifest.step_seconds) / 3600.0;
    let svc = &snapshot.inventory.services[i];
    let mut avg = vec![f64::NAN; steps];
    let mut max = vec![f64::NAN; steps];
    let mut started = vec![f64::NAN; steps];
    for (k, &step) in points.steps.iter().enumerate() {
        let s = step as usize;
        avg[s] = points.running_avg.at(k);
        max[s] = points.running_max.at(k);
        started[s] = points.tasks_started.at(k);
    }
    let mut last = (f64::from(svc.running_count), f64::from(svc.running_count));
    for s in 0..steps {
        if avg[s].is_nan() {
            avg[s] = last.0;
            max[s] = last.1;
        } else {
            last = (avg[s], max[s]);
        }
    }
    let task_hours = avg.iter().sum::<f64>() * step_hours;
    let (avg, max, started) = (Figures::from(avg), Figures::from(max), Figures::from(started));
    let [cpu_units_p50, cpu_units_p99, cpu_units_max, cpu_units_for_sizing] = used.cpu;
    let [memory_mib_p50, memory_mib_p99, memory_mib_max, memory_mib_for_sizing] = used.mem;
    let stats = UsageStats {
        data_points: used.data_points,
        data_span_seconds: used.data_span_seconds,
        first_step: points.steps.first().copied(),
        last_step: points.steps.last().copied(),
        coverage_pct: if steps == 0 {
            0.0
        } else {
            100.0 * points.len() as f64 / steps as f64
        },
        cpu_units_p50,
        cpu_units_p99,
        cpu_units_max,
        memory_mib_p50,
        memory_mib_p99,
        memory_mib_max,
        cpu_units_for_sizing,
        memory_mib_for_sizing,
        task_hours,
    };
    ServiceUsage {
        service: i,
        running_avg: avg,
        running_max: max,
        tasks_started: started,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentile() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&v, 100.0), Some(100.0));
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn gaps_carry_the_last_count_forward_and_do_not_count_as_data() {
        let mut s = crate::sources::demo::generate();
        // Keep one service, drop its points at steps 10..20.
        s.usage.retain(|p| p.service == 0 && !(10..20).contains(&p.step));
        let u = analyze(&s, &crate::config::Assumptions::default().rightsizing);
        assert_eq!(u[0].running_avg.get(15), u[0].running_avg.get(9));
        assert!(u[0].stats.coverage_pct < 100.0);
        assert_eq!(u[1].stats.data_points, 0);
    }
}
