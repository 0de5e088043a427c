//! Host and service states, state types and check types: the typed ids Nagios uses
//! in status.dat, retention.dat, macros and log lines.

use serde::{Deserialize, Serialize};

/// Whether an object is a host or a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjKind {
    /// A host.
    Host,
    /// A service.
    Service,
}

impl ObjKind {
    /// `HOST` or `SERVICE`, as log lines spell the kind.
    pub fn word(self) -> &'static str {
        match self {
            ObjKind::Host => "HOST",
            ObjKind::Service => "SERVICE",
        }
    }
}

/// What host and service states have in common: an id (status.dat, retention.dat,
/// `$SERVICESTATEID$`), a name (log lines, `$SERVICESTATE$`) and a "good" state.
pub trait ObjectState:
    Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug + Default + Send + Sync + 'static
{
    /// OK (services) or UP (hosts).
    const OK: Self;
    /// Which kind of object has these states.
    const KIND: ObjKind;
    /// The numeric id.
    fn id(self) -> u8;
    /// The state of an id; ids past the last state map to the last one
    /// (UNKNOWN / UNREACHABLE), as Nagios prints them.
    fn from_id(id: u8) -> Self;
    /// `OK`, `WARNING`, ... / `UP`, `DOWN`, `UNREACHABLE`.
    fn name(self) -> &'static str;
    /// True for OK / UP.
    fn is_ok(self) -> bool {
        self == Self::OK
    }
    /// The state as an [`AnyState`].
    fn any(self) -> AnyState;
}

/// Service states: OK=0 WARNING=1 CRITICAL=2 UNKNOWN=3.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum ServiceState {
    /// OK (0).
    #[default]
    Ok = 0,
    /// WARNING (1).
    Warning = 1,
    /// CRITICAL (2).
    Critical = 2,
    /// UNKNOWN (3).
    Unknown = 3,
}

impl ObjectState for ServiceState {
    const OK: Self = ServiceState::Ok;
    const KIND: ObjKind = ObjKind::Service;
    fn id(self) -> u8 {
        self as u8
    }
    fn from_id(id: u8) -> Self {
        match id {
            0 => ServiceState::Ok,
            1 => ServiceState::Warning,
            2 => ServiceState::Critical,
            _ => ServiceState::Unknown,
        }
    }
    fn name(self) -> &'static str {
        match self {
            ServiceState::Ok => "OK",
            ServiceState::Warning => "WARNING",
            ServiceState::Critical => "CRITICAL",
            ServiceState::Unknown => "UNKNOWN",
        }
    }
    fn any(self) -> AnyState {
        AnyState::Service(self)
    }
}

/// Host states: UP=0 DOWN=1 UNREACHABLE=2.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum HostState {
    /// UP (0).
    #[default]
    Up = 0,
    /// DOWN (1).
    Down = 1,
    /// UNREACHABLE (2).
    Unreachable = 2,
}

impl ObjectState for HostState {
    const OK: Self = HostState::Up;
    const KIND: ObjKind = ObjKind::Host;
    fn id(self) -> u8 {
        self as u8
    }
    fn from_id(id: u8) -> Self {
        match id {
            0 => HostState::Up,
            1 => HostState::Down,
            _ => HostState::Unreachable,
        }
    }
    fn name(self) -> &'static str {
        match self {
            HostState::Up => "UP",
            HostState::Down => "DOWN",
            HostState::Unreachable => "UNREACHABLE",
        }
    }
    fn any(self) -> AnyState {
        AnyState::Host(self)
    }
}

/// A host or a service state, for values that may be either (events, journals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnyState {
    /// A host's state.
    Host(HostState),
    /// A service's state.
    Service(ServiceState),
}

impl AnyState {
    /// The state's name.
    pub fn name(self) -> &'static str {
        match self {
            AnyState::Host(s) => s.name(),
            AnyState::Service(s) => s.name(),
        }
    }

    /// The state's id.
    pub fn id(self) -> u8 {
        match self {
            AnyState::Host(s) => s.id(),
            AnyState::Service(s) => s.id(),
        }
    }

    /// True for OK / UP.
    pub fn is_ok(self) -> bool {
        self.id() == 0
    }

    /// The state of `kind` with this `id`.
    pub fn of(kind: ObjKind, id: u8) -> AnyState {
        match kind {
            ObjKind::Host => AnyState::Host(HostState::from_id(id)),
            ObjKind::Service => AnyState::Service(ServiceState::from_id(id)),
        }
    }

    /// A state named as in log lines (`CRITICAL`, `UP`, ...) for `kind`.
    pub fn parse(kind: ObjKind, name: &str) -> Option<AnyState> {
        let id = match (kind, name) {
            (ObjKind::Service, "OK") | (ObjKind::Host, "UP") => 0,
            (ObjKind::Service, "WARNING") | (ObjKind::Host, "DOWN") => 1,
            (ObjKind::Service, "CRITICAL") | (ObjKind::Host, "UNREACHABLE") => 2,
            (ObjKind::Service, "UNKNOWN") => 3,
            _ => return None,
        };
        Some(AnyState::of(kind, id))
    }
}

/// SOFT/HARD state type (ids as in status.dat and `$SERVICESTATETYPE$`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum StateType {
    /// SOFT (0): a problem still being retried, or a soft recovery.
    Soft = 0,
    /// HARD (1).
    #[default]
    Hard = 1,
}

impl StateType {
    /// `SOFT` or `HARD`, as written in log lines.
    pub fn name(self) -> &'static str {
        match self {
            StateType::Soft => "SOFT",
            StateType::Hard => "HARD",
        }
    }

    /// The id (0 SOFT, 1 HARD).
    pub fn id(self) -> u8 {
        self as u8
    }

    /// `SOFT` / `HARD` back to the type.
    pub fn parse(name: &str) -> Option<StateType> {
        match name {
            "SOFT" => Some(StateType::Soft),
            "HARD" => Some(StateType::Hard),
            _ => None,
        }
    }
}

/// Whether a result came from an executed check or was submitted passively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CheckType {
    /// Executed by the engine (id 0).
    #[default]
    Active = 0,
    /// Submitted through the command file (id 1).
    Passive = 1,
}

impl CheckType {
    /// `ACTIVE` or `PASSIVE` (`$SERVICECHECKTYPE$`).
    pub fn name(self) -> &'static str {
        match self {
            CheckType::Active => "ACTIVE",
            CheckType::Passive => "PASSIVE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_nagios_s() {
        assert_eq!(ServiceState::from_id(2).name(), "CRITICAL");
        assert_eq!(ServiceState::from_id(9), ServiceState::Unknown);
        assert_eq!(HostState::from_id(9), HostState::Unreachable);
        assert_eq!(HostState::Down.id(), 1);
        assert_eq!(
            AnyState::parse(ObjKind::Host, "UNREACHABLE"),
            Some(AnyState::Host(HostState::Unreachable))
        );
        assert_eq!(AnyState::parse(ObjKind::Host, "UNKNOWN"), None);
        assert!(ServiceState::Ok.is_ok() && !HostState::Down.is_ok());
        assert_eq!(StateType::parse("SOFT"), Some(StateType::Soft));
    }
}
