//! The write-ahead state journal that sits next to `retention.dat` (`<file>.wal`):
//! every state change is appended here, and made durable with `fdatasync`, before the
//! engine acts on it, so a crash (`kill -9`, power cut) between two retention saves
//! loses no state change. retention.dat stays the checkpoint; the journal holds what
//! happened since.
//!
//! # File format
//!
//! ```text
//! header (28 bytes): "VIGILWAL" | version u32 | base length u64 | base crc32 u32 | crc32 of the previous 24 bytes
//! frame:             payload length u32 | crc32 of payload u32 | payload
//! payload:           log offset u64 (u64::MAX = none) | log length u32 | log bytes | records
//! ```
//!
//! All integers are little-endian. One frame is one *batch* (group commit): every
//! record produced by one iteration of the engine loop, written with one `write` and
//! one `fdatasync`. The records are `host {` / `service {` / `program {` blocks in
//! the retention.dat format itself, so replaying a journal is "read retention.dat,
//! replace the blocks of the objects the journal names, apply": the restore rules of
//! [`crate::apply`] hold unchanged.
//!
//! A batch also carries the log lines of its iteration and the log file offset they
//! were about to be written at. The engine writes the log only after the batch is
//! durable, so a logged ALERT always has its state on disk; if the process dies
//! between the two, start-up finds the log shorter than the last batch says and
//! writes the missing lines ([`Replay::last_log`]), so state and log never disagree.
//!
//! # Which journal belongs to which retention file
//!
//! The header names its *base*: the length and CRC-32 of the retention.dat contents
//! it applies on top of ([`BaseId`]; [`BaseId::MISSING`] when there was none). A
//! retention save writes retention.dat first (atomically), then replaces the journal
//! by an empty one based on the new file ([`Wal::reset`]). A crash between the two
//! leaves a journal whose base no longer matches: it is ignored, rightly, because
//! the new retention.dat already holds all of it. No field is added to retention.dat,
//! so Nagios can still read the file vigil writes.
//!
//! # Checkpoints written off the loop
//!
//! When the journal has grown large the engine folds it into retention.dat without
//! stopping: it takes a snapshot at journal offset `from`, renders retention.dat from
//! it on another thread while batches go on being appended, then
//! 1. appends a *checkpoint marker* naming the new file's identity and `from`
//!    ([`Wal::mark_checkpoint`]),
//! 2. puts the new retention.dat in place,
//! 3. restarts the journal on the new base with the batches from `from` on
//!    ([`Wal::rebase`]).
//!
//! A crash after 2 and before 3 leaves a journal whose header names the old file:
//! reading it for the new file finds the marker and replays the batches from `from`,
//! the ones the new file does not hold. Markers are never replayed as records.
//!
//! # Torn writes
//!
//! A frame whose length runs past the end of the file, or whose CRC does not match,
//! ends the journal: it and everything after it are dropped ([`Replay::torn_bytes`]),
//! and a writer truncates the file there before appending.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use vigil_state::{HostStatus, ProgramState, ServiceStatus};

use crate::view::ObjectConfig;
use crate::{RetainedObject, Retention};

const MAGIC: &[u8; 8] = b"VIGILWAL";
/// The block that marks a batch holding all comments and downtimes.
const BOOKS_MARKER: &str = "vigilbooks";
/// The block of a checkpoint marker batch (see the module comment).
const CHECKPOINT_MARKER: &str = "vigilcheckpoint {\n";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 28;
const FRAME_HEAD_LEN: usize = 8;
/// A frame longer than this is treated as garbage (a torn or corrupt length).
const MAX_PAYLOAD: usize = 256 * 1024 * 1024;
const NO_OFFSET: u64 = u64::MAX;

/// The journal file of a retention file: `<retention file>.wal`.
pub fn path_for(retention_file: &Path) -> PathBuf {
    let mut name = retention_file.as_os_str().to_os_string();
    name.push(".wal");
    PathBuf::from(name)
}

/// CRC-32 (IEEE 802.3), as the journal's records and base identity use it.
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// A writer that passes everything on and computes the [`BaseId`] of what it wrote
/// (a retention file streamed to disk knows its identity without being held in
/// memory).
pub struct BaseIdWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    len: u64,
    crc: crc32fast::Hasher,
}

impl<'a> BaseIdWriter<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a mut dyn std::io::Write) -> Self {
        BaseIdWriter {
            inner,
            len: 0,
            crc: crc32fast::Hasher::new(),
        }
    }

    /// The identity of everything written so far.
    pub fn base_id(&self) -> BaseId {
        BaseId {
            len: self.len,
            crc: self.crc.clone().finalize(),
        }
    }
}

impl std::io::Write for BaseIdWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.len += n as u64;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Identity of the retention.dat contents a journal applies on top of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseId {
    /// Length of the contents in bytes (`u64::MAX` for [`BaseId::MISSING`]).
    pub len: u64,
    /// CRC-32 of the contents.
    pub crc: u32,
}

