//! Time periods: registration, `exclude` references and exclusion cycles.

use super::*;
use crate::timeperiod::Timeperiod;

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn timeperiods(&mut self) {
        let items = self.keyed(Kind::Timeperiod);
        let (items, map) = self.assign_ids(Kind::Timeperiod, items, "timeperiod");
        self.m.index.timeperiods = map.into_iter().map(|(k, v)| (k, TimeperiodId(v))).collect();
        let mut excludes: Vec<Vec<usize>> = Vec::with_capacity(items.len());
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        let mut locs: Vec<Location> = Vec::with_capacity(items.len());
        for (raw, name, l) in items {
            let r = self.res.view(Kind::Timeperiod, raw);
            let who = format!("timeperiod '{name}'");
            let alias = match r.get(K::Alias) {
                Some(a) => a.to_string(),
                None => {
                    self.err(&l, format!("{who}: alias is not defined"));
                    name.clone()
                }
            };
            let mut exclude = Vec::new();
            if let Some(ex) = r.get(K::Exclude) {
                let names: Vec<String> = list(ex).map(str::to_string).collect();
                for n in names {
                    match self.m.index.timeperiods.get(&n) {
                        Some(&id) => exclude.push(id),
                        None => self.err(
                            &l,
                            format!("{who}: excluded timeperiod '{n}' is not defined"),
                        ),
                    }
                }
            }
            excludes.push(exclude.iter().map(|t| t.idx()).collect());
            let directives: Vec<(String, String, Location)> = r
                .custom()
                .iter()
                .map(|c| {
                    (
                        c.name.to_string(),
                        c.val.to_string(),
                        self.loc(c.file, c.line),
                    )
                })
                .collect();
            names.push(name.clone());
            locs.push(l.clone());
            match new_timeperiod(
                name.clone(),
                alias.clone(),
                &directives,
                exclude.clone(),
                l.clone(),
            ) {
                Ok(tp) => self.m.timeperiods.push(tp),
                Err((el, msg)) => {
                    self.err(&el, format!("{who}: {msg}"));
                    // Keep ids stable with an empty period.
                    if let Ok(tp) = new_timeperiod(name, alias, &[], exclude, l.clone()) {
                        self.m.timeperiods.push(tp);
                    }
                }
            }
        }
        // Circular exclusions.
        for (a, b) in find_cycles(&excludes) {
            self.err(
                &locs[a],
                format!(
                    "timeperiod '{}': circular exclusion through timeperiod '{}'",
                    names[a], names[b]
                ),
            );
        }
    }
}

/// Builds a timeperiod through [`Timeperiod::new`].
pub(super) fn new_timeperiod(
    name: String,
    alias: String,
    directives: &[(String, String, Location)],
    exclude: Vec<TimeperiodId>,
    location: Location,
) -> Result<Timeperiod, (Location, String)> {
    Timeperiod::new(name, alias, directives, exclude, location)
}
