//! The perfdata files (spec perfdata.md §4, §5): opened once per configuration
//! generation with their mode, one record per `write` (Nagios's `fputs` + `fflush`:
//! readers never see half a record unless they read during the write), closed while
//! that kind's file processing command runs and reopened with the same mode when it
//! has ended (append mode recreates a file the command moved away, write mode
//! empties it). Records that arrive while the processing command runs are held and
//! written after the reopen, so none lands in a file the command is handling.
//!
//! Pipe mode opens the FIFO read-write and non-blocking: vigil holds a reader end
//! itself, so a write never blocks and never fails for lack of a reader; a full pipe
//! drops records (Nagios's behaviour). The service FIFO must exist; a missing host
//! "FIFO" becomes a regular file (Nagios's `O_CREAT` on the host side only).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use vigil_core::{FileMode, JobId, PerfdataFile};
use vigil_events::{ObjKind, PerfdataEvent};

/// Bytes of records held while a processing command runs; beyond that they are
/// dropped (a command that never ends must not eat the memory: Nagios would stand
/// still instead).
pub const MAX_HELD_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Default)]
struct Slot {
    spec: Option<PerfdataFile>,
    file: Option<File>,
    /// The processing command running now, if any.
    processing: Option<JobId>,
    /// Records written while the processing command runs.
    held: Vec<String>,
    /// Their total size.
    held_bytes: usize,
}

/// The host and service perfdata files of the running generation.
#[derive(Debug, Default)]
pub struct PerfdataFiles {
    service: Slot,
    host: Slot,
}

fn open(spec: &PerfdataFile) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    match spec.mode {
        FileMode::Append => {
            o.append(true).create(true);
        }
        FileMode::Write => {
            o.write(true).create(true).truncate(true);
        }
        FileMode::Pipe => {
            o.read(true)
                .write(true)
                .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits());
            if spec.kind == ObjKind::Host {
                o.create(true).mode(0o644);
            }
        }
    }
    o.open(&spec.path)
}

impl PerfdataFiles {
    fn slot(&mut self, kind: ObjKind) -> &mut Slot {
        match kind {
            ObjKind::Service => &mut self.service,
            ObjKind::Host => &mut self.host,
        }
    }

    /// Opens (or reopens, at a reload) the file of `spec.kind`; the warning Nagios
    /// logs when it cannot.
    pub fn open(&mut self, spec: PerfdataFile) -> Option<PerfdataEvent> {
        let slot = self.slot(spec.kind);
        slot.file = None;
        slot.held.clear();
        slot.held_bytes = 0;
        slot.processing = None;
        let warning = match open(&spec) {
            Ok(f) => {
                slot.file = Some(f);
                None
            }
            Err(_) => Some(PerfdataEvent::FileNotOpened {
                kind: spec.kind,
                path: spec.path.display().to_string(),
            }),
        };
        slot.spec = Some(spec);
        warning
    }

    /// Writes one record (held while the processing command runs).
    pub fn write(&mut self, kind: ObjKind, record: String) {
        let slot = self.slot(kind);
        if slot.processing.is_some() {
            if slot.held_bytes + record.len() <= MAX_HELD_BYTES {
                slot.held_bytes += record.len();
                slot.held.push(record);
            }
        } else if let Some(f) = slot.file.as_mut() {
            // A failed write loses the record, as fputs into a full pipe or a full
            // disk does for Nagios.
            let _ = f.write_all(record.as_bytes());
        }
    }

    /// The processing command `id` of `kind` is about to start: the file is closed.
    pub fn start_processing(&mut self, kind: ObjKind, id: JobId) {
        let slot = self.slot(kind);
        slot.file = None;
        slot.processing = Some(id);
    }

    /// A job ended: if it was a processing command, its file is reopened with its
    /// mode and the held records are written. The warning when the reopen fails.
    pub fn job_done(&mut self, id: JobId) -> Option<PerfdataEvent> {
        for kind in [ObjKind::Service, ObjKind::Host] {
            let slot = self.slot(kind);
            if slot.processing != Some(id) {
                continue;
            }
            slot.processing = None;
            let spec = slot.spec.clone()?;
            let held = std::mem::take(&mut slot.held);
            slot.held_bytes = 0;
            let warning = self.open(spec);
            for r in held {
                self.write(kind, r);
            }
            return warning;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dir: &std::path::Path, mode: FileMode) -> PerfdataFile {
        PerfdataFile {
            kind: ObjKind::Service,
            path: dir.join("service-perfdata"),
            mode,
        }
    }

    #[test]
    fn append_keeps_write_empties_and_processing_reopens() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let s = spec(dir.path(), FileMode::Append);
        std::fs::write(&s.path, "old\n").unwrap_or_else(|e| panic!("{e}"));
        let mut files = PerfdataFiles::default();
        assert_eq!(files.open(s.clone()), None);
        files.write(ObjKind::Service, "one\n".into());
        let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
        assert_eq!(read(&s.path), "old\none\n");
        // Processing: the command moves the file away; a record written meanwhile
        // lands in the recreated file, after the reopen.
        files.start_processing(ObjKind::Service, JobId(7));
        files.write(ObjKind::Service, "two\n".into());
        let moved = dir.path().join("moved");
        std::fs::rename(&s.path, &moved).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.job_done(JobId(7)), None);
        assert_eq!(read(&moved), "old\none\n");
        assert_eq!(read(&s.path), "two\n");

        // Write mode: emptied at open and at every reopen after processing.
        let w = spec(dir.path(), FileMode::Write);
        std::fs::write(&w.path, "leftover\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.open(w.clone()), None);
        assert_eq!(read(&w.path), "");
        files.write(ObjKind::Service, "a\n".into());
        files.start_processing(ObjKind::Service, JobId(8));
        assert_eq!(read(&w.path), "a\n");
        assert_eq!(files.job_done(JobId(8)), None);
        assert_eq!(read(&w.path), "");
    }

    #[test]
    fn a_missing_service_fifo_is_reported_and_not_created() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let s = spec(dir.path(), FileMode::Pipe);
        let mut files = PerfdataFiles::default();
        assert_eq!(
            files.open(s.clone()),
            Some(PerfdataEvent::FileNotOpened {
                kind: ObjKind::Service,
                path: s.path.display().to_string()
            })
        );
        assert!(!s.path.exists());
        // The host side creates it.
        let h = PerfdataFile {
            kind: ObjKind::Host,
            path: dir.path().join("host-perfdata"),
            mode: FileMode::Pipe,
        };
        assert_eq!(files.open(h.clone()), None);
        assert!(h.path.exists());
    }

    #[test]
    fn a_fifo_without_reader_never_blocks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let s = spec(dir.path(), FileMode::Pipe);
        nix::unistd::mkfifo(&s.path, nix::sys::stat::Mode::from_bits_truncate(0o600))
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        let mut files = PerfdataFiles::default();
        assert_eq!(files.open(s), None);
        // Far more than a pipe holds: the excess is dropped, nothing blocks.
        for i in 0..20_000 {
            files.write(ObjKind::Service, format!("record {i:08} ........\n"));
        }
    }
}
