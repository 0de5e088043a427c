//! Object definition files: reading them (with `include_file` / `include_dir`),
//! the lexical rules L1–L14 of objects.md §2, and the raw, unresolved objects
//! they contain.

use crate::diag::Diags;
use crate::keys::{lookup, Dir, Kind, K, NKINDS};
use crate::source::{is_blank, Lines, Source};
use crate::Location;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A string stored in [`Parsed::arena`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Span {
    pub start: u32,
    pub len: u32,
}

/// One directive of a definition.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prop {
    pub key: K,
    pub line: u32,
    pub val: Span,
}

/// A custom variable (`_NAME value`, name upper-cased without `_`) or, in a
/// timeperiod, a time-range line (first word, rest).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Custom {
    pub name: Span,
    pub val: Span,
    pub line: u32,
}

/// A definition as written, before template resolution. Its directives are
/// the ranges `props` / `custom` of the pools in [`Parsed`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawObj {
    pub kind: Kind,
    pub file: u32,
    pub line: u32,
    pub props: (u32, u32),
    pub custom: (u32, u32),
}

/// All definitions of a load, per type in parse order. Values live in one
/// string arena so that the file texts can be dropped after parsing.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub arena: String,
    pub props: Vec<Prop>,
    pub customs: Vec<Custom>,
    pub objs: Vec<Vec<RawObj>>,
    /// Path of every file, by file id.
    pub files: Vec<Arc<PathBuf>>,
}

impl Parsed {
    pub fn new() -> Parsed {
        Parsed {
            arena: String::new(),
            props: Vec::new(),
            customs: Vec::new(),
            objs: (0..NKINDS).map(|_| Vec::new()).collect(),
            files: Vec::new(),
        }
    }

    /// Appends `other` (parsed after everything in `self`), renumbering its
    /// string spans, pool ranges and file ids.
    pub fn append(&mut self, other: Parsed) {
        let shift = |sp: Span, by: u32| Span {
            start: sp.start.saturating_add(by),
            len: sp.len,
        };
        let a = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
        let p = u32::try_from(self.props.len()).unwrap_or(u32::MAX);
        let c = u32::try_from(self.customs.len()).unwrap_or(u32::MAX);
        let f = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.arena.push_str(&other.arena);
        self.props.extend(other.props.iter().map(|x| Prop {
            val: shift(x.val, a),
            ..*x
        }));
        self.customs.extend(other.customs.iter().map(|x| Custom {
            name: shift(x.name, a),
            val: shift(x.val, a),
            line: x.line,
        }));
        for (mine, theirs) in self.objs.iter_mut().zip(other.objs) {
            mine.extend(theirs.into_iter().map(|o| RawObj {
                file: o.file.saturating_add(f),
                props: (o.props.0.saturating_add(p), o.props.1),
                custom: (o.custom.0.saturating_add(c), o.custom.1),
                ..o
            }));
        }
        self.files.extend(other.files);
    }

    /// The text of `sp`.
    pub fn s(&self, sp: Span) -> &str {
        self.arena
            .get(sp.start as usize..(sp.start as usize + sp.len as usize))
            .unwrap_or("")
    }

    pub fn props(&self, o: &RawObj) -> &[Prop] {
        self.props
            .get(o.props.0 as usize..(o.props.0 + o.props.1) as usize)
            .unwrap_or(&[])
    }

    pub fn customs(&self, o: &RawObj) -> &[Custom] {
        self.customs
            .get(o.custom.0 as usize..(o.custom.0 + o.custom.1) as usize)
            .unwrap_or(&[])
    }

    /// Own value of `key` in `o` (the last occurrence wins).
    pub fn get(&self, o: &RawObj, key: K) -> Option<&str> {
        self.props(o)
            .iter()
            .rev()
            .find(|p| p.key == key)
            .map(|p| self.s(p.val))
    }

