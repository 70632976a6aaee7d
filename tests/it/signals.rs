//! A run ended by a signal leaves nothing behind: the real binary, signalled while it writes the
//! month folder, as a user's Ctrl-C or a CI runner's cancel would.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cmd::{bin, s, spawnable, tmp};

/// Starts `report --demo` into `out`, sends `signal` once its month folder is being written, and
/// returns the exit code.
fn signalled_while_writing(out: &Path, signal: &str) -> Option<i32> {
    let mut child = spawnable()
        .args(["report", "--demo", "--quiet", "--out", s(out)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let cluster = out.join("demo-prod");
    let deadline = Instant::now() + Duration::from_secs(300);
    let writing = || {
        std::fs::read_dir(&cluster)
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with(".2026-10.tmp-")))
            .unwrap_or(false)
    };
    while !writing() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it wrote its month folder"
        );
        assert!(Instant::now() < deadline, "no month folder written in 300 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    // The shell's own kill: no signal crate needed in the tests.
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -{signal} {}", child.id())])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait().unwrap().code()
}

/// What the cluster's folder holds, hidden entries included, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// SIGINT while `report` wrote a month left a hidden `.<month>.tmp-PID` folder behind.
#[test]
fn ctrl_c_while_a_month_is_written_exits_130_and_leaves_no_half_written_folder() {
    let out = tmp();
    assert_eq!(signalled_while_writing(out.path(), "INT"), Some(130));
    assert_eq!(
        entries(&out.path().join("demo-prod")),
        Vec::<String>::new(),
        "nothing of the month stays"
    );
}

/// SIGTERM while a month is rewritten: the earlier report stays whole, in its place.
#[test]
fn sigterm_while_a_month_is_rewritten_exits_143_and_keeps_the_earlier_report() {
    let out = tmp();
    let first = bin()
        .args(["report", "--demo", "--quiet", "--out", s(out.path())])
        .output()
        .unwrap();
    assert!(first.status.success());
    let report = out.path().join("demo-prod/2026-10/report.json");
    let before = std::fs::read(&report).unwrap();
    assert_eq!(signalled_while_writing(out.path(), "TERM"), Some(143));
    assert_eq!(entries(&out.path().join("demo-prod")), vec!["2026-10".to_string()]);
    assert_eq!(std::fs::read(&report).unwrap(), before, "the earlier report, whole");
}
