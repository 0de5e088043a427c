//! Comments (spec `notifications.md` §8, §9.2, §10): the core's comment book —
//! user comments (`ADD_*_COMMENT`, the optional note of many commands), the
//! comments acknowledgements and downtimes add, and the flapping comment with the
//! FLAPPING* notifications that go with a flapping change — and their deletion.

use vigil_events::{Event, FlapChange, NotificationType};
use vigil_state::{Books, Comment, CommentKind, CommentSource, ObjectState as _, Time};

use crate::core::{with_status, Core};
use crate::notify::Request;
use crate::ObjRef;

/// The author of the comments the core makes itself.
pub(crate) const NAGIOS_PROCESS: &str = "(Nagios Process)";

impl Core {
    /// The books, for a change (marks them for the state journal).
    pub(crate) fn books_mut(&mut self) -> &mut Books {
        self.books_dirty = true;
        std::sync::Arc::make_mut(&mut self.books)
    }

    /// Adds a comment to `obj`; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_comment(
        &mut self,
        obj: ObjRef,
        kind: CommentKind,
        source: CommentSource,
        persistent: bool,
        entry_time: i64,
        author: &str,
        text: &str,
    ) -> u64 {
        let id = self.program.counters.take_comment_id();
        self.dirty.mark_program();
        let name = self.obj_name(obj);
        self.books_mut().add_comment(Comment {
            id,
            host_name: name.host().to_string(),
            service_description: name.service().map(str::to_string),
            kind,
            source,
            persistent,
            entry_time,
            expires: false,
            expire_time: 0,
            author: author.to_string(),
            text: text.to_string(),
        });
        id
    }

    /// Deletes a comment by id (of a host when `host`, else of a service); false
    /// when there is none.
    pub(crate) fn delete_comment(&mut self, id: u64, host: Option<bool>) -> bool {
        let Some(c) = self.books.comment(id) else {
            return false;
        };
        if host.is_some_and(|h| h != c.service_description.is_none()) {
            return false;
        }
        self.books_mut().remove_comment(id).is_some()
    }

    /// Deletes the comments of `obj` that `pred` selects.
    pub(crate) fn delete_comments_of(&mut self, obj: ObjRef, pred: impl Fn(&Comment) -> bool) {
        let name = self.obj_name(obj);
        let ids: Vec<u64> = self
            .books
            .comments_of(name.host(), name.service())
            .filter(|c| pred(c))
            .map(|c| c.id)
            .collect();
        if ids.is_empty() {
            return;
        }
        let books = self.books_mut();
        for id in ids {
            books.remove_comment(id);
        }
    }

    /// The optional `;author;comment` of a command: a non-persistent external user
    /// comment on `obj`.
    pub(crate) fn add_note(&mut self, obj: ObjRef, note: &vigil_commands::Note, now: Time) {
        self.add_comment(
            obj,
            CommentKind::User,
            CommentSource::External,
            false,
            now as i64,
            &note.author,
            &note.comment,
        );
    }

    /// An object started or stopped flapping, or flap detection was disabled while
    /// it flapped (spec §10): the `FLAPPING ALERT` line, the flapping comment, the
    /// FLAPPING* notification and, when flapping ends in OK after a notified
    /// problem, a recovery attempt.
    pub(crate) fn flap_changed(&mut self, obj: ObjRef, change: FlapChange, now: Time) {
        let name = self.obj_name(obj);
        self.emit(Event::Flapping { obj: name, change });
        self.dirty.mark(obj);
        match change {
            FlapChange::Started { percent, threshold } => {
                let (word, cmp) = match obj {
                    ObjRef::Host(_) => ("host", ">"),
                    ObjRef::Service(_) => ("service", ">="),
                };
                let text = format!(
                    "Notifications for this {word} are being suppressed because it was detected as having been flapping between different states ({percent:.1}% change {cmp} {threshold:.1}% threshold).  When the {word} state stabilizes and the flapping stops, notifications will be re-enabled."
                );
                let id = self.add_comment(
                    obj,
                    CommentKind::Flapping,
                    CommentSource::Internal,
                    false,
                    now as i64,
                    NAGIOS_PROCESS,
                    &text,
                );
                with_status!(self, obj, |mut st| {
                    st.notify.flapping_comment_id = id;
                    st.notify.check_flapping_recovery_notification =
                        !st.current_state.is_ok() && st.notify.current_notification_number > 0;
                });
                self.notify(obj, Request::of(NotificationType::FlappingStart), now);
            }
            FlapChange::Stopped { .. } | FlapChange::Cleared { .. } | FlapChange::Disabled => {
                let id = with_status!(self, obj, |mut st| std::mem::take(
                    &mut st.notify.flapping_comment_id
                ));
                if id != 0 {
                    self.delete_comment(id, None);
                }
                let kind = if matches!(change, FlapChange::Disabled) {
                    NotificationType::FlappingDisabled
                } else {
                    NotificationType::FlappingStop
                };
                self.notify(obj, Request::of(kind), now);
                let recover = with_status!(self, obj, |mut st| {
                    let r =
                        st.notify.check_flapping_recovery_notification && st.current_state.is_ok();
                    st.notify.check_flapping_recovery_notification = false;
                    r
                });
                if recover {
                    self.notify(obj, Request::of(NotificationType::Normal), now);
                }
            }
        }
    }
}
