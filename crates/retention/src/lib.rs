//! `vigil-retention` owns the two Nagios 4 state files:
//!
//! * `retention.dat` (spec `files.md` §3): [`read`] / [`parse`] a file written by
//!   Nagios 4 or by vigil, [`apply`] it to freshly initialised statuses with the
//!   Nagios restore rules, [`render`] the same format (field names and order as
//!   Nagios 4.4.6 writes them, so Nagios can read it back).
//! * `status.dat` (§2): [`render_status`] in the tab-indented Nagios 4 layout.
//! * the comment, downtime and contact blocks of both: typed in and out
//!   ([`books`]), with Nagios's start-up rules ([`restore_books`]).
//!
//! * `retention.dat.wal` ([`wal`]): the write-ahead state journal that makes every
//!   state change durable between two retention saves.
//!
//! Both are written with [`write_atomic`] (temp file in the same directory, fsync,
//! rename, fsync of the directory).
//!
//! What the configuration contributes (names, configured commands and intervals,
//! `retain_*_information`) is read through a [`ConfigView`], built from a
//! [`vigil_config::Model`] by [`ConfigView::from_model`]; the `*_view` variants of
//! the functions take it directly.

mod apply;
pub mod books;
mod parse;
mod render;
pub mod status_reuse;
mod view;
pub mod wal;

use std::io::{self, Write};
use std::path::Path;

pub use apply::{apply, apply_view, StatusSlots};
pub use books::{books_of, contacts_of, restore_books};
pub use parse::{parse, Parser};
pub use render::{
    render, render_status, render_status_to, render_status_view, render_view, render_view_to,
    RenderExtras, NAGIOS_COMPAT_VERSION,
};
pub use view::{ConfigView, ContactConfig, ObjectConfig, ObjectSettings};

/// The modified-attribute bits, defined once in `vigil-state`.
pub use vigil_state::ModAttr;

/// Number of entries in a state history (flap detection window).
pub const STATE_HISTORY_LEN: usize = 21;

/// A parsed retention file. Unknown keys are kept; nothing is interpreted yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retention {
    /// `info {` fields in file order (`created`, `version`, ...).
    pub info: Vec<(String, String)>,
    /// `program {` fields in file order.
    pub program: Vec<(String, String)>,
    /// `host {` blocks in file order.
    pub hosts: Vec<RetainedObject>,
    /// `service {` blocks in file order.
    pub services: Vec<RetainedObject>,
    /// `contact {` blocks, kept raw.
    pub contacts: Vec<RawBlock>,
    /// `hostcomment {` / `servicecomment {` blocks, kept raw, in file order.
    pub comments: Vec<RawBlock>,
    /// `hostdowntime {` / `servicedowntime {` blocks, kept raw, in file order.
    pub downtimes: Vec<RawBlock>,
    /// Blocks of any other type, kept raw.
    pub other: Vec<RawBlock>,
    /// Lines or blocks that were skipped, each with its line number and reason.
    pub problems: Vec<String>,
}

impl Retention {
    /// Value of an `info {` field.
    pub fn info_value(&self, key: &str) -> Option<&str> {
        last_value(&self.info, key)
    }

    /// Value of a `program {` field.
    pub fn program_value(&self, key: &str) -> Option<&str> {
        last_value(&self.program, key)
    }

    /// The `host {` block of `host_name`.
    pub fn host(&self, host_name: &str) -> Option<&RetainedObject> {
        self.hosts.iter().find(|o| o.host_name == host_name)
    }

    /// The `service {` block of `host_name;description`.
    pub fn service(&self, host_name: &str, description: &str) -> Option<&RetainedObject> {
        self.services.iter().find(|o| {
            o.host_name == host_name && o.service_description.as_deref() == Some(description)
        })
    }
}

/// One `host {` or `service {` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetainedObject {
    /// `host_name=`.
    pub host_name: String,
    /// `service_description=` (services only).
    pub service_description: Option<String>,
    /// All other fields in file order (custom variables as `_NAME`).
    pub fields: Fields,
}

impl RetainedObject {
    /// Value of a field (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key)
    }
}

/// A block kept as it was read: its type (`hostcomment`, ...) and its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawBlock {
    /// The word before ` {`.
    pub kind: String,
    /// The fields in file order.
    pub fields: Fields,
}

impl RawBlock {
    /// Value of a field (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key)
    }
}

/// The `key=value` fields of a block in file order, stored compactly: the keys and
/// values in one text and where each ends. A `service {` block of ~60 fields is two
/// allocations instead of 120 `String`s; reading a retention.dat of 100,000 services
/// whole needs a third of the memory.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Every key and value, one after the other.
    text: String,
    /// Per field: where its key ends and where its value ends in `text` (its key
    /// starts where the previous value ends).
    ends: Vec<(u32, u32)>,
}

impl Fields {
    /// No fields.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Appends a field; false (and nothing appended) when the block's text would
    /// pass 4 GiB.
    pub fn push(&mut self, key: &str, value: &str) -> bool {
        let key_end = self.text.len().saturating_add(key.len());
        let end = key_end.saturating_add(value.len());
        let (Ok(key_end), Ok(end)) = (u32::try_from(key_end), u32::try_from(end)) else {
            return false;
        };
        self.text.push_str(key);
        self.text.push_str(value);
        self.ends.push((key_end, end));
        true
    }

