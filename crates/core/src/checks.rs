//! Checks: putting objects on the schedule, the gates a due check passes
//! (execute_*_checks, active_checks_enabled, check_period, free slots), expanding
//! and planning its command, and what happens when its result comes back — the
//! result mapping and state machines of `vigil-state`, their effects (events,
//! handlers, on-demand checks) and the next check's time.

use vigil_config::{CommandCall, HostId, Model, ServiceId};
use vigil_events::{Event, ProcessEnd};
use vigil_state::result::{CheckResult, ProcessOutcome, RawResult};
use vigil_state::{Effect, HostState, NextCheck, ObjectState, ServiceState, Time, Transition};

use crate::core::{with_status, Core, MAX_PLUGIN_OUTPUT};
use crate::dirty::DurableKey;
use crate::jobs::{InFlight, JobResult, JobSpec, Purpose};
use crate::{Action, ObjRef};

impl Core {
    // ----- the schedule ---------------------------------------------------------------

    /// Puts every actively checked object on the schedule, spread by the inter-check
    /// delay methods; `use_retained` honours retained `next_check` values.
    pub(crate) fn schedule_initial(&mut self, now: Time, use_retained: bool) {
        let m = &self.model.main;
        let il = self.interval_length();
        let svc_delay = initial_delay(
            &m.service_inter_check_delay_method,
            self.model
                .services
                .iter()
                .map(|s| s.settings.check_interval),
            m.max_service_check_spread as f64 * 60.0,
            il,
        );
        let host_delay = initial_delay(
            &m.host_inter_check_delay_method,
            self.model.hosts.iter().map(|h| h.settings.check_interval),
            m.max_host_check_spread as f64 * 60.0,
            il,
        );
        // Interleave services across hosts so one host is not hit by all its checks at once.
        let services = interleaved_services(&self.model)
            .into_iter()
            .map(ObjRef::Service);
        let hosts = (0..self.model.hosts.len() as u32).map(|i| ObjRef::Host(HostId(i)));
        for (objs, delay) in [
            (services.collect::<Vec<_>>(), svc_delay),
            (hosts.collect(), host_delay),
        ] {
            for (i, obj) in objs.into_iter().enumerate() {
                let (checked, retained) =
                    with_status!(self, obj, |st| (st.has_been_checked, st.next_check));
                if !self.has_active_check(obj) || !self.attrs(obj).active_checks_enabled {
                    continue;
                }
                // Nagios computes the first checks from time(NULL) and truncates.
                let exact = whole(now) + delay * i as f64;
                let mut at = exact.floor();
                if use_retained && retained > 0.0 && checked {
                    at = retained.max(whole(now));
                }
                // The check runs at the fraction of a second the truncation drops (see
                // `set_due`: Nagios runs it at the microsecond its event was queued,
                // which during its start-up is as good as arbitrary): the first checks
                // of a second are spread over it, not started in one burst, and keep
                // that spread, as each next one is queued when a result comes in.
                let phase = exact - exact.floor();
                // A check period without any time left: Nagios 4.4.6 does not
                // schedule the object at all (should_be_scheduled 0, next_check 0),
                // and a later CHANGE_*_CHECK_TIMEPERIOD does not schedule it either.
                if self.next_valid_check_time(obj, at).is_none() {
                    continue;
                }
                // In the second of the start, what is already past is spread over
                // the rest of it: no check is overdue when the loop starts.
                let mut run_at = at + phase;
                if run_at < now {
                    run_at = now + phase * (at + 1.0 - now).max(0.0);
                }
                self.set_due_at(obj, at, run_at, false);
            }
        }
    }

