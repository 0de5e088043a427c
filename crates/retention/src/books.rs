//! Reading the comment, downtime and contact blocks of a retention file into typed
//! values ([`books_of`], [`contacts_of`]), with Nagios 4.4.6's start-up rules
//! ([`restore_books`], spec `notifications.md` §8.6): persistent comments stay,
//! non-persistent ones only when Nagios keeps them (an acknowledgement comment
//! while its object is still acknowledged; a downtime comment with its downtime);
//! a downtime is kept when its object exists and its trigger came before it.
//! Every block that cannot be used is reported with the reason.

use std::collections::HashSet;
use std::str::FromStr;

use vigil_state::{
    Books, Comment, CommentKind, CommentSource, ContactStatus, Downtime, ModAttr, PeriodChange,
};

use crate::view::ConfigView;
use crate::{RawBlock, Retention};

fn num<T: FromStr>(b: &RawBlock, key: &str) -> Result<T, String> {
    let v = b
        .get(key)
        .ok_or_else(|| format!("{} block without {key}", b.kind))?;
    v.trim()
        .parse()
        .map_err(|_| format!("{} block: bad value '{v}' for {key}", b.kind))
}

fn num_or<T: FromStr>(b: &RawBlock, key: &str, default: T) -> Result<T, String> {
    match b.get(key) {
        None => Ok(default),
        Some(_) => num(b, key),
    }
}

fn text(b: &RawBlock, key: &str) -> String {
    b.get(key).unwrap_or("").to_string()
}

fn owner(b: &RawBlock, service: bool) -> Result<(String, Option<String>), String> {
    let host = b
        .get("host_name")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("{} block without host_name", b.kind))?
        .to_string();
    let svc = if service {
        Some(
            b.get("service_description")
                .ok_or_else(|| format!("{} block without service_description", b.kind))?
                .to_string(),
        )
    } else {
        None
    };
    Ok((host, svc))
}

/// A `hostcomment` / `servicecomment` block as a comment.
pub fn comment_of(b: &RawBlock) -> Result<Comment, String> {
    let (host_name, service_description) = owner(b, b.kind == "servicecomment")?;
    let kind_id: i64 = num(b, "entry_type")?;
    let kind = CommentKind::from_id(kind_id)
        .ok_or_else(|| format!("{} block: unknown entry_type {kind_id}", b.kind))?;
    Ok(Comment {
        id: num(b, "comment_id")?,
        host_name,
        service_description,
        kind,
        source: if num_or::<i64>(b, "source", 1)? == 0 {
            CommentSource::Internal
        } else {
            CommentSource::External
        },
        persistent: num_or::<i64>(b, "persistent", 0)? > 0,
        entry_time: num_or(b, "entry_time", 0)?,
        expires: num_or::<i64>(b, "expires", 0)? > 0,
        expire_time: num_or(b, "expire_time", 0)?,
        author: text(b, "author"),
        text: text(b, "comment_data"),
    })
}

/// A `hostdowntime` / `servicedowntime` block as a downtime.
pub fn downtime_of(b: &RawBlock) -> Result<Downtime, String> {
    let (host_name, service_description) = owner(b, b.kind == "servicedowntime")?;
    Ok(Downtime {
        id: num(b, "downtime_id")?,
        host_name,
        service_description,
        comment_id: num_or(b, "comment_id", 0)?,
        entry_time: num_or(b, "entry_time", 0)?,
        start_time: num(b, "start_time")?,
        flex_downtime_start: num_or(b, "flex_downtime_start", 0)?,
        end_time: num(b, "end_time")?,
        triggered_by: num_or(b, "triggered_by", 0)?,
        fixed: num_or::<i64>(b, "fixed", 1)? > 0,
        duration: num_or(b, "duration", 0)?,
        is_in_effect: num_or::<i64>(b, "is_in_effect", 0)? > 0,
        start_notification_sent: num_or::<i64>(b, "start_notification_sent", 0)? > 0,
        author: text(b, "author"),
        comment: text(b, "comment"),
        incremented_pending: false,
    })
}

