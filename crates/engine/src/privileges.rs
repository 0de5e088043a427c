//! Dropping root privileges as Nagios 4.4.6 does (`drop_privileges`, called right
//! after the main configuration is read, before anything is run or created): only
//! when started as root; `nagios_group` (a name or a number) becomes the real and
//! effective group, the supplementary groups are those of `nagios_user`
//! (`initgroups`), and `nagios_user` (a name or a number) the real and effective
//! user. From then on every check, handler and helper runs as that user, and every
//! file vigil creates belongs to it. Like Nagios's `fix_log_file_owner`, files
//! vigil appends to and may find owned by root from an earlier run as root (the log
//! file and vigil's own journals) are given to that user first.
//!
//! Failures are reported with Nagios's texts; the caller then logs
//! `Failed to drop privileges.  Aborting.` and exits, as Nagios does.

use std::ffi::CString;
use std::path::Path;

use nix::errno::Errno;
use nix::unistd::{Gid, Group, Uid, User};

/// What [`drop_privileges`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// Not started as root: nothing to drop (Nagios: "so we don't interfere with
    /// being debugged while running as some random user").
    NotRoot,
    /// Started as root without `nagios_user` / `nagios_group`: still root.
    NotConfigured,
    /// Now running as this user and group (still root when they name root).
    To {
        /// The user id now in effect.
        uid: u32,
        /// The group id now in effect.
        gid: u32,
    },
}

/// Why privileges could not be dropped: Nagios's warning lines, in order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", lines.join("; "))]
pub struct DropError {
    /// The `Warning: ...` lines Nagios logs before `Failed to drop privileges.`.
    pub lines: Vec<String>,
}

/// Nagios's test for "a number": only digits (`strspn(s, "0123456789") == strlen`).
fn numeric(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// C `atoi` of an all-digit string (saturating).
fn atoi(s: &str) -> u32 {
    s.parse::<u64>()
        .map_or(u32::MAX, |v| v.min(u64::from(u32::MAX)) as u32)
}

/// Drops root privileges to `user` / `group` (see the module documentation).
/// `own` are files that must belong to the user afterwards (existing ones are
/// chowned, missing ones are left alone).
pub fn drop_privileges(
    user: Option<&str>,
    group: Option<&str>,
    own: &[&Path],
) -> Result<Dropped, DropError> {
    if !Uid::current().is_root() {
        return Ok(Dropped::NotRoot);
    }
    if user.is_none() && group.is_none() {
        return Ok(Dropped::NotConfigured);
    }
    let mut lines = Vec::new();
    // -1 (as Nagios's (gid_t)-1) when the name is unknown: setgid/setuid then fail.
    let gid = group.map(|g| {
        if numeric(g) {
            Gid::from_raw(atoi(g))
        } else {
            match Group::from_name(g) {
                Ok(Some(gr)) => gr.gid,
                _ => {
                    lines.push(format!("Warning: Could not get group entry for '{g}'"));
                    Gid::from_raw(u32::MAX)
                }
            }
        }
    });
    let uid = user.map(|u| {
        if numeric(u) {
            Uid::from_raw(atoi(u))
        } else {
            match User::from_name(u) {
                Ok(Some(pw)) => pw.uid,
                _ => {
                    lines.push(format!("Warning: Could not get passwd entry for '{u}'"));
                    Uid::from_raw(u32::MAX)
                }
            }
        }
    });
    let valid = |raw: u32| raw != u32::MAX;
    if let Some(u) = uid.filter(|u| valid(u.as_raw())) {
        let g = gid.filter(|g| valid(g.as_raw()));
        for p in own {
            if p.exists() {
                // Best effort, as Nagios's fix_log_file_owner: a file that cannot be
                // given away shows up later as a write error.
                let _ = nix::unistd::chown(*p, Some(u), g);
            }
        }
    }
    let mut failed = false;
    if let Some(g) = gid {
        if g != Gid::effective() && nix::unistd::setgid(g).is_err() {
            lines.push(format!(
                "Warning: Could not set effective GID={}",
                g.as_raw() as i32
            ));
            failed = true;
        }
    }
    if let (Some(name), Some(u)) = (user, uid) {
        if u != Uid::effective() {
            let group_for_init = gid.unwrap_or_else(Gid::effective);
            let cname = CString::new(name).map_err(|_| DropError {
                lines: vec![format!("Warning: Could not get passwd entry for '{name}'")],
            })?;
            match nix::unistd::initgroups(&cname, group_for_init) {
                Ok(()) => {}
                Err(Errno::EPERM) => lines.push(
                    "Warning: Unable to change supplementary groups using initgroups() -- I hope you know what you're doing"
                        .to_string(),
                ),
                Err(_) => {
                    lines.push(
                        "Warning: Possibly root user failed dropping privileges with initgroups()"
                            .to_string(),
                    );
                    return Err(DropError { lines });
                }
            }
        }
        if nix::unistd::setuid(u).is_err() {
            lines.push(format!(
                "Warning: Could not set effective UID={}",
                u.as_raw() as i32
            ));
            failed = true;
        }
    }
    if failed {
        return Err(DropError { lines });
    }
    Ok(Dropped::To {
        uid: Uid::effective().as_raw(),
        gid: Gid::effective().as_raw(),
    })
}

/// The files of a configuration that vigil appends to, so that an earlier run as
/// root may have left them owned by root: the log file, the state journal next to
/// the retention file, and the handler journal (both its files).
pub fn appended_files(
    main: &vigil_config::MainConfig,
    handler_journal: &Path,
) -> Vec<std::path::PathBuf> {
    let mut v = vec![main.log_file.clone(), handler_journal.to_path_buf()];
    let mut rotated = handler_journal.as_os_str().to_owned();
    rotated.push(".1");
    v.push(rotated.into());
    if let Some(r) = &main.state_retention_file {
        v.push(vigil_retention::wal::path_for(r));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_as_nagios_tells_them_apart() {
        assert!(numeric("103") && !numeric("nagios") && !numeric("10a"));
        assert_eq!(atoi("65534"), 65534);
        assert_eq!(atoi("99999999999"), u32::MAX);
    }
}