    /// Starts the checks due at `now`, and when no check is running up to
    /// [`EARLY_MAX`] of those due within [`EARLY`] after it in the same second: at
    /// most `max` (unless overdue by `max_hold` seconds), and only while a slot is
    /// free. Checks that wait stay on the schedule, so their latency shows. Returns
    /// how many started.
    pub(crate) fn run_due(&mut self, now: Time, max: usize, max_hold: f64) -> usize {
        let before = self.running_checks;
        let mut started = 0;
        let early = (now + EARLY).min(whole(now) + 1.0 - 1e-6).max(now);
        // Only a loop that is otherwise idle starts checks early: when checks are
        // running, results keep waking it anyway, and the early starts would only
        // crowd the CPUs that a handler or notification is about to need.
        let mut started_early = if self.running_checks == 0 {
            0
        } else {
            EARLY_MAX
        };
        while self.running_checks < self.check_slots() {
            let at = match started < max {
                true if started_early < EARLY_MAX => early,
                true => now,
                false => now - max_hold,
            };
            let Some((obj, due)) = self.schedule.pop_due(at) else {
                break;
            };
            if due > now {
                started_early += 1;
            }
            let forced = std::mem::take(&mut self.rt_mut(obj).forced_due);
            self.launch_check(obj, due, now, forced);
            started = self.running_checks.saturating_sub(before);
        }
        started
    }

    /// How many checks may run at once: `max_concurrent_checks`, or when that is 0
    /// (unlimited in Nagios) the slots the runner can afford.
    fn check_slots(&self) -> usize {
        match self.model.main.max_concurrent_checks as usize {
            0 => self.default_check_slots,
            n => n,
        }
    }

    /// Launches a check of `obj` due at `scheduled`. `forced` skips the gates
    /// (freshness checks, forced external commands). A check that may not run now is
    /// dropped or put back on the schedule as Nagios 4.4.6 does
    /// (checks-and-states.md §10, rules 8, 9 and 15).
    pub(crate) fn launch_check(&mut self, obj: ObjRef, scheduled: Time, now: Time, forced: bool) {
        if !self.exists(obj) {
            return;
        }
        self.rt_mut(obj).forced_due = false;
        let Some(call) = self.settings(obj).check_command.clone() else {
            return;
        };
        let (interval, _) = self.intervals(obj);
        if !forced {
            let globally = match obj {
                ObjRef::Host(_) => self.program.execute_host_checks,
                ObjRef::Service(_) => self.program.execute_service_checks,
            };
            if !globally {
                // execute_*_checks=0: the event moves on by its check window (300 s
                // when that is 0, so it never comes due again at once).
                let window = match self.check_window(obj) {
                    w if w > 0.0 => w,
                    _ => 300.0,
                };
                self.set_due(obj, whole(scheduled) + window, false);
                return;
            }
            // Hosts only (services have no such guard in Nagios, so a second check of
            // a service can start while one runs): a check that comes due while the
            // host's check runs, or within cached_host_check_horizon of the last one,
            // is not run; it is re-queued check_interval from now (rule 15).
            if let ObjRef::Host(h) = obj {
                let horizon = self.model.main.cached_host_check_horizon as f64;
                let last = whole(self.hosts[h.idx()].last_check);
                if self.rt(obj).executing || last + horizon > whole(now) {
                    let every = if interval > 0.0 { interval } else { 300.0 };
                    self.requeue_in_period(obj, whole(now) + every);
                    return;
                }
            }
            if !self.attrs(obj).active_checks_enabled {
                // Disabled while the check was queued: dropped (ENABLE_*_CHECK
                // schedules a new one).
                return;
            }
            if !self.in_check_period(obj, now) {
                // Not run; re-queued check_interval from now, inside the period (rule 8).
                let every = if interval > 0.0 { interval } else { 300.0 };
                let preferred = whole(now) + every;
                if self.next_valid_check_time(obj, preferred).is_none() {
                    // No time left in the period: Nagios 4.4.6 keeps the preferred
                    // time and says so.
                    let obj_name = self.obj_name(obj);
                    let at = self.zone.ctime(preferred as i64);
                    self.emit(Event::CheckNotRescheduled { obj: obj_name, at });
                }
                self.requeue_in_period(obj, preferred);
                return;
            }
            if self.running_checks >= self.check_slots() {
                // No free slot: due again as soon as one frees (see run_due).
                let run_at = scheduled.min(now);
                self.set_due_at(obj, whole(run_at), run_at, false);
                return;
            }
        }
        let (host, service) = self.host_and_service(obj);
        let (line, env) = self.expand(&call, host, service, now);
        let timeout = self.settings(obj).check_timeout.unwrap_or(match obj {
            ObjRef::Host(_) => self.model.main.host_check_timeout,
            ObjRef::Service(_) => self.model.main.service_check_timeout,
        });
        let plan = match vigil_cmdline::plan(&line) {
            Ok(p) => p,
            Err(e) => {
                self.emit(Event::NotPrepared {
                    what: "Check".into(),
                    command: line.to_display_string(),
                    error: e.to_string(),
                });
                if interval > 0.0 {
                    self.set_due(obj, whole(now) + interval, false);
                }
                return;
            }
        };
        self.rt_mut(obj).executing = true;
        self.running_checks += 1;
        let id = self.jobs.start(InFlight::Check {
            obj: Some(obj),
            scheduled,
        });
        self.push_action(Action::Run {
            id,
            job: JobSpec {
                purpose: Purpose::Check,
                plan,
                env,
                timeout: timeout.max(1) as f64,
                max_output: MAX_PLUGIN_OUTPUT,
            },
        });
    }

