//! Where a core's state comes from besides its configuration: retention.dat (with
//! the state journal already folded in) at start-up, or the previous generation's
//! core at a reload — statuses, program state and the jobs still in flight carried
//! over by object name.

use vigil_config::Model;
use vigil_events::{Event, ProgramEvent};
use vigil_retention::Retention;
use vigil_state::Time;

use crate::core::Core;
use crate::jobs::InFlight;
use crate::ObjRef;

impl Core {
    /// Applies retained state at start-up, with Nagios's restore rules
    /// (`vigil_retention::apply`); what was ignored is reported as warnings.
    pub fn restore(&mut self, ret: &Retention, now: Time) {
        self.input_time = now;
        let use_program = self.model.main.use_retained_program_state;
        let model = self.model.clone();
        // In place: no snapshot shares the statuses yet, so nothing is copied.
        let notes = vigil_retention::apply(
            ret,
            &model,
            &mut self.program,
            self.hosts.as_mut_shared(),
            self.services.as_mut_shared(),
            use_program,
            now as i64,
        );
        // Comments and downtimes with Nagios's start-up rules; the downtimes are
        // registered (and those due started) by `start`.
        let (books, book_notes) = vigil_retention::restore_books(
            ret,
            |h, s| self.obj_named(h, s).is_some(),
            |h, s| {
                self.obj_named(h, s).is_some_and(|o| {
                    crate::core::with_status!(self, o, |st| st.notify.acknowledged)
                })
            },
        );
        self.books = std::sync::Arc::new(books);
        self.reshare();
        self.contacts =
            vigil_retention::contacts_of(ret, &vigil_retention::ConfigView::from_model(&model));
        for text in notes.into_iter().chain(book_notes) {
            self.emit(Event::Program(ProgramEvent::Problem { error: false, text }));
        }
    }

    /// After a reload (SIGHUP, `RESTART_PROGRAM`): takes over the statuses of the
    /// objects that still exist, the program state, and the jobs in flight, so their
    /// results land on the same objects (by name) and no second check of them starts.
    pub fn carry_over(&mut self, mut old: Core, now: Time) {
        self.input_time = now;
        let model = self.model.clone();
        for (i, h) in model.hosts.iter().enumerate() {
            if let Some(oid) = old.model.find_host(&h.name) {
                self.hosts
                    .set_shared(i, old.hosts.as_shared()[oid.idx()].clone());
            }
        }
        for (i, s) in model.services.iter().enumerate() {
            if let Some(oid) = old
                .model
                .find_service(&model.host(s.host).name, &s.description)
            {
                self.services
                    .set_shared(i, old.services.as_shared()[oid.idx()].clone());
            }
        }
        let start = self.program.program_start;
        self.program = old.program.clone();
        self.program.program_start = start;
        // Comments and downtimes of objects that are gone go with them; the others
        // follow the start-up rules, as Nagios reads them back at a restart:
        // persistent comments stay, an acknowledgement's while acknowledged, a
        // downtime's is made again when `start` registers its downtime.
        let mut books = (*old.books).clone();
        books.comments.retain(|c| {
            let Some(obj) = self.obj_named(&c.host_name, c.service_description.as_deref()) else {
                return false;
            };
            c.persistent
                || (c.kind == vigil_state::CommentKind::Acknowledgement
                    && crate::core::with_status!(self, obj, |st| st.notify.acknowledged))
        });
        books.downtimes.retain(|d| {
            self.obj_named(&d.host_name, d.service_description.as_deref())
                .is_some()
        });
        self.books = std::sync::Arc::new(books);
        for (i, c) in model.contacts.iter().enumerate() {
            if let (Some(oid), Some(slot)) = (
                old.model.index.contacts.get(c.name.as_str()),
                self.contacts.get_mut(i),
            ) {
                if let Some(st) = old.contacts.get(oid.idx()) {
                    *slot = st.clone();
                }
            }
        }
        // Downtimes are registered again by `start` (and those in effect started
        // again, as a Nagios restart does): their depth counts start from 0.
        // Run-time notification and check periods come back as names only, as Nagios reads
        // them back from retention.dat (see `PeriodChange`).
        let tps = &model.index.timeperiods;
        // Only the statuses that change are written: a write copies a status the
        // previous generation still shares, and its shared switches.
        for i in 0..self.hosts.len() {
            if needs_reread(&self.hosts[i]) {
                reread_status(&mut self.hosts[i], tps);
            }
        }
        for i in 0..self.services.len() {
            if needs_reread(&self.services[i]) {
                reread_status(&mut self.services[i], tps);
            }
        }
        for c in self.contacts.iter_mut() {
            reread_period(
                &mut c.host_notification_period,
                &mut c.modified_host_attributes,
                NOTIFY,
                tps,
            );
            reread_period(
                &mut c.service_notification_period,
                &mut c.modified_service_attributes,
                NOTIFY,
                tps,
            );
        }
        // The old generation stopped just now (Nagios's last_program_stop on a restart).
        self.last_program_stop = now;
        let (from, to) = (old.model.clone(), model.clone());
        let remedy = std::mem::take(&mut old.remedy);
        self.remedy.carry_over(remedy, |o| map_obj(&from, &to, o));
        let mut jobs = old.jobs.take();
        for (_, job) in jobs.iter_mut() {
            if let InFlight::Check { obj, .. } = job {
                *obj = obj.and_then(|o| map_obj(&old.model, &model, o));
                if let Some(new) = *obj {
                    self.rt_mut(new).executing = true;
                    self.running_checks += 1;
                }
            }
        }
        self.jobs = jobs;
    }
}

