//! Remediation you can trust (vigil; Nagios neither follows up on handlers nor
//! limits them): the outcome of every event handler run and the handler policies
//! of `vigil_config::policy` (`_VIGIL_*` custom variables).
//!
//! **Outcomes.** The handlers an object runs for one transition form a *batch*.
//! A batch for a problem state is decided by what follows, in this order:
//!
//! * a result that is OK / UP: `recovered` (with the seconds from the handlers'
//!   start to that result), or `not recovered` when it came after the verify
//!   window (`_VIGIL_VERIFY_WINDOW`);
//! * a result with another problem state: `superseded`;
//! * a result with the same problem state from a check that started after the
//!   handlers ended (with `_VIGIL_VERIFY`: not before the verify recheck was due):
//!   `not recovered`; so is the end of the verify window;
//! * the object's handlers start again first: `superseded`;
//! * vigil stops first ([`Core::stop`]): `unknown`.
//!
//! A decided outcome is reported ([`Event::HandlerOutcome`], once per run) when
//! every run of the batch has ended, so the journal has the run before its
//! outcome. Batches for OK / UP transitions have no outcome.
//!
//! **Policies** gate a transition's handlers after Nagios's own switches: skip
//! conditions (flapping, downtime, acknowledged, outside `_VIGIL_HANDLER_PERIOD`),
//! then overlap (`_VIGIL_OVERLAP`), then the run limit (`_VIGIL_MAX_RUNS`: runs
//! started within the sliding window; the count starts again once the object is
//! OK / UP on two results in a row, i.e. stays recovered). A suppressed or queued
//! transition is reported per handler ([`Event::HandlerSuppressed`],
//! [`Event::HandlerQueued`]); only runs that started count.
//!
//! With `_VIGIL_VERIFY N` the object's next check is a forced recheck N seconds
//! after the batch ended, instead of the regular or retry check.
//!
//! Pure bookkeeping: times are arguments; the only effects are events, the
//! schedule and forced checks through the core.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;

use vigil_config::policy::{HandlerPolicy, Overlap, PREFIX};
use vigil_config::Model;
use vigil_events::{AnyState, Event, HandlerOutcome, HandlerRun, HandlerSuppression, ObjectState};
use vigil_state::Time;

use crate::core::{with_status, Core};
use crate::ObjRef;

/// Per-object policies (shared) and the state of handler runs and outcomes.
#[derive(Debug, Default)]
pub(crate) struct Remediation {
    host_policy: Vec<Option<Arc<HandlerPolicy>>>,
    svc_policy: Vec<Option<Arc<HandlerPolicy>>>,
    objs: HashMap<ObjRef, ObjRem>,
    timers: BinaryHeap<Timer>,
}

/// One object's handler bookkeeping.
#[derive(Debug, Default, Clone)]
struct ObjRem {
    /// Handler jobs of the object in flight.
    running: u32,
    /// Start times of the batches within the `_VIGIL_MAX_RUNS` window.
    starts: VecDeque<Time>,
    /// The previous result was OK / UP.
    last_ok: bool,
    /// A transition waiting for the running handlers (`_VIGIL_OVERLAP queue`).
    queued: Option<Vec<HandlerRun>>,
    /// Batches whose outcome is open or not reported yet; at most the last one
    /// is undecided.
    batches: Vec<Batch>,
    /// The outcome of the latest batch reported.
    last_outcome: Option<HandlerOutcome>,
}

#[derive(Debug, Clone)]
struct Batch {
    /// Each run and whether it has ended.
    runs: Vec<(HandlerRun, bool)>,
    /// The problem state it ran for.
    trigger: AnyState,
    started: Time,
    /// When the last run ended.
    finished: Option<Time>,
    /// `_VIGIL_VERIFY`: when the forced recheck is due.
    verify_at: Option<Time>,
    /// `_VIGIL_VERIFY_WINDOW`: when the window closes.
    window_end: Option<Time>,
    decided: Option<(HandlerOutcome, Time)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TimerKind {
    Verify,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Timer {
    at: Time,
    obj: ObjRef,
    kind: TimerKind,
}

impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Timer {
    // Reversed: the heap's max is the earliest timer.
    fn cmp(&self, o: &Self) -> Ordering {
        o.at.total_cmp(&self.at)
    }
}

/// What the policies say about a transition's handlers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Gate {
    /// Run them.
    Run,
    /// Do not run them, for this reason.
    Suppress(HandlerSuppression),
    /// Run them when the running ones have ended.
    Queue,
}

impl Remediation {
    /// The policies of every object of `model` (objects without `_VIGIL_*`
    /// variables have none; services made from the same templates share one).
    pub(crate) fn new(model: &Model) -> Remediation {
        let tp = |n: &str| model.index.timeperiods.get(n).copied();
        let of = |vars: &[(vigil_config::Str, vigil_config::Str)]| {
            if !vars.iter().any(|(n, _)| n.starts_with(PREFIX)) {
                return None;
            }
            let p = HandlerPolicy::from_vars(vars, tp);
            (!p.is_none()).then(|| Arc::new(p))
        };
        let host_policy = model
            .hosts
            .iter()
            .map(|h| of(&h.settings.custom_vars))
            .collect();
        // Services made from the same templates share their settings, and so one
        // policy; only settings with `_VIGIL_*` variables are looked up.
        let mut shared: HashMap<*const vigil_config::CheckSettings, Option<Arc<HandlerPolicy>>> =
            HashMap::new();
        let svc_policy = model
            .services
            .iter()
            .map(|s| {
                if !s
                    .settings
                    .custom_vars
                    .iter()
                    .any(|(n, _)| n.starts_with(PREFIX))
                {
                    return None;
                }
                shared
                    .entry(Arc::as_ptr(&s.settings))
                    .or_insert_with(|| of(&s.settings.custom_vars))
                    .clone()
            })
            .collect();
        Remediation {
            host_policy,
            svc_policy,
            objs: HashMap::new(),
            timers: BinaryHeap::new(),
        }
    }

