//! Output formats: the legacy separated `csv` (default), RFC 4180 `CSV`, `json`,
//! `python` and `python3`, written straight into a byte buffer, with the escaping and
//! number formatting of mk-livestatus 1.5 (6 significant digits for doubles, every
//! non-ASCII character, `"` and `\` as `\uXXXX` in json and python).

use std::io::Write;

/// `OutputFormat:` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `csv`: the legacy format with the `Separators:` characters, no quoting.
    Csv,
    /// `CSV`: RFC 4180 (every field quoted, `""`, `\r\n`).
    RfcCsv,
    /// `json`.
    Json,
    /// `python` (strings as `u"..."`).
    Python,
    /// `python3`.
    Python3,
}

impl Format {
    /// Parses an `OutputFormat:` value (case-sensitive, as the reference).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "CSV" => Some(Format::RfcCsv),
            "json" => Some(Format::Json),
            "python" => Some(Format::Python),
            "python3" => Some(Format::Python3),
            _ => None,
        }
    }

    fn nested(self) -> bool {
        matches!(self, Format::Json | Format::Python | Format::Python3)
    }
}

/// `Separators:` of the legacy csv format (dataset, field, list, host/service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// Between rows (default `\n`).
    pub dataset: u8,
    /// Between fields (default `;`).
    pub field: u8,
    /// Between list elements (default `,`).
    pub list: u8,
    /// Between the parts of a list element (default `|`).
    pub host_service: u8,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            dataset: b'\n',
            field: b';',
            list: b',',
            host_service: b'|',
        }
    }
}

/// Formats a double as C++ `ostream << double` does with the default precision
/// (`%g` with 6 significant digits): `0.916667`, `5`, `1.79628e+09`, `inf`.
pub fn fmt_double(v: f64, out: &mut Vec<u8>) {
    if v.is_nan() {
        out.extend_from_slice(if v.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        });
        return;
    }
    if v.is_infinite() {
        out.extend_from_slice(if v < 0.0 { b"-inf" } else { b"inf" });
        return;
    }
    if v == 0.0 {
        out.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    if g6_fast(v, out) {
        return;
    }
    g6_exact(v, out);
}

/// Exact powers of ten (every one up to 1e22 is an `f64` exactly).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `%g` of a finite non-zero `v` without formatting machinery: the value scaled to
/// six integer digits by one exact power of ten (one rounding, so the scaled value is
/// within 2^-53 relative of the exact one), then rounded. Gives up (false, nothing
/// written) where that rounding could differ from the exact one: a scaled value
/// within 1e-9 of a half (ties included: [`g6_exact`] decides those), or outside
/// the range the powers of ten cover.
fn g6_fast(v: f64, out: &mut Vec<u8>) -> bool {
    let a = v.abs();
    if !(1e-15..1e20).contains(&a) {
        return false;
    }
    // Decimal exponent of `a` from its binary one: floor(log10(2^b)) is the exponent
    // or one less (a normal number: 1e-15 and up).
    let b = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut e0 = (b * 78_913) >> 18;
    let mut scaled = scale(a, 5 - e0);
    if scaled >= 1e6 {
        e0 += 1;
        scaled = scale(a, 5 - e0);
    }
    if !(1e5..1e6).contains(&scaled) {
        return false;
    }
    // In 1e5..1e6: the conversion truncates, which is the floor.
    let floor = scaled as u32;
    let frac = scaled - f64::from(floor);
    if (frac - 0.5).abs() < 1e-9 {
        return false;
    }
    let mut digits = floor + u32::from(frac > 0.5);
    let mut e = e0;
    if digits == 1_000_000 {
        digits = 100_000;
        e += 1;
    }
    // The six digits, the first in the lowest byte ([`eight_digits`] gives two
    // leading zeros). Trailing zero digits are the zero bytes at the top: the
    // significant digits are the bytes up to the last non-zero one (the first is
    // never 0).
    let d = eight_digits(digits) >> 16;
    let n = 8 - (d.leading_zeros() / 8) as usize;
    let ascii = d + (ASCII_ZEROS >> 16);
    if v < 0.0 {
        out.push(b'-');
    }
    if !(-4..6).contains(&e) {
        // d.ddddde+XX
        let w = (ascii & 0xff) | (u64::from(b'.') << 8) | ((ascii >> 8) << 16);
        push_word(out, w, if n > 1 { n + 1 } else { 1 });
        let x = e.unsigned_abs();
        let sign = if e < 0 { b'-' } else { b'+' };
        if x < 100 {
            let exp =
                u32::from_le_bytes([b'e', sign, b'0' + (x / 10) as u8, b'0' + (x % 10) as u8]);
            push_word(out, u64::from(exp), 4);
        } else {
            out.push(b'e');
            out.push(sign);
            push_int(out, i64::from(x));
        }
    } else if e >= 0 {
        // ddd.ddd: the point after the integer digits (1 to 6 of them).
        let int = e as usize + 1;
        let lo = ascii & ((1u64 << (8 * int)) - 1);
        let hi = ascii >> (8 * int);
        let w = lo | (u64::from(b'.') << (8 * int)) | (hi << (8 * (int + 1)));
        push_word(out, w, if n > int { n + 1 } else { int });
    } else {
        // 0.000ddd
        push_word(
            out,
            u64::from_le_bytes(*b"0.000000"),
            1 + e.unsigned_abs() as usize,
        );
        push_word(out, ascii, n);
    }
    true
}

