//! What-if replay (`vigil replay`): the check results recorded in a Nagios or vigil
//! log, fed through a [`Core`] with the *current* configuration in simulated time,
//! to show which event handlers would run, when, with which command lines and
//! policy decisions — without running anything.
//!
//! What is fed, in log order:
//!
//! * `INITIAL` / `CURRENT ... STATE` lines set an object's status (the starting
//!   point);
//! * `EXTERNAL COMMAND` lines are handed to the core as commands (passive results
//!   in full, with their perfdata and long output; switches such as
//!   `DISABLE_SVC_EVENT_HANDLER`); the `... ALERT` line a passive result produced
//!   is then not fed a second time;
//! * `SERVICE ALERT` / `HOST ALERT` lines as results of active checks (state and
//!   first output line);
//! * an `EVENT HANDLER` line with no alert of its object in the same second as the
//!   result it proves (`log_service_retries=0` leaves soft alerts out, the handler
//!   line stays);
//! * a new `... starting...` line: the previous process stopped (outcomes still
//!   open become `unknown`; statuses carry on, as with retention).
//!
//! What a log cannot tell is marked, never guessed: results that changed nothing
//! are not logged (an OK that stayed OK, a HARD state repeating, soft retries with
//! `log_*_retries=0` and no handler), nor are long output and performance data of
//! active checks, nor the output of an object that never changed state; such
//! values expand to [`NOT_IN_LOG`] in the command lines. Handlers are taken to end
//! at once with exit 0 (a log does not record their duration), and no check runs,
//! so a `_VIGIL_VERIFY` recheck is shown as due, and the next logged result
//! decides.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use vigil_config::Model;
use vigil_events::logparse::{HandlerLine, LogEntry, LogLine};
use vigil_events::{
    AnyState, CheckType, Event, HandlerKind, HandlerOutcome, Obj, ObjectState, ProcessEnd,
    StateLine, StateType,
};
use vigil_state::result::CheckResult;
use vigil_state::{HostState, Output, ServiceState};

use crate::core::{with_status, Core};
use crate::jobs::{JobId, JobResult, Purpose};
use crate::{Action, ObjRef};

/// The value of a macro whose value the log does not hold (long output and
/// performance data of active checks, the output of objects never logged).
pub const NOT_IN_LOG: &str = "«not in log»";

/// One thing the replay found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum ReplayItem {
    /// A handler would run.
    Run {
        /// Log time of the result that triggers it.
        time: i64,
        /// The object.
        obj: Obj,
        /// Global or the object's own.
        handler: HandlerKind,
        /// The transition.
        state: String,
        /// SOFT / HARD.
        state_type: String,
        /// Attempt.
        attempt: u32,
        /// The directive.
        directive: String,
        /// The command line as displayed.
        command: String,
        /// The words executed directly (no shell), when no shell is needed.
        argv: Option<Vec<String>>,
        /// The `/bin/sh -c` script, when a shell is needed.
        shell: Option<String>,
        /// Environment added to the process (leading `VAR=value` words, shell data).
        env: Vec<(String, String)>,
        /// Whether the log shows the recorded engine running this handler for
        /// this transition at that time.
        in_log: bool,
    },
    /// A policy kept a handler from running.
    Suppressed {
        /// Log time.
        time: i64,
        /// The object.
        obj: Obj,
        /// Global or the object's own.
        handler: HandlerKind,
        /// The transition.
        state: String,
        /// SOFT / HARD.
        state_type: String,
        /// Attempt.
        attempt: u32,
        /// The directive.
        directive: String,
        /// Why.
        reason: String,
    },
    /// A transition waits for the object's running handlers (`_VIGIL_OVERLAP queue`).
    Queued {
        /// Log time.
        time: i64,
        /// The object.
        obj: Obj,
        /// The directive.
        directive: String,
    },
    /// The outcome of a run, as the following logged results decide it.
    Outcome {
        /// When it was decided.
        time: i64,
        /// The object.
        obj: Obj,
        /// The directive.
        directive: String,
        /// `recovered`, `not recovered`, `superseded`, `unknown`.
        outcome: String,
        /// Seconds to recovery.
        recovered_after: Option<f64>,
    },
    /// `_VIGIL_VERIFY`: a forced recheck would be due (a replay runs no checks).
    VerifyDue {
        /// When.
        time: i64,
        /// The object.
        obj: Obj,
    },
    /// The log shows a handler run that the current configuration would not do.
    OnlyInLog {
        /// Log time.
        time: i64,
        /// The logged line's fields.
        obj: Obj,
        /// Global or the object's own.
        handler: HandlerKind,
        /// The transition.
        state: String,
        /// SOFT / HARD.
        state_type: String,
        /// Attempt.
        attempt: u32,
        /// The directive as logged.
        directive: String,
    },
}

