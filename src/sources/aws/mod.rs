//! Live AWS: the cluster's inventory from ECS, its usage from CloudWatch, prices from the Pricing
//! API. Everything here is async on a small current-thread runtime, and the rest of the program
//! sees only [`collect`] (a [`Snapshot`](crate::snapshot::Snapshot)) and [`refresh_prices`].
//!
//! Configuration comes from aws-config's standard chain: `--region` and `--profile`, else the
//! `AWS_*` variables and the shared config files, including the endpoint overrides
//! `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (VPC endpoints, tests), and the retry
//! settings `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` (standard mode, 3 attempts, by default).

mod cloudwatch;
mod collect;
mod ecs;
mod pricing;

use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ecs::config::ProvideCredentials;
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use thiserror::Error;

pub use cloudwatch::{plan_batches, CallPlan, MAX_DATAPOINTS_PER_CALL, MAX_QUERIES_PER_CALL};
/// Pages of one paginated call before ecs-advisor stops following `NextToken`: far above any
/// real account (100 clusters, 5,000 services, 10,000 instances, the Pricing API's EC2 list)
/// and bounded, so an endpoint that never ends its list cannot keep a run going forever.
pub const MAX_PAGES: usize = 5_000;
/// Time one paginated call may take, all pages together.
pub const MAX_PAGING: Duration = Duration::from_secs(30 * 60);

/// Follows one paginated call's tokens: refuses a repeated token, more than [`MAX_PAGES`] pages
/// and more than [`MAX_PAGING`] in all.
pub struct Pages {
    action: &'static str,
    pages: usize,
    seen: std::collections::HashSet<String>,
    started: std::time::Instant,
}

impl Pages {
    pub fn new(action: &'static str) -> Self {
        Pages {
            action,
            pages: 0,
            seen: std::collections::HashSet::new(),
            started: std::time::Instant::now(),
        }
    }

    /// The token for the next page, `None` when the list has ended.
    pub fn next(&mut self, token: Option<&str>) -> Result<Option<String>, AwsError> {
        self.pages += 1;
        let Some(t) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if !self.seen.insert(t.to_string()) {
            return Err(AwsError::Paging {
                action: self.action,
                pages: self.pages,
                why: " (it sent the same NextToken twice)",
            });
        }
        if self.pages >= MAX_PAGES {
            return Err(AwsError::Paging {
                action: self.action,
                pages: self.pages,
                why: "",
            });
        }
        if self.started.elapsed() > MAX_PAGING {
            return Err(AwsError::Paging {
                action: self.action,
                pages: self.pages,
                why: " and 30 minutes",
            });
        }
        Ok(Some(t.to_string()))
    }
}

pub use collect::{collect, period_for, window_ending_at, CollectSettings, Collected, MAX_LOOKBACK_DAYS};
pub use pricing::{parse_ec2_item, parse_fargate_item, refresh_prices, Ec2Price, FargatePrice, PRICING_REGION};

/// Errors of live collection (the command layer answers them with exit 5, a bad setting with 2).
#[derive(Debug, Error)]
pub enum AwsError {
    #[error(
        "no AWS credentials found ({0}); set AWS_PROFILE or pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
    )]
    NoCredentials(String),
    #[error("no AWS region; pass --region or set AWS_REGION (or a region in the profile)")]
    NoRegion,
    #[error(
        "access denied to `{action}` ({message}); grant it to the caller: the README lists the read-only IAM policy ecs-advisor needs"
    )]
    AccessDenied { action: &'static str, message: String },
    #[error("AWS rejected the credentials for `{action}` ({code}: {message}); refresh them (an expired session?) or check the profile")]
    BadCredentials {
        action: &'static str,
        code: String,
        message: String,
    },
    #[error("`{action}` is still throttled after retries; try again later, or raise AWS_MAX_ATTEMPTS or set AWS_RETRY_MODE=adaptive")]
    Throttled { action: &'static str },
    #[error("cannot reach AWS for `{action}`: {message}; check the network, a proxy, or AWS_ENDPOINT_URL")]
    Unreachable { action: &'static str, message: String },
    #[error("`{action}` timed out; check the network, or try again")]
    Timeout { action: &'static str },
    #[error("cluster `{name}` not found in {region}; clusters there: {known}")]
    ClusterNotFound { name: String, region: String, known: String },
    #[error("no ECS clusters in {region}; check --region and the account")]
    NoClusters { region: String },
    #[error("`{action}` failed ({code}): {message}")]
    Service {
        action: &'static str,
        code: String,
        message: String,
    },
    #[error("unexpected answer from `{action}`: {message}")]
    Unexpected { action: &'static str, message: String },
    #[error("`{action}` is still paging after {pages} pages{why}; the endpoint does not end its list: check AWS_ENDPOINT_URL")]
    Paging {
        action: &'static str,
        pages: usize,
        why: &'static str,
    },
    #[error("environment variable {variable} is `{value}`: it must be {expected}; fix or unset it")]
    BadSetting {
        variable: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("cannot start the AWS client runtime: {0}")]
    Runtime(String),
}

/// How to reach AWS: what the command line adds to the standard chain.
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    pub region: Option<crate::domain::Region>,
    pub profile: Option<String>,
    /// No progress indicator, even on a terminal.
    pub quiet: bool,
}

/// Runs a future to completion on a fresh current-thread runtime: the rest of the program stays
/// synchronous.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, AwsError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AwsError::Runtime(e.to_string()))?;
    Ok(rt.block_on(f))
}

/// The SDK's config loader panics on a retry setting it cannot read: check them first, naming
/// the variable.
fn check_retry_settings() -> Result<(), AwsError> {
    let bad = |variable: &'static str, value: String, expected: &'static str| AwsError::BadSetting { variable, value, expected };
    if let Ok(v) = std::env::var("AWS_MAX_ATTEMPTS") {
        if !v.trim().parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)) {
            return Err(bad("AWS_MAX_ATTEMPTS", v, "a whole number of attempts from 1 to 100"));
        }
    }
    for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        // Set but not a Region code (empty, or `not a region!`): the SDK would send it on to the
        // network layer. An unset variable is the chain's to fill.
        if let Ok(v) = std::env::var(variable) {
            if crate::domain::Region::parse(v.trim()).is_err() {
                return Err(bad(variable, v, "an AWS Region code such as us-east-1"));
            }
        }
    }
    if let Ok(v) = std::env::var("AWS_RETRY_MODE") {
        if !["standard", "adaptive", "legacy"].contains(&v.trim().to_ascii_lowercase().as_str()) {
            return Err(bad("AWS_RETRY_MODE", v, "`standard` or `adaptive`"));
        }
    }
    Ok(())
}

