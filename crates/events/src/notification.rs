//! The vocabulary of notifications: their types ([`NotificationType`]), the
//! `... NOTIFICATION:` line of one contact and command ([`NotificationLine`]), one
//! notification command run ([`NotificationRun`]), downtime transitions
//! ([`DowntimeChange`]), and the notification journal's record of a decision
//! ([`NotificationRecord`]) with the typed reason a notification or a contact was
//! stopped ([`Suppression`]).

use serde::{Deserialize, Serialize};

use crate::event::{Obj, Time};
use crate::states::AnyState;

/// Why a notification is sent (Nagios `NOTIFICATION_*` reason types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationType {
    /// A problem or a recovery (`PROBLEM` / `RECOVERY` by the current state).
    Normal,
    /// `ACKNOWLEDGEMENT`.
    Acknowledgement,
    /// `FLAPPINGSTART`.
    FlappingStart,
    /// `FLAPPINGSTOP`.
    FlappingStop,
    /// `FLAPPINGDISABLED`.
    FlappingDisabled,
    /// `DOWNTIMESTART`.
    DowntimeStart,
    /// `DOWNTIMEEND`.
    DowntimeEnd,
    /// `DOWNTIMECANCELLED`.
    DowntimeCancelled,
    /// `CUSTOM`.
    Custom,
}

impl NotificationType {
    /// `$NOTIFICATIONTYPE$`: the type name, `PROBLEM` / `RECOVERY` for normal
    /// notifications (by whether the object is OK/UP).
    pub fn macro_name(self, state_is_ok: bool) -> &'static str {
        match self {
            NotificationType::Normal if state_is_ok => "RECOVERY",
            NotificationType::Normal => "PROBLEM",
            NotificationType::Acknowledgement => "ACKNOWLEDGEMENT",
            NotificationType::FlappingStart => "FLAPPINGSTART",
            NotificationType::FlappingStop => "FLAPPINGSTOP",
            NotificationType::FlappingDisabled => "FLAPPINGDISABLED",
            NotificationType::DowntimeStart => "DOWNTIMESTART",
            NotificationType::DowntimeEnd => "DOWNTIMEEND",
            NotificationType::DowntimeCancelled => "DOWNTIMECANCELLED",
            NotificationType::Custom => "CUSTOM",
        }
    }

    /// Of a `--type` word or a `$NOTIFICATIONTYPE$` value (case-insensitive;
    /// `PROBLEM` and `RECOVERY` are both [`NotificationType::Normal`]).
    pub fn parse(word: &str) -> Option<NotificationType> {
        Some(match word.to_ascii_uppercase().as_str() {
            "PROBLEM" | "RECOVERY" | "NORMAL" => NotificationType::Normal,
            "ACKNOWLEDGEMENT" => NotificationType::Acknowledgement,
            "FLAPPINGSTART" => NotificationType::FlappingStart,
            "FLAPPINGSTOP" => NotificationType::FlappingStop,
            "FLAPPINGDISABLED" => NotificationType::FlappingDisabled,
            "DOWNTIMESTART" => NotificationType::DowntimeStart,
            "DOWNTIMEEND" => NotificationType::DowntimeEnd,
            "DOWNTIMECANCELLED" => NotificationType::DowntimeCancelled,
            "CUSTOM" => NotificationType::Custom,
            _ => return None,
        })
    }
}

/// One contact notified with one command: `SERVICE NOTIFICATION: ...` /
/// `HOST NOTIFICATION: ...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationLine {
    /// The contact.
    pub contact: String,
    /// The object.
    pub obj: Obj,
    /// The type.
    pub kind: NotificationType,
    /// The object's current state.
    pub state: AnyState,
    /// The command's name (without `!args`).
    pub command: String,
    /// The object's short output (`None`: never checked).
    pub output: Option<String>,
    /// Author of an acknowledgement or custom notification.
    pub author: Option<String>,
    /// Comment of an acknowledgement or custom notification.
    pub comment: Option<String>,
}

