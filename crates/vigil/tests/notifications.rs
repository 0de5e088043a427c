//! `vigil notifications` and `vigil notify` end to end, with the real binary: a
//! running `vigil run` notifies a problem (one contact pages, one is outside its
//! notification period), the problem is then held back by a downtime; the journal
//! shows both decisions with the exact rules that stopped them, and `vigil notify
//! --dry-run` answers who would be paged now without paging anybody.

mod common;

use std::time::Duration;

use common::*;

fn config(t: &TestDir) -> std::path::PathBuf {
    t.script("plugin", "#!/bin/sh\necho 'WEB CRITICAL - 503'\nexit 2\n");
    // The notification command leaves a file per notification type and contact.
    t.script(
        "page",
        "#!/bin/sh\necho \"$1 $2 $3\" >> \"$4/paged-$1-$2.txt\"\necho paged $2\n",
    );
    let objects = "define command {\n command_name check\n command_line $USER1$/plugin\n}\n\
         define command {\n command_name page\n command_line $USER1$/page $NOTIFICATIONTYPE$ $CONTACTNAME$ $NOTIFICATIONNUMBER$ $USER2$\n}\n\
         define timeperiod {\n timeperiod_name always\n alias always\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n\
         define timeperiod {\n timeperiod_name never\n alias never\n}\n\
         define contact {\n contact_name ops\n host_notification_period always\n service_notification_period always\n host_notification_options n\n service_notification_options w,u,c,r,s\n host_notification_commands page\n service_notification_commands page\n}\n\
         define contact {\n contact_name night\n host_notification_period always\n service_notification_period never\n host_notification_options n\n service_notification_options w,u,c,r,s\n host_notification_commands page\n service_notification_commands page\n}\n\
         define host {\n host_name h1\n max_check_attempts 1\n contacts ops\n}\n\
         define service {\n host_name h1\n service_description web\n check_command check\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n contacts ops,night\n notification_interval 0\n}\n";
    write_config(t, "", objects)
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

#[test]
fn journal_and_dry_run_say_who_was_paged_and_why_not() {
    let t = TestDir::new();
    let cfg = config(&t);
    let c = cfg.display().to_string();
    let mut daemon = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let paged = wait_for(Duration::from_secs(30), || {
        t.read("var/paged-PROBLEM-ops.txt")
            .contains("PROBLEM ops 1")
    });
    assert!(paged, "no PROBLEM page; log:\n{}", t.log());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    write_fifo(
        &t.p("var/vigil.cmd"),
        &format!(
            "[{now}] SCHEDULE_SVC_DOWNTIME;h1;web;{now};{};1;0;0;admin;maintenance\n",
            now + 3600
        ),
        Duration::from_secs(10),
    );
    // The next checks' notification attempts are held back by the downtime.
    let held = wait_for(Duration::from_secs(30), || {
        t.read("var/vigil-notifications.jsonl")
            .contains(r#""stopped_by":{"rule":"in_downtime"}"#)
    });
    assert!(
        held,
        "no suppressed decision; journal:\n{}",
        t.read("var/vigil-notifications.jsonl")
    );
    let (status, _) = daemon.terminate(Duration::from_secs(10));
    assert!(status.success(), "vigil run exit: {status:?}");

    // --- vigil notifications --json
    let out = vigil(&[
        "notifications",
        &c,
        "--host",
        "h1",
        "--service",
        "web",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let list = list.as_array().expect("array");
    let problem = list
        .iter()
        .find(|d| d["type_name"] == "PROBLEM" && d["sent"] == true)
        .expect("the sent PROBLEM");
    assert_eq!(problem["number"], 1);
    assert_eq!(
        problem["obj"],
        serde_json::json!({"host": "h1", "service": "web"})
    );
    let contacts = problem["contacts"].as_array().unwrap();
    // Recipients in Nagios's order: the service's contacts as stored (last first).
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0]["contact"], "night");
    assert_eq!(
        contacts[0]["stopped_by"],
        serde_json::json!({"rule": "contact_outside_period", "period": "never"})
    );
    assert_eq!(contacts[1]["contact"], "ops");
    assert!(contacts[1]["stopped_by"].is_null());
    let run = &problem["commands_run"][0];
    assert_eq!(run["contact"], "ops");
    assert_eq!(run["exit_code"], 0);
    assert_eq!(run["output"], "paged ops\n");
    assert!(run["command"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/page PROBLEM ops 1 {}", t.s("var"))));
    let start = list
        .iter()
        .find(|d| d["type_name"] == "DOWNTIMESTART")
        .expect("DOWNTIMESTART decision");
    assert_eq!(start["sent"], true);
    assert_eq!(start["author"], "admin");
    assert_eq!(start["comment"], "maintenance");
    let held = list
        .iter()
        .find(|d| d["stopped_by"]["rule"] == "in_downtime")
        .expect("held back");
    assert_eq!(held["type_name"], "PROBLEM");
    assert_eq!(held["sent"], false);
    for c in held["contacts"].as_array().unwrap() {
        assert_eq!(c["stopped_by"], serde_json::json!({"rule": "in_downtime"}));
    }

    // --- the same in words
    let out = vigil(&["notifications", &c, "--service", "web"]);
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.ends_with("PROBLEM #1 h1;web CRITICAL: sent to ops")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l
                == "    night: not notified: outside the contact's notification period 'never'"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.ends_with("PROBLEM #1 h1;web CRITICAL: not sent: in downtime")),
        "{text}"
    );
    let out = vigil(&["notifications", &c, "--last", "1", "--json"]);
    assert_eq!(json(&out).as_array().map(Vec::len), Some(1));

    // --- vigil notify --dry-run: still in downtime after the restart of state
    let pages_before = std::fs::read_dir(t.path().join("var"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("paged-"))
        })
        .count();
    let out = vigil(&[
        "notify",
        &c,
        "h1",
        "web",
        "--type",
        "PROBLEM",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["sent"], false);
    assert_eq!(
        v["decision"]["stopped_by"],
        serde_json::json!({"rule": "in_downtime"})
    );
    assert_eq!(v["would_run"], serde_json::json!([]));
    let out = vigil(&["notify", &c, "h1", "web", "--type", "PROBLEM", "--dry-run"]);
    assert!(
        stdout(&out).contains("dry run: PROBLEM #1 h1;web CRITICAL: not sent: in downtime"),
        "{}",
        stdout(&out)
    );
    // A forced custom notification passes every filter: both contacts, their
    // expanded commands, and nobody paged.
    let out = vigil(&[
        "notify",
        &c,
        "h1",
        "web",
        "--type",
        "CUSTOM",
        "--options",
        "2",
        "--author",
        "me",
        "--comment",
        "test",
        "--dry-run",
        "--json",
    ]);
    let v = json(&out);
    assert_eq!(v["sent"], true, "{v}");
    let runs = v["would_run"].as_array().unwrap();
    let who: Vec<&str> = runs
        .iter()
        .map(|r| r["contact"].as_str().unwrap())
        .collect();
    assert_eq!(who, vec!["ops", "night"]);
    assert!(runs[0]["command"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/page CUSTOM ops 1 {}", t.s("var"))));
    assert_eq!(
        v["would_log"][0],
        "SERVICE NOTIFICATION: ops;h1;web;CUSTOM (CRITICAL);page;WEB CRITICAL - 503;me;test"
    );
    let pages_after = std::fs::read_dir(t.path().join("var"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("paged-"))
        })
        .count();
    assert_eq!(pages_before, pages_after, "a dry run paged somebody");
    assert!(!t.read("var/paged-CUSTOM-ops.txt").contains("CUSTOM"));

    // Without --dry-run it pages, and the journal records it.
    let out = vigil(&[
        "notify",
        &c,
        "h1",
        "web",
        "--type",
        "CUSTOM",
        "--options",
        "2",
        "--author",
        "me",
        "--comment",
        "test",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(t.read("var/paged-CUSTOM-ops.txt"), "CUSTOM ops 1\n");
    assert_eq!(t.read("var/paged-CUSTOM-night.txt"), "CUSTOM night 1\n");
    let out = vigil(&["notifications", &c, "--last", "1", "--json"]);
    let last = &json(&out)[0];
    assert_eq!(last["type_name"], "CUSTOM");
    assert_eq!(last["commands_run"].as_array().map(Vec::len), Some(2));

    // Unknown objects and types are reported, not fatal.
    let out = vigil(&["notify", &c, "nohost", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no host 'nohost'"),
        "{}",
        stderr(&out)
    );
    let out = vigil(&["notify", &c, "h1", "web", "--type", "BOGUS", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid notification type 'BOGUS'"));
}