/// Appends the first `len` (at most 8) bytes of `w`, lowest first: one store of the
/// whole word, then cut back.
#[inline]
fn push_word(out: &mut Vec<u8>, w: u64, len: usize) {
    let end = out.len() + len.min(8);
    out.extend_from_slice(&w.to_le_bytes());
    out.truncate(end);
}

/// `a * 10^k` in one rounding (NaN where the power is not exact: the caller's range
/// check then fails).
fn scale(a: f64, k: i32) -> f64 {
    match POW10.get(k.unsigned_abs() as usize) {
        Some(p) if k >= 0 => a * p,
        Some(p) => a / p,
        None => f64::NAN,
    }
}

/// `%g` of a finite non-zero `v` through the standard library's exact formatting.
fn g6_exact(v: f64, out: &mut Vec<u8>) {
    // Round to 6 significant digits first; the exponent of the rounded value decides
    // between fixed and scientific notation, as %g does.
    let sci = format!("{:.5e}", v);
    let (mant, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    if !(-4..6).contains(&exp) {
        let m = trim_zeros(mant);
        let _ = write!(
            out,
            "{}e{}{:02}",
            m,
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        );
    } else {
        let decimals = (5 - exp).max(0) as usize;
        let fixed = format!("{:.*}", decimals, v);
        out.extend_from_slice(trim_zeros(&fixed).as_bytes());
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Writes rows of one reply in one format.
pub(crate) struct Out {
    pub buf: Vec<u8>,
    pub fmt: Format,
    pub seps: Separators,
    rows: usize,
    fields: usize,
    field_start: usize,
    depth: u32,
    items: [u32; 4],
}

impl Out {
    pub fn new(fmt: Format, seps: Separators) -> Out {
        Out::with_buffer(fmt, seps, Vec::with_capacity(4096))
    }

    /// Writes into `buf` (emptied first), keeping its allocation.
    pub fn with_buffer(fmt: Format, seps: Separators, mut buf: Vec<u8>) -> Out {
        buf.clear();
        Out {
            buf,
            fmt,
            seps,
            rows: 0,
            fields: 0,
            field_start: 0,
            depth: 0,
            items: [0; 4],
        }
    }

    /// Empties the buffer and starts over (for pre-rendered stats group keys).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.rows = 0;
        self.fields = 0;
        self.depth = 0;
    }

    pub fn begin_query(&mut self) {
        if self.fmt.nested() {
            self.buf.push(b'[');
        }
    }

    pub fn end_query(&mut self) {
        if self.fmt.nested() {
            self.buf.extend_from_slice(b"]\n");
        }
    }

    pub fn begin_row(&mut self) {
        if self.fmt.nested() {
            if self.rows > 0 {
                self.buf.extend_from_slice(b",\n");
            }
            self.buf.push(b'[');
        }
        self.rows += 1;
        self.fields = 0;
    }

    pub fn end_row(&mut self) {
        match self.fmt {
            Format::Csv => self.buf.push(self.seps.dataset),
            Format::RfcCsv => self.buf.extend_from_slice(b"\r\n"),
            _ => self.buf.push(b']'),
        }
    }

    /// Starts a field of the current row.
    #[inline]
    pub fn begin_field(&mut self) {
        if self.fields > 0 {
            match self.fmt {
                Format::Csv => self.buf.push(self.seps.field),
                _ => self.buf.push(b','),
            }
        }
        self.fields += 1;
        self.field_start = self.buf.len();
        self.depth = 0;
    }

    /// Ends a field (quotes it in RFC CSV).
    #[inline]
    pub fn end_field(&mut self) {
        if self.fmt == Format::RfcCsv {
            let raw: Vec<u8> = self.buf.split_off(self.field_start);
            self.buf.push(b'"');
            for &b in &raw {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        }
    }

    /// Writes an already rendered fragment of fields verbatim (grouped stats).
    pub fn raw_fields(&mut self, frag: &[u8], nfields: usize) {
        if self.fields > 0 && nfields > 0 {
            match self.fmt {
                Format::Csv => self.buf.push(self.seps.field),
                _ => self.buf.push(b','),
            }
        }
        self.buf.extend_from_slice(frag);
        self.fields += nfields;
    }

    #[inline]
    pub fn int(&mut self, v: i64) {
        push_int(&mut self.buf, v);
    }

    pub fn double(&mut self, v: f64) {
        if v.is_nan() {
            self.null();
        } else {
            fmt_double(v, &mut self.buf);
        }
    }

    pub fn null(&mut self) {
        match self.fmt {
            Format::Json => self.buf.extend_from_slice(b"null"),
            Format::Python | Format::Python3 => self.buf.extend_from_slice(b"None"),
            _ => {}
        }
    }

    pub fn string(&mut self, s: &str) {
        match self.fmt {
            Format::Csv | Format::RfcCsv => self.buf.extend_from_slice(s.as_bytes()),
            Format::Json => escaped(&mut self.buf, s, false, false),
            Format::Python3 => escaped(&mut self.buf, s, false, true),
            Format::Python => escaped(&mut self.buf, s, true, true),
        }
    }

    /// Starts a list value.
    pub fn begin_list(&mut self) {
        if self.fmt.nested() {
            self.buf.push(b'[');
        }
        self.push_level();
    }

    pub fn end_list(&mut self) {
        self.pop_level();
        if self.fmt.nested() {
            self.buf.push(b']');
        }
    }

    /// Starts a dictionary value.
    pub fn begin_dict(&mut self) {
        if self.fmt.nested() {
            self.buf.push(b'{');
        }
        self.push_level();
    }

    pub fn end_dict(&mut self) {
        self.pop_level();
        if self.fmt.nested() {
            self.buf.push(b'}');
        }
    }

    /// Before each element of the innermost list or dictionary.
    pub fn item(&mut self) {
        let d = self.depth.saturating_sub(1).min(3) as usize;
        if self.items[d] > 0 {
            match self.fmt {
                Format::Csv => self.buf.push(if self.depth >= 2 {
                    self.seps.host_service
                } else {
                    self.seps.list
                }),
                Format::RfcCsv => self.buf.push(if self.depth >= 2 { b'|' } else { b',' }),
                _ => self.buf.push(b','),
            }
        }
        self.items[d] += 1;
    }

    /// Between the key and the value of a dictionary element.
    pub fn dict_colon(&mut self) {
        match self.fmt {
            Format::Csv => self.buf.push(self.seps.host_service),
            Format::RfcCsv => self.buf.push(b'|'),
            _ => self.buf.push(b':'),
        }
    }

    fn push_level(&mut self) {
        self.depth += 1;
        let d = (self.depth - 1).min(3) as usize;
        self.items[d] = 0;
    }

    fn pop_level(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// Whether any of 8 bytes is a control, `"`, `\`, DEL or non-ASCII.
fn special_in(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    (x & HIGH) != 0
        || below_space != 0
        || has_zero(x ^ (ONES * u64::from(b'"'))) != 0
        || has_zero(x ^ (ONES * u64::from(b'\\'))) != 0
        || has_zero(x ^ (ONES * 0x7f)) != 0
}

/// Bytes that json and python write as `\uXXXX`: controls, `"`, `\`, DEL.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f
}

fn escaped(out: &mut Vec<u8>, s: &str, u_prefix: bool, python: bool) {
    if u_prefix {
        out.push(b'u');
    }
    out.push(b'"');
    let start = out.len();
    if !copy_plain(out, s.as_bytes()) {
        out.truncate(start);
        escape_into(out, s, python);
    }
    out.push(b'"');
}

/// Appends `bytes` when none of them needs escaping (true); else returns false
/// having appended some of them (the caller truncates). Texts are mostly short and
/// plain: each word of 8 bytes is checked and copied as one fixed-size store, the
/// last partial word (read without a pass through memory, see [`tail_word`]) as a
/// whole word then cut back, so no copy of a variable length is made.
#[inline]
fn copy_plain(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    out.reserve(bytes.len() + 8);
    let (words, rest) = bytes.as_chunks::<8>();
    for w in words {
        if special_in(u64::from_le_bytes(*w)) {
            return false;
        }
        out.extend_from_slice(w);
    }
    if !rest.is_empty() {
        let w = tail_word(rest);
        if special_in(w) {
            return false;
        }
        let end = out.len() + rest.len();
        out.extend_from_slice(&w.to_le_bytes());
        out.truncate(end);
    }
    true
}

/// The bytes of `rest` (fewer than 8) as the low bytes of a word, spaces above
/// them: two overlapping loads of 4 (or 2) bytes, so that no byte-wise copy is read
/// back as a word.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let r = rest.len().min(7);
    let w = if let (Some(a), Some(b)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        u64::from(u32::from_le_bytes(*a)) | (u64::from(u32::from_le_bytes(*b)) << (8 * (r - 4)))
    } else if let (Some(a), Some(b)) = (rest.first_chunk::<2>(), rest.last_chunk::<2>()) {
        u64::from(u16::from_le_bytes(*a)) | (u64::from(u16::from_le_bytes(*b)) << (8 * (r - 2)))
    } else {
        rest.first().map_or(0, |&a| u64::from(a))
    };
    w | (SPACES << (8 * r))
}

/// The body of a json or python string with escapes (see [`escaped`]).
fn escape_into(out: &mut Vec<u8>, s: &str, python: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip 8 plain bytes at a time.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if !special_in(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            if needs_escape(b) {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{:04x}", b);
                start = i + 1;
            }
            i += 1;
            continue;
        }
        // A non-ASCII character: escape its code point.
        out.extend_from_slice(&bytes[start..i]);
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        let c = ch as u32;
        if c < 0x10000 {
            let _ = write!(out, "\\u{:04x}", c);
        } else if python {
            let _ = write!(out, "\\U{:08x}", c);
        } else {
            let v = c - 0x10000;
            let _ = write!(
                out,
                "\\u{:04x}\\u{:04x}",
                0xd800 + (v >> 10),
                0xdc00 + (v & 0x3ff)
            );
        }
        i += ch.len_utf8();
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The decimal digits of `n` (below 10^8), eight of them with leading zeros, the
/// most significant in the lowest byte, as numbers 0-9 (not yet ASCII). Computed in
/// a register (SIMD within the word): the two halves of four digits, then pairs,
/// then single digits, each step a multiplication by a reciprocal. Exact because
/// `(v * 5243) >> 19` is `v / 100` for every v below 10,000, `(v * 103) >> 10` is
/// `v / 10` for every v below 100, and no lane's product reaches the next lane.
#[inline]
fn eight_digits(n: u32) -> u64 {
    let x = u64::from(n / 10_000) | (u64::from(n % 10_000) << 32);
    let q = ((x * 5243) >> 19) & 0x0000_007f_0000_007f;
    let x = q | ((x - q * 100) << 16);
    let q = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    q | ((x - q * 10) << 8)
}

const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// Appends `n` (1 to 10^8 - 1) without leading zeros.
#[inline]
fn push_below_1e8(out: &mut Vec<u8>, n: u32) {
    let x = eight_digits(n);
    // Leading zero digits are the low zero bytes (n > 0: some byte is not zero).
    let lead = (x.trailing_zeros() / 8).min(7) as usize;
    let end = out.len() + 8 - lead;
    out.extend_from_slice(&((x + ASCII_ZEROS) >> (8 * lead)).to_le_bytes());
    out.truncate(end);
}

/// Appends the decimal form of `v`. Below 10^16 (every time, state and counter) the
/// digits are made in registers and appended as whole words ([`eight_digits`]): no
/// copy of a variable length, no digit written to memory and read back.
#[inline]
pub(crate) fn push_int(out: &mut Vec<u8>, v: i64) {
    if (0..10).contains(&v) {
        out.push(b'0' + v as u8);
        return;
    }
    let n = v.unsigned_abs();
    if n >= 10_000_000_000_000_000 {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        return;
    }
    if v < 0 {
        out.push(b'-');
    }
    if n < 100_000_000 {
        push_below_1e8(out, n as u32);
    } else {
        push_below_1e8(out, (n / 100_000_000) as u32);
        let lo = eight_digits((n % 100_000_000) as u32);
        out.extend_from_slice(&(lo + ASCII_ZEROS).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: f64) -> String {
        let mut o = Vec::new();
        fmt_double(v, &mut o);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn doubles_like_cxx_streams() {
        assert_eq!(d(0.9166666666), "0.916667");
        assert_eq!(d(5.0), "5");
        assert_eq!(d(5.986842105), "5.98684");
        assert_eq!(d(1796283005.0), "1.79628e+09");
        assert_eq!(d(2.0833333), "2.08333");
        assert_eq!(d(6.25), "6.25");
        assert_eq!(d(0.0001), "0.0001");
        assert_eq!(d(0.00001), "1e-05");
        assert_eq!(d(123456.0), "123456");
        assert_eq!(d(1234567.0), "1.23457e+06");
        assert_eq!(d(999999.5), "1e+06");
        assert_eq!(d(f64::INFINITY), "inf");
        assert_eq!(d(-2.5), "-2.5");
    }

    /// The fast `%g` path writes what the exact one writes, or gives up.
    fn same_as_exact(v: f64) {
        let mut fast = Vec::new();
        let mut exact = Vec::new();
        g6_exact(v, &mut exact);
        if g6_fast(v, &mut fast) {
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&exact),
                "{v:e}"
            );
        } else {
            assert!(fast.is_empty());
        }
    }

    #[test]
    fn fast_doubles_match_exact_ones() {
        let mut edges = vec![
            0.9166666666,
            5.0,
            1796283005.0,
            999999.5,
            999999.4999,
            9.9999949,
            9.999995,
            9.9999951,
            0.000099999949,
            0.00009999995,
            0.000099999951,
            1234565.0,
            1234575.0,
            0.1234565,
            1e-5,
            1e-4,
            1e5,
            1e6,
            123456.5,
            -0.0012345,
            1e-15,
            9.99999e19,
            1e20,
        ];
        // Around every power of ten and its halves, a few ulps either side.
        for e in -16..22 {
            for m in [1.0, 5.0, 9.999995, 9.999994999999, 1.000005] {
                let x: f64 = m * 10f64.powi(e);
                let mut y = x;
                for _ in 0..4 {
                    y = f64::from_bits(y.to_bits() - 1);
                    edges.push(y);
                }
                let mut y = x;
                for _ in 0..4 {
                    y = f64::from_bits(y.to_bits() + 1);
                    edges.push(y);
                }
                edges.push(x);
            }
        }
        for v in edges {
            same_as_exact(v);
            same_as_exact(-v);
        }
        // The usual values take the fast path.
        for v in [
            0.9166666666,
            0.001234,
            0.0105,
            5.0,
            1796283005.0,
            -2.5,
            1e-5,
        ] {
            assert!(g6_fast(v, &mut Vec::new()), "{v}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn fast_matches_exact_on_any_bits(bits: u64) {
            let v = f64::from_bits(bits);
            if v.is_finite() && v != 0.0 {
                same_as_exact(v);
            }
        }

        #[test]
        fn fast_matches_exact_in_the_usual_range(m in 0.0f64..1.0, e in -17i32..22) {
            let v = m * 10f64.powi(e);
            if v != 0.0 {
                same_as_exact(v);
            }
        }

        #[test]
        fn integers_as_std_writes_them(v: i64, pre in 0usize..40) {
            let mut o = vec![b'x'; pre];
            push_int(&mut o, v);
            proptest::prop_assert_eq!(o.split_off(pre), v.to_string().into_bytes());
        }

        #[test]
        fn integers_of_any_length_as_std_writes_them(m: u64, shift in 0u32..64, neg: bool) {
            let v = (m >> shift) as i64;
            let v = if neg { v.wrapping_neg() } else { v };
            let mut o = b"x".to_vec();
            push_int(&mut o, v);
            proptest::prop_assert_eq!(o.split_off(1), v.to_string().into_bytes());
        }

        /// The plain-text fast path of strings writes what the escaping loop writes.
        #[test]
        fn strings_as_the_escaping_loop_writes_them(
            s in "(\\PC|[ -~]|[\u{0}-\u{1f}\u{7f}\"\\\\]){0,40}",
            python: bool,
            u_prefix: bool,
        ) {
            let mut fast = b"[".to_vec();
            escaped(&mut fast, &s, u_prefix, python);
            let mut plain = b"[".to_vec();
            if u_prefix {
                plain.push(b'u');
            }
            plain.push(b'"');
            escape_into(&mut plain, &s, python);
            plain.push(b'"');
            proptest::prop_assert_eq!(fast, plain);
        }

        #[test]
        fn fast_matches_exact_on_short_decimals(n in 0u64..100_000_000, e in 0i32..12) {
            // Decimal values (like latencies of 0.000123 s) sit next to ties.
            let v = n as f64 / 10f64.powi(e);
            if v != 0.0 {
                same_as_exact(v);
            }
        }
    }

    #[test]
    fn integers() {
        let mut o = Vec::new();
        let mut vals = vec![i64::MIN, i64::MAX, i64::MIN + 1, i64::MAX - 1];
        let mut p = 1i64;
        for _ in 0..19 {
            for d in [-1, 0, 1] {
                vals.push(p + d);
                vals.push(-(p + d));
            }
            p = p.saturating_mul(10);
        }
        vals.extend(-120..=120);
        for v in vals {
            o.clear();
            o.extend_from_slice(b"x;");
            push_int(&mut o, v);
            assert_eq!(String::from_utf8(o.clone()).unwrap(), format!("x;{v}"));
        }
    }

    #[test]
    fn json_escapes() {
        let mut o = Vec::new();
        escaped(&mut o, "Größe \"zu hoch\" C:\\temp – 日本", false, false);
        assert_eq!(
            String::from_utf8(o).unwrap(),
            r#""Gr\u00f6\u00dfe \u0022zu hoch\u0022 C:\u005ctemp \u2013 \u65e5\u672c""#
        );
        let mut o = Vec::new();
        escaped(&mut o, "a😀", true, true);
        assert_eq!(String::from_utf8(o).unwrap(), r#"u"a\U0001f600""#);
        let mut o = Vec::new();
        escaped(
            &mut o,
            "abcdefgh\"ijklmnopq\\rstuvwxyz\u{1}0123456789äb",
            false,
            false,
        );
        assert_eq!(
            String::from_utf8(o).unwrap(),
            r#""abcdefgh\u0022ijklmnopq\u005crstuvwxyz\u00010123456789\u00e4b""#
        );
        let mut o = Vec::new();
        escaped(&mut o, "😀", false, false);
        assert_eq!(String::from_utf8(o).unwrap(), r#""\ud83d\ude00""#);
        // Plain texts of every length, and one special byte at every position.
        let text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for n in 0..=text.len() {
            let mut o = Vec::new();
            escaped(&mut o, &text[..n], false, false);
            assert_eq!(o, format!("\"{}\"", &text[..n]).into_bytes());
            for (k, (sp, esc)) in [
                ('"', "\\u0022"),
                ('\\', "\\u005c"),
                ('\u{7f}', "\\u007f"),
                ('\n', "\\u000a"),
                ('é', "\\u00e9"),
            ]
            .into_iter()
            .enumerate()
            {
                let pos = (n + k) % (n + 1);
                let s = format!("{}{sp}{}", &text[..pos], &text[pos..n]);
                let mut o = Vec::new();
                escaped(&mut o, &s, false, false);
                assert_eq!(
                    String::from_utf8(o).unwrap(),
                    format!("\"{}{esc}{}\"", &text[..pos], &text[pos..n])
                );
            }
        }
    }
}
