//! Bounded reading: a file is read whole, but never more than a limit, and only when it is a
//! regular file.
//!
//! A path given on the command line or found in a folder may be anything: `/dev/urandom`
//! never ends, `/dev/zero` neither, and opening a FIFO blocks until someone writes to it. So
//! the kind of file is checked before it is opened (a FIFO is never opened), its size is taken
//! from the open file, and reading stops one byte past the limit in case it grows.

use std::io::Read as _;
use std::path::Path;

/// Why a file's bytes could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Missing, no permission, or a read error.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// A folder, device, FIFO or socket: refused without reading.
    #[error("it is {kind}, not a regular file")]
    NotAFile { kind: &'static str },
    /// Larger than the caller's limit: refused by its size, unread.
    #[error("file is {size} bytes; files larger than {limit} bytes are refused")]
    TooLarge { size: u64, limit: u64 },
}

/// Reads the whole of `path`, refusing anything that is not a regular file or is larger than
/// `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    not_regular(&meta.file_type()).map_or(Ok(()), |kind| Err(ReadError::NotAFile { kind }))?;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // The path may have been replaced between the look and the open: check the open file too.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(ReadError::NotAFile { kind });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(limit + 1, |m| m.len().max(limit + 1));
        return Err(ReadError::TooLarge { size, limit });
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
pub(super) fn not_regular(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&path, 4),
            Err(ReadError::TooLarge { size: 5, limit: 4 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_folders_and_fifos_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        for (path, kind) in [
            (Path::new("/dev/urandom"), "a character device"),
            (Path::new("/dev/zero"), "a character device"),
            (dir.path(), "a folder"),
        ] {
            match read_bounded(path, 1024) {
                Err(ReadError::NotAFile { kind: k }) => assert_eq!(k, kind),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening a FIFO with no writer would block for ever; it must not be opened.
            assert!(matches!(
                read_bounded(&fifo, 1024),
                Err(ReadError::NotAFile {
                    kind: "a named pipe (FIFO)"
                })
            ));
        }
    }
}
