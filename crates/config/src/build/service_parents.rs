//! Service parents (Nagios 4): a `parents` value without a comma names one
//! service on the same host; with commas it is a list of `host,service`
//! pairs. Unknown parents, a service that is its own parent and an odd list
//! are errors (checked with `nagios4 -v`); parent cycles are reported like
//! host parent cycles.

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    /// Resolves the `parents` of every service that has one.
    pub(super) fn service_parents(&mut self) {
        let pending = std::mem::take(&mut self.pending_service_parents);
        for (sid, raw) in pending {
            let r = self.res.view(Kind::Service, raw);
            let Some(v) = r.get(K::Parents) else { continue };
            let l = self.obj_loc(&r);
            let svc = &self.m.services[sid.idx()];
            let host = svc.host;
            let who = format!(
                "service '{}' on host '{}'",
                svc.description,
                self.m.hosts[host.idx()].name
            );
            let items: Vec<&str> = list(v).collect();
            let mut wanted: Vec<(HostId, &str)> = Vec::new();
            if !v.contains(',') {
                wanted.extend(items.first().map(|d| (host, *d)));
            } else {
                if items.len() % 2 == 1 {
                    self.err(
                        &l,
                        format!("{who}: service description missing from parents list '{v}'"),
                    );
                }
                for pair in items.chunks_exact(2) {
                    match self.m.index.hosts.get(pair[0]) {
                        Some(&h) => wanted.push((h, pair[1])),
                        None => self.err(
                            &l,
                            format!(
                                "{who}: parent service '{};{}' is not defined (no such host)",
                                pair[0], pair[1]
                            ),
                        ),
                    }
                }
            }
            let mut parents = Vec::with_capacity(wanted.len());
            for (h, d) in wanted {
                let found = self.m.index.services.get(&(h, Str::from(d))).copied();
                match found {
                    Some(p) if p == sid => {
                        self.err(&l, format!("{who}: cannot be a parent of itself"))
                    }
                    Some(p) => {
                        if !parents.contains(&p) {
                            parents.push(p);
                        }
                    }
                    None => {
                        let hn = self.m.hosts[h.idx()].name.clone();
                        self.err(
                            &l,
                            format!("{who}: parent service '{hn};{d}' is not defined"),
                        );
                    }
                }
            }
            self.m.services[sid.idx()].parents = parents;
        }
    }
}