    /// The fields in order, as `(key, value)`.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> + '_ {
        self.ends.iter().enumerate().map(|(i, &(k, v))| {
            let start = i
                .checked_sub(1)
                .and_then(|p| self.ends.get(p))
                .map_or(0, |e| e.1 as usize);
            let (k, v) = (k as usize, v as usize);
            let key = self.text.get(start..k).unwrap_or("");
            let value = self.text.get(k..v).unwrap_or("");
            (key, value)
        })
    }

    /// Value of a field (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Gives back spare capacity (a block is complete).
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Extend<(K, V)> for Fields {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            // Past 4 GiB in one block the rest is left out (see `push`).
            if !self.push(k.as_ref(), v.as_ref()) {
                break;
            }
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Fields {
        let mut f = Fields::new();
        f.extend(iter);
        f
    }
}

fn last_value<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Reading a retention file failed.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    /// The file could not be read.
    #[error("cannot read retention file '{path}': {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl RetentionError {
    /// True when the file simply does not exist (first start: nothing to restore).
    pub fn is_not_found(&self) -> bool {
        match self {
            RetentionError::Io { source, .. } => source.kind() == io::ErrorKind::NotFound,
        }
    }
}

/// Reads and parses a retention file (tolerant: see [`parse`]). Invalid UTF-8 is
/// replaced, never fatal.
pub fn read(path: &Path) -> Result<Retention, RetentionError> {
    let bytes = std::fs::read(path).map_err(|source| RetentionError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parse(&String::from_utf8_lossy(&bytes)))
}

/// Writes `contents` to `path` so that readers see either the old or the new file,
/// and the new one survives a crash once this returns: a temp file in the same
/// directory, fsync, rename over `path`, fsync of the directory. The file gets mode
/// 0644 (like Nagios' status and retention files under the usual umask).
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(contents.as_bytes()))
}

/// [`write_atomic`] with the contents streamed by `fill` (through a buffer), so a
/// large file is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_atomic_keep(path, fill).map(drop)
}

/// [`write_atomic_with`], returning the written file open for reading: the
/// status.dat writer reads its unchanged blocks back at the next write
/// ([`status_reuse`]), from this handle, whatever has become of the path since.
pub fn write_atomic_keep(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<std::fs::File> {
    let (pending, file) = write_pending(path, fill)?;
    pending.commit()?;
    Ok(file)
}

/// A file written and made durable under a temporary name in its directory, not
/// yet in place: [`PendingFile::commit`] renames it over its path; dropping it
/// removes it. A retention save off the engine loop is written first and put in
/// place by the loop, after the state journal has been told (see [`wal`]).
#[derive(Debug)]
pub struct PendingFile {
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
    done: bool,
}

impl PendingFile {
    /// Renames the file over its path and makes the rename durable (fsync of the
    /// directory).
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.tmp, &self.path)?;
        self.done = true;
        std::fs::File::open(dir_of(&self.path))?.sync_all()
    }

    /// The file's final path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Writes a file for `path` under a temporary name (mode 0644) through a buffer
/// filled by `fill`, and fsyncs it; returns it pending (see [`PendingFile`]) and
/// open for reading.
pub fn write_pending(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<(PendingFile, std::fs::File)> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static TMP_SEQ: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", TMP_SEQ.fetch_add(1, Ordering::Relaxed)));
    let pending = PendingFile {
        tmp: dir_of(path).join(tmp_name),
        path: path.to_path_buf(),
        done: false,
    };
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(&pending.tmp)?;
    let mut w = io::BufWriter::with_capacity(256 * 1024, f);
    fill(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    Ok((pending, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_order_repeats_and_empty_parts() {
        let f: Fields = [("a", "1"), ("", "x"), ("b", ""), ("a", "2=3"), ("ü", "ß")]
            .into_iter()
            .collect();
        assert_eq!(f.len(), 5);
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            vec![("a", "1"), ("", "x"), ("b", ""), ("a", "2=3"), ("ü", "ß")]
        );
        assert_eq!(f.get("a"), Some("2=3"));
        assert_eq!(f.get("b"), Some(""));
        assert_eq!(f.get("ü"), Some("ß"));
        assert_eq!(f.get("c"), None);
        assert_eq!(f.iter().rev().nth(1), Some(("a", "2=3")));
        // Equal fields compare equal; the same text split elsewhere does not.
        let g: Fields = [("a1", "")].into_iter().collect();
        let h: Fields = [("a", "1")].into_iter().collect();
        assert_ne!(g, h);
        assert_eq!(format!("{h:?}"), r#"[("a", "1")]"#);
        assert!(Fields::new().is_empty());
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("retention.dat");
        write_atomic(&p, "one\n").unwrap();
        write_atomic(&p, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["retention.dat".to_string()]);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o600, 0o600);
    }

    #[test]
    fn write_atomic_fails_cleanly_in_missing_dir() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope").join("status.dat");
        assert!(write_atomic(&p, "x").is_err());
    }

    #[test]
    fn read_missing_file_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(&dir.path().join("missing.dat")).unwrap_err();
        assert!(e.is_not_found());
    }
}
