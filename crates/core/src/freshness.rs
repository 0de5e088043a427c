//! Freshness checks (spec checks-and-states.md §7), one code path for hosts and
//! services: every `*_freshness_check_interval` each object with `check_freshness`
//! whose latest result is stale ([`vigil_state::freshness`]) gets Nagios's warning
//! ([`Event::Stale`]) and an immediate forced check, run even with active checks
//! disabled.

use vigil_config::{HostId, ServiceId};
use vigil_events::{Event, ObjKind};
use vigil_state::freshness::{freshness, Freshness, FreshnessParams};
use vigil_state::Time;

use crate::core::{with_status, Core};
use crate::ObjRef;

impl Core {
    /// Nagios's `check_service_result_freshness` / `check_host_result_freshness` for
    /// every object of `kind`.
    pub(crate) fn check_freshness_of(&mut self, kind: ObjKind, now: Time) {
        let objs: Vec<ObjRef> = match kind {
            ObjKind::Service => (0..self.services.len() as u32)
                .map(|i| ObjRef::Service(ServiceId(i)))
                .collect(),
            ObjKind::Host => (0..self.hosts.len() as u32)
                .map(|i| ObjRef::Host(HostId(i)))
                .collect(),
        };
        let spread = match kind {
            ObjKind::Service => self.model.main.max_service_check_spread,
            ObjKind::Host => self.model.main.max_host_check_spread,
        } as f64;
        for obj in objs {
            let set = self.settings(obj);
            let rt = self.rt(obj);
            if !set.check_freshness || rt.executing || rt.being_freshened {
                continue;
            }
            let attrs = self.attrs(obj);
            if !attrs.active_checks_enabled && !attrs.passive_checks_enabled {
                continue;
            }
            if !self.in_check_period(obj, now) {
                continue;
            }
            // Services without a regular interval: only an explicit threshold counts.
            if kind == ObjKind::Service
                && self.intervals(obj).0 == 0.0
                && set.freshness_threshold == 0
            {
                continue;
            }
            let p = self.freshness_params(obj, spread);
            let verdict = with_status!(self, obj, |st| freshness(st, &p, now as i64));
            if let Freshness::Stale { by, threshold } = verdict {
                let name = self.obj_name(obj);
                self.emit(Event::Stale {
                    obj: name,
                    by,
                    threshold,
                });
                self.freshen(obj, now);
            }
        }
    }

    fn freshness_params(&self, obj: ObjRef, spread: f64) -> FreshnessParams {
        let (check_interval, retry_interval) = self.intervals(obj);
        FreshnessParams {
            threshold: self.settings(obj).freshness_threshold,
            check_interval,
            retry_interval,
            additional_latency: self.model.main.additional_freshness_latency,
            active_checks_enabled: self.attrs(obj).active_checks_enabled,
            check_spread: spread * self.interval_length(),
            event_start: self.program.program_start as i64,
            last_program_stop: self.last_program_stop as i64,
        }
    }

    /// Forces an immediate check of a stale object (no slot or period limits).
    fn freshen(&mut self, obj: ObjRef, now: Time) {
        self.launch_check(obj, now, now, true);
        if self.rt(obj).executing {
            self.rt_mut(obj).being_freshened = true;
        }
    }
}