/// Every usable comment and downtime of a retention file, as written (no start-up
/// rules), and why the others were left out.
pub fn books_of(ret: &Retention) -> (Books, Vec<String>) {
    let mut books = Books::default();
    let mut notes = Vec::new();
    for b in &ret.comments {
        match comment_of(b) {
            Ok(c) if books.comment(c.id).is_none() => books.add_comment(c),
            Ok(c) => notes.push(format!(
                "retention: comment {} appears twice; the first is kept",
                c.id
            )),
            Err(e) => notes.push(format!("retention: {e}; ignored")),
        }
    }
    for b in &ret.downtimes {
        match downtime_of(b) {
            Ok(d) if books.downtime(d.id).is_none() => books.add_downtime(d),
            Ok(d) => notes.push(format!(
                "retention: downtime {} appears twice; the first is kept",
                d.id
            )),
            Err(e) => notes.push(format!("retention: {e}; ignored")),
        }
    }
    (books, notes)
}

/// The books a start-up keeps (Nagios 4.4.6 `xrddefault_read_state_information`):
/// downtimes whose object exists (`exists(host, service)`) and whose trigger was
/// read before them; persistent comments; non-persistent acknowledgement comments
/// of objects still acknowledged (`acknowledged(host, service)`). Downtime comments
/// are left out: registering a downtime at start-up makes its comment again (with
/// a new id). Returns the books and notes about what was left out.
pub fn restore_books(
    ret: &Retention,
    exists: impl Fn(&str, Option<&str>) -> bool,
    acknowledged: impl Fn(&str, Option<&str>) -> bool,
) -> (Books, Vec<String>) {
    let (read, mut notes) = books_of(ret);
    let mut books = Books::default();
    let mut seen: HashSet<u64> = HashSet::new();
    // Downtimes in file order: a triggered one needs its trigger before it.
    let mut order: Vec<Downtime> = Vec::new();
    for b in &ret.downtimes {
        if let Ok(d) = downtime_of(b) {
            if read.downtime(d.id).is_some_and(|x| *x == d) && !order.iter().any(|x| x.id == d.id) {
                order.push(d);
            }
        }
    }
    for d in order {
        let label = format!(
            "downtime {} of {}",
            d.id,
            name(&d.host_name, d.service_description.as_deref())
        );
        if !exists(&d.host_name, d.service_description.as_deref()) {
            notes.push(format!(
                "retention: {label}: the object is not in the configuration; dropped"
            ));
            continue;
        }
        if d.triggered_by != 0 && !seen.contains(&d.triggered_by) {
            notes.push(format!(
                "retention: {label}: its trigger {} was not read before it; dropped",
                d.triggered_by
            ));
            continue;
        }
        seen.insert(d.id);
        books.add_downtime(d);
    }
    for c in read.comments {
        let svc = c.service_description.as_deref();
        if !exists(&c.host_name, svc) {
            continue;
        }
        let keep = c.persistent
            || match c.kind {
                CommentKind::Acknowledgement => acknowledged(&c.host_name, svc),
                CommentKind::Downtime | CommentKind::User | CommentKind::Flapping => false,
            };
        if keep {
            books.add_comment(c);
        }
    }
    (books, notes)
}

fn name(host: &str, svc: Option<&str>) -> String {
    match svc {
        Some(s) => format!("service '{host};{s}'"),
        None => format!("host '{host}'"),
    }
}

