//! Scheduled downtime (spec `notifications.md` §9): scheduling (with its comment),
//! the core's own timers for starts, ends and the expiry of flexible downtimes that
//! never started (reported through [`Core::poll_timeout`]), flexible downtimes
//! started by a problem, triggered downtimes, cancellation, and the registration of
//! retained downtimes at start-up — those that started or ended while the core was
//! down start and end then, with their `DOWNTIME ALERT` lines, as in Nagios 4.4.6.
//!
//! The transitions follow Nagios's `handle_scheduled_downtime()`: a downtime that
//! starts while its object is in no other downtime logs `STARTED` and sends
//! DOWNTIMESTART (once per downtime) before the depth goes up; one that ends logs
//! `STOPPED` and sends DOWNTIMEEND after the depth went back to 0; downtimes
//! triggered by it start with it and are handled again when it ends (so one added
//! after its trigger started starts and stops then).

use vigil_events::{DowntimeChange, Event, NotificationType};
use vigil_state::{CommentKind, CommentSource, Downtime, ObjectState as _, Time};

use crate::core::{with_status, Core};
use crate::notify::Request;
use crate::ObjRef;

/// Why a downtime command could not be carried out.
pub(crate) type Failure = String;

/// A due downtime timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// A fixed (or restarted flexible) downtime starts.
    Start(u64),
    /// A downtime in effect ends.
    End(u64),
    /// A flexible downtime that never started expires.
    Expire,
}

/// Safety net against an endless trigger chain in a hand-made retention file.
const MAX_STEPS: usize = 100_000;

impl Core {
    /// The object a downtime or comment names, if it still exists.
    pub(crate) fn obj_named(&self, host: &str, service: Option<&str>) -> Option<ObjRef> {
        match service {
            None => self.model.find_host(host).map(ObjRef::Host),
            Some(s) => self.model.find_service(host, s).map(ObjRef::Service),
        }
    }

    fn downtime_obj(&self, d: &Downtime) -> Option<ObjRef> {
        self.obj_named(&d.host_name, d.service_description.as_deref())
    }

