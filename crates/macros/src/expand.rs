//! The expansion loop (`process_macros_r`): splitting on `$`, macro-name dispatch
//! (`$ARGn$`, `$USERn$`, standard, `$CONTACTADDRESSn$`, custom variables), the
//! verbatim fallback, and writing values into [`Expanded`] with URL encoding and
//! cleaning. Value lookup itself lives in `values.rs`.

use vigil_config::{HostId, Model, ServiceId};

use crate::names::M;
use crate::{Context, Expanded, Options, MAX_COMMAND_ARGUMENTS, MAX_INNER_DEPTH, MAX_USER_MACROS};

/// The set of bytes removed by cleaning.
#[derive(Clone)]
pub(crate) struct Illegal {
    table: [bool; 256],
    /// Some byte >= 0x80 is illegal: clean byte-wise instead of char-wise.
    high: bool,
}

impl Illegal {
    /// Control bytes plus the configured characters.
    pub(crate) fn new(chars: Option<&[u8]>) -> Self {
        let mut table = [false; 256];
        for b in table.iter_mut().take(0x20) {
            *b = true;
        }
        table[0x7f] = true;
        let mut high = false;
        for &c in chars.unwrap_or(&[]) {
            table[c as usize] = true;
            high |= c >= 0x80;
        }
        Illegal { table, high }
    }

    /// Appends `s` without its illegal bytes.
    pub(crate) fn clean_into(&self, s: &str, out: &mut String) {
        if !self.high {
            out.extend(
                s.chars()
                    .filter(|&c| !(c.is_ascii() && self.table[c as usize])),
            );
            return;
        }
        let bytes: Vec<u8> = s.bytes().filter(|&b| !self.table[b as usize]).collect();
        match String::from_utf8(bytes) {
            Ok(v) => out.push_str(&v),
            Err(e) => out.push_str(&String::from_utf8_lossy(e.as_bytes())),
        }
    }
}

/// Appends the Nagios URL encoding of `s`.
pub(crate) fn url_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
}

/// C `atoi`: optional leading whitespace and sign, then digits; anything else ends
/// the number (`"1:x"` is 1, `"x"` is 0). Saturates instead of overflowing.
pub(crate) fn atoi(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -n
    } else {
        n
    }
}

