//! [`Snapshot`]: every status, the program state and the jobs in flight as of one
//! instant, frozen for readers on other threads (status.dat and retention.dat
//! writers, Livestatus, the web UI). Taking one costs one `Arc` clone per object
//! ([`crate::store::CowVec`]); the core goes on mutating, and only objects changed
//! while a snapshot is alive are copied.

use std::sync::Arc;

use vigil_config::{HostId, Model, ServiceId};
use vigil_state::{
    Books, Comment, ContactStatus, Downtime, HostStatus, ProgramState, ServiceStatus, Time,
};

use crate::core::Core;
use crate::ObjRef;

/// A consistent, immutable view of the core.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// When it was taken.
    pub at: Time,
    model: Arc<Model>,
    hosts: Arc<[Arc<HostStatus>]>,
    services: Arc<[Arc<ServiceStatus>]>,
    program: ProgramState,
    executing: Vec<ObjRef>,
    books: Arc<Books>,
    contacts: Arc<[ContactStatus]>,
}

impl Snapshot {
    /// The configuration.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// A host's status.
    pub fn host(&self, h: HostId) -> Option<&HostStatus> {
        self.hosts.get(h.idx()).map(|a| &**a)
    }

    /// A service's status.
    pub fn service(&self, s: ServiceId) -> Option<&ServiceStatus> {
        self.services.get(s.idx()).map(|a| &**a)
    }

    /// Every host's status, by `HostId`.
    pub fn hosts(&self) -> &[Arc<HostStatus>] {
        &self.hosts
    }

    /// Every service's status, by `ServiceId`.
    pub fn services(&self) -> &[Arc<ServiceStatus>] {
        &self.services
    }

    /// The host statuses as shared: the status.dat writer keeps them to know, by
    /// pointer, which statuses a later snapshot still shares (unchanged).
    pub fn hosts_shared(&self) -> &Arc<[Arc<HostStatus>]> {
        &self.hosts
    }

    /// The service statuses as shared (see [`Snapshot::hosts_shared`]).
    pub fn services_shared(&self) -> &Arc<[Arc<ServiceStatus>]> {
        &self.services
    }

    /// Program-wide state.
    pub fn program(&self) -> &ProgramState {
        &self.program
    }

    /// Every comment, in id order (`hostcomment` / `servicecomment` blocks,
    /// Livestatus `comments`).
    pub fn comments(&self) -> &[Comment] {
        &self.books.comments
    }

    /// Every scheduled downtime, in Nagios's list order (by start time)
    /// (`hostdowntime` / `servicedowntime` blocks, Livestatus `downtimes`).
    pub fn downtimes(&self) -> &[Downtime] {
        &self.books.downtimes
    }

    /// Comments and downtimes together.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// The books and contact statuses as the status.dat writer takes them.
    pub fn render_extras(&self) -> vigil_retention::RenderExtras {
        vigil_retention::RenderExtras {
            books: self.books.clone(),
            contacts: self.contacts.clone(),
        }
    }

    /// The comments of one object, in id order.
    pub fn comments_of(&self, obj: ObjRef) -> Vec<&Comment> {
        match self.names(obj) {
            Some((h, s)) => self.books.comments_of(h, s).collect(),
            None => Vec::new(),
        }
    }

    /// The downtimes of one object, in list order.
    pub fn downtimes_of(&self, obj: ObjRef) -> Vec<&Downtime> {
        match self.names(obj) {
            Some((h, s)) => self.books.downtimes_of(h, s).collect(),
            None => Vec::new(),
        }
    }

    fn names(&self, obj: ObjRef) -> Option<(&str, Option<&str>)> {
        match obj {
            ObjRef::Host(h) => Some((self.model.hosts.get(h.idx())?.name.as_str(), None)),
            ObjRef::Service(s) => {
                let svc = self.model.services.get(s.idx())?;
                let host = self.model.hosts.get(svc.host.idx())?;
                Some((host.name.as_str(), Some(&*svc.description)))
            }
        }
    }

    /// Every contact's run-time status (switches, last notification times), by
    /// `ContactId`.
    pub fn contacts(&self) -> &[ContactStatus] {
        &self.contacts
    }

    /// Whether a check of `obj` was running.
    pub fn is_executing(&self, obj: ObjRef) -> bool {
        self.executing.contains(&obj)
    }

    /// Every object whose check was running: hosts, then services, each by id.
    pub fn executing(&self) -> &[ObjRef] {
        &self.executing
    }
}

impl Snapshot {
    /// A core with this snapshot's statuses and program state and nothing
    /// scheduled or running, for questions asked off the loop: "what would run"
    /// ([`Core::fire`] on it starts nothing; its jobs are returned). Statuses are
    /// shared copy-on-write with the snapshot.
    pub fn to_core(&self, zone: vigil_config::zone::Zone, pid: u32) -> Core {
        let mut core = Core::new(self.model.clone(), zone, self.at, pid);
        core.hosts = crate::store::CowVec::from_shared(&self.hosts);
        core.services = crate::store::CowVec::from_shared(&self.services);
        core.program = self.program.clone();
        core
    }
}

impl vigil_macros::Statuses for Snapshot {
    fn host(&self, h: HostId) -> Option<&HostStatus> {
        Snapshot::host(self, h)
    }
    fn service(&self, s: ServiceId) -> Option<&ServiceStatus> {
        Snapshot::service(self, s)
    }
}

impl Core {
    /// Freezes the current state (see the module documentation).
    pub fn snapshot(&self, now: Time) -> Snapshot {
        let executing = self
            .host_rt
            .iter()
            .enumerate()
            .filter(|(_, r)| r.executing)
            .map(|(i, _)| ObjRef::Host(HostId(i as u32)))
            .chain(
                self.svc_rt
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.executing)
                    .map(|(i, _)| ObjRef::Service(ServiceId(i as u32))),
            )
            .collect();
        Snapshot {
            at: now,
            model: self.model.clone(),
            hosts: self.hosts.share(),
            services: self.services.share(),
            program: self.program.clone(),
            executing,
            books: self.books.clone(),
            contacts: self.contacts.clone().into(),
        }
    }
}
