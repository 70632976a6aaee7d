use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use ecs_advisor::{run, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    ecs_advisor::commands::interrupt::install();
    let result = if ecs_advisor::stdout::was_closed() {
        run(cli, &mut ecs_advisor::stdout::Closed)
    } else {
        run(cli, &mut std::io::stdout().lock())
    };
    ecs_advisor::commands::interrupt::defer_to_signal();
    let code = match result {
        Ok(outcome) => {
            for w in &outcome.warnings {
                say(&format!("warning: {w}"));
            }
            for line in &outcome.lines {
                say(line);
            }
            outcome.exit_code
        }
        Err(e) => {
            say(&format!("error: {e}"));
            e.exit_code()
        }
    };
    ExitCode::from(code)
}

/// A line on standard error; a closed stderr must not cost the exit code.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
