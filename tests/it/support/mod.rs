//! Helpers every test module shares: the binary (`cmd`), and the real parts the tests start or
//! check against (moto, a Pricing API server, a slow proxy, Chromium, the gate's JUnit schema and GitHub Markdown checks).

pub mod chromium;
pub mod cmd;
pub mod gate_checks;
pub mod moto;
pub mod pricing_server;
pub mod slow_proxy;