    fn policy(&self, obj: ObjRef) -> Option<&Arc<HandlerPolicy>> {
        match obj {
            ObjRef::Host(h) => self.host_policy.get(h.idx())?.as_ref(),
            ObjRef::Service(s) => self.svc_policy.get(s.idx())?.as_ref(),
        }
    }

    /// The earliest verify recheck or window end.
    pub(crate) fn next_timer(&self) -> Option<Time> {
        self.timers.peek().map(|t| t.at)
    }

    /// Takes over the previous generation's bookkeeping (a reload), by object name.
    pub(crate) fn carry_over(&mut self, old: Remediation, map: impl Fn(ObjRef) -> Option<ObjRef>) {
        for (obj, rem) in old.objs {
            if let Some(new) = map(obj) {
                self.objs.insert(new, rem);
            }
        }
        for t in old.timers {
            if let Some(obj) = map(t.obj) {
                self.timers.push(Timer { obj, ..t });
            }
        }
    }
}

impl Core {
    /// The object's handler policy, if it has one.
    pub(crate) fn handler_policy(&self, obj: ObjRef) -> Option<&HandlerPolicy> {
        self.remedy.policy(obj).map(|p| &**p)
    }

    /// Seconds after which the object's handlers are killed.
    pub(crate) fn handler_timeout(&self, obj: ObjRef) -> f64 {
        self.handler_policy(obj)
            .and_then(|p| p.timeout)
            .unwrap_or(self.model.main.event_handler_timeout.max(1) as f64)
    }

    /// Whether the object is in scheduled downtime: its own downtime, or for a
    /// service its host's (`scheduled_downtime_depth`, as the notification rules
    /// count it).
    fn in_downtime(&self, obj: ObjRef) -> bool {
        let own = with_status!(self, obj, |st| st.notify.scheduled_downtime_depth > 0);
        own || match obj {
            ObjRef::Service(s) => {
                let host = self.model.services[s.idx()].host;
                self.hosts[host.idx()].notify.scheduled_downtime_depth > 0
            }
            ObjRef::Host(_) => false,
        }
    }

    /// Whether the object's problem is acknowledged.
    fn is_acknowledged(&self, obj: ObjRef) -> bool {
        with_status!(self, obj, |st| st.notify.acknowledged)
    }

    /// What the object's policies say about running its handlers now.
    pub(crate) fn handler_gate(&mut self, obj: ObjRef, now: Time) -> Gate {
        let Some(p) = self.remedy.policy(obj).cloned() else {
            return Gate::Run;
        };
        let flapping = with_status!(self, obj, |st| st.is_flapping);
        if p.skip_when.flapping && flapping {
            return Gate::Suppress(HandlerSuppression::Flapping);
        }
        if p.skip_when.downtime && self.in_downtime(obj) {
            return Gate::Suppress(HandlerSuppression::Downtime);
        }
        if p.skip_when.acknowledged && self.is_acknowledged(obj) {
            return Gate::Suppress(HandlerSuppression::Acknowledged);
        }
        if let Some(tp) = p.period {
            let tps = &self.model.timeperiods;
            if let Some(period) = tps.get(tp.idx()) {
                if !period.contains(&self.zone, now as i64, tps) {
                    return Gate::Suppress(HandlerSuppression::OutsidePeriod {
                        period: period.name.clone(),
                    });
                }
            }
        }
        let rem = self.remedy.objs.entry(obj).or_default();
        if rem.running > 0 {
            match p.overlap {
                Overlap::Allow => {}
                Overlap::Skip => return Gate::Suppress(HandlerSuppression::Overlap),
                Overlap::Queue => return Gate::Queue,
            }
        }
        if let Some((n, window)) = p.max_runs {
            while rem.starts.front().is_some_and(|t| *t <= now - window) {
                rem.starts.pop_front();
            }
            if rem.starts.len() >= n as usize {
                return Gate::Suppress(HandlerSuppression::RateLimit { runs: n, window });
            }
        }
        Gate::Run
    }

