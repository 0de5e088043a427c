//! Acknowledgements (spec `notifications.md` §8) and what every state change does
//! to an object's notification facts (§2.3, §2.4, §8.4): acknowledging (the
//! ACKNOWLEDGEMENT notification before the flag is set, then the comment),
//! removing it by command, and the removal of normal acknowledgements on a state
//! change and of sticky ones on a recovery.

use vigil_events::NotificationType;
use vigil_state::{AckKind, CommentKind, CommentSource, ObjectState as _, Time};

use crate::core::{with_status, Core};
use crate::notify::Request;
use crate::ObjRef;

impl Core {
    /// `ACKNOWLEDGE_*_PROBLEM`: ignored while the object is OK/UP.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn acknowledge(
        &mut self,
        obj: ObjRef,
        sticky: bool,
        notify: bool,
        persistent: bool,
        author: &str,
        comment: &str,
        now: Time,
    ) {
        if with_status!(self, obj, |st| st.current_state.is_ok()) {
            return;
        }
        if notify {
            self.notify(
                obj,
                Request::with_text(NotificationType::Acknowledgement, author, comment),
                now,
            );
        }
        with_status!(self, obj, |mut st| {
            st.notify.acknowledged = true;
            st.notify.ack = if sticky {
                AckKind::Sticky
            } else {
                AckKind::Normal
            };
        });
        self.dirty.mark(obj);
        self.add_comment(
            obj,
            CommentKind::Acknowledgement,
            CommentSource::Internal,
            persistent,
            now as i64,
            author,
            comment,
        );
    }

    /// `REMOVE_*_ACKNOWLEDGEMENT`: the flag is cleared and the non-persistent
    /// acknowledgement comments go; the type stays (as Nagios leaves it).
    pub(crate) fn remove_acknowledgement(&mut self, obj: ObjRef) {
        with_status!(self, obj, |mut st| st.notify.acknowledged = false);
        self.dirty.mark(obj);
        self.delete_ack_comments(obj);
    }

    fn delete_ack_comments(&mut self, obj: ObjRef) {
        self.delete_comments_of(obj, |c| {
            c.kind == CommentKind::Acknowledgement && !c.persistent
        });
    }

    /// What a state or hard state change does before the result's notification
    /// (§2.3, §8.4): the re-notification times and `no_more_notifications` are
    /// reset; a normal acknowledgement goes on a state change, a sticky one on a
    /// recovery.
    pub(crate) fn state_change_resets(&mut self, obj: ObjRef, state_changed: bool) {
        let remove = with_status!(self, obj, |mut st| {
            let remove = match st.notify.ack {
                AckKind::Normal => state_changed,
                AckKind::Sticky => st.current_state.is_ok(),
                AckKind::None => false,
            };
            // Written only when something changes: the facts are shared
            // copy-on-write between objects never notified.
            let n = &st.notify;
            if remove
                || n.last_notification != 0.0
                || n.next_notification != 0.0
                || n.no_more_notifications
            {
                let n = &mut *st.notify;
                n.last_notification = 0.0;
                n.next_notification = 0.0;
                n.no_more_notifications = false;
                if remove {
                    n.acknowledged = false;
                    n.ack = AckKind::None;
                }
            }
            remove
        });
        self.dirty.mark(obj);
        if remove {
            self.delete_ack_comments(obj);
        }
    }

    /// After a hard recovery was processed, notified or not (§2.4).
    pub(crate) fn hard_recovery_resets(&mut self, obj: ObjRef) {
        with_status!(self, obj, |mut st| {
            if st.notify.current_notification_number != 0 || st.notify.notified_on != 0 {
                st.notify.current_notification_number = 0;
                st.notify.notified_on = 0;
            }
        });
        self.dirty.mark(obj);
    }
}
