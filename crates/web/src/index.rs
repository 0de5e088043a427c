//! Indexes that keep a page of 100 rows cheap at 100,000 services, built once per
//! published snapshot (lazily, on the web server's threads, by the first request
//! that needs them — never on the loop) and shared by every request of that
//! generation:
//!
//! * service and host ids by state (a state filter walks only those ids);
//! * the problems in display order;
//! * for text filters, one lower-cased blob of `host \t description \t output`
//!   lines searched with `memchr::memmem` (built only when a text query comes).
//!
//! Per configuration ([`GroupIndex`]): the services of each host group and service
//! group.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use vigil_config::{HostId, Model, ServiceId};
use vigil_core::{ObjRef, Snapshot};
use vigil_state::ObjectState;

/// Index of one snapshot.
#[derive(Debug, Default)]
pub struct SnapIndex {
    /// Service ids by state id (0..=3), pending (never checked) at 4; ascending.
    pub services_by_state: [Vec<u32>; 5],
    /// Host ids by state id (0..=2), pending at 3; ascending.
    pub hosts_by_state: [Vec<u32>; 4],
    /// Hosts not UP, then services not OK (checked), in display order.
    pub problems: Vec<ObjRef>,
    text: OnceLock<TextIndex>,
}

fn severity(host: bool, id: u8) -> u8 {
    match (host, id) {
        (true, 1) => 0,
        (true, _) => 1,
        (false, 2) => 2,
        (false, 3) => 3,
        _ => 4,
    }
}

impl SnapIndex {
    /// Builds the state lists and the problem order of `snap`.
    pub fn build(snap: &Snapshot) -> SnapIndex {
        let mut ix = SnapIndex::default();
        let mut probs: Vec<(u8, f64, ObjRef)> = Vec::new();
        for (i, st) in snap.hosts().iter().enumerate() {
            let slot = if st.has_been_checked {
                usize::from(st.current_state.id()).min(2)
            } else {
                3
            };
            if let Some(v) = ix.hosts_by_state.get_mut(slot) {
                v.push(i as u32);
            }
            if st.has_been_checked && !st.current_state.is_ok() {
                probs.push((
                    severity(true, st.current_state.id()),
                    st.last_state_change,
                    ObjRef::Host(HostId(i as u32)),
                ));
            }
        }
        for (i, st) in snap.services().iter().enumerate() {
            let slot = if st.has_been_checked {
                usize::from(st.current_state.id()).min(3)
            } else {
                4
            };
            if let Some(v) = ix.services_by_state.get_mut(slot) {
                v.push(i as u32);
            }
            if st.has_been_checked && !st.current_state.is_ok() {
                probs.push((
                    severity(false, st.current_state.id()),
                    st.last_state_change,
                    ObjRef::Service(ServiceId(i as u32)),
                ));
            }
        }
        probs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        ix.problems = probs.into_iter().map(|p| p.2).collect();
        ix
    }

    /// Ascending ids of the services whose host name, description or output
    /// contains `needle` (ASCII case-insensitive).
    pub fn services_matching(&self, snap: &Snapshot, needle: &str) -> Vec<u32> {
        let t = self.text.get_or_init(|| TextIndex::build(snap));
        t.matching(needle)
    }
}

/// `host \t description \t output \n` per service, lower-cased, with line starts.
#[derive(Debug, Default)]
struct TextIndex {
    blob: Vec<u8>,
    starts: Vec<usize>,
}

impl TextIndex {
    fn build(snap: &Snapshot) -> TextIndex {
        let model = snap.model();
        let mut t = TextIndex::default();
        for (i, svc) in model.services.iter().enumerate() {
            t.starts.push(t.blob.len());
            if let Some(h) = model.hosts.get(svc.host.idx()) {
                t.blob
                    .extend(h.name.bytes().map(|b| b.to_ascii_lowercase()));
            }
            t.blob.push(b'\t');
            t.blob.extend(
                svc.description
                    .as_str()
                    .bytes()
                    .map(|b| b.to_ascii_lowercase()),
            );
            t.blob.push(b'\t');
            if let Some(out) = snap
                .service(ServiceId(i as u32))
                .and_then(|s| s.output.short.as_deref())
            {
                // A tab or newline in the output cannot join two fields.
                t.blob.extend(out.bytes().map(|b| match b {
                    b'\t' | b'\n' => b' ',
                    b => b.to_ascii_lowercase(),
                }));
            }
            t.blob.push(b'\n');
        }
        t
    }

    fn matching(&self, needle: &str) -> Vec<u32> {
        let n: Vec<u8> = needle.bytes().map(|b| b.to_ascii_lowercase()).collect();
        if n.is_empty() {
            return (0..self.starts.len() as u32).collect();
        }
        let mut out: Vec<u32> = Vec::new();
        for pos in memchr::memmem::find_iter(&self.blob, &n) {
            // The line holding the match's first byte; a match across lines
            // (needle with a tab or newline) still belongs to its first line.
            let line = self.starts.partition_point(|&s| s <= pos).saturating_sub(1) as u32;
            if out.last() != Some(&line) {
                out.push(line);
            }
        }
        out
    }
}

/// Services of each group of one configuration.
#[derive(Debug, Default)]
pub struct GroupIndex {
    /// Host group name → ascending service ids of its hosts.
    pub hostgroup_services: HashMap<String, Arc<Vec<u32>>>,
    /// Service group name → ascending service ids.
    pub servicegroup_services: HashMap<String, Arc<Vec<u32>>>,
}

impl GroupIndex {
    /// Builds the index of `model`.
    pub fn build(model: &Model) -> GroupIndex {
        let mut g = GroupIndex::default();
        for hg in &model.hostgroups {
            let mut v: Vec<u32> = hg
                .members
                .iter()
                .filter_map(|h| model.hosts.get(h.idx()))
                .flat_map(|h| h.services.iter().map(|s| s.0))
                .collect();
            v.sort_unstable();
            v.dedup();
            g.hostgroup_services.insert(hg.name.clone(), Arc::new(v));
        }
        for sg in &model.servicegroups {
            let mut v: Vec<u32> = sg.members.iter().map(|s| s.0).collect();
            v.sort_unstable();
            v.dedup();
            g.servicegroup_services.insert(sg.name.clone(), Arc::new(v));
        }
        g
    }

    /// Ascending service ids of the group(s) named `name` (host group and service
    /// group of that name together); `None` when no group has that name.
    pub fn services(&self, name: &str) -> Option<Vec<u32>> {
        match (
            self.hostgroup_services.get(name),
            self.servicegroup_services.get(name),
        ) {
            (None, None) => None,
            (Some(a), None) | (None, Some(a)) => Some(a.to_vec()),
            (Some(a), Some(b)) => Some(union(a, b)),
        }
    }
}

/// The sorted union of two ascending lists.
pub fn union(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                out.push(*x);
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                out.push(*x);
                i += 1;
            }
            (Some(_), Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The sorted intersection of two ascending lists.
pub fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                out.push(*x);
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn set_operations(mut a in proptest::collection::vec(0u32..50, 0..30), mut b in proptest::collection::vec(0u32..50, 0..30)) {
            a.sort_unstable(); a.dedup(); b.sort_unstable(); b.dedup();
            let mut u: Vec<u32> = a.iter().chain(&b).copied().collect();
            u.sort_unstable(); u.dedup();
            prop_assert_eq!(union(&a, &b), u);
            let i: Vec<u32> = a.iter().filter(|x| b.contains(x)).copied().collect();
            prop_assert_eq!(intersect(&a, &b), i);
        }
    }
}
