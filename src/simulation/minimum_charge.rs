//! Fargate's minimum charge per task start, from step averages.
//!
//! Fargate bills each task `max(ran, minimum)` seconds, which is `minimum + ran - min(ran,
//! minimum)`. Summed over tasks: every start prepays the minimum, and the seconds a task runs
//! inside its first `minimum` seconds (its *young* seconds) are already paid for. A snapshot
//! has, per step, the average and largest running count and the number of starts, not the tasks
//! themselves, so the young seconds are estimated:
//!
//! - **Long-running tasks are not young.** The count's floor over the steps a start's minimum
//!   spans plus [`FLOOR_MARGIN_STEPS`] on each side is taken as tasks that run all through them:
//!   past their minimum. In a step with starts no more than its largest count less one ran beside
//!   a start all step. Only the running seconds beyond the floor (the *fresh* seconds) can be
//!   young: a short task sharing a step with long-running ones is billed its minimum.
//! - **A start's minimum can reach into later steps** (a Windows start's 15 minutes span four
//!   5-minute steps; a 1-minute start late in a 1-minute step spans two). Each step's starts form
//!   a cohort holding their prepaid seconds; a cohort's unused seconds carry to the following
//!   steps while its window can still be open and some of its tasks can still be running (at most
//!   the next step's count beyond the floor, given to the newest cohorts first). Fresh seconds are
//!   matched to the cohorts whose windows close first. A task straddling steps is billed its
//!   minimum once.
//!
//! Whatever the estimate, the bill up to any step is at least what ran up to it, and the whole
//! bill at most what ran plus one minimum per start. (A step's own figure can be below what ran in
//! it: a minimum paid at a start covers the seconds its task runs in the next steps.)
//!
//! What averages cannot tell apart is measured on made-up traces whose exact bill is known
//! (`the_minimum_charge_estimate_is_measured_on_traces`; README, "When not to trust these
//! numbers"): a pool of jobs whose durations are near the minimum, where one job stopping as
//! another starts looks like a start beside a running task, is billed a few percent high.

use std::collections::VecDeque;

/// Steps on each side of a start's minimum over which the count's floor is read as long-running
/// tasks. Chosen on the measured traces: fewer bills churning jobs high, more bills short jobs
/// beside a service low.
pub const FLOOR_MARGIN_STEPS: usize = 4;

/// The starts of one step and what is left of their prepaid minimum.
struct Cohort {
    /// Tasks of the cohort that may still be running (a count, fractional like the averages).
    alive: f64,
    /// Prepaid seconds not yet matched to running seconds.
    credit: f64,
    /// The last step the cohort's minimum can reach.
    last_step: usize,
}

/// Billed task-seconds at each step: `running_avg x step` plus the minimum charge of the starts
/// (`tasks_started`, NaN where not known: such a step starts nothing), estimated as the module
/// explains; `running_max` (the step's largest count, NaN or absent where not known) bounds the
/// long-running tasks. Without starts it is exactly what ran.
pub fn billed_per_step(
    running_avg: &[f64],
    running_max: &[f64],
    tasks_started: &[f64],
    step_seconds: u32,
    minimum_seconds: u64,
) -> Vec<f64> {
    let step = f64::from(step_seconds);
    let minimum = minimum_seconds as f64;
    let counts: Vec<f64> = running_avg.iter().map(|n| if n.is_finite() { n.max(0.0) } else { 0.0 }).collect();
    let started_at = |t: usize| tasks_started.get(t).copied().filter(|s| s.is_finite() && *s > 0.0).unwrap_or(0.0);
    let max_at = |t: usize| running_max.get(t).copied().filter(|m| m.is_finite());
    let mut billed: Vec<f64> = counts.iter().map(|n| n * step).collect();
    if minimum_seconds == 0 || (0..counts.len()).all(|t| started_at(t) == 0.0) {
        return billed;
    }
    // Steps after its own that a start's minimum can still cover (a start at the step's end).
    let reach = minimum_seconds.div_ceil(u64::from(step_seconds.max(1))) as usize;
    let floor = sliding_min(&counts, reach + FLOOR_MARGIN_STEPS);
    let mut cohorts: VecDeque<Cohort> = VecDeque::with_capacity(reach + 1);
    for (t, &n) in counts.iter().enumerate() {
        let started = started_at(t);
        let mut old = floor[t];
        if started > 0.0 {
            if let Some(max) = max_at(t) {
                old = old.min((max - 1.0).max(0.0));
            }
            cohorts.push_back(Cohort {
                alive: started,
                credit: started * minimum,
                last_step: t + reach,
            });
        }
        let mut fresh = (n - old).max(0.0) * step;
        let mut young = 0.0;
        for c in cohorts.iter_mut() {
            let used = fresh.min(c.credit).min(c.alive * step);
            c.credit -= used;
            fresh -= used;
            young += used;
        }
        billed[t] += started * minimum - young;

        // Tasks still running at the step's end: no more than the next step's count, nor either
        // step's largest; those beyond the floor are the newest cohorts'.
        let mut at_end = counts.get(t + 1).copied().unwrap_or(n);
        for m in [max_at(t), max_at(t + 1)].into_iter().flatten() {
            at_end = at_end.min(m);
        }
        let mut room = (at_end - old).max(0.0);
        for c in cohorts.iter_mut().rev() {
            c.alive = c.alive.min(room);
            room -= c.alive;
        }
        // A cohort whose minimum is used up, whose window has closed or whose tasks have all
        // stopped has nothing left to cover.
        cohorts.retain(|c| c.alive > 0.0 && c.credit > 1e-9 && c.last_step > t);
    }
    billed
}

