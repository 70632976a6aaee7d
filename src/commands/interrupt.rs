//! Ending on a signal: SIGINT, SIGTERM or SIGHUP undoes every write under way
//! ([`crate::fsio::abandon_writes`]: temporaries removed, a folder moved aside put back) and ends
//! the run with 128 plus the signal's number, as a shell reports it (130 for Ctrl-C). SIGKILL
//! cannot be caught: what it leaves, the next run clears.

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
                crate::fsio::abandon_writes();
                std::process::exit(i32::from(crate::exit::SIGNALLED_BASE) + signal);
            }
        });
    }
}