    pub(crate) fn host_and_service(&self, obj: ObjRef) -> (HostId, Option<ServiceId>) {
        match obj {
            ObjRef::Host(h) => (h, None),
            ObjRef::Service(s) => (self.model.service(s).host, Some(s)),
        }
    }

    /// Expands a command call in the context of a host or service: the command line
    /// and, with `enable_environment_macros`, the `NAGIOS_*` environment.
    pub(crate) fn expand(
        &self,
        call: &CommandCall,
        host: HostId,
        service: Option<ServiceId>,
        now: Time,
    ) -> (vigil_cmdline::CommandLine, Vec<(String, String)>) {
        let statuses = self.statuses();
        let ctx = self.context(&statuses, host, service, now);
        let full = vigil_macros::expand_call_full(call, &ctx);
        self.finish_expansion(full, &ctx)
    }

    pub(crate) fn finish_expansion(
        &self,
        full: vigil_macros::ExpandedCall,
        ctx: &vigil_macros::Context<'_>,
    ) -> (vigil_cmdline::CommandLine, Vec<(String, String)>) {
        let env = if self.model.main.enable_environment_macros {
            vigil_macros::environment(ctx, &full.args)
        } else {
            Vec::new()
        };
        (full.line.into(), env)
    }

    pub(crate) fn context<'a>(
        &'a self,
        statuses: &'a crate::core::CoreStatuses<'a>,
        host: HostId,
        service: Option<ServiceId>,
        now: Time,
    ) -> vigil_macros::Context<'a> {
        vigil_macros::Context {
            model: &self.model,
            statuses,
            program: &self.program,
            zone: &self.zone,
            host: Some(host),
            service,
            now: now as i64,
            contact: None,
            notification: None,
        }
    }

    // ----- results ---------------------------------------------------------------------

    pub(crate) fn check_done(&mut self, obj: ObjRef, scheduled: Time, res: JobResult, now: Time) {
        let rt = self.rt_mut(obj);
        rt.executing = false;
        // The freshness check (the only check of the object while it is set) is back.
        // Nagios 4.4.6 leaves the flag set when a passive result made the object fresh
        // meanwhile, which stops its freshness checks for good; vigil clears it. In
        // both the result is processed.
        rt.being_freshened = false;
        self.running_checks = self.running_checks.saturating_sub(1);
        let raw = RawResult {
            outcome: match res.end {
                ProcessEnd::Exited(c) => ProcessOutcome::Exited(c),
                ProcessEnd::Signaled(s) => ProcessOutcome::Signaled(s),
                ProcessEnd::TimedOut => ProcessOutcome::TimedOut {
                    after: res.duration,
                },
                ProcessEnd::NotStarted(_) => ProcessOutcome::DidNotRun,
            },
            stdout: res.stdout,
            stderr: res.stderr,
            start: res.start,
            finish: res.start + res.duration,
            latency: (res.start - scheduled).max(0.0),
        };
        let name = self.obj_name(obj);
        match obj {
            ObjRef::Service(s) => {
                let svc = self.model.service(s);
                let (result, problem) = vigil_state::result::map_service_result(
                    &raw,
                    name.host(),
                    &svc.description,
                    ServiceState::from_id(self.model.main.service_check_timeout_state),
                );
                if let Some(problem) = problem {
                    self.emit(Event::CheckProblem { obj: name, problem });
                }
                self.process_service_result(s, result, now, true);
            }
            ObjRef::Host(h) => {
                let (result, problem) = vigil_state::result::map_host_result(
                    &raw,
                    name.host(),
                    self.model.main.use_aggressive_host_checking,
                );
                if let Some(problem) = problem {
                    self.emit(Event::CheckProblem { obj: name, problem });
                }
                self.process_host_result(h, result, now, true);
            }
        }
    }

    pub(crate) fn flap_params(&self, obj: ObjRef) -> vigil_state::FlapParams {
        let set = self.settings(obj);
        let m = &self.model.main;
        let (glow, ghigh) = match obj {
            ObjRef::Host(_) => (m.low_host_flap_threshold, m.high_host_flap_threshold),
            ObjRef::Service(_) => (m.low_service_flap_threshold, m.high_service_flap_threshold),
        };
        let or = |own: f64, global: f64| if own > 0.0 { own } else { global };
        vigil_state::FlapParams {
            enabled: self.program.enable_flap_detection && self.attrs(obj).flap_detection_enabled,
            options: set.flap_detection_options.0,
            low: or(set.low_flap_threshold, glow),
            high: or(set.high_flap_threshold, ghigh),
        }
    }

    /// Applies a (mapped) service result: state machine, effects, next check.
    pub(crate) fn process_service_result(
        &mut self,
        s: ServiceId,
        res: CheckResult<ServiceState>,
        now: Time,
        active: bool,
    ) {
        let obj = ObjRef::Service(s);
        let hid = self.model.service(s).host;
        let hst = &self.hosts[hid.idx()];
        let host_view = vigil_state::service::HostView {
            state: hst.current_state,
            has_been_checked: hst.has_been_checked,
            last_check: hst.last_check,
        };
        let params = vigil_state::service::ServiceParams {
            max_attempts: self.max_attempts(obj),
            is_volatile: self.model.service(s).is_volatile,
            log_retries: self.model.main.log_service_retries,
            flap: self.flap_params(obj),
        };
        let before = DurableKey::of(&self.services[s.idx()]);
        let mut tr = vigil_state::service::apply_service_result(
            &mut self.services[s.idx()],
            &params,
            res,
            &host_view,
            &mut self.program.counters,
        );
        let host_before = DurableKey::of(&self.hosts[hid.idx()]);
        if let Some(change) = self.host_flap_after_service_result(hid, now) {
            tr.insert_after_flapping([Effect::HostFlapping(change)]);
        }
        if DurableKey::of(&self.hosts[hid.idx()]) != host_before {
            self.dirty.mark(ObjRef::Host(hid));
        }
        self.handler_result(obj, now);
        self.obsess(obj, now);
        self.perform(obj, &tr, now);
        vigil_state::finish_result(&mut self.services[s.idx()]);
        self.after_result(obj, before, &tr, now, active);
    }

    /// Applies a (mapped) host result: state machine, effects, next check.
    pub(crate) fn process_host_result(
        &mut self,
        h: HostId,
        res: CheckResult<HostState>,
        now: Time,
        active: bool,
    ) {
        let obj = ObjRef::Host(h);
        let host = self.model.host(h);
        let reach = if host.parents.is_empty() {
            vigil_state::host::Reachability::NoParents
        } else if host
            .parents
            .iter()
            .any(|p| self.hosts[p.idx()].current_state == HostState::Up)
        {
            vigil_state::host::Reachability::SomeParentUp
        } else {
            vigil_state::host::Reachability::NoParentUp
        };
        let params = vigil_state::host::HostParams {
            max_attempts: self.max_attempts(obj),
            log_retries: self.model.main.log_host_retries,
            passive_checks_are_soft: self.model.main.passive_host_checks_are_soft,
            translate_passive: self.model.main.translate_passive_host_checks,
            flap: self.flap_params(obj),
        };
        let before = DurableKey::of(&self.hosts[h.idx()]);
        let tr = vigil_state::host::apply_host_result(
            &mut self.hosts[h.idx()],
            &params,
            res,
            reach,
            &mut self.program.counters,
        );
        self.handler_result(obj, now);
        self.obsess(obj, now);
        self.perform(obj, &tr, now);
        vigil_state::finish_result(&mut self.hosts[h.idx()]);
        self.after_result(obj, before, &tr, now, active);
    }

    /// Performs a transition's effects in Nagios 4.4.6's order: flapping changes
    /// (with their notifications), what a state change resets (acknowledgements,
    /// re-notification times) and the flexible downtimes it starts, the
    /// notification (its lines precede the ALERT line), then the ALERT line, the
    /// event handlers and on-demand checks.
    fn perform(&mut self, obj: ObjRef, tr: &Transition, now: Time) {
        for e in &tr.effects {
            match *e {
                Effect::Flapping(change) => self.flap_changed(obj, change, now),
                Effect::HostFlapping(change) => {
                    let (h, _) = self.host_and_service(obj);
                    self.flap_changed(ObjRef::Host(h), change, now);
                }
                _ => {}
            }
        }
        let changed = tr.state_changed || tr.hard_changed;
        if changed {
            self.state_change_resets(obj, tr.state_changed);
            if let ObjRef::Service(_) = obj {
                self.check_pending_flex_downtime(obj, now);
            }
        }
        if tr.effects.contains(&Effect::Notify) {
            self.notify(
                obj,
                crate::notify::Request::of(vigil_events::NotificationType::Normal),
                now,
            );
        }
        if let ObjRef::Service(_) = obj {
            // A service problem that repeats while its host is down re-notifies the
            // host (spec notifications.md §2.2).
            let h = self.host_of(obj);
            let (svc_problem, hard) = with_status!(self, obj, |st| (
                !st.current_state.is_ok(),
                st.state_type == vigil_state::StateType::Hard
            ));
            if !changed && svc_problem && hard && !self.hosts[h.idx()].current_state.is_ok() {
                self.notify(
                    ObjRef::Host(h),
                    crate::notify::Request::of(vigil_events::NotificationType::Normal),
                    now,
                );
            }
        }
        for e in &tr.effects {
            match *e {
                Effect::Flapping(_) | Effect::HostFlapping(_) | Effect::Notify => {}
                Effect::Alert => {
                    let line = self.state_line(obj);
                    self.emit(Event::Alert(line));
                }
                Effect::EventHandlers => self.run_handlers(obj, now),
                Effect::HostCheck => {
                    let (h, _) = self.host_and_service(obj);
                    self.on_demand(ObjRef::Host(h), now);
                }
                Effect::CheckParents | Effect::CheckChildren => {
                    let model = self.model.clone();
                    if let ObjRef::Host(h) = obj {
                        let host = model.host(h);
                        let list = if *e == Effect::CheckParents {
                            &host.parents
                        } else {
                            &host.children
                        };
                        for other in list {
                            self.on_demand(ObjRef::Host(*other), now);
                        }
                    }
                }
            }
        }
        if tr.hard_changed && with_status!(self, obj, |st| st.current_state.is_ok()) {
            self.hard_recovery_resets(obj);
        }
        if let (ObjRef::Host(_), true) = (obj, changed) {
            // Hosts start their flexible downtimes through an event right after
            // the result.
            self.check_pending_flex_downtime(obj, now);
        }
    }

    /// What follows every processed result: durability marks, the `CheckDone`
    /// event, and (active results) the next check.
    fn after_result(
        &mut self,
        obj: ObjRef,
        before: DurableKey,
        tr: &Transition,
        now: Time,
        active: bool,
    ) {
        let (after, latency, execution_time) = with_status!(self, obj, |st| (
            DurableKey::of(st),
            st.latency,
            st.execution_time
        ));
        if after != before {
            self.dirty.mark(obj);
        }
        let line = self.state_line(obj);
        self.emit(Event::CheckDone {
            line,
            active,
            latency,
            execution_time,
        });
        // Active results always reschedule; a passive one only when it changed the
        // state or the state type (rule 6).
        if active || tr.state_changed || tr.hard_changed {
            self.reschedule_after_result(obj, tr.next, now);
        }
        // Last: the status (service recovery reset included) is what perfdata shows.
        self.perfdata_after_result(obj, now);
    }

    /// The host flap check Nagios 4 runs after every result of one of the host's
    /// services. Nagios 4.4.6 records the host's current state in its flap history
    /// on every such result: its wait threshold (the average check_interval of the
    /// host's services) is 0 there. Seen in nagios4 itself: db2 of the Livestatus
    /// harness's standard site (DOWN, then its two services' results within the same
    /// second, check_interval 5, interval_length 60) has percent_state_change
    /// 5.98684 in status.dat and in the mk-livestatus trace, i.e. the DOWN entry two
    /// records before the newest; with a 300 s wait it would be the newest (6.25).
    fn host_flap_after_service_result(
        &mut self,
        h: HostId,
        now: Time,
    ) -> Option<vigil_events::FlapChange> {
        let params = self.flap_params(ObjRef::Host(h));
        vigil_state::flap::host_flap_from_service_result(
            &mut self.hosts[h.idx()],
            &params,
            now,
            0.0,
        )
    }

    /// The next check after a processed result (checks-and-states.md §10, rules 1–9
    /// and 10–14): from the check's start or from now, by the transition; never in
    /// the past; inside the check period; and only ever pulling a queued check in.
    fn reschedule_after_result(&mut self, obj: ObjRef, next: NextCheck, now: Time) {
        if !self.has_active_check(obj) || !self.attrs(obj).active_checks_enabled {
            return;
        }
        let (interval, retry) = self.intervals(obj);
        let (last_check, hard_or_ok) = with_status!(self, obj, |st| (
            st.last_check,
            st.state_type == vigil_events::StateType::Hard || st.current_state.is_ok()
        ));
        if interval <= 0.0 && hard_or_ok {
            return;
        }
        let now = whole(now);
        let at = match next {
            NextCheck::Regular => whole(last_check) + interval,
            NextCheck::Retry => now + retry,
            NextCheck::AfterChange => now + interval,
        };
        let at = self.within_check_period(obj, at.max(now));
        self.request_check(obj, at, false);
    }

    /// A check of `obj` is wanted at `at` (Nagios's `schedule_*_check`, rule 7): a
    /// queued non-forced check is replaced only by an earlier or a forced one, a
    /// queued forced check only by an earlier forced one. Non-forced requests for an
    /// object with active checks disabled are ignored.
    pub(crate) fn request_check(&mut self, obj: ObjRef, at: Time, forced: bool) {
        if !forced && !self.attrs(obj).active_checks_enabled {
            return;
        }
        let queued_forced = self.rt(obj).forced_due;
        // Nagios compares whole-second check times; the queued check's run instant
        // is in the second of its next_check.
        let queued = self.schedule.due(obj).map(whole);
        let replace = match queued {
            None => true,
            Some(t) if queued_forced => forced && at < t,
            Some(t) => forced || at < t,
        };
        if replace {
            self.set_due(obj, at, forced);
        } else if let Some(t) = queued {
            with_status!(self, obj, |mut st| st.next_check = t);
        }
    }

    /// Puts `obj` on the schedule with `next_check` `at` (whole seconds), replacing
    /// what was queued.
    ///
    /// The check runs at `at` plus the fraction of a second of the input being
    /// handled now, as in Nagios 4, whose scheduling queue adds the current
    /// microseconds to a whole-second run time (`squeue_add`) and measures a check's
    /// latency from that instant. The checks due in one second so run spread over it
    /// (by when each was scheduled, mostly when its previous result came in) instead
    /// of all at its start; `next_check` and every time shown stay whole seconds.
    pub(crate) fn set_due(&mut self, obj: ObjRef, at: Time, forced: bool) {
        let phase = self.input_time - self.input_time.floor();
        self.set_due_at(obj, at, at + phase, forced);
    }

    /// [`Core::set_due`] with the instant the check runs at given (`run_at`, in the
    /// same second as `next_check`).
    fn set_due_at(&mut self, obj: ObjRef, next_check: Time, run_at: Time, forced: bool) {
        with_status!(self, obj, |mut st| st.next_check = next_check);
        self.rt_mut(obj).forced_due = forced;
        self.schedule.set(obj, run_at);
    }

    /// Starts the check queued for `obj` at once if it is due by `now` (requests that
    /// Nagios runs in its next loop pass).
    fn start_if_due(&mut self, obj: ObjRef, now: Time) {
        if let Some(t) = self.schedule.due(obj) {
            if t <= now {
                self.schedule.cancel(obj);
                let forced = std::mem::take(&mut self.rt_mut(obj).forced_due);
                self.launch_check(obj, t, now, forced);
            }
        }
    }

    /// Re-queues a check that could not run at `preferred`, moved into the check
    /// period (Nagios adds a random offset when that moves it; vigil does not).
    fn requeue_in_period(&mut self, obj: ObjRef, preferred: Time) {
        let at = self.within_check_period(obj, preferred);
        self.set_due(obj, at, false);
    }

    /// The first time at or after `t` inside the object's check period (`t` when it
    /// has none, and when the period has no time left at all: Nagios 4.4.6's
    /// `get_next_valid_time` then returns the preferred time, so a check that cannot
    /// run is tried again every check_interval, and runs once the period is changed
    /// to one that allows it).
    fn within_check_period(&self, obj: ObjRef, t: Time) -> Time {
        self.next_valid_check_time(obj, t).unwrap_or(t)
    }

    /// The first time at or after `t` inside the object's check period, `None` when
    /// the period has no time left at all.
    fn next_valid_check_time(&self, obj: ObjRef, t: Time) -> Option<Time> {
        let Some(tp) = self.check_period(obj) else {
            return Some(t);
        };
        let tps = &self.model.timeperiods;
        let period = &tps[tp.idx()];
        if period.contains(&self.zone, t as i64, tps) {
            return Some(t);
        }
        period
            .next_valid(&self.zone, t as i64, tps)
            .map(|v| (v as f64).max(t))
    }

    /// `check_window`: retry_interval in a SOFT problem state, else check_interval.
    fn check_window(&self, obj: ObjRef) -> Time {
        let (interval, retry) = self.intervals(obj);
        let soft_problem = with_status!(self, obj, |st| st.state_type
            == vigil_events::StateType::Soft
            && !st.current_state.is_ok());
        if soft_problem {
            retry
        } else {
            interval
        }
    }

    /// An on-demand check requested by another result (a service turned bad, a
    /// host changed state: rules 16–18): a non-forced request at now, ignored when
    /// the last check is younger than cached_host_check_horizon; it replaces a later
    /// queued check, and starts at once.
    pub(crate) fn on_demand(&mut self, obj: ObjRef, now: Time) {
        if !self.has_active_check(obj) {
            return;
        }
        if let ObjRef::Host(h) = obj {
            if !self.program.execute_host_checks {
                return;
            }
            let horizon = self.model.main.cached_host_check_horizon as f64;
            if whole(self.hosts[h.idx()].last_check) + horizon > whole(now) {
                return;
            }
        }
        self.request_check(obj, whole(now), false);
        self.start_if_due(obj, now);
    }

    /// `SCHEDULE_*_CHECK` / `SCHEDULE_FORCED_*_CHECK`: a check at `at`.
    pub(crate) fn schedule_check(&mut self, obj: ObjRef, at: Time, forced: bool, now: Time) {
        self.request_check(obj, at, forced);
        if forced {
            self.start_if_due(obj, now);
        }
    }

    /// `ENABLE_*_CHECK`: a check right now (or when the check period next allows),
    /// unless check_interval is 0 (Nagios's `enable_*_checks`).
    pub(crate) fn ensure_scheduled(&mut self, obj: ObjRef, now: Time) {
        if !self.has_active_check(obj) || self.intervals(obj).0 <= 0.0 {
            return;
        }
        let at = self.within_check_period(obj, whole(now));
        self.request_check(obj, at, false);
    }
}