impl BaseId {
    /// No retention file existed.
    pub const MISSING: BaseId = BaseId {
        len: u64::MAX,
        crc: 0,
    };

    /// The identity of these retention file contents.
    pub fn of(contents: &[u8]) -> BaseId {
        BaseId {
            len: contents.len() as u64,
            crc: crc32(contents),
        }
    }
}

/// Reading or writing the journal failed.
#[derive(Debug, thiserror::Error)]
pub enum WalError {
    /// A checkpoint's position is from before the journal was last restarted (a
    /// retention save came in between): the checkpoint is out of date.
    #[error("state journal '{path}' was restarted since the checkpoint's snapshot")]
    Superseded {
        /// The journal file.
        path: PathBuf,
    },
    /// An I/O error on the journal file.
    #[error("state journal '{path}': {source}")]
    Io {
        /// The journal file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WalError + '_ {
    move |source| WalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One group commit: the records of one engine loop iteration and its log lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Size of the log file before `log` is written to it; `None` when unknown
    /// (no log file), then the lines are never completed at start-up.
    pub log_offset: Option<u64>,
    /// The log lines of the iteration, exactly as they go into the log file.
    pub log: Vec<u8>,
    /// `host {` / `service {` / `program {` blocks in retention.dat format.
    pub records: String,
}

impl Batch {
    fn encode(&self, out: &mut Vec<u8>) {
        let log_len = self.log.len().min(u32::MAX as usize);
        let payload_len = 8 + 4 + log_len + self.records.len();
        out.reserve(FRAME_HEAD_LEN + payload_len);
        let start = out.len();
        out.extend_from_slice(&(payload_len as u32).to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&self.log_offset.unwrap_or(NO_OFFSET).to_le_bytes());
        out.extend_from_slice(&(log_len as u32).to_le_bytes());
        out.extend_from_slice(&self.log[..log_len]);
        out.extend_from_slice(self.records.as_bytes());
        let crc = crc32(&out[start + FRAME_HEAD_LEN..]);
        out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
    }

    fn decode(payload: &[u8]) -> Option<Batch> {
        let offset = u64::from_le_bytes(payload.get(0..8)?.try_into().ok()?);
        let log_len = u32::from_le_bytes(payload.get(8..12)?.try_into().ok()?) as usize;
        let log = payload.get(12..12usize.checked_add(log_len)?)?.to_vec();
        let records = String::from_utf8_lossy(payload.get(12 + log_len..)?).into_owned();
        Some(Batch {
            log_offset: (offset != NO_OFFSET).then_some(offset),
            log,
            records,
        })
    }
}

/// What a journal holds, as read at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    /// The complete batches, oldest first (empty when the journal is stale or absent).
    pub batches: Vec<Batch>,
    /// Bytes dropped at the end: a torn or corrupt frame and anything after it.
    pub torn_bytes: u64,
    /// The journal was written on top of another retention file (or its header is
    /// unreadable) and was ignored.
    pub stale: bool,
    /// Length of the valid part of the file (header + complete frames).
    valid_len: u64,
    /// Read through a checkpoint marker (the header names an older base): the
    /// offset from which the batches were taken; the journal should be rebased.
    through_marker: Option<u64>,
}

impl Replay {
    /// Applies the journal's records on top of a read retention file: each `host` /
    /// `service` block replaces the object's block (or is added), `program` fields
    /// are appended (the last value wins). Malformed records are reported in
    /// [`Retention::problems`].
    pub fn apply_to(&self, ret: &mut Retention) {
        let mut hosts: HashMap<String, usize> = ret
            .hosts
            .iter()
            .enumerate()
            .map(|(i, o)| (o.host_name.clone(), i))
            .collect();
        let mut services: HashMap<(String, String), usize> = ret
            .services
            .iter()
            .enumerate()
            .map(|(i, o)| (svc_key(o), i))
            .collect();
        for batch in &self.batches {
            let part = crate::parse(&batch.records);
            ret.problems.extend(
                part.problems
                    .into_iter()
                    .map(|p| format!("state journal record {p}")),
            );
            ret.program.extend(part.program);
            // A `vigilbooks {}` marker: the batch holds every comment and downtime.
            if part.other.iter().any(|b| b.kind == BOOKS_MARKER) {
                ret.comments = part.comments;
                ret.downtimes = part.downtimes;
            }
            for c in part.contacts {
                let name = c.get("contact_name").map(str::to_string);
                match ret
                    .contacts
                    .iter_mut()
                    .find(|x| name.is_some() && x.get("contact_name") == name.as_deref())
                {
                    Some(slot) => *slot = c,
                    None => ret.contacts.push(c),
                }
            }
            for o in part.hosts {
                match hosts.get(&o.host_name) {
                    Some(&i) => ret.hosts[i] = o,
                    None => {
                        hosts.insert(o.host_name.clone(), ret.hosts.len());
                        ret.hosts.push(o);
                    }
                }
            }
            for o in part.services {
                let key = svc_key(&o);
                match services.get(&key) {
                    Some(&i) => ret.services[i] = o,
                    None => {
                        services.insert(key, ret.services.len());
                        ret.services.push(o);
                    }
                }
            }
        }
    }