    /// Appends `s` to the arena.
    fn intern(&mut self, s: &str) -> Span {
        let start = self.arena.len();
        self.arena.push_str(s);
        match (u32::try_from(start), u32::try_from(s.len())) {
            (Ok(start), Ok(len)) if start.checked_add(len).is_some() => Span { start, len },
            _ => Span::default(),
        }
    }
}

/// Recursively lists `*.cfg` files under `dir`: entries starting with `.` are
/// skipped, symlinks followed, names sorted byte-wise at each level.
pub(crate) fn list_cfg_dir(dir: &Path, out: &mut Vec<PathBuf>, depth: u32) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("directory nesting too deep at '{}'", dir.display()));
    }
    let rd = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "could not open config directory '{}' for reading: {e}",
            dir.display()
        )
    })?;
    let mut names: Vec<std::ffi::OsString> =
        rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for name in names {
        let bytes = name.as_encoded_bytes();
        if bytes.first() == Some(&b'.') {
            continue;
        }
        let path = dir.join(&name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            list_cfg_dir(&path, out, depth + 1)?;
        } else if meta.is_file() && bytes.len() > 4 && bytes.ends_with(b".cfg") {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses an `include_file=x` / `include_dir=x` line (already comment-stripped).
fn parse_include(line: &str) -> Option<(bool, &str)> {
    let is_dir = if line.starts_with("include_file") {
        false
    } else if line.starts_with("include_dir") {
        true
    } else {
        return None;
    };
    let eq = line.find('=')?;
    let target = line[eq + 1..].trim_matches(is_blank);
    let target = if is_dir && target.len() > 1 {
        target.trim_end_matches('/')
    } else {
        target
    };
    (!target.is_empty()).then_some((is_dir, target))
}

/// Whether `c` is a blank byte (`strip()`'s set: space, `\t` `\n` `\x0b`
/// `\x0c` `\r`, i.e. 9..=13).
#[inline]
fn blank(c: u8) -> bool {
    c == b' ' || c.wrapping_sub(b'\t') < 5
}

/// Number of leading blank bytes. Directive values are usually aligned with
/// runs of spaces: those are skipped eight at a time.
#[inline]
fn lead_blanks(b: &[u8]) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        if u64::from_ne_bytes(w) != SPACES {
            break;
        }
        i += 8;
    }
    i + b[i..]
        .iter()
        .position(|&c| !blank(c))
        .unwrap_or(b.len() - i)
}

/// Length of `b` without trailing blank bytes.
#[inline]
fn end_trimmed(b: &[u8]) -> usize {
    b.iter().rposition(|&c| !blank(c)).map_or(0, |i| i + 1)
}

/// Applies L2–L4 to one logical line: `None` for blank and comment lines,
/// otherwise the trimmed text with `;` comments removed and `\;` unescaped.
fn clean_line<'a>(raw: Cow<'a, str>) -> Option<Cow<'a, str>> {
    fn clean(s: &str) -> Result<(usize, usize), String> {
        let start = lead_blanks(s.as_bytes());
        let t = &s[start..];
        if t.starts_with('#') {
            return Ok((0, 0));
        }
        match memchr::memchr(b';', t.as_bytes()) {
            None => {
                let e = end_trimmed(t.as_bytes());
                Ok((start, start + e))
            }
            Some(i) if i == 0 || t.as_bytes()[i - 1] != b'\\' => {
                let e = end_trimmed(&t.as_bytes()[..i]);
                Ok((start, start + e))
            }
            Some(_) => {
                // Escaped semicolons: build the unescaped text.
                let mut out = String::with_capacity(t.len());
                let mut rest = t;
                while let Some(i) = rest.find(';') {
                    if i > 0 && rest.as_bytes()[i - 1] == b'\\' {
                        out.push_str(&rest[..i - 1]);
                        out.push(';');
                        rest = &rest[i + 1..];
                    } else {
                        out.push_str(&rest[..i]);
                        rest = "";
                        break;
                    }
                }
                out.push_str(rest);
                let e = out.trim_end_matches(is_blank).len();
                out.truncate(e);
                Err(out)
            }
        }
    }
    let r = clean(&raw);
    let out = match (raw, r) {
        (_, Err(owned)) => Cow::Owned(owned),
        (Cow::Borrowed(s), Ok((a, b))) => Cow::Borrowed(&s[a..b]),
        (Cow::Owned(s), Ok((a, b))) => Cow::Owned(s[a..b].to_string()),
    };
    (!out.is_empty()).then_some(out)
}

