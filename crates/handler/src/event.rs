//! The event a handler is called for: [`Event`] (typed, validated) and [`RawEvent`]
//! (the strings gathered from flags, `NAGIOS_*` environment variables or a JSON
//! document, layered with [`RawEvent::merge`] and checked by [`RawEvent::build`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::{ObjectKind, State, StateType};
use crate::EventError;

/// One event handler invocation, validated.
///
/// For a service event `state` is OK/WARNING/CRITICAL/UNKNOWN and `state_type`,
/// `attempt`, `max_attempts`, `output` are the service's; for a host event `state` is
/// UP/DOWN/UNREACHABLE and those fields are the host's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Service or host event (follows from `state`).
    pub kind: ObjectKind,
    /// `$HOSTNAME$`.
    pub host: String,
    /// `$SERVICEDESC$`, when known (op5-style handlers often get only the host name).
    pub service: Option<String>,
    /// The object's state.
    pub state: State,
    /// SOFT or HARD.
    pub state_type: StateType,
    /// Current attempt, 1-based.
    pub attempt: u32,
    /// `max_check_attempts`, when given.
    pub max_attempts: Option<u32>,
    /// First line of the plugin output (empty when not given).
    pub output: String,
    /// The host's state: for a host event the same as `state`; for a service event
    /// the host's state when given.
    pub host_state: Option<State>,
    /// `$HOSTADDRESS$`, when given.
    pub host_address: Option<String>,
    /// The service's custom variables (`_VMID` is stored as `VMID`), names upper-case.
    pub service_vars: BTreeMap<String, String>,
    /// The host's custom variables, names upper-case.
    pub host_vars: BTreeMap<String, String>,
    /// vigil: the outcome of this object's previous handler run, as its
    /// `_VIGIL_VERIFY` / next results decided it (`recovered`, `not_recovered`,
    /// `superseded`, `unknown`); from `VIGIL_LAST_OUTCOME`, which vigil sets for
    /// objects with handler policies, or `--last-outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<String>,
}

/// The outcome words of `last_outcome`.
pub const OUTCOMES: [&str; 4] = ["recovered", "not_recovered", "superseded", "unknown"];

/// Normalises a custom variable name: leading underscore removed, upper-case.
pub fn normalize_var_name(name: &str) -> String {
    name.trim().trim_start_matches('_').to_ascii_uppercase()
}

impl Event {
    /// True for a service event.
    pub fn is_service(&self) -> bool {
        self.kind == ObjectKind::Service
    }

    /// A custom variable, looked up in the service's variables first, then the host's.
    /// `name` may carry the leading underscore and any case (`_VMID`, `vmid`).
    /// `_SERVICEX` / `_HOSTX` address one object explicitly.
    pub fn custom_var(&self, name: &str) -> Option<&str> {
        let n = normalize_var_name(name);
        if let Some(v) = self.service_vars.get(&n) {
            return Some(v);
        }
        if let Some(v) = self.host_vars.get(&n) {
            return Some(v);
        }
        if let Some(rest) = n.strip_prefix("SERVICE") {
            if let Some(v) = self.service_vars.get(rest) {
                return Some(v);
            }
        }
        if let Some(rest) = n.strip_prefix("HOST") {
            if let Some(v) = self.host_vars.get(rest) {
                return Some(v);
            }
        }
        None
    }

    /// The value of a named field, as text, for templates: `host`, `service`,
    /// `state`, `state_id`, `state_type`, `attempt`, `max_attempts`, `output`,
    /// `host_state`, `host_address`, `kind`, or a custom variable written `_NAME`.
    /// Fields that exist but are not known for this event give `Some("")`; unknown
    /// names and unset custom variables give `None`.
    pub fn field(&self, name: &str) -> Option<String> {
        let v = match name {
            "host" | "host_name" => self.host.clone(),
            "service" | "service_desc" => self.service.clone().unwrap_or_default(),
            "state" => self.state.name().to_string(),
            "state_id" => self.state.id().to_string(),
            "state_type" => self.state_type.name().to_string(),
            "attempt" => self.attempt.to_string(),
            "max_attempts" => self.max_attempts.map(|m| m.to_string()).unwrap_or_default(),
            "output" => self.output.clone(),
            "host_state" => self
                .host_state
                .map(|s| s.name().to_string())
                .unwrap_or_default(),
            "host_address" => self.host_address.clone().unwrap_or_default(),
            "kind" => self.kind.to_string(),
            "last_outcome" => self.last_outcome.clone().unwrap_or_default(),
            _ if name.starts_with('_') => return self.custom_var(name).map(str::to_string),
            _ => return None,
        };
        Some(v)
    }