/// How early a check may start: when the otherwise idle loop wakes for one check,
/// a few due within this much after it start with it (one wake-up, not one each),
/// never before the second of their `next_check`. Nagios 4 runs events up to 100 ms
/// early (its event loop polls until 25 ms before an event and runs it when less
/// than 100 ms remain); a check started early has latency 0, as there.
pub(crate) const EARLY: Time = 0.1;

/// At most this many checks start early in one wake-up: enough to save most
/// wake-ups at ordinary check rates (a few hundred a second), few enough that at a
/// thousand a second the early ones do not become a burst that event handlers and
/// notifications started right after them wait behind.
pub(crate) const EARLY_MAX: usize = 4;

/// Nagios keeps check times in whole seconds (`time_t`).
fn whole(t: Time) -> Time {
    t.floor()
}

/// Seconds between the first checks of consecutive objects (Nagios's inter-check
/// delay methods `n`, `d`, `s` or a number of seconds).
fn initial_delay(
    method: &str,
    intervals: impl ExactSizeIterator<Item = f64>,
    max_spread: f64,
    il: f64,
) -> f64 {
    let n = intervals.len();
    if n == 0 {
        return 0.0;
    }
    match method {
        "n" => 0.0,
        "d" => 1.0,
        "s" | "" => {
            let avg = intervals.sum::<f64>() / n as f64 * il;
            let mut d = avg / n as f64;
            if d * n as f64 > max_spread && max_spread > 0.0 {
                d = max_spread / n as f64;
            }
            d
        }
        other => other.parse::<f64>().unwrap_or(0.0).max(0.0),
    }
}

/// Services ordered round-robin across hosts (Nagios's interleaving).
fn interleaved_services(model: &Model) -> Vec<ServiceId> {
    let mut out = Vec::with_capacity(model.services.len());
    let mut round = 0;
    loop {
        let mut any = false;
        for h in &model.hosts {
            if let Some(s) = h.services.get(round) {
                out.push(*s);
                any = true;
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    if out.len() != model.services.len() {
        // Host.services incomplete: fall back to definition order.
        return (0..model.services.len() as u32).map(ServiceId).collect();
    }
    out
}

impl Core {
    /// Recomputes an object's flapping without recording a state (flap detection
    /// was switched on): its `FLAPPING ALERT` if that starts or stops flapping.
    pub(crate) fn recheck_flapping(&mut self, obj: ObjRef, now: Time) {
        let p = self.flap_params(obj);
        let change = match obj {
            ObjRef::Host(h) => {
                vigil_state::flap::check_host_flapping(&mut self.hosts[h.idx()], &p, false, 0.0)
            }
            ObjRef::Service(s) => {
                vigil_state::flap::check_service_flapping(&mut self.services[s.idx()], &p, false)
            }
        };
        if let Some(change) = change {
            self.flap_changed(obj, change, now);
        }
    }
}
