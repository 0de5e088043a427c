//! status.dat written again from the file written before it.
//!
//! Nagios rewrites the whole of status.dat every `status_update_interval`. At
//! 100,000 services that is about 120 MB of formatted text every 10 s while only the
//! few percent of objects checked since the last write have changed. This module
//! renders only those: every other object's block is copied from the previous file,
//! with its `last_update` value (the write's time, the one field that changes for
//! every object) replaced. The bytes are the same as a full render
//! ([`crate::render_status_to`]); only the work differs.
//!
//! "Unchanged" is decided without looking at the status: the caller passes the
//! statuses as shared `Arc`s taken copy-on-write from the core, and the
//! [`StatusLayout`] of a write keeps the `Arc`s it rendered. While the layout holds
//! them, any change to a status makes the core copy it first (`Arc::make_mut`), so an
//! object whose `Arc` is the very same allocation as in the layout has not changed.
//! Everything else in a block comes from the configuration, which is fixed for a
//! layout: a layout is only used with the same [`ConfigView`] it was made with.

use std::io;
use std::sync::Arc;

use vigil_state::{HostStatus, ObjectState, ProgramState, ServiceStatus, Status};

use crate::render::{contacts_and_books, object_status, sorted, status_head, SPILL};
use crate::view::{ConfigView, ObjectConfig};
use crate::RenderExtras;

/// Reads bytes of the previous file at an offset (`FileExt::read_at` for files).
pub trait ReadAt {
    /// Reads into `buf` from `offset`; returns the number of bytes read (0 at the end).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl ReadAt for &[u8] {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

impl ReadAt for std::fs::File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }
}

/// Where one object's block lies in a written file.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    /// Offset of the block's first byte.
    off: u64,
    /// Length of the block, blank line included; 0: not written.
    len: u32,
    /// Offset of the `last_update` value within the block.
    stamp: u32,
}

/// What a status.dat write leaves for the next one: the statuses it rendered (shared,
/// see the module comment), where each object's block is, and the object order.
#[derive(Debug, Clone)]
pub struct StatusLayout {
    /// Address of the [`ConfigView`] the layout was made with (compared, never read).
    view: usize,
    hosts: Arc<[Arc<HostStatus>]>,
    services: Arc<[Arc<ServiceStatus>]>,
    /// Spans by object index.
    host_spans: Vec<Span>,
    service_spans: Vec<Span>,
    /// Object indexes in file order (sorted by name), computed once per view.
    order: Arc<(Vec<usize>, Vec<usize>)>,
    /// Length of the `last_update` value written in every block of that write.
    stamp_len: u32,
    /// Length of the whole file.
    len: u64,
}

impl StatusLayout {
    /// Length of the file this layout describes; a previous file of another length
    /// is not the one written (the caller should not pass it).
    pub fn file_len(&self) -> u64 {
        self.len
    }
}

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReuseStats {
    /// Object blocks copied from the previous file.
    pub copied: usize,
    /// Object blocks rendered.
    pub rendered: usize,
}

/// Everything a status.dat write shows.
pub struct StatusParts<'a> {
    /// The configuration (names, configured values).
    pub view: &'a ConfigView,
    /// Program-wide state.
    pub program: &'a ProgramState,
    /// Host statuses by index of `view.hosts`, shared copy-on-write with the core.
    pub hosts: &'a Arc<[Arc<HostStatus>]>,
    /// Service statuses by index of `view.services`, shared copy-on-write.
    pub services: &'a Arc<[Arc<ServiceStatus>]>,
    /// Contacts, comments and downtimes.
    pub extras: &'a RenderExtras,
    /// The time of the write (`created` and every `last_update`).
    pub now: i64,
}

/// The previous file's bytes, read ahead in large blocks: the copied blocks come in
/// increasing offsets, so the file is read once, front to back.
struct Window<'a> {
    src: &'a dyn ReadAt,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    start: u64,
    end: u64,
}

/// Bytes read from the previous file at a time.
const READ_AHEAD: usize = 1 << 20;