/// One notification command started for one contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRun {
    /// The notification's id (`$SERVICENOTIFICATIONID$` / `$HOSTNOTIFICATIONID$`).
    pub id: u64,
    /// The object.
    #[serde(with = "obj_serde")]
    pub obj: Obj,
    /// The type.
    pub kind: NotificationType,
    /// `$NOTIFICATIONTYPE$` as sent (`PROBLEM`, `RECOVERY`, ...).
    pub type_name: String,
    /// The contact.
    pub contact: String,
    /// The command directive as configured (`cmd!args`).
    pub directive: String,
    /// The expanded command line as displayed.
    pub command: String,
}

/// A downtime transition: `... DOWNTIME ALERT: ...;STARTED|STOPPED|CANCELLED; ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DowntimeChange {
    /// The object entered a period of scheduled downtime.
    Started,
    /// The object left it (the downtime ended).
    Stopped,
    /// The downtime was deleted while in effect.
    Cancelled,
}

/// Why a notification (or one contact of it) was not sent: the first rule that
/// stopped it, in Nagios 4.4.6's order (spec `notifications.md` §3, §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Suppression {
    /// `enable_notifications` is off.
    ProgramDisabled,
    /// Outside the object's `notification_period`.
    OutsidePeriod {
        /// The period's name.
        period: String,
    },
    /// The object's `notifications_enabled` is off.
    ObjectDisabled,
    /// The object is in scheduled downtime.
    InDowntime,
    /// The service's host is in scheduled downtime.
    HostInDowntime,
    /// A flexible downtime of the object (or its host) waits inside its window.
    FlexibleDowntimePending,
    /// Acknowledgements of an OK/UP object are not sent.
    NotAProblem,
    /// Flapping notifications need `f` in the options.
    OptionsExcludeFlapping,
    /// Downtime notifications need `s` in the options.
    OptionsExcludeDowntime,
    /// The current state's letter is not in `notification_options`.
    OptionsExclude {
        /// The letter (`w`, `c`, `u`, `r`, `d`, ...).
        letter: char,
    },
    /// A recovery is only sent after a notified problem.
    RecoveryWithoutNotifiedProblem,
    /// SOFT states are never notified.
    SoftState,
    /// The problem is acknowledged.
    Acknowledged,
    /// A notification dependency failed.
    DependenciesFailed,
    /// `first_notification_delay` has not passed.
    FirstNotificationDelay {
        /// When it passes.
        until: Time,
    },
    /// The object is flapping.
    Flapping,
    /// `notification_interval` 0 and the problem was notified already.
    NoMoreNotifications,
    /// The service's host is not UP.
    HostNotUp {
        /// The host's state.
        state: AnyState,
    },
    /// The re-notification interval has not elapsed.
    IntervalNotElapsed {
        /// When the next notification may go out.
        next: Time,
    },
    /// Contact: its `minimum_importance` is above the object's importance.
    ContactImportance,
    /// Contact: its host / service notifications are disabled.
    ContactDisabled,
    /// Contact: outside its notification period.
    ContactOutsidePeriod {
        /// The period's name.
        period: String,
    },
    /// Contact: the state's letter is not in its notification options.
    ContactOptionsExclude {
        /// The letter.
        letter: char,
    },
    /// Contact: recoveries of states it was not notified about are not sent.
    ContactNotNotifiedOfProblem,
    /// Nobody is configured to receive it (no contacts, or all filtered).
    NoRecipients,
}

