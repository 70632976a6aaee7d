//! One collection: for each cluster, the ECS inventory and the CloudWatch usage over the window,
//! assembled into a snapshot that has passed the same validation as a snapshot loaded from disk.

use chrono::{DateTime, TimeZone, Utc};

use super::{block_on, cloudwatch, ecs, load_config, ApiCalls, AwsError, AwsOptions, Progress};
use crate::snapshot::{Manifest, Snapshot, Usage, SCHEMA_VERSION};
use crate::sources::SourceError as Error;

/// CloudWatch keeps 1-hour data for 455 days; nothing older can be read.
pub const MAX_LOOKBACK_DAYS: u64 = 455;
/// 5-minute data is kept for 63 days.
const FIVE_MINUTE_RETENTION_DAYS: u64 = 63;

/// The period CloudWatch's retention allows for a lookback: 5 minutes up to 63 days, else 1 hour.
pub fn period_for(lookback_seconds: u64) -> u32 {
    if lookback_seconds <= FIVE_MINUTE_RETENTION_DAYS * 86_400 {
        300
    } else {
        3600
    }
}

use crate::domain::Window;

/// The window of `lookback_seconds` (rounded up to whole steps) ending at `end` rounded down to
/// the step CloudWatch's retention allows.
pub fn window_ending_at(end: DateTime<Utc>, lookback_seconds: u64) -> Window {
    let step = period_for(lookback_seconds);
    let step_i = i64::from(step);
    let end_s = end.timestamp().div_euclid(step_i) * step_i;
    let steps = lookback_seconds.div_ceil(u64::from(step)).max(1) as i64;
    let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or(end);
    Window {
        start: at(end_s - steps * step_i),
        end: at(end_s),
        step_seconds: step,
    }
}

#[derive(Clone, Debug)]
pub struct CollectSettings {
    /// Cluster names or ARNs; empty with `all_clusters`.
    pub clusters: Vec<String>,
    pub all_clusters: bool,
    pub lookback_seconds: u64,
    /// End of the window; now when absent.
    pub end: Option<DateTime<Utc>>,
    pub aws: AwsOptions,
}

pub struct Collected {
    pub snapshots: Vec<Snapshot>,
    pub calls: ApiCalls,
}

/// Collects every requested cluster. Progress and a summary go to standard error.
pub fn collect(settings: &CollectSettings) -> Result<Collected, Error> {
    block_on(collect_async(settings))?
}

async fn collect_async(settings: &CollectSettings) -> Result<Collected, Error> {
    let mut progress = Progress::new(settings.aws.quiet);
    progress.update("loading AWS configuration");
    let config = load_config(&settings.aws, None).await?;
    let region = config.region().map(|r| r.to_string()).ok_or(AwsError::NoRegion)?;
    let ecs_client = aws_sdk_ecs::Client::from_conf(aws_sdk_ecs::config::Builder::from(&config).interceptor(super::BoundedBody).build());
    let cw_client = aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::config::Builder::from(&config)
            .interceptor(super::BoundedBody)
            .build(),
    );
    let mut calls = ApiCalls::default();

    let wanted = if settings.all_clusters {
        let names = ecs::list_cluster_names(&ecs_client, &mut calls).await?;
        if names.is_empty() {
            return Err(AwsError::NoClusters { region }.into());
        }
        names
    } else {
        settings.clusters.clone()
    };
    let now = Utc::now();
    let window = window_ending_at(settings.end.unwrap_or(now), settings.lookback_seconds);
    let mut snapshots = Vec::new();
    for name in &wanted {
        progress.update(&format!("{name}: describing the cluster"));
        let cluster = ecs::describe_cluster(&ecs_client, name, &region, &mut calls).await?;
        let inventory = ecs::inventory(&ecs_client, &cluster, &window, &mut calls, &mut progress).await?;
        if !cluster.insights_on() {
            progress.say(&format!(
                "note: Container Insights is off for `{}`; using AWS/ECS CPU and memory utilization (no task counts over time)",
                cluster.name
            ));
        }
        let (usage, usage_source) = cloudwatch::usage(
            &cw_client,
            &cluster.name,
            &inventory,
            &window,
            cluster.insights_on(),
            &mut calls,
            &mut progress,
        )
        .await?;
        let standalone = inventory
            .services
            .iter()
            .filter(|s| s.name.starts_with(ecs::STANDALONE_PREFIX))
            .map(|s| s.running_count)
            .sum::<u32>();
        progress.say(&format!(
            "collected `{}` in {region}: {} services, {} container instances, {} standalone tasks, {} usage rows from {} over {} steps of {} s",
            cluster.name,
            inventory.services.len(),
            inventory.container_instances.len(),
            standalone,
            usage.len(),
            usage_source,
            window.steps(),
            window.step_seconds
        ));
        let manifest = Manifest {
            schema_version: SCHEMA_VERSION,
            cluster: cluster.name.clone(),
            region: region.clone(),
            window_start: window.start,
            window_end: window.end,
            step_seconds: window.step_seconds,
            collected_at: Utc.timestamp_opt(now.timestamp(), 0).single().unwrap_or(now),
            source: "ecs-advisor collect".into(),
            usage_source: usage_source.into(),
            task_definition_history: true,
        };
        let snapshot = Snapshot {
            manifest,
            usage: Usage::from_points(inventory.services.len(), usage),
            inventory,
        };
        snapshots.push(validated(snapshot)?);
    }
    progress.say(&format!("{calls}"));
    Ok(Collected { snapshots, calls })
}

/// Passes the snapshot through its own file format and the loader's validation, so what
/// `analyze --cluster` analyses is exactly what `collect` then `analyze --snapshot` would.
fn validated(s: Snapshot) -> Result<Snapshot, Error> {
    let to_err = |e: &dyn std::fmt::Display| crate::snapshot::SnapshotError::Inconsistent(format!("collected data: {e}"));
    let manifest = serde_json::to_vec(&s.manifest).map_err(|e| to_err(&e))?;
    let inventory = serde_json::to_vec(&s.inventory).map_err(|e| to_err(&e))?;
    let usage = s.usage_parquet().map_err(|e| to_err(&e))?;
    Ok(Snapshot::from_parts(
        ("manifest.json", &manifest),
        ("inventory.json", &inventory),
        ("usage.parquet", &usage),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_cloudwatch_retention() {
        assert_eq!(period_for(3 * 86_400), 300);
        assert_eq!(period_for(63 * 86_400), 300);
        assert_eq!(period_for(93 * 86_400), 3600);
    }

    #[test]
    fn windows_end_on_a_step_and_hold_whole_steps() {
        let end = Utc.with_ymd_and_hms(2026, 11, 26, 10, 7, 31).unwrap();
        let w = window_ending_at(end, 3 * 86_400);
        assert_eq!(w.end, Utc.with_ymd_and_hms(2026, 11, 26, 10, 5, 0).unwrap());
        assert_eq!(w.steps(), 864);
        assert_eq!(w.step_of(w.start.timestamp()), Some(0));
        assert_eq!(w.step_of(w.start.timestamp() + 300), Some(1));
        assert_eq!(w.step_of(w.start.timestamp() + 30), None);
        assert_eq!(w.step_of(w.end.timestamp()), None);
        let w = window_ending_at(end, 93 * 86_400);
        assert_eq!((w.step_seconds, w.steps()), (3600, 93 * 24));
    }
}
