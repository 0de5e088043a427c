//! Template resolution (objects.md §4): `name` / `use` with several templates
//! (first listed wins, each resolved depth-first), `register 0`, additive `+`
//! values, `null`, important check commands (`!cmd` in a template), inherited
//! custom variables, and circular / unknown template detection.
//!
//! Templates are flattened once (memoized); a real object is then read through a
//! [`Resolved`] view that looks a directive up in the object's own values first
//! and then in its templates' flattened tables, without copying anything.

use crate::diag::Diags;
use crate::keys::{Kind, K, NK, NKINDS};
use crate::objfile::{file_path, Custom, Parsed, Prop, RawObj};
use crate::util::{list, FxMap};
use std::borrow::Cow;

/// A resolved directive value with where it was written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot<'r> {
    pub val: &'r str,
    pub file: u32,
    pub line: u32,
    /// Written as `+x` with nothing inherited to add to.
    pub plus: bool,
}

/// A resolved custom variable (or timeperiod range line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CustomSlot<'r> {
    pub name: &'r str,
    pub val: &'r str,
    pub file: u32,
    pub line: u32,
}

#[derive(Debug)]
struct FlatProp<'p> {
    val: Cow<'p, str>,
    file: u32,
    line: u32,
    important: bool,
    plus: bool,
}

const NONE: u16 = u16::MAX;

/// Deepest `use` chain followed (keeps the recursion bounded).
const MAX_TEMPLATE_DEPTH: u32 = 500;

/// A template flattened through its own templates.
#[derive(Debug)]
struct Flat<'p> {
    props: Vec<FlatProp<'p>>,
    /// Index into `props` per key, `NONE` when absent.
    index: Vec<u16>,
    custom: Vec<CustomSlot<'p>>,
}

/// What a string directive resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Val<'r> {
    Absent,
    /// Written as `null`: no value, and no implied inheritance either.
    Null,
    Set(&'r str),
}

/// Template indexes of one object (no allocation for up to 8).
#[derive(Debug, Clone)]
struct Uses {
    inline: [u32; 8],
    len: usize,
    spill: Vec<u32>,
}

impl Uses {
    fn new() -> Uses {
        Uses {
            inline: [0; 8],
            len: 0,
            spill: Vec::new(),
        }
    }
    fn push(&mut self, v: u32) {
        if self.len < 8 && self.spill.is_empty() {
            self.inline[self.len] = v;
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline[..self.len]);
            }
            self.spill.push(v);
        }
    }
    fn as_slice(&self) -> &[u32] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

/// Template tables and flattened templates for one load.
pub(crate) struct Resolver<'p> {
    pub parsed: &'p Parsed,
    /// Template name → raw index, per kind.
    names: Vec<FxMap<&'p str, u32>>,
    /// Raw template index → index into `flats`, per kind.
    flat_of: Vec<FxMap<u32, u32>>,
    flats: Vec<Flat<'p>>,
    /// `+x` values of objects combined with their inherited value.
    concat: FxMap<(u8, u32, u8), String>,
    /// Flat indexes used by each object: `(start, len)` into `use_pool`, per kind.
    use_range: Vec<Vec<(u32, u32)>>,
    use_pool: Vec<u32>,
}