impl<'a> Window<'a> {
    fn new(src: &'a dyn ReadAt, file_len: u64) -> Self {
        Window {
            src,
            buf: Vec::new(),
            start: 0,
            end: file_len,
        }
    }

    /// The `len` bytes at `off`, or None if the file does not have them.
    fn get(&mut self, off: u64, len: usize) -> Option<&[u8]> {
        let want_end = off.checked_add(len as u64)?;
        if want_end > self.end {
            return None;
        }
        let have = off >= self.start && want_end <= self.start + self.buf.len() as u64;
        if !have {
            let n = usize::try_from(self.end - off)
                .unwrap_or(usize::MAX)
                .min(READ_AHEAD.max(len));
            self.buf.resize(n, 0);
            let mut got = 0;
            while got < n {
                match self.src.read_at(&mut self.buf[got..], off + got as u64) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            self.buf.truncate(got);
            self.start = off;
            if got < len {
                return None;
            }
        }
        let at = usize::try_from(off - self.start).ok()?;
        self.buf.get(at..at + len)
    }
}

/// The output: a render buffer in front of `w`, counting every byte written, so that
/// each block's offset in the new file is known.
struct Out<'w> {
    w: &'w mut dyn io::Write,
    buf: String,
    /// Bytes already handed to `w`.
    flushed: u64,
}

impl Out<'_> {
    fn pos(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.write_all(self.buf.as_bytes())?;
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= SPILL {
            self.flush()?;
        }
        Ok(())
    }

    /// Copies bytes straight to `w` (after what is buffered).
    fn copy(&mut self, bytes: &[u8]) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.flush()?;
        }
        self.w.write_all(bytes)?;
        self.flushed += bytes.len() as u64;
        Ok(())
    }
}

/// Writes status.dat for `parts` into `w`, the same bytes as
/// [`crate::render_status_to`]. With `prev` — the layout of the last write made with
/// the same view and that file's bytes — every object whose status is the same shared
/// allocation as then is copied instead of rendered. Returns the layout of this write
/// (for the next one) and what was copied.
///
/// A previous file that does not hold what its layout says (shorter, unreadable) only
/// makes the affected blocks rendered.
pub fn render_status_reusing(
    w: &mut dyn io::Write,
    parts: &StatusParts,
    prev: Option<(&StatusLayout, &dyn ReadAt)>,
) -> io::Result<(StatusLayout, ReuseStats)> {
    let view_addr = parts.view as *const ConfigView as usize;
    let prev = prev.filter(|(l, _)| {
        l.view == view_addr
            && l.host_spans.len() == parts.view.hosts.len()
            && l.service_spans.len() == parts.view.services.len()
    });
    let order = match prev {
        Some((l, _)) => l.order.clone(),
        None => Arc::new((sorted(&parts.view.hosts), sorted(&parts.view.services))),
    };
    let now = parts.now.max(0);
    let stamp_text = now.to_string();
    let mut out = Out {
        w,
        buf: String::with_capacity(SPILL + 8192),
        flushed: 0,
    };
    status_head(&mut out.buf, parts.program, now);

    let mut stats = ReuseStats::default();
    let (olds, mut win) = match prev {
        Some((l, src)) => (
            Some((
                Old {
                    statuses: &l.hosts[..],
                    spans: &l.host_spans[..],
                    stamp_len: l.stamp_len,
                },
                Old {
                    statuses: &l.services[..],
                    spans: &l.service_spans[..],
                    stamp_len: l.stamp_len,
                },
            )),
            Some(Window::new(src, l.len)),
        ),
        None => (None, None),
    };
    let new = New {
        stamp: stamp_text.as_bytes(),
        now,
    };
    let host_spans = objects(
        &mut out,
        &order.0,
        &parts.view.hosts,
        parts.hosts,
        olds.as_ref().map(|o| &o.0).zip(win.as_mut()),
        &new,
        &mut stats,
    )?;
    let service_spans = objects(
        &mut out,
        &order.1,
        &parts.view.services,
        parts.services,
        olds.as_ref().map(|o| &o.1).zip(win.as_mut()),
        &new,
        &mut stats,
    )?;
    let Out { w, buf, flushed } = out;
    let mut counted = Counted { w, n: 0 };
    contacts_and_books(
        buf,
        &mut counted,
        parts.view,
        parts.extras,
        "contactstatus",
        "\t",
    )?;
    let layout = StatusLayout {
        view: view_addr,
        hosts: parts.hosts.clone(),
        services: parts.services.clone(),
        host_spans,
        service_spans,
        order,
        stamp_len: stamp_text.len() as u32,
        len: flushed + counted.n,
    };
    Ok((layout, stats))
}