    /// The log lines of the last batch and the offset they belong at, for
    /// completing the log after a crash between the journal write and the log write.
    pub fn last_log(&self) -> Option<(u64, &[u8])> {
        let b = self.batches.last()?;
        Some((b.log_offset?, &b.log))
    }

    /// Number of object and program records in all batches.
    pub fn record_count(&self) -> usize {
        self.batches
            .iter()
            .map(|b| b.records.matches(" {\n").count())
            .sum()
    }
}

fn svc_key(o: &RetainedObject) -> (String, String) {
    (
        o.host_name.clone(),
        o.service_description.clone().unwrap_or_default(),
    )
}

fn header(base: BaseId) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[12..20].copy_from_slice(&base.len.to_le_bytes());
    h[20..24].copy_from_slice(&base.crc.to_le_bytes());
    let crc = crc32(&h[0..24]);
    h[24..28].copy_from_slice(&crc.to_le_bytes());
    h
}

fn parse_header(h: &[u8]) -> Option<BaseId> {
    let h = h.get(..HEADER_LEN)?;
    if &h[0..8] != MAGIC
        || u32::from_le_bytes(h[8..12].try_into().ok()?) != VERSION
        || u32::from_le_bytes(h[24..28].try_into().ok()?) != crc32(&h[0..24])
    {
        return None;
    }
    Some(BaseId {
        len: u64::from_le_bytes(h[12..20].try_into().ok()?),
        crc: u32::from_le_bytes(h[20..24].try_into().ok()?),
    })
}

/// The text of a checkpoint marker batch.
fn marker_text(base: BaseId, from: u64) -> String {
    format!(
        "{CHECKPOINT_MARKER}base_length={}\nbase_crc={}\nfrom={from}\n}}\n",
        base.len, base.crc
    )
}

/// The base and offset of a checkpoint marker batch; None for any other batch.
fn marker_of(batch: &Batch) -> Option<(BaseId, u64)> {
    let body = batch.records.strip_prefix(CHECKPOINT_MARKER)?;
    let (mut len, mut crc, mut from) = (None, None, None);
    for line in body.lines() {
        match line.split_once('=') {
            Some(("base_length", v)) => len = v.parse().ok(),
            Some(("base_crc", v)) => crc = v.parse().ok(),
            Some(("from", v)) => from = v.parse().ok(),
            _ => {}
        }
    }
    Some((
        BaseId {
            len: len?,
            crc: crc?,
        },
        from?,
    ))
}

/// Decodes journal bytes for a retention file with identity `base`: every batch when
/// the header names `base`; when it names another base, the batches from the
/// offset of the last checkpoint marker for `base` (a crash between a checkpoint's
/// retention.dat and the journal's rebase); otherwise none (stale).
pub fn decode(bytes: &[u8], base: BaseId) -> Replay {
    let Some(head) = parse_header(bytes) else {
        return Replay {
            stale: true,
            ..Replay::default()
        };
    };
    let mut pos = HEADER_LEN;
    let mut frames = Vec::new();
    let mut marker_from = None;
    while let Some(head) = bytes.get(pos..pos + FRAME_HEAD_LEN) {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if len > MAX_PAYLOAD {
            break;
        }
        let Some(payload) = bytes.get(pos + FRAME_HEAD_LEN..pos + FRAME_HEAD_LEN + len) else {
            break;
        };
        if crc32(payload) != crc {
            break;
        }
        let Some(batch) = Batch::decode(payload) else {
            break;
        };
        match marker_of(&batch) {
            Some((b, from)) if b == base => marker_from = Some(from),
            Some(_) => {}
            None => frames.push((pos as u64, batch)),
        }
        pos += FRAME_HEAD_LEN + len;
    }
    let (from, through_marker) = if head == base {
        (0, None)
    } else if let Some(from) = marker_from {
        (from, Some(from))
    } else {
        return Replay {
            stale: true,
            ..Replay::default()
        };
    };
    Replay {
        batches: frames
            .into_iter()
            .filter(|&(at, _)| at >= from)
            .map(|(_, b)| b)
            .collect(),
        torn_bytes: (bytes.len() - pos) as u64,
        stale: false,
        valid_len: pos as u64,
        through_marker,
    }
}

/// Reads a journal without changing it (for tools that look at the current state
/// while the engine may be running). A missing file is an empty, non-stale replay.
pub fn read(path: &Path, base: BaseId) -> Result<Replay, WalError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(decode(&bytes, base)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Replay::default()),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Time spent making batches durable, for reporting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncStats {
    /// Batches appended.
    pub commits: u64,
    /// Total time of `write` + `fdatasync`.
    pub total: Duration,
    /// The slowest single commit.
    pub max: Duration,
    /// Commits by duration: bucket `i` counts those under `2^i` µs (and at least
    /// `2^(i-1)` µs); the last bucket takes the rest.
    pub histogram: [u64; 24],
}