/// Splits a cleaned directive line into name and trimmed value.
fn split_directive<'a>(t: Cow<'a, str>) -> (Cow<'a, str>, Cow<'a, str>) {
    fn bounds(s: &str) -> (usize, usize) {
        let b = s.as_bytes();
        let n = b
            .iter()
            .position(|&c| c == b' ' || c == b'\t')
            .unwrap_or(b.len());
        let v = n + lead_blanks(&b[n..]);
        (n, v)
    }
    match t {
        Cow::Borrowed(s) => {
            let (n, v) = bounds(s);
            (Cow::Borrowed(&s[..n]), Cow::Borrowed(&s[v..]))
        }
        Cow::Owned(s) => {
            let (n, v) = bounds(&s);
            (
                Cow::Owned(s[..n].to_string()),
                Cow::Owned(s[v..].to_string()),
            )
        }
    }
}

fn upper_custom<'a>(name: Cow<'a, str>) -> Cow<'a, str> {
    let needs = name.bytes().skip(1).any(|b| b.is_ascii_lowercase()) || !name.is_ascii();
    match name {
        Cow::Borrowed(s) if !needs => Cow::Borrowed(&s[1..]),
        other => Cow::Owned(other[1..].to_uppercase()),
    }
}

enum State {
    Outside,
    In(RawObj),
    Skip,
}

/// Object file parser: reads files one at a time (following `include_file` /
/// `include_dir` where they appear) into a [`Parsed`].
pub(crate) struct ObjParser<'d> {
    pub out: Parsed,
    pub diags: &'d mut Diags,
    /// Directory relative include paths are resolved against.
    base: PathBuf,
    /// Whether includes may touch the file system.
    use_fs: bool,
    /// Files being parsed (include loop detection).
    stack: Vec<PathBuf>,
    /// Reusable read buffers.
    bufs: Vec<Vec<u8>>,
}

