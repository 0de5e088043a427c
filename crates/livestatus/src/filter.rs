//! Compiled filters (`Filter:`, `Stats:` counts, `WaitCondition:`): the operator
//! and operand are checked and converted once (numbers parsed, regexes compiled),
//! then evaluated per row against the column's typed accessor.

use crate::column::{Atom, Ctx, Get, ListSink, RowRef, TCol, NONE};
use regex::{Regex, RegexBuilder};

/// Relational operators of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Re,
    NRe,
    EqI,
    NeI,
    ReI,
    NReI,
    Lt,
    Gt,
    Le,
    Ge,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            "~" => Op::Re,
            "!~" => Op::NRe,
            "=~" => Op::EqI,
            "!=~" => Op::NeI,
            "~~" => Op::ReI,
            "!~~" => Op::NReI,
            "<" => Op::Lt,
            ">" => Op::Gt,
            "<=" => Op::Le,
            ">=" => Op::Ge,
            _ => return None,
        })
    }

    fn negated(self) -> bool {
        matches!(self, Op::Ne | Op::NRe | Op::NeI | Op::NReI)
    }

    fn positive(self) -> Op {
        match self {
            Op::Ne => Op::Eq,
            Op::NRe => Op::Re,
            Op::NeI => Op::EqI,
            Op::NReI => Op::ReI,
            o => o,
        }
    }
}

/// The operand, converted for the column's type.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Int(i64),
    Float(f64),
    Str(String, Option<Regex>),
    Dict(String, String, Option<Regex>),
    Never,
}

/// One condition on one column.
#[derive(Debug, Clone)]
pub(crate) struct ColFilter {
    pub col: TCol,
    /// The column's canonical name in its table (for the index shortcuts).
    pub name: String,
    pub op: Op,
    pub val: Operand,
}

impl std::fmt::Debug for TCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}.{}", self.slot, self.def.name)
    }
}

/// A filter tree.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Col(Box<ColFilter>),
}

/// C `atoi`: optional sign, leading digits, 0 when there are none.
pub(crate) fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut v: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

/// C `atof`: the longest numeric prefix, 0 when there is none.
pub(crate) fn atof(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    let mut best = 0;
    if end < b.len() && (b[end] == b'+' || b[end] == b'-') {
        end += 1;
    }
    let mut digits = false;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
        digits = true;
        best = end;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
            digits = true;
            best = end;
        }
    }
    if digits && end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if e < b.len() && (b[e] == b'+' || b[e] == b'-') {
            e += 1;
        }
        let s0 = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e > s0 {
            best = e;
        }
    }
    t[..best].parse::<f64>().unwrap_or(0.0)
}

fn regex(pat: &str, icase: bool) -> Result<Regex, String> {
    RegexBuilder::new(pat)
        .case_insensitive(icase)
        .size_limit(1 << 22)
        .dfa_size_limit(1 << 22)
        .build()
        .map_err(|e| e.to_string())
}

impl ColFilter {
    /// Compiles `col op operand`. Errors are the text after `Filter: `.
    pub fn new(col: TCol, name: String, op: Op, operand: &str) -> Result<ColFilter, String> {
        let pos = op.positive();
        let needs_re = matches!(pos, Op::Re | Op::ReI);
        let val = match col.def.get {
            Get::Int(_) | Get::Time(_) => Operand::Int(atoi(operand)),
            Get::Float(_) => Operand::Float(atof(operand)),
            Get::Str(_) | Get::List(_) => {
                let re = if needs_re {
                    Some(regex(operand, pos == Op::ReI)?)
                } else {
                    None
                };
                Operand::Str(operand.to_string(), re)
            }
            Get::Dict(_) => {
                let (var, value) = match operand.split_once(char::is_whitespace) {
                    Some((a, b)) => (a.to_string(), b.trim_start().to_string()),
                    None => (operand.to_string(), String::new()),
                };
                let re = if needs_re {
                    Some(regex(&value, pos == Op::ReI)?)
                } else {
                    None
                };
                Operand::Dict(var, value, re)
            }
            Get::Blob => Operand::Never,
        };
        Ok(ColFilter { col, name, op, val })
    }

    #[inline]
    fn accepts(&self, c: &Ctx<'_>, r: &RowRef, tz: i64) -> bool {
        let id = r.get(self.col.slot);
        match (&self.col.def.get, &self.val) {
            (Get::Int(f), Operand::Int(v)) => {
                let x = if id == NONE { 0 } else { f(c, id) };
                cmp_num(self.op, x, *v)
            }
            (Get::Time(f), Operand::Int(v)) => {
                let x = if id == NONE { 0 } else { f(c, id) };
                cmp_num(self.op, x, v.saturating_sub(tz))
            }
            (Get::Float(f), Operand::Float(v)) => {
                let x = if id == NONE { 0.0 } else { f(c, id) };
                cmp_f(self.op, x, *v)
            }
            (Get::Str(f), Operand::Str(v, re)) => {
                if id == NONE {
                    str_op(self.op, "", v, re.as_ref())
                } else {
                    str_op(self.op, &f(c, id), v, re.as_ref())
                }
            }
            (Get::List(f), Operand::Str(v, re)) => {
                let mut sink = ListCheck::new(self.op.positive(), v, re.as_ref());
                if id != NONE {
                    f(c, id, &mut sink);
                }
                sink.result(self.op, v)
            }
            (Get::Dict(f), Operand::Dict(var, v, re)) => {
                let mut found: Option<String> = None;
                if id != NONE {
                    f(c, id, &mut |k, x| {
                        if found.is_none() && k == var {
                            found = Some(x.to_string());
                        }
                    });
                }
                str_op(self.op, found.as_deref().unwrap_or(""), v, re.as_ref())
            }
            _ => false,
        }
    }
}

