//! ecs-advisor: should an ECS workload run on Fargate, on EC2 or on ECS Managed Instances, at what
//! size, and what would that save?
//!
//! Where things are (each layer imports only those below it; none imports `commands`):
//!
//! - **Application**: [`commands`], one file per subcommand: its arguments, its inputs, the core
//!   call, its outputs, its outcome and exit code. `main.rs` only parses, calls [`commands::run`]
//!   and prints. [`commands::Error`] is the only place an error meets an exit code ([`exit`]).
//! - **Renderers**: [`output`] (table, JSON, CSV, Markdown, HTML, gate, pack, prices) and
//!   [`charts`], over the report model; they read, never compute.
//! - **Core**, in pipeline order: [`sources`] (the demo, snapshot folders, live AWS: the only
//!   network I/O and async) -> [`snapshot`] -> [`usage`] -> [`pricing`] -> [`simulation`] ->
//!   [`recommend`], which builds the [`report`] model. Beside it: [`gate`] (a proposal priced
//!   against the state), [`review`] (a month's review and its comparison), [`allocation`] (cost
//!   by a tag's values), [`pack`].
//! - **Ground floor**: [`domain`] (architectures, platforms, capacity, Region, Month), [`money`],
//!   [`config`] (the assumptions), [`input`] (bounded reads), [`fsio`] (the one atomic writer),
//!   [`exit`] (the published exit codes), [`stdout`].

pub mod allocation;
pub mod bill;
pub mod charts;
pub mod columnar;
pub mod commands;
pub mod config;
pub mod domain;
pub mod exit;
pub mod figures;
pub mod fsio;
pub mod gate;
pub mod input;
pub mod money;
pub mod output;
pub mod pack;
pub mod pricing;
pub mod recommend;
pub mod report;
pub mod review;
pub mod simulation;
pub mod snapshot;
pub mod sources;
pub mod stdout;
pub mod usage;

pub use commands::{run, Cli, Error, Outcome};
