//! Reading a file the user names as input: only a regular file, and no more than a limit for its
//! kind. A FIFO with no writer would block the open for ever and a device such as `/dev/zero`
//! never ends, so both are refused by kind before anything is opened; a regular file over its
//! limit is refused before it is read (and a file that grows while read stops at the limit).

use std::io::{self, Read};
use std::path::Path;

pub const MIB: u64 = 1024 * 1024;

/// A task definition, a configuration file or a `pack` tasks file.
pub const SMALL: u64 = 64 * MIB;
/// A saved report, a Terraform plan in JSON, a snapshot's inventory or a price cache: 5,000
/// services with their chart data stay well under it.
pub const LARGE: u64 = 1024 * MIB;

/// The file's bytes, or an error that says why in words that follow its name.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, len) = open(path, limit)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// The file opened to read, with its length: refused by kind (a FIFO, a device, a folder) before
/// it is opened, and by size when over `limit`. For a reader that reads parts of it, whose own
/// format bounds what it takes.
pub fn open(path: &Path, limit: u64) -> io::Result<(std::fs::File, u64)> {
    let meta = std::fs::metadata(path)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file: give the file itself", kind_words(&kind)),
        ));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    Ok((std::fs::File::open(path)?, meta.len()))
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {} MiB or more, over the {} MiB such a file may be",
            size.div_ceil(MIB).max(1),
            limit / MIB
        ),
    )
}

fn kind_words(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_by_kind_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        // A FIFO with no writer: opening it would block; it is refused at once.
        let e = read(&fifo, SMALL).unwrap_err().to_string();
        assert_eq!(e, "it is a FIFO (named pipe), not a regular file: give the file itself");
        let e = read(Path::new("/dev/zero"), SMALL).unwrap_err().to_string();
        assert!(e.starts_with("it is a character device"), "{e}");
        let e = read(dir.path(), SMALL).unwrap_err().to_string();
        assert!(e.starts_with("it is a directory"), "{e}");
    }

    #[test]
    fn a_file_over_its_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        let f = std::fs::File::create(&big).unwrap();
        // Sparse: 3 MiB on paper, nothing on disk.
        f.set_len(3 * MIB).unwrap();
        let e = read(&big, 2 * MIB).unwrap_err().to_string();
        assert_eq!(e, "it is 3 MiB or more, over the 2 MiB such a file may be");
        assert_eq!(read(&big, 4 * MIB).unwrap().len() as u64, 3 * MIB);
        let bad = dir.path().join("bad.txt");
        std::fs::write(&bad, [0xff, 0xfe]).unwrap();
        assert_eq!(read_to_string(&bad, SMALL).unwrap_err().to_string(), "it is not UTF-8 text");
    }
}