impl ReplayItem {
    /// The log time the item belongs to.
    pub fn time(&self) -> i64 {
        match self {
            ReplayItem::Run { time, .. }
            | ReplayItem::Suppressed { time, .. }
            | ReplayItem::Queued { time, .. }
            | ReplayItem::Outcome { time, .. }
            | ReplayItem::VerifyDue { time, .. }
            | ReplayItem::OnlyInLog { time, .. } => *time,
        }
    }
}

/// What the replay read and what it could not use.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplayCounts {
    /// Results fed (alerts, passive results, handler lines as evidence).
    pub results: u64,
    /// Of those, proven only by an event handler line (output unknown).
    pub from_handler_lines: u64,
    /// External commands fed.
    pub commands: u64,
    /// External commands the recorded engine refused (not fed).
    pub refused_commands: u64,
    /// Lines naming an object the current configuration does not have.
    pub unknown_objects: u64,
    /// Program starts seen after the first.
    pub restarts: u64,
}

/// A replay in progress (see the module docs).
pub struct Replay {
    core: Core,
    items: Vec<ReplayItem>,
    counts: ReplayCounts,
    /// Object → (time, state id) of its last fed alert (handler lines at that
    /// time are that alert's, not evidence of another result).
    last_alert: HashMap<ObjRef, i64>,
    /// Object → time of a passive result fed from a command, whose ALERT line is
    /// still to come.
    passive: HashMap<ObjRef, i64>,
    /// Handler lines of the log, for `in_log` / `OnlyInLog`.
    logged: Vec<(i64, HandlerLine)>,
    /// Runs started, by job id, waiting for their item.
    started: usize,
    seen_start: bool,
    report_from: i64,
    now: i64,
    /// An external command waiting for the next line: Nagios logs
    /// `Error: External command failed -> ...` right after a command it refused,
    /// and a refused command changed nothing.
    pending_command: Option<(i64, String, String)>,
}

impl Replay {
    /// A replay on `model` in `zone`; items before `report_from` are fed but not
    /// reported (the state they lead to is the starting point).
    pub fn new(
        model: Arc<Model>,
        zone: vigil_config::zone::Zone,
        start: i64,
        report_from: Option<i64>,
    ) -> Replay {
        let mut core = Core::new(model, zone, start as f64, 0);
        core.no_checks = true;
        for i in 0..core.hosts.len() {
            unknown_output(&mut core.hosts[i].output);
        }
        for i in 0..core.services.len() {
            unknown_output(&mut core.services[i].output);
        }
        Replay {
            core,
            items: Vec::new(),
            counts: ReplayCounts::default(),
            last_alert: HashMap::new(),
            passive: HashMap::new(),
            logged: Vec::new(),
            started: 0,
            seen_start: false,
            report_from: report_from.unwrap_or(i64::MIN),
            now: start,
            pending_command: None,
        }
    }

    fn command(&mut self, t: i64, name: &str, args: &str) {
        let upper = name.to_ascii_uppercase();
        if upper == "PROCESS_SERVICE_CHECK_RESULT" || upper == "PROCESS_HOST_CHECK_RESULT" {
            if let Some(obj) = self.passive_target(&upper, args) {
                self.passive.insert(obj, t);
                self.counts.results += 1;
            }
        }
        self.counts.commands += 1;
        let line = if args.is_empty() {
            format!("[{t}] {name}")
        } else {
            format!("[{t}] {name};{args}")
        };
        self.core.handle_command(&line, t as f64);
        self.drain(t);
    }

    /// Feeds one log entry (entries must come in time order).
    pub fn feed(&mut self, e: &LogEntry) {
        let t = e.time;
        if let Some((ct, name, args)) = self.pending_command.take() {
            let refused = match &e.line {
                LogLine::Other(text) => text
                    .strip_prefix("Error: External command failed -> ")
                    .is_some_and(|c| c == format!("{name};{args}")),
                _ => false,
            };
            if refused {
                self.counts.refused_commands += 1;
            } else {
                self.command(ct, &name, &args);
            }
        }
        self.now = t;
        self.core.handler_timers(t as f64);
        self.drain(t);
        match &e.line {
            LogLine::State(_, l) => self.set_state(l),
            LogLine::Alert(l) => self.alert(t, l),
            LogLine::ExternalCommand { name, args } => {
                self.pending_command = Some((t, name.clone(), args.clone()));
            }
            LogLine::HandlerStarted(h) => {
                self.logged.push((t, h.clone()));
                self.handler_evidence(t, h);
            }
            LogLine::Starting { .. } => {
                if self.seen_start {
                    self.counts.restarts += 1;
                    self.core.stop(t as f64);
                }
                self.seen_start = true;
            }
            _ => {}
        }
        self.drain(t);
    }

