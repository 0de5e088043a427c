//! Test drivers: feed results into the state machines like the engine does and
//! render effects as the log lines Nagios writes (event handler lines included,
//! using the status the handler would see).
#![allow(dead_code)]

use vigil_events::{Event, FlapChange, Obj, StateLine};
use vigil_state::flap::FlapParams;
use vigil_state::host::{apply_host_result, HostParams, Reachability};
use vigil_state::result::CheckResult;
use vigil_state::service::{apply_service_result, HostView, ServiceParams};
use vigil_state::{
    finish_result, CheckType, Counters, Effect, HostState, HostStatus, ObjectState, Output,
    ServiceState, ServiceStatus, Status, Transition,
};

pub fn out(s: &str) -> Output {
    vigil_state::output::parse_text(s)
}

pub fn result<S: ObjectState>(
    state: u8,
    text: &str,
    t: f64,
    check_type: CheckType,
) -> CheckResult<S> {
    CheckResult {
        state: S::from_id(state),
        output: out(text),
        check_type,
        start: t,
        finish: t + 0.1,
        latency: 0.0,
    }
}

/// The log lines of a transition's effects for `obj` with status `st`, rendered by
/// vigil-events as the engine renders them, plus `... EVENT HANDLER: ...;<handler>`
/// lines with the status the handler sees.
pub fn render<S: ObjectState>(
    tr: &Transition,
    obj: &Obj,
    st: &Status<S>,
    handler: Option<&str>,
) -> Vec<String> {
    let line = StateLine {
        obj: obj.clone(),
        state: st.current_state.any(),
        state_type: st.state_type,
        attempt: st.current_attempt,
        output: st.output.short.clone(),
    };
    let mut lines = Vec::new();
    for e in &tr.effects {
        let event = match *e {
            Effect::Flapping(change) => Event::Flapping {
                obj: obj.clone(),
                change,
            },
            Effect::HostFlapping(change) => Event::Flapping {
                obj: Obj::Host {
                    host: obj.host().to_string(),
                },
                change,
            },
            Effect::Alert => Event::Alert(line.clone()),
            Effect::EventHandlers => match handler {
                Some(h) => {
                    lines.push(format!(
                        "{} EVENT HANDLER: {obj};{};{};{};{h}",
                        obj.kind().word(),
                        st.current_state.name(),
                        st.state_type.name(),
                        st.current_attempt
                    ));
                    continue;
                }
                None => continue,
            },
            _ => continue,
        };
        lines.extend(event.lines());
    }
    lines
}

/// The log line of a flap change of service `h;s`.
pub fn svc_flap_line(h: &str, s: &str, change: FlapChange) -> String {
    let obj = Obj::Service {
        host: h.into(),
        service: s.into(),
    };
    Event::Flapping { obj, change }.lines().remove(0)
}

/// What one applied result produced.
#[derive(Debug, Clone)]
pub struct Step<S: ObjectState> {
    /// Log lines incl. `SERVICE EVENT HANDLER: ...;<handler>` lines.
    pub lines: Vec<String>,
    pub tr: Transition,
    /// Status as the handler sees it (before finish_result).
    pub at_handler: Status<S>,
}

pub struct Svc {
    pub st: ServiceStatus,
    pub p: ServiceParams,
    pub ctr: Counters,
    pub t: f64,
    pub host: HostView,
    pub name: (String, String),
    pub handler: Option<String>,
}

impl Svc {
    pub fn new(max: u32) -> Self {
        Svc {
            st: Status::initial(ServiceState::Ok),
            p: ServiceParams {
                max_attempts: max,
                is_volatile: false,
                log_retries: true,
                flap: FlapParams::disabled(),
            },
            ctr: Counters::default(),
            t: 1000.0,
            host: HostView {
                state: HostState::Up,
                has_been_checked: true,
                last_check: 1.0,
            },
            name: ("h".into(), "s".into()),
            handler: Some("svc-eh".into()),
        }
    }

    pub fn named(mut self, h: &str, s: &str) -> Self {
        self.name = (h.into(), s.into());
        self
    }

    pub fn obj(&self) -> Obj {
        Obj::Service {
            host: self.name.0.clone(),
            service: self.name.1.clone(),
        }
    }

    pub fn step_with(&mut self, state: u8, text: &str, ct: CheckType) -> Step<ServiceState> {
        self.t += 1.0;
        let r = result(state, text, self.t, ct);
        let tr = apply_service_result(&mut self.st, &self.p, r, &self.host, &mut self.ctr);
        let at_handler = self.st.clone();
        let lines = render(&tr, &self.obj(), &self.st, self.handler.as_deref());
        finish_result(&mut self.st);
        Step {
            lines,
            tr,
            at_handler,
        }
    }

    pub fn step(&mut self, state: u8, text: &str) -> Step<ServiceState> {
        self.step_with(state, text, CheckType::Active)
    }

    /// Runs a sequence and returns all lines.
    pub fn run(&mut self, seq: &[(u8, &str)]) -> Vec<String> {
        let mut all = Vec::new();
        for (s, t) in seq {
            all.extend(self.step(*s, t).lines);
        }
        all
    }

    /// `STATE/TYPE/ATTEMPT` as the harness's "pre" column shows it.
    pub fn pre(&self) -> String {
        format!(
            "{}/{}/{}",
            self.st.current_state.name(),
            self.st.state_type.name(),
            self.st.current_attempt
        )
    }
}

pub struct Hst {
    pub st: HostStatus,
    pub p: HostParams,
    pub ctr: Counters,
    pub t: f64,
    pub name: String,
    pub handler: Option<String>,
    pub reach: Reachability,
}

impl Hst {
    pub fn new(name: &str, max: u32) -> Self {
        Hst {
            st: Status::initial(HostState::Up),
            p: HostParams {
                max_attempts: max,
                log_retries: true,
                passive_checks_are_soft: false,
                translate_passive: false,
                flap: FlapParams::disabled(),
            },
            ctr: Counters::default(),
            t: 1000.0,
            name: name.into(),
            handler: Some("host-eh".into()),
            reach: Reachability::NoParents,
        }
    }

    pub fn step_with(&mut self, state: u8, text: &str, ct: CheckType) -> Step<HostState> {
        self.t += 1.0;
        let r = result(state, text, self.t, ct);
        let tr = apply_host_result(&mut self.st, &self.p, r, self.reach, &mut self.ctr);
        let at_handler = self.st.clone();
        let obj = Obj::Host {
            host: self.name.clone(),
        };
        let lines = render(&tr, &obj, &self.st, self.handler.as_deref());
        finish_result(&mut self.st);
        Step {
            lines,
            tr,
            at_handler,
        }
    }

    pub fn step(&mut self, state: u8, text: &str) -> Step<HostState> {
        self.step_with(state, text, CheckType::Active)
    }

    pub fn pre(&self) -> String {
        format!(
            "{}/{}/{}",
            self.st.current_state.name(),
            self.st.state_type.name(),
            self.st.current_attempt
        )
    }
}

pub fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// `PASSIVE ... CHECK:` line for a passive result arriving at status `st` (Nagios
/// writes it with the status from before the result).
pub fn passive_line<S: ObjectState>(st: &Status<S>, obj: Obj) -> String {
    Event::PassiveCheck {
        obj,
        prev_state: st.current_state.id(),
        prev_output: st.output.short.clone(),
    }
    .lines()
    .remove(0)
}
