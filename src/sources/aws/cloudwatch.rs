//! Usage from CloudWatch: Container Insights per service, or AWS/ECS utilization when Container
//! Insights is off. Queries are batched into as few GetMetricData calls as the API's limits allow
//! (500 queries and 100,800 data points a call), and every page is read.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use aws_sdk_cloudwatch::primitives::DateTime as AwsDateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_sdk_cloudwatch::Client;
use futures_util::{stream, StreamExt, TryStreamExt};

use super::ecs::STANDALONE_PREFIX;
use super::{classify, ApiCalls, AwsError, Progress};

use crate::domain::Window;
use crate::snapshot::{Inventory, UsagePoint};

/// GetMetricData's limits per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
pub const MAX_DATAPOINTS_PER_CALL: usize = 100_800;

pub const INSIGHTS_NAMESPACE: &str = "ECS/ContainerInsights";
pub const ECS_NAMESPACE: &str = "AWS/ECS";

/// How a set of queries is split into calls. Each request carries up to 500 queries and is read
/// page by page; CloudWatch fills a page with up to 100,800 points, so the pages of a request are
/// its points / 100,800, rounded up. Requests are sized to fill their pages (466 queries of 864
/// points fill 4 pages; 500 would need 5), which brings the total to the minimum or just above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallPlan {
    pub queries: usize,
    pub points_per_query: usize,
    /// Queries per request (the last may hold fewer).
    pub per_request: usize,
    pub requests: usize,
    /// Calls (pages) expected in all.
    pub calls: usize,
    /// The fewest calls the limits allow: max(queries / 500, points / 100,800), rounded up.
    pub minimum_calls: usize,
}

pub fn plan_batches(queries: usize, points_per_query: usize) -> CallPlan {
    let p = points_per_query.max(1);
    let full_pages = MAX_QUERIES_PER_CALL * p / MAX_DATAPOINTS_PER_CALL;
    let per_request = if full_pages == 0 {
        MAX_QUERIES_PER_CALL
    } else {
        (full_pages * MAX_DATAPOINTS_PER_CALL / p).clamp(1, MAX_QUERIES_PER_CALL)
    };
    let requests = queries.div_ceil(per_request);
    let calls = (0..requests)
        .map(|r| {
            let in_request = (queries - r * per_request).min(per_request);
            (in_request * p).div_ceil(MAX_DATAPOINTS_PER_CALL).max(1)
        })
        .sum();
    CallPlan {
        queries,
        points_per_query: p,
        per_request,
        requests,
        calls,
        minimum_calls: requests.max((queries * p).div_ceil(MAX_DATAPOINTS_PER_CALL)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    RunningAvg,
    RunningMax,
    CpuUnits,
    MemoryMib,
    CpuPct,
    MemoryPct,
}

impl Kind {
    fn metric(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::RunningAvg => (INSIGHTS_NAMESPACE, "RunningTaskCount", "Average"),
            Kind::RunningMax => (INSIGHTS_NAMESPACE, "RunningTaskCount", "Maximum"),
            Kind::CpuUnits => (INSIGHTS_NAMESPACE, "CpuUtilized", "Average"),
            Kind::MemoryMib => (INSIGHTS_NAMESPACE, "MemoryUtilized", "Average"),
            Kind::CpuPct => (ECS_NAMESPACE, "CPUUtilization", "Average"),
            Kind::MemoryPct => (ECS_NAMESPACE, "MemoryUtilization", "Average"),
        }
    }
}

const INSIGHTS_KINDS: [Kind; 4] = [Kind::RunningAvg, Kind::RunningMax, Kind::CpuUnits, Kind::MemoryMib];
const ECS_KINDS: [Kind; 2] = [Kind::CpuPct, Kind::MemoryPct];

/// Per (service, kind), the value at each step that has one.
type Series = HashMap<(usize, Kind), Vec<Option<f64>>>;

/// Where the usage came from, as the manifest names it.
pub const SOURCE_INSIGHTS: &str = crate::snapshot::usage_source::CONTAINER_INSIGHTS;
pub const SOURCE_AWS_ECS: &str = crate::snapshot::usage_source::AWS_ECS;

/// Reads the usage of every service (standalone tasks have no service metrics) over the window.
/// With Container Insights on, it is read first; if it has no data at all, AWS/ECS is used, and
/// the returned source says which.
pub(crate) async fn usage(
    client: &Client,
    cluster: &str,
    inventory: &Inventory,
    window: &Window,
    insights: bool,
    calls: &mut ApiCalls,
    progress: &mut Progress,
) -> Result<(Vec<UsagePoint>, &'static str), AwsError> {
    let services: Vec<usize> = (0..inventory.services.len())
        .filter(|&i| !inventory.services[i].name.starts_with(STANDALONE_PREFIX))
        .collect();
    if insights {
        let series = fetch(client, cluster, inventory, &services, &INSIGHTS_KINDS, window, calls, progress).await?;
        let has_data = services
            .iter()
            .any(|&s| series.get(&(s, Kind::RunningAvg)).is_some_and(|v| v.iter().any(Option::is_some)));
        if has_data {
            return Ok((insights_points(&services, &series, window), SOURCE_INSIGHTS));
        }
        progress.say(&format!(
            "warning: Container Insights is on for `{cluster}` but has no data in the window; reading AWS/ECS utilization instead"
        ));
    }
    let series = fetch(client, cluster, inventory, &services, &ECS_KINDS, window, calls, progress).await?;
    Ok((ecs_points(inventory, &services, &series, window), SOURCE_AWS_ECS))
}

/// GetMetricData requests in flight at once. CloudWatch allows 50 GetMetricData transactions a
/// second per account and Region by default; four concurrent requests hide the latency of each
/// (seconds for a full page) and stay far below that, with the SDK's retry for any throttling.
const CONCURRENT_REQUESTS: usize = 4;

/// What the requests of one collection share: the call counter and the progress line.
struct Shared<'a> {
    calls: RefCell<&'a mut ApiCalls>,
    progress: RefCell<&'a mut Progress>,
    calls_before: u32,
    planned: usize,
    cluster: &'a str,
}