impl<'d> ObjParser<'d> {
    pub fn new(base: PathBuf, use_fs: bool, diags: &'d mut Diags) -> ObjParser<'d> {
        ObjParser {
            out: Parsed::new(),
            diags,
            base,
            use_fs,
            stack: Vec::new(),
            bufs: Vec::new(),
        }
    }

    /// Reads and parses the object file `path`; a read error is reported at
    /// `origin` (the directive that named the file).
    pub fn parse_path(&mut self, path: &Path, origin: Option<Location>) {
        if self.stack.iter().any(|p| p == path) {
            self.diags.error(
                origin,
                format!("config file '{}' includes itself", path.display()),
            );
            return;
        }
        if self.stack.len() > 32 {
            self.diags
                .error(origin, "include_file nesting too deep".to_string());
            return;
        }
        if !self.use_fs {
            self.diags.warn(
                origin,
                format!("include of '{}' not followed here", path.display()),
            );
            return;
        }
        let mut buf = self.bufs.pop().unwrap_or_default();
        buf.clear();
        let read = std::fs::File::open(path).and_then(|mut f| {
            use std::io::Read;
            f.read_to_end(&mut buf)
        });
        if let Err(e) = read {
            self.diags.error(
                origin,
                format!(
                    "cannot open config file '{}' for reading: {e}",
                    path.display()
                ),
            );
            self.bufs.push(buf);
            return;
        }
        if self.out.arena.capacity() == 0 {
            // First file: size the pools from it (grown as needed).
            self.out.arena.reserve(buf.len() / 2);
            self.out.props.reserve(buf.len() / 40);
        }
        let src = Source::from_bytes(Arc::new(path.to_path_buf()), buf);
        self.stack.push(path.to_path_buf());
        self.parse_source(&src);
        self.stack.pop();
        let mut bytes = src.text.into_bytes();
        bytes.clear();
        self.bufs.push(bytes);
    }

    /// Parses every `*.cfg` file under `dir` (sorted, recursive).
    pub fn parse_dir(&mut self, dir: &Path, origin: Option<Location>) {
        if !self.use_fs {
            self.diags.warn(
                origin,
                format!("include of '{}' not followed here", dir.display()),
            );
            return;
        }
        let mut files = Vec::new();
        match list_cfg_dir(dir, &mut files, 0) {
            Ok(()) => self.parse_files(&files, origin),
            Err(e) => self.diags.error(origin, e),
        }
    }

    /// Parses `files` in order. A large set is split in two: the second half
    /// is parsed on a second thread into its own pools, which are then
    /// appended, so the result (objects, diagnostics, their order) is the same
    /// as parsing one file after the other.
    fn parse_files(&mut self, files: &[PathBuf], origin: Option<Location>) {
        const MIN_FILES: usize = 4;
        const MIN_BYTES: u64 = 1 << 20;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let bytes: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if threads < 2 || files.len() < MIN_FILES || bytes < MIN_BYTES {
            for f in files {
                self.parse_path(f, origin.clone());
            }
            return;
        }
        let (first, second) = files.split_at(files.len() / 2);
        let mut other_diags = Diags::default();
        let (base, use_fs, stack) = (self.base.clone(), self.use_fs, self.stack.clone());
        let worker_origin = origin.clone();
        let other = std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let mut p = ObjParser::new(base, use_fs, &mut other_diags);
                p.stack = stack;
                for f in second {
                    p.parse_path(f, worker_origin.clone());
                }
                p.out
            });
            for f in first {
                self.parse_path(f, origin.clone());
            }
            worker.join()
        });
        match other {
            Ok(out) => {
                self.out.append(out);
                self.diags.errors += other_diags.errors;
                self.diags.list.append(&mut other_diags.list);
            }
            // The worker panicked (it does not, on any input): parse here.
            Err(_) => {
                for f in second {
                    self.parse_path(f, origin.clone());
                }
            }
        }
    }

    /// Parses one decoded file.
    pub fn parse_source(&mut self, src: &Source) {
        let file = &src.path;
        for &l in &src.latin1_lines {
            self.diags
                .warn_at(file, l, "line is not valid UTF-8; read as Latin-1");
        }
        let fid = self.out.files.len() as u32;
        self.out.files.push(file.clone());
        let mut state = State::Outside;
        let mut last_line = 0;
        for (line, raw) in Lines::new(&src.text) {
            last_line = line;
            let Some(t) = clean_line(raw) else { continue };
            if t.starts_with("define") {
                if let State::In(obj) = std::mem::replace(&mut state, State::Outside) {
                    self.diags.error_at(
                        file,
                        line,
                        "unexpected start of object definition; close the preceding object first",
                    );
                    self.finish(obj);
                }
                state = self.begin(&t, file, fid, line);
                continue;
            }
            match &mut state {
                State::Outside => {
                    if let Some((is_dir, target)) = parse_include(&t) {
                        let p = crate::main_cfg::resolve_path(&self.base, target);
                        let origin = Some(crate::diag::loc(file, line));
                        if is_dir {
                            self.parse_dir(&p, origin);
                        } else {
                            self.parse_path(&p, origin);
                        }
                    } else {
                        self.diags.error_at(
                            file,
                            line,
                            format!(
                                "unexpected token or statement '{t}' outside an object definition"
                            ),
                        );
                    }
                }
                State::Skip => {
                    if t == "}" {
                        state = State::Outside;
                    }
                }
                State::In(obj) => {
                    if t == "}" {
                        if let State::In(obj) = std::mem::replace(&mut state, State::Outside) {
                            self.finish(obj);
                        }
                        continue;
                    }
                    let (name, value) = split_directive(t);
                    match lookup(obj.kind, &name) {
                        Dir::Key(key) => {
                            let val = self.out.intern(&value);
                            self.out.props.push(Prop { key, line, val });
                            obj.props.1 += 1;
                        }
                        Dir::Renamed(key, new) => {
                            self.diags.warn_at(
                                file,
                                line,
                                format!("the {name} directive is deprecated; use {new} instead"),
                            );
                            let val = self.out.intern(&value);
                            self.out.props.push(Prop { key, line, val });
                            obj.props.1 += 1;
                        }
                        Dir::Obsolete => self.diags.warn_at(
                            file,
                            line,
                            format!(
                                "{name} is obsolete and has no effect in {} definitions",
                                obj.kind.name()
                            ),
                        ),
                        Dir::Custom => {
                            let name = self.out.intern(&upper_custom(name));
                            let val = self.out.intern(&value);
                            self.out.customs.push(Custom { name, val, line });
                            obj.custom.1 += 1;
                        }
                        Dir::TimeRange => {
                            let name = self.out.intern(&name);
                            let val = self.out.intern(&value);
                            self.out.customs.push(Custom { name, val, line });
                            obj.custom.1 += 1;
                        }
                        Dir::Unknown => self.diags.error_at(
                            file,
                            line,
                            format!("invalid {} object directive '{name}'", obj.kind.name()),
                        ),
                    }
                }
            }
        }
        if let State::In(obj) = state {
            self.diags.error_at(
                file,
                last_line.max(1),
                format!(
                    "unexpected end of file inside the {} definition starting on line {}: missing closing bracket",
                    obj.kind.name(),
                    obj.line
                ),
            );
            self.finish(obj);
        }
    }

    fn begin(&mut self, t: &str, file: &Arc<PathBuf>, fid: u32, line: u32) -> State {
        let rest = t["define".len()..].trim_start_matches(is_blank);
        let end = rest.find([' ', '\t', '{']).unwrap_or(rest.len());
        let ty = &rest[..end];
        match Kind::from_name(ty) {
            Some(kind) => {
                if matches!(kind, Kind::Hostextinfo | Kind::Serviceextinfo) {
                    self.diags.warn_at(
                        file,
                        line,
                        format!("{ty} objects are deprecated; put their directives in the host/service definitions"),
                    );
                }
                State::In(RawObj {
                    kind,
                    file: fid,
                    line,
                    props: (self.out.props.len() as u32, 0),
                    custom: (self.out.customs.len() as u32, 0),
                })
            }
            None => {
                self.diags
                    .error_at(file, line, format!("invalid object definition type '{ty}'"));
                State::Skip
            }
        }
    }

    fn finish(&mut self, obj: RawObj) {
        self.out.objs[obj.kind.idx()].push(obj);
    }
}