impl SyncStats {
    /// Adds one commit that took `took`.
    pub fn record(&mut self, took: Duration) {
        self.commits += 1;
        self.total += took;
        self.max = self.max.max(took);
        let us = took.as_micros().max(1) as u64;
        let bucket = (64 - us.leading_zeros()) as usize;
        self.histogram[bucket.min(self.histogram.len() - 1)] += 1;
    }

    /// Mean duration of a commit.
    pub fn mean(&self) -> Duration {
        if self.commits == 0 {
            return Duration::ZERO;
        }
        self.total / self.commits.min(u32::MAX as u64) as u32
    }

    /// An upper bound of the `q` quantile (0.0..=1.0) of commit durations, from
    /// the power-of-two histogram.
    pub fn quantile(&self, q: f64) -> Duration {
        let want = (self.commits as f64 * q.clamp(0.0, 1.0)).ceil() as u64;
        let mut seen = 0;
        for (i, n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen >= want.max(1) {
                return Duration::from_micros(1u64 << i).min(self.max);
            }
        }
        self.max
    }
}

/// A point in the journal between two batches (where a snapshot was taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    epoch: u64,
    offset: u64,
}

/// An open journal, appended to by the engine.
#[derive(Debug)]
pub struct Wal {
    path: PathBuf,
    file: File,
    len: u64,
    base: BaseId,
    /// A reset that failed; done before the next append.
    pending_reset: Option<BaseId>,
    /// Incremented whenever the file is restarted (reset, rebase): a [`Position`]
    /// of an earlier epoch no longer points into this file.
    epoch: u64,
    buf: Vec<u8>,
}

impl Wal {
    /// Opens (or creates) the journal at `path` for the retention file identified by
    /// `base`, and returns what it held. A journal for another base is replaced by an
    /// empty one; a torn tail is cut off, so new batches follow the last good one.
    pub fn open(path: &Path, base: BaseId) -> Result<(Wal, Replay), WalError> {
        let replay = read(path, base)?;
        let exists = path.exists();
        if replay.stale || !exists {
            write_fresh(path, base)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io_err(path))?;
        let mut len = file.metadata().map_err(io_err(path))?.len();
        if !replay.stale && exists && replay.valid_len < len {
            file.set_len(replay.valid_len).map_err(io_err(path))?;
            file.sync_all().map_err(io_err(path))?;
            len = replay.valid_len;
        }
        let mut wal = Wal {
            path: path.to_path_buf(),
            file,
            len,
            base,
            pending_reset: None,
            epoch: 0,
            buf: Vec::new(),
        };
        wal.seek_end()?;
        if let Some(from) = replay.through_marker {
            // The header names the retention file before the checkpoint: put the
            // journal on the current one (the marker path stays valid until then).
            wal.rebase_at(base, from)?;
        }
        Ok((wal, replay))
    }

    fn seek_end(&mut self) -> Result<(), WalError> {
        use std::io::Seek;
        self.file
            .seek(io::SeekFrom::Start(self.len))
            .map_err(io_err(&self.path))?;
        Ok(())
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Current size in bytes (header included).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when the journal holds no batch.
    pub fn is_empty(&self) -> bool {
        self.len <= HEADER_LEN as u64
    }

    /// The retention file identity the journal is based on.
    pub fn base(&self) -> BaseId {
        self.pending_reset.unwrap_or(self.base)
    }

    /// Appends one batch with a single `write` and makes it durable (`fdatasync`)
    /// before returning. On error the file is cut back to its last good length.
    pub fn append(&mut self, batch: &Batch) -> Result<(), WalError> {
        if let Some(base) = self.pending_reset {
            self.reset(base)?;
        }
        self.buf.clear();
        batch.encode(&mut self.buf);
        let written = self
            .file
            .write_all(&self.buf)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            let _ = self.file.set_len(self.len);
            let _ = self.seek_end();
            return Err(io_err(&self.path)(e));
        }
        self.len += self.buf.len() as u64;
        if self.buf.capacity() > 1 << 20 {
            self.buf = Vec::new();
        }
        Ok(())
    }

    /// Where the next batch goes: the point a snapshot taken now stands for.
    pub fn position(&self) -> Position {
        Position {
            epoch: self.epoch,
            offset: self.len,
        }
    }

    /// Checks that `at` points into this file as it is.
    fn check(&self, at: Position) -> Result<u64, WalError> {
        if at.epoch != self.epoch || self.pending_reset.is_some() || at.offset > self.len {
            return Err(WalError::Superseded {
                path: self.path.clone(),
            });
        }
        Ok(at.offset.max(HEADER_LEN as u64))
    }

    /// Appends a checkpoint marker (durable): a retention file with identity `base`
    /// holds everything the batches before `from` hold. Call before that file is put
    /// in place, then [`Wal::rebase`] after.
    pub fn mark_checkpoint(&mut self, base: BaseId, from: Position) -> Result<(), WalError> {
        let offset = self.check(from)?;
        self.append(&Batch {
            log_offset: None,
            log: Vec::new(),
            records: marker_text(base, offset),
        })
    }

