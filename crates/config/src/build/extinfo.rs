//! Deprecated `hostextinfo` / `serviceextinfo` merged into hosts and services.

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    /// Merges deprecated hostextinfo / serviceextinfo into hosts and services
    /// (only where the host/service has no value of its own).
    pub(super) fn extinfo(&mut self) {
        for raw in 0..self.parsed.objs[Kind::Hostextinfo.idx()].len() as u32 {
            let r = self.res.view(Kind::Hostextinfo, raw);
            if !Self::registered(&r) {
                continue;
            }
            let l = self.obj_loc(&r);
            let hl = r.get(K::HostName).map(str::to_string);
            let gl = r.get(K::HostgroupName).map(str::to_string);
            if hl.is_none() && gl.is_none() {
                continue;
            }
            let ex = self.expand_hosts(hl.as_deref(), gl.as_deref(), &l, "hostextinfo");
            let who = "hostextinfo";
            let c2 = self.coords(&r, K::Coords2d, who);
            let c3 = self.coords(&r, K::Coords3d, who);
            for (h, _) in ex.hosts {
                let host = &mut self.m.hosts[h.idx()];
                merge_ext(&r, &mut host.settings);
                let m = &mut host.map;
                let fill = |dst: &mut Option<String>, k: K| {
                    if dst.is_none() {
                        *dst = r.get(k).map(str::to_string);
                    }
                };
                fill(&mut m.vrml_image, K::VrmlImage);
                fill(&mut m.statusmap_image, K::StatusmapImage);
                if m.coords_2d.is_none() {
                    m.coords_2d = c2.map(|v| (v[0] as i64, v[1] as i64));
                }
                if m.coords_3d.is_none() {
                    m.coords_3d = c3.map(|v| (v[0], v[1], v[2]));
                }
            }
        }
        for raw in 0..self.parsed.objs[Kind::Serviceextinfo.idx()].len() as u32 {
            let r = self.res.view(Kind::Serviceextinfo, raw);
            if !Self::registered(&r) || r.get(K::ServiceDescription).is_none() {
                continue;
            }
            let l = self.obj_loc(&r);
            let (svcs, _) = self.expand_services(
                &r,
                (K::HostName, K::HostgroupName, K::ServiceDescription, None),
                &l,
                "serviceextinfo",
            );
            for s in svcs {
                merge_ext(
                    &r,
                    std::sync::Arc::make_mut(&mut self.m.services[s.idx()].settings),
                );
            }
        }
    }
}

pub(super) fn merge_ext(r: &Resolved, s: &mut CheckSettings) {
    let fill = |dst: &mut Option<Str>, k: K| {
        if dst.is_none() {
            if let Some(v) = r.get(k) {
                *dst = Some(Str::from(v));
            }
        }
    };
    fill(&mut s.notes, K::Notes);
    fill(&mut s.notes_url, K::NotesUrl);
    fill(&mut s.action_url, K::ActionUrl);
    fill(&mut s.icon_image, K::IconImage);
    fill(&mut s.icon_image_alt, K::IconImageAlt);
}