/// Result of looking a macro name up.
pub(crate) enum R<'s> {
    /// Not a macro here (unknown name, object not in context): kept verbatim.
    Error,
    /// A known macro without value: nothing is inserted.
    Null,
    Str(&'s str),
    Owned(String),
    /// The value was written to `Expander::scratch`.
    Scratch,
    /// An `$ARGn$` value, inserted piece by piece.
    Arg(&'s Expanded),
    /// A notes / URL directive whose text is expanded in the context of the given
    /// objects (URL-encoding the inner values when `url`).
    Inner {
        text: &'s str,
        url: bool,
        host: Option<HostId>,
        service: Option<ServiceId>,
    },
}

/// How an inserted value is classified.
#[derive(Clone, Copy)]
pub(crate) struct Class {
    pub(crate) data: bool,
    pub(crate) cleanable: bool,
}

impl Class {
    pub(crate) const CODE: Class = Class {
        data: false,
        cleanable: false,
    };
    /// Custom variables: configuration text, but cleaned (Debian-patched Nagios).
    pub(crate) const CUSTOM: Class = Class {
        data: false,
        cleanable: true,
    };

    pub(crate) fn of(m: M) -> Class {
        Class {
            data: m.is_data(),
            cleanable: m.is_cleanable(),
        }
    }
}

/// One expansion run over one context.
pub(crate) struct Expander<'c, 'a> {
    pub(crate) ctx: &'c Context<'a>,
    pub(crate) args: &'c [Expanded],
    pub(crate) opts: Options,
    pub(crate) illegal: Illegal,
    pub(crate) depth: u8,
    /// The effective host (the context host, or the service's host).
    pub(crate) host: Option<HostId>,
    pub(crate) service: Option<ServiceId>,
    /// Reused buffer for formatted numbers.
    pub(crate) scratch: String,
    /// The 16 `$TOTAL...$` counters, computed once per run.
    pub(crate) summary: Option<[u64; 16]>,
}

impl<'c, 'a> Expander<'c, 'a> {
    pub(crate) fn new(
        ctx: &'c Context<'a>,
        args: &'c [Expanded],
        opts: Options,
        depth: u8,
    ) -> Self {
        let illegal = Illegal::new(ctx.model.main.illegal_macro_output_chars.as_deref());
        Self::with_illegal(ctx, args, opts, depth, illegal)
    }

    fn with_illegal(
        ctx: &'c Context<'a>,
        args: &'c [Expanded],
        opts: Options,
        depth: u8,
        illegal: Illegal,
    ) -> Self {
        let host = ctx.host.or_else(|| {
            ctx.service
                .and_then(|s| ctx.model.services.get(s.idx()))
                .map(|s| s.host)
        });
        Expander {
            ctx,
            args,
            opts,
            illegal,
            depth,
            host,
            service: ctx.service,
            scratch: String::new(),
            summary: None,
        }
    }

    pub(crate) fn model(&self) -> &'a Model {
        self.ctx.model
    }

    /// Expands `text` completely.
    pub(crate) fn expand(&mut self, text: &str) -> Expanded {
        let mut out = Expanded {
            pieces: Vec::with_capacity(4),
        };
        let mut rest = text;
        let mut in_macro = false;
        loop {
            let (part, next) = match rest.find('$') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            if in_macro {
                self.macro_into(part, next.is_some(), &mut out);
            } else {
                out.push_code(part);
            }
            in_macro = !in_macro;
            match next {
                Some(n) => rest = n,
                None => break,
            }
        }
        out.normalize();
        out
    }

    /// Handles the text between two `$` (`closed`: a closing `$` followed it).
    fn macro_into(&mut self, name: &str, closed: bool, out: &mut Expanded) {
        let (r, class) = self.resolve(name);
        match r {
            R::Error => {
                let b = out.buf(false);
                b.push('$');
                if !name.is_empty() {
                    b.push_str(name);
                    if closed {
                        b.push('$');
                    }
                }
            }
            r => self.emit(out, r, class),
        }
    }

    /// Looks a macro name (with its on-demand `:arg1:arg2` part) up.
    pub(crate) fn resolve(&mut self, full: &str) -> (R<'c>, Class) {
        if let Some(rest) = full.strip_prefix("ARG") {
            let n = atoi(rest);
            if n <= 0 || n > MAX_COMMAND_ARGUMENTS as i64 {
                return (R::Error, Class::CODE);
            }
            let args: &'c [Expanded] = self.args;
            let r = match args.get(n as usize - 1) {
                Some(e) => R::Arg(e),
                None => R::Null,
            };
            return (r, Class::CODE);
        }
        if let Some(rest) = full.strip_prefix("USER") {
            let n = atoi(rest);
            if n <= 0 || n > MAX_USER_MACROS as i64 {
                return (R::Error, Class::CODE);
            }
            let r = match self.model().user_macros.get(n as usize) {
                Some(v) => R::Str(v),
                None => R::Null,
            };
            return (r, Class::CODE);
        }
        let (base, a1, a2) = split_on_demand(full);
        if let Some(m) = M::from_name(base) {
            return (self.standard(m, a1, a2), Class::of(m));
        }
        if let Some(rest) = base.strip_prefix("CONTACTADDRESS") {
            return (self.contact_address(atoi(rest) - 1, a1, a2), Class::CODE);
        }
        if base.starts_with('_') {
            return (self.custom(base, a1, a2), Class::CUSTOM);
        }
        (R::Error, Class::CODE)
    }

    /// Writes a resolved value.
    pub(crate) fn emit(&mut self, out: &mut Expanded, r: R<'c>, class: Class) {
        let clean = (self.opts.clean && class.cleanable).then_some(&self.illegal);
        let url = self.opts.url_encode;
        match r {
            R::Error | R::Null => {}
            R::Str(s) => write_value(out, s, class.data, url, clean),
            R::Owned(s) => write_value(out, &s, class.data, url, clean),
            R::Scratch => write_value(out, &self.scratch, class.data, url, clean),
            R::Arg(e) => {
                for p in &e.pieces {
                    write_value(out, p.text(), p.is_data(), url, None);
                }
            }
            R::Inner {
                text,
                url: inner_url,
                host,
                service,
            } => {
                let sub = self.inner(text, inner_url, host, service);
                for p in &sub.pieces {
                    write_value(out, p.text(), p.is_data(), url, clean);
                }
            }
        }
    }

    /// Expands a notes / URL text in the context of `host`/`service` without cleaning
    /// (as Nagios does), URL-encoding the values when `url`.
    pub(crate) fn inner(
        &self,
        text: &str,
        url: bool,
        host: Option<HostId>,
        service: Option<ServiceId>,
    ) -> Expanded {
        if self.depth >= MAX_INNER_DEPTH {
            let mut e = Expanded::default();
            e.push_code(text);
            return e;
        }
        let ctx = Context {
            host,
            service,
            ..*self.ctx
        };
        let opts = Options {
            clean: false,
            url_encode: url,
            ..self.opts
        };
        let mut sub =
            Expander::with_illegal(&ctx, self.args, opts, self.depth + 1, self.illegal.clone());
        sub.expand(text)
    }

    /// A value as plain text (`None` for no value / error), for joins and the
    /// environment.
    pub(crate) fn plain(&mut self, r: R<'c>) -> Option<String> {
        match r {
            R::Error | R::Null => None,
            R::Str(s) => Some(s.to_owned()),
            R::Owned(s) => Some(s),
            R::Scratch => Some(self.scratch.clone()),
            R::Arg(e) => Some(e.to_plain()),
            R::Inner {
                text,
                url,
                host,
                service,
            } => Some(self.inner(text, url, host, service).to_plain()),
        }
    }
}

/// Splits `NAME:arg1:arg2` (arg2 is everything after the second `:`).
fn split_on_demand(full: &str) -> (&str, Option<&str>, Option<&str>) {
    match full.split_once(':') {
        None => (full, None, None),
        Some((base, rest)) => match rest.split_once(':') {
            None => (base, Some(rest), None),
            Some((a1, a2)) => (base, Some(a1), Some(a2)),
        },
    }
}

/// Appends one value with the requested transformations (URL encoding first, then
/// cleaning, like Nagios).
fn write_value(out: &mut Expanded, s: &str, data: bool, url: bool, clean: Option<&Illegal>) {
    if s.is_empty() {
        return;
    }
    match (url, clean) {
        (false, None) => out.buf(data).push_str(s),
        (false, Some(ill)) => ill.clean_into(s, out.buf(data)),
        (true, None) => url_encode_into(s, out.buf(data)),
        (true, Some(ill)) => {
            let mut enc = String::with_capacity(s.len() * 3);
            url_encode_into(s, &mut enc);
            ill.clean_into(&enc, out.buf(data));
        }
    }
}