    /// `SCHEDULE_*_DOWNTIME` for one object. `Ok(None)`: ignored silently, as Nagios
    /// does (window over or empty, unknown trigger); `Err`: the command fails (a
    /// flexible downtime without duration).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn schedule_downtime(
        &mut self,
        obj: ObjRef,
        entry_time: i64,
        start: i64,
        end: i64,
        fixed: bool,
        triggered_by: u64,
        duration: u64,
        author: &str,
        comment: &str,
        now: Time,
    ) -> Result<Option<u64>, Failure> {
        if !fixed && duration == 0 {
            return Err("a flexible downtime needs a duration".into());
        }
        if start >= end || (end as f64) <= now {
            return Ok(None);
        }
        if triggered_by != 0 && self.books.downtime(triggered_by).is_none() {
            return Ok(None);
        }
        let id = self.program.counters.take_downtime_id();
        self.dirty.mark_program();
        let name = self.obj_name(obj);
        let comment_id = self.add_downtime_comment(obj, start, end, fixed, duration, author, now);
        let d = Downtime {
            id,
            host_name: name.host().to_string(),
            service_description: name.service().map(str::to_string),
            comment_id,
            entry_time,
            start_time: start,
            flex_downtime_start: 0,
            end_time: end,
            triggered_by,
            fixed,
            duration,
            is_in_effect: false,
            start_notification_sent: false,
            author: author.to_string(),
            comment: comment.to_string(),
            incremented_pending: !fixed,
        };
        if !fixed {
            with_status!(self, obj, |mut st| st.notify.pending_flex_downtime += 1);
        }
        // Started (when due) by the caller once every downtime of the command is
        // in: a propagated child's downtime must exist when its trigger starts.
        self.books_mut().add_downtime(d);
        Ok(Some(id))
    }

    /// The comment a downtime comes with (Nagios's `register_downtime()`); its id.
    #[allow(clippy::too_many_arguments)]
    fn add_downtime_comment(
        &mut self,
        obj: ObjRef,
        start: i64,
        end: i64,
        fixed: bool,
        duration: u64,
        author: &str,
        now: Time,
    ) -> u64 {
        let word = match obj {
            ObjRef::Host(_) => "host",
            ObjRef::Service(_) => "service",
        };
        let fmt = &self.model.main.date_format;
        let (from, to) = (
            vigil_macros::short_datetime(&self.zone, start, fmt),
            vigil_macros::short_datetime(&self.zone, end, fmt),
        );
        let text = if fixed {
            format!("This {word} has been scheduled for fixed downtime from {from} to {to}.  Notifications for the {word} will not be sent out during that time period.")
        } else {
            let hours = duration / 3600;
            let minutes = (duration - hours * 3600) / 60;
            format!("This {word} has been scheduled for flexible downtime starting between {from} and {to} and lasting for a period of {hours} hours and {minutes} minutes.  Notifications for the {word} will not be sent out during that time period.")
        };
        self.add_comment(
            obj,
            CommentKind::Downtime,
            CommentSource::Internal,
            false,
            now as i64,
            author,
            &text,
        )
    }

    /// Registers the retained downtimes at start-up (Nagios's `register_downtime()`):
    /// each gets its comment again (with a new id, as in Nagios), downtimes in
    /// effect start again (their start time has passed, so at once), triggered ones
    /// wait for their trigger, flexible ones that never started wait for a problem
    /// (and count as pending).
    pub(crate) fn register_downtimes(&mut self, now: Time) {
        if self.books.downtimes.is_empty() {
            return;
        }
        let list: Vec<Downtime> = self.books.downtimes.clone();
        for d in list {
            let Some(obj) = self.downtime_obj(&d) else {
                continue;
            };
            let cid = self.add_downtime_comment(
                obj,
                d.start_time,
                d.end_time,
                d.fixed,
                d.duration,
                &d.author,
                now,
            );
            if let Some(x) = self.books_mut().downtime_mut(d.id) {
                x.comment_id = cid;
            }
        }
        let mut pending = Vec::new();
        for d in &mut self.books_mut().downtimes {
            let was_in_effect = d.is_in_effect;
            d.is_in_effect = false;
            d.incremented_pending = false;
            if !d.fixed && !was_in_effect {
                d.flex_downtime_start = 0;
                d.incremented_pending = true;
                pending.push((d.host_name.clone(), d.service_description.clone()));
            }
        }
        for (h, s) in pending {
            if let Some(obj) = self.obj_named(&h, s.as_deref()) {
                with_status!(self, obj, |mut st| st.notify.pending_flex_downtime += 1);
            }
        }
    }

    fn next_timer(&self) -> Option<(Time, Timer)> {
        let mut best: Option<(Time, u8, usize, Timer)> = None;
        for (i, d) in self.books.downtimes.iter().enumerate() {
            let cand = if d.is_in_effect {
                Some((d.effective_end() as f64, 1, Timer::End(d.id)))
            } else if d.triggered_by == 0 && (d.fixed || d.flex_downtime_start != 0) {
                Some((d.start_time as f64, 0, Timer::Start(d.id)))
            } else if !d.fixed && d.incremented_pending {
                Some((d.end_time as f64 + 1.0, 2, Timer::Expire))
            } else {
                None
            };
            if let Some((t, rank, timer)) = cand {
                let better = match best {
                    None => true,
                    Some((bt, br, bi, _)) => (t, rank, i) < (bt, br, bi),
                };
                if better {
                    best = Some((t, rank, i, timer));
                }
            }
        }
        best.map(|(t, _, _, timer)| (t, timer))
    }

    /// When the next downtime starts, ends or expires.
    pub(crate) fn next_downtime_event(&self) -> Option<Time> {
        self.next_timer().map(|(t, _)| t)
    }

    /// Runs every downtime timer due at `now`, in time order.
    pub(crate) fn run_downtime_events(&mut self, now: Time) {
        for _ in 0..MAX_STEPS {
            match self.next_timer() {
                Some((t, timer)) if t <= now => match timer {
                    Timer::Start(id) | Timer::End(id) => self.handle_downtime(id, now, 0),
                    Timer::Expire => self.expire_downtimes(now),
                },
                _ => return,
            }
        }
    }

    /// Nagios's `handle_scheduled_downtime()`: starts a downtime not in effect,
    /// ends one in effect.
    fn handle_downtime(&mut self, id: u64, now: Time, depth: usize) {
        let Some(d) = self.books.downtime(id).cloned() else {
            return;
        };
        let Some(obj) = self.downtime_obj(&d) else {
            self.delete_downtime(id);
            return;
        };
        if depth > 64 {
            self.delete_downtime(id);
            return;
        }
        let name = self.obj_name(obj);
        if d.is_in_effect {
            let left = with_status!(self, obj, |mut st| {
                st.notify.scheduled_downtime_depth =
                    st.notify.scheduled_downtime_depth.saturating_sub(1);
                if !d.fixed && d.incremented_pending {
                    st.notify.pending_flex_downtime =
                        st.notify.pending_flex_downtime.saturating_sub(1);
                }
                st.notify.scheduled_downtime_depth
            });
            self.dirty.mark(obj);
            if left == 0 {
                self.emit(Event::DowntimeAlert {
                    obj: name,
                    change: DowntimeChange::Stopped,
                });
                self.notify(
                    obj,
                    Request::with_text(NotificationType::DowntimeEnd, &d.author, &d.comment),
                    now,
                );
            }
            // Downtimes triggered by this one are handled until none is left: one
            // not in effect starts (and is found again, then ends).
            for _ in 0..MAX_STEPS {
                let next = self
                    .books
                    .downtimes
                    .iter()
                    .find(|x| x.triggered_by == id && x.id != id)
                    .map(|x| x.id);
                match next {
                    Some(t) => self.handle_downtime(t, now, depth + 1),
                    None => break,
                }
            }
            self.delete_downtime(id);
        } else {
            let current = with_status!(self, obj, |st| st.notify.scheduled_downtime_depth);
            if current == 0 {
                self.emit(Event::DowntimeAlert {
                    obj: name,
                    change: DowntimeChange::Started,
                });
                if !d.start_notification_sent {
                    self.notify(
                        obj,
                        Request::with_text(NotificationType::DowntimeStart, &d.author, &d.comment),
                        now,
                    );
                    if let Some(x) = self.books_mut().downtime_mut(id) {
                        x.start_notification_sent = true;
                    }
                }
            }
            with_status!(self, obj, |mut st| st.notify.scheduled_downtime_depth += 1);
            self.dirty.mark(obj);
            if let Some(x) = self.books_mut().downtime_mut(id) {
                x.is_in_effect = true;
            }
            let triggered: Vec<u64> = self
                .books
                .downtimes
                .iter()
                .filter(|x| x.triggered_by == id && x.id != id)
                .map(|x| x.id)
                .collect();
            for t in triggered {
                self.handle_downtime(t, now, depth + 1);
            }
        }
    }

    /// Removes the flexible downtimes that never started and whose window is over
    /// (Nagios's `check_for_expired_downtime()`): each sends DOWNTIMEEND, without a
    /// `DOWNTIME ALERT` line.
    fn expire_downtimes(&mut self, now: Time) {
        let expired: Vec<Downtime> = self
            .books
            .downtimes
            .iter()
            .filter(|d| !d.is_in_effect && (d.end_time as f64) <= now)
            .cloned()
            .collect();
        for d in expired {
            if let Some(obj) = self.downtime_obj(&d) {
                self.notify(
                    obj,
                    Request::with_text(NotificationType::DowntimeEnd, &d.author, &d.comment),
                    now,
                );
                if !d.fixed && d.incremented_pending {
                    with_status!(self, obj, |mut st| st.notify.pending_flex_downtime =
                        st.notify.pending_flex_downtime.saturating_sub(1));
                    self.dirty.mark(obj);
                }
            }
            self.delete_downtime(d.id);
        }
    }

    /// Deletes a downtime and its comment.
    fn delete_downtime(&mut self, id: u64) {
        if let Some(d) = self.books_mut().remove_downtime(id) {
            if d.comment_id != 0 {
                self.books_mut().remove_comment(d.comment_id);
            }
        }
    }

    /// `DEL_*_DOWNTIME` (Nagios's `unschedule_downtime()`): one in effect logs
    /// `CANCELLED` and sends DOWNTIMECANCELLED (without author and comment) when the
    /// depth drops to 0; downtimes it triggers are cancelled too. `host`: only a
    /// host downtime (true) or only a service downtime (false). False when there is
    /// no such downtime.
    pub(crate) fn unschedule_downtime(&mut self, id: u64, host: Option<bool>, now: Time) -> bool {
        let Some(d) = self.books.downtime(id).cloned() else {
            return false;
        };
        if host.is_some_and(|h| h != d.service_description.is_none()) {
            return false;
        }
        self.cancel_downtime(d, now, 0);
        true
    }

    fn cancel_downtime(&mut self, d: Downtime, now: Time, depth: usize) {
        if let Some(obj) = self.downtime_obj(&d) {
            let left = with_status!(self, obj, |mut st| {
                if !d.fixed && d.incremented_pending {
                    st.notify.pending_flex_downtime =
                        st.notify.pending_flex_downtime.saturating_sub(1);
                }
                if d.is_in_effect {
                    st.notify.scheduled_downtime_depth =
                        st.notify.scheduled_downtime_depth.saturating_sub(1);
                }
                st.notify.scheduled_downtime_depth
            });
            self.dirty.mark(obj);
            if d.is_in_effect && left == 0 {
                let name = self.obj_name(obj);
                self.emit(Event::DowntimeAlert {
                    obj: name,
                    change: DowntimeChange::Cancelled,
                });
                self.notify(obj, Request::of(NotificationType::DowntimeCancelled), now);
            }
        }
        self.delete_downtime(d.id);
        if depth > 64 {
            return;
        }
        for _ in 0..MAX_STEPS {
            let next = self
                .books
                .downtimes
                .iter()
                .find(|x| x.triggered_by == d.id)
                .cloned();
            match next {
                Some(t) => self.cancel_downtime(t, now, depth + 1),
                None => break,
            }
        }
    }

    /// A result left `obj` in a problem state after a state (or state type)
    /// change: its flexible downtimes waiting inside their window start now
    /// (Nagios's `check_pending_flex_*_downtime()`).
    pub(crate) fn check_pending_flex_downtime(&mut self, obj: ObjRef, now: Time) {
        if with_status!(self, obj, |st| st.current_state.is_ok()
            || st.notify.pending_flex_downtime == 0)
        {
            return;
        }
        let name = self.obj_name(obj);
        let t = now as i64;
        let due: Vec<u64> = self
            .books
            .downtimes_of(name.host(), name.service())
            .filter(|d| {
                !d.fixed
                    && !d.is_in_effect
                    && d.triggered_by == 0
                    && d.start_time <= t
                    && t <= d.end_time
            })
            .map(|d| d.id)
            .collect();
        for id in due {
            if let Some(d) = self.books_mut().downtime_mut(id) {
                d.flex_downtime_start = t;
            }
            self.handle_downtime(id, now, 0);
        }
    }

    /// The downtimes a `DEL_DOWNTIME_BY_*` filter selects, in list order.
    pub(crate) fn downtimes_matching(
        &self,
        hosts: Option<&[vigil_config::HostId]>,
        service: Option<&str>,
        start: Option<i64>,
        comment: Option<&str>,
    ) -> Vec<u64> {
        self.books
            .downtimes
            .iter()
            .filter(|d| {
                let host_ok = hosts.is_none_or(|hs| {
                    self.model
                        .find_host(&d.host_name)
                        .is_some_and(|h| hs.contains(&h))
                });
                let svc_ok = service.is_none_or(|s| d.service_description.as_deref() == Some(s));
                let start_ok = start.is_none_or(|s| s == 0 || d.start_time == s);
                let comment_ok = comment.is_none_or(|c| d.comment == c);
                host_ok && svc_ok && start_ok && comment_ok
            })
            .map(|d| d.id)
            .collect()
    }
}