    /// The items, in time order, and the counts.
    pub fn finish(mut self) -> (Vec<ReplayItem>, ReplayCounts) {
        let t = self.now;
        if let Some((ct, name, args)) = self.pending_command.take() {
            self.command(ct, &name, &args);
        }
        self.core.stop(t as f64);
        self.drain(t);
        // Logged handler runs the replay did not make; and the ones it made.
        let mut extra = Vec::new();
        for (time, h) in &self.logged {
            let made = self.items.iter_mut().any(|i| match i {
                ReplayItem::Run {
                    time: rt,
                    obj,
                    handler,
                    state,
                    state_type,
                    attempt,
                    in_log,
                    ..
                } => {
                    let same = *rt == *time
                        && *obj == h.obj
                        && *handler == h.kind
                        && state == h.state.name()
                        && state_type == h.state_type.name()
                        && *attempt == h.attempt
                        && !*in_log;
                    *in_log |= same;
                    same
                }
                _ => false,
            });
            if !made && *time >= self.report_from {
                extra.push(ReplayItem::OnlyInLog {
                    time: *time,
                    obj: h.obj.clone(),
                    handler: h.kind,
                    state: h.state.name().into(),
                    state_type: h.state_type.name().into(),
                    attempt: h.attempt,
                    directive: h.directive.clone(),
                });
            }
        }
        self.items.extend(extra);
        self.items.sort_by_key(ReplayItem::time);
        (self.items, self.counts)
    }

    fn obj(&mut self, o: &Obj) -> Option<ObjRef> {
        let r = self.core.obj_of(o);
        if r.is_none() {
            self.counts.unknown_objects += 1;
        }
        r
    }

    fn passive_target(&mut self, upper: &str, args: &str) -> Option<ObjRef> {
        let mut f = args.split(';');
        let host = f.next()?;
        let o = if upper == "PROCESS_SERVICE_CHECK_RESULT" {
            Obj::Service {
                host: host.into(),
                service: f.next()?.into(),
            }
        } else {
            Obj::Host { host: host.into() }
        };
        self.core.obj_of(&o)
    }

    fn set_state(&mut self, l: &StateLine) {
        let Some(obj) = self.obj(&l.obj) else {
            return;
        };
        let id = l.state.id();
        with_status!(self.core, obj, |mut st| {
            st.current_state = ObjectState::from_id(id);
            st.last_state = st.current_state;
            st.last_hard_state = if l.state_type == StateType::Hard {
                st.current_state
            } else {
                ObjectState::OK
            };
            st.state_type = l.state_type;
            st.current_attempt = l.attempt;
            st.has_been_checked = l.output.is_some();
            // `(null)`: not checked yet then; its first check is not logged.
            st.output = match &l.output {
                Some(o) => logged_output(o),
                None => {
                    let mut o = Output::default();
                    unknown_output(&mut o);
                    o
                }
            };
        });
    }

    fn alert(&mut self, t: i64, l: &StateLine) {
        let Some(obj) = self.obj(&l.obj) else {
            return;
        };
        if self.passive.get(&obj).is_some_and(|p| t - p <= 5) {
            // The alert of a passive result already fed from its command.
            self.passive.remove(&obj);
            self.last_alert.insert(obj, t);
            return;
        }
        self.last_alert.insert(obj, t);
        self.result(obj, t, l.state, l.output.as_deref());
    }

    fn handler_evidence(&mut self, t: i64, h: &HandlerLine) {
        let Some(obj) = self.core.obj_of(&h.obj) else {
            return;
        };
        if self.last_alert.get(&obj) == Some(&t) || self.passive.contains_key(&obj) {
            return;
        }
        let now = with_status!(self.core, obj, |st| (
            st.current_state.any(),
            st.state_type,
            st.current_attempt
        ));
        if now == (h.state, h.state_type, h.attempt) {
            // Already in that state at this time: the global and own handler lines
            // of one result, or a result fed just before.
            return;
        }
        self.counts.from_handler_lines += 1;
        self.last_alert.insert(obj, t);
        self.result(obj, t, h.state, None);
    }