    /// True when `name` is a field [`Event::field`] knows (custom variables included,
    /// whether set or not). Lets callers validate templates before an event exists.
    pub fn is_known_field(name: &str) -> bool {
        matches!(
            name,
            "host"
                | "host_name"
                | "service"
                | "service_desc"
                | "state"
                | "state_id"
                | "state_type"
                | "attempt"
                | "max_attempts"
                | "output"
                | "host_state"
                | "host_address"
                | "kind"
                | "last_outcome"
        ) || (name.len() > 1 && name.starts_with('_'))
    }

    /// A short object label: `host` or `host/service` (`host/?` for a service event
    /// without a service name).
    pub fn object_label(&self) -> String {
        match (&self.kind, &self.service) {
            (ObjectKind::Host, _) => self.host.clone(),
            (ObjectKind::Service, Some(s)) => format!("{}/{}", self.host, s),
            (ObjectKind::Service, None) => format!("{}/?", self.host),
        }
    }

    /// Parses the JSON document format (see [`RawEvent::from_json`]) and validates it.
    pub fn from_json(text: &str) -> Result<Event, EventError> {
        RawEvent::from_json(text)?.build()
    }

    /// The event as the JSON document [`Event::from_json`] reads.
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and maps cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The unvalidated event: text values gathered from one source. Sources are layered
/// with [`RawEvent::merge`] (flags over JSON over environment) and turned into an
/// [`Event`] by [`RawEvent::build`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEvent {
    /// Host name.
    pub host: Option<String>,
    /// Host address.
    pub host_address: Option<String>,
    /// Service description.
    pub service: Option<String>,
    /// Service state (name or id). Its presence makes the event a service event.
    pub service_state: Option<String>,
    /// Service state type.
    pub service_state_type: Option<String>,
    /// Service attempt.
    pub service_attempt: Option<String>,
    /// Service max attempts.
    pub max_service_attempts: Option<String>,
    /// Service output.
    pub service_output: Option<String>,
    /// Host state (name or id).
    pub host_state: Option<String>,
    /// Host state type.
    pub host_state_type: Option<String>,
    /// Host attempt.
    pub host_attempt: Option<String>,
    /// Host max attempts.
    pub max_host_attempts: Option<String>,
    /// Host output.
    pub host_output: Option<String>,
    /// The event object's output, whichever kind it is (flag `--output`); wins over
    /// `service_output` / `host_output`.
    pub output: Option<String>,
    /// Service custom variables (normalised names).
    pub service_vars: BTreeMap<String, String>,
    /// Host custom variables (normalised names).
    pub host_vars: BTreeMap<String, String>,
    /// The previous handler run's outcome (`VIGIL_LAST_OUTCOME`).
    pub last_outcome: Option<String>,
}

fn non_empty(v: String) -> Option<String> {
    if v.is_empty() {
        None
    } else {
        Some(v)
    }
}

/// A JSON value that stands for a scalar: strings as they are, numbers printed.
fn scalar(field: &'static str, v: Option<Value>) -> Result<Option<String>, EventError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(non_empty(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(EventError::Json(format!(
            "field \"{field}\" must be a string or a number, not {other}"
        ))),
    }
}

/// The JSON document accepted on stdin.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEvent {
    kind: Option<ObjectKind>,
    #[serde(alias = "host_name")]
    host: Option<String>,
    host_address: Option<String>,
    #[serde(alias = "service_description", alias = "service_desc")]
    service: Option<String>,
    state: Option<Value>,
    state_type: Option<Value>,
    attempt: Option<Value>,
    max_attempts: Option<Value>,
    output: Option<String>,
    host_state: Option<Value>,
    #[serde(default, alias = "vars")]
    service_vars: Option<BTreeMap<String, String>>,
    #[serde(default)]
    host_vars: Option<BTreeMap<String, String>>,
    #[serde(default)]
    last_outcome: Option<String>,
}

