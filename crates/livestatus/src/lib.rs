//! `vigil-livestatus`: the Livestatus protocol over vigil's state, as a pure library
//! (no sockets, no threads, no clock: the time is an argument).
//!
//! * [`parse_request`] reads one request (`GET table` with its headers, `COMMAND`,
//!   `LOGROTATE`) into a compiled [`Query`]: columns resolved to typed accessors,
//!   filters compiled (numbers parsed, regexes built), stats set up.
//! * [`Query::execute`] answers it from one [`Site`] snapshot, writing the reply
//!   straight into a byte buffer in the asked format ([`Response`]).
//! * [`Site`] is what the tables read; `vigil-livestatus-server` implements it over
//!   the core's snapshot, [`mem::MemSite`] is plain data for tests.
//!
//! Behaviour, values and error texts follow mk-livestatus 1.5.0p23 in Nagios 4.4.6
//! (the recorded reference traces); see the crate README for where vigil differs.
//!
//! Modules: `query` (requests, execution, stats), `filter` (filters), `render`
//! (output formats), `column` (accessor model), `tables` (tables and columns),
//! `index` (orders of the model), `logline` (log line classification), `cxxorder`
//! (hash-container order of the reference), `site` (the data trait), `mem`
//! (plain in-memory site for tests).

mod column;
pub mod cxxorder;
mod filter;
pub mod index;
pub mod logline;
pub mod mem;
mod query;
pub mod render;
pub mod site;
mod tables;

pub use index::Indexes;
pub use query::{
    parse_request, ExternalCommand, Query, Request, RequestError, Response, StatusCode, TriggerKind,
};
pub use site::{
    absent_host, absent_run, absent_service, AckKind, Comment, CoreCounters, Downtime,
    HandlerOutcome, HandlerRun, ObjectExtra, ProgramStatus, QueryEnv, ServerCounters, Site,
    Statuses,
};
pub use tables::{TableKind, ALL_TABLES};

/// The `livestatus_version` vigil reports: the protocol level it implements.
pub const LIVESTATUS_VERSION: &str = "1.5.0p23";
