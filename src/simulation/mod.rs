//! Simulation: what the cluster's tasks would cost on Fargate (billing rules, rightsizing) and on
//! EC2 (packing onto instances at every step). Synchronous and deterministic for a given snapshot
//! and price catalog; no I/O.

pub mod ec2;
pub mod fargate;
mod knapsack;
mod lp;
pub mod minimum_charge;
pub mod optimizer;
pub mod realistic;
#[cfg(test)]
mod testing;
pub mod testsets;

use thiserror::Error;

use fargate::Platform;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimulationError {
    #[error("invalid Fargate task size {cpu_units} CPU units / {memory_mib} MiB: {why}")]
    InvalidFargateSize { cpu_units: u32, memory_mib: u32, why: String },
    #[error("ephemeral storage {storage_gib} GiB is above Fargate's 200 GiB")]
    InvalidStorage { storage_gib: u32 },
    #[error("Fargate Spot does not run {platform:?} tasks")]
    SpotUnsupported { platform: Platform },
    #[error("no EC2 instance type to pack onto; check --instance-types and the region's catalog")]
    NoInstanceTypes,
}
