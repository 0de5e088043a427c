//! The main log file (`log_file`): `[epoch] text` lines, appended and written with one
//! `write` per line (or per batch of lines) so that a crash never leaves half a line,
//! and readers such as Livestatus see each line as soon as it happens.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The open log file.
pub struct LogFile {
    path: PathBuf,
    file: Option<File>,
    /// Also echo lines to stderr (the terminal view of `vigil run`).
    pub echo: bool,
}

impl LogFile {
    /// Opens `path` for appending (created if missing).
    pub fn open(path: &Path) -> io::Result<LogFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(LogFile {
            path: path.to_path_buf(),
            file: Some(file),
            echo: false,
        })
    }

    /// A log that only echoes (no file), for tools that run the engine's logic.
    pub fn none() -> LogFile {
        LogFile {
            path: PathBuf::new(),
            file: None,
            echo: false,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text of one entry as it goes into the file: `[ts] text\n`. Newlines
    /// inside `text` are replaced by spaces so one entry is always one line.
    pub fn format_line(ts: i64, text: &str) -> String {
        let text = text.trim_end_matches('\n');
        let mut line = String::with_capacity(text.len() + 16);
        line.push('[');
        line.push_str(&ts.to_string());
        line.push_str("] ");
        if text.contains('\n') {
            line.push_str(&text.replace('\n', " "));
        } else {
            line.push_str(text);
        }
        line.push('\n');
        line
    }

    /// Writes one entry.
    pub fn write(&mut self, ts: i64, text: &str) {
        let line = Self::format_line(ts, text);
        self.write_formatted(line.as_bytes());
    }

    /// Writes entries already made by [`LogFile::format_line`], with one `write`.
    pub fn write_formatted(&mut self, lines: &[u8]) {
        if lines.is_empty() {
            return;
        }
        if self.echo {
            let _ = io::stderr().write_all(lines);
        }
        if let Some(f) = self.file.as_mut() {
            // A full disk must not stop monitoring: the error is reported on stderr.
            if let Err(e) = f.write_all(lines) {
                eprintln!("vigil: cannot write {}: {e}", self.path.display());
            }
        }
    }

    /// Current size of the file: the offset the next entry is written at (the file
    /// is only appended to). `None` without a file.
    pub fn size(&self) -> Option<u64> {
        self.file.as_ref()?.metadata().ok().map(|m| m.len())
    }

    /// After a crash: `lines` were due at `offset` but may not all have been
    /// written. Appends the part that is missing if the file ends inside (or right
    /// before) them with exactly their beginning; returns the bytes appended. A file
    /// that is shorter than `offset` or differs was rotated or changed by someone
    /// else and is left alone.
    pub fn complete(&mut self, offset: u64, lines: &[u8]) -> io::Result<usize> {
        use std::io::{Read, Seek, SeekFrom};
        let Some(len) = self.size() else {
            return Ok(0);
        };
        let end = offset.saturating_add(lines.len() as u64);
        if len < offset || len >= end {
            return Ok(0);
        }
        let have = (len - offset) as usize;
        let mut f = File::open(&self.path)?;
        f.seek(SeekFrom::Start(offset))?;
        let mut head = vec![0u8; have];
        f.read_exact(&mut head)?;
        if head != lines[..have] {
            return Ok(0);
        }
        let missing = &lines[have..];
        if let Some(f) = self.file.as_mut() {
            f.write_all(missing)?;
        }
        Ok(missing.len())
    }
}