    /// Feeds a result of an active check with this state and (first line of) output.
    fn result(&mut self, obj: ObjRef, t: i64, state: AnyState, output: Option<&str>) {
        self.counts.results += 1;
        let out = match output {
            Some(o) => logged_output(o),
            None => {
                let mut o = Output::default();
                unknown_output(&mut o);
                o
            }
        };
        let now = t as f64;
        match obj {
            ObjRef::Service(s) => {
                let res = CheckResult {
                    state: ServiceState::from_id(state.id()),
                    output: out,
                    check_type: CheckType::Active,
                    start: now,
                    finish: now,
                    latency: 0.0,
                };
                self.core.process_service_result(s, res, now, false);
            }
            ObjRef::Host(h) => {
                // Active host results are UP or "a problem"; reachability decides
                // between DOWN and UNREACHABLE, with the current parents.
                let st = if state.is_ok() {
                    HostState::Up
                } else {
                    HostState::Down
                };
                let res = CheckResult {
                    state: st,
                    output: out,
                    check_type: CheckType::Active,
                    start: now,
                    finish: now,
                    latency: 0.0,
                };
                self.core.process_host_result(h, res, now, false);
            }
        }
    }

    /// Turns the core's actions and events into items; handlers end at once.
    fn drain(&mut self, t: i64) {
        loop {
            let actions = self.core.take_actions();
            let mut jobs: HashMap<JobId, vigil_cmdline::Plan> = HashMap::new();
            let mut ended = Vec::new();
            for a in actions {
                if let Action::Run { id, job } = a {
                    if job.purpose == Purpose::EventHandler {
                        jobs.insert(id, job.plan);
                        ended.push(id);
                    }
                }
            }
            let events = self.core.take_events();
            let mut any = !ended.is_empty();
            for e in events {
                any = true;
                self.event(t, e, &mut jobs);
            }
            for id in ended {
                let r = JobResult {
                    end: ProcessEnd::Exited(0),
                    stdout: Vec::new(),
                    stderr: Vec::new(),
                    start: t as f64,
                    duration: 0.0,
                };
                self.core.handle_job_done(id, r, t as f64);
            }
            if !any {
                break;
            }
        }
        self.core.take_dirty();
    }

    fn push(&mut self, item: ReplayItem) {
        if item.time() >= self.report_from {
            self.items.push(item);
        }
    }

    fn event(&mut self, t: i64, e: Event, jobs: &mut HashMap<JobId, vigil_cmdline::Plan>) {
        match e {
            Event::HandlerStarted { run, .. } => {
                self.started += 1;
                let (argv, shell, env) = match jobs.remove(&JobId(run.id)) {
                    Some(vigil_cmdline::Plan::Direct { argv, env }) => (Some(argv), None, env),
                    Some(vigil_cmdline::Plan::Shell { script, env }) => (None, Some(script), env),
                    None => (None, None, Vec::new()),
                };
                // Set in `finish`: the log's handler line follows the alert.
                let in_log = false;
                self.push(ReplayItem::Run {
                    time: t,
                    obj: run.obj,
                    handler: run.kind,
                    state: run.state.name().into(),
                    state_type: run.state_type.name().into(),
                    attempt: run.attempt,
                    directive: run.directive,
                    command: run.command,
                    argv,
                    shell,
                    env,
                    in_log,
                });
            }
            Event::HandlerSuppressed { run, reason } => self.push(ReplayItem::Suppressed {
                time: t,
                obj: run.obj,
                handler: run.kind,
                state: run.state.name().into(),
                state_type: run.state_type.name().into(),
                attempt: run.attempt,
                directive: run.directive,
                reason: reason.to_string(),
            }),
            Event::HandlerQueued { run } => self.push(ReplayItem::Queued {
                time: t,
                obj: run.obj,
                directive: run.directive,
            }),
            Event::HandlerOutcome {
                run,
                outcome,
                decided,
            } => self.push(ReplayItem::Outcome {
                time: decided as i64,
                obj: run.obj,
                directive: run.directive,
                outcome: outcome.word().into(),
                recovered_after: match outcome {
                    HandlerOutcome::Recovered { after } => Some(after),
                    _ => None,
                },
            }),
            Event::VerifyScheduled { obj, at } => self.push(ReplayItem::VerifyDue {
                time: at as i64,
                obj,
            }),
            _ => {}
        }
    }
}

/// The output of a logged result: the first line as logged; long output and
/// performance data are not in the log.
fn logged_output(short: &str) -> Output {
    let mut o = Output {
        short: Some(short.to_string()),
        ..Output::default()
    };
    o.long = NOT_IN_LOG.to_string();
    o.perfdata = NOT_IN_LOG.to_string();
    o
}

fn unknown_output(o: &mut Output) {
    o.short = Some(NOT_IN_LOG.to_string());
    o.long = NOT_IN_LOG.to_string();
    o.perfdata = NOT_IN_LOG.to_string();
}
