//! A run ended by a signal leaves nothing half-written behind: the real binary, signalled while
//! it writes the month folder or the gate's files, as a user's Ctrl-C or a CI runner's cancel
//! would. The file or folder being written finishes whole; none starts after.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cmd::{bin, demo_json_text, s, spawnable, tmp};

/// Starts `report --demo` into `out` and sends `signal` at the first sight of its month folder
/// being written (`.2026-10.tmp-PID`), or else once the month is written: the index it writes
/// next is a FIFO no one reads (`out/index.html`), where the run waits, so the signal always
/// lands before the run ends. Returns the exit code; `out/index.html` stays the FIFO.
fn signalled_while_writing(out: &Path, signal: &str) -> Option<i32> {
    assert!(std::process::Command::new("mkfifo")
        .arg(out.join("index.html"))
        .status()
        .unwrap()
        .success());
    let mut child = spawnable()
        .args(["report", "--demo", "--quiet", "--out", s(out)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let cluster = out.join("demo-prod");
    let wchan = format!("/proc/{}/wchan", child.id());
    let deadline = Instant::now() + Duration::from_secs(300);
    let writing = || {
        std::fs::read_dir(&cluster)
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with(".2026-10.tmp-")))
            .unwrap_or(false)
    };
    while !writing() && std::fs::read_to_string(&wchan).unwrap_or_default() != "wait_for_partner" {
        assert!(child.try_wait().unwrap().is_none(), "the run ended without waiting at its index");
        assert!(Instant::now() < deadline, "no month folder written in 300 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    signal_and_wait(child, signal)
}

/// Sends `signal` to `child` and returns its exit code. The shell's own kill: no signal crate
/// needed in the tests.
fn signal_and_wait(mut child: std::process::Child, signal: &str) -> Option<i32> {
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

/// What a month folder holds, its charts included, sorted.
fn files_of(month: &Path) -> Vec<String> {
    let mut v = entries(month);
    v.extend(entries(&month.join("charts")).into_iter().map(|c| format!("charts/{c}")));
    v.sort();
    v
}

/// Writes the demo's month into `out`, uninterrupted, and returns its files.
fn month_written(out: &Path) -> Vec<String> {
    let run = bin().args(["report", "--demo", "--quiet", "--out", s(out)]).output().unwrap();
    assert!(run.status.success());
    files_of(&out.join("demo-prod/2026-10"))
}

/// The month is whole: every file of `whole` (what an uninterrupted run writes), and a report
/// that reads.
fn assert_whole(month: &Path, whole: &[String]) {
    assert_eq!(files_of(month), whole, "the month's files, all of them");
    let json = std::fs::read_to_string(month.join("report.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&json).expect("a whole report.json");
}

/// SIGINT while `report` wrote a month left a hidden `.<month>.tmp-PID` folder behind; later,
/// the month being written was removed under its writer, which ended the run with exit 6 and
/// sometimes left the folder (files written while it was removed). A signal now lets the month
/// being written finish whole, and nothing stays beside it.
#[test]
fn ctrl_c_while_a_month_is_written_exits_130_and_leaves_it_whole_with_nothing_beside_it() {
    let out = tmp();
    assert_eq!(signalled_while_writing(out.path(), "INT"), Some(130));
    assert_eq!(entries(&out.path().join("demo-prod")), vec!["2026-10".to_string()]);
    assert_whole(&out.path().join("demo-prod/2026-10"), &month_written(tmp().path()));
}

/// SIGTERM while a month is rewritten: the month stays whole in its place (the rewrite
/// finishes), with nothing beside it.
#[test]
fn sigterm_while_a_month_is_rewritten_exits_143_and_leaves_the_month_whole() {
    let out = tmp();
    let whole = month_written(out.path());
    std::fs::remove_file(out.path().join("index.html")).unwrap();
    let month = out.path().join("demo-prod/2026-10");
    assert_eq!(signalled_while_writing(out.path(), "TERM"), Some(143));
    assert_eq!(entries(&out.path().join("demo-prod")), vec!["2026-10".to_string()]);
    assert_whole(&month, &whole);
}

/// Starts `gate` on the demo's report with `args`, in which one of `--out` and `--junit` is the
/// FIFO `fifo` that no one reads: the gate waits at it, holding whatever it wrote before. Sends
/// SIGINT once the kernel says it waits there (`wait_for_partner` in /proc), never on a timer:
/// a slow machine only makes the test wait longer, and returns the exit code.
fn gate_interrupted_at(fifo: &Path, args: &[&str]) -> Option<i32> {
    let dir = fifo.parent().unwrap();
    assert!(std::process::Command::new("mkfifo").arg(fifo).status().unwrap().success());
    let report = dir.join("report.json");
    std::fs::write(&report, demo_json_text()).unwrap();
    let mut child = spawnable()
        .args(["gate", "--report", s(&report), "--budget", "100000"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wchan = format!("/proc/{}/wchan", child.id());
    let deadline = Instant::now() + Duration::from_secs(300);
    while std::fs::read_to_string(&wchan).unwrap_or_default() != "wait_for_partner" {
        assert!(child.try_wait().unwrap().is_none(), "the gate ended without waiting at the FIFO");
        assert!(Instant::now() < deadline, "the gate did not wait at the FIFO in 300 s ({wchan})");
        std::thread::sleep(Duration::from_millis(5));
    }
    signal_and_wait(child, "INT")
}

/// SIGINT during `gate` left partial `--out`/`--junit` files. Ctrl-C while the gate waits to write
/// its JUnit file: exit 130, and no `--out` and no temporary beside it.
#[test]
fn ctrl_c_before_the_gate_writes_its_out_file_exits_130_and_leaves_nothing() {
    let d = tmp();
    let (fifo, out) = (d.path().join("junit.xml"), d.path().join("gate.txt"));
    assert_eq!(gate_interrupted_at(&fifo, &["--junit", s(&fifo), "--out", s(&out)]), Some(130));
    assert_eq!(entries(d.path()), vec!["junit.xml", "report.json"], "only the FIFO and the input");
}

/// Ctrl-C while the gate waits to write `--out` (a FIFO), after its JUnit file: exit 130, and the
/// JUnit file is whole, with no temporary beside it.
#[test]
fn ctrl_c_after_the_gate_wrote_its_junit_file_exits_130_and_leaves_it_whole() {
    let d = tmp();
    let (fifo, junit) = (d.path().join("gate.txt"), d.path().join("junit.xml"));
    assert_eq!(gate_interrupted_at(&fifo, &["--junit", s(&junit), "--out", s(&fifo)]), Some(130));
    assert_eq!(entries(d.path()), vec!["gate.txt", "junit.xml", "report.json"]);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.trim_end().ends_with("</testsuites>"), "a whole JUnit file: {xml}");
}
