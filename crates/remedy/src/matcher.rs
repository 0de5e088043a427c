//! The rules engine's matching half: whether a [`Rule`] applies to an [`Event`]
//! (object kind, host and service globs, states, state types, attempts), why not
//! when it does not, and which rules of a file are selected (first match or all).

use vigil_handler::{Event, ObjectKind};

use crate::config::{MatchMode, Rule, Rules};

impl Rule {
    /// Why the rule does not apply to `ev`, or `None` when it does.
    pub fn mismatch(&self, ev: &Event) -> Option<String> {
        if let Some(k) = self.object {
            if k != ev.kind {
                return Some(format!("{} event, rule is for {k} events", ev.kind));
            }
        }
        if let Some(h) = &self.hosts {
            if !h.is_match(&ev.host) {
                return Some(format!("host '{}' not in {:?}", ev.host, h.sources));
            }
        }
        if let Some(s) = &self.services {
            if ev.kind == ObjectKind::Host {
                return Some("host event, rule names services".to_string());
            }
            let name = ev.service.as_deref().unwrap_or("");
            if !s.is_match(name) {
                return Some(format!("service '{name}' not in {:?}", s.sources));
            }
        }
        match &self.states {
            Some(list) => {
                if !list.contains(&ev.state) {
                    let names: Vec<&str> = list.iter().map(|s| s.name()).collect();
                    return Some(format!("state {} not in {names:?}", ev.state));
                }
            }
            None => {
                if ev.state.is_ok() {
                    return Some(format!(
                        "state {} (rules without states match problems only)",
                        ev.state
                    ));
                }
            }
        }
        if let Some(list) = &self.last_outcome {
            let got = ev.last_outcome.as_deref().unwrap_or("none");
            if !list.iter().any(|o| o == got) {
                return Some(format!("last outcome {got} not in {list:?}"));
            }
        }
        if let Some(list) = &self.state_types {
            if !list.contains(&ev.state_type) {
                let names: Vec<&str> = list.iter().map(|s| s.name()).collect();
                return Some(format!("state type {} not in {names:?}", ev.state_type));
            }
        }
        if let Some(ranges) = &self.attempts {
            if !ranges.iter().any(|r| r.contains(&ev.attempt)) {
                let shown: Vec<String> = ranges
                    .iter()
                    .map(|r| {
                        if r.start() == r.end() {
                            r.start().to_string()
                        } else {
                            format!("{}-{}", r.start(), r.end())
                        }
                    })
                    .collect();
                return Some(format!(
                    "attempt {} not in [{}]",
                    ev.attempt,
                    shown.join(", ")
                ));
            }
        }
        None
    }

    /// True when the rule applies to `ev`.
    pub fn matches(&self, ev: &Event) -> bool {
        self.mismatch(ev).is_none()
    }
}

impl Rules {
    /// The rules that run for `ev`: the first match, or every match with
    /// `match = "all"`, in file order.
    pub fn select(&self, ev: &Event) -> Vec<&Rule> {
        let mut it = self.rules.iter().filter(|r| r.matches(ev));
        match self.settings.match_mode {
            MatchMode::First => it.next().into_iter().collect(),
            MatchMode::All => it.collect(),
        }
    }
}
