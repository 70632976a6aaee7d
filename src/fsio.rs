//! The one way anything is written: a file or a folder appears whole or not at all (a temporary
//! name beside it, then a rename), and what a killed run left is cleared by the next. Every output
//! uses it: `--out` files, the JUnit file, charts, snapshots, the monthly report folder and its
//! index, the price cache. A run ended by a signal lets the write under way finish and starts no
//! other ([`stop_writing`]), so it leaves nothing behind either. Knows nothing of the product.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// Held while a temporary file or folder is written and moved into place. A run ending on a
/// signal takes it and never lets go ([`stop_writing`]): the write under way finishes whole, and
/// none starts after, so nothing is half-written by construction (undoing a folder while its
/// writer still filled it was a race the writer could win). A fill writes only into its own new
/// folder, so holding this never waits on another process: a signal waits for the fill's own
/// writing only, which is why callers make their bytes first.
static WRITING: Mutex<()> = Mutex::new(());

fn writing() -> std::sync::MutexGuard<'static, ()> {
    WRITING.lock().unwrap_or_else(|e| e.into_inner())
}

/// For a run about to end on a signal: waits for the file or folder being written to be whole
/// in its place, then keeps every later write waiting, so the process must end right after. A
/// write through to a device, FIFO or standard output is not waited for (it may never finish).
pub fn stop_writing() {
    std::mem::forget(writing());
}

/// Writes bytes to a file atomically: a short temporary name beside it, then a rename; the
/// temporary file is removed whatever fails. An existing device, FIFO or socket (`--out
/// /dev/null`, even through a link) is written through, never replaced by a regular file; a link
/// to a regular file is followed and its target replaced; standard output's own file (`--out
/// /dev/stdout` with standard output appended to a file) is written through standard output.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Ok(m) = std::fs::metadata(path) {
        if m.is_dir() {
            return Err(std::io::Error::other("it is a directory"));
        }
        if m.is_file() && is_standard_output(&m) {
            let mut out = std::io::stdout().lock();
            return out.write_all(bytes).and_then(|_| out.flush());
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
            return f.write_all(bytes).and_then(|_| f.flush());
        }
    }
    let target = follow_links(path)?;
    let dir = parent_of(&target);
    clear_temporaries(&dir);
    let tmp = dir.join(format!(".ecs-advisor.{}.{}.tmp", std::process::id(), next()));
    let _writing = writing();
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Writes a folder atomically: `fill` writes into a temporary sibling folder, which then takes
/// `dir`'s place. A signal waits for the fill, so it should write bytes made beforehand; and it
/// must not write through this module, whose lock it runs under. An earlier `dir` is moved aside
/// first and removed only once the new one is in place (put back if the rename fails). A killed
/// run's half-written folder is removed by the next, and a folder it had moved aside is put back
/// if nothing took its place. A file (or link) in `dir`'s place is refused: it is someone's, not
/// an earlier output.
pub fn write_dir<E: From<std::io::Error>>(dir: &Path, fill: impl FnOnce(&Path) -> Result<(), E>) -> Result<(), E> {
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    clear_folder_debris(&parent, &name);
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(std::io::Error::other("it is a file, not a folder this tool wrote: move it away or choose another path").into());
    }
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _writing = writing();
    let _ = std::fs::remove_dir_all(&tmp);
    let result = std::fs::create_dir_all(&tmp)
        .map_err(E::from)
        .and_then(|()| fill(&tmp))
        .and_then(|()| swap_into_place(&tmp, dir).map_err(E::from));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// The entries of `dir` a killed run left: those whose name `pid_of` reads a process ID from,
/// where that process no longer runs (Linux: no `/proc/PID`), each with what `pid_of` read
/// besides. Elsewhere, where that cannot be told, none: nothing is touched.
pub fn left_by_dead_runs<T>(dir: &Path, pid_of: impl Fn(&str) -> Option<(T, u32)>) -> Vec<(PathBuf, T)> {
    if !Path::new("/proc/self").exists() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let (what, pid) = pid_of(&e.file_name().to_string_lossy())?;
            let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
            gone.then(|| (e.path(), what))
        })
        .collect()
}

fn next() -> u32 {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Follows links a few hops; a dangling one names the file to create.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..8 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => break,
        }
    }
    Ok(target)
}

/// Removes `.ecs-advisor.PID.N.tmp` files that a run killed mid-write left in `dir`.
fn clear_temporaries(dir: &Path) {
    let stale = left_by_dead_runs(dir, |name| {
        let pid = name.strip_prefix(".ecs-advisor.")?.strip_suffix(".tmp")?.split('.').next()?;
        Some(((), pid.parse().ok()?))
    });
    for (path, ()) in stale {
        let _ = std::fs::remove_file(path);
    }
}

/// What a run killed while writing the folder `name` left beside it: `.<name>.tmp-PID` (half
/// written) is removed; `.<name>.old-PID` (the earlier folder, moved aside just before the new one
/// took its place) is put back if nothing took its place, else removed.
fn clear_folder_debris(parent: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let debris = left_by_dead_runs(parent, |file| {
        let (kind, pid) = file.strip_prefix(&prefix)?.split_once('-')?;
        matches!(kind, "tmp" | "old").then_some((kind == "old", pid.parse().ok()?))
    });
    let dir = parent.join(name);
    for (path, old) in debris {
        if old && !dir.exists() {
            let _ = std::fs::rename(&path, &dir);
        } else {
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
}

/// Moves a finished folder to its name, replacing an earlier one only once the new one is whole.
fn swap_into_place(tmp: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(tmp, dir);
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = dir.with_file_name(format!(".{name}.old-{}", std::process::id()));
    std::fs::rename(dir, &old)?;
    if let Err(e) = std::fs::rename(tmp, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Whether `m` is the file this process's standard output is open on.
#[cfg(unix)]
fn is_standard_output(m: &std::fs::Metadata) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .is_ok_and(|s| s.dev() == m.dev() && s.ino() == m.ino())
}

#[cfg(not(unix))]
fn is_standard_output(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_fails_to_fill_leaves_the_earlier_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026-10");
        write_dir::<std::io::Error>(&dir, |tmp| std::fs::write(tmp.join("a"), "first")).unwrap();
        let failed = write_dir::<std::io::Error>(&dir, |tmp| {
            std::fs::write(tmp.join("a"), "half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(dir.join("a")).unwrap(), "first");
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("2026-10")], "no temporary folder stays");
    }

    #[test]
    fn a_file_in_a_folders_place_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("snap");
        std::fs::write(&dir, "mine").unwrap();
        assert!(write_dir::<std::io::Error>(&dir, |_| Ok(())).is_err());
        assert_eq!(std::fs::read_to_string(&dir).unwrap(), "mine");
    }

    #[test]
    fn a_file_replaces_the_earlier_one_and_leaves_no_temporary() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("out.json");
        write_file(&path, b"one").unwrap();
        write_file(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