/// The contacts' run-time status from the `contact` blocks (index = the view's
/// contact order), with Nagios's rules: the switches only when their modified
/// attribute bit is set (else the configuration wins), the last notification times
/// always.
pub fn contacts_of(ret: &Retention, view: &ConfigView) -> Vec<ContactStatus> {
    view.contacts
        .iter()
        .map(|c| {
            let mut st = ContactStatus::configured(
                c.host_notifications_enabled,
                c.service_notifications_enabled,
            );
            let Some(b) = ret
                .contacts
                .iter()
                .rev()
                .find(|b| b.get("contact_name") == Some(c.name.as_str()))
            else {
                return st;
            };
            let bits = |k: &str| ModAttr::from_bits_retain(num_or::<u64>(b, k, 0).unwrap_or(0));
            st.modified_attributes = bits("modified_attributes");
            st.modified_host_attributes = bits("modified_host_attributes");
            st.modified_service_attributes = bits("modified_service_attributes");
            let flag = |k: &str| num::<i64>(b, k).ok().map(|v| v > 0);
            if st
                .modified_host_attributes
                .contains(ModAttr::NOTIFICATIONS_ENABLED)
            {
                if let Some(v) = flag("host_notifications_enabled") {
                    st.host_notifications_enabled = v;
                }
            }
            if st
                .modified_service_attributes
                .contains(ModAttr::NOTIFICATIONS_ENABLED)
            {
                if let Some(v) = flag("service_notifications_enabled") {
                    st.service_notifications_enabled = v;
                }
            }
            // A retained period's name comes back, not the period the rules use
            // (Nagios 4.4.6, see `PeriodChange`); an unknown one drops the bit.
            let period = |bits: &mut ModAttr, k: &str| -> Option<PeriodChange> {
                if !bits.contains(ModAttr::NOTIFICATION_TIMEPERIOD) {
                    return None;
                }
                match b.get(k) {
                    Some(v) if view.timeperiods.contains(v) => Some(PeriodChange {
                        name: v.to_string(),
                        in_effect: false,
                    }),
                    _ => {
                        bits.remove(ModAttr::NOTIFICATION_TIMEPERIOD);
                        None
                    }
                }
            };
            st.host_notification_period =
                period(&mut st.modified_host_attributes, "host_notification_period");
            st.service_notification_period = period(
                &mut st.modified_service_attributes,
                "service_notification_period",
            );
            let time = |k: &str| num_or::<f64>(b, k, 0.0).unwrap_or(0.0).max(0.0);
            st.last_host_notification = time("last_host_notification");
            st.last_service_notification = time("last_service_notification");
            st
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(kind: &str, fields: &[(&str, &str)]) -> RawBlock {
        RawBlock {
            kind: kind.into(),
            fields: fields.iter().copied().collect(),
        }
    }

    #[test]
    fn bad_blocks_are_reported_not_fatal() {
        let ret = Retention {
            comments: vec![
                block(
                    "servicecomment",
                    &[
                        ("host_name", "h"),
                        ("service_description", "s"),
                        ("entry_type", "9"),
                        ("comment_id", "1"),
                    ],
                ),
                block("hostcomment", &[("entry_type", "1"), ("comment_id", "2")]),
            ],
            downtimes: vec![block(
                "hostdowntime",
                &[
                    ("host_name", "h"),
                    ("downtime_id", "x"),
                    ("start_time", "1"),
                    ("end_time", "2"),
                ],
            )],
            ..Retention::default()
        };
        let (b, notes) = books_of(&ret);
        assert!(b.comments.is_empty() && b.downtimes.is_empty());
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].contains("unknown entry_type 9"));
        assert!(notes[1].contains("without host_name"));
        assert!(notes[2].contains("bad value 'x' for downtime_id"));
    }

    #[test]
    fn start_up_keeps_what_nagios_keeps() {
        let c = |id: &str, t: &str, p: &str| {
            block(
                "hostcomment",
                &[
                    ("host_name", "h"),
                    ("entry_type", t),
                    ("comment_id", id),
                    ("persistent", p),
                ],
            )
        };
        let ret = Retention {
            comments: vec![
                c("1", "1", "0"), // user, not persistent: dropped
                c("2", "1", "1"), // user, persistent: kept
                c("3", "4", "0"), // ack, not persistent: kept while acknowledged
                c("4", "2", "0"), // downtime comment: made again with its downtime
                c("5", "3", "0"), // flapping: dropped
                c("6", "2", "0"), // downtime comment of a dropped downtime
            ],
            downtimes: vec![
                block(
                    "hostdowntime",
                    &[
                        ("host_name", "h"),
                        ("downtime_id", "7"),
                        ("comment_id", "4"),
                        ("start_time", "1"),
                        ("end_time", "9"),
                    ],
                ),
                block(
                    "hostdowntime",
                    &[
                        ("host_name", "h"),
                        ("downtime_id", "8"),
                        ("comment_id", "6"),
                        ("start_time", "1"),
                        ("end_time", "9"),
                        ("triggered_by", "99"),
                    ],
                ),
            ],
            ..Retention::default()
        };
        let (b, notes) = restore_books(&ret, |h, _| h == "h", |_, _| true);
        let ids: Vec<u64> = b.comments.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![2, 3]);
        assert_eq!(b.downtimes.len(), 1);
        assert!(notes.iter().any(|n| n.contains("trigger 99")), "{notes:?}");
        let (b, _) = restore_books(&ret, |h, _| h == "h", |_, _| false);
        assert_eq!(b.comments.iter().map(|c| c.id).collect::<Vec<_>>(), vec![2]);
    }
}
