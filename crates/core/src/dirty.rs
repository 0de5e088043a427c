//! Which objects' retained state changed since the runner last journalled it: the
//! runner appends exactly these to the write-ahead state journal before it writes
//! the events or starts the processes of the same loop pass (the durability
//! invariant, see ARCHITECTURE.md).

use vigil_state::{ObjectState, StateType, Status};

use crate::ObjRef;

/// The part of a status whose change must reach the state journal before the
/// engine acts on it: state, type, attempt, and what the restore rules derive from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DurableKey {
    current_state: u8,
    state_type: StateType,
    current_attempt: u32,
    last_hard_state: u8,
    has_been_checked: bool,
    is_flapping: bool,
    current_problem_id: u64,
    notification_number: u32,
    acknowledged: bool,
    downtime_depth: u32,
    notified_on: u8,
}

impl DurableKey {
    pub(crate) fn of<S: ObjectState>(st: &Status<S>) -> DurableKey {
        DurableKey {
            current_state: st.current_state.id(),
            state_type: st.state_type,
            current_attempt: st.current_attempt,
            last_hard_state: st.last_hard_state.id(),
            has_been_checked: st.has_been_checked,
            is_flapping: st.is_flapping,
            current_problem_id: st.current_problem_id,
            notification_number: st.notify.current_notification_number,
            acknowledged: st.notify.acknowledged,
            downtime_depth: st.notify.scheduled_downtime_depth,
            notified_on: st.notify.notified_on,
        }
    }
}

/// The changed objects, each once, in the order of their first change.
#[derive(Debug)]
pub(crate) struct Dirty {
    order: Vec<ObjRef>,
    host: Vec<bool>,
    service: Vec<bool>,
    program: bool,
}

impl Dirty {
    pub(crate) fn new(hosts: usize, services: usize) -> Dirty {
        Dirty {
            order: Vec::new(),
            host: vec![false; hosts],
            service: vec![false; services],
            program: false,
        }
    }

    /// Records that an object's retained state changed.
    pub(crate) fn mark(&mut self, obj: ObjRef) {
        let flag = match obj {
            ObjRef::Host(h) => self.host.get_mut(h.idx()),
            ObjRef::Service(s) => self.service.get_mut(s.idx()),
        };
        if let Some(flag) = flag {
            if !*flag {
                *flag = true;
                self.order.push(obj);
            }
        }
    }

    /// Records that a program-wide switch changed.
    pub(crate) fn mark_program(&mut self) {
        self.program = true;
    }

    /// The changed objects and whether program state changed; clears both.
    pub(crate) fn take(&mut self) -> (Vec<ObjRef>, bool) {
        for obj in &self.order {
            match *obj {
                ObjRef::Host(h) => self.host[h.idx()] = false,
                ObjRef::Service(s) => self.service[s.idx()] = false,
            }
        }
        (
            std::mem::take(&mut self.order),
            std::mem::take(&mut self.program),
        )
    }
}
