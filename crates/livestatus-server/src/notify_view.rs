//! Acknowledgements, downtimes, comments and the notification fields of hosts and
//! services, as the Livestatus tables read them, taken from a core snapshot.
//!
//! The per-object fields ([`ObjectExtra`]: the acknowledgement, the downtime depth,
//! pending flexible downtimes, notification number and times) are read straight from
//! each status's [`vigil_state::NotifyFacts`]. The comment and downtime books
//! ([`vigil_state::Books`], shared by the core with its snapshots) name their object
//! by host name and service description; the tables want ids, so they are converted
//! to the Livestatus [`Comment`] / [`Downtime`] rows once per published snapshot, and
//! only when a query reads them (most snapshots are never asked about comments).
//! Entries whose object is not in the snapshot's configuration (left over by a
//! reload) are not shown, as Nagios drops them.
//!
//! Both tables are in id order, as mk-livestatus keeps them (a map by id); the core
//! keeps downtimes in Nagios's list order (by start time), so they are sorted here.

use std::sync::OnceLock;
use vigil_config::{HostId, Model, ServiceId};
use vigil_core::Snapshot;
use vigil_livestatus::{AckKind, Comment, Downtime, ObjectExtra};
use vigil_state::{AckKind as CoreAck, NotifyFacts};

/// What a snapshot says about acknowledgements, downtimes, comments and
/// notifications (see the module documentation). The conversions are cached; the
/// accessors take the snapshot the view was made for.
#[derive(Debug, Default)]
pub(crate) struct NotifyView {
    comments: OnceLock<Vec<Comment>>,
    downtimes: OnceLock<Vec<Downtime>>,
}

/// The Livestatus side of an object's notification facts.
fn extra(n: &NotifyFacts) -> ObjectExtra {
    let kind = match n.ack {
        CoreAck::None => None,
        CoreAck::Normal => Some(AckKind::Normal),
        CoreAck::Sticky => Some(AckKind::Sticky),
    };
    let (acknowledgement, removed_acknowledgement_type) = if n.acknowledged {
        // An acknowledged problem always has a type (a retention file without one
        // reads as normal).
        (Some(kind.unwrap_or(AckKind::Normal)), 0)
    } else {
        (None, n.ack.id())
    };
    ObjectExtra {
        acknowledgement,
        removed_acknowledgement_type,
        scheduled_downtime_depth: n.scheduled_downtime_depth,
        pending_flex_downtime: n.pending_flex_downtime,
        current_notification_number: n.current_notification_number,
        last_notification: n.last_notification as i64,
        next_notification: n.next_notification as i64,
        no_more_notifications: n.no_more_notifications,
        check_flapping_recovery_notification: n.check_flapping_recovery_notification,
        is_executing: false,
    }
}

/// The ids of a book entry's object, if the configuration has it.
fn object_of(
    model: &Model,
    host: &str,
    service: Option<&str>,
) -> Option<(HostId, Option<ServiceId>)> {
    let h = model.find_host(host)?;
    match service {
        None => Some((h, None)),
        Some(d) => Some((h, Some(model.find_service(host, d)?))),
    }
}

impl NotifyView {
    /// The view of a snapshot (converts nothing until asked).
    pub(crate) fn of(_snap: &Snapshot) -> NotifyView {
        NotifyView::default()
    }

    /// A host's acknowledgement, downtime depth and notification fields.
    pub(crate) fn host(&self, snap: &Snapshot, id: HostId) -> ObjectExtra {
        snap.host(id).map(|s| extra(&s.notify)).unwrap_or_default()
    }

    /// A service's acknowledgement, downtime depth and notification fields.
    pub(crate) fn service(&self, snap: &Snapshot, id: ServiceId) -> ObjectExtra {
        snap.service(id)
            .map(|s| extra(&s.notify))
            .unwrap_or_default()
    }

    /// Every comment, by id.
    pub(crate) fn comments(&self, snap: &Snapshot) -> &[Comment] {
        self.comments.get_or_init(|| {
            let model = snap.model();
            snap.comments()
                .iter()
                .filter_map(|c| {
                    let (host, service) =
                        object_of(model, &c.host_name, c.service_description.as_deref())?;
                    Some(Comment {
                        id: c.id,
                        host,
                        service,
                        author: c.author.clone(),
                        text: c.text.clone(),
                        entry_time: c.entry_time,
                        entry_type: c.kind.id(),
                        persistent: c.persistent,
                        source: c.source.id(),
                        expires: c.expires,
                        expire_time: c.expire_time,
                    })
                })
                .collect()
        })
    }

    /// Every downtime, by id.
    pub(crate) fn downtimes(&self, snap: &Snapshot) -> &[Downtime] {
        self.downtimes.get_or_init(|| {
            let model = snap.model();
            let mut v: Vec<Downtime> = snap
                .downtimes()
                .iter()
                .filter_map(|d| {
                    let (host, service) =
                        object_of(model, &d.host_name, d.service_description.as_deref())?;
                    Some(Downtime {
                        id: d.id,
                        host,
                        service,
                        author: d.author.clone(),
                        comment: d.comment.clone(),
                        entry_time: d.entry_time,
                        start_time: d.start_time,
                        end_time: d.end_time,
                        fixed: d.fixed,
                        duration: i64::try_from(d.duration).unwrap_or(i64::MAX),
                        triggered_by: d.triggered_by,
                        active: d.is_in_effect,
                    })
                })
                .collect();
            v.sort_by_key(|d| d.id);
            v
        })
    }
}
