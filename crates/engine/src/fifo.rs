//! The command file itself: a named pipe created with mode 0660 at startup and
//! removed at shutdown (spec `external-commands.md` §1), read without ever blocking
//! the scheduler.
//!
//! The reader opens the FIFO read-write and non-blocking: holding a write end itself
//! means it never sees end-of-file when the last external writer closes, and writers
//! never block in `open()` while the core runs. Bytes are split on `\n`; partial
//! lines are kept until their newline arrives; lines of any length up to
//! [`MAX_LINE`] are delivered whole.

use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::Sender;

/// Longest line kept (16 MiB). A longer line is dropped up to its newline, so a
/// writer that never sends `\n` cannot exhaust memory.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// Creates the command file as a FIFO with mode 0660 (independent of the umask).
/// An existing FIFO is kept as it is; any other existing non-directory file (left
/// over from a crash, or a plain file) is removed and replaced.
pub fn create(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(md) if md.file_type().is_fifo() => return Ok(()),
        Ok(md) if md.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a directory exists at the command file path",
            ))
        }
        Ok(_) => std::fs::remove_file(path)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o660))
        .map_err(io::Error::from)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
}

/// The Nagios 4 log text for a failed [`create`]:
/// `Error: Could not create external command file '<f>' as named pipe: (<errno>) ->
/// <strerror>.  If this file already exists and you are sure that another copy of
/// Nagios is not running, you should delete this file.`
pub fn create_error_text(path: &Path, err: &io::Error) -> String {
    let errno = err.raw_os_error().unwrap_or(0);
    let msg = match err.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
        None => err.to_string(),
    };
    format!(
        "Error: Could not create external command file '{}' as named pipe: ({errno}) -> {msg}.  If this file already exists and you are sure that another copy of Nagios is not running, you should delete this file.",
        path.display()
    )
}

/// Removes the command file (at shutdown). Errors are ignored: a missing file is fine.
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Splits complete lines out of a byte buffer, keeping a trailing partial line.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
    /// Dropping the rest of an over-long line until its newline.
    skipping: bool,
}

impl LineSplitter {
    /// New, empty splitter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns every line completed by them (without `\n`, invalid
    /// UTF-8 replaced by U+FFFD). Blank lines are dropped.
    pub fn push(&mut self, mut data: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(i) = data.iter().position(|&b| b == b'\n') {
            if self.skipping {
                self.skipping = false;
            } else {
                self.buf.extend_from_slice(&data[..i]);
                let text = String::from_utf8_lossy(&self.buf);
                if !text.trim().is_empty() {
                    out.push(text.into_owned());
                }
            }
            self.buf.clear();
            data = &data[i + 1..];
        }
        if !self.skipping {
            self.buf.extend_from_slice(data);
            if self.buf.len() > MAX_LINE {
                self.buf = Vec::new();
                self.skipping = true;
            }
        }
        out
    }

    /// Bytes of an incomplete line held back.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

/// Reads the FIFO at `path` forever, sending each complete, non-blank line (without
/// its `\n`) to `tx` in arrival order. Returns `Ok(())` when the receiver is dropped,
/// or an error if the path cannot be opened as a FIFO or a read fails.
///
/// Needs a tokio runtime with the I/O driver enabled.
pub async fn read_lines(path: PathBuf, tx: Sender<String>) -> io::Result<()> {
    // read_write: we hold a write end ourselves, so no EOF when writers go away and
    // open() never waits for a writer. The receiver is non-blocking (epoll driven).
    let mut rx = tokio::net::unix::pipe::OpenOptions::new()
        .read_write(true)
        .open_receiver(&path)?;
    let mut splitter = LineSplitter::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = tokio::select! {
            r = rx.read(&mut buf) => r?,
            _ = tx.closed() => return Ok(()),
        };
        if n == 0 {
            // Cannot normally happen while we hold a write end; avoid a busy loop.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        for line in splitter.push(&buf[..n]) {
            if tx.send(line).await.is_err() {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_handles_partial_and_multiple_lines() {
        let mut s = LineSplitter::new();
        assert_eq!(s.push(b"[1] A;x\n[2] B"), vec!["[1] A;x".to_string()]);
        assert_eq!(s.pending(), 5);
        assert_eq!(s.push(b";y\n\n  \n[3] C\n"), vec!["[2] B;y", "[3] C"]);
        assert_eq!(s.pending(), 0);
        assert_eq!(s.push(b"\xff\xfe[4] D\n"), vec!["\u{fffd}\u{fffd}[4] D"]);
    }

    #[test]
    fn splitter_drops_overlong_line_only() {
        let mut s = LineSplitter::new();
        let big = vec![b'x'; MAX_LINE + 10];
        assert!(s.push(&big).is_empty());
        assert_eq!(s.pending(), 0);
        assert!(s.push(b"yyy").is_empty());
        assert_eq!(s.push(b"zz\n[1] OK\n"), vec!["[1] OK"]);
    }

    #[test]
    fn create_replaces_plain_file_and_keeps_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nagios.cmd");
        std::fs::write(&p, b"stale").unwrap();
        create(&p).unwrap();
        let md = std::fs::symlink_metadata(&p).unwrap();
        assert!(md.file_type().is_fifo());
        assert_eq!(md.permissions().mode() & 0o777, 0o660);
        // Second call keeps the same FIFO (same inode).
        use std::os::unix::fs::MetadataExt;
        let ino = md.ino();
        create(&p).unwrap();
        assert_eq!(std::fs::symlink_metadata(&p).unwrap().ino(), ino);
        remove(&p);
        assert!(!p.exists());
        remove(&p); // missing file: no panic
    }

    #[test]
    fn create_error_text_matches_nagios() {
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(
            create_error_text(Path::new("/x/nagios.cmd"), &e),
            "Error: Could not create external command file '/x/nagios.cmd' as named pipe: (13) -> Permission denied.  If this file already exists and you are sure that another copy of Nagios is not running, you should delete this file."
        );
    }
}