/// Environment variable: seconds one API attempt may take (default 60), for slow links.
pub const ATTEMPT_TIMEOUT_ENV: &str = "ECS_ADVISOR_AWS_ATTEMPT_TIMEOUT";

fn attempt_timeout() -> Result<Duration, AwsError> {
    match std::env::var(ATTEMPT_TIMEOUT_ENV) {
        Err(_) => Ok(Duration::from_secs(60)),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=600).contains(&n) => Ok(Duration::from_secs(n)),
            _ => Err(AwsError::BadSetting {
                variable: ATTEMPT_TIMEOUT_ENV,
                value: v,
                expected: "whole seconds from 1 to 600",
            }),
        },
    }
}

/// Loads the shared configuration and checks, before any call, that there are credentials and a
/// region, so their absence is one clear error instead of a failure deep inside a request.
pub(crate) async fn load_config(opts: &AwsOptions, region_override: Option<&str>) -> Result<SdkConfig, AwsError> {
    check_retry_settings()?;
    let attempt = attempt_timeout()?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(attempt)
            .operation_timeout(attempt * 3)
            .build(),
    );
    if let Some(r) = region_override.or(opts.region.as_ref().map(|r| r.as_str())) {
        loader = loader.region(Region::new(r.to_string()));
    }
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(AwsError::NoRegion);
    }
    let provider = config
        .credentials_provider()
        .ok_or_else(|| AwsError::NoCredentials("no credentials provider".into()))?;
    provider
        .provide_credentials()
        .await
        .map_err(|e| AwsError::NoCredentials(credentials_words(&e)))?;
    Ok(config)
}

/// The most an AWS answer's body may hold. The largest real ones are GetMetricData pages (500
/// queries of a few thousand points, tens of MB); an endpoint sending without end is cut here
/// with an error instead of filling memory.
pub const MAX_ANSWER_BYTES: usize = 512 * 1024 * 1024;

/// Bounds every answer's body at [`MAX_ANSWER_BYTES`] before the SDK reads it.
#[derive(Debug)]
pub(crate) struct BoundedBody;

impl aws_sdk_ecs::config::Intercept for BoundedBody {
    fn name(&self) -> &'static str {
        "BoundedBody"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_ecs::config::interceptors::BeforeDeserializationInterceptorContextMut<'_>,
        _: &aws_sdk_ecs::config::RuntimeComponents,
        _: &mut aws_sdk_ecs::config::ConfigBag,
    ) -> Result<(), aws_sdk_ecs::error::BoxError> {
        use aws_smithy_types::body::SdkBody;
        let body = context.response_mut().body_mut();
        let taken = std::mem::replace(body, SdkBody::taken());
        *body = taken.map(|b| SdkBody::from_body_1_x(http_body_util::Limited::new(b, MAX_ANSWER_BYTES)));
        Ok(())
    }
}

