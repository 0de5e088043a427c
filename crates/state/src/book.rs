//! The comment and downtime books as values ([`Comment`], [`Downtime`], [`Books`]):
//! what Nagios 4.4.6 keeps in its comment and scheduled-downtime lists and writes to
//! retention.dat and status.dat (`hostcomment`, `servicecomment`, `hostdowntime`,
//! `servicedowntime` blocks). Entries name their object (host name, service
//! description), so they survive reloads and are written as they are; the core
//! owns the tables and their rules.

/// `entry_type` of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentKind {
    /// 1: added by a user (`ADD_*_COMMENT`, the optional note of other commands).
    User,
    /// 2: added with a scheduled downtime, deleted with it.
    Downtime,
    /// 3: added when flapping starts, deleted when it stops.
    Flapping,
    /// 4: added with an acknowledgement.
    Acknowledgement,
}

impl CommentKind {
    /// The number Nagios writes (`entry_type=`).
    pub fn id(self) -> u8 {
        match self {
            CommentKind::User => 1,
            CommentKind::Downtime => 2,
            CommentKind::Flapping => 3,
            CommentKind::Acknowledgement => 4,
        }
    }

    /// Of the number Nagios writes.
    pub fn from_id(n: i64) -> Option<CommentKind> {
        Some(match n {
            1 => CommentKind::User,
            2 => CommentKind::Downtime,
            3 => CommentKind::Flapping,
            4 => CommentKind::Acknowledgement,
            _ => return None,
        })
    }
}

/// `source` of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentSource {
    /// 0: made by the core (acknowledgement, downtime, flapping comments).
    Internal,
    /// 1: from an external command (`ADD_*_COMMENT`, notes).
    External,
}

impl CommentSource {
    /// The number Nagios writes (`source=`).
    pub fn id(self) -> u8 {
        match self {
            CommentSource::Internal => 0,
            CommentSource::External => 1,
        }
    }
}

/// One comment on a host or a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// `comment_id` (from the program's `next_comment_id`).
    pub id: u64,
    /// The host's name.
    pub host_name: String,
    /// The service's description, for service comments.
    pub service_description: Option<String>,
    /// `entry_type`.
    pub kind: CommentKind,
    /// `source`.
    pub source: CommentSource,
    /// `persistent`: kept across restarts.
    pub persistent: bool,
    /// `entry_time` (epoch seconds).
    pub entry_time: i64,
    /// `expires`.
    pub expires: bool,
    /// `expire_time` (epoch seconds).
    pub expire_time: i64,
    /// `author` (data, never code).
    pub author: String,
    /// `comment_data` (data, never code).
    pub text: String,
}

/// One scheduled downtime of a host or a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downtime {
    /// `downtime_id` (from the program's `next_downtime_id`).
    pub id: u64,
    /// The host's name.
    pub host_name: String,
    /// The service's description, for service downtimes.
    pub service_description: Option<String>,
    /// `comment_id`: the downtime comment added with it.
    pub comment_id: u64,
    /// `entry_time`.
    pub entry_time: i64,
    /// `start_time`: window start.
    pub start_time: i64,
    /// `flex_downtime_start`: when a flexible downtime started (0: not yet).
    pub flex_downtime_start: i64,
    /// `end_time`: window end.
    pub end_time: i64,
    /// `triggered_by`: id of the downtime that starts this one (0: none).
    pub triggered_by: u64,
    /// `fixed`: from start to end; else flexible, lasting `duration` from the first
    /// problem inside the window.
    pub fixed: bool,
    /// `duration` in seconds.
    pub duration: u64,
    /// `is_in_effect`.
    pub is_in_effect: bool,
    /// `start_notification_sent`: DOWNTIMESTART goes out at most once.
    pub start_notification_sent: bool,
    /// `author` (data, never code).
    pub author: String,
    /// `comment` (data, never code).
    pub comment: String,
    /// Counted in the object's `pending_flex_downtime` (not written; rebuilt at
    /// start-up).
    pub incremented_pending: bool,
}

impl Downtime {
    /// When an in-effect downtime ends: `end_time` when fixed, else
    /// `flex_downtime_start + duration`.
    pub fn effective_end(&self) -> i64 {
        if self.fixed {
            self.end_time
        } else {
            self.flex_downtime_start
                .saturating_add(i64::try_from(self.duration).unwrap_or(i64::MAX))
        }
    }

    /// Whether this downtime is of the named object.
    pub fn is_of(&self, host: &str, service: Option<&str>) -> bool {
        self.host_name == host && self.service_description.as_deref() == service
    }
}