/// The smallest of `xs[t - w ..= t + w]` (clipped to the series) at every `t`, in one pass.
fn sliding_min(xs: &[f64], w: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(xs.len());
    // Indices whose values increase from front to back: the front is the window's smallest.
    let mut window: VecDeque<usize> = VecDeque::new();
    let mut next = 0;
    for t in 0..xs.len() {
        while next < xs.len() && next <= t + w {
            while window.back().is_some_and(|&b| xs[b] >= xs[next]) {
                window.pop_back();
            }
            window.push_back(next);
            next += 1;
        }
        while window.front().is_some_and(|&f| f + w < t) {
            window.pop_front();
        }
        out.push(window.front().map_or(0.0, |&f| xs[f]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(avg: &[f64], started: &[f64], step: u32, minimum: u64) -> f64 {
        billed_per_step(avg, &[], started, step, minimum).iter().sum()
    }

    #[test]
    fn a_short_task_sharing_a_step_with_long_running_tasks_is_billed_its_minimum() {
        // Two tasks run all along; in the second 5-minute step ten 10-second tasks start. Billed:
        // 3 x 2 x 300 s + 10 x 60 s = 2,400 s (the step-level rule billed 1,900: the short tasks'
        // minimum hid behind the long-running tasks' seconds).
        let avg = [2.0, 2.0 + 100.0 / 300.0, 2.0];
        let billed = billed_per_step(&avg, &[2.0, 3.0, 2.0], &[0.0, 10.0, 0.0], 300, 60);
        assert_eq!(billed, vec![600.0, 1200.0, 600.0]);
    }

    #[test]
    fn a_windows_task_that_straddles_steps_is_billed_its_minimum_once() {
        // One Windows task runs 1,000 s from the start of a 5-minute step: billed 1,000 s, not
        // 900 + 300 + 300 + 100 (its 15-minute minimum in the first step, then again what ran).
        let avg = [0.0, 1.0, 1.0, 1.0, 100.0 / 300.0, 0.0];
        let billed = billed_per_step(&avg, &[], &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0], 300, 900);
        assert_eq!(billed.iter().sum::<f64>(), 1000.0);
        // And one that runs 2 minutes is billed 15.
        let avg = [0.0, 120.0 / 300.0, 0.0, 0.0, 0.0];
        assert_eq!(total(&avg, &[0.0, 1.0, 0.0, 0.0, 0.0], 300, 900), 900.0);
    }

    #[test]
    fn a_task_starting_late_in_a_one_minute_step_is_not_billed_a_second_minimum() {
        // 1-minute steps: a task starts 50 s into a step and runs 20 s (billed 60 s), another
        // starts 50 s into a step and runs on (billed what it ran: 10 + 60 + 60 s).
        let short = [0.0, 10.0 / 60.0, 10.0 / 60.0, 0.0];
        assert_eq!(total(&short, &[0.0, 1.0, 0.0, 0.0], 60, 60), 60.0);
        let long = [0.0, 10.0 / 60.0, 1.0, 1.0];
        assert_eq!(total(&long, &[0.0, 1.0, 0.0, 0.0], 60, 60), 130.0);
    }

    #[test]
    fn tasks_that_scale_out_or_replace_others_in_a_rolling_deploy_owe_no_minimum() {
        // Scale-out: two tasks start mid-step and run on.
        let avg = [2.0, 3.0, 4.0, 4.0];
        assert_eq!(total(&avg, &[0.0, 2.0, 0.0, 0.0], 300, 60), 3900.0);
        // A rolling deploy (ECS's 100% / 200%): three new tasks start, the old ones stop 150 s later.
        let avg = [3.0, 4.5, 3.0];
        assert_eq!(total(&avg, &[0.0, 3.0, 0.0], 300, 60), 3150.0);
    }

    #[test]
    fn a_short_windows_task_every_hour_is_billed_the_minimum_each_time() {
        let avg = [120.0 / 3600.0; 24];
        let billed = billed_per_step(&avg, &[1.0; 24], &[1.0; 24], 3600, 900);
        assert!(billed.iter().all(|&b| b == 900.0), "{billed:?}");
    }

    #[test]
    fn without_known_starts_a_step_bills_what_ran() {
        let avg = [2.25, 0.0, 3.0];
        assert_eq!(
            billed_per_step(&avg, &[f64::NAN; 3], &[f64::NAN; 3], 300, 60),
            vec![675.0, 0.0, 900.0]
        );
        assert_eq!(billed_per_step(&avg, &[], &[], 300, 60), vec![675.0, 0.0, 900.0]);
    }

    /// A task of a made-up trace: when it starts and how long it runs, in seconds.
    #[derive(Clone, Copy)]
    struct Task {
        start: f64,
        ran: f64,
    }

    /// What a snapshot holds of a trace: the average and largest running count and the starts,
    /// per step.
    fn steps_of(tasks: &[Task], step: u32, steps: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let s = f64::from(step);
        let (mut avg, mut started) = (vec![0.0; steps], vec![0.0; steps]);
        // The count only rises at a start: the largest count of a step is at one of its starts
        // or at its beginning.
        let running_at = |x: f64| tasks.iter().filter(|k| k.start <= x && x < k.start + k.ran).count() as f64;
        let mut max: Vec<f64> = (0..steps).map(|t| running_at(t as f64 * s)).collect();
        for k in tasks {
            let t = (k.start / s) as usize;
            max[t] = max[t].max(running_at(k.start));
        }
        for k in tasks {
            started[(k.start / s) as usize] += 1.0;
            let (a, b) = (k.start, k.start + k.ran);
            for (t, n) in avg.iter_mut().enumerate().take((b / s).ceil() as usize).skip((a / s) as usize) {
                let (lo, hi) = (t as f64 * s, (t + 1) as f64 * s);
                *n += (b.min(hi) - a.max(lo)).max(0.0) / s;
            }
        }
        (avg, max, started)
    }

    /// Jobs at random times until `until`, up to `gap` seconds apart, each running `shortest` to
    /// `shortest + spread` seconds.
    fn jobs(unit: &mut impl FnMut() -> f64, until: f64, gap: f64, shortest: f64, spread: f64) -> Vec<Task> {
        let mut out = Vec::new();
        let mut t = 0.0;
        while t < until {
            t += unit() * gap;
            out.push(Task {
                start: t,
                ran: shortest + unit() * spread,
            });
        }
        out
    }

    /// The traces the estimate is measured on, each family a kind of service real accounts run.
    fn trace(family: usize, seed: u64) -> (Vec<Task>, u32, u64) {
        let mut rng = crate::sources::demo::Rng(seed);
        let mut unit = move || rng.unit();
        let mut tasks = Vec::new();
        let (step, minimum, horizon) = match family {
            // A service of 2 to 5 tasks with rolling deploys (new tasks overlap the old by 1 to 5
            // minutes) and scaling; 5-minute steps, Linux.
            0 => {
                let horizon = 86_400.0;
                let n = 2 + (unit() * 4.0) as usize;
                let mut starts = vec![0.0; n];
                let mut t = 3_600.0 + unit() * 14_400.0;
                while t < horizon - 7_200.0 {
                    let overlap = 60.0 + unit() * 240.0;
                    for s in starts.iter_mut() {
                        tasks.push(Task {
                            start: *s,
                            ran: t + overlap - *s,
                        });
                        *s = t;
                    }
                    if unit() < 0.5 {
                        let extra = t + unit() * 1_800.0;
                        tasks.push(Task {
                            start: extra,
                            ran: 600.0 + unit() * 3_000.0,
                        });
                    }
                    t += 3_600.0 + unit() * 14_400.0;
                }
                for s in starts {
                    tasks.push(Task {
                        start: s,
                        ran: horizon - 600.0 - s,
                    });
                }
                (300, 60, horizon)
            }
            // Short jobs (5 to 60 s) beside two long-running tasks; 5-minute steps, Linux.
            1 => {
                let horizon = 86_400.0;
                tasks.push(Task {
                    start: 0.0,
                    ran: horizon - 600.0,
                });
                tasks.push(Task {
                    start: 0.0,
                    ran: horizon - 600.0,
                });
                tasks.extend(jobs(&mut unit, horizon - 1_200.0, 600.0, 5.0, 55.0));
                (300, 60, horizon)
            }
            // Windows jobs of 1 to 40 minutes at random times; 5-minute steps, 15-minute minimum.
            2 => {
                let horizon = 86_400.0;
                tasks.extend(jobs(&mut unit, horizon - 4_000.0, 1_800.0, 60.0, 2_340.0));
                (300, 900, horizon)
            }
            // Jobs of 10 s to 5 minutes at random times; 1-minute steps, Linux.
            _ => {
                let horizon = 21_600.0;
                tasks.extend(jobs(&mut unit, horizon - 600.0, 120.0, 10.0, 290.0));
                (60, 60, horizon)
            }
        };
        assert!(tasks.iter().all(|k| k.start + k.ran <= horizon), "a trace ends inside its window");
        (tasks, step, minimum)
    }

    /// The estimate against the exact bill of 50 traces of each family, and the same for the rule
    /// it replaced (each step billed the larger of what ran and its starts x the minimum): the
    /// error of the largest size, as a share of the bill, with its sign. Printed with
    /// `--nocapture`; the README quotes it. Each bound is the measured figure, rounded up.
    #[test]
    fn the_minimum_charge_estimate_is_measured_on_traces() {
        let families = [
            ("deploys and scaling", 0.0001),
            ("short jobs beside a service", 0.002),
            ("Windows jobs of 1 to 40 minutes", 0.06),
            ("jobs of 10 s to 5 minutes at 1-minute steps", 0.03),
        ];
        let largest = |errors: &[f64]| errors.iter().copied().fold(0.0f64, |a, e| if e.abs() > a.abs() { e } else { a });
        for (family, (name, bound)) in families.iter().enumerate() {
            let (mut ours, mut before) = (Vec::new(), Vec::new());
            for seed in 1..=50 {
                let (tasks, step, minimum) = trace(family, seed);
                let m = minimum as f64;
                let exact: f64 = tasks.iter().map(|k| k.ran.max(m)).sum();
                let steps = (tasks.iter().map(|k| k.start + k.ran).fold(0.0, f64::max) / f64::from(step)).ceil() as usize + 1;
                let (avg, max, started) = steps_of(&tasks, step, steps);
                let estimate: f64 = billed_per_step(&avg, &max, &started, step, minimum).iter().sum();
                let step_rule: f64 = avg.iter().zip(&started).map(|(n, s)| (n * f64::from(step)).max(s * m)).sum();
                ours.push((estimate - exact) / exact);
                before.push((step_rule - exact) / exact);
            }
            let (ours, before) = (largest(&ours), largest(&before));
            println!("{name}: {:+.2}% (step rule {:+.2}%)", 100.0 * ours, 100.0 * before);
            assert!(ours.abs() <= *bound, "{name}: {:+.2}%", 100.0 * ours);
        }
    }

    #[test]
    fn the_sliding_minimum_is_the_minimum_of_each_window() {
        let xs = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0];
        for w in 0..4 {
            let naive: Vec<f64> = (0..xs.len())
                .map(|t| {
                    xs[t.saturating_sub(w)..=(t + w).min(xs.len() - 1)]
                        .iter()
                        .copied()
                        .fold(f64::INFINITY, f64::min)
                })
                .collect();
            assert_eq!(sliding_min(&xs, w), naive, "w = {w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_bill_is_at_least_what_ran_and_at_most_one_minimum_per_start_more(
            steps in proptest::collection::vec((0.0f64..20.0, proptest::option::of(0.0f64..30.0)), 1..60),
            step in proptest::sample::select(vec![60u32, 300, 3600]),
            minimum in proptest::sample::select(vec![0u64, 60, 900, 3600]),
        ) {
            let avg: Vec<f64> = steps.iter().map(|p| p.0).collect();
            let started: Vec<f64> = steps.iter().map(|p| p.1.unwrap_or(f64::NAN)).collect();
            let billed = billed_per_step(&avg, &[], &started, step, minimum);
            let s = f64::from(step);
            let (mut ran, mut prepaid, mut total) = (0.0, 0.0, 0.0);
            for ((b, n), st) in billed.iter().zip(&avg).zip(&started) {
                ran += n * s;
                prepaid += if st.is_nan() { 0.0 } else { st * minimum as f64 };
                total += b;
                proptest::prop_assert!(b.is_finite() && *b >= 0.0, "{b}");
                proptest::prop_assert!(total >= ran - 1e-6, "billed {total} < ran {ran}");
            }
            proptest::prop_assert!(total <= ran + prepaid + 1e-6, "billed {total} > {ran} + {prepaid}");
        }
    }
}
