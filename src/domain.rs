//! Domain primitives every stage shares: a processor architecture, the platform a task runs on,
//! whether capacity is on demand or Spot, an AWS Region and a calendar month. The ground floor: imports nothing of the crate.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
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

/// An AWS Region code such as `us-east-1` or `ap-southeast-2`: lowercase words joined by dashes,
/// ending in a number. Anything else is refused where it enters, not sent to the network layer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(String);

impl Region {
    pub fn parse(s: &str) -> Result<Region, String> {
        let parts: Vec<&str> = s.split('-').collect();
        let last = parts[parts.len() - 1];
        let ok = parts.len() >= 3
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
            && !last.is_empty()
            && last.chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(Region(s.to_string()))
        } else {
            Err(format!("`{s}` is not an AWS Region code; write one like us-east-1 or eu-west-2"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A calendar month, `YYYY-MM`: what a monthly report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Month {
    /// Parses `YYYY-MM` (2009, when ECS's parent services were young, to 2100).
    pub fn parse(s: &str) -> Result<Month, String> {
        let bad = || format!("`{s}` is not a month: give YYYY-MM, for example 2026-10");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` is not a month: the month must be 01 to 12"));
        }
        if !(2009..=2100).contains(&year) {
            return Err(format!("`{s}` is out of range: give a month from 2009-01 to 2100-12"));
        }
        Ok(Month { year, month })
    }

    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .expect("a parsed month starts")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    /// The month an instant falls in.
    pub fn of(t: DateTime<Utc>) -> Month {
        Month {
            year: t.year(),
            month: t.month(),
        }
    }

    /// The month a window reports on: the one its last instant falls in.
    pub fn of_window(w: &Window) -> Month {
        Month::of(w.end - Duration::seconds(1))
    }

    /// The last month that has ended by `now`.
    pub fn last_full(now: DateTime<Utc>) -> Month {
        Month::of(now).previous()
    }

    /// The month's name in words: "October 2026".
    pub fn words(self) -> String {
        self.start().format("%B %Y").to_string()
    }
}