impl std::fmt::Display for Suppression {
    /// The rule in words, as `vigil notifications` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Suppression::ProgramDisabled => {
                f.write_str("notifications are disabled (enable_notifications=0)")
            }
            Suppression::OutsidePeriod { period } => {
                write!(f, "outside notification_period '{period}'")
            }
            Suppression::ObjectDisabled => f.write_str("notifications are disabled for the object"),
            Suppression::InDowntime => f.write_str("in downtime"),
            Suppression::HostInDowntime => f.write_str("host is in downtime"),
            Suppression::FlexibleDowntimePending => f.write_str("a flexible downtime is pending"),
            Suppression::NotAProblem => f.write_str("not a problem state"),
            Suppression::OptionsExcludeFlapping => f.write_str("notification_options excludes f"),
            Suppression::OptionsExcludeDowntime => f.write_str("notification_options excludes s"),
            Suppression::OptionsExclude { letter } => {
                write!(f, "notification_options excludes {letter}")
            }
            Suppression::RecoveryWithoutNotifiedProblem => {
                f.write_str("recovery of a problem that was not notified")
            }
            Suppression::SoftState => f.write_str("SOFT state"),
            Suppression::Acknowledged => f.write_str("acknowledged"),
            Suppression::DependenciesFailed => f.write_str("notification dependencies failed"),
            Suppression::FirstNotificationDelay { until } => {
                write!(f, "first_notification_delay until {}", *until as i64)
            }
            Suppression::Flapping => f.write_str("flapping"),
            Suppression::NoMoreNotifications => {
                f.write_str("already notified (notification_interval 0)")
            }
            Suppression::HostNotUp { state } => write!(f, "host is {}", state.name()),
            Suppression::IntervalNotElapsed { .. } => f.write_str("interval not yet elapsed"),
            Suppression::ContactImportance => {
                f.write_str("contact's minimum_importance is above the object's importance")
            }
            Suppression::ContactDisabled => {
                f.write_str("notifications are disabled for the contact")
            }
            Suppression::ContactOutsidePeriod { period } => {
                write!(f, "outside the contact's notification period '{period}'")
            }
            Suppression::ContactOptionsExclude { letter } => {
                write!(f, "contact's notification options exclude {letter}")
            }
            Suppression::ContactNotNotifiedOfProblem => {
                f.write_str("contact was not notified of the problem")
            }
            Suppression::NoRecipients => f.write_str("no contacts"),
        }
    }
}

/// One contact considered for a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactDecision {
    /// The contact.
    pub contact: String,
    /// Why the contact was not notified (`None`: notified).
    pub stopped_by: Option<Suppression>,
    /// The expanded command lines run (or, when stopped, that would have run).
    pub commands: Vec<String>,
}

/// A notification decision, sent or not: the notification journal's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRecord {
    /// When it was decided.
    pub time: Time,
    /// The object.
    #[serde(with = "obj_serde")]
    pub obj: Obj,
    /// The type.
    pub kind: NotificationType,
    /// `$NOTIFICATIONTYPE$` (`PROBLEM`, `RECOVERY`, ...).
    pub type_name: String,
    /// The object's state.
    pub state: AnyState,
    /// The notification number it had (after incrementing when it was sent).
    pub number: u32,
    /// The notification id, when contacts were notified.
    pub id: Option<u64>,
    /// Whether escalations chose the recipients.
    pub escalated: bool,
    /// Custom notification options (1 broadcast, 2 forced, 4 increment).
    pub options: u32,
    /// Author (acknowledgements, downtimes, custom notifications).
    pub author: Option<String>,
    /// Comment (acknowledgements, downtimes, custom notifications).
    pub comment: Option<String>,
    /// The object-level rule that stopped it (`None`: it passed).
    pub stopped_by: Option<Suppression>,
    /// Every contact considered, in the order they would be notified.
    pub contacts: Vec<ContactDecision>,
}

impl NotificationRecord {
    /// True when at least one contact was notified.
    pub fn sent(&self) -> bool {
        self.stopped_by.is_none() && self.contacts.iter().any(|c| c.stopped_by.is_none())
    }
}

/// An [`Obj`] as `{"host": ..., "service": ...}` that reads back as what it was
/// (the untagged form would read every service as its host).
mod obj_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::event::Obj;

    #[derive(Serialize, Deserialize)]
    struct Names {
        host: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
    }

    pub(super) fn serialize<S: Serializer>(obj: &Obj, s: S) -> Result<S::Ok, S::Error> {
        Names {
            host: obj.host().to_string(),
            service: obj.service().map(str::to_string),
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Obj, D::Error> {
        let n = Names::deserialize(d)?;
        Ok(match n.service {
            Some(service) => Obj::Service {
                host: n.host,
                service,
            },
            None => Obj::Host { host: n.host },
        })
    }
}