/// The previous write's statuses and spans of one object kind.
struct Old<'l, S: ObjectState> {
    statuses: &'l [Arc<Status<S>>],
    spans: &'l [Span],
    stamp_len: u32,
}

/// The `last_update` value and time of this write.
struct New<'s> {
    stamp: &'s [u8],
    now: i64,
}

/// Writes the blocks of one object kind in `order`: copied when `old` has the same
/// status allocation and the previous file has its block, rendered otherwise.
/// Returns the spans by object index.
fn objects<S: ObjectState>(
    out: &mut Out,
    order: &[usize],
    cfgs: &[ObjectConfig],
    statuses: &[Arc<Status<S>>],
    mut old: Option<(&Old<S>, &mut Window)>,
    new: &New,
    stats: &mut ReuseStats,
) -> io::Result<Vec<Span>> {
    let mut spans = vec![Span::default(); cfgs.len()];
    for &i in order {
        let (Some(cfg), Some(st), Some(slot)) = (cfgs.get(i), statuses.get(i), spans.get_mut(i))
        else {
            continue;
        };
        let copied = match old.as_mut() {
            Some((o, win)) => match (o.statuses.get(i), o.spans.get(i)) {
                (Some(was), Some(&span)) if Arc::ptr_eq(was, st) => {
                    copy(out, win, span, o.stamp_len, new.stamp)?
                }
                _ => None,
            },
            None => None,
        };
        *slot = match copied {
            Some(span) => {
                stats.copied += 1;
                span
            }
            None => {
                stats.rendered += 1;
                let at = out.pos();
                let start = out.buf.len();
                let stamp = object_status(&mut out.buf, cfg, st, new.now) - start;
                span_of(at, out.pos(), stamp)
            }
        };
        out.spill()?;
    }
    Ok(spans)
}

/// The span of a block rendered from `at` to `end` (new file offsets).
fn span_of(at: u64, end: u64, stamp: usize) -> Span {
    Span {
        off: at,
        len: u32::try_from(end - at).unwrap_or(0),
        stamp: u32::try_from(stamp).unwrap_or(0),
    }
}

/// Copies the block at `span` of the previous file with its `last_update` value (of
/// `old_stamp_len` bytes) replaced by `stamp`. `Ok(None)`: the previous file does not
/// hold the block (the caller renders it); nothing was written then.
fn copy(
    out: &mut Out,
    win: &mut Window,
    span: Span,
    old_stamp_len: u32,
    stamp: &[u8],
) -> io::Result<Option<Span>> {
    let (len, at) = (span.len as usize, span.stamp as usize);
    let rest = at + old_stamp_len as usize;
    if span.len == 0 || rest > len {
        return Ok(None);
    }
    let Some(bytes) = win.get(span.off, len) else {
        return Ok(None);
    };
    let new_at = out.pos();
    // The window's bytes are borrowed from `win`, `out` is separate: write in place.
    out.copy(&bytes[..at])?;
    out.copy(stamp)?;
    out.copy(&bytes[rest..])?;
    Ok(Some(Span {
        off: new_at,
        len: u32::try_from(len - old_stamp_len as usize + stamp.len()).unwrap_or(0),
        stamp: span.stamp,
    }))
}

/// Counts what goes through to `w` (the file's tail, written by the shared renderer).
struct Counted<'w> {
    w: &'w mut dyn io::Write,
    n: u64,
}

impl io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.w.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}
