//! Requests: parsing (`GET` with its headers, `COMMAND`, `LOGROTATE`) into a
//! compiled [`Query`], and answering a query against a [`Site`].
//!
//! Header errors follow mk-livestatus 1.5.0p23: the first error wins and is
//! reported as `400 <Header>: <reason>` with `ResponseHeader: fixed16`; without it
//! the faulty line is ignored and the query is answered anyway.

use crate::column::{Ctx, Get, ListOut, RowRef, TCol, WriteFn, NONE};
use crate::filter::{ColFilter, Filter, Op};
use crate::logline::LogEntry;
use crate::render::{Format, Out, Separators};
use crate::site::{QueryEnv, Site};
use crate::tables::{self, Auth, Hints, TableKind};
use std::collections::BTreeMap;

/// Response status codes of `ResponseHeader: fixed16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCode {
    /// 200
    Ok = 200,
    /// 400: a bad header or argument.
    BadRequest = 400,
    /// 403: not allowed.
    Forbidden = 403,
    /// 404: no such table.
    NotFound = 404,
    /// 413: response too large or time limit exceeded.
    PayloadTooLarge = 413,
    /// 451: incomplete request.
    IncompleteRequest = 451,
    /// 452: invalid request (no table name).
    InvalidRequest = 452,
}

/// An error in a request: status code and message (the reply body with fixed16).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct RequestError {
    /// The status code.
    pub code: StatusCode,
    /// The message, e.g. `Limit: expected non-negative integer`.
    pub message: String,
}

/// What a `WaitTrigger:` waits for; the core calls the server's `notify` with one
/// of these after each loop pass in which such an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TriggerKind {
    /// Any of the others.
    All,
    /// A check result was processed.
    Check,
    /// A state changed.
    State,
    /// A log line was written.
    Log,
    /// A downtime was added, started, ended or removed.
    Downtime,
    /// A comment was added or removed.
    Comment,
    /// An external command was processed.
    Command,
    /// A program-wide setting changed.
    Program,
}

impl TriggerKind {
    /// Parses a `WaitTrigger:` value.
    pub fn parse(s: &str) -> Option<TriggerKind> {
        Some(match s {
            "all" => TriggerKind::All,
            "check" => TriggerKind::Check,
            "state" => TriggerKind::State,
            "log" => TriggerKind::Log,
            "downtime" => TriggerKind::Downtime,
            "comment" => TriggerKind::Comment,
            "command" => TriggerKind::Command,
            "program" => TriggerKind::Program,
            _ => return None,
        })
    }

    /// All kinds but `All`.
    pub const EACH: [TriggerKind; 7] = [
        TriggerKind::Check,
        TriggerKind::State,
        TriggerKind::Log,
        TriggerKind::Downtime,
        TriggerKind::Comment,
        TriggerKind::Command,
        TriggerKind::Program,
    ];
}

/// One parsed request.
#[derive(Debug)]
pub enum Request {
    /// `GET table` with headers.
    Get(Box<Query>),
    /// `COMMAND [ts] NAME;args`: hand to the core; no reply.
    Command(ExternalCommand),
    /// A `COMMAND` line the reference drops (timestamp not 10 digits, ...): no reply.
    MalformedCommand(String),
    /// `LOGROTATE`: rotate the log now; no reply.
    LogRotate,
    /// Any other method: no reply, the connection is closed.
    Invalid,
}

/// An external command received over Livestatus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalCommand {
    /// The timestamp in brackets.
    pub timestamp: i64,
    /// `NAME;args` as received.
    pub command: String,
    /// `[timestamp] NAME;args`: the line as the command file would carry it.
    pub line: String,
}

/// The stats of a query: a count of rows passing a filter, or an aggregate.
#[derive(Debug, Clone)]
enum StatsCol {
    Count(Filter),
    Agg(AggOp, TCol),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AggOp {
    Sum,
    Min,
    Max,
    Avg,
    Std,
    SumInv,
    AvgInv,
}

impl AggOp {
    fn parse(s: &str) -> Option<AggOp> {
        Some(match s {
            "sum" => AggOp::Sum,
            "min" => AggOp::Min,
            "max" => AggOp::Max,
            "avg" => AggOp::Avg,
            "std" => AggOp::Std,
            "suminv" => AggOp::SumInv,
            "avginv" => AggOp::AvgInv,
            _ => return None,
        })
    }
}

/// An output column: resolved, or unknown (always null).
#[derive(Debug, Clone)]
struct OutCol {
    name: String,
    col: Option<TCol>,
}

/// A compiled `GET` request.
#[derive(Debug)]
pub struct Query {
    table: Option<TableKind>,
    columns: Vec<OutCol>,
    filter: Filter,
    stats: Vec<StatsCol>,
    show_headers: bool,
    limit: Option<usize>,
    timelimit: Option<u64>,
    auth_user: Option<String>,
    format: Format,
    seps: Separators,
    fixed16: bool,
    keepalive: bool,
    wait_object: Option<String>,
    wait_condition: Filter,
    wait_trigger: TriggerKind,
    wait_timeout_ms: u64,
    localtime: Option<i64>,
    error: Option<RequestError>,
}

/// A reply to a `GET` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status (200 unless an error was found).
    pub code: StatusCode,
    /// The body as sent without the fixed16 header (for an error with fixed16: the
    /// message and a newline).
    pub body: Vec<u8>,
    /// `ResponseHeader: fixed16` was asked for.
    pub fixed16: bool,
    /// `KeepAlive: on`: keep the connection for the next request.
    pub keepalive: bool,
}

