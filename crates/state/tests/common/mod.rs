//! Test drivers: feed results into the state machines like the engine does and
//! render effects as the log lines Nagios writes (event handler lines included,
//! using the status the handler would see).
#![allow(dead_code)]

use vigil_state::flap::FlapParams;
use vigil_state::host::{apply_host_result, HostParams, Reachability};
use vigil_state::result::CheckResult;
use vigil_state::service::{apply_service_result, HostView, ServiceParams};
use vigil_state::{
    finish_result, host_state_name, service_state_name, CheckType, Counters, Effect, Output,
    Status, Transition,
};

pub fn out(s: &str) -> Output {
    vigil_state::output::parse_text(s)
}

pub fn result(state: u8, text: &str, t: f64, check_type: CheckType) -> CheckResult {
    CheckResult {
        state,
        output: out(text),
        check_type,
        start: t,
        finish: t + 0.1,
        latency: 0.0,
    }
}

/// What one applied result produced.
#[derive(Debug, Clone)]
pub struct Step {
    /// Log lines incl. `SERVICE EVENT HANDLER: ...;<handler>` lines.
    pub lines: Vec<String>,
    pub tr: Transition,
    /// Status as the handler sees it (before finish_result).
    pub at_handler: Status,
}

pub struct Svc {
    pub st: Status,
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
            st: Status::initial(0),
            p: ServiceParams {
                max_attempts: max,
                is_volatile: false,
                log_retries: true,
                flap: FlapParams::disabled(),
            },
            ctr: Counters::default(),
            t: 1000.0,
            host: HostView {
                state: 0,
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

    pub fn step_with(&mut self, state: u8, text: &str, ct: CheckType) -> Step {
        self.t += 1.0;
        let r = result(state, text, self.t, ct);
        let tr = apply_service_result(
            &mut self.st,
            &self.p,
            r,
            &self.host,
            &mut self.ctr,
            &self.name.0,
            &self.name.1,
        );
        let at_handler = self.st.clone();
        let mut lines = Vec::new();
        for e in &tr.effects {
            match e {
                Effect::Log(l) => lines.push(l.clone()),
                Effect::EventHandlers => {
                    if let Some(h) = &self.handler {
                        lines.push(format!(
                            "SERVICE EVENT HANDLER: {};{};{};{};{};{}",
                            self.name.0,
                            self.name.1,
                            service_state_name(self.st.current_state),
                            self.st.state_type.name(),
                            self.st.current_attempt,
                            h
                        ));
                    }
                }
                _ => {}
            }
        }
        finish_result(&mut self.st);
        Step {
            lines,
            tr,
            at_handler,
        }
    }

    pub fn step(&mut self, state: u8, text: &str) -> Step {
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
            service_state_name(self.st.current_state),
            self.st.state_type.name(),
            self.st.current_attempt
        )
    }
}

pub struct Hst {
    pub st: Status,
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
            st: Status::initial(0),
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

    pub fn step_with(&mut self, state: u8, text: &str, ct: CheckType) -> Step {
        self.t += 1.0;
        let r = result(state, text, self.t, ct);
        let tr = apply_host_result(
            &mut self.st,
            &self.p,
            r,
            self.reach,
            &mut self.ctr,
            &self.name,
        );
        let at_handler = self.st.clone();
        let mut lines = Vec::new();
        for e in &tr.effects {
            match e {
                Effect::Log(l) => lines.push(l.clone()),
                Effect::EventHandlers => {
                    if let Some(h) = &self.handler {
                        lines.push(format!(
                            "HOST EVENT HANDLER: {};{};{};{};{}",
                            self.name,
                            host_state_name(self.st.current_state),
                            self.st.state_type.name(),
                            self.st.current_attempt,
                            h
                        ));
                    }
                }
                _ => {}
            }
        }
        finish_result(&mut self.st);
        Step {
            lines,
            tr,
            at_handler,
        }
    }

    pub fn step(&mut self, state: u8, text: &str) -> Step {
        self.step_with(state, text, CheckType::Active)
    }

    pub fn pre(&self) -> String {
        format!(
            "{}/{}/{}",
            host_state_name(self.st.current_state),
            self.st.state_type.name(),
            self.st.current_attempt
        )
    }
}

pub fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}
