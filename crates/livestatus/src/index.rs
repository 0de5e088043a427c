//! Orders and derived lists of a [`Model`], computed once per configuration.
//!
//! Livestatus shows Nagios's internal lists, and Nagios builds most of them by
//! prepending while it registers objects in name order. The reference therefore
//! shows, for example, a host's `services` in descending description order, its
//! `groups` in descending group name order, its `childs` in descending host name
//! order and its `parents` in reverse directive order. Rows of the big tables are
//! sorted (hosts by name, services by host name then description, groups by name).
//! All of that is computed here once, so queries only walk slices.

use crate::cxxorder::unordered_order;
use vigil_config::{
    CommandId, ContactId, ContactgroupId, HostId, HostgroupId, Model, ServiceId, ServicegroupId,
    TimeperiodId,
};

/// Orders and lists derived from a [`Model`]; build with [`Indexes::build`].
#[derive(Debug, Clone, Default)]
pub struct Indexes {
    /// Hosts sorted by name.
    pub hosts: Vec<HostId>,
    /// Services sorted by host name, then description.
    pub services: Vec<ServiceId>,
    /// Host groups / service groups / contacts / contact groups / commands /
    /// timeperiods sorted by name.
    pub hostgroups: Vec<HostgroupId>,
    /// See `hostgroups`.
    pub servicegroups: Vec<ServicegroupId>,
    /// See `hostgroups`.
    pub contacts: Vec<ContactId>,
    /// See `hostgroups`.
    pub contactgroups: Vec<ContactgroupId>,
    /// See `hostgroups`.
    pub commands: Vec<CommandId>,
    /// See `hostgroups`.
    pub timeperiods: Vec<TimeperiodId>,
    /// Per host: its services in Livestatus order (descending description).
    pub host_services: Vec<Vec<ServiceId>>,
    /// Per host: its parents in reverse directive order.
    pub host_parents: Vec<Vec<HostId>>,
    /// Per host: its children in descending name order.
    pub host_childs: Vec<Vec<HostId>>,
    /// Per host: its host groups in descending name order.
    pub host_groups: Vec<Vec<HostgroupId>>,
    /// Per service: its service groups in descending name order.
    pub service_groups: Vec<Vec<ServicegroupId>>,
    /// Per host group: members sorted by name.
    pub hostgroup_members: Vec<Vec<HostId>>,
    /// Per service group: members sorted by host name, then description.
    pub servicegroup_members: Vec<Vec<ServiceId>>,
    /// Per contact group: members in descending name order.
    pub contactgroup_members: Vec<Vec<ContactId>>,
    /// Per host: contact groups in reverse directive order.
    pub host_contact_groups: Vec<Vec<ContactgroupId>>,
    /// Per service: contact groups in reverse directive order.
    pub service_contact_groups: Vec<Vec<ContactgroupId>>,
    /// Per host: every contact (direct and through groups), in the reference's order.
    pub host_contacts: Vec<Vec<ContactId>>,
    /// Per service: every contact (direct and through groups).
    pub service_contacts: Vec<Vec<ContactId>>,
    /// Per host: positions in `custom_vars` in the order of the `custom_variables`
    /// dictionary.
    pub host_cv_dict: Vec<Vec<usize>>,
    /// Per service: see `host_cv_dict`.
    pub service_cv_dict: Vec<Vec<usize>>,
    /// Per contact: see `host_cv_dict`.
    pub contact_cv_dict: Vec<Vec<usize>>,
    /// Per contact: the hosts whose contact it is (directly or through a group).
    pub contact_hosts: Vec<Vec<HostId>>,
    /// Per contact: the services whose contact it is (directly or through a group).
    pub contact_services: Vec<Vec<ServiceId>>,
}

fn ids<T>(n: usize, f: impl Fn(u32) -> T) -> Vec<T> {
    (0..n as u32).map(f).collect()
}