impl Response {
    /// The 16-byte `fixed16` header (empty when it was not asked for); send it, then
    /// the body.
    pub fn header(&self) -> Vec<u8> {
        if !self.fixed16 {
            return Vec::new();
        }
        format!("{:03} {:>11}\n", self.code as u16, self.body.len()).into_bytes()
    }

    /// The bytes to send: the 16-byte header (when asked for) and the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        if !self.fixed16 {
            return self.body.clone();
        }
        let mut out = format!("{:03} {:>11}\n", self.code as u16, self.body.len()).into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn next_field<'a>(s: &mut &'a str) -> Option<&'a str> {
    let t = s.trim_start();
    if t.is_empty() {
        *s = t;
        return None;
    }
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    let (f, rest) = t.split_at(end);
    *s = rest;
    Some(f)
}

fn nonneg(s: &mut &str) -> Result<i64, String> {
    let v = next_field(s).ok_or("missing argument")?;
    if !v.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err("expected non-negative integer".into());
    }
    Ok(crate::filter::atoi(v).min(i64::from(i32::MAX)))
}

fn on_off(s: &mut &str) -> Result<bool, String> {
    match next_field(s).ok_or("missing argument")? {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err("expected 'on' or 'off'".into()),
    }
}

/// Splits request text into lines, as the server received them (up to the first
/// empty line).
fn request_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for l in text.split('\n') {
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        out.push(l);
    }
    out
}

/// Parses one request (its text up to the terminating empty line). Never fails:
/// header errors are kept in the query and reported when it is answered.
pub fn parse_request(text: &str) -> Request {
    let lines = request_lines(text);
    let Some(first) = lines.first() else {
        return Request::Invalid;
    };
    if let Some(rest) = first.strip_prefix("COMMAND ") {
        return parse_command(rest);
    }
    if *first == "LOGROTATE" {
        return Request::LogRotate;
    }
    let table = if *first == "GET" {
        Some("")
    } else {
        first.strip_prefix("GET ").map(str::trim)
    };
    let Some(table) = table else {
        return Request::Invalid;
    };
    Request::Get(Box::new(Query::parse(table, lines.get(1..).unwrap_or(&[]))))
}

fn parse_command(rest: &str) -> Request {
    let b = rest.as_bytes();
    let ok = b.len() >= 13
        && b[0] == b'['
        && b[1..11].iter().all(u8::is_ascii_digit)
        && b[11] == b']'
        && b[12] == b' ';
    if !ok {
        return Request::MalformedCommand(rest.to_string());
    }
    let ts = crate::filter::atoi(&rest[1..11]);
    Request::Command(ExternalCommand {
        timestamp: ts,
        command: rest[13..].to_string(),
        line: rest.to_string(),
    })
}

impl Query {
    fn parse(table_name: &str, lines: &[&str]) -> Query {
        let table = TableKind::from_name(table_name);
        let mut q = Query {
            table,
            columns: Vec::new(),
            filter: Filter::And(Vec::new()),
            stats: Vec::new(),
            show_headers: true,
            limit: None,
            timelimit: None,
            auth_user: None,
            format: Format::Csv,
            seps: Separators::default(),
            fixed16: false,
            keepalive: false,
            wait_object: None,
            wait_condition: Filter::And(Vec::new()),
            wait_trigger: TriggerKind::All,
            wait_timeout_ms: 0,
            localtime: None,
            error: None,
        };
        if table_name.is_empty() {
            q.error = Some(RequestError {
                code: StatusCode::InvalidRequest,
                message: "Invalid GET request, missing table name".into(),
            });
        } else if table.is_none() {
            q.error = Some(RequestError {
                code: StatusCode::NotFound,
                message: format!("Invalid GET request, no such table '{table_name}'"),
            });
        }
        let mut filters: Vec<Filter> = Vec::new();
        let mut waits: Vec<Filter> = Vec::new();
        for line in lines {
            let (header, rest) = match line.split_once(':') {
                Some((h, r)) => (h, r.trim_start()),
                None => (*line, ""),
            };
            if let Err(e) = q.header(header, rest, &mut filters, &mut waits) {
                q.set_error(StatusCode::BadRequest, format!("{header}: {e}"));
            }
        }
        if q.columns.is_empty() && q.stats.is_empty() {
            if let Some(k) = q.table {
                q.columns = tables::table(k)
                    .cols
                    .iter()
                    .map(|c| OutCol {
                        name: c.name.clone(),
                        col: Some(c.col),
                    })
                    .collect();
            }
            q.show_headers = true;
        }
        q.filter = Filter::And(filters);
        q.wait_condition = Filter::And(waits);
        q
    }