/// Whether an error came from an answer cut at [`MAX_ANSWER_BYTES`].
fn over_the_bound(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// Why no credentials were had, in one short line: the SDK's own context runs to a thousand
/// characters of debug output across the whole provider chain.
fn credentials_words(e: &(dyn std::error::Error + 'static)) -> String {
    let top = e.to_string();
    if top.contains("not enabled") || top.contains("not loaded") {
        return "none in the environment, the shared config and credentials files, web identity, the ECS container endpoint or EC2 instance metadata".into();
    }
    let mut words = top;
    if let Some(source) = e.source() {
        words.push_str(": ");
        words.push_str(&source.to_string());
    }
    let words = one_line(&words);
    match words.char_indices().nth(240) {
        Some((cut, _)) => format!("{}...", &words[..cut]),
        None => words,
    }
}

/// Turns an SDK error into one line that names the IAM action and says what to do.
pub(crate) fn classify<E>(action: &'static str, err: SdkError<E, aws_sdk_ecs::config::http::HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::TimeoutError(_) => AwsError::Timeout { action },
        SdkError::DispatchFailure(d) if d.is_timeout() => AwsError::Timeout { action },
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_) => AwsError::Unreachable {
            action,
            message: format!("{} ({})", what_failed(&err), endpoint_words(action)),
        },
        SdkError::ResponseError(_) if over_the_bound(&err) => AwsError::Unexpected {
            action,
            message: format!(
                "an answer over {} MiB from {}: cut there",
                MAX_ANSWER_BYTES / (1024 * 1024),
                endpoint_words(action)
            ),
        },
        SdkError::ResponseError(r) => AwsError::Unexpected {
            action,
            message: format!(
                "not an AWS answer (HTTP {}) from {}",
                r.raw().status().as_u16(),
                endpoint_words(action)
            ),
        },
        // An answer with neither an error code nor a message (a body the SDK could not read):
        // "failed (Unknown): no message" said nothing.
        _ if err.code().is_none() && err.message().is_none() => AwsError::Unexpected {
            action,
            message: format!(
                "an answer it could not read{} from {}",
                err.raw_response()
                    .map(|r| format!(" (HTTP {})", r.status().as_u16()))
                    .unwrap_or_default(),
                endpoint_words(action)
            ),
        },
        _ => {
            let code = err.code().unwrap_or("Unknown").to_string();
            let message = one_line(err.message().unwrap_or("no message"));
            match code.as_str() {
                "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" | "UnauthorizedException" => {
                    AwsError::AccessDenied { action, message }
                }
                "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "InvalidSignatureException"
                | "SignatureDoesNotMatch"
                | "ExpiredTokenException"
                | "ExpiredToken"
                | "MissingAuthenticationToken" => AwsError::BadCredentials { action, code, message },
                "ThrottlingException" | "Throttling" | "TooManyRequestsException" | "RequestLimitExceeded" | "LimitExceededException" => {
                    AwsError::Throttled { action }
                }
                _ => AwsError::Service { action, code, message },
            }
        }
    }
}

/// What went wrong under a failed dispatch, in words: the operating system's error where there
/// is one (connection refused, no route to host), else the innermost message that is not a
/// debug dump of the SDK's types.
fn what_failed(err: &(dyn std::error::Error + 'static)) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut plain = None;
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return one_line(&io.to_string());
        }
        let text = e.to_string();
        if !text.contains(['{', '}']) && !text.contains("::") && !text.trim().is_empty() {
            plain = Some(text);
        }
        source = e.source();
    }
    one_line(&plain.unwrap_or_else(|| "the connection failed".into()))
}

/// The endpoint a call went to, as far as the settings say.
fn endpoint_words(action: &str) -> String {
    let service = action.split(':').next().unwrap_or_default().to_ascii_uppercase();
    [format!("AWS_ENDPOINT_URL_{service}"), "AWS_ENDPOINT_URL".to_string()]
        .iter()
        .find_map(|v| {
            std::env::var(v)
                .ok()
                .filter(|u| !u.is_empty())
                .map(|u| format!("endpoint {u}, from {v}"))
        })
        .unwrap_or_else(|| "the AWS endpoint for the region".into())
}

/// Error chains can span lines; a message is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many calls each API took: reported after every collection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiCalls(pub BTreeMap<&'static str, u32>);

impl ApiCalls {
    pub fn add(&mut self, api: &'static str) {
        *self.0.entry(api).or_default() += 1;
    }
    pub fn get(&self, api: &str) -> u32 {
        self.0.get(api).copied().unwrap_or(0)
    }
    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }
}

impl Display for ApiCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k} {v}")).collect();
        write!(f, "{} API calls ({})", self.total(), parts.join(", "))
    }
}

/// A one-line progress indicator on standard error, drawn only on a terminal and without
/// `--quiet`; summaries (`say`) are printed unless `--quiet`.
pub(crate) struct Progress {
    live: bool,
    quiet: bool,
    drawn: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            live: !quiet && std::io::stderr().is_terminal(),
            quiet,
            drawn: false,
        }
    }

    pub fn update(&mut self, message: &str) {
        if self.live {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K{message}");
            let _ = e.flush();
            self.drawn = true;
        }
    }

    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.drawn = false;
        }
    }

    /// A line that stays: what was collected, warnings.
    pub fn say(&mut self, message: &str) {
        self.clear();
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