#[allow(clippy::too_many_arguments)]
async fn fetch(
    client: &Client,
    cluster: &str,
    inventory: &Inventory,
    services: &[usize],
    kinds: &[Kind],
    window: &Window,
    calls: &mut ApiCalls,
    progress: &mut Progress,
) -> Result<Series, AwsError> {
    let queries: Vec<(usize, Kind)> = services.iter().flat_map(|&s| kinds.iter().map(move |&k| (s, k))).collect();
    let plan = plan_batches(queries.len(), window.steps() as usize);
    let shared = Shared {
        calls_before: calls.get("cloudwatch:GetMetricData"),
        calls: RefCell::new(calls),
        progress: RefCell::new(progress),
        planned: plan.calls,
        cluster,
    };
    // Requests run concurrently, each following its own pages; the series do not depend on the
    // order they answer in.
    let answers: Vec<Series> = stream::iter(
        queries
            .chunks(plan.per_request)
            .map(|batch| fetch_batch(client, cluster, inventory, batch, window, &shared)),
    )
    .buffer_unordered(CONCURRENT_REQUESTS)
    .try_collect()
    .await?;
    Ok(answers.into_iter().flatten().collect())
}

/// One request's queries, all its pages. A request that times out (a slow page of many queries)
/// is split in two and each half asked again, down to single queries, before the run gives up.
fn fetch_batch<'a>(
    client: &'a Client,
    cluster: &'a str,
    inventory: &'a Inventory,
    batch: &'a [(usize, Kind)],
    window: &'a Window,
    shared: &'a Shared<'a>,
) -> Pin<Box<dyn Future<Output = Result<Series, AwsError>> + 'a>> {
    Box::pin(async move {
        match fetch_pages(client, cluster, inventory, batch, window, shared).await {
            Err(AwsError::Timeout { .. }) if batch.len() > 1 => {
                let (left, right) = batch.split_at(batch.len() / 2);
                let mut series = fetch_batch(client, cluster, inventory, left, window, shared).await?;
                series.extend(fetch_batch(client, cluster, inventory, right, window, shared).await?);
                Ok(series)
            }
            result => result,
        }
    })
}

async fn fetch_pages(
    client: &Client,
    cluster: &str,
    inventory: &Inventory,
    batch: &[(usize, Kind)],
    window: &Window,
    shared: &Shared<'_>,
) -> Result<Series, AwsError> {
    let steps = window.steps() as usize;
    let mut series: Series = HashMap::new();
    let start = AwsDateTime::from_secs(window.start.timestamp());
    let end = AwsDateTime::from_secs(window.end.timestamp());
    let built: Vec<MetricDataQuery> = batch
        .iter()
        .enumerate()
        .map(|(i, &(s, kind))| {
            let (namespace, metric, stat) = kind.metric();
            let dims = [("ClusterName", cluster), ("ServiceName", inventory.services[s].name.as_str())];
            let mut m = Metric::builder().namespace(namespace).metric_name(metric);
            for (name, value) in dims {
                m = m.dimensions(Dimension::builder().name(name).value(value).build());
            }
            MetricDataQuery::builder()
                .id(format!("q{i}"))
                .metric_stat(
                    MetricStat::builder()
                        .metric(m.build())
                        .period(window.step_seconds as i32)
                        .stat(stat)
                        .build(),
                )
                .return_data(true)
                .build()
        })
        .collect();
    let mut token: Option<String> = None;
    let mut pages = super::Pages::new("cloudwatch:GetMetricData");
    loop {
        {
            let mut calls = shared.calls.borrow_mut();
            calls.add("cloudwatch:GetMetricData");
            let done = calls.get("cloudwatch:GetMetricData") - shared.calls_before;
            shared.progress.borrow_mut().update(&format!(
                "{}: CloudWatch, GetMetricData call {done} of about {}",
                shared.cluster, shared.planned,
            ));
        }
        let out = client
            .get_metric_data()
            .set_metric_data_queries(Some(built.clone()))
            .start_time(start)
            .end_time(end)
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| classify("cloudwatch:GetMetricData", e))?;
        for r in out.metric_data_results() {
            let Some(idx) = r.id().and_then(|id| id.strip_prefix('q')).and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            let Some(&key) = batch.get(idx) else { continue };
            let values = series.entry(key).or_insert_with(|| vec![None; steps]);
            for (t, v) in r.timestamps().iter().zip(r.values()) {
                if let Some(step) = window.step_of(t.secs()) {
                    if v.is_finite() {
                        values[step] = Some(*v);
                    }
                }
            }
        }
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    Ok(series)
}