fn cmp_num(op: Op, x: i64, v: i64) -> bool {
    match op {
        Op::Eq => x == v,
        Op::Ne => x != v,
        Op::Lt => x < v,
        Op::Gt => x > v,
        Op::Le => x <= v,
        Op::Ge => x >= v,
        _ => false,
    }
}

fn cmp_f(op: Op, x: f64, v: f64) -> bool {
    match op {
        Op::Eq => x == v,
        Op::Ne => x != v,
        Op::Lt => x < v,
        Op::Gt => x > v,
        Op::Le => x <= v,
        Op::Ge => x >= v,
        _ => false,
    }
}

fn str_op(op: Op, x: &str, v: &str, re: Option<&Regex>) -> bool {
    let pos = op.positive();
    let r = match pos {
        Op::Eq => x == v,
        Op::EqI => x.eq_ignore_ascii_case(v),
        Op::Re | Op::ReI => re.map(|r| r.is_match(x)).unwrap_or(false),
        Op::Lt => x < v,
        Op::Gt => x > v,
        Op::Le => x <= v,
        Op::Ge => x >= v,
        _ => false,
    };
    if op.negated() {
        !r
    } else {
        r
    }
}

/// Evaluates a list operator while the column lists its elements.
struct ListCheck<'v> {
    op: Op,
    v: &'v str,
    re: Option<&'v Regex>,
    any: bool,
    empty: bool,
    buf: String,
}

impl<'v> ListCheck<'v> {
    fn new(op: Op, v: &'v str, re: Option<&'v Regex>) -> Self {
        ListCheck {
            op,
            v,
            re,
            any: false,
            empty: true,
            buf: String::new(),
        }
    }

    fn element(&mut self, e: &str) {
        self.empty = false;
        if self.any {
            return;
        }
        self.any = match self.op {
            Op::Re | Op::ReI => self.re.map(|r| r.is_match(e)).unwrap_or(false),
            Op::EqI | Op::Le | Op::Gt => e.eq_ignore_ascii_case(self.v),
            Op::Ge | Op::Lt => e == self.v,
            _ => false,
        };
    }

    fn result(&self, op: Op, _v: &str) -> bool {
        match op {
            Op::Eq => self.empty,
            Op::Ne => !self.empty,
            Op::Ge | Op::Le | Op::Re | Op::EqI | Op::ReI => self.any,
            Op::Lt | Op::Gt | Op::NRe | Op::NeI | Op::NReI => !self.any,
        }
    }
}

impl ListSink for ListCheck<'_> {
    fn atom(&mut self, a: Atom<'_>) {
        match a {
            Atom::Str(s) => self.element(s),
            Atom::Int(i) => {
                let s = i.to_string();
                self.element(&s);
            }
        }
    }

    fn tuple(&mut self, parts: &[Atom<'_>]) {
        // mk-livestatus 1.5 joins the parts with an empty separator for filtering.
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for p in parts {
            match p {
                Atom::Str(s) => buf.push_str(s),
                Atom::Int(i) => buf.push_str(&i.to_string()),
            }
        }
        self.element(&buf);
        self.buf = buf;
    }
}

impl Filter {
    /// Whether the row passes (`tz`: the `Localtime` offset in seconds).
    #[inline]
    pub fn accepts(&self, c: &Ctx<'_>, r: &RowRef, tz: i64) -> bool {
        match self {
            Filter::And(v) => v.iter().all(|f| f.accepts(c, r, tz)),
            Filter::Or(v) => v.iter().any(|f| f.accepts(c, r, tz)),
            Filter::Not(f) => !f.accepts(c, r, tz),
            Filter::Col(f) => f.accepts(c, r, tz),
        }
    }

    /// The conditions of the top-level conjunction.
    pub fn conjuncts(&self) -> Vec<&ColFilter> {
        let mut out = Vec::new();
        fn walk<'a>(f: &'a Filter, out: &mut Vec<&'a ColFilter>) {
            match f {
                Filter::And(v) => v.iter().for_each(|x| walk(x, out)),
                Filter::Col(c) => out.push(c),
                _ => {}
            }
        }
        walk(self, &mut out);
        out
    }

    /// `Some(true)` when the filter is `And` of nothing (always true).
    pub fn is_empty_and(&self) -> bool {
        matches!(self, Filter::And(v) if v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_number_parsing() {
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("12abc"), 12);
        assert_eq!(atoi("-3"), -3);
        assert_eq!(atoi("99999999999999999999999"), i64::MAX);
        assert_eq!(atof("1.5"), 1.5);
        assert_eq!(atof("2e3x"), 2000.0);
        assert_eq!(atof("1e"), 1.0);
        assert_eq!(atof("."), 0.0);
        assert_eq!(atof("-"), 0.0);
    }

    #[test]
    fn operators() {
        assert_eq!(Op::parse("!=~"), Some(Op::NeI));
        assert_eq!(Op::parse("==="), None);
        assert!(str_op(Op::EqI, "web1", "WEB1", None));
        assert!(!str_op(Op::NeI, "web1", "WEB1", None));
        assert!(str_op(Op::Lt, "db2", "gw", None));
    }
}
