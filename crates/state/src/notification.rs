//! The notification, acknowledgement and downtime facts Nagios 4.4.6 keeps on every
//! host and service ([`NotifyFacts`], spec `notifications.md` §5, §8, §9) and on every
//! contact ([`ContactStatus`]): numbers, ids, times, `notified_on`, the
//! acknowledgement, the downtime depth. Retention and status files carry them; the
//! rules that change them live in `vigil-core`.

use crate::{ModAttr, ObjectState, Time};

/// A notification period changed at run time (`CHANGE_*_NOTIFICATION_TIMEPERIOD`,
/// `CHANGE_CONTACT_*_NOTIFICATION_TIMEPERIOD`).
///
/// Nagios 4.4.6 restores the retained period's *name* (status.dat, retention.dat,
/// `$*NOTIFICATIONPERIOD$` show it) but not the period its notification rules use,
/// which stays the configured one until the next change: `in_effect` is false for a
/// period that came from a retention file (or the journal, a restart too).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeriodChange {
    /// The timeperiod's name.
    pub name: String,
    /// The rules use it (set by a command); false: restored, shown only.
    pub in_effect: bool,
}

/// How a problem was acknowledged (`acknowledgement_type`: 0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AckKind {
    /// No acknowledgement (`ACKNOWLEDGEMENT_NONE`).
    #[default]
    None,
    /// Removed by the next state change (`ACKNOWLEDGEMENT_NORMAL`).
    Normal,
    /// Removed only by a recovery (`ACKNOWLEDGEMENT_STICKY`).
    Sticky,
}

impl AckKind {
    /// The number Nagios writes (`acknowledgement_type=`).
    pub fn id(self) -> u8 {
        match self {
            AckKind::None => 0,
            AckKind::Normal => 1,
            AckKind::Sticky => 2,
        }
    }

    /// Of the number Nagios writes (anything else than 1 and 2 is none).
    pub fn from_id(n: i64) -> AckKind {
        match n {
            1 => AckKind::Normal,
            2 => AckKind::Sticky,
            _ => AckKind::None,
        }
    }
}

/// An object's notification bookkeeping, acknowledgement and downtime depth.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotifyFacts {
    /// `current_notification_number`: incremented by every NORMAL notification that
    /// reached a contact (and by custom ones with the INCREMENT option), reset by a
    /// hard recovery.
    pub current_notification_number: u32,
    /// `current_notification_id`: the id of the last notification sent.
    pub current_notification_id: u64,
    /// `last_notification`: when the last NORMAL notification went out (0: never
    /// since the last state change).
    pub last_notification: Time,
    /// `next_notification`: no re-notification before this time.
    pub next_notification: Time,
    /// `no_more_notifications`: notification_interval 0 and already notified.
    pub no_more_notifications: bool,
    /// `notified_on_*`: a bit per state id (`1 << state`) that was notified since the
    /// last hard recovery.
    pub notified_on: u8,
    /// `problem_has_been_acknowledged`.
    pub acknowledged: bool,
    /// `acknowledgement_type` (kept by `REMOVE_*_ACKNOWLEDGEMENT`, like Nagios).
    pub ack: AckKind,
    /// `scheduled_downtime_depth`: downtimes in effect for the object itself.
    pub scheduled_downtime_depth: u32,
    /// Flexible downtimes waiting inside their window (not written by Nagios;
    /// rebuilt from the downtimes at start-up).
    pub pending_flex_downtime: u32,
    /// `check_flapping_recovery_notification`: flapping started in a notified
    /// problem state, so a recovery may be sent when it stops.
    pub check_flapping_recovery_notification: bool,
    /// `flapping_comment_id`: the comment added when flapping started.
    pub flapping_comment_id: u64,
}

impl NotifyFacts {
    /// Whether `state` was notified since the last hard recovery.
    pub fn notified_on_state<S: ObjectState>(&self, state: S) -> bool {
        state.id() < 8 && self.notified_on & (1 << state.id()) != 0
    }

    /// Records that `state` was notified.
    pub fn mark_notified<S: ObjectState>(&mut self, state: S) {
        if state.id() < 8 {
            self.notified_on |= 1 << state.id();
        }
    }
}

/// A contact's run-time switches and notification times (the `contact {` block of
/// retention.dat, `contactstatus` of status.dat).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactStatus {
    /// `host_notifications_enabled`.
    pub host_notifications_enabled: bool,
    /// `service_notifications_enabled`.
    pub service_notifications_enabled: bool,
    /// `modified_attributes`.
    pub modified_attributes: ModAttr,
    /// `modified_host_attributes`.
    pub modified_host_attributes: ModAttr,
    /// `modified_service_attributes`.
    pub modified_service_attributes: ModAttr,
    /// `last_host_notification`.
    pub last_host_notification: Time,
    /// `last_service_notification`.
    pub last_service_notification: Time,
    /// Run-time `host_notification_period`
    /// (`CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD`); `None`: the configured one.
    pub host_notification_period: Option<PeriodChange>,
    /// Run-time `service_notification_period`; `None`: the configured one.
    pub service_notification_period: Option<PeriodChange>,
}

impl ContactStatus {
    /// A contact as configured: the two switches, nothing modified, never notified.
    pub fn configured(host_enabled: bool, service_enabled: bool) -> ContactStatus {
        ContactStatus {
            host_notifications_enabled: host_enabled,
            service_notifications_enabled: service_enabled,
            modified_attributes: ModAttr::empty(),
            modified_host_attributes: ModAttr::empty(),
            modified_service_attributes: ModAttr::empty(),
            last_host_notification: 0.0,
            last_service_notification: 0.0,
            host_notification_period: None,
            service_notification_period: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HostState, ServiceState};

    #[test]
    fn notified_on_bits_follow_state_ids() {
        let mut f = NotifyFacts::default();
        f.mark_notified(ServiceState::Warning);
        assert!(f.notified_on_state(ServiceState::Warning));
        assert!(!f.notified_on_state(ServiceState::Critical));
        // w and d share bit 1, as in Nagios.
        assert!(f.notified_on_state(HostState::Down));
        assert_eq!(f.notified_on, 2);
    }

    #[test]
    fn ack_kind_numbers() {
        for k in [AckKind::None, AckKind::Normal, AckKind::Sticky] {
            assert_eq!(AckKind::from_id(k.id() as i64), k);
        }
        assert_eq!(AckKind::from_id(7), AckKind::None);
    }
}
