//! Ending on a signal: SIGINT, SIGTERM or SIGHUP lets the file or folder being written finish
//! whole and starts no other ([`crate::fsio::stop_writing`]), then ends the run with 128 plus the
//! signal's number, as a shell reports it (130 for Ctrl-C). SIGKILL cannot be caught: what it
//! leaves, the next run clears.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a signal is being handled: from then on the exit is the signal's.
static ENDING: AtomicBool = AtomicBool::new(false);

/// Starts listening for the signals, on a thread of its own. Only the binary calls it: a library
/// user keeps its own signal handling.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                ENDING.store(true, Ordering::SeqCst);
                crate::fsio::stop_writing();
                std::process::exit(i32::from(crate::exit::SIGNALLED_BASE) + signal);
            }
        });
    }
}

/// For the binary, once the command has returned and before it says or exits anything: when a
/// signal is being handled, waits for the handler's exit (128 plus the signal) instead, so a
/// signalled run never ends 0 or with a message because its command finished meanwhile.
pub fn defer_to_signal() {
    if ENDING.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}
