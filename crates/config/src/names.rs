//! How one item of a name list selects objects (objects.md §5), as Nagios
//! 4.4.6 expands `host_name`, `hostgroup_name`, `members`, `hostgroups`,
//! `service_description` (in escalations, dependencies and extinfo) lists:
//!
//! * `*` selects every object of the kind;
//! * `!name` excludes `name`;
//! * anything else names one object;
//! * with `use_regexp_matching=1`, an item is a regular expression when
//!   `use_true_regexp_matching=1`, or when it contains `*`, `?`, `+` or `\.`
//!   (so with regular expressions on, `*` and `!x` are expressions too, as in
//!   Nagios). `use_true_regexp_matching=1` alone does nothing (checked with
//!   `nagios4 -v`).
//!
//! Nagios compiles the item with `regcomp(REG_EXTENDED)` and tests a name with
//! `regexec`, which is not anchored: `web.*` also selects `myweb2`. vigil uses
//! the `regex` crate, also unanchored. Where the two differ: POSIX leftmost-
//! longest vs. leftmost-first does not matter for a yes/no match; the `regex`
//! crate also knows Perl classes (`\d`, `\w`, `\s`) and rejects a few
//! expressions glibc accepts (a leading `*`, `a{,3}`, back references); such an
//! item is an error in vigil, where glibc may match it literally or fail.

use crate::model::MainConfig;

/// The `use_regexp_matching` / `use_true_regexp_matching` settings.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Matching {
    regexp: bool,
    true_regexp: bool,
}

/// One list item, classified.
pub(crate) enum Item<'a> {
    /// `*`: every object.
    All,
    /// `!name`: exclude this name.
    Exclude(&'a str),
    /// A plain name.
    Name(&'a str),
    /// A regular expression (or why it does not compile).
    Regex(Result<regex::Regex, String>),
}

impl Matching {
    /// The settings of a main config.
    pub fn new(main: &MainConfig) -> Matching {
        Matching {
            regexp: main.use_regexp_matching,
            true_regexp: main.use_true_regexp_matching,
        }
    }

    /// Whether any item can be a regular expression.
    pub fn regexp(&self) -> bool {
        self.regexp
    }

    /// Classifies one (trimmed, non-empty) item.
    pub fn item<'a>(&self, s: &'a str) -> Item<'a> {
        if self.is_regex(s) {
            return Item::Regex(regex::Regex::new(s).map_err(|e| regex_error(&e)));
        }
        if s == "*" {
            Item::All
        } else if let Some(x) = s.strip_prefix('!') {
            Item::Exclude(x)
        } else {
            Item::Name(s)
        }
    }

    fn is_regex(&self, s: &str) -> bool {
        self.regexp && (self.true_regexp || s.contains(['*', '?', '+']) || s.contains("\\."))
    }
}

/// The first line of a `regex` error (the rest is a drawing of the pattern).
fn regex_error(e: &regex::Error) -> String {
    let s = e.to_string();
    s.lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string())
        .unwrap_or(s)
}

/// What a list selected, before exclusions are applied.
#[derive(Debug)]
pub(crate) struct Selection<T> {
    /// Selected objects, in list order (may repeat).
    pub include: Vec<T>,
    /// Excluded objects.
    pub exclude: Vec<T>,
    /// Items that selected nothing: (item as written, was an exclusion).
    pub missing: Vec<(String, bool)>,
    /// Items that are not valid regular expressions: (item, why).
    pub bad_regex: Vec<(String, String)>,
}

impl<T: Copy + Ord> Selection<T> {
    /// The selected objects less the excluded ones, sorted, without repeats.
    pub fn result(&self) -> Vec<T> {
        let mut inc = self.include.clone();
        inc.sort_unstable();
        inc.dedup();
        if !self.exclude.is_empty() {
            let mut exc = self.exclude.clone();
            exc.sort_unstable();
            inc.retain(|x| exc.binary_search(x).is_err());
        }
        inc
    }
}

/// Selects from a set of named objects with the list `value` (comma
/// separated). `lookup` finds one name; `all` lists every `(name, object)`.
pub(crate) fn select<'n, T: Copy>(
    m: Matching,
    value: &str,
    lookup: impl Fn(&str) -> Option<T>,
    all: impl Fn() -> Vec<(&'n str, T)>,
) -> Selection<T> {
    let mut s = Selection {
        include: Vec::new(),
        exclude: Vec::new(),
        missing: Vec::new(),
        bad_regex: Vec::new(),
    };
    for item in crate::util::list(value) {
        match m.item(item) {
            // `*` over no objects selects nothing, without complaint.
            Item::All => s.include.extend(all().into_iter().map(|(_, t)| t)),
            Item::Exclude(x) => match lookup(x) {
                Some(t) => s.exclude.push(t),
                None => s.missing.push((item.to_string(), true)),
            },
            Item::Name(x) => match lookup(x) {
                Some(t) => s.include.push(t),
                None => s.missing.push((item.to_string(), false)),
            },
            Item::Regex(Ok(re)) => {
                let before = s.include.len();
                s.include.extend(
                    all()
                        .into_iter()
                        .filter(|(n, _)| re.is_match(n))
                        .map(|(_, t)| t),
                );
                if s.include.len() == before {
                    s.missing.push((item.to_string(), false));
                }
            }
            Item::Regex(Err(why)) => s.bad_regex.push((item.to_string(), why)),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<(&'static str, u32)> {
        vec![("web1", 0), ("myweb2", 1), ("db1", 2)]
    }

    fn sel(m: Matching, v: &str) -> (Vec<u32>, Vec<(String, bool)>) {
        let n = names();
        let s = select(
            m,
            v,
            |x| n.iter().find(|(k, _)| *k == x).map(|(_, t)| *t),
            || n.clone(),
        );
        (s.result(), s.missing)
    }

    #[test]
    fn literal_star_and_exclusion() {
        let m = Matching::default();
        assert_eq!(sel(m, "*,!db1").0, vec![0, 1]);
        assert_eq!(sel(m, "web.*").1, vec![("web.*".to_string(), false)]);
        assert_eq!(sel(m, "db1,!nope").1, vec![("!nope".to_string(), true)]);
    }

    #[test]
    fn regex_is_unanchored_and_needs_use_regexp_matching() {
        let on = Matching {
            regexp: true,
            true_regexp: false,
        };
        assert_eq!(sel(on, "web[0-9]+").0, vec![0, 1]);
        // Without a trigger character the item is literal, `!` excludes.
        assert_eq!(sel(on, "web1,db1,!db1").0, vec![0]);
        assert_eq!(sel(on, "db.").1.len(), 1);
        let truly = Matching {
            regexp: true,
            true_regexp: true,
        };
        assert_eq!(sel(truly, "db.").0, vec![2]);
        // `!x` is an expression too when every item is one.
        assert_eq!(sel(truly, "!db1").1.len(), 1);
        let only_true = Matching {
            regexp: false,
            true_regexp: true,
        };
        assert_eq!(sel(only_true, "web.*").0, Vec::<u32>::new());
    }

    proptest::proptest! {
        /// Any list, with regular expressions on or off: a selection, never a
        /// panic, and everything selected exists.
        #[test]
        fn never_panics(v in ".{0,40}", on in proptest::prelude::any::<bool>(), all in proptest::prelude::any::<bool>()) {
            let m = Matching { regexp: on, true_regexp: all };
            let (got, _) = sel(m, &v);
            proptest::prop_assert!(got.iter().all(|&i| i < 3));
        }
    }
}