    fn set_error(&mut self, code: StatusCode, message: String) {
        if self.error.is_none() {
            self.error = Some(RequestError { code, message });
        }
    }

    fn table_name(&self) -> &'static str {
        self.table.map(TableKind::name).unwrap_or("")
    }

    fn lookup(&self, name: &str) -> Result<(TCol, String), String> {
        let t = self
            .table
            .map(tables::table)
            .ok_or_else(|| format!("table '{}' has no column '{name}'", self.table_name()))?;
        let col = t
            .column(name)
            .ok_or_else(|| format!("table '{}' has no column '{name}'", t.name))?;
        let canonical = t
            .cols
            .iter()
            .chain(t.extra.iter())
            .find(|c| c.col.slot == col.slot && std::ptr::eq(c.col.def, col.def))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| name.to_string());
        Ok((col, canonical))
    }

    fn parse_filter(&self, mut rest: &str) -> Result<Filter, String> {
        let name = next_field(&mut rest).ok_or("missing argument")?;
        let (col, canonical) = self.lookup(name)?;
        let op_s = next_field(&mut rest).ok_or("missing argument")?;
        let op = Op::parse(op_s).ok_or_else(|| format!("invalid operator '{op_s}'"))?;
        let operand = rest.trim_start();
        Ok(Filter::Col(Box::new(ColFilter::new(
            col, canonical, op, operand,
        )?)))
    }

    fn combine(&self, stack: &mut Vec<Filter>, n: i64, or: bool) -> Result<(), String> {
        let n = n as usize;
        if stack.len() < n {
            let i = stack.len();
            return Err(format!(
                "error combining filters for table '{}': expected {n} filters, but only {i} {} on stack",
                self.table_name(),
                if i == 1 { "is" } else { "are" }
            ));
        }
        let sub = stack.split_off(stack.len() - n);
        stack.push(if or {
            Filter::Or(sub)
        } else {
            Filter::And(sub)
        });
        Ok(())
    }

    fn negate(&self, stack: &mut Vec<Filter>, rest: &str) -> Result<(), String> {
        if !rest.is_empty() {
            return Err("superfluous argument(s)".into());
        }
        let f = stack.pop().ok_or_else(|| {
            format!(
                "error combining filters for table '{}': expected 1 filters, but only 0 are on stack",
                self.table_name()
            )
        })?;
        stack.push(Filter::Not(Box::new(f)));
        Ok(())
    }

    fn header(
        &mut self,
        header: &str,
        rest: &str,
        filters: &mut Vec<Filter>,
        waits: &mut Vec<Filter>,
    ) -> Result<(), String> {
        let mut args = rest;
        match header {
            "Filter" => filters.push(self.parse_filter(rest)?),
            "Or" | "And" => {
                let n = nonneg(&mut args)?;
                self.combine(filters, n, header == "Or")?;
            }
            "Negate" => self.negate(filters, rest)?,
            "WaitCondition" => waits.push(self.parse_filter(rest)?),
            "WaitConditionOr" | "WaitConditionAnd" => {
                let n = nonneg(&mut args)?;
                self.combine(waits, n, header == "WaitConditionOr")?;
            }
            "WaitConditionNegate" => self.negate(waits, rest)?,
            "Stats" => self.parse_stats(rest)?,
            "StatsAnd" | "StatsOr" => {
                let n = nonneg(&mut args)? as usize;
                if self.stats.len() < n {
                    let i = self.stats.len();
                    return Err(format!(
                        "error combining filters for table '{}': expected {n} filters, but only {i} {} on stack",
                        self.table_name(),
                        if i == 1 { "is" } else { "are" }
                    ));
                }
                let popped = self.stats.split_off(self.stats.len() - n);
                let mut sub = Vec::with_capacity(n);
                for s in popped {
                    match s {
                        StatsCol::Count(f) => sub.push(f),
                        StatsCol::Agg(..) => {
                            return Err("only Stats: headers of filter type can be combined".into())
                        }
                    }
                }
                self.stats.push(StatsCol::Count(if header == "StatsOr" {
                    Filter::Or(sub)
                } else {
                    Filter::And(sub)
                }));
            }
            "StatsNegate" => {
                if !rest.is_empty() {
                    return Err("superfluous argument(s)".into());
                }
                match self.stats.pop() {
                    Some(StatsCol::Count(f)) => {
                        self.stats.push(StatsCol::Count(Filter::Not(Box::new(f))))
                    }
                    Some(other) => {
                        self.stats.push(other);
                        return Err("only Stats: headers of filter type can be negated".into());
                    }
                    None => {
                        return Err(format!(
                            "error combining filters for table '{}': expected 1 filters, but only 0 are on stack",
                            self.table_name()
                        ))
                    }
                }
            }
            "Columns" | "StatsGroupBy" => {
                let mut s = rest;
                while let Some(name) = next_field(&mut s) {
                    let col = self.table.and_then(|k| tables::table(k).column(name));
                    if header == "StatsGroupBy" && col.is_none() {
                        continue;
                    }
                    self.columns.push(OutCol {
                        name: name.to_string(),
                        col,
                    });
                }
                self.show_headers = false;
            }
            "ColumnHeaders" => self.show_headers = on_off(&mut args)?,
            "Limit" => self.limit = Some(nonneg(&mut args)? as usize),
            "Timelimit" => self.timelimit = Some(nonneg(&mut args)? as u64),
            "AuthUser" => self.auth_user = Some(rest.trim().to_string()),
            "Separators" => {
                let d = nonneg(&mut args)? as u8;
                let f = nonneg(&mut args)? as u8;
                let l = nonneg(&mut args)? as u8;
                let h = nonneg(&mut args)? as u8;
                self.seps = Separators {
                    dataset: d,
                    field: f,
                    list: l,
                    host_service: h,
                };
            }
            "OutputFormat" => {
                let v = next_field(&mut args).unwrap_or("");
                let f = Format::parse(v).ok_or(
                    "missing/invalid output format, use one of 'CSV', 'csv', 'json', 'python', 'python3'",
                )?;
                if !args.trim().is_empty() {
                    return Err("only 1 argument expected".into());
                }
                self.format = f;
            }
            "ResponseHeader" => {
                self.fixed16 = match next_field(&mut args).ok_or("missing argument")? {
                    "off" => false,
                    "fixed16" => true,
                    _ => return Err("expected 'off' or 'fixed16'".into()),
                }
            }
            "KeepAlive" => self.keepalive = on_off(&mut args)?,
            "WaitTrigger" => {
                let v = next_field(&mut args).ok_or("missing argument")?;
                self.wait_trigger = TriggerKind::parse(v).ok_or_else(|| {
                    format!("invalid trigger '{v}', allowed: all, check, state, log, downtime, comment, command and program")
                })?;
            }
            "WaitObject" => self.wait_object = Some(rest.to_string()),
            "WaitTimeout" => self.wait_timeout_ms = nonneg(&mut args)? as u64,
            "Localtime" => self.localtime = Some(nonneg(&mut args)?),
            _ => return Err("undefined request header".into()),
        }
        Ok(())
    }

    fn parse_stats(&mut self, mut rest: &str) -> Result<(), String> {
        let first = next_field(&mut rest).ok_or("missing argument")?;
        if let Some(op) = AggOp::parse(first) {
            let name = next_field(&mut rest).ok_or("missing argument")?;
            let (col, canonical) = self.lookup(name)?;
            if !matches!(col.def.get, Get::Int(_) | Get::Float(_) | Get::Time(_)) {
                return Err(format!(
                    "cannot aggregate over column '{name}' of type {}",
                    col.def.get.type_name()
                ));
            }
            let _ = canonical;
            self.stats.push(StatsCol::Agg(op, col));
        } else {
            let (col, canonical) = self.lookup(first)?;
            let op_s = next_field(&mut rest).ok_or("missing argument")?;
            let op = Op::parse(op_s).ok_or_else(|| format!("invalid operator '{op_s}'"))?;
            let f = ColFilter::new(col, canonical, op, rest.trim_start())?;
            self.stats.push(StatsCol::Count(Filter::Col(Box::new(f))));
        }
        self.show_headers = false;
        Ok(())
    }

    /// The table asked for (`None`: unknown or missing).
    pub fn table(&self) -> Option<TableKind> {
        self.table
    }
    /// `ResponseHeader: fixed16`.
    pub fn fixed16(&self) -> bool {
        self.fixed16
    }
    /// `KeepAlive: on`.
    pub fn keepalive(&self) -> bool {
        self.keepalive
    }
    /// The first error found while parsing.
    pub fn error(&self) -> Option<&RequestError> {
        self.error.as_ref()
    }
    /// `Timelimit:` in seconds.
    pub fn timelimit(&self) -> Option<u64> {
        self.timelimit
    }
    /// Whether the request waits: it has a `WaitCondition` (as in the reference,
    /// `WaitTrigger` and `WaitTimeout` alone answer at once).
    pub fn waits(&self) -> bool {
        !self.wait_condition.is_empty_and()
    }
    /// `WaitTrigger:` (default all).
    pub fn wait_trigger(&self) -> TriggerKind {
        self.wait_trigger
    }
    /// `WaitTimeout:` in milliseconds (0: no timeout).
    pub fn wait_timeout_ms(&self) -> u64 {
        self.wait_timeout_ms
    }

    /// Whether the `WaitCondition` holds for the `WaitObject` on this snapshot.
    /// `Err` when the wait cannot be evaluated (unknown object); the query is then
    /// answered at once with that error.
    pub fn wait_satisfied(&self, site: &dyn Site, env: &QueryEnv) -> Result<bool, RequestError> {
        if self.wait_condition.is_empty_and() {
            return Ok(false);
        }
        let Some(kind) = self.table else {
            return Ok(true);
        };
        let ctx = Ctx::new(site, env);
        let row = match &self.wait_object {
            Some(key) => tables::wait_object(&ctx, kind, key).ok_or_else(|| RequestError {
                code: StatusCode::BadRequest,
                message: format!(
                    "WaitObject: object '{key}' not found or not supported by this table"
                ),
            })?,
            None => match kind {
                TableKind::Status => RowRef::empty().with(crate::column::Slot::Status, 0),
                _ => {
                    return Err(RequestError {
                        code: StatusCode::BadRequest,
                        message: "WaitObject: missing WaitObject".into(),
                    })
                }
            },
        };
        Ok(self.wait_condition.accepts(&ctx, &row, 0))
    }

    /// Answers the query from one snapshot. `stop` is polled while rows are
    /// produced; when it returns true the query fails with 413 (the server's
    /// `Timelimit`).
    pub fn execute(&self, site: &dyn Site, env: &QueryEnv, stop: &dyn Fn() -> bool) -> Response {
        self.execute_into(site, env, stop, Vec::new())
    }

    /// [`Query::execute`] writing the body into `buf` (emptied first): a server
    /// passes the body of its previous reply back, so a large reply reuses the
    /// memory of the last one instead of growing a new buffer.
    pub fn execute_into(
        &self,
        site: &dyn Site,
        env: &QueryEnv,
        stop: &dyn Fn() -> bool,
        mut buf: Vec<u8>,
    ) -> Response {
        buf.clear();
        let mut resp = Response {
            code: StatusCode::Ok,
            body: buf,
            fixed16: self.fixed16,
            keepalive: self.keepalive,
        };
        let mut error = self.error.clone();
        if error.is_none() {
            if let (Some(kind), Some(key)) = (self.table, &self.wait_object) {
                let ctx = Ctx::new(site, env);
                if tables::wait_object(&ctx, kind, key).is_none() {
                    error = Some(RequestError {
                        code: StatusCode::BadRequest,
                        message: format!(
                            "WaitObject: object '{key}' not found or not supported by this table"
                        ),
                    });
                }
            }
        }
        let tz = match self.localtime {
            Some(v) => {
                let diff = v as f64 - env.now;
                let off = ((diff / 1800.0).round() * 1800.0) as i64;
                if off.abs() >= 86_400 {
                    if error.is_none() {
                        error = Some(RequestError {
                            code: StatusCode::BadRequest,
                            message:
                                "Localtime: timezone difference greater than or equal to 24 hours"
                                    .into(),
                        });
                    }
                    0
                } else {
                    off
                }
            }
            None => 0,
        };
        if let Some(kind) = self.table {
            let buf = std::mem::take(&mut resp.body);
            let (body, run_err) = self.answer(kind, site, env, tz, stop, buf);
            resp.body = body;
            if error.is_none() {
                error = run_err;
            }
        }
        if let Some(e) = error {
            resp.code = e.code;
            if self.fixed16 {
                resp.body.clear();
                resp.body.extend_from_slice(e.message.as_bytes());
                resp.body.push(b'\n');
            }
        }
        resp
    }

    fn hints(&self, kind: TableKind) -> Hints {
        let mut h = Hints::default();
        for c in self.filter.conjuncts() {
            let crate::filter::Operand::Str(v, _) = &c.val else {
                continue;
            };
            match (kind, c.name.as_str(), c.op) {
                (TableKind::Services, "host_name", Op::Eq) if h.host_name.is_none() => {
                    h.host_name = Some(v.clone())
                }
                (TableKind::Services, "host_groups", Op::Ge) if h.hostgroup.is_none() => {
                    h.hostgroup = Some(v.clone())
                }
                (TableKind::Services | TableKind::Hosts, "groups", Op::Ge) if h.group.is_none() => {
                    h.group = Some(v.clone())
                }
                _ => {}
            }
        }
        h
    }

    fn time_bounds(&self) -> (i64, i64) {
        let mut lo = i64::MIN;
        let mut hi = i64::MAX;
        for c in self.filter.conjuncts() {
            if c.name != "time" {
                continue;
            }
            if let crate::filter::Operand::Int(v) = c.val {
                match c.op {
                    Op::Ge => lo = lo.max(v),
                    Op::Gt => lo = lo.max(v.saturating_add(1)),
                    Op::Le => hi = hi.min(v),
                    Op::Lt => hi = hi.min(v.saturating_sub(1)),
                    Op::Eq => {
                        lo = lo.max(v);
                        hi = hi.min(v);
                    }
                    _ => {}
                }
            }
        }
        (lo, hi)
    }

    fn answer(
        &self,
        kind: TableKind,
        site: &dyn Site,
        env: &QueryEnv,
        tz: i64,
        stop: &dyn Fn() -> bool,
        buf: Vec<u8>,
    ) -> (Vec<u8>, Option<RequestError>) {
        let mut ctx = Ctx::new(site, env);
        if kind == TableKind::Log {
            let (lo, hi) = self.time_bounds();
            let m = ctx.m;
            let mut entries = Vec::new();
            let mut lineno = 0i64;
            site.log_lines(lo, hi, &mut |line| {
                lineno += 1;
                if let Some(e) = LogEntry::parse(line, lineno, m) {
                    entries.push(e);
                }
                true
            });
            ctx.log = entries;
        }
        let auth = self.auth_user.as_ref().map(|u| {
            let contact = ctx.m.index.contacts.get(u).copied();
            Auth::new(&ctx, contact)
        });
        let mut out = Out::with_buffer(self.format, self.seps, buf);
        out.begin_query();
        let ncols = self.columns.len();
        if self.show_headers {
            out.begin_row();
            for c in &self.columns {
                out.begin_field();
                out.string(&c.name);
                out.end_field();
            }
            for i in 1..=self.stats.len() {
                out.begin_field();
                out.string(&format!("stats_{i}"));
                out.end_field();
            }
            out.end_row();
        }
        let do_stats = !self.stats.is_empty();
        let mut groups: BTreeMap<Vec<u8>, Vec<Agg>> = BTreeMap::new();
        if do_stats && ncols == 0 {
            groups.insert(Vec::new(), self.new_aggs());
        }
        let mut hints = self.hints(kind);
        hints.warm = !do_stats && ncols >= WARM_COLUMNS;
        let mut count = 0usize;
        let mut err: Option<RequestError> = None;
        let mut frag = Out::new(self.format, self.seps);
        let mut cur_key: Vec<u8> = Vec::new();
        let mut cur: Option<Vec<Agg>> = None;
        let mut n = 0usize;
        // Each column's slot in the row and its cell writer, resolved once.
        let plan: Vec<(usize, WriteFn)> = self
            .columns
            .iter()
            .map(|c| match c.col {
                Some(col) => (col.slot as usize, col.def.write),
                None => (0, write_null as WriteFn),
            })
            .collect();
        let rfc_csv = self.format == Format::RfcCsv;
        tables::for_each_row(&ctx, kind, &hints, &mut |row| {
            n += 1;
            if n.is_multiple_of(256) && stop() {
                err = Some(RequestError {
                    code: StatusCode::PayloadTooLarge,
                    message: format!(
                        "Maximum query time of {} seconds exceeded!",
                        self.timelimit.unwrap_or(0)
                    ),
                });
                return false;
            }
            if env.max_response_size > 0 && out.buf.len() > env.max_response_size {
                err = Some(RequestError {
                    code: StatusCode::PayloadTooLarge,
                    message: format!(
                        "Maximum response size of {} bytes exceeded!",
                        env.max_response_size
                    ),
                });
                return false;
            }
            if let Some(a) = &auth {
                if !a.row(&ctx, kind, &row) {
                    return true;
                }
            }
            if !self.filter.accepts(&ctx, &row, tz) {
                return true;
            }
            count += 1;
            if let Some(l) = self.limit {
                if count > l {
                    return false;
                }
            }
            if do_stats {
                // The group's key: its cells as rendered. Rows of one group mostly come
                // one after the other (services by host), so the current group's
                // aggregates stay out of the map until the key changes.
                let key: &[u8] = if ncols == 0 {
                    &[]
                } else {
                    frag.reset();
                    frag.begin_row();
                    for c in &self.columns {
                        write_cell(&ctx, &mut frag, c.col, &row, tz);
                    }
                    // Drop the row opener of nested formats: the fragment is fields only.
                    if matches!(self.format, Format::Json | Format::Python | Format::Python3) {
                        frag.buf.get(1..).unwrap_or_default()
                    } else {
                        &frag.buf
                    }
                };
                let same = cur.is_some() && (ncols == 0 || cur_key.as_slice() == key);
                if !same {
                    if let Some(a) = cur.take() {
                        groups.insert(std::mem::take(&mut cur_key), a);
                    }
                    cur_key = key.to_vec();
                    cur = Some(groups.remove(&cur_key).unwrap_or_else(|| self.new_aggs()));
                }
                if let Some(aggs) = cur.as_mut() {
                    for (a, s) in aggs.iter_mut().zip(&self.stats) {
                        a.consume(&ctx, s, &row, tz);
                    }
                }
            } else {
                out.begin_row();
                for &(slot, write) in &plan {
                    out.begin_field();
                    write(&ctx, row.0[slot], &mut out, tz);
                    if rfc_csv {
                        out.end_field();
                    }
                }
                out.end_row();
            }
            true
        });
        if let Some(a) = cur.take() {
            groups.insert(cur_key, a);
        }
        if do_stats {
            for (key, aggs) in &groups {
                out.begin_row();
                if !key.is_empty() {
                    out.raw_fields(key, ncols);
                }
                for (a, s) in aggs.iter().zip(&self.stats) {
                    out.begin_field();
                    a.output(&mut out, s);
                    out.end_field();
                }
                out.end_row();
            }
        }
        out.end_query();
        (out.buf, err)
    }

    fn new_aggs(&self) -> Vec<Agg> {
        self.stats.iter().map(|_| Agg::default()).collect()
    }
}

