//! The structural checks of `nagios -v`: circular parents, circular
//! dependencies, and "no hosts / services / contacts defined".

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn structure_checks(&mut self) {
        // Circular parents.
        let adj: Vec<Vec<usize>> = self
            .m
            .hosts
            .iter()
            .map(|h| h.parents.iter().map(|p| p.idx()).collect())
            .collect();
        for (a, b) in find_cycles(&adj) {
            let (ha, hb) = (&self.m.hosts[a], &self.m.hosts[b]);
            let msg = format!(
                "the hosts '{}' and '{}' form or lead into a circular parent/child chain",
                ha.name, hb.name
            );
            let l = ha.location.clone();
            self.err(&l, msg);
        }
        // Circular service parents (the graph is built only when there are
        // some: 100,000 empty adjacency lists cost time and memory).
        let adj: Vec<Vec<usize>> = if self.m.services.iter().any(|s| !s.parents.is_empty()) {
            self.m
                .services
                .iter()
                .map(|s| s.parents.iter().map(|p| p.idx()).collect())
                .collect()
        } else {
            Vec::new()
        };
        for (a, b) in find_cycles(&adj) {
            let name = |i: usize| {
                let s = &self.m.services[i];
                format!("{};{}", self.m.hosts[s.host.idx()].name, s.description)
            };
            let msg = format!(
                "the services '{}' and '{}' form or lead into a circular parent/child chain",
                name(a),
                name(b)
            );
            let l = self.m.services[a].location.clone();
            self.err(&l, msg);
        }
        // Circular dependencies, per kind.
        for kind in [DependencyKind::Execution, DependencyKind::Notification] {
            let what = match kind {
                DependencyKind::Execution => "execution",
                DependencyKind::Notification => "notification",
            };
            let mut adj: Vec<Vec<usize>> = vec![Vec::new(); self.m.hosts.len()];
            let mut locs: FxMap<(usize, usize), Location> = FxMap::default();
            for d in self.m.host_dependencies.iter().filter(|d| d.kind == kind) {
                adj[d.dependent_host.idx()].push(d.host.idx());
                locs.entry((d.dependent_host.idx(), d.host.idx()))
                    .or_insert_with(|| d.location.clone());
            }
            for (a, b) in find_cycles(&adj) {
                let l = locs.get(&(a, b)).cloned().unwrap_or_default();
                let msg = format!(
                    "circular {what} dependency detected for hosts '{}' and '{}'",
                    self.m.hosts[a].name, self.m.hosts[b].name
                );
                self.err(&l, msg);
            }
            let any = self.m.service_dependencies.iter().any(|d| d.kind == kind);
            let n = if any { self.m.services.len() } else { 0 };
            let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
            let mut locs: FxMap<(usize, usize), Location> = FxMap::default();
            for d in self
                .m
                .service_dependencies
                .iter()
                .filter(|d| d.kind == kind)
            {
                adj[d.dependent_service.idx()].push(d.service.idx());
                locs.entry((d.dependent_service.idx(), d.service.idx()))
                    .or_insert_with(|| d.location.clone());
            }
            for (a, b) in find_cycles(&adj) {
                let l = locs.get(&(a, b)).cloned().unwrap_or_default();
                let name = |i: usize| {
                    let s = &self.m.services[i];
                    format!("{};{}", self.m.hosts[s.host.idx()].name, s.description)
                };
                let msg = format!(
                    "circular {what} dependency detected for services '{}' and '{}'",
                    name(a),
                    name(b)
                );
                self.err(&l, msg);
            }
        }
        if self.m.hosts.is_empty() {
            self.diags
                .error(None, "there are no hosts defined".to_string());
        }
        if self.m.services.is_empty() {
            self.diags
                .error(None, "there are no services defined".to_string());
        }
        if self.m.contacts.is_empty() {
            self.diags
                .warn(None, "there are no contacts defined".to_string());
        }
    }
}

/// Back edges `(from, to)` of the directed graph `adj`, one per cycle closing
/// edge found by a depth-first search (self-loops included).
pub(crate) fn find_cycles(adj: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let n = adj.len();
    let mut color = vec![0u8; n]; // 0 white, 1 on stack, 2 done
    let mut out = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for s in 0..n {
        if color[s] != 0 {
            continue;
        }
        color[s] = 1;
        stack.push((s, 0));
        while let Some(&mut (u, ref mut i)) = stack.last_mut() {
            if let Some(&v) = adj[u].get(*i) {
                *i += 1;
                if v >= n {
                    continue;
                }
                match color[v] {
                    0 => {
                        color[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => out.push((u, v)),
                    _ => {}
                }
            } else {
                color[u] = 2;
                stack.pop();
            }
        }
    }
    out
}
