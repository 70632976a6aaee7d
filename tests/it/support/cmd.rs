//! Running the real binary in tests: isolated from the user's price cache and from the CI
//! environment's GITHUB_STEP_SUMMARY.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

pub fn bin() -> Command {
    Command::from_std(spawnable())
}

/// [`bin`] as a plain process command, for a test that spawns the binary and signals it.
pub fn spawnable() -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut c = std::process::Command::cargo_bin("ecs-advisor").unwrap();
    c.env(
        "ECS_ADVISOR_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-price-cache"),
    )
    .env_remove("GITHUB_STEP_SUMMARY");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary directory under the target directory (removed when dropped).
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The demo's report as `analyze --demo --output json` prints it, computed once per test run
/// for every test that only reads it.
pub fn demo_json_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let o = run(&["analyze", "--demo", "--output", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    })
}