    /// Restarts the journal on the retention file `base`, keeping the batches from
    /// `from` on (appended after the snapshot that file was written from),
    /// atomically. If this fails the journal is unchanged, and still right: its
    /// marker leads a reader to the same batches.
    pub fn rebase(&mut self, base: BaseId, from: Position) -> Result<(), WalError> {
        let from = self.check(from)?;
        self.rebase_at(base, from)
    }

    fn rebase_at(&mut self, base: BaseId, from: u64) -> Result<(), WalError> {
        use std::os::unix::fs::FileExt;
        let from = from.clamp(HEADER_LEN as u64, self.len);
        let mut tail = vec![0; usize::try_from(self.len - from).unwrap_or(0)];
        self.file
            .read_exact_at(&mut tail, from)
            .map_err(io_err(&self.path))?;
        write_fresh_with(&self.path, base, &tail)?;
        self.file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(io_err(&self.path))?;
        self.len = (HEADER_LEN + tail.len()) as u64;
        self.base = base;
        self.epoch += 1;
        self.seek_end()
    }

    /// Starts an empty journal based on a retention file just written (call after
    /// the retention file is durable). If this fails, the reset is retried before
    /// the next append, so no batch is ever written on top of the wrong base.
    pub fn reset(&mut self, base: BaseId) -> Result<(), WalError> {
        self.pending_reset = Some(base);
        write_fresh(&self.path, base)?;
        self.file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(io_err(&self.path))?;
        self.len = HEADER_LEN as u64;
        self.base = base;
        self.pending_reset = None;
        self.epoch += 1;
        self.seek_end()
    }
}

/// Writes a journal holding only a header, atomically (temp file, fsync, rename,
/// fsync of the directory).
fn write_fresh(path: &Path, base: BaseId) -> Result<(), WalError> {
    write_fresh_with(path, base, &[])
}

/// [`write_fresh`] followed by `frames` (complete frames of another journal).
fn write_fresh_with(path: &Path, base: BaseId, frames: &[u8]) -> Result<(), WalError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(&header(base))?;
        f.write_all(frames)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))
}

/// Reads the retention file (if any) whole, with its identity. A missing file gives
/// `(None, BaseId::MISSING)`. Start-up and reload read it line by line now
/// ([`read_base_parsed`], [`base_id_of_file`]); this is the reference the tests
/// compare those with.
#[cfg(test)]
pub fn read_base(retention_file: &Path) -> Result<(Option<Vec<u8>>, BaseId), WalError> {
    use std::io::Read;
    let mut f = match File::open(retention_file) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((None, BaseId::MISSING)),
        Err(e) => return Err(io_err(retention_file)(e)),
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(io_err(retention_file))?;
    let base = BaseId::of(&bytes);
    Ok((Some(bytes), base))
}

/// retention.dat parsed and its [`BaseId`], read line by line: the file is never
/// held whole in memory (at 100,000 services it is ~120 MB). `None`: there is no
/// retention file. The same result as [`crate::parse`] on the file's text (invalid
/// UTF-8 replaced, as `String::from_utf8_lossy` does: a line ending never falls
/// inside an invalid sequence).
pub fn read_base_parsed(retention_file: &Path) -> Result<(Option<Retention>, BaseId), WalError> {
    let mut parser = crate::Parser::default();
    match scan_base(retention_file, |line| {
        parser.line(&String::from_utf8_lossy(line));
    })? {
        Some(base) => Ok((Some(parser.finish()), base)),
        None => Ok((None, BaseId::MISSING)),
    }
}

/// The [`BaseId`] of retention.dat as it is now, read in pieces.
pub fn base_id_of_file(retention_file: &Path) -> Result<BaseId, WalError> {
    Ok(scan_base(retention_file, |_| {})?.unwrap_or(BaseId::MISSING))
}

/// Reads `retention_file` line by line (each line without its `\n`) and returns its
/// identity; `None` when it does not exist.
fn scan_base(
    retention_file: &Path,
    mut each: impl FnMut(&[u8]),
) -> Result<Option<BaseId>, WalError> {
    use std::io::BufRead;
    let f = match File::open(retention_file) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(retention_file)(e)),
    };
    let mut r = io::BufReader::with_capacity(64 * 1024, f);
    let (mut len, mut crc) = (0u64, crc32fast::Hasher::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r
            .read_until(b'\n', &mut line)
            .map_err(io_err(retention_file))?;
        if n == 0 {
            break;
        }
        len += n as u64;
        crc.update(&line);
        each(line.strip_suffix(b"\n").unwrap_or(&line));
    }
    Ok(Some(BaseId {
        len,
        crc: crc.finalize(),
    }))
}

/// Appends the journal record of a host: its whole `host {` block as retention.dat
/// would hold it now.
pub fn record_host(out: &mut String, cfg: &ObjectConfig, st: &HostStatus) {
    crate::render::retained_host(out, cfg, st);
}

/// Appends the journal record of a service (its `service {` block).
pub fn record_service(out: &mut String, cfg: &ObjectConfig, st: &ServiceStatus) {
    crate::render::retained_service(out, cfg, st);
}

