//! Reading directive values: numbers and booleans (`atoi` / `strtod` as
//! Nagios reads them), option letters, state flags, command calls
//! (`name!arg!arg`), and references to time periods, contacts and contact
//! groups; plus the illegal-character check of object names.

use super::*;

/// Splits `name!arg1!arg2` at unescaped `!`; `\!` becomes `!` in arguments.
pub fn split_command_call(raw: &str) -> (&str, Vec<String>) {
    let bytes = raw.as_bytes();
    let mut parts: Vec<String> = Vec::new();
    let mut name_end = None;
    let mut cur = String::new();
    let mut i = 0;
    let mut seg_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'!') => {
                if name_end.is_some() {
                    cur.push_str(&raw[seg_start..i]);
                    cur.push('!');
                    seg_start = i + 2;
                }
                i += 2;
                continue;
            }
            b'!' => {
                if name_end.is_none() {
                    name_end = Some(i);
                } else {
                    cur.push_str(&raw[seg_start..i]);
                    parts.push(std::mem::take(&mut cur));
                }
                seg_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    match name_end {
        None => (raw, parts),
        Some(e) => {
            cur.push_str(&raw[seg_start..]);
            parts.push(cur);
            (&raw[..e], parts)
        }
    }
}

/// A 256-bit character set.
pub(super) struct CharSet([u64; 4]);
impl CharSet {
    pub(super) fn new(chars: &[u8]) -> CharSet {
        let mut s = [0u64; 4];
        for &c in chars {
            s[(c >> 6) as usize] |= 1 << (c & 63);
        }
        CharSet(s)
    }
    pub(super) fn any_in(&self, s: &str) -> bool {
        s.bytes()
            .any(|c| self.0[(c >> 6) as usize] & (1 << (c & 63)) != 0)
    }
}
impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn registered(r: &Resolved) -> bool {
        match r.get(K::Register) {
            // `atoi(value) > 0`, as Nagios: `register yes` is a template.
            Some(v) => parse_leading_int(v).unwrap_or(0) > 0,
            None => true,
        }
    }

    pub(super) fn check_name(&mut self, l: &Location, what: &str, name: &str) {
        if self.illegal.any_in(name) || name.bytes().any(|b| b < 0x20 || b == 0x7f) {
            self.err(
                l,
                format!("the name of {what} contains one or more illegal characters"),
            );
        }
    }

    /// A numeric or boolean directive whose value does not start with a
    /// number: Nagios reads it with `atoi` / `strtod`, i.e. as 0, and says
    /// nothing; vigil reads it the same way and warns.
    fn not_a_number(&mut self, s: Slot, k: K, who: &str) {
        let l = self.slot_loc(s);
        let msg = format!(
            "{who}: {} value '{}' is not a number; read as 0, as Nagios does",
            k.name(),
            s.val
        );
        self.warn(&l, msg);
    }

    pub(super) fn float(&mut self, r: &Resolved, k: K, default: f64, who: &str) -> f64 {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_float(s.val) {
            Some(v) => v,
            None => {
                self.not_a_number(s, k, who);
                0.0
            }
        }
    }

    pub(super) fn int(&mut self, r: &Resolved, k: K, default: i64, who: &str) -> i64 {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_int(s.val) {
            Some(v) => v,
            None => {
                self.not_a_number(s, k, who);
                0
            }
        }
    }

    pub(super) fn boolean(&mut self, r: &Resolved, k: K, default: bool, who: &str) -> bool {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_int(s.val) {
            Some(v) => v > 0,
            None => {
                self.not_a_number(s, k, who);
                false
            }
        }
    }

    pub(super) fn string(r: &Resolved, k: K) -> Option<String> {
        r.get(k).map(str::to_string)
    }

    /// Parses an option list into normalized letters (`allowed` in canonical
    /// order); `a` = all but `n`; `n` alone = none (returned as "n").
    pub(super) fn options(
        &mut self,
        r: &Resolved,
        k: K,
        allowed: &str,
        default: &str,
        who: &str,
    ) -> String {
        let Some(s) = r.slot(k) else {
            return default.to_string();
        };
        if s.val == "null" {
            return default.to_string();
        }
        let mut set = [false; 128];
        let mut bad = Vec::new();
        for item in list(s.val) {
            let c = item.as_bytes()[0];
            if item == "a" || item == "all" {
                for b in allowed.bytes().filter(|&b| b != b'n') {
                    set[b as usize] = true;
                }
            } else if item == "n" || item == "none" {
                set = [false; 128];
            } else if item.len() == 1 && allowed.as_bytes().contains(&c) {
                set[c as usize] = true;
            } else {
                bad.push(item.to_string());
            }
        }
        if !bad.is_empty() {
            let l = self.slot_loc(s);
            let msg = format!("{who}: invalid {} '{}'", k.name(), bad.join(","));
            self.err(&l, msg);
        }
        let out: Vec<String> = allowed
            .bytes()
            .filter(|&b| b != b'n' && set[b as usize])
            .map(|b| (b as char).to_string())
            .collect();
        if out.is_empty() {
            "n".to_string()
        } else {
            out.join(",")
        }
    }

    /// State flags from letters; `map` gives (letter, state id).
    pub(super) fn flags(
        &mut self,
        r: &Resolved,
        k: K,
        map: &[(u8, u8)],
        default: u8,
        who: &str,
    ) -> StateFlags {
        let Some(s) = r.slot(k) else {
            return StateFlags(default);
        };
        if s.val == "null" {
            return StateFlags(default);
        }
        let all: u8 = map.iter().fold(0, |a, &(_, id)| a | (1 << id));
        let mut v = 0u8;
        let mut bad = Vec::new();
        for item in list(s.val) {
            match item {
                "a" | "all" => v |= all,
                "n" | "none" => v = 0,
                "N" if k == K::StalkingOptions => v |= 1 << 7,
                _ => match map
                    .iter()
                    .find(|(c, _)| item.len() == 1 && item.as_bytes()[0] == *c)
                {
                    Some(&(_, id)) => v |= 1 << id,
                    None => bad.push(item.to_string()),
                },
            }
        }
        if !bad.is_empty() {
            let l = self.slot_loc(s);
            let msg = format!("{who}: invalid {} '{}'", k.name(), bad.join(","));
            self.err(&l, msg);
        }
        StateFlags(v)
    }

    pub(super) fn command_call(
        &mut self,
        raw: &str,
        l: &Location,
        who: &str,
        what: &str,
    ) -> Option<CommandCall> {
        let (name, args) = split_command_call(raw);
        match self.m.index.commands.get(name) {
            Some(&id) => Some(CommandCall {
                raw: raw.to_string(),
                command: id,
                args,
            }),
            None => {
                self.err(l, format!("{who}: {what} '{name}' is not defined"));
                None
            }
        }
    }

    pub(super) fn timeperiod_ref(&mut self, r: &Resolved, k: K, who: &str) -> Option<TimeperiodId> {
        let name = r.get(k)?;
        match self.m.index.timeperiods.get(name) {
            Some(&id) => Some(id),
            None => {
                let l = self.obj_loc(r);
                self.err(&l, format!("{who}: {} '{name}' is not defined", k.name()));
                None
            }
        }
    }

    pub(super) fn contact_refs(&mut self, r: &Resolved, k: K, who: &str) -> Vec<ContactId> {
        let Some(v) = r.get(k) else { return Vec::new() };
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for n in list(v) {
            match self.m.index.contacts.get(n) {
                Some(&id) => {
                    if !out.contains(&id) {
                        out.push(id)
                    }
                }
                None => missing.push(n.to_string()),
            }
        }
        let l = self.obj_loc(r);
        for n in missing {
            self.err(&l, format!("{who}: contact '{n}' is not defined"));
        }
        out
    }

    pub(super) fn contactgroup_refs(
        &mut self,
        v: Option<&str>,
        l: &Location,
        who: &str,
    ) -> Vec<ContactgroupId> {
        let Some(v) = v else { return Vec::new() };
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for n in list(v) {
            match self.m.index.contactgroups.get(n) {
                Some(&id) => {
                    if !out.contains(&id) {
                        out.push(id)
                    }
                }
                None => missing.push(n.to_string()),
            }
        }
        for n in missing {
            self.err(l, format!("{who}: contact group '{n}' is not defined"));
        }
        out
    }

    pub(super) fn custom_vars(&mut self, r: &Resolved) -> Vec<(Str, Str)> {
        let custom = r.custom();
        let mut out = Vec::with_capacity(custom.len());
        for c in &custom {
            out.push((self.intern(c.name), self.intern(c.val)));
        }
        out
    }

    /// Custom variables of a host or service; vigil's handler policy variables
    /// (`_VIGIL_*`, [`crate::policy`]) among them are checked, each problem an
    /// error at the line that sets the variable.
    pub(super) fn custom_vars_checked(&mut self, r: &Resolved, who: &str) -> Vec<(Str, Str)> {
        for c in &r.custom() {
            let upper = c.name.to_ascii_uppercase();
            let index = &self.m.index.timeperiods;
            if let Some(why) = crate::policy::check_var(&upper, c.val, |n| index.contains_key(n)) {
                let l = self.loc(c.file, c.line);
                self.err(&l, format!("{who}: {why}"));
            }
        }
        self.custom_vars(r)
    }
}