    /// The transition's handlers (`runs`, not started) were not run: reports why,
    /// or queues them (replacing, and reporting, an older queued transition).
    pub(crate) fn handlers_held(&mut self, obj: ObjRef, gate: Gate, runs: Vec<HandlerRun>) {
        match gate {
            Gate::Run => {}
            Gate::Suppress(reason) => {
                for run in runs {
                    self.emit(Event::HandlerSuppressed {
                        run,
                        reason: reason.clone(),
                    });
                }
            }
            Gate::Queue => {
                for run in &runs {
                    self.emit(Event::HandlerQueued { run: run.clone() });
                }
                let rem = self.remedy.objs.entry(obj).or_default();
                if let Some(older) = rem.queued.replace(runs) {
                    for run in older {
                        self.emit(Event::HandlerSuppressed {
                            run,
                            reason: HandlerSuppression::Replaced,
                        });
                    }
                }
            }
        }
    }

    /// The object's handlers for its current state started as `runs` (at least one).
    pub(crate) fn handlers_started(&mut self, obj: ObjRef, runs: Vec<HandlerRun>, now: Time) {
        let state = with_status!(self, obj, |st| st.current_state.any());
        let policy = self.remedy.policy(obj).cloned();
        let rem = self.remedy.objs.entry(obj).or_default();
        rem.running += runs.len() as u32;
        if policy.as_ref().is_some_and(|p| p.max_runs.is_some()) {
            rem.starts.push_back(now);
        }
        if let Some(open) = rem.batches.last_mut().filter(|b| b.decided.is_none()) {
            open.decided = Some((HandlerOutcome::Superseded, now));
        }
        if !state.is_ok() {
            let window_end = policy
                .as_ref()
                .and_then(|p| p.verify_window)
                .map(|w| now + w);
            rem.batches.push(Batch {
                runs: runs.into_iter().map(|r| (r, false)).collect(),
                trigger: state,
                started: now,
                finished: None,
                verify_at: None,
                window_end,
                decided: None,
            });
            if let Some(at) = window_end {
                self.remedy.timers.push(Timer {
                    at,
                    obj,
                    kind: TimerKind::Window,
                });
            }
        }
        self.report_outcomes(obj);
    }

    /// One of the object's handler runs ended.
    pub(crate) fn handler_ended(&mut self, obj: ObjRef, id: u64, now: Time) {
        let verify = self.handler_policy(obj).and_then(|p| p.verify);
        let active = self.has_active_check(obj);
        let Some(rem) = self.remedy.objs.get_mut(&obj) else {
            return;
        };
        rem.running = rem.running.saturating_sub(1);
        let mut verify_at = None;
        if let Some(b) = rem
            .batches
            .iter_mut()
            .find(|b| b.runs.iter().any(|(r, _)| r.id == id))
        {
            for (r, done) in &mut b.runs {
                if r.id == id {
                    *done = true;
                }
            }
            if b.runs.iter().all(|(_, done)| *done) {
                b.finished = Some(now);
                if let (Some(v), None, true) = (verify, b.decided, active) {
                    b.verify_at = Some(now + v);
                    verify_at = b.verify_at;
                }
            }
        }
        let dequeue = (rem.running == 0).then(|| rem.queued.take()).flatten();
        if let Some(at) = verify_at {
            // Instead of the next regular or retry check.
            self.schedule.set(obj, at);
            with_status!(self, obj, |mut st| st.next_check = at);
            self.remedy.timers.push(Timer {
                at,
                obj,
                kind: TimerKind::Verify,
            });
            let name = self.obj_name(obj);
            self.emit(Event::VerifyScheduled { obj: name, at });
        }
        self.report_outcomes(obj);
        if dequeue.is_some() {
            // The newest waiting transition: the handlers run for the object's
            // current state, through the gates again.
            self.run_handlers(obj, now);
        }
    }

