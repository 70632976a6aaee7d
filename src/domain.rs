//! Domain primitives every stage shares: a processor architecture, the platform a task runs on,
//! and whether capacity is on demand or Spot. The ground floor: imports nothing of the crate.

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