/// Rows of this many columns or more read their objects a block ahead.
const WARM_COLUMNS: usize = 8;

/// Writes one cell (a column of a row) as a field.
#[inline]
fn write_cell(c: &Ctx<'_>, out: &mut Out, col: Option<TCol>, row: &RowRef, tz: i64) {
    out.begin_field();
    match col {
        None => out.null(),
        Some(col) => {
            let id = row.get(col.slot);
            write_value(c, out, col, id, tz);
        }
    }
    if out.fmt == Format::RfcCsv {
        out.end_field();
    }
}

/// The cell of a column the table does not have.
fn write_null(_c: &Ctx<'_>, _id: u32, out: &mut Out, _tz: i64) {
    out.null();
}

/// Writes the value of a column (the plain path, through [`Get`]; rows are written
/// through each column's [`WriteFn`], which writes the same).
pub(crate) fn write_value(c: &Ctx<'_>, out: &mut Out, col: TCol, id: u32, tz: i64) {
    let missing = id == NONE;
    match col.def.get {
        Get::Int(f) => out.int(if missing { 0 } else { f(c, id) }),
        Get::Time(f) => {
            let v = if missing { 0 } else { f(c, id) };
            out.int(v + tz)
        }
        Get::Float(f) => out.double(if missing { 0.0 } else { f(c, id) }),
        Get::Str(f) => {
            if missing {
                out.string("")
            } else {
                let s = f(c, id);
                out.string(&s)
            }
        }
        Get::List(f) => {
            out.begin_list();
            if !missing {
                f(c, id, &mut ListOut { out: &mut *out });
            }
            out.end_list();
        }
        Get::Dict(f) => {
            out.begin_dict();
            if !missing {
                f(c, id, &mut |k, v| {
                    out.item();
                    out.string(k);
                    out.dict_colon();
                    out.string(v);
                });
            }
            out.end_dict();
        }
        Get::Blob => out.null(),
    }
}

