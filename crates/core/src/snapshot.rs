//! [`Snapshot`]: every status, the program state and the jobs in flight as of one
//! instant, frozen for readers on other threads (status.dat and retention.dat
//! writers, Livestatus, the web UI). Taking one costs one `Arc` clone per object
//! ([`crate::store::CowVec`]); the core goes on mutating, and only objects changed
//! while a snapshot is alive are copied.

use std::sync::Arc;

use vigil_config::{HostId, Model, ServiceId};
use vigil_state::{HostStatus, ProgramState, ServiceStatus, Time};

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

    /// Program-wide state.
    pub fn program(&self) -> &ProgramState {
        &self.program
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
        }
    }
}
