//! Plugin output is data, never code (README "Where vigil differs", issue 4): a plugin
//! prints shell metacharacters and command-injection payloads; event handlers receive
//! `$SERVICEOUTPUT$`, `$LONGSERVICEOUTPUT$` and `$SERVICEPERFDATA$` double-quoted,
//! single-quoted and unquoted, both through a direct exec and through `/bin/sh` (when
//! the admin's own command line needs it: a pipe, a redirection). Run with and
//! without `illegal_macro_output_chars`.
//!
//! Asserted: no payload ever runs (no marker file appears); each handler gets the
//! output verbatim (less the stripped characters when they are set; control
//! characters always go), unquoted positions split on white space; the log keeps the
//! raw output.

mod common;

use std::time::Duration;

use common::*;

/// The characters stripped in the "set" variant (the demo's list).
const ILLEGAL: &str = "`~$&|'\"<>";

/// Plugin output: line 1 is the short output (no `|`, so all of it is output), line 2
/// and the part of line 3 before `|` the long output, the rest perfdata. `{D}` is the
/// directory where an injected `touch` would create its marker.
fn raw_output(d: &str) -> String {
    format!(
        "CRIT a;b&c$d'e\"f<g>h(i)j `k`  $(touch {d}/pwned-1) `touch {d}/pwned-2` ; touch {d}/pwned-3 && touch {d}/pwned-4 x\ty $HOME ${{PATH}} \\$(touch {d}/pwned-9)\n\
long1 ;&$(touch {d}/pwned-5) 'q' \"dq\" \\$(touch {d}/pwned-6) (sub) >{d}/pwned-10\n\
tail `touch {d}/pwned-7` <in >out | perf=1;2;3 $(touch {d}/pwned-8) >{d}/pwned-11\n"
    )
}

/// `$SERVICEOUTPUT$` as Nagios makes it: `;` becomes `:`, the tab (a control
/// character) is always stripped.
fn expected_short(d: &str) -> String {
    format!(
        "CRIT a:b&c$d'e\"f<g>h(i)j `k`  $(touch {d}/pwned-1) `touch {d}/pwned-2` : touch {d}/pwned-3 && touch {d}/pwned-4 xy $HOME ${{PATH}} \\$(touch {d}/pwned-9)"
    )
}

/// `$LONGSERVICEOUTPUT$`: lines joined with a literal `\n`, backslashes doubled; the
/// last line keeps its trailing space (the text before `|`).
fn expected_long(d: &str) -> String {
    format!(
        "long1 ;&$(touch {d}/pwned-5) 'q' \"dq\" \\\\$(touch {d}/pwned-6) (sub) >{d}/pwned-10\\ntail `touch {d}/pwned-7` <in >out "
    )
}

/// `$SERVICEPERFDATA$`: trimmed, `;` kept.
fn expected_perf(d: &str) -> String {
    format!("perf=1;2;3 $(touch {d}/pwned-8) >{d}/pwned-11")
}

/// The short output as the log line shows it (raw: tab kept, nothing stripped).
fn expected_log_output(d: &str) -> String {
    format!(
        "CRIT a:b&c$d'e\"f<g>h(i)j `k`  $(touch {d}/pwned-1) `touch {d}/pwned-2` : touch {d}/pwned-3 && touch {d}/pwned-4 x\ty $HOME ${{PATH}} \\$(touch {d}/pwned-9)"
    )
}

fn strip(s: &str, set: bool) -> String {
    if set {
        s.chars().filter(|c| !ILLEGAL.contains(*c)).collect()
    } else {
        s.to_string()
    }
}