/// State of one stats column in one group.
#[derive(Debug, Clone, Default)]
struct Agg {
    count: u64,
    sum: f64,
    sumsq: f64,
    isum: i128,
    min: f64,
    max: f64,
    inv: f64,
}

impl Agg {
    fn consume(&mut self, c: &Ctx<'_>, s: &StatsCol, row: &RowRef, tz: i64) {
        match s {
            StatsCol::Count(f) => {
                if f.accepts(c, row, tz) {
                    self.count += 1;
                }
            }
            StatsCol::Agg(_, col) => {
                let id = row.get(col.slot);
                let (v, iv) = match col.def.get {
                    Get::Int(f) => {
                        let x = if id == NONE { 0 } else { f(c, id) };
                        (x as f64, Some(x))
                    }
                    Get::Time(f) => {
                        let x = if id == NONE { 0 } else { f(c, id) + tz };
                        (x as f64, None)
                    }
                    Get::Float(f) => (if id == NONE { 0.0 } else { f(c, id) }, None),
                    _ => (0.0, None),
                };
                if self.count == 0 || v < self.min {
                    self.min = v;
                }
                if self.count == 0 || v > self.max {
                    self.max = v;
                }
                self.count += 1;
                self.sum += v;
                self.sumsq += v * v;
                self.inv += 1.0 / v;
                if let Some(i) = iv {
                    self.isum += i128::from(i);
                }
            }
        }
    }

