//! Headless Chromium for the HTML report test: Debian's `chromium` package, installed by the
//! test itself when it is missing (the way the AWS tests install moto), started with no network
//! at all. Nothing is skipped: if it cannot be installed, the test fails with the command to run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

const CANDIDATES: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];

fn installed() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("ECS_ADVISOR_TEST_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian's chromium with apt-get (as root, or through `sudo -n`).
fn install() {
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo", "-n"] };
    let apt = |args: &[&str]| -> bool {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        Command::new(all[0])
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let ok = apt(&["install", "-y", "-qq", "--no-install-recommends", "chromium"])
        || (apt(&["update", "-qq"]) && apt(&["install", "-y", "-qq", "--no-install-recommends", "chromium"]));
    assert!(
        ok && installed().is_some(),
        "the HTML report test needs Chromium and could not install it; run `sudo apt-get install chromium` (Debian) or set ECS_ADVISOR_TEST_CHROMIUM to a Chromium binary"
    );
}

/// The Chromium binary, installing it on first use.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    BIN.get_or_init(|| {
        let _guard = LOCK.lock().unwrap();
        if installed().is_none() {
            install();
        }
        installed().expect("installed")
    })
    .clone()
}

/// Runs headless Chromium on a page from disk with the network cut off: no proxy reachable, every
/// host name unresolvable, no background connections. `--no-sandbox` because CI runs as root.
pub fn run(profile: &Path, extra: &[&str], page: &Path) -> Output {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    Command::new(binary())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("start chromium")
}