/// How one key resolves, before string storage is decided.
enum Found<'x, 'p> {
    Own(
        &'x Prop,
        bool,  /* important */
        bool,  /* plus */
        usize, /* strip */
    ),
    Tpl(&'x FlatProp<'p>),
    Concat(&'x FlatProp<'p>, &'x Prop),
}

impl<'p> Resolver<'p> {
    /// Indexes template names and reports duplicate, unknown and circular templates.
    pub fn new(parsed: &'p Parsed, diags: &mut Diags) -> Resolver<'p> {
        let mut names: Vec<FxMap<&'p str, u32>> = (0..NKINDS).map(|_| FxMap::default()).collect();
        for (ki, objs) in parsed.objs.iter().enumerate() {
            for (i, o) in objs.iter().enumerate() {
                let Some(n) = parsed.get(o, K::Name) else {
                    continue;
                };
                if n.is_empty() {
                    continue;
                }
                if let Some(&first) = names[ki].get(n) {
                    let f = &objs[first as usize];
                    diags.error_at(
                        file_path(parsed, o.file),
                        o.line,
                        format!(
                            "duplicate definition of {} template '{n}' (first defined at {}:{})",
                            o.kind.name(),
                            file_path(parsed, f.file).display(),
                            f.line
                        ),
                    );
                } else {
                    names[ki].insert(n, i as u32);
                }
            }
        }
        let mut r = Resolver {
            parsed,
            names,
            flat_of: (0..NKINDS).map(|_| FxMap::default()).collect(),
            flats: Vec::new(),
            concat: FxMap::default(),
            use_range: Vec::new(),
            use_pool: Vec::new(),
        };
        // Flatten every template (depth-first, cycles reported).
        let mut state: Vec<FxMap<u32, u8>> = (0..NKINDS).map(|_| FxMap::default()).collect();
        for ki in 0..NKINDS {
            let mut idxs: Vec<u32> = r.names[ki].values().copied().collect();
            idxs.sort_unstable();
            for i in idxs {
                r.flatten(ki, i, &mut state, diags, 0);
            }
        }
        // Template lists of every object, resolved once per distinct `use`
        // value of a kind (100,000 services typically share a few).
        let mut use_range = Vec::with_capacity(NKINDS);
        for objs in parsed.objs.iter() {
            let mut v = Vec::with_capacity(objs.len());
            // Per distinct value: the range in `use_pool` and whether some
            // name in it is not a template (reported for every definition).
            let mut by_value: FxMap<&'p str, ((u32, u32), bool)> = FxMap::default();
            for o in objs.iter() {
                let Some(value) = parsed.get(o, K::Use) else {
                    v.push((0, 0));
                    continue;
                };
                let ki = o.kind.idx();
                let (range, has_unknown) = match by_value.get(value) {
                    Some(&e) => e,
                    None => {
                        let u = r.uses(o);
                        let start = r.use_pool.len() as u32;
                        r.use_pool.extend_from_slice(u.as_slice());
                        let range = (start, u.as_slice().len() as u32);
                        let unknown = list(value).any(|t| !r.names[ki].contains_key(t));
                        by_value.insert(value, (range, unknown));
                        (range, unknown)
                    }
                };
                if has_unknown {
                    for t in list(value) {
                        if !r.names[ki].contains_key(t) {
                            diags.error_at(
                                file_path(parsed, o.file),
                                o.line,
                                format!(
                                    "template '{t}' used in {} definition is not defined",
                                    o.kind.name()
                                ),
                            );
                        }
                    }
                }
                v.push(range);
            }
            use_range.push(v);
        }
        r.use_range = use_range;
        // Combine additive values of every object with what it inherits.
        for (ki, objs) in parsed.objs.iter().enumerate() {
            for (i, o) in objs.iter().enumerate() {
                let props = parsed.props(o);
                if !props
                    .iter()
                    .any(|p| p.key.additive() && parsed.s(p.val).starts_with('+'))
                {
                    continue;
                }
                let uses = r.uses(o);
                let mut done: Vec<K> = Vec::new();
                for p in props.iter().rev() {
                    if !p.key.additive() || done.contains(&p.key) {
                        continue;
                    }
                    done.push(p.key);
                    if let Some(Found::Concat(base, own)) = r.find(props, uses.as_slice(), p.key) {
                        let s = format!("{},{}", base.val, &parsed.s(own.val)[1..]);
                        r.concat.insert((ki as u8, i as u32, p.key as u8), s);
                    }
                }
            }
        }
        r
    }

    fn uses(&self, o: &RawObj) -> Uses {
        let mut u = Uses::new();
        if let Some(list_s) = self.parsed.get(o, K::Use) {
            let ki = o.kind.idx();
            for t in list(list_s) {
                if let Some(ti) = self.names[ki].get(t) {
                    if let Some(&f) = self.flat_of[ki].get(ti) {
                        u.push(f);
                    }
                }
            }
        }
        u
    }

    fn flatten(
        &mut self,
        ki: usize,
        idx: u32,
        state: &mut [FxMap<u32, u8>],
        diags: &mut Diags,
        depth: u32,
    ) {
        let parsed: &'p Parsed = self.parsed;
        let o: &'p RawObj = &parsed.objs[ki][idx as usize];
        match state[ki].get(&idx).copied().unwrap_or(0) {
            2 => return,
            _ if depth > MAX_TEMPLATE_DEPTH => {
                diags.error_at(
                    file_path(parsed, o.file),
                    o.line,
                    format!(
                        "{} template '{}' is nested more than {MAX_TEMPLATE_DEPTH} levels deep",
                        o.kind.name(),
                        parsed.get(o, K::Name).unwrap_or("")
                    ),
                );
                return;
            }
            1 => {
                // Nagios loads it (each template is resolved once; the loop
                // is cut where it closes) and Naemon has a test that it must.
                diags.warn_at(
                    file_path(parsed, o.file),
                    o.line,
                    format!(
                        "circular template inheritance involving {} template '{}' (the loop is cut here)",
                        o.kind.name(),
                        parsed.get(o, K::Name).unwrap_or("")
                    ),
                );
                return;
            }
            _ => {}
        }
        state[ki].insert(idx, 1);
        if let Some(u) = parsed.get(o, K::Use) {
            for t in list(u) {
                if let Some(&ti) = self.names[ki].get(t) {
                    self.flatten(ki, ti, state, diags, depth + 1);
                }
            }
        }
        let uses = self.uses(o);
        let own = parsed.props(o);
        // Keys present: own plus every used template's.
        let mut present = [false; NK];
        for p in own {
            present[p.key as usize] = true;
        }
        for &f in uses.as_slice() {
            for (k, &i) in self.flats[f as usize].index.iter().enumerate() {
                if i != NONE {
                    present[k] = true;
                }
            }
        }
        let mut flat = Flat {
            props: Vec::new(),
            index: vec![NONE; NK],
            custom: Vec::new(),
        };
        for (ki_, &p) in present.iter().enumerate() {
            if !p {
                continue;
            }
            let k = KEYS[ki_];
            if matches!(k, K::Use | K::Name | K::Register) {
                continue;
            }
            let fp = match self.find(own, uses.as_slice(), k) {
                None => continue,
                Some(Found::Own(p, important, plus, strip)) => FlatProp {
                    val: Cow::Borrowed(&parsed.s(p.val)[strip..]),
                    file: o.file,
                    line: p.line,
                    important,
                    plus,
                },
                Some(Found::Tpl(t)) => FlatProp {
                    val: t.val.clone(),
                    file: t.file,
                    line: t.line,
                    important: t.important,
                    plus: t.plus,
                },
                Some(Found::Concat(base, p)) => FlatProp {
                    val: Cow::Owned(format!("{},{}", base.val, &parsed.s(p.val)[1..])),
                    file: o.file,
                    line: p.line,
                    important: false,
                    plus: false,
                },
            };
            flat.index[k as usize] = flat.props.len() as u16;
            flat.props.push(fp);
        }
        flat.custom = self.customs_of(o, parsed.customs(o), uses.as_slice());
        let fi = self.flats.len() as u32;
        self.flats.push(flat);
        self.flat_of[ki].insert(idx, fi);
        state[ki].insert(idx, 2);
    }

    /// Resolves `k` from own values `own` over templates `uses` (first wins).
    fn find<'x>(&'x self, own: &'x [Prop], uses: &[u32], k: K) -> Option<Found<'x, 'p>> {
        let own_p = own.iter().rev().find(|p| p.key == k);
        // Fast path: an own value that neither adds to nor yields to a
        // template value (the templates need not be looked at).
        if let Some(p) = own_p {
            if k != K::CheckCommand && !(k.additive() && self.parsed.s(p.val).starts_with('+')) {
                return Some(Found::Own(p, false, false, 0));
            }
        }
        let mut tpl: Option<&FlatProp> = None;
        for &f in uses {
            let fl = &self.flats[f as usize];
            let i = fl.index[k as usize];
            if i != NONE {
                tpl = Some(&fl.props[i as usize]);
                break;
            }
        }
        if k == K::CheckCommand {
            if let Some(p) = own_p {
                if self.parsed.s(p.val).starts_with('!') {
                    return Some(Found::Own(p, true, false, 1));
                }
            }
            for &f in uses {
                let fl = &self.flats[f as usize];
                let i = fl.index[k as usize];
                if i != NONE && fl.props[i as usize].important {
                    return Some(Found::Tpl(&fl.props[i as usize]));
                }
            }
        }
        match own_p {
            Some(p) => {
                if k.additive() && self.parsed.s(p.val).starts_with('+') {
                    match tpl {
                        Some(t) if t.val != "null" && !t.val.is_empty() => {
                            Some(Found::Concat(t, p))
                        }
                        _ => Some(Found::Own(p, false, true, 1)),
                    }
                } else {
                    Some(Found::Own(p, false, false, 0))
                }
            }
            None => tpl.map(Found::Tpl),
        }
    }