impl RawEvent {
    /// Reads `VIGIL_LAST_OUTCOME` and the `NAGIOS_*` variables vigil and Nagios export with
    /// `enable_environment_macros=1`: `NAGIOS_HOSTNAME`, `NAGIOS_HOSTADDRESS`,
    /// `NAGIOS_SERVICEDESC`, `NAGIOS_SERVICESTATE`, `NAGIOS_SERVICESTATETYPE`,
    /// `NAGIOS_SERVICEATTEMPT`, `NAGIOS_MAXSERVICEATTEMPTS`, `NAGIOS_SERVICEOUTPUT`,
    /// the host equivalents (`NAGIOS_HOSTSTATE`, `NAGIOS_HOSTSTATETYPE`,
    /// `NAGIOS_HOSTATTEMPT`, `NAGIOS_MAXHOSTATTEMPTS`, `NAGIOS_HOSTOUTPUT`) and the
    /// custom variables `NAGIOS__SERVICE<VAR>` / `NAGIOS__HOST<VAR>`. Empty values
    /// count as absent (Nagios exports service macros empty for host events).
    pub fn from_env<I, K, V>(vars: I) -> RawEvent
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut r = RawEvent::default();
        for (k, v) in vars {
            let k = k.as_ref();
            if k == "VIGIL_LAST_OUTCOME" {
                r.last_outcome = non_empty(v.into());
                continue;
            }
            let Some(name) = k.strip_prefix("NAGIOS_") else {
                continue;
            };
            let Some(v) = non_empty(v.into()) else {
                continue;
            };
            if let Some(custom) = name.strip_prefix('_') {
                if let Some(n) = custom.strip_prefix("SERVICE") {
                    if !n.is_empty() {
                        r.service_vars.insert(normalize_var_name(n), v);
                    }
                } else if let Some(n) = custom.strip_prefix("HOST") {
                    if !n.is_empty() {
                        r.host_vars.insert(normalize_var_name(n), v);
                    }
                }
                continue;
            }
            let slot = match name {
                "HOSTNAME" => &mut r.host,
                "HOSTADDRESS" => &mut r.host_address,
                "SERVICEDESC" => &mut r.service,
                "SERVICESTATE" => &mut r.service_state,
                "SERVICESTATETYPE" => &mut r.service_state_type,
                "SERVICEATTEMPT" => &mut r.service_attempt,
                "MAXSERVICEATTEMPTS" => &mut r.max_service_attempts,
                "SERVICEOUTPUT" => &mut r.service_output,
                "HOSTSTATE" => &mut r.host_state,
                "HOSTSTATETYPE" => &mut r.host_state_type,
                "HOSTATTEMPT" => &mut r.host_attempt,
                "MAXHOSTATTEMPTS" => &mut r.max_host_attempts,
                "HOSTOUTPUT" => &mut r.host_output,
                _ => continue,
            };
            *slot = Some(v);
        }
        r
    }

    /// Parses the JSON document format:
    ///
    /// ```json
    /// {"host": "web01", "service": "nginx", "state": "CRITICAL",
    ///  "state_type": "SOFT", "attempt": 1, "max_attempts": 3,
    ///  "output": "connection refused", "host_state": "UP",
    ///  "host_address": "10.0.0.5",
    ///  "service_vars": {"VMID": "vm-42"}, "host_vars": {}}
    /// ```
    ///
    /// `state` names the object's state; its name says whether this is a service or
    /// a host event (`"kind": "service"|"host"` is needed only for numeric states).
    /// Numbers may be given as strings. `host_name`, `service_description` and `vars`
    /// are accepted as aliases. Unknown fields are refused (they are usually typos).
    /// The output of [`Event::to_json`] reads back unchanged.
    pub fn from_json(text: &str) -> Result<RawEvent, EventError> {
        let j: JsonEvent =
            serde_json::from_str(text).map_err(|e| EventError::Json(e.to_string()))?;
        let state = scalar("state", j.state)?;
        let kind = match (j.kind, &state) {
            (Some(k), _) => Some(k),
            (None, Some(s)) => match State::from_name(s) {
                Some(st) => Some(st.kind()),
                None if j.service.is_some() => Some(ObjectKind::Service),
                None if s.trim().parse::<u8>().is_ok() => {
                    return Err(EventError::Json(format!(
                        "numeric state \"{s}\" is ambiguous without \"service\" or \"kind\""
                    )))
                }
                None => return Err(EventError::InvalidStateName(s.clone())),
            },
            (None, None) => None,
        };
        let mut r = RawEvent {
            host: j.host.and_then(non_empty),
            host_address: j.host_address.and_then(non_empty),
            service: j.service.and_then(non_empty),
            output: j.output,
            last_outcome: j.last_outcome.and_then(non_empty),
            ..RawEvent::default()
        };
        let state_type = scalar("state_type", j.state_type)?;
        let attempt = scalar("attempt", j.attempt)?;
        let max = scalar("max_attempts", j.max_attempts)?;
        let host_state = scalar("host_state", j.host_state)?;
        match kind {
            Some(ObjectKind::Host) => {
                r.host_state = state.or(host_state);
                r.host_state_type = state_type;
                r.host_attempt = attempt;
                r.max_host_attempts = max;
            }
            _ => {
                r.service_state = state;
                r.service_state_type = state_type;
                r.service_attempt = attempt;
                r.max_service_attempts = max;
                r.host_state = host_state;
            }
        }
        for (k, v) in j.service_vars.unwrap_or_default() {
            r.service_vars.insert(normalize_var_name(&k), v);
        }
        for (k, v) in j.host_vars.unwrap_or_default() {
            r.host_vars.insert(normalize_var_name(&k), v);
        }
        Ok(r)
    }

    /// Layers `over` on top of `self`: every value `over` has wins; custom variables
    /// are combined, `over`'s winning on equal names.
    pub fn merge(self, over: RawEvent) -> RawEvent {
        let mut service_vars = self.service_vars;
        service_vars.extend(over.service_vars);
        let mut host_vars = self.host_vars;
        host_vars.extend(over.host_vars);
        RawEvent {
            host: over.host.or(self.host),
            host_address: over.host_address.or(self.host_address),
            service: over.service.or(self.service),
            service_state: over.service_state.or(self.service_state),
            service_state_type: over.service_state_type.or(self.service_state_type),
            service_attempt: over.service_attempt.or(self.service_attempt),
            max_service_attempts: over.max_service_attempts.or(self.max_service_attempts),
            service_output: over.service_output.or(self.service_output),
            host_state: over.host_state.or(self.host_state),
            host_state_type: over.host_state_type.or(self.host_state_type),
            host_attempt: over.host_attempt.or(self.host_attempt),
            max_host_attempts: over.max_host_attempts.or(self.max_host_attempts),
            host_output: over.host_output.or(self.host_output),
            output: over.output.or(self.output),
            service_vars,
            host_vars,
            last_outcome: over.last_outcome.or(self.last_outcome),
        }
    }

    /// True when no source gave anything at all.
    pub fn is_empty(&self) -> bool {
        *self == RawEvent::default()
    }

    /// Validates and types the event. A service state makes it a service event
    /// (state type and attempt are then the service's); otherwise a host state makes
    /// it a host event. Host name, a state, the state type and the attempt are
    /// required; the attempt must be at least 1 and not above max attempts.
    pub fn build(self) -> Result<Event, EventError> {
        let host = self.host.ok_or(EventError::Missing {
            what: "host name",
            how: "--host-name, NAGIOS_HOSTNAME or \"host\"",
        })?;
        let (kind, state, st_type, attempt, max, obj_output, host_state) =
            if let Some(s) = self.service_state {
                let state = State::parse_service(&s)?;
                let host_state = match &self.host_state {
                    Some(h) => Some(State::parse_host(h)?),
                    None => None,
                };
                let st_type = self.service_state_type.ok_or(EventError::Missing {
                    what: "service state type",
                    how: "--service-state-type, NAGIOS_SERVICESTATETYPE or \"state_type\"",
                })?;
                let attempt = self.service_attempt.ok_or(EventError::Missing {
                    what: "service attempt",
                    how: "--service-attempt, NAGIOS_SERVICEATTEMPT or \"attempt\"",
                })?;
                (
                    ObjectKind::Service,
                    state,
                    st_type,
                    attempt,
                    self.max_service_attempts,
                    self.service_output,
                    host_state,
                )
            } else if let Some(h) = self.host_state {
                let state = State::parse_host(&h)?;
                let st_type = self.host_state_type.ok_or(EventError::Missing {
                    what: "host state type",
                    how: "--host-state-type, NAGIOS_HOSTSTATETYPE or \"state_type\"",
                })?;
                let attempt = self.host_attempt.ok_or(EventError::Missing {
                    what: "host attempt",
                    how: "--host-attempt, NAGIOS_HOSTATTEMPT or \"attempt\"",
                })?;
                (
                    ObjectKind::Host,
                    state,
                    st_type,
                    attempt,
                    self.max_host_attempts,
                    self.host_output,
                    Some(state),
                )
            } else {
                return Err(EventError::Missing {
                    what: "state",
                    how: "--service-state / --host-state, NAGIOS_SERVICESTATE / \
                          NAGIOS_HOSTSTATE or \"state\"",
                });
            };
        let state_type = StateType::parse(&st_type)?;
        let attempt = parse_count("attempt", &attempt)?;
        let last_outcome = match self.last_outcome {
            Some(o) => {
                let w = o.trim().to_ascii_lowercase().replace(' ', "_");
                if !OUTCOMES.contains(&w.as_str()) {
                    return Err(EventError::InvalidOutcome(o));
                }
                Some(w)
            }
            None => None,
        };
        let max_attempts = match max {
            Some(m) => Some(parse_count("max attempts", &m)?),
            None => None,
        };
        if let Some(m) = max_attempts {
            if attempt > m {
                return Err(EventError::AttemptAboveMax {
                    attempt,
                    max_attempts: m,
                });
            }
        }
        Ok(Event {
            kind,
            host,
            service: self.service,
            state,
            state_type,
            attempt,
            max_attempts,
            output: self.output.or(obj_output).unwrap_or_default(),
            host_state,
            host_address: self.host_address,
            service_vars: self.service_vars,
            host_vars: self.host_vars,
            last_outcome,
        })
    }
}

/// Parses a positive count (attempts).
fn parse_count(field: &'static str, s: &str) -> Result<u32, EventError> {
    match s.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(EventError::InvalidNumber {
            field,
            value: s.to_string(),
        }),
    }
}