impl Comment {
    /// Whether this comment is on the named object.
    pub fn is_of(&self, host: &str, service: Option<&str>) -> bool {
        self.host_name == host && self.service_description.as_deref() == service
    }
}

/// Every comment and downtime, as the core keeps them: comments by id, downtimes in
/// Nagios's list order (by start time; at equal start times untriggered before
/// triggered; then by id), which is the order the files are written in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Books {
    /// Comments, ascending id.
    pub comments: Vec<Comment>,
    /// Downtimes, in list order.
    pub downtimes: Vec<Downtime>,
}

impl Books {
    /// Adds a comment (kept in id order).
    pub fn add_comment(&mut self, c: Comment) {
        let at = self.comments.partition_point(|x| x.id < c.id);
        self.comments.insert(at, c);
    }

    /// Removes a comment by id; returns it.
    pub fn remove_comment(&mut self, id: u64) -> Option<Comment> {
        let at = self.comments.iter().position(|c| c.id == id)?;
        Some(self.comments.remove(at))
    }

    /// A comment by id.
    pub fn comment(&self, id: u64) -> Option<&Comment> {
        self.comments.iter().find(|c| c.id == id)
    }

    /// Adds a downtime at its place in list order.
    pub fn add_downtime(&mut self, d: Downtime) {
        let key = |x: &Downtime| (x.start_time, x.triggered_by != 0, x.id);
        let k = key(&d);
        let at = self.downtimes.partition_point(|x| key(x) < k);
        self.downtimes.insert(at, d);
    }

    /// Removes a downtime by id; returns it.
    pub fn remove_downtime(&mut self, id: u64) -> Option<Downtime> {
        let at = self.downtimes.iter().position(|d| d.id == id)?;
        Some(self.downtimes.remove(at))
    }

    /// A downtime by id.
    pub fn downtime(&self, id: u64) -> Option<&Downtime> {
        self.downtimes.iter().find(|d| d.id == id)
    }

    /// A downtime by id, mutably.
    pub fn downtime_mut(&mut self, id: u64) -> Option<&mut Downtime> {
        self.downtimes.iter_mut().find(|d| d.id == id)
    }

    /// The comments of an object, in id order.
    pub fn comments_of<'a>(
        &'a self,
        host: &'a str,
        service: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Comment> + 'a {
        self.comments.iter().filter(move |c| c.is_of(host, service))
    }

    /// The downtimes of an object, in list order.
    pub fn downtimes_of<'a>(
        &'a self,
        host: &'a str,
        service: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Downtime> + 'a {
        self.downtimes
            .iter()
            .filter(move |d| d.is_of(host, service))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(id: u64, start: i64, trig: u64) -> Downtime {
        Downtime {
            id,
            host_name: "h".into(),
            service_description: None,
            comment_id: 0,
            entry_time: 0,
            start_time: start,
            flex_downtime_start: 0,
            end_time: start + 10,
            triggered_by: trig,
            fixed: true,
            duration: 10,
            is_in_effect: false,
            start_notification_sent: false,
            author: String::new(),
            comment: String::new(),
            incremented_pending: false,
        }
    }

    #[test]
    fn downtimes_are_kept_in_nagios_list_order() {
        let mut b = Books::default();
        b.add_downtime(dt(1, 100, 0));
        b.add_downtime(dt(2, 50, 0));
        b.add_downtime(dt(3, 50, 2));
        b.add_downtime(dt(4, 50, 0));
        let ids: Vec<u64> = b.downtimes.iter().map(|d| d.id).collect();
        assert_eq!(ids, vec![2, 4, 3, 1]);
        assert_eq!(b.remove_downtime(4).map(|d| d.id), Some(4));
        assert!(b.downtime(4).is_none());
    }

    #[test]
    fn flexible_downtime_ends_a_duration_after_it_started() {
        let mut d = dt(1, 100, 0);
        d.fixed = false;
        d.flex_downtime_start = 120;
        d.duration = 5;
        assert_eq!(d.effective_end(), 125);
        d.fixed = true;
        assert_eq!(d.effective_end(), 110);
    }

    #[test]
    fn comment_kinds_round_trip() {
        for k in [
            CommentKind::User,
            CommentKind::Downtime,
            CommentKind::Flapping,
            CommentKind::Acknowledgement,
        ] {
            assert_eq!(CommentKind::from_id(k.id() as i64), Some(k));
        }
        assert_eq!(CommentKind::from_id(0), None);
    }
}
