//! Append-only line files: a locked append that sees the last line first, and a line-by-line
//! reader that never holds more than one bounded line.
//!
//! Several programs may append to one file on a shared folder (two clinicians' review windows
//! on one outbox). [`append_line`] takes an exclusive lock on the open file, reads only its
//! last [`TAIL_BYTES`] (never the whole file, however long it has grown), lets the caller make
//! the next line from the last one, writes it with one `write` in append mode, and `fsync`s
//! before the lock is let go. A second writer waits for the lock, so it sees the first one's
//! line and no line is lost or written twice.
//!
//! The lock is advisory (`flock` on Unix, `LockFileEx` on Windows): it orders the writers that
//! take it — every writer in this program does — not an editor. A filesystem that refuses locks
//! makes the append fail with the reason; it is never done unlocked.

use std::io::{BufRead as _, BufReader, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::Path;

use super::bounded::not_regular;

/// How much of the end of a file an append reads to find the last line. Lines of the files
/// written this way are far shorter.
pub const TAIL_BYTES: u64 = 64 * 1024;

/// Why a line could not be appended or read.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is {kind}, not a regular file")]
    NotAFile { kind: &'static str },
    #[error("cannot lock it: {0}")]
    Lock(#[source] std::io::Error),
    /// The caller would not make a line from what it found at the end.
    #[error("{0}")]
    Refused(String),
    #[error("line {line} is longer than {limit} bytes")]
    LineTooLong { line: u64, limit: usize },
}

/// The end of a file, as an append finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Last<'a> {
    /// The file is empty (or was just created).
    Empty,
    /// Its last complete line, without the newline.
    Line(&'a [u8]),
    /// The file has bytes but no complete line could be found in its tail: a line longer than
    /// [`TAIL_BYTES`], or only a cut-off piece.
    NotFound,
}

/// Appends the line `make` returns to `path`, creating the file (owner-only, 0600 on Unix) if
/// it is missing; an existing file's permissions are left as they are. `make` is given the end
/// of the file while it is locked. A file whose end is not a newline (a write cut off) gets one
/// first, so the new line stands on its own. Returns what `make` returned beside the line.
pub fn append_line<T>(
    path: &Path,
    make: impl FnOnce(Last<'_>) -> Result<(Vec<u8>, T), String>,
) -> Result<T, AppendError> {
    if let Ok(meta) = std::fs::metadata(path)
        && let Some(kind) = not_regular(&meta.file_type())
    {
        return Err(AppendError::NotAFile { kind });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    if let Some(kind) = not_regular(&file.metadata()?.file_type()) {
        return Err(AppendError::NotAFile { kind });
    }
    file.lock().map_err(AppendError::Lock)?;
    // Only now, under the lock, is the length final.
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    (&mut file).take(TAIL_BYTES).read_to_end(&mut tail)?;
    let torn = tail.last().is_some_and(|&b| b != b'\n');
    let last = if len == 0 {
        Last::Empty
    } else {
        last_line(&tail, start == 0)
    };
    let (mut line, value) = make(last).map_err(AppendError::Refused)?;
    if torn {
        line.insert(0, b'\n');
    }
    if line.last() != Some(&b'\n') {
        line.push(b'\n');
    }
    // One write of the whole line: in append mode it lands at the end, after any other
    // writer's, never interleaved with one.
    file.write_all(&line)?;
    file.sync_all()?;
    // Closing the file lets go of the lock.
    Ok(value)
}

/// The last complete line of `tail`; `whole` when `tail` starts at the start of the file (so
/// its first line is a line, not the end of one).
fn last_line(tail: &[u8], whole: bool) -> Last<'_> {
    let Some(end) = tail.iter().rposition(|&b| b == b'\n') else {
        return Last::NotFound;
    };
    let complete = &tail[..end];
    match complete.iter().rposition(|&b| b == b'\n') {
        Some(nl) => Last::Line(&complete[nl + 1..]),
        None if whole => Last::Line(complete),
        None => Last::NotFound,
    }
}

/// Calls `each` with every line of `path` (1-based number, bytes without the newline), in
/// order, holding one line at a time; a line longer than `max_line` bytes stops the reading
/// with [`AppendError::LineTooLong`]. A missing file has no lines (`Ok(false)`); `Ok(true)`
/// when it exists. A last line without a newline is given too.
pub fn for_each_line(
    path: &Path,
    max_line: usize,
    mut each: impl FnMut(u64, &[u8]),
) -> Result<bool, AppendError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(AppendError::NotAFile { kind });
    }
    let file = std::fs::File::open(path)?;
    if let Some(kind) = not_regular(&file.metadata()?.file_type()) {
        return Err(AppendError::NotAFile { kind });
    }
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        // A line of `max_line` bytes and its newline, at most.
        let n = (&mut reader)
            .take(max_line as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(true);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.len() > max_line {
            return Err(AppendError::LineTooLong {
                line: number,
                limit: max_line,
            });
        }
        each(number, &line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(path: &Path, text: &str) -> Option<Vec<u8>> {
        append_line(path, |last| {
            let seen = match last {
                Last::Line(l) => Some(l.to_vec()),
                Last::Empty | Last::NotFound => None,
            };
            Ok((text.as_bytes().to_vec(), seen))
        })
        .unwrap()
    }

    fn lines(path: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for_each_line(path, 100, |_, l| {
            out.push(String::from_utf8_lossy(l).into_owned())
        })
        .unwrap();
        out
    }

    #[test]
    fn each_append_sees_the_last_line_and_adds_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        assert_eq!(add(&path, "one"), None);
        assert_eq!(add(&path, "two"), Some(b"one".to_vec()));
        assert_eq!(add(&path, "three"), Some(b"two".to_vec()));
        assert_eq!(lines(&path), ["one", "two", "three"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_cut_off_last_line_is_closed_before_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::write(&path, "one\ntw").unwrap();
        assert_eq!(add(&path, "three"), Some(b"one".to_vec()));
        assert_eq!(lines(&path), ["one", "tw", "three"]);
    }

    #[test]
    fn only_the_tail_of_a_long_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let long = "x".repeat(99);
        let mut text = String::new();
        while (text.len() as u64) < 3 * TAIL_BYTES {
            text.push_str(&long);
            text.push('\n');
        }
        text.push_str("last\n");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(add(&path, "next"), Some(b"last".to_vec()));
        // A last line longer than the tail cannot be found: the caller is told there is none.
        std::fs::write(&path, format!("{}\n", "y".repeat(TAIL_BYTES as usize + 10))).unwrap();
        assert_eq!(add(&path, "after"), None);
    }

    #[test]
    fn long_lines_stop_the_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::write(&path, format!("ok\n{}\n", "z".repeat(200))).unwrap();
        let mut seen = 0;
        let r = for_each_line(&path, 100, |_, _| seen += 1);
        assert!(matches!(r, Err(AppendError::LineTooLong { line: 2, .. })));
        assert_eq!(seen, 1);
        assert!(!for_each_line(&dir.path().join("missing"), 100, |_, _| ()).unwrap());
        assert!(matches!(
            for_each_line(dir.path(), 100, |_, _| ()),
            Err(AppendError::NotAFile { .. })
        ));
    }
}