    /// Own custom variables in order, then inherited ones not already present.
    fn customs_of(&self, o: &RawObj, own: &'p [Custom], uses: &[u32]) -> Vec<CustomSlot<'p>> {
        let parsed: &'p Parsed = self.parsed;
        let mut out: Vec<CustomSlot<'p>> = own
            .iter()
            .map(|c| CustomSlot {
                name: parsed.s(c.name),
                val: parsed.s(c.val),
                file: o.file,
                line: c.line,
            })
            .collect();
        let is_tp = o.kind == Kind::Timeperiod;
        for &f in uses {
            for c in &self.flats[f as usize].custom {
                let dup = if is_tp {
                    out.iter().any(|x| {
                        x.name == c.name && (x.val == c.val || crate::build::is_weekday(c.name))
                    })
                } else {
                    out.iter().any(|x| x.name == c.name)
                };
                if !dup {
                    out.push(*c);
                }
            }
        }
        out
    }

    fn uses_of(&self, kind: Kind, idx: u32) -> &[u32] {
        let (s, l) = self.use_range[kind.idx()][idx as usize];
        &self.use_pool[s as usize..(s + l) as usize]
    }

    /// The flattened templates an object uses (a cache key for values that
    /// depend only on the templates).
    pub fn uses_key(&self, kind: Kind, idx: u32) -> &[u32] {
        self.uses_of(kind, idx)
    }

    /// Whether the object's own directives are limited to identity and
    /// assignment (so that its check settings equal its templates').
    pub fn settings_neutral(&self, kind: Kind, idx: u32) -> bool {
        let o = &self.parsed.objs[kind.idx()][idx as usize];
        o.custom.1 == 0
            && self.parsed.props(o).iter().all(|p| {
                matches!(
                    p.key,
                    K::Use
                        | K::Name
                        | K::Register
                        | K::HostName
                        | K::HostgroupName
                        | K::ServiceDescription
                        | K::DisplayName
                        | K::Servicegroups
                        | K::IsVolatile
                        | K::Parents
                        | K::ParallelizeCheck
                )
            })
    }

    /// A view of object `idx` of kind `kind`.
    pub fn view(&self, kind: Kind, idx: u32) -> Resolved<'_> {
        let o = &self.parsed.objs[kind.idx()][idx as usize];
        Resolved {
            res: self,
            own: self.parsed.props(o),
            uses: self.uses_of(kind, idx),
            obj: o,
            kind,
            idx,
            file: o.file,
            line: o.line,
        }
    }
}

/// All keys, indexed by `K as usize`.
static KEYS: [K; NK] = {
    let mut a = [K::Use; NK];
    let mut i = 0;
    while i < NK {
        // SAFETY-free transmute alternative: keys are dense from 0.
        a[i] = crate::keys::key_at(i);
        i += 1;
    }
    a
};

/// The resolved view of one object: own values over template values.
pub(crate) struct Resolved<'r> {
    res: &'r Resolver<'r>,
    own: &'r [Prop],
    uses: &'r [u32],
    obj: &'r RawObj,
    pub kind: Kind,
    pub idx: u32,
    pub file: u32,
    pub line: u32,
}