/// Appends a `program {` record: the id counters, and with `switches` also the
/// program-wide switches and their modified-attribute bits.
pub fn record_program(out: &mut String, p: &ProgramState, switches: bool) {
    crate::render::retained_program(out, p, switches);
}

/// Appends the records of the whole comment and downtime book: a marker block and
/// every `hostcomment`, `servicecomment`, `hostdowntime`, `servicedowntime` block.
/// Replaying them replaces the books read before.
pub fn record_books(out: &mut String, books: &vigil_state::Books) {
    crate::render::book_records(out, books);
}

/// Appends the `contact` block of every contact of `view` (`contacts`: their
/// statuses, by the view's order).
pub fn record_contacts(
    out: &mut String,
    view: &crate::ConfigView,
    contacts: &[vigil_state::ContactStatus],
) {
    crate::render::contact_records(out, view, contacts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::ConfigView;
    use vigil_state::StateType;
    use vigil_state::{HostState, ObjectState, ServiceState};

    fn batch(n: u8) -> Batch {
        Batch {
            log_offset: Some(100 * n as u64),
            log: format!("[1] SERVICE ALERT: h;s{n};CRITICAL;SOFT;1;x\n").into_bytes(),
            records: format!(
                "service {{\nhost_name=h\nservice_description=s{n}\ncurrent_state=2\n}}\n"
            ),
        }
    }

    #[test]
    fn retention_read_line_by_line_is_the_same_as_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("retention.dat");
        assert_eq!(read_base_parsed(&p).unwrap(), (None, BaseId::MISSING));
        assert_eq!(base_id_of_file(&p).unwrap(), BaseId::MISSING);
        let texts: [&[u8]; 4] = [
            b"",
            b"info {\r\ncreated=1\r\n}\r\nservice {\nhost_name=h\nservice_description=s\nplugin_output=a\xff\xfeb\xe2\x82\n\xe2\x82\xac=\n}\n",
            b"host {\nhost_name=h\ncurrent_state=1\n}\nstray\nhost {\nhost_name=g",
            b"\n\n}\r\r\n",
        ];
        for text in texts {
            std::fs::write(&p, text).unwrap();
            let (whole, base) = read_base(&p).unwrap();
            let want = crate::parse(&String::from_utf8_lossy(&whole.unwrap()));
            assert_eq!(read_base_parsed(&p).unwrap(), (Some(want), base));
            assert_eq!(base_id_of_file(&p).unwrap(), base);
        }
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn sync_stats_quantiles_come_from_the_histogram() {
        let mut s = SyncStats::default();
        for us in [100, 150, 900, 5000] {
            s.record(Duration::from_micros(us));
        }
        assert_eq!(s.commits, 4);
        assert_eq!(s.mean(), Duration::from_nanos(1_537_500));
        assert_eq!(s.max, Duration::from_micros(5000));
        // 100 and 150 µs fall in [128, 256) and [64, 128): bucket bounds 128, 256.
        assert_eq!(s.quantile(0.25), Duration::from_micros(128));
        assert_eq!(s.quantile(0.5), Duration::from_micros(256));
        assert_eq!(s.quantile(0.75), Duration::from_micros(1024));
        assert_eq!(s.quantile(1.0), Duration::from_micros(5000));
    }

    #[test]
    fn path_is_next_to_the_retention_file() {
        assert_eq!(
            path_for(Path::new("/var/lib/vigil/retention.dat")),
            PathBuf::from("/var/lib/vigil/retention.dat.wal")
        );
    }

    #[test]
    fn batches_survive_reopen_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let base = BaseId::of(b"retention");
        let (mut wal, replay) = Wal::open(&p, base).unwrap();
        assert_eq!(replay, Replay::default());
        assert!(wal.is_empty());
        for n in 1..=3 {
            wal.append(&batch(n)).unwrap();
        }
        let file_len = std::fs::metadata(&p).unwrap().len();
        assert_eq!(wal.len(), file_len);
        drop(wal);
        let (_, replay) = Wal::open(&p, base).unwrap();
        assert_eq!(replay.batches, vec![batch(1), batch(2), batch(3)]);
        assert_eq!(replay.torn_bytes, 0);
        assert!(!replay.stale);
        assert_eq!(replay.last_log(), Some((300, batch(3).log.as_slice())));
        assert_eq!(replay.record_count(), 3);
        // Reading does not change the file.
        assert_eq!(read(&p, base).unwrap().batches.len(), 3);
        assert_eq!(std::fs::metadata(&p).unwrap().len(), file_len);
    }

    #[test]
    fn a_torn_last_frame_is_dropped_and_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let base = BaseId::MISSING;
        let (mut wal, _) = Wal::open(&p, base).unwrap();
        wal.append(&batch(1)).unwrap();
        let good = wal.len();
        wal.append(&batch(2)).unwrap();
        drop(wal);
        // Cut the second frame short by 5 bytes, as a crash mid-write would.
        let full = std::fs::metadata(&p).unwrap().len();
        let f = OpenOptions::new().write(true).open(&p).unwrap();
        f.set_len(full - 5).unwrap();
        drop(f);
        let replay = read(&p, base).unwrap();
        assert_eq!(replay.batches, vec![batch(1)]);
        assert_eq!(replay.torn_bytes, full - 5 - good);
        // The writer cuts the tail and appends after the good frame.
        let (mut wal, replay) = Wal::open(&p, base).unwrap();
        assert_eq!(replay.batches, vec![batch(1)]);
        assert_eq!(wal.len(), good);
        assert_eq!(std::fs::metadata(&p).unwrap().len(), good);
        wal.append(&batch(3)).unwrap();
        drop(wal);
        assert_eq!(read(&p, base).unwrap().batches, vec![batch(1), batch(3)]);
    }

    #[test]
    fn a_corrupt_frame_ends_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let base = BaseId::of(b"x");
        let (mut wal, _) = Wal::open(&p, base).unwrap();
        wal.append(&batch(1)).unwrap();
        let second = wal.len() as usize;
        wal.append(&batch(2)).unwrap();
        wal.append(&batch(3)).unwrap();
        drop(wal);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[second + FRAME_HEAD_LEN + 20] ^= 0x40;
        let replay = decode(&bytes, base);
        assert_eq!(replay.batches, vec![batch(1)]);
        assert_eq!(replay.torn_bytes, (bytes.len() - second) as u64);
        // An absurd length is garbage too.
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[second..second + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&bytes, base).batches, vec![batch(1)]);
    }

    #[test]
    fn a_journal_of_another_retention_file_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let (mut wal, _) = Wal::open(&p, BaseId::of(b"old")).unwrap();
        wal.append(&batch(1)).unwrap();
        drop(wal);
        let replay = read(&p, BaseId::of(b"new")).unwrap();
        assert!(replay.stale);
        assert!(replay.batches.is_empty());
        let (wal, replay) = Wal::open(&p, BaseId::of(b"new")).unwrap();
        assert!(replay.stale);
        assert_eq!(wal.len(), HEADER_LEN as u64);
        assert_eq!(wal.base(), BaseId::of(b"new"));
        // Garbage instead of a header is stale as well.
        std::fs::write(&p, b"not a journal at all, longer than a header").unwrap();
        assert!(read(&p, BaseId::of(b"new")).unwrap().stale);
    }

    #[test]
    fn reset_starts_an_empty_journal_on_the_new_base() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let (mut wal, _) = Wal::open(&p, BaseId::of(b"one")).unwrap();
        wal.append(&batch(1)).unwrap();
        wal.reset(BaseId::of(b"two")).unwrap();
        assert!(wal.is_empty());
        wal.append(&batch(2)).unwrap();
        drop(wal);
        // A crash between saving retention "two" and the reset would have left the
        // journal on "one": with "two" on disk it is ignored.
        assert!(read(&p, BaseId::of(b"one")).unwrap().stale);
        assert_eq!(
            read(&p, BaseId::of(b"two")).unwrap().batches,
            vec![batch(2)]
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["r.dat.wal".to_string()]);
    }

    #[test]
    fn a_checkpoint_keeps_what_came_after_its_snapshot_at_every_crash_point() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let (one, two) = (BaseId::of(b"one"), BaseId::of(b"two"));
        let (mut wal, _) = Wal::open(&p, one).unwrap();
        wal.append(&batch(1)).unwrap();
        // The snapshot "two" is rendered from is taken here.
        let at = wal.position();
        wal.append(&batch(2)).unwrap();
        wal.append(&batch(3)).unwrap();
        wal.mark_checkpoint(two, at).unwrap();
        wal.append(&batch(4)).unwrap();
        let before_rebase = std::fs::read(&p).unwrap();
        // Crash before "two" is in place: retention "one" + every batch.
        let r = decode(&before_rebase, one);
        assert_eq!(r.batches, vec![batch(1), batch(2), batch(3), batch(4)]);
        assert!(!r.stale);
        // Crash after "two" is in place, before the rebase: what "two" lacks.
        let r = decode(&before_rebase, two);
        assert!(!r.stale);
        assert_eq!(r.batches, vec![batch(2), batch(3), batch(4)]);
        // Another file: stale, as before.
        assert!(decode(&before_rebase, BaseId::of(b"three")).stale);

        // The rebase keeps the same batches on the new base.
        wal.rebase(two, at).unwrap();
        wal.append(&batch(5)).unwrap();
        drop(wal);
        assert_eq!(
            read(&p, two).unwrap().batches,
            vec![batch(2), batch(3), batch(4), batch(5)]
        );
        assert!(read(&p, one).unwrap().stale);

        // Opening a journal left before its rebase rebases it.
        std::fs::write(&p, &before_rebase).unwrap();
        let (wal, replay) = Wal::open(&p, two).unwrap();
        assert_eq!(replay.batches, vec![batch(2), batch(3), batch(4)]);
        assert_eq!(wal.base(), two);
        drop(wal);
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(parse_header(&bytes), Some(two));
        assert_eq!(
            decode(&bytes, two).batches,
            vec![batch(2), batch(3), batch(4)]
        );
    }

    #[test]
    fn a_checkpoint_from_before_a_restart_of_the_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.dat.wal");
        let (mut wal, _) = Wal::open(&p, BaseId::of(b"one")).unwrap();
        wal.append(&batch(1)).unwrap();
        let at = wal.position();
        wal.append(&batch(2)).unwrap();
        // A retention save in between restarts the journal.
        wal.reset(BaseId::of(b"saved")).unwrap();
        wal.append(&batch(3)).unwrap();
        assert!(matches!(
            wal.mark_checkpoint(BaseId::of(b"two"), at),
            Err(WalError::Superseded { .. })
        ));
        assert!(matches!(
            wal.rebase(BaseId::of(b"two"), at),
            Err(WalError::Superseded { .. })
        ));
        drop(wal);
        assert_eq!(
            read(&p, BaseId::of(b"saved")).unwrap().batches,
            vec![batch(3)]
        );
    }

    fn new_program() -> ProgramState {
        ProgramState {
            enable_notifications: true,
            execute_service_checks: true,
            execute_host_checks: true,
            accept_passive_service_checks: true,
            accept_passive_host_checks: true,
            enable_event_handlers: true,
            obsess_over_services: false,
            obsess_over_hosts: false,
            check_service_freshness: true,
            check_host_freshness: false,
            enable_flap_detection: false,
            process_performance_data: false,
            global_host_event_handler: None,
            global_service_event_handler: None,
            modified_host_attributes: vigil_state::ModAttr::empty(),
            modified_service_attributes: vigil_state::ModAttr::empty(),
            counters: Default::default(),
            program_start: 0.0,
            pid: 1,
        }
    }

    fn cfg(host: &str, svc: Option<&str>) -> ObjectConfig {
        ObjectConfig {
            host_name: host.into(),
            service_description: svc.map(Into::into),
            settings: crate::ObjectSettings {
                max_check_attempts: 3,
                check_interval: 5.0,
                retry_interval: 1.0,
                retain_status_information: true,
                retain_nonstatus_information: true,
                ..Default::default()
            }
            .into(),
        }
    }

    #[test]
    fn replayed_records_restore_through_the_retention_rules() {
        let view = ConfigView {
            hosts: vec![cfg("h", None)],
            services: vec![cfg("h", Some("a")), cfg("h", Some("b"))],
            ..ConfigView::default()
        };
        let base_text = "service {\nhost_name=h\nservice_description=a\nhas_been_checked=1\ncurrent_state=0\nstate_type=1\ncurrent_attempt=1\n}\n";
        let mut ret = crate::parse(base_text);

        let mut a = ServiceStatus::initial(ServiceState::Ok);
        a.has_been_checked = true;
        a.current_state = ServiceState::Critical;
        a.state_type = StateType::Soft;
        a.current_attempt = 2;
        a.attrs.event_handler_enabled = false;
        a.attrs.modified = vigil_state::ModAttr::EVENT_HANDLER_ENABLED;
        let mut b = ServiceStatus::initial(ServiceState::Ok);
        b.has_been_checked = true;
        b.current_state = ServiceState::Warning;
        b.state_type = StateType::Hard;
        b.current_attempt = 3;
        let mut older = a.clone();
        older.current_state = ServiceState::Warning;
        let mut program = new_program();
        program.counters.next_event_id = 40;
        program.enable_event_handlers = false;
        program.modified_host_attributes = vigil_state::ModAttr::EVENT_HANDLER_ENABLED;

        let mut first = String::new();
        record_service(&mut first, &view.services[0], &older);
        let mut second = String::new();
        record_service(&mut second, &view.services[0], &a);
        record_service(&mut second, &view.services[1], &b);
        record_program(&mut second, &program, true);
        let replay = Replay {
            batches: vec![
                Batch {
                    records: first,
                    ..Batch::default()
                },
                Batch {
                    records: second,
                    ..Batch::default()
                },
            ],
            ..Replay::default()
        };
        replay.apply_to(&mut ret);
        assert_eq!(ret.services.len(), 2);

        let mut hosts = vec![HostStatus::initial(HostState::Up)];
        let mut services = vec![ServiceStatus::initial(ServiceState::Ok); 2];
        let mut prog = new_program();
        let notes = crate::apply_view(&ret, &view, &mut prog, &mut hosts, &mut services, true, 0);
        assert!(notes.is_empty(), "{notes:?}");
        let s = &services[0];
        assert_eq!(
            (s.current_state.id(), s.state_type, s.current_attempt),
            (2, StateType::Soft, 2)
        );
        assert!(!s.attrs.event_handler_enabled);
        let s = &services[1];
        assert_eq!(
            (s.current_state.id(), s.state_type, s.current_attempt),
            (1, StateType::Hard, 3)
        );
        assert!(!prog.enable_event_handlers);
        assert_eq!(prog.counters.next_event_id, 40);
    }
}
