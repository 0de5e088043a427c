//! Typed states: [`State`] (service states OK..UNKNOWN and host states UP..UNREACHABLE
//! in one enum, as handlers see them) and [`StateType`] (SOFT / HARD), with parsing
//! from the names Nagios prints and the numeric ids of `$SERVICESTATEID$` /
//! `$HOSTSTATEID$`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::EventError;

/// The state of a service or a host. Service states and host states have disjoint
/// names, so a name alone says which kind of object it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Service OK (id 0).
    Ok,
    /// Service WARNING (id 1).
    Warning,
    /// Service CRITICAL (id 2).
    Critical,
    /// Service UNKNOWN (id 3).
    Unknown,
    /// Host UP (id 0).
    Up,
    /// Host DOWN (id 1).
    Down,
    /// Host UNREACHABLE (id 2).
    Unreachable,
}

/// Whether a state belongs to a service or to a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// A service event (states OK, WARNING, CRITICAL, UNKNOWN).
    Service,
    /// A host event (states UP, DOWN, UNREACHABLE).
    Host,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Service => "service",
            ObjectKind::Host => "host",
        })
    }
}

impl State {
    /// Every state, service states first.
    pub const ALL: [State; 7] = [
        State::Ok,
        State::Warning,
        State::Critical,
        State::Unknown,
        State::Up,
        State::Down,
        State::Unreachable,
    ];

    /// The name as Nagios prints it (`CRITICAL`, `DOWN`, ...).
    pub fn name(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
            State::Up => "UP",
            State::Down => "DOWN",
            State::Unreachable => "UNREACHABLE",
        }
    }

    /// The numeric id (`$SERVICESTATEID$` / `$HOSTSTATEID$`).
    pub fn id(self) -> u8 {
        match self {
            State::Ok | State::Up => 0,
            State::Warning | State::Down => 1,
            State::Critical | State::Unreachable => 2,
            State::Unknown => 3,
        }
    }

    /// The kind of object this state belongs to.
    pub fn kind(self) -> ObjectKind {
        match self {
            State::Ok | State::Warning | State::Critical | State::Unknown => ObjectKind::Service,
            State::Up | State::Down | State::Unreachable => ObjectKind::Host,
        }
    }

    /// True for OK and UP.
    pub fn is_ok(self) -> bool {
        matches!(self, State::Ok | State::Up)
    }

    /// Parses a state name of either kind, case-insensitively (`critical`, `DOWN`).
    /// Numeric ids are refused here because they are ambiguous; see
    /// [`State::parse_service`] and [`State::parse_host`].
    pub fn from_name(s: &str) -> Option<State> {
        let t = s.trim();
        State::ALL
            .into_iter()
            .find(|st| st.name().eq_ignore_ascii_case(t))
    }

    /// Parses a service state: a name (OK, WARNING, CRITICAL, UNKNOWN, any case) or
    /// an id 0..=3.
    pub fn parse_service(s: &str) -> Result<State, EventError> {
        Self::parse_kind(s, ObjectKind::Service)
    }

    /// Parses a host state: a name (UP, DOWN, UNREACHABLE, any case) or an id 0..=2.
    pub fn parse_host(s: &str) -> Result<State, EventError> {
        Self::parse_kind(s, ObjectKind::Host)
    }

    /// Parses a state of the given kind from a name or a numeric id.
    pub fn parse_kind(s: &str, kind: ObjectKind) -> Result<State, EventError> {
        let bad = || EventError::InvalidState {
            kind,
            value: s.to_string(),
        };
        let t = s.trim();
        if let Ok(n) = t.parse::<u8>() {
            return State::ALL
                .into_iter()
                .find(|st| st.kind() == kind && st.id() == n)
                .ok_or_else(bad);
        }
        match State::from_name(t) {
            Some(st) if st.kind() == kind => Ok(st),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for State {
    type Err = EventError;
    /// Parses a state name of either kind (no numeric ids).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::from_name(s).ok_or_else(|| EventError::InvalidStateName(s.to_string()))
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// SOFT or HARD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateType {
    /// A state not yet confirmed by max_check_attempts checks (id 0).
    Soft,
    /// A confirmed state (id 1).
    Hard,
}

impl StateType {
    /// `SOFT` or `HARD`.
    pub fn name(self) -> &'static str {
        match self {
            StateType::Soft => "SOFT",
            StateType::Hard => "HARD",
        }
    }

    /// Parses `SOFT` / `HARD` (any case) or the ids `0` / `1` of `$SERVICESTATETYPE$`
    /// in its numeric form.
    pub fn parse(s: &str) -> Result<StateType, EventError> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("SOFT") || t == "0" {
            Ok(StateType::Soft)
        } else if t.eq_ignore_ascii_case("HARD") || t == "1" {
            Ok(StateType::Hard)
        } else {
            Err(EventError::InvalidStateType(s.to_string()))
        }
    }
}

impl fmt::Display for StateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StateType {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StateType::parse(s)
    }
}

impl Serialize for StateType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for StateType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        StateType::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_states_parse_by_name_and_id() {
        assert_eq!(State::parse_service("CRITICAL").unwrap(), State::Critical);
        assert_eq!(State::parse_service("critical").unwrap(), State::Critical);
        assert_eq!(State::parse_service(" warning ").unwrap(), State::Warning);
        assert_eq!(State::parse_service("0").unwrap(), State::Ok);
        assert_eq!(State::parse_service("3").unwrap(), State::Unknown);
        assert!(State::parse_service("4").is_err());
        assert!(State::parse_service("DOWN").is_err());
        assert!(State::parse_service("CRIT").is_err());
        assert!(State::parse_service("").is_err());
    }

    #[test]
    fn host_states_parse_by_name_and_id() {
        assert_eq!(State::parse_host("DOWN").unwrap(), State::Down);
        assert_eq!(
            State::parse_host("unreachable").unwrap(),
            State::Unreachable
        );
        assert_eq!(State::parse_host("0").unwrap(), State::Up);
        assert_eq!(State::parse_host("2").unwrap(), State::Unreachable);
        assert!(State::parse_host("3").is_err());
        assert!(State::parse_host("OK").is_err());
    }

    #[test]
    fn names_ids_and_kinds_round_trip() {
        for st in State::ALL {
            assert_eq!(State::from_name(st.name()), Some(st));
            assert_eq!(
                State::parse_kind(&st.id().to_string(), st.kind()).unwrap(),
                st
            );
        }
        assert_eq!(State::Critical.id(), 2);
        assert_eq!(State::Unreachable.id(), 2);
        assert_eq!(State::Down.kind(), ObjectKind::Host);
        assert!(State::Up.is_ok() && State::Ok.is_ok() && !State::Warning.is_ok());
    }

    #[test]
    fn state_types_parse() {
        assert_eq!(StateType::parse("SOFT").unwrap(), StateType::Soft);
        assert_eq!(StateType::parse("hard").unwrap(), StateType::Hard);
        assert_eq!(StateType::parse("0").unwrap(), StateType::Soft);
        assert_eq!(StateType::parse("1").unwrap(), StateType::Hard);
        let e = StateType::parse("SOFTISH").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid state type 'SOFTISH' (expected SOFT or HARD)"
        );
    }

    #[test]
    fn serde_uses_names() {
        assert_eq!(serde_json::to_string(&State::Down).unwrap(), "\"DOWN\"");
        assert_eq!(
            serde_json::from_str::<State>("\"critical\"").unwrap(),
            State::Critical
        );
        assert_eq!(serde_json::to_string(&StateType::Hard).unwrap(), "\"HARD\"");
    }
}
