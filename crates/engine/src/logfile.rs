//! The main log file (`log_file`): `[epoch] text` lines, appended and written with one
//! `write` per line so that a crash never leaves half a line, and readers such as
//! Livestatus see each line as soon as it happens.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct LogFile {
    path: PathBuf,
    file: Option<File>,
    /// Also echo lines to stderr (the terminal view of `vigil run`).
    pub echo: bool,
}

impl LogFile {
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

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one entry. Newlines inside `text` are replaced by spaces so one entry is
    /// always one line.
    pub fn write(&mut self, ts: i64, text: &str) {
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
        if self.echo {
            let _ = io::stderr().write_all(line.as_bytes());
        }
        if let Some(f) = self.file.as_mut() {
            // A full disk must not stop monitoring: the error is reported once on stderr.
            if let Err(e) = f.write_all(line.as_bytes()) {
                eprintln!("vigil: cannot write {}: {e}", self.path.display());
            }
        }
    }
}