    fn output(&self, out: &mut Out, s: &StatsCol) {
        match s {
            StatsCol::Count(_) => out.int(self.count as i64),
            StatsCol::Agg(op, col) => {
                let int = matches!(col.def.get, Get::Int(_));
                let n = self.count as f64;
                match op {
                    AggOp::Sum if int => {
                        out.int(self.isum.clamp(i64::MIN.into(), i64::MAX.into()) as i64)
                    }
                    AggOp::Min if int => out.int(self.min as i64),
                    AggOp::Max if int => out.int(self.max as i64),
                    AggOp::Sum => out.double(self.sum),
                    AggOp::Min => out.double(self.min),
                    AggOp::Max => out.double(self.max),
                    AggOp::Avg => out.double(self.sum / n),
                    AggOp::Std => {
                        let mean = self.sum / n;
                        out.double(
                            (self.sumsq / n - mean * mean).max(0.0).sqrt()
                                * if n > 0.0 { 1.0 } else { f64::NAN },
                        )
                    }
                    AggOp::SumInv => out.double(self.inv),
                    AggOp::AvgInv => out.double(self.inv / n),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Slot;
    use crate::mem::MemSite;
    use crate::site::{AckKind, Comment, Downtime};
    use proptest::prelude::*;
    use std::sync::{Arc, OnceLock};

    const OBJECTS: &str = "\
define command {\n command_name c\n command_line /bin/true $ARG1$\n }\n\
define timeperiod {\n timeperiod_name 24x7\n alias all\n monday 00:00-24:00\n }\n\
define contact {\n contact_name alice\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_commands c\n service_notification_commands c\n _PHONE 1\n }\n\
define contactgroup {\n contactgroup_name admins\n members alice\n }\n\
define hostgroup {\n hostgroup_name hg\n }\n\
define host {\n host_name h1\n address 10.0.0.1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contact_groups admins\n notification_period 24x7\n hostgroups hg\n _LOC r1\n }\n\
define host {\n host_name h2\n address 10.0.0.2\n parents h1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define servicegroup {\n servicegroup_name sg\n members h1,s1\n }\n\
define service {\n host_name h1,h2\n service_description s1\n check_command c!x\n max_check_attempts 2\n check_interval 5\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contact_groups admins\n _ROLE db\n }\n";

    fn base_site() -> &'static MemSite {
        static S: OnceLock<MemSite> = OnceLock::new();
        S.get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("vigil-ls-write-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("o.cfg"), OBJECTS).unwrap();
            std::fs::write(
                dir.join("n.cfg"),
                format!(
                    "cfg_file={}\nlog_file={}\n",
                    dir.join("o.cfg").display(),
                    dir.join("l").display()
                ),
            )
            .unwrap();
            let (m, _) = vigil_config::load(&dir.join("n.cfg"))
                .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
            MemSite::new(Arc::new(m), 1_700_000_000.0, 1)
        })
    }

    /// Every column of every table, for every row and a row without the column's
    /// object, in every format: the column's [`WriteFn`] writes what the plain
    /// [`write_value`] writes.
    fn writers_match_plain_path(site: &MemSite, tz: i64) {
        let env = QueryEnv {
            now: 1_700_000_100.0,
            ..QueryEnv::default()
        };
        let ctx = Ctx::new(site, &env);
        let seps = Separators::default();
        let mut checked = 0usize;
        let mut joined = false;
        for (_, kind) in crate::tables::ALL_TABLES {
            // The table's rows and a row without any object.
            let mut rows = vec![RowRef::empty()];
            tables::for_each_row(&ctx, kind, &Hints::default(), &mut |r| {
                rows.push(r);
                rows.len() < 40
            });
            joined |= rows
                .iter()
                .any(|r| r.get(Slot::Service) != NONE && r.get(Slot::Host) != NONE);
            let t = tables::table(kind);
            for tc in t.cols.iter().chain(&t.extra) {
                let col = tc.col;
                for row in &rows {
                    let id = row.get(col.slot);
                    for fmt in [
                        Format::Csv,
                        Format::RfcCsv,
                        Format::Json,
                        Format::Python,
                        Format::Python3,
                    ] {
                        let mut plain = Out::new(fmt, seps);
                        plain.begin_row();
                        plain.begin_field();
                        write_value(&ctx, &mut plain, col, id, tz);
                        let mut fast = Out::new(fmt, seps);
                        fast.begin_row();
                        fast.begin_field();
                        (col.def.write)(&ctx, id, &mut fast, tz);
                        assert_eq!(
                            String::from_utf8_lossy(&fast.buf),
                            String::from_utf8_lossy(&plain.buf),
                            "{} {:?}",
                            tc.name,
                            fmt
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
        // The rows include services with their hosts.
        assert!(joined);
    }

    #[test]
    fn cell_writers_match_the_plain_path_on_initial_state() {
        writers_match_plain_path(base_site(), 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn cell_writers_match_the_plain_path(
            short in proptest::option::of("(\\PC|[\"\\\\;|,\\n]){0,24}"),
            long in "(\\PC|[\"\\\\]){0,40}",
            perf in "[a-z=0-9;. ]{0,30}",
            last_check in -1e10f64..1e10,
            latency in prop_oneof![Just(0.0), 0.0f64..10.0, Just(f64::NAN)],
            attempt in 0u32..10,
            ack in proptest::option::of(prop_oneof![Just(AckKind::Normal), Just(AckKind::Sticky)]),
            text in "(\\PC|[\"\\\\]){0,12}",
            tz in prop_oneof![Just(0i64), -86_000i64..86_000],
        ) {
            let mut s = base_site().clone();
            let h1 = s.model.find_host("h1").unwrap();
            let s1 = s.model.find_service("h1", "s1").unwrap();
            for st in &mut s.services {
                st.has_been_checked = true;
                st.output.short = short.clone();
                st.output.long = long.clone();
                st.output.perfdata = perf.clone();
                st.last_check = last_check;
                st.latency = latency;
                st.current_attempt = attempt;
            }
            for st in &mut s.hosts {
                st.output.short = short.clone();
                st.execution_time = latency;
            }
            s.service_extra[s1.idx()].acknowledgement = ack;
            s.comments.push(Comment {
                id: 7,
                host: h1,
                service: Some(s1),
                author: text.clone(),
                text: text.clone(),
                entry_time: last_check as i64,
                entry_type: 1,
                persistent: true,
                source: 1,
                expires: false,
                expire_time: 0,
            });
            s.downtimes.push(Downtime {
                id: 3,
                host: h1,
                service: None,
                author: text.clone(),
                comment: text.clone(),
                entry_time: 1,
                start_time: 2,
                end_time: 3,
                fixed: true,
                duration: 0,
                triggered_by: 0,
                active: true,
            });
            s.log.push(format!("[1700000000] SERVICE ALERT: h1;s1;CRITICAL;HARD;1;{text}"));
            writers_match_plain_path(&s, tz);
        }
    }
}