/// Words as an unquoted position yields them (split on white space, empties dropped).
fn words(s: &str) -> Vec<String> {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// (service, handler command line, expected argv builder)
type Expect = fn(&str, &str, &str) -> Vec<String>;

fn cases() -> Vec<(&'static str, &'static str, Expect)> {
    vec![
        (
            "dq",
            "$USER1$/record $USER2$/dq.txt \"$SERVICEOUTPUT$\" \"$LONGSERVICEOUTPUT$\" \"$SERVICEPERFDATA$\" --output=\"$SERVICEOUTPUT$\"",
            |s, l, p| vec![s.into(), l.into(), p.into(), format!("--output={s}")],
        ),
        (
            "sq",
            "$USER1$/record $USER2$/sq.txt '$SERVICEOUTPUT$' '$LONGSERVICEOUTPUT$' '$SERVICEPERFDATA$'",
            |s, l, p| vec![s.into(), l.into(), p.into()],
        ),
        (
            "uq",
            "$USER1$/record $USER2$/uq.txt $SERVICEOUTPUT$ $LONGSERVICEOUTPUT$ x$SERVICEPERFDATA$y",
            |s, l, p| {
                let mut v = words(s);
                v.extend(words(l));
                let mut pw = words(p);
                if let Some(f) = pw.first_mut() {
                    *f = format!("x{f}");
                }
                if let Some(last) = pw.last_mut() {
                    last.push('y');
                }
                v.extend(pw);
                v
            },
        ),
        (
            "pipe",
            "$USER1$/argv \"$SERVICEOUTPUT$\" '$LONGSERVICEOUTPUT$' $SERVICEOUTPUT$ | cat >> $USER2$/pipe.txt",
            |s, l, _| {
                let mut v = vec![s.to_string(), l.to_string()];
                v.extend(words(s));
                v
            },
        ),
        (
            "redir",
            "$USER1$/argv \"$LONGSERVICEOUTPUT$\" '$SERVICEPERFDATA$' $LONGSERVICEOUTPUT$ > $USER2$/redir.txt 2>&1",
            |_, l, p| {
                let mut v = vec![l.to_string(), p.to_string()];
                v.extend(words(l));
                v
            },
        ),
    ]
}

fn run_case(set: bool) {
    let t = TestDir::new();
    let d = t.s("");
    let d = d.trim_end_matches('/');
    t.write("out.txt", &raw_output(d));
    t.script(
        "plugin",
        &format!("#!/bin/sh\ncat {}\nexit 2\n", t.s("out.txt")),
    );
    // Direct-exec handler: argv (after the output file name) one per line.
    t.script(
        "record",
        "#!/bin/sh\nout=$1\nshift\nprintf '%s\\n' \"$@\" > \"$out\"\n",
    );
    // Shell handler: argv one per line on stdout (the admin's pipe/redirection saves it).
    t.script("argv", "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");

    let mut objects = String::from(
        "define command {\n    command_name meta\n    command_line $USER1$/plugin\n}\n\
         define host {\n    host_name h1\n    max_check_attempts 1\n}\n",
    );
    for (svc, line, _) in cases() {
        objects.push_str(&format!(
            "define command {{\n    command_name h-{svc}\n    command_line {line}\n}}\n\
             define service {{\n    host_name h1\n    service_description {svc}\n    check_command meta\n    \
             max_check_attempts 1\n    check_interval 3600\n    retry_interval 3600\n    event_handler h-{svc}\n}}\n"
        ));
    }
    let extra = if set {
        format!("illegal_macro_output_chars={ILLEGAL}")
    } else {
        String::new()
    };
    let cfg = write_config(&t, &extra, &objects);
    let verify = vigil(&["verify", &cfg.display().to_string()]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));

    let mut daemon = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let n = cases().len();
    let done = wait_for(Duration::from_secs(30), || t.journal().len() >= n);
    assert!(
        done,
        "expected {n} handler runs in the journal; got {:?}\nlog:\n{}\nstderr:\n{}",
        t.journal(),
        t.log(),
        daemon.stderr()
    );
    let (status, _) = daemon.terminate(Duration::from_secs(10));
    assert!(status.success(), "vigil run exit: {status:?}");
    assert!(
        daemon.tagged_processes().is_empty(),
        "left-over processes: {:?}",
        daemon.tagged_processes()
    );

    // Every handler ran once, successfully.
    let journal = t.journal();
    for (svc, _, _) in cases() {
        let runs: Vec<_> = journal.iter().filter(|e| e["service"] == svc).collect();
        assert_eq!(runs.len(), 1, "{svc}: {journal:?}");
        assert_eq!(runs[0]["exit_code"], 0, "{svc}: {:?}", runs[0]);
        assert_eq!(runs[0]["state"], "CRITICAL");
        assert_eq!(runs[0]["state_type"], "HARD");
    }

    // No payload ran.
    let pwned: Vec<String> = std::fs::read_dir(t.path())
        .expect("read test dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned"))
        .collect();
    assert!(pwned.is_empty(), "injected commands ran: {pwned:?}");

    // Each handler got the output verbatim (less the stripped characters).
    let s = strip(&expected_short(d), set);
    let l = strip(&expected_long(d), set);
    let p = strip(&expected_perf(d), set);
    for (svc, _, expect) in cases() {
        let got = t.read(&format!("var/{svc}.txt"));
        let got: Vec<&str> = got.lines().collect();
        let want = expect(&s, &l, &p);
        assert_eq!(
            got, want,
            "arguments received by handler '{svc}' (set={set})"
        );
    }
    // The stripped variant really lost every listed character (a guard against a
    // vacuous comparison).
    if set {
        let dq = t.read("var/dq.txt");
        for c in ILLEGAL.chars() {
            assert!(!dq.contains(c), "'{c}' not stripped: {dq}");
        }
    } else {
        let dq = t.read("var/dq.txt");
        for c in "`$&'\"<>;()\\".chars() {
            assert!(dq.contains(c), "'{c}' missing from verbatim output: {dq}");
        }
    }

    // The log keeps the raw output, whatever is stripped for the handlers.
    let log = t.log();
    for (svc, _, _) in cases() {
        let want = format!(
            "SERVICE ALERT: h1;{svc};CRITICAL;HARD;1;{}",
            expected_log_output(d)
        );
        assert!(
            log.lines().any(|l| l.ends_with(&want)),
            "log has '{want}':\n{log}"
        );
        assert_eq!(
            count_lines(
                &log,
                &format!("SERVICE EVENT HANDLER: h1;{svc};CRITICAL;HARD;1;h-{svc}")
            ),
            1,
            "{log}"
        );
    }
}

