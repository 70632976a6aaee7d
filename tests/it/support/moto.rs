//! moto_server for the AWS tests: installed by the tests themselves into a virtualenv under
//! `target/` (from `tests/aws/requirements.txt`, pinned by `tests/aws/constraints.txt`), started
//! on a free loopback port, and seeded by `tests/aws/seed.py`. Nothing is skipped: without
//! python3 the tests fail and say what to install.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The virtualenv's python, installing moto on first use.
pub fn python() -> PathBuf {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    VENV.get_or_init(|| {
        let _guard = LOCK.lock().unwrap();
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aws-test-venv");
        let python = venv.join("bin").join("python");
        let reqs = std::fs::read_to_string(repo().join("tests/aws/requirements.txt")).unwrap()
            + &std::fs::read_to_string(repo().join("tests/aws/constraints.txt")).unwrap();
        let marker = venv.join("installed-requirements.txt");
        if python.is_file() && std::fs::read_to_string(&marker).ok().as_deref() == Some(reqs.as_str()) {
            return python;
        }
        let _ = std::fs::remove_dir_all(&venv);
        let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status();
        match made {
            Ok(s) if s.success() => {}
            other => panic!(
                "the AWS tests need python3 with venv to install moto_server (got {other:?}); install python3 and python3-venv (Debian: apt install python3-venv)"
            ),
        }
        let pip = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(repo().join("tests/aws/requirements.txt"))
            .arg("-c")
            .arg(repo().join("tests/aws/constraints.txt"))
            .status()
            .expect("run pip");
        assert!(
            pip.success(),
            "installing moto[server] from PyPI into {} failed; the AWS tests need PyPI",
            venv.display()
        );
        std::fs::write(&marker, reqs).unwrap();
        python
    })
    .clone()
}

/// A running, seeded moto server. It stops when this process ends (its stdin closes).
pub struct Moto {
    pub endpoint: String,
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
}

/// The end of the seeded window and its length in days.
pub const SEED_END: &str = "2026-11-20T00:00:00Z";
pub const SEED_DAYS: u32 = 3;

/// One seeded server per test binary, shared by its tests (they only read).
pub fn seeded() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let python = python();
        let mut child = Command::new(&python)
            .arg(repo().join("tests/aws/moto_server.py"))
            .env("MOTO_ECS_SERVICE_RUNNING", "2")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("moto_server did not start: {line:?}"))
            .trim()
            .to_string();
        let endpoint = format!("http://127.0.0.1:{port}");
        let seed = Command::new(&python)
            .arg(repo().join("tests/aws/seed.py"))
            .args([&endpoint, SEED_END, &SEED_DAYS.to_string()])
            .output()
            .unwrap();
        assert!(
            seed.status.success(),
            "seeding moto failed: {}",
            String::from_utf8_lossy(&seed.stderr)
        );
        Moto {
            endpoint,
            _child: Mutex::new(child),
            _stdin: Mutex::new(stdin),
        }
    })
}
