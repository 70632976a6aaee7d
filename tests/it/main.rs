//! The integration tests, one binary (cargo's `tests/testsuite` shape): a module per capability,
//! the helpers in `support` shared by all. Every test drives the real binary, real files, a real
//! moto server, a real headless browser; none skips for a missing tool.

mod aws;
mod bill;
mod cli;
mod gate;
mod hostile_input;
mod report;
#[cfg(unix)]
mod signals;
mod support;
