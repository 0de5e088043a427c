//! `nagios_user` / `nagios_group` (Nagios 4.4.6 `drop_privileges`): started as root,
//! `vigil run` becomes the configured unprivileged user right after reading the
//! configuration, so every plugin, event handler, OCSP and perfdata command runs as
//! that user and every file vigil creates belongs to it; a log file left owned by
//! root is given to that user (Nagios's `fix_log_file_owner`). An unknown user stops
//! it with Nagios's lines.
//!
//! Needs root: skipped with a message otherwise, and a failure under CI=1 (CI runs
//! as root).

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

/// The unprivileged account used: Debian's `nobody` / `nogroup`.
const USER: &str = "nobody";
const GROUP: &str = "nogroup";

/// True when the test can run; false (after saying why) when it must be skipped.
fn root_or_skip(test: &str) -> bool {
    if nix::unistd::Uid::effective().is_root() {
        return true;
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{test}: must run as root under CI (it starts vigil as root to drop privileges)");
    }
    eprintln!(
        "{test}: SKIPPED: not running as root (run the suite as root to drop privileges for real)"
    );
    false
}

fn ids() -> (u32, u32) {
    let u = nix::unistd::User::from_name(USER)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("user {USER} missing"));
    let g = nix::unistd::Group::from_name(GROUP)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("group {GROUP} missing"));
    (u.uid.as_raw(), g.gid.as_raw())
}

/// Every file and directory under `dir` (recursively), with `dir` itself.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    out.push(dir.to_path_buf());
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => walk(&p, out),
                Ok(_) => out.push(p),
                Err(_) => {}
            }
        }
    }
}

/// A script that records `id -u`, `id -g` and `id -G` of the process running it in
/// `var/<name>.ids` (created by that process), then prints `out` and exits `rc`.
fn recorder(t: &TestDir, name: &str, out: &str, rc: i32) {
    t.script(
        &format!("plugins/{name}"),
        &format!(
            "#!/bin/sh\necho \"$(id -u) $(id -g) $(id -G)\" >> {}\necho '{out}'\nexit {rc}\n",
            t.s(&format!("var/{name}.ids"))
        ),
    );
}