impl<'r> Resolved<'r> {
    pub fn slot(&self, k: K) -> Option<Slot<'r>> {
        let res = self.res;
        let parsed = res.parsed;
        Some(match res.find(self.own, self.uses, k)? {
            Found::Own(p, _, plus, strip) => Slot {
                val: &parsed.s(p.val)[strip..],
                file: self.file,
                line: p.line,
                plus,
            },
            Found::Tpl(t) => Slot {
                val: tpl_str(t),
                file: t.file,
                line: t.line,
                plus: t.plus,
            },
            Found::Concat(_, p) => Slot {
                val: res
                    .concat
                    .get(&(self.kind as u8, self.idx, k as u8))
                    .map(String::as_str)
                    .unwrap_or(&parsed.s(p.val)[1..]),
                file: self.file,
                line: p.line,
                plus: false,
            },
        })
    }

    /// The value of `k`; `null` is reported as [`Val::Null`].
    pub fn val(&self, k: K) -> Val<'r> {
        match self.slot(k) {
            None => Val::Absent,
            Some(s) if s.val == "null" => Val::Null,
            Some(s) => Val::Set(s.val),
        }
    }

    /// The value of `k` if set (absent and `null` give `None`).
    pub fn get(&self, k: K) -> Option<&'r str> {
        match self.val(k) {
            Val::Set(s) => Some(s),
            _ => None,
        }
    }

    /// Whether `k` was written at all (including `null`).
    pub fn has(&self, k: K) -> bool {
        self.slot(k).is_some()
    }

    /// The keys among `keys` the object writes itself, as a bit mask.
    pub fn own_mask(&self, keys: &[K]) -> u32 {
        self.own.iter().fold(0, |m, p| {
            m | keys.iter().position(|&k| k == p.key).map_or(0, |i| 1 << i)
        })
    }

    /// The templates the object uses (identical slices for identical lists).
    pub fn uses(&self) -> &'r [u32] {
        self.uses
    }

    /// Custom variables (or timeperiod lines): own, then inherited.
    pub fn custom(&self) -> Vec<CustomSlot<'r>> {
        let res = self.res;
        res.customs_of(self.obj, res.parsed.customs(self.obj), self.uses)
    }
}

fn tpl_str<'r>(t: &'r FlatProp<'_>) -> &'r str {
    &t.val
}
