//! Event handlers (spec event-handlers.md): when a result asks for them, the global
//! handler and then the object's own are gated (`enable_event_handlers`, the
//! object's `event_handler_enabled`), reported ([`Event::HandlerStarted`], whose log
//! line Nagios macro-expands), expanded and handed out as jobs; their end is
//! reported as [`Event::HandlerFinished`] (log warnings, the handler journal).

use vigil_events::{Event, HandlerKind, HandlerRun, ObjectState, StateType};
use vigil_state::Time;

use crate::core::{with_status, Core, MAX_HANDLER_OUTPUT};
use crate::jobs::{InFlight, JobResult, JobSpec, Purpose};
use crate::{Action, ObjRef};

impl Core {
    /// Runs the event handlers of `obj` for its current status.
    pub(crate) fn run_handlers(&mut self, obj: ObjRef, now: Time) {
        if !self.program.enable_event_handlers || !self.attrs(obj).event_handler_enabled {
            return;
        }
        let (host, service) = self.host_and_service(obj);
        let (state, state_type, attempt) = with_status!(self, obj, |st| (
            st.current_state.any(),
            st.state_type,
            st.current_attempt
        ));
        let global = match obj {
            ObjRef::Host(_) => self.program.global_host_event_handler.clone(),
            ObjRef::Service(_) => self.program.global_service_event_handler.clone(),
        };
        let overridden = self.attrs(obj).event_handler.clone();
        let own: Option<String> = match &overridden {
            Some(o) if o.is_empty() => None,
            Some(o) => Some(o.clone()),
            None => self
                .settings(obj)
                .event_handler
                .as_ref()
                .map(|c| c.raw.clone()),
        };
        let kind_word = match obj {
            ObjRef::Host(_) => vigil_events::ObjKind::Host,
            ObjRef::Service(_) => vigil_events::ObjKind::Service,
        };
        let todo: Vec<(HandlerKind, String)> =
            [(HandlerKind::Global, global), (HandlerKind::Object, own)]
                .into_iter()
                .filter_map(|(k, raw)| raw.filter(|r| !r.is_empty()).map(|r| (k, r)))
                .collect();
        if todo.is_empty() {
            return;
        }
        // vigil's handler policies (none: Nagios's behaviour).
        let gate = self.handler_gate(obj, now);
        if gate != crate::remediation::Gate::Run {
            let held = todo
                .into_iter()
                .map(|(kind, directive)| HandlerRun {
                    obj: self.obj_name(obj),
                    kind,
                    state,
                    state_type,
                    attempt,
                    directive,
                    command: String::new(),
                    id: 0,
                })
                .collect();
            self.handlers_held(obj, gate, held);
            return;
        }
        let mut started = Vec::new();
        for (kind, raw) in todo {
            let statuses = self.statuses();
            let ctx = self.context(&statuses, host, service, now);
            let full = match (kind, overridden.is_none()) {
                // The object's own handler as configured: already resolved at load.
                (HandlerKind::Object, true) => self
                    .settings(obj)
                    .event_handler
                    .as_ref()
                    .map(|c| vigil_macros::expand_call_full(c, &ctx)),
                _ => vigil_macros::expand_raw_call_full(&raw, &ctx),
            };
            // Nagios expands the whole log line, the directive included, with the
            // handler's own arguments; the directive is its last field.
            let args = full.as_ref().map(|f| f.args.as_slice()).unwrap_or(&[]);
            let logged_directive = vigil_macros::expand_text(&raw, &ctx, args).to_plain();
            let Some(full) = full else {
                let run = HandlerRun {
                    obj: self.obj_name(obj),
                    kind,
                    state,
                    state_type,
                    attempt,
                    directive: raw.clone(),
                    command: String::new(),
                    id: 0,
                };
                self.emit(Event::HandlerStarted {
                    run,
                    logged_directive,
                });
                self.emit(Event::HandlerNotDefined {
                    kind: kind_word,
                    directive: raw,
                });
                continue;
            };
            let (cmdline, mut env) = self.finish_expansion(full, &ctx);
            self.policy_env(obj, &mut env);
            let command = cmdline.to_display_string();
            let run = HandlerRun {
                obj: self.obj_name(obj),
                kind,
                state,
                state_type,
                attempt,
                directive: raw,
                command,
                id: self.jobs.next_id().0,
            };
            self.emit(Event::HandlerStarted {
                run: run.clone(),
                logged_directive,
            });
            let plan = match vigil_cmdline::plan(&cmdline) {
                Ok(p) => p,
                Err(e) => {
                    self.emit(Event::NotPrepared {
                        what: "event handler".into(),
                        command: run.command,
                        error: e.to_string(),
                    });
                    continue;
                }
            };
            started.push(run.clone());
            let id = self.jobs.start(InFlight::Handler(run));
            self.push_action(Action::Run {
                id,
                job: JobSpec {
                    purpose: Purpose::EventHandler,
                    plan,
                    env,
                    timeout: self.handler_timeout(obj),
                    max_output: MAX_HANDLER_OUTPUT,
                },
            });
        }
        if !started.is_empty() {
            self.handlers_started(obj, started, now);
        }
    }

    /// A handler ended: its output (stdout, then stderr) cut to the journal's limit,
    /// reported with the run.
    pub(crate) fn handler_done(&mut self, run: HandlerRun, res: JobResult, now: Time) {
        let mut output = String::from_utf8_lossy(&res.stdout).into_owned();
        if !res.stderr.is_empty() {
            output.push_str(&String::from_utf8_lossy(&res.stderr));
        }
        if output.len() > MAX_HANDLER_OUTPUT {
            let mut cut = MAX_HANDLER_OUTPUT;
            while !output.is_char_boundary(cut) {
                cut -= 1;
            }
            output.truncate(cut);
        }
        let (obj, id) = (self.obj_of(&run.obj), run.id);
        self.emit(Event::HandlerFinished {
            run,
            end: res.end,
            start: res.start,
            duration: res.duration,
            output,
        });
        if let Some(obj) = obj {
            self.handler_ended(obj, id, now);
        }
    }

    /// The object of the current model with these names.
    pub(crate) fn obj_of(&self, name: &vigil_events::Obj) -> Option<ObjRef> {
        match name {
            vigil_events::Obj::Host { host } => self.model.find_host(host).map(ObjRef::Host),
            vigil_events::Obj::Service { host, service } => {
                self.model.find_service(host, service).map(ObjRef::Service)
            }
        }
    }

    /// Runs the handlers of an object as the scheduler would right now (`vigil
    /// fire`): the status is set to the given state first. Returns each handler
    /// run with its job, for the caller to run outside the core; events (the
    /// `EVENT HANDLER` lines) stay queued.
    pub fn fire(
        &mut self,
        obj: ObjRef,
        state_id: u8,
        state_type: StateType,
        attempt: u32,
        now: Time,
    ) -> Vec<(HandlerRun, JobSpec)> {
        if !self.exists(obj) {
            return Vec::new();
        }
        with_status!(self, obj, |mut st| {
            st.last_state = st.current_state;
            st.current_state = ObjectState::from_id(state_id);
            st.state_type = state_type;
            st.current_attempt = attempt;
            st.has_been_checked = true;
        });
        self.dirty.mark(obj);
        self.run_handlers(obj, now);
        let mut out = Vec::new();
        for a in self.take_actions() {
            if let Action::Run { id, job } = a {
                if let Some(InFlight::Handler(run)) = self.jobs.finish(id) {
                    out.push((run, job));
                }
            }
        }
        out
    }
}
