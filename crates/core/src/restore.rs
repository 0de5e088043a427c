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
        let use_program = self.model.main.use_retained_program_state;
        let model = self.model.clone();
        let (mut hosts, mut services) = (self.hosts.to_vec(), self.services.to_vec());
        let notes = vigil_retention::apply(
            ret,
            &model,
            &mut self.program,
            &mut hosts,
            &mut services,
            use_program,
            now as i64,
        );
        self.hosts = crate::CowVec::from_vec(hosts);
        self.services = crate::CowVec::from_vec(services);
        for text in notes {
            self.emit(Event::Program(ProgramEvent::Problem { error: false, text }));
        }
    }

    /// After a reload (SIGHUP, `RESTART_PROGRAM`): takes over the statuses of the
    /// objects that still exist, the program state, and the jobs in flight, so their
    /// results land on the same objects (by name) and no second check of them starts.
    pub fn carry_over(&mut self, mut old: Core, now: Time) {
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
