//! The report's chart data: the cluster's cost per hour under each option, the simulated EC2
//! fleet's allocation per hour, and each service's cost per day today and as recommended. Each
//! line spreads the same window cost the monthly figure comes from, so a line's total is its
//! figure (before rounding each point to a hundredth of a cent).

use chrono::{DateTime, Utc};

use crate::money::{Usd, HOURS_PER_MONTH, SECONDS_PER_HOUR};
use crate::report::{Action, Compute, CostSeries, FleetSeries, Series, SeriesKind, ServiceReport, ServiceSeries};
use crate::simulation::ec2::FleetSimulation;

use super::candidate::{Buckets, Candidate};
use super::fleets::Ec2Runs;

pub struct Inputs<'a, 'c> {
    pub cands: &'a [Candidate<'c>],
    pub buckets: Buckets,
    pub start: DateTime<Utc>,
    /// Today's instances, Auto Scaling groups' and Managed Instances' (with fees), per hour.
    pub current_fleet_hourly: f64,
    pub fargate_plan: &'a [Option<Usd>],
    pub all_fargate: Option<Usd>,
    pub all_ec2: Option<&'a Ec2Runs>,
    /// Every Linux service on ECS Managed Instances, as simulated.
    pub managed: Option<&'a Ec2Runs>,
    pub fargate_only: &'a [usize],
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `total` split in proportion to `weights` (nothing where every weight is zero).
fn spread(total: f64, weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0.0; weights.len()];
    }
    weights.iter().map(|w| total * w / sum).collect()
}

fn add(into: &mut [f64], from: &[f64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

pub fn build(x: &Inputs, services: &[ServiceReport]) -> Series {
    let b = x.buckets;
    let window_s = b.window_seconds as f64;
    // A monthly figure back to the window's cost: monthly = window cost x 730 h / window hours.
    let window_cost = |m: Usd| m.to_f64() * window_s / (f64::from(HOURS_PER_MONTH) * f64::from(SECONDS_PER_HOUR));
    let hours = b.hours();
    let hour_len: Vec<f64> = (0..hours).map(|h| (window_s - h as f64 * 3600.0).min(3600.0) / 3600.0).collect();
    let days = b.days();
    let day_len: Vec<f64> = (0..days).map(|d| (window_s - d as f64 * 86_400.0).min(86_400.0)).collect();
    let per_hour = |cost: Vec<f64>| -> Vec<f64> { cost.iter().zip(&hour_len).map(|(c, l)| round4(c / l)).collect() };
    let fargate_part = |members: &mut dyn Iterator<Item = usize>| -> Vec<f64> {
        let mut cost = vec![0.0; hours];
        for i in members {
            if let Some(m) = x.fargate_plan[i] {
                add(&mut cost, &spread(window_cost(m), &x.cands[i].billed_hourly));
            }
        }
        cost
    };
    let sim_part = |sim: &FleetSimulation| -> Vec<f64> {
        let mut cost = vec![0.0; hours];
        for (t, v) in sim.per_step.hourly_usd.iter().enumerate() {
            cost[b.hour_of(t)] += v * f64::from(b.step_seconds) / 3600.0;
        }
        cost
    };

    let mut hourly_cost_usd = Vec::new();
    let mut current: Vec<f64> = hour_len.iter().map(|l| x.current_fleet_hourly * l).collect();
    for c in x.cands.iter().filter(|c| c.current_rate.is_some()) {
        add(&mut current, &spread(window_cost(c.current), &c.billed_hourly));
    }
    hourly_cost_usd.push(CostSeries {
        kind: SeriesKind::Current,
        points: per_hour(current),
    });
    if x.all_fargate.is_some() {
        hourly_cost_usd.push(CostSeries {
            kind: SeriesKind::Fargate,
            points: per_hour(fargate_part(&mut (0..x.cands.len()))),
        });
    }
    let rest_ok = x.fargate_only.iter().all(|&i| x.fargate_plan[i].is_some());
    if let (Some(runs), true) = (x.all_ec2, rest_ok) {
        let rest = fargate_part(&mut x.fargate_only.iter().copied());
        let mut ecs = sim_part(&runs.ecs.sim);
        add(&mut ecs, &rest);
        hourly_cost_usd.push(CostSeries {
            kind: SeriesKind::Ec2,
            points: per_hour(ecs),
        });
        if let Some(ideal) = &runs.ideal {
            let mut cost = sim_part(ideal);
            add(&mut cost, &rest);
            hourly_cost_usd.push(CostSeries {
                kind: SeriesKind::Ec2Ideal,
                points: per_hour(cost),
            });
        }
    }

    if let (Some(runs), true) = (x.managed, rest_ok) {
        let mut cost = sim_part(&runs.ecs.sim);
        add(&mut cost, &fargate_part(&mut x.fargate_only.iter().copied()));
        hourly_cost_usd.push(CostSeries {
            kind: SeriesKind::ManagedInstances,
            points: per_hour(cost),
        });
    }

    let ec2_fleet_hourly = x.all_ec2.map(|runs| {
        let p = &runs.ecs.sim.per_step;
        let mean = |v: &[u64]| -> Vec<f64> {
            let mut sum = vec![0.0; hours];
            let mut n = vec![0u32; hours];
            for (t, &val) in v.iter().enumerate() {
                sum[b.hour_of(t)] += val as f64;
                n[b.hour_of(t)] += 1;
            }
            sum.iter().zip(&n).map(|(s, &n)| round4(s / f64::from(n.max(1)))).collect()
        };
        FleetSeries {
            cpu_units_allocated: mean(&p.cpu_units_allocated),
            cpu_units_available: mean(&p.cpu_units_available),
            memory_mib_allocated: mean(&p.memory_mib_allocated),
            memory_mib_available: mean(&p.memory_mib_available),
        }
    });

    let services_daily_cost_usd = x
        .cands
        .iter()
        .zip(services)
        .map(|(c, s)| {
            // Fargate bills task-seconds; an EC2 share follows the tasks run (a daemon: the days).
            let ec2_weights: &[f64] = if c.is_daemon() { &day_len } else { &c.running_daily };
            let today: &[f64] = if c.current_rate.is_some() { &c.billed_daily } else { ec2_weights };
            let rec = &s.recommendation;
            let recommended: &[f64] = match (&rec.target, rec.action) {
                (_, Action::Keep) => today,
                (Some(t), _) if t.compute == Compute::Fargate => &c.billed_daily,
                _ => ec2_weights,
            };
            let line = |m: Usd, w: &[f64]| spread(window_cost(m), w).into_iter().map(round4).collect();
            ServiceSeries {
                name: s.name.clone(),
                current: line(s.current_monthly_usd, today),
                recommended: line(rec.monthly_usd, recommended),
            }
        })
        .collect();

    Series {
        start: x.start,
        hourly_cost_usd,
        ec2_fleet_hourly,
        services_daily_cost_usd,
    }
}
