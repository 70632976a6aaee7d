//! A standard output closed before the program started (`ecs-advisor analyze --demo >&-`).
//!
//! Rust's runtime reopens a closed standard stream on /dev/null before `main`, so writing to it
//! succeeds and the report would be lost with exit 0. The reopened stream is read-write, while a
//! shell's `> /dev/null` opens it write-only: on Linux that difference is readable in /proc without
//! `unsafe`. A stream opened read-write on /dev/null on purpose (`1<>/dev/null`) looks the same;
//! `> /dev/null` is the way to discard the output.

use std::io::{self, Write};

/// Whether standard output was closed when the program started. Linux only (elsewhere `false`).
pub fn was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let on_dev_null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == std::path::Path::new("/dev/null"));
        on_dev_null
            && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("flags:"))
                    .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                    // O_ACCMODE is 3; O_RDWR is 2.
                    .is_some_and(|flags| flags & 0o3 == 0o2)
            })
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Standard output when it was closed at start: every write fails and says so, so a command whose
/// output goes there ends with exit 6 instead of losing it. A command that writes only to `--out`
/// never touches it.
pub struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(
            "it was closed when ecs-advisor started (`>&-`); give --out FILE, or discard the output with `> /dev/null`",
        ))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
