//! The exit codes: a published contract (the README and every command's help list them). A
//! budget breach (1) never looks like a tool failure (2 and up). Only the command layer maps an
//! outcome or an error to one; the core never names them.

/// Everything went well.
pub const OK: u8 = 0;
/// `gate`: a budget rule was breached.
pub const BUDGET_EXCEEDED: u8 = 1;
/// Bad command line: unknown flag, missing value (clap's own code).
pub const USAGE: u8 = 2;
/// Bad input: missing or corrupt snapshot, tasks file or saved report, invalid config, a task no
/// instance holds.
pub const INPUT: u8 = 3;
/// Pricing: unknown region or instance type, missing price.
pub const PRICING: u8 = 4;
/// AWS: no credentials or region, access denied, throttling, unreachable endpoint, unknown cluster.
pub const AWS: u8 = 5;
/// Could not write the output.
pub const OUTPUT: u8 = 6;
/// Partial: the output is written, but something could not be priced (an instance type or
/// region the catalog lacks); the report names it and the command that fixes it.
pub const PARTIAL: u8 = 7;
/// Ended by a signal: 128 plus its number (SIGINT 130, SIGTERM 143, SIGHUP 129), as shells
/// report it; set by the binary's signal listener, not by a command.
pub const SIGNALLED_BASE: u8 = 128;