#[test]
fn output_is_data_with_illegal_chars_unset() {
    run_case(false);
}

#[test]
fn output_is_data_with_illegal_chars_set() {
    run_case(true);
}

/// Acknowledgement authors and comments, downtime comments and custom notification
/// texts are data too: a contact's notification commands receive them in double
/// quotes and unquoted through a direct exec, and through `/bin/sh` behind a pipe;
/// no payload runs, each command gets the text verbatim (unquoted positions split
/// on white space), and status.dat keeps the comments as they were given.
#[test]
fn notification_texts_are_data() {
    let t = TestDir::new();
    let d = t.s("");
    let d = d.trim_end_matches('/');
    t.script("plugin", "#!/bin/sh\necho 'DISK CRITICAL'\nexit 2\n");
    t.script(
        "record",
        "#!/bin/sh\nout=$1\nshift\nprintf '%s\\n' \"$@\" > \"$out\"\n",
    );
    t.script("argv", "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    let fields =
        "$NOTIFICATIONAUTHOR$ $NOTIFICATIONCOMMENT$ $SERVICEACKAUTHOR$ $SERVICEACKCOMMENT$";
    let quoted: String = fields
        .split(' ')
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(" ");
    let objects = format!(
        "define command {{\n command_name check\n command_line $USER1$/plugin\n}}\n\
         define command {{\n command_name n-dq\n command_line $USER1$/record $USER2$/dq-$NOTIFICATIONTYPE$.txt {quoted}\n}}\n\
         define command {{\n command_name n-uq\n command_line $USER1$/record $USER2$/uq-$NOTIFICATIONTYPE$.txt {fields}\n}}\n\
         define command {{\n command_name n-pipe\n command_line $USER1$/argv {quoted} | cat > $USER2$/pipe-$NOTIFICATIONTYPE$.txt\n}}\n\
         define timeperiod {{\n timeperiod_name always\n alias always\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}}\n\
         define contact {{\n contact_name ops\n host_notification_period always\n service_notification_period always\n host_notification_options n\n service_notification_options w,u,c,r,f,s\n host_notification_commands n-dq\n service_notification_commands n-dq,n-uq,n-pipe\n}}\n\
         define host {{\n host_name h1\n max_check_attempts 1\n contacts ops\n}}\n\
         define service {{\n host_name h1\n service_description disk\n check_command check\n max_check_attempts 1\n check_interval 3600\n retry_interval 3600\n contacts ops\n notification_interval 0\n}}\n"
    );
    let cfg = write_config(&t, "enable_notifications=1", &objects);
    let verify = vigil(&["verify", &cfg.display().to_string()]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    let mut daemon = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let problem = wait_for(Duration::from_secs(30), || {
        t.read("var/pipe-PROBLEM.txt").lines().count() >= 4
    });
    assert!(problem, "no PROBLEM notification; log:\n{}", t.log());

    // Author fields end at the next `;`; an acknowledgement's comment takes the
    // rest of the line, a downtime's and a custom notification's end at a `;`.
    let ack_author = format!("a$(touch {d}/pwned-a1)`touch {d}/pwned-a2`");
    let ack_comment =
        format!("c; $(touch {d}/pwned-a3) && touch {d}/pwned-a4 | x 'q' \"dq\" >{d}/pwned-a5");
    let dt_author = format!("d$(touch {d}/pwned-d1)");
    let dt_comment = format!("dc `touch {d}/pwned-d2` $HOME && touch {d}/pwned-d3");
    let cu_author = format!("x$(touch {d}/pwned-x1)");
    let cu_comment = format!("xc $(touch {d}/pwned-x2) || touch {d}/pwned-x3 \\$x");
    let user_comment = format!("u $(touch {d}/pwned-u1); `touch {d}/pwned-u2`");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    write_fifo(
        &t.p("var/vigil.cmd"),
        &format!(
            "[{now}] ACKNOWLEDGE_SVC_PROBLEM;h1;disk;1;1;1;{ack_author};{ack_comment}\n\
             [{now}] SCHEDULE_SVC_DOWNTIME;h1;disk;{now};{};1;0;0;{dt_author};{dt_comment}\n\
             [{now}] SEND_CUSTOM_SVC_NOTIFICATION;h1;disk;2;{cu_author};{cu_comment}\n\
             [{now}] ADD_SVC_COMMENT;h1;disk;1;{cu_author};{user_comment}\n",
            now + 3600
        ),
        Duration::from_secs(10),
    );
    let all = wait_for(Duration::from_secs(30), || {
        ["ACKNOWLEDGEMENT", "DOWNTIMESTART", "CUSTOM"]
            .iter()
            .all(|k| t.read(&format!("var/pipe-{k}.txt")).lines().count() >= 4)
            && t.read("var/status.dat").contains("comment_data=u ")
    });
    assert!(
        all,
        "notifications missing; log:\n{}\nstderr:\n{}",
        t.log(),
        daemon.stderr()
    );
    let (status, _) = daemon.terminate(Duration::from_secs(10));
    assert!(status.success(), "vigil run exit: {status:?}");

    let pwned: Vec<String> = std::fs::read_dir(t.path())
        .expect("read test dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned"))
        .collect();
    assert!(pwned.is_empty(), "injected commands ran: {pwned:?}");

    // (type, $NOTIFICATIONAUTHOR$, $NOTIFICATIONCOMMENT$, $SERVICEACKAUTHOR$, $SERVICEACKCOMMENT$)
    let cases = [
        (
            "ACKNOWLEDGEMENT",
            ack_author.as_str(),
            ack_comment.as_str(),
            ack_author.as_str(),
            ack_comment.as_str(),
        ),
        ("DOWNTIMESTART", &dt_author, &dt_comment, "", ""),
        ("CUSTOM", &cu_author, &cu_comment, "", ""),
    ];
    for (kind, na, nc, aa, ac) in cases {
        let want: Vec<String> = [na, nc, aa, ac].iter().map(|s| s.to_string()).collect();
        for file in ["dq", "pipe"] {
            let got = t.read(&format!("var/{file}-{kind}.txt"));
            let got: Vec<&str> = got.lines().collect();
            assert_eq!(got, want, "{file} {kind}");
        }
        let mut words_want = Vec::new();
        for s in [na, nc, aa, ac] {
            words_want.extend(words(s));
        }
        let got = t.read(&format!("var/uq-{kind}.txt"));
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got, words_want, "uq {kind}");
    }
    // The texts went through verbatim (guard against a vacuous comparison).
    let dq = t.read("var/dq-ACKNOWLEDGEMENT.txt");
    for c in "`$&'\">;|()".chars() {
        assert!(dq.contains(c), "'{c}' missing from verbatim text: {dq}");
    }
    // status.dat and retention.dat keep them as given.
    let status = t.read("var/retention.dat");
    for text in [&ack_comment, &dt_comment, &user_comment] {
        assert!(
            status.lines().any(|l| l.ends_with(text.as_str())),
            "retention.dat lacks '{text}':\n{status}"
        );
    }
    let log = t.log();
    assert!(
        log.lines().any(|l| l.ends_with(&format!(
            "SERVICE NOTIFICATION: ops;h1;disk;ACKNOWLEDGEMENT (CRITICAL);n-dq;DISK CRITICAL;{ack_author};{ack_comment}"
        ))),
        "{log}"
    );
}
