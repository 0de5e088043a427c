//! The timing queue: when each host and service check is due next. A binary heap of
//! (time, object) with a generation number per object, so rescheduling an object is
//! O(log n) and simply makes its older entries stale.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::ObjRef;

#[derive(Debug, Clone, Copy)]
struct Entry {
    at: f64,
    seq: u64,
    obj: ObjRef,
    gen: u32,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    // Reversed: the heap's max is the earliest entry.
    fn cmp(&self, o: &Self) -> Ordering {
        o.at.total_cmp(&self.at).then(o.seq.cmp(&self.seq))
    }
}

/// Due times of checks. At most one live entry per object.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    heap: BinaryHeap<Entry>,
    host_gen: Vec<u32>,
    svc_gen: Vec<u32>,
    /// Due time of the live entry, NaN when none.
    host_at: Vec<f64>,
    svc_at: Vec<f64>,
    seq: u64,
}

impl Schedule {
    pub fn new(hosts: usize, services: usize) -> Self {
        Schedule {
            heap: BinaryHeap::with_capacity(hosts + services),
            host_gen: vec![0; hosts],
            svc_gen: vec![0; services],
            host_at: vec![f64::NAN; hosts],
            svc_at: vec![f64::NAN; services],
            seq: 0,
        }
    }

    fn slot(&mut self, obj: ObjRef) -> (&mut u32, &mut f64) {
        match obj {
            ObjRef::Host(h) => (&mut self.host_gen[h.idx()], &mut self.host_at[h.idx()]),
            ObjRef::Service(s) => (&mut self.svc_gen[s.idx()], &mut self.svc_at[s.idx()]),
        }
    }

    /// Schedules `obj` at `at`, replacing any earlier schedule of it.
    pub fn set(&mut self, obj: ObjRef, at: f64) {
        let (gen, due) = self.slot(obj);
        *gen = gen.wrapping_add(1);
        *due = at;
        let gen = *gen;
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            obj,
            gen,
        });
    }

    /// Removes the schedule of `obj`.
    pub fn cancel(&mut self, obj: ObjRef) {
        let (gen, due) = self.slot(obj);
        *gen = gen.wrapping_add(1);
        *due = f64::NAN;
    }

    /// When `obj` is due, if it is scheduled.
    pub fn due(&self, obj: ObjRef) -> Option<f64> {
        let t = match obj {
            ObjRef::Host(h) => self.host_at[h.idx()],
            ObjRef::Service(s) => self.svc_at[s.idx()],
        };
        (!t.is_nan()).then_some(t)
    }

    fn live(&self, e: &Entry) -> bool {
        match e.obj {
            ObjRef::Host(h) => self.host_gen[h.idx()] == e.gen,
            ObjRef::Service(s) => self.svc_gen[s.idx()] == e.gen,
        }
    }

    /// The earliest live due time.
    pub fn next_time(&mut self) -> Option<f64> {
        while let Some(e) = self.heap.peek() {
            if self.live(e) {
                return Some(e.at);
            }
            self.heap.pop();
        }
        None
    }

    /// Takes the next object due at or before `now`.
    pub fn pop_due(&mut self, now: f64) -> Option<(ObjRef, f64)> {
        let at = self.next_time()?;
        if at > now {
            return None;
        }
        let e = self.heap.pop()?;
        let (_, due) = self.slot(e.obj);
        *due = f64::NAN;
        Some((e.obj, e.at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_config::{HostId, ServiceId};

    #[test]
    fn earliest_first_and_reschedule_replaces() {
        let mut s = Schedule::new(2, 2);
        s.set(ObjRef::Service(ServiceId(0)), 10.0);
        s.set(ObjRef::Service(ServiceId(1)), 5.0);
        s.set(ObjRef::Host(HostId(0)), 7.0);
        s.set(ObjRef::Service(ServiceId(1)), 12.0); // replaces 5.0
        assert_eq!(s.next_time(), Some(7.0));
        assert_eq!(s.pop_due(6.0), None);
        assert_eq!(s.pop_due(20.0), Some((ObjRef::Host(HostId(0)), 7.0)));
        assert_eq!(s.pop_due(20.0), Some((ObjRef::Service(ServiceId(0)), 10.0)));
        assert_eq!(s.pop_due(20.0), Some((ObjRef::Service(ServiceId(1)), 12.0)));
        assert_eq!(s.pop_due(20.0), None);
    }

    #[test]
    fn cancel_removes() {
        let mut s = Schedule::new(1, 1);
        s.set(ObjRef::Host(HostId(0)), 1.0);
        s.cancel(ObjRef::Host(HostId(0)));
        assert_eq!(s.pop_due(5.0), None);
        assert_eq!(s.due(ObjRef::Host(HostId(0))), None);
    }
}
