//! Acknowledgements, downtimes, comments and the notification fields of hosts and
//! services, as the Livestatus tables read them, taken from a core snapshot.
//!
//! The core does not keep any of them yet (they are being added to `vigil-core` and
//! its `Snapshot` by the notifications work): until then every object is
//! unacknowledged, in no downtime, never notified, and the `comments` and
//! `downtimes` tables are empty. This module is the one place that changes when the
//! snapshot carries them: [`NotifyView::of`] converts them once per published
//! snapshot, the accessors below stay as they are.

use vigil_config::{HostId, ServiceId};
use vigil_core::Snapshot;
use vigil_livestatus::{Comment, Downtime, ObjectExtra};

/// What a snapshot says about acknowledgements, downtimes, comments and
/// notifications (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct NotifyView {
    comments: Vec<Comment>,
    downtimes: Vec<Downtime>,
}

impl NotifyView {
    /// The view of a snapshot.
    pub(crate) fn of(_snap: &Snapshot) -> NotifyView {
        NotifyView::default()
    }

    /// A host's acknowledgement, downtime depth and notification fields.
    pub(crate) fn host(&self, _id: HostId) -> ObjectExtra {
        ObjectExtra::default()
    }

    /// A service's acknowledgement, downtime depth and notification fields.
    pub(crate) fn service(&self, _id: ServiceId) -> ObjectExtra {
        ObjectExtra::default()
    }

    /// Every comment, by id.
    pub(crate) fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// Every downtime, by id.
    pub(crate) fn downtimes(&self) -> &[Downtime] {
        &self.downtimes
    }
}
