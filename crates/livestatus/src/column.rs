//! Columns: typed accessors over one kind of object, and the row references that
//! joined tables (services with their host, comments with host and service, the
//! by-group tables, the log) pass to them.
//!
//! A column is resolved once per query to a [`TCol`] (slot + accessor); reading a
//! cell is a direct function call on an object id, never a name lookup.

use crate::logline::LogEntry;
use crate::render::Out;
use crate::site::{QueryEnv, Site, Statuses};
use crate::Indexes;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use vigil_config::Model;
use vigil_state::{HostStatus, ServiceStatus};

/// The kinds of object a row can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    Host = 0,
    Service,
    Hostgroup,
    Servicegroup,
    Contact,
    Contactgroup,
    Command,
    Timeperiod,
    Comment,
    Downtime,
    Log,
    Status,
    ColumnRow,
    Handler,
}

pub(crate) const NSLOTS: usize = 14;
pub(crate) const NONE: u32 = u32::MAX;

/// One row: an object id per slot (`NONE` where the row has no such object).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef(pub [u32; NSLOTS]);

impl RowRef {
    pub fn empty() -> RowRef {
        RowRef([NONE; NSLOTS])
    }
    pub fn with(mut self, s: Slot, v: u32) -> RowRef {
        self.0[s as usize] = v;
        self
    }
    pub fn get(&self, s: Slot) -> u32 {
        self.0[s as usize]
    }
}

/// One element of a list cell.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Atom<'a> {
    Str(&'a str),
    Int(i64),
}