/// The path of file `fid`.
pub(crate) fn file_path(parsed: &Parsed, fid: u32) -> &Arc<PathBuf> {
    &parsed.files[fid as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cl(s: &str) -> Option<String> {
        clean_line(Cow::Borrowed(s)).map(|c| c.into_owned())
    }

    #[test]
    fn comments_and_escapes() {
        assert_eq!(cl("  alias a # b ; c"), Some("alias a # b".into()));
        assert_eq!(cl("  # x"), None);
        assert_eq!(cl(" ; x"), None);
        assert_eq!(cl("notes a\\;b ; c"), Some("notes a;b".into()));
        assert_eq!(cl("x p\\;q \\; r"), Some("x p;q ; r".into()));
    }

    #[test]
    fn directive_split() {
        let (n, v) = split_directive(Cow::Borrowed("host_name \t web 1"));
        assert_eq!((n.as_ref(), v.as_ref()), ("host_name", "web 1"));
        let (n, v) = split_directive(Cow::Borrowed("register"));
        assert_eq!((n.as_ref(), v.as_ref()), ("register", ""));
    }

    #[test]
    fn custom_names_upper_cased() {
        assert_eq!(upper_custom(Cow::Borrowed("_ROLE")), "ROLE");
        assert_eq!(upper_custom(Cow::Borrowed("_lower")), "LOWER");
    }
}