const NOTIFY: vigil_state::ModAttr = vigil_state::ModAttr::NOTIFICATION_TIMEPERIOD;
const CHECK: vigil_state::ModAttr = vigil_state::ModAttr::CHECK_TIMEPERIOD;

impl Core {
    /// After retention was applied: objects whose switches and notification facts
    /// came back equal share them again (`Core::new` shares them; restoring writes
    /// every object's). At most 64 distinct values of each are pooled.
    fn reshare(&mut self) {
        let mut attrs = Vec::new();
        let mut notify = Vec::new();
        for i in 0..self.hosts.len() {
            let st = &mut self.hosts[i];
            intern(&mut attrs, &mut st.attrs);
            intern(&mut notify, &mut st.notify);
        }
        for i in 0..self.services.len() {
            let st = &mut self.services[i];
            intern(&mut attrs, &mut st.attrs);
            intern(&mut notify, &mut st.notify);
        }
    }
}

/// Points `v` at an equal value of `pool`, or adds it to the pool (up to 64).
fn intern<T: PartialEq>(pool: &mut Vec<vigil_state::Shared<T>>, v: &mut vigil_state::Shared<T>) {
    match pool.iter().find(|p| **p == *v) {
        Some(p) if !vigil_state::Shared::ptr_eq(p, v) => *v = p.clone(),
        Some(_) => {}
        None if pool.len() < 64 => pool.push(v.clone()),
        None => {}
    }
}

/// Whether a status taken over at a reload has downtime counts or run-time periods
/// that [`reread_status`] must reset.
fn needs_reread<S: vigil_state::ObjectState>(st: &vigil_state::Status<S>) -> bool {
    st.notify.scheduled_downtime_depth != 0
        || st.notify.pending_flex_downtime != 0
        || st.attrs.notification_period.is_some()
        || st.attrs.check_period.is_some()
}

/// Downtime depths from 0 (`start` registers the downtimes again); run-time periods
/// as names only, as after a restart.
fn reread_status<S: vigil_state::ObjectState, K, V, H>(
    st: &mut vigil_state::Status<S>,
    timeperiods: &std::collections::HashMap<K, V, H>,
) where
    K: std::borrow::Borrow<str> + Eq + std::hash::Hash,
    H: std::hash::BuildHasher,
{
    if st.notify.scheduled_downtime_depth != 0 || st.notify.pending_flex_downtime != 0 {
        st.notify.scheduled_downtime_depth = 0;
        st.notify.pending_flex_downtime = 0;
    }
    if st.attrs.notification_period.is_some() || st.attrs.check_period.is_some() {
        let a = &mut *st.attrs;
        reread_period(
            &mut a.notification_period,
            &mut a.modified,
            NOTIFY,
            timeperiods,
        );
        reread_period(&mut a.check_period, &mut a.modified, CHECK, timeperiods);
    }
}

/// A run-time notification or check period as a restart reads it back: shown, not
/// in effect; gone (with its modified bit `bit`) when the timeperiod no longer
/// exists.
fn reread_period<K, V, S>(
    p: &mut Option<vigil_state::PeriodChange>,
    modified: &mut vigil_state::ModAttr,
    bit: vigil_state::ModAttr,
    timeperiods: &std::collections::HashMap<K, V, S>,
) where
    K: std::borrow::Borrow<str> + Eq + std::hash::Hash,
    S: std::hash::BuildHasher,
{
    if let Some(c) = p {
        if timeperiods.contains_key(c.name.as_str()) {
            c.in_effect = false;
        } else {
            *p = None;
            modified.remove(bit);
        }
    }
}

/// The object of `to` with the same name as `obj` in `from`.
fn map_obj(from: &Model, to: &Model, obj: ObjRef) -> Option<ObjRef> {
    match obj {
        ObjRef::Host(h) => {
            let name = &from.hosts.get(h.idx())?.name;
            to.find_host(name).map(ObjRef::Host)
        }
        ObjRef::Service(s) => {
            let svc = from.services.get(s.idx())?;
            let host = &from.hosts.get(svc.host.idx())?.name;
            to.find_service(host, &svc.description).map(ObjRef::Service)
        }
    }
}