fn insights_points(services: &[usize], series: &Series, window: &Window) -> Vec<UsagePoint> {
    let mut points = Vec::new();
    let none = vec![None; window.steps() as usize];
    for &s in services {
        let get = |k: Kind| series.get(&(s, k)).unwrap_or(&none);
        let (avg, max, cpu, mem) = (
            get(Kind::RunningAvg),
            get(Kind::RunningMax),
            get(Kind::CpuUnits),
            get(Kind::MemoryMib),
        );
        for step in 0..window.steps() as usize {
            // A step without a task count is a gap: ECS's count cannot be guessed.
            let Some(a) = avg[step].or(max[step]) else { continue };
            let a = a.max(0.0);
            points.push(UsagePoint {
                step: step as u32,
                service: s as u32,
                running_tasks_avg: a,
                running_tasks_max: max[step].unwrap_or(a).max(a),
                tasks_started: None,
                cpu_units_used: cpu[step].map(|v| v.max(0.0)),
                memory_mib_used: mem[step].map(|v| v.max(0.0)),
            });
        }
    }
    points
}

/// AWS/ECS utilization is a percent of what the service's tasks reserve, and has no task count:
/// the count is the inventory's running count at every step that has data.
fn ecs_points(inventory: &Inventory, services: &[usize], series: &Series, window: &Window) -> Vec<UsagePoint> {
    let mut points = Vec::new();
    let none = vec![None; window.steps() as usize];
    for &s in services {
        let svc = &inventory.services[s];
        let Some(td) = inventory.task_definitions.iter().find(|t| t.reference() == svc.task_definition) else {
            continue;
        };
        let running = f64::from(svc.running_count);
        let cpu = series.get(&(s, Kind::CpuPct)).unwrap_or(&none);
        let mem = series.get(&(s, Kind::MemoryPct)).unwrap_or(&none);
        for step in 0..window.steps() as usize {
            if cpu[step].is_none() && mem[step].is_none() {
                continue;
            }
            let of = |pct: Option<f64>, reserved: u32| pct.map(|p| (p.max(0.0) / 100.0) * f64::from(reserved) * running);
            points.push(UsagePoint {
                step: step as u32,
                service: s as u32,
                running_tasks_avg: running,
                running_tasks_max: running,
                tasks_started: None,
                cpu_units_used: of(cpu[step], td.reserved_cpu_units()),
                memory_mib_used: of(mem[step], td.reserved_memory_mib()),
            });
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_fits_both_limits_and_reaches_the_minimum() {
        // 200 services x 4 metrics over 14 days of 5-minute steps: the points bind.
        let p = plan_batches(800, 14 * 288);
        assert_eq!((p.requests, p.calls, p.minimum_calls), (2, 32, 32));
        // Short windows are bound by the 500-query limit.
        let p = plan_batches(800, 12);
        assert_eq!((p.requests, p.calls, p.minimum_calls), (2, 2, 2));
        // 3 days: 466 queries fill 4 pages exactly; 500 would need 5.
        let p = plan_batches(800, 3 * 288);
        assert_eq!((p.per_request, p.calls, p.minimum_calls), (466, 7, 7));
        for q in [1usize, 7, 499, 500, 501, 800, 2000, 4000] {
            for pts in [1usize, 12, 288, 864, 2232, 4032, 9216, 18_144, 26_784, 100_800] {
                let p = plan_batches(q, pts);
                assert!(p.per_request <= MAX_QUERIES_PER_CALL);
                assert!(p.calls >= p.minimum_calls);
                // Whole queries per request leave a little room on some pages.
                assert!(p.calls <= p.minimum_calls + 1 + p.requests / 4, "{q} {pts}: {p:?}");
            }
        }
    }
}