/// Receives the elements of a list cell.
pub(crate) trait ListSink {
    /// A plain element.
    fn atom(&mut self, a: Atom<'_>);
    /// An element made of several parts (`host|service`, `name|state|checked`).
    fn tuple(&mut self, parts: &[Atom<'_>]);
}

pub(crate) type IntFn = fn(&Ctx<'_>, u32) -> i64;
pub(crate) type FloatFn = fn(&Ctx<'_>, u32) -> f64;
pub(crate) type StrFn = for<'a> fn(&'a Ctx<'a>, u32) -> Cow<'a, str>;
pub(crate) type ListFn = fn(&Ctx<'_>, u32, &mut dyn ListSink);
pub(crate) type DictFn = for<'a> fn(&'a Ctx<'a>, u32, &mut dyn FnMut(&str, &str));

/// How a column reads its value.
#[derive(Clone, Copy)]
pub(crate) enum Get {
    Int(IntFn),
    Float(FloatFn),
    Time(IntFn),
    Str(StrFn),
    List(ListFn),
    Dict(DictFn),
    /// Always null (`blob` columns vigil has no data for, unknown columns).
    Blob,
}

impl Get {
    /// The type name in the `columns` table.
    pub fn type_name(&self) -> &'static str {
        match self {
            Get::Int(_) => "int",
            Get::Float(_) => "float",
            Get::Time(_) => "time",
            Get::Str(_) => "string",
            Get::List(_) => "list",
            Get::Dict(_) => "dict",
            Get::Blob => "blob",
        }
    }
}

/// Writes one cell of a column into a reply: the column's accessor and the output of
/// its type in one function, made by [`col_def!`] from the column's [`Get`]. A row is
/// then one indirect call per cell (the accessor is inlined into it) instead of a
/// dispatch on the type and a call through the accessor's pointer. The arguments are
/// the object id ([`NONE`]: the row has no such object) and the time zone offset of
/// `Localtime` added to `time` columns. It writes what
/// [`crate::query::write_value`] writes (test: `query::tests`).
pub(crate) type WriteFn = fn(&Ctx<'_>, u32, &mut Out, i64);

/// A column of one object kind.
pub(crate) struct ColDef {
    pub name: &'static str,
    pub desc: &'static str,
    pub get: Get,
    /// The cell writer made from `get`.
    pub write: WriteFn,
}

/// A [`ColDef`] from its name, description and `Get::Kind(accessor)`, with the
/// [`WriteFn`] of that accessor.
macro_rules! col_def {
    ($n:expr, $d:expr, Get::Int($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Int($f),
            write: |c, i, o, _tz| {
                o.int(if i == $crate::column::NONE {
                    0
                } else {
                    ($f)(c, i)
                })
            },
        }
    };
    ($n:expr, $d:expr, Get::Time($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Time($f),
            write: |c, i, o, tz| {
                let v = if i == $crate::column::NONE {
                    0
                } else {
                    ($f)(c, i)
                };
                o.int(v + tz)
            },
        }
    };
    ($n:expr, $d:expr, Get::Float($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Float($f),
            write: |c, i, o, _tz| {
                o.double(if i == $crate::column::NONE {
                    0.0
                } else {
                    ($f)(c, i)
                })
            },
        }
    };
    ($n:expr, $d:expr, Get::Str($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Str($f),
            write: |c, i, o, _tz| {
                if i == $crate::column::NONE {
                    o.string("")
                } else {
                    let s = ($f)(c, i);
                    o.string(&s)
                }
            },
        }
    };
    ($n:expr, $d:expr, Get::List($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::List($f),
            write: |c, i, o, _tz| {
                o.begin_list();
                if i != $crate::column::NONE {
                    ($f)(c, i, &mut $crate::column::ListOut { out: &mut *o });
                }
                o.end_list();
            },
        }
    };
    ($n:expr, $d:expr, Get::Dict($f:expr)) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Dict($f),
            write: |c, i, o, _tz| {
                o.begin_dict();
                if i != $crate::column::NONE {
                    ($f)(c, i, &mut |k: &str, v: &str| {
                        o.item();
                        o.string(k);
                        o.dict_colon();
                        o.string(v);
                    });
                }
                o.end_dict();
            },
        }
    };
    ($n:expr, $d:expr, Get::Blob) => {
        $crate::column::ColDef {
            name: $n,
            desc: $d,
            get: $crate::column::Get::Blob,
            write: |_c, _i, o, _tz| o.null(),
        }
    };
}
pub(crate) use col_def;

/// The [`ListSink`] that writes list elements into a reply.
pub(crate) struct ListOut<'o> {
    pub out: &'o mut Out,
}

impl ListSink for ListOut<'_> {
    fn atom(&mut self, a: Atom<'_>) {
        self.out.item();
        write_atom(self.out, a);
    }
    fn tuple(&mut self, parts: &[Atom<'_>]) {
        self.out.item();
        self.out.begin_list();
        for p in parts {
            self.out.item();
            write_atom(self.out, *p);
        }
        self.out.end_list();
    }
}

fn write_atom(out: &mut Out, a: Atom<'_>) {
    match a {
        Atom::Str(s) => out.string(s),
        Atom::Int(i) => out.int(i),
    }
}

/// A column of a table: which object of the row it reads, and how.
#[derive(Clone, Copy)]
pub(crate) struct TCol {
    pub slot: Slot,
    pub def: &'static ColDef,
}

/// Everything a column accessor may read during one query.
pub(crate) struct Ctx<'a> {
    pub site: &'a dyn Site,
    pub m: &'a Model,
    pub ix: &'a Indexes,
    pub env: &'a QueryEnv,
    /// The site's host statuses, taken once.
    pub hosts: Statuses<'a, HostStatus>,
    /// The site's service statuses, taken once.
    pub services: Statuses<'a, ServiceStatus>,
    /// Parsed log lines of a `log` query.
    pub log: Vec<LogEntry>,
    comments_by: OnceCell<HashMap<(u32, u32), Vec<u32>>>,
    downtimes_by: OnceCell<HashMap<(u32, u32), Vec<u32>>>,
    /// `in` of every timeperiod at the query's time, asked once per query.
    periods_in: OnceCell<Vec<bool>>,
}

impl<'a> Ctx<'a> {
    pub fn new(site: &'a dyn Site, env: &'a QueryEnv) -> Ctx<'a> {
        Ctx {
            site,
            m: site.model(),
            ix: site.indexes(),
            env,
            hosts: site.host_statuses(),
            services: site.service_statuses(),
            log: Vec::new(),
            comments_by: OnceCell::new(),
            downtimes_by: OnceCell::new(),
            periods_in: OnceCell::new(),
        }
    }

    /// Whether timeperiod `id` contains the query's time.
    pub fn period_active(&self, id: vigil_config::TimeperiodId) -> bool {
        let v = self.periods_in.get_or_init(|| {
            let now = self.env.now as i64;
            (0..self.m.timeperiods.len())
                .map(|i| {
                    self.site
                        .timeperiod_active(vigil_config::TimeperiodId(i as u32), now)
                })
                .collect()
        });
        v.get(id.idx()).copied().unwrap_or(false)
    }

    /// Comment positions of a host (`svc == NONE`) or service.
    pub fn comments_of(&self, host: u32, svc: u32) -> &[u32] {
        if self.site.comments().is_empty() {
            return &[];
        }
        let map = self.comments_by.get_or_init(|| {
            let mut m: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
            for (i, c) in self.site.comments().iter().enumerate() {
                let k = (c.host.0, c.service.map(|s| s.0).unwrap_or(NONE));
                m.entry(k).or_default().push(i as u32);
            }
            m
        });
        map.get(&(host, svc)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Downtime positions of a host (`svc == NONE`) or service.
    pub fn downtimes_of(&self, host: u32, svc: u32) -> &[u32] {
        if self.site.downtimes().is_empty() {
            return &[];
        }
        let map = self.downtimes_by.get_or_init(|| {
            let mut m: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
            for (i, d) in self.site.downtimes().iter().enumerate() {
                let k = (d.host.0, d.service.map(|s| s.0).unwrap_or(NONE));
                m.entry(k).or_default().push(i as u32);
            }
            m
        });
        map.get(&(host, svc)).map(Vec::as_slice).unwrap_or(&[])
    }
}
