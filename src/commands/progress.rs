//! The analysis progress line on standard error: drawn only on a terminal, without `--quiet`,
//! and only once an analysis has run for more than a moment, so quick runs print nothing.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long an analysis runs before the line appears.
const SHOW_AFTER: Duration = Duration::from_millis(1500);
const TICK: Duration = Duration::from_millis(200);

struct State {
    stage: String,
    done: bool,
}

/// Draws the current stage with the elapsed time from a thread of its own; cleared on drop.
pub struct ProgressLine {
    state: Arc<Mutex<State>>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressLine {
    pub fn start(quiet: bool) -> ProgressLine {
        let state = Arc::new(Mutex::new(State {
            stage: "loading".into(),
            done: false,
        }));
        let thread = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || draw(&state))
        });
        ProgressLine { state, thread }
    }

    pub fn stage(&self, what: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.stage = what.to_string();
        }
    }
}

fn draw(state: &Mutex<State>) {
    let started = Instant::now();
    let mut drawn = false;
    loop {
        std::thread::sleep(TICK);
        let Ok(s) = state.lock() else { return };
        let mut e = std::io::stderr().lock();
        if s.done {
            if drawn {
                let _ = write!(e, "\r\x1b[2K");
                let _ = e.flush();
            }
            return;
        }
        if started.elapsed() >= SHOW_AFTER {
            let _ = write!(e, "\r\x1b[2Kanalyzing: {} ({:.0} s)", s.stage, started.elapsed().as_secs_f64());
            let _ = e.flush();
            drawn = true;
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        if let Ok(mut s) = self.state.lock() {
            s.done = true;
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