fn all_contacts(
    m: &Model,
    ix_cg_members: &[Vec<ContactId>],
    direct: &[ContactId],
    groups: &[ContactgroupId],
) -> Vec<ContactId> {
    // Insertion order of the reference: the direct contacts (Nagios list order:
    // reverse directive order), then each contact group's members.
    let mut ins: Vec<ContactId> = direct.iter().rev().copied().collect();
    for g in groups {
        if let Some(ms) = ix_cg_members.get(g.idx()) {
            ins.extend(ms.iter().copied());
        }
    }
    let names: Vec<&str> = ins
        .iter()
        .map(|c| {
            m.contacts
                .get(c.idx())
                .map(|c| c.name.as_str())
                .unwrap_or("")
        })
        .collect();
    unordered_order(&names)
        .into_iter()
        .filter_map(|i| ins.get(i).copied())
        .collect()
}

fn dict_order(vars: &[(vigil_config::Str, vigil_config::Str)]) -> Vec<usize> {
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    unordered_order(&names)
}

impl Indexes {
    /// Computes every order and list for `m`.
    pub fn build(m: &Model) -> Indexes {
        let hname = |h: &HostId| m.hosts.get(h.idx()).map(|h| h.name.as_str()).unwrap_or("");
        let skey = |s: &ServiceId| {
            m.services
                .get(s.idx())
                .map(|s| (hname(&s.host), s.description.as_str()))
                .unwrap_or(("", ""))
        };
        let mut hosts = ids(m.hosts.len(), HostId);
        hosts.sort_by(|a, b| hname(a).cmp(hname(b)));
        let mut services = ids(m.services.len(), ServiceId);
        services.sort_by(|a, b| skey(a).cmp(&skey(b)));
        let mut hostgroups = ids(m.hostgroups.len(), HostgroupId);
        hostgroups.sort_by(|a, b| m.hostgroups[a.idx()].name.cmp(&m.hostgroups[b.idx()].name));
        let mut servicegroups = ids(m.servicegroups.len(), ServicegroupId);
        servicegroups.sort_by(|a, b| {
            m.servicegroups[a.idx()]
                .name
                .cmp(&m.servicegroups[b.idx()].name)
        });
        let mut contacts = ids(m.contacts.len(), ContactId);
        contacts.sort_by(|a, b| m.contacts[a.idx()].name.cmp(&m.contacts[b.idx()].name));
        let mut contactgroups = ids(m.contactgroups.len(), ContactgroupId);
        contactgroups.sort_by(|a, b| {
            m.contactgroups[a.idx()]
                .name
                .cmp(&m.contactgroups[b.idx()].name)
        });
        let mut commands = ids(m.commands.len(), CommandId);
        commands.sort_by(|a, b| m.commands[a.idx()].name.cmp(&m.commands[b.idx()].name));
        let mut timeperiods = ids(m.timeperiods.len(), TimeperiodId);
        timeperiods.sort_by(|a, b| {
            m.timeperiods[a.idx()]
                .name
                .cmp(&m.timeperiods[b.idx()].name)
        });

        let host_services = m
            .hosts
            .iter()
            .map(|h| {
                let mut v = h.services.clone();
                v.sort_by(|a, b| skey(b).1.cmp(skey(a).1));
                v
            })
            .collect();
        let host_parents = m
            .hosts
            .iter()
            .map(|h| h.parents.iter().rev().copied().collect())
            .collect();
        let host_childs = m
            .hosts
            .iter()
            .map(|h| {
                let mut v = h.children.clone();
                v.sort_by(|a, b| hname(b).cmp(hname(a)));
                v.dedup();
                v
            })
            .collect();
        let mut host_groups: Vec<Vec<HostgroupId>> = vec![Vec::new(); m.hosts.len()];
        let mut hostgroup_members = Vec::with_capacity(m.hostgroups.len());
        for (gi, g) in m.hostgroups.iter().enumerate() {
            let mut mem = g.members.clone();
            mem.sort_by(|a, b| hname(a).cmp(hname(b)));
            mem.dedup();
            for h in &mem {
                if let Some(v) = host_groups.get_mut(h.idx()) {
                    v.push(HostgroupId(gi as u32));
                }
            }
            hostgroup_members.push(mem);
        }
        for v in &mut host_groups {
            v.sort_by(|a, b| m.hostgroups[b.idx()].name.cmp(&m.hostgroups[a.idx()].name));
        }
        let mut service_groups: Vec<Vec<ServicegroupId>> = vec![Vec::new(); m.services.len()];
        let mut servicegroup_members = Vec::with_capacity(m.servicegroups.len());
        for (gi, g) in m.servicegroups.iter().enumerate() {
            let mut mem = g.members.clone();
            mem.sort_by(|a, b| skey(a).cmp(&skey(b)));
            mem.dedup();
            for s in &mem {
                if let Some(v) = service_groups.get_mut(s.idx()) {
                    v.push(ServicegroupId(gi as u32));
                }
            }
            servicegroup_members.push(mem);
        }
        for v in &mut service_groups {
            v.sort_by(|a, b| {
                m.servicegroups[b.idx()]
                    .name
                    .cmp(&m.servicegroups[a.idx()].name)
            });
        }
        let contactgroup_members: Vec<Vec<ContactId>> = m
            .contactgroups
            .iter()
            .map(|g| {
                let mut v = g.members.clone();
                v.sort_by(|a, b| m.contacts[b.idx()].name.cmp(&m.contacts[a.idx()].name));
                v.dedup();
                v
            })
            .collect();
        let host_contact_groups: Vec<Vec<ContactgroupId>> = m
            .hosts
            .iter()
            .map(|h| h.settings.contact_groups.iter().rev().copied().collect())
            .collect();
        let service_contact_groups: Vec<Vec<ContactgroupId>> = m
            .services
            .iter()
            .map(|s| s.settings.contact_groups.iter().rev().copied().collect())
            .collect();
        let host_contacts: Vec<Vec<ContactId>> = m
            .hosts
            .iter()
            .zip(&host_contact_groups)
            .map(|(h, cgs)| all_contacts(m, &contactgroup_members, &h.settings.contacts, cgs))
            .collect();
        let service_contacts: Vec<Vec<ContactId>> = m
            .services
            .iter()
            .zip(&service_contact_groups)
            .map(|(s, cgs)| all_contacts(m, &contactgroup_members, &s.settings.contacts, cgs))
            .collect();
        let mut contact_hosts: Vec<Vec<HostId>> = vec![Vec::new(); m.contacts.len()];
        for (hi, cs) in host_contacts.iter().enumerate() {
            for c in cs {
                if let Some(v) = contact_hosts.get_mut(c.idx()) {
                    v.push(HostId(hi as u32));
                }
            }
        }
        let mut contact_services: Vec<Vec<ServiceId>> = vec![Vec::new(); m.contacts.len()];
        for (si, cs) in service_contacts.iter().enumerate() {
            for c in cs {
                if let Some(v) = contact_services.get_mut(c.idx()) {
                    v.push(ServiceId(si as u32));
                }
            }
        }
        Indexes {
            hosts,
            services,
            hostgroups,
            servicegroups,
            contacts,
            contactgroups,
            commands,
            timeperiods,
            host_services,
            host_parents,
            host_childs,
            host_groups,
            service_groups,
            hostgroup_members,
            servicegroup_members,
            contactgroup_members,
            host_contact_groups,
            service_contact_groups,
            host_contacts,
            service_contacts,
            host_cv_dict: m
                .hosts
                .iter()
                .map(|h| dict_order(&h.settings.custom_vars))
                .collect(),
            service_cv_dict: m
                .services
                .iter()
                .map(|s| dict_order(&s.settings.custom_vars))
                .collect(),
            contact_cv_dict: m
                .contacts
                .iter()
                .map(|c| dict_order(&c.custom_vars))
                .collect(),
            contact_hosts,
            contact_services,
        }
    }
}