#[test]
fn started_as_root_everything_runs_as_and_belongs_to_nagios_user() {
    if !root_or_skip("started_as_root_everything_runs_as_and_belongs_to_nagios_user") {
        return;
    }
    let (uid, gid) = ids();
    let t = TestDir::new();
    for (name, out, rc) in [
        ("check-host", "UP", 0),
        ("check-crit", "CRITICAL - down|x=1", 2),
        ("check-ok", "OK|y=2", 0),
        ("handler", "handled", 0),
        ("ocsp", "", 0),
        ("perfdata", "", 0),
    ] {
        recorder(&t, name, out, rc);
    }
    let objects = format!(
        "\
define command {{
    command_name check-host
    command_line {p}/check-host
}}
define command {{
    command_name check-crit
    command_line {p}/check-crit
}}
define command {{
    command_name check-ok
    command_line {p}/check-ok
}}
define command {{
    command_name handler
    command_line {p}/handler $SERVICESTATE$
}}
define command {{
    command_name ocsp
    command_line {p}/ocsp $SERVICESTATE$
}}
define command {{
    command_name perfdata
    command_line {p}/perfdata $SERVICEPERFDATA$
}}
define host {{
    host_name h1
    check_command check-host
    max_check_attempts 1
    check_interval 1
}}
define service {{
    host_name h1
    service_description failing
    check_command check-crit
    event_handler handler
    max_check_attempts 1
    check_interval 1
    retry_interval 1
}}
define service {{
    host_name h1
    service_description fine
    check_command check-ok
    max_check_attempts 1
    check_interval 1
}}
",
        p = t.s("plugins")
    );
    let v = t.s("var");
    let cfg = write_config(
        &t,
        &format!(
            "nagios_user={USER}\nnagios_group={GROUP}\nobject_cache_file={v}/objects.cache\n\
             process_performance_data=1\nservice_perfdata_command=perfdata\n\
             service_perfdata_file={v}/service-perfdata\nhost_perfdata_file={v}/host-perfdata\n\
             obsess_over_services=1\nocsp_command=ocsp\n"
        ),
        &objects,
    );
    // A log file left by an earlier run as root.
    t.write("var/vigil.log", "[1] left by an earlier run as root\n");
    // What the test created, as root; vigil writes into var/ (given to the user, as
    // Debian gives /var/lib/nagios4 to nagios).
    let mut before = Vec::new();
    walk(t.path(), &mut before);
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    for p in &before {
        let m = std::fs::metadata(p).expect("stat");
        assert_eq!(m.uid(), 0, "{} is not root's", p.display());
    }
    nix::unistd::chown(
        &t.p("var"),
        Some(nix::unistd::Uid::from_raw(uid)),
        Some(nix::unistd::Gid::from_raw(gid)),
    )
    .expect("chown var");
    let stderr = t.p("stderr.txt");
    let mut d = Daemon::start(&cfg, t.path(), &stderr, &[]);
    let done = wait_for(Duration::from_secs(30), || {
        [
            "check-host",
            "check-crit",
            "check-ok",
            "handler",
            "ocsp",
            "perfdata",
        ]
        .iter()
        .all(|n| t.p(&format!("var/{n}.ids")).exists())
            && t.p("var/status.dat").exists()
            && t.p("var/objects.cache").exists()
            && !t.read("var/service-perfdata").is_empty()
    });
    assert!(
        done,
        "not everything ran; stderr:\n{}\nlog:\n{}",
        d.stderr(),
        t.log()
    );
    // The daemon itself: real, effective and saved ids are the user's.
    let status = std::fs::read_to_string(format!("/proc/{}/status", d.pid)).expect("status");
    let line = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert_eq!(line("Uid:"), format!("{uid} {uid} {uid} {uid}"));
    assert_eq!(line("Gid:"), format!("{gid} {gid} {gid} {gid}"));
    // An external command through the FIFO vigil created.
    write_fifo(
        &t.p("var/vigil.cmd"),
        "[1] SAVE_STATE_INFORMATION\n",
        Duration::from_secs(10),
    );
    assert!(wait_for(Duration::from_secs(10), || t
        .log()
        .contains("EXTERNAL COMMAND: SAVE_STATE_INFORMATION")));
    let (st, _) = d.terminate(Duration::from_secs(20));
    assert!(st.success(), "exit {st:?}; stderr:\n{}", d.stderr());

    // Every process vigil started ran as the user, with only its groups.
    let groups = nix::unistd::getgrouplist(
        &std::ffi::CString::new(USER).expect("name"),
        nix::unistd::Gid::from_raw(gid),
    )
    .expect("getgrouplist");
    let want_groups: BTreeSet<u32> = groups.iter().map(|g| g.as_raw()).collect();
    for n in [
        "check-host",
        "check-crit",
        "check-ok",
        "handler",
        "ocsp",
        "perfdata",
    ] {
        let ids = t.read(&format!("var/{n}.ids"));
        assert!(!ids.is_empty(), "{n} never ran");
        for l in ids.lines() {
            let f: Vec<u32> = l
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            assert!(f.len() >= 3, "{n}: bad record {l:?}");
            assert_eq!((f[0], f[1]), (uid, gid), "{n} ran as {l:?}");
            let got: BTreeSet<u32> = f[2..].iter().copied().collect();
            assert_eq!(got, want_groups, "{n}: supplementary groups {l:?}");
        }
    }
    // Every file vigil created (and the log it appended to) belongs to the user.
    let before: BTreeSet<PathBuf> = before.into_iter().collect();
    let mut after = Vec::new();
    walk(t.path(), &mut after);
    let mut created = Vec::new();
    for p in after {
        if p == t.p("stderr.txt") || (before.contains(&p) && p != t.p("var/vigil.log")) {
            continue;
        }
        let m = std::fs::symlink_metadata(&p).expect("stat");
        assert_eq!(
            (m.uid(), m.gid()),
            (uid, gid),
            "{} belongs to {}:{}",
            p.display(),
            m.uid(),
            m.gid()
        );
        created.push(p);
    }
    for f in [
        "var/vigil.log",
        "var/retention.dat",
        "var/retention.dat.wal",
        "var/vigil-handlers.jsonl",
        "var/objects.cache",
        "var/service-perfdata",
        "var/host-perfdata",
    ] {
        assert!(created.contains(&t.p(f)), "{f} missing; have {created:?}");
    }
    assert!(t.log().starts_with("[1] left by an earlier run as root\n"));
}

#[test]
fn an_unknown_nagios_user_stops_vigil_with_nagios_lines() {
    if !root_or_skip("an_unknown_nagios_user_stops_vigil_with_nagios_lines") {
        return;
    }
    let t = TestDir::new();
    recorder(&t, "check-ok", "OK", 0);
    let objects = format!(
        "define command {{\n command_name check-ok\n command_line {}/check-ok\n}}\n\
         define host {{\n host_name h1\n max_check_attempts 1\n}}\n\
         define service {{\n host_name h1\n service_description s\n check_command check-ok\n max_check_attempts 1\n}}\n",
        t.s("plugins")
    );
    let cfg = write_config(
        &t,
        "nagios_user=vigil-no-such-user\nnagios_group=root\n",
        &objects,
    );
    let out = vigil(&["run", &cfg.display().to_string()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The texts Nagios 4.4.6 prints and logs for the same configuration.
    let lines = [
        "Warning: Could not get passwd entry for 'vigil-no-such-user'",
        "Warning: Could not set effective UID=-1",
        "Failed to drop privileges.  Aborting.",
    ];
    let err = stderr(&out);
    let log = t.log();
    for l in lines {
        assert!(err.contains(l), "stderr lacks {l:?}:\n{err}");
        assert!(log.contains(l), "log lacks {l:?}:\n{log}");
    }
    assert!(!t.p("var/check-ok.ids").exists(), "a plugin ran");
    assert!(!t.p("var/retention.dat").exists());
}
