//! Domain primitives every stage shares: a processor architecture, the platform a task runs on,
//! and whether capacity is on demand or Spot. The ground floor: imports nothing of the crate.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A processor architecture, of an instance type or of the images a task definition runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// What a task runs on, as far as billing and placement care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    LinuxX86,
    LinuxArm,
    Windows,
}

/// On-demand or Spot capacity (Fargate Spot, or EC2 Spot instances).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Capacity {
    OnDemand,
    Spot,
}

/// An analysed window `[start, end)` of whole steps: what `collect` reads from CloudWatch, what a
/// snapshot's manifest records and what a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub step_seconds: u32,
}

impl Window {
    pub fn steps(&self) -> u32 {
        let secs = (self.end - self.start).num_seconds().max(0) as u64;
        (secs / u64::from(self.step_seconds.max(1))) as u32
    }

    /// The window's length in whole steps.
    pub fn seconds(&self) -> u64 {
        u64::from(self.steps()) * u64::from(self.step_seconds)
    }

    /// Its length in days, to the hundredth.
    pub fn days(&self) -> f64 {
        (self.seconds() as f64 / 86_400.0 * 100.0).round() / 100.0
    }

    /// The step a timestamp (seconds) starts, if it is one inside the window.
    pub fn step_of(&self, secs: i64) -> Option<usize> {
        let offset = secs - self.start.timestamp();
        let step = i64::from(self.step_seconds);
        (offset >= 0 && offset % step == 0 && offset / step < i64::from(self.steps())).then_some((offset / step) as usize)
    }
}
