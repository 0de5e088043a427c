//! `vigil-events` is the vocabulary of a Nagios-compatible core: typed host and
//! service states ([`states`]), the [`Event`]s the core reports — alerts, state
//! lines, flapping, event handler runs, notifications and their decisions
//! ([`notification`]), downtime transitions, external commands, program events — as
//! values ([`event`]), and the one renderer of their Nagios 4.4.6 log texts
//! ([`logtext`]) and its inverse, the typed log reader ([`logparse`]). Consumers (the log file, `--verbose`, the handler journal,
//! metrics, Livestatus) all read the same events; no code matches log text.
//!
//! Pure: no I/O, no clock.

pub mod event;
pub mod logparse;
pub mod logtext;
pub mod notification;
pub mod states;

pub use event::{
    CheckProblem, CommandEvent, Event, FlapChange, HandlerKind, HandlerOutcome, HandlerRun,
    HandlerSuppression, HelperJob, Obj, PerfdataEvent, ProcessEnd, ProgramEvent, StateLine,
    StateReport, Time,
};
pub use logtext::{Dhms, LogOptions};
pub use notification::{
    ContactDecision, DowntimeChange, NotificationLine, NotificationRecord, NotificationRun,
    NotificationType, Suppression,
};
pub use states::{AnyState, CheckType, HostState, ObjKind, ObjectState, ServiceState, StateType};