    /// A result of the object was applied (before its effects): it may decide the
    /// open outcome, and it feeds the re-arming of `_VIGIL_MAX_RUNS`.
    pub(crate) fn handler_result(&mut self, obj: ObjRef, now: Time) {
        let Some(rem) = self.remedy.objs.get_mut(&obj) else {
            return;
        };
        let (state, last_check) =
            with_status!(self, obj, |st| (st.current_state.any(), st.last_check));
        let ok = state.is_ok();
        if ok && rem.last_ok {
            // Recovered and still so: the run limit starts again.
            rem.starts.clear();
        }
        rem.last_ok = ok;
        let Some(b) = rem.batches.last_mut().filter(|b| b.decided.is_none()) else {
            return;
        };
        let late = b.window_end.is_some_and(|w| now > w);
        let outcome = if ok {
            Some(if late {
                HandlerOutcome::NotRecovered
            } else {
                HandlerOutcome::Recovered {
                    after: (now - b.started).max(0.0),
                }
            })
        } else if state != b.trigger {
            Some(HandlerOutcome::Superseded)
        } else if late
            || b.finished
                .is_some_and(|f| last_check >= b.verify_at.unwrap_or(f))
        {
            Some(HandlerOutcome::NotRecovered)
        } else {
            None
        };
        if let Some(o) = outcome {
            b.decided = Some((o, now));
            self.report_outcomes(obj);
        }
    }

    /// Verify rechecks and window ends that are due.
    pub(crate) fn handler_timers(&mut self, now: Time) {
        while let Some(t) = self.remedy.timers.peek().copied() {
            if t.at > now {
                break;
            }
            self.remedy.timers.pop();
            let Some(b) = self
                .remedy
                .objs
                .get_mut(&t.obj)
                .and_then(|r| r.batches.last_mut())
                .filter(|b| b.decided.is_none())
            else {
                continue;
            };
            match t.kind {
                TimerKind::Window if b.window_end == Some(t.at) => {
                    b.decided = Some((HandlerOutcome::NotRecovered, now));
                    self.report_outcomes(t.obj);
                }
                TimerKind::Verify if b.verify_at == Some(t.at) => {
                    if self.rt(t.obj).executing {
                        // A check is running: its result decides.
                        if let Some(b) = self
                            .remedy
                            .objs
                            .get_mut(&t.obj)
                            .and_then(|r| r.batches.last_mut())
                        {
                            b.verify_at = Some(f64::NEG_INFINITY);
                        }
                    } else if !self.no_checks {
                        self.schedule.cancel(t.obj);
                        self.launch_check(t.obj, t.at, now, true);
                    }
                }
                _ => {}
            }
        }
    }

    /// Reports the outcome of every decided batch whose runs have all ended.
    fn report_outcomes(&mut self, obj: ObjRef) {
        let Some(rem) = self.remedy.objs.get_mut(&obj) else {
            return;
        };
        let mut out = Vec::new();
        let mut last = rem.last_outcome;
        rem.batches.retain(|b| match b.decided {
            Some((outcome, at)) if b.runs.iter().all(|(_, done)| *done) => {
                last = Some(outcome);
                for (run, _) in &b.runs {
                    out.push(Event::HandlerOutcome {
                        run: run.clone(),
                        outcome,
                        decided: at,
                    });
                }
                false
            }
            _ => true,
        });
        rem.last_outcome = last;
        self.events.extend(out);
    }

    /// The environment a handler of `obj` gets from vigil's policies: for objects
    /// with a policy, `VIGIL_LAST_OUTCOME` (the outcome of the object's previous
    /// handler run, `recovered`, `not_recovered`, ...) and, when it recovered,
    /// `VIGIL_LAST_RECOVERED_AFTER` (seconds), so a handler (vigil-remedy's
    /// `last_outcome`) can escalate when the previous try did not help. Objects
    /// without a policy get nothing (Nagios's environment).
    pub(crate) fn policy_env(&self, obj: ObjRef, env: &mut Vec<(String, String)>) {
        if self.remedy.policy(obj).is_none() {
            return;
        }
        let Some(rem) = self.remedy.objs.get(&obj) else {
            return;
        };
        let latest = rem
            .batches
            .iter()
            .rev()
            .find_map(|b| b.decided.map(|(o, _)| o))
            .or(rem.last_outcome);
        if let Some(o) = latest {
            env.push(("VIGIL_LAST_OUTCOME".into(), o.field().into()));
            if let HandlerOutcome::Recovered { after } = o {
                env.push(("VIGIL_LAST_RECOVERED_AFTER".into(), format!("{after:.3}")));
            }
        }
    }

    /// vigil stops: every outcome not reported yet is reported, `unknown` where it
    /// was not decided. Call before the last events are taken.
    pub fn stop(&mut self, now: Time) {
        let mut objs: Vec<ObjRef> = self.remedy.objs.keys().copied().collect();
        objs.sort_by_key(|o| match o {
            ObjRef::Host(h) => (0, h.0),
            ObjRef::Service(s) => (1, s.0),
        });
        for obj in objs {
            if let Some(rem) = self.remedy.objs.get_mut(&obj) {
                for b in &mut rem.batches {
                    b.decided.get_or_insert((HandlerOutcome::Unknown, now));
                    for (_, done) in &mut b.runs {
                        *done = true;
                    }
                }
            }
            self.report_outcomes(obj);
        }
    }
}
