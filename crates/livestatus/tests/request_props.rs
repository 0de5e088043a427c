//! Property tests: no request text makes the parser or the query engine panic, and
//! every reply is well framed (the fixed16 header announces the body's length; a
//! json reply to a valid request is valid JSON).

use proptest::prelude::*;
use std::sync::{Arc, OnceLock};
use vigil_livestatus::mem::MemSite;
use vigil_livestatus::{parse_request, QueryEnv, Request, StatusCode};

const OBJECTS: &str = "\
define command {\n command_name c\n command_line /bin/true $ARG1$\n }\n\
define timeperiod {\n timeperiod_name 24x7\n alias all\n monday 00:00-24:00\n }\n\
define contact {\n contact_name alice\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_commands c\n service_notification_commands c\n _PHONE 1\n }\n\
define contactgroup {\n contactgroup_name admins\n members alice\n }\n\
define hostgroup {\n hostgroup_name hg\n }\n\
define host {\n host_name h1\n address 10.0.0.1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contact_groups admins\n notification_period 24x7\n hostgroups hg\n _LOC r1\n }\n\
define host {\n host_name h2\n address 10.0.0.2\n parents h1\n check_command c\n max_check_attempts 3\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define servicegroup {\n servicegroup_name sg\n members h1,s1\n }\n\
define service {\n host_name h1,h2\n service_description s1\n check_command c!x\n max_check_attempts 2\n check_interval 5\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contact_groups admins\n }\n";

fn site() -> &'static MemSite {
    static S: OnceLock<MemSite> = OnceLock::new();
    S.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("vigil-ls-props-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("o.cfg"), OBJECTS).unwrap();
        std::fs::write(
            dir.join("n.cfg"),
            format!(
                "cfg_file={}\nlog_file={}\n",
                dir.join("o.cfg").display(),
                dir.join("l").display()
            ),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.join("n.cfg"))
            .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
        let mut s = MemSite::new(Arc::new(m), 1_700_000_000.0, 1);
        fill(&mut s);
        s
    })
}

/// Test data set directly: a CRITICAL, acknowledged service with long output and
/// perf data, its comment, a host downtime, log lines and a handler run.
fn fill(s: &mut MemSite) {
    use vigil_livestatus::{AckKind, Comment, Downtime, HandlerOutcome, HandlerRun};
    use vigil_state::{ServiceState, StateType};
    let h1 = s.model.find_host("h1").unwrap();
    let h2 = s.model.find_host("h2").unwrap();
    let s1 = s.model.find_service("h1", "s1").unwrap();
    let st = &mut s.services[s1.idx()];
    st.current_state = ServiceState::Critical;
    st.state_type = StateType::Hard;
    st.has_been_checked = true;
    st.last_check = 1_700_000_000.0;
    st.output.short = Some("bad ö \"x\"".into());
    st.output.long = "long\\nline".into();
    st.output.perfdata = "p=1".into();
    s.service_extra[s1.idx()].acknowledgement = Some(AckKind::Sticky);
    s.comments.push(Comment {
        id: 1,
        host: h1,
        service: Some(s1),
        author: "alice".into(),
        text: "ack".into(),
        entry_time: 1_700_000_001,
        entry_type: 4,
        persistent: true,
        source: 1,
        expires: false,
        expire_time: 0,
    });
    s.downtimes.push(Downtime {
        id: 1,
        host: h2,
        service: None,
        author: "alice".into(),
        comment: "dt".into(),
        entry_time: 1_700_000_002,
        start_time: 1_699_999_990,
        end_time: 1_700_009_999,
        fixed: true,
        duration: 0,
        triggered_by: 0,
        active: true,
    });
    s.host_extra[h2.idx()].scheduled_downtime_depth = 1;
    s.log
        .push("[1700000000] SERVICE ALERT: h1;s1;CRITICAL;HARD;1;bad".into());
    s.log.push(
        "[1700000001] EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;h1;s1;2;0;1;alice;ack".into(),
    );
    s.handler_runs.push(HandlerRun {
        host: h1,
        service: Some(s1),
        global: false,
        command_line: "/bin/true".into(),
        state: "CRITICAL".into(),
        state_type: "HARD".into(),
        attempt: 1,
        start: 1_700_000_000.5,
        duration: 0.01,
        outcome: HandlerOutcome::Exited(0),
        output: String::new(),
    });
}

fn header_line() -> impl Strategy<Value = String> {
    let cols = prop::sample::select(vec![
        "name",
        "state",
        "host_name",
        "description",
        "parents",
        "custom_variables",
        "groups",
        "comments_with_info",
        "services_with_state",
        "members",
        "last_check",
        "latency",
        "x",
        "id",
        "time",
        "message",
        "plugin_output",
        "num_services",
        "contacts",
    ]);
    let ops = prop::sample::select(vec![
        "=", "!=", "~", "!~", "=~", "!=~", "~~", "!~~", "<", ">", "<=", ">=", "===",
    ]);
    let vals = prop::sample::select(vec![
        "", "0", "1", "h1", "x", "(", "LOC r1", "^h", "-5", "1.5",
    ]);
    prop_oneof![
        (cols.clone(), ops.clone(), vals.clone())
            .prop_map(|(c, o, v)| format!("Filter: {c} {o} {v}")),
        (cols.clone(), ops, vals).prop_map(|(c, o, v)| format!("Stats: {c} {o} {v}")),
        (
            prop::sample::select(vec!["sum", "min", "max", "avg", "std", "suminv", "avginv"]),
            cols.clone()
        )
            .prop_map(|(a, c)| format!("Stats: {a} {c}")),
        prop::collection::vec(cols, 0..4).prop_map(|c| format!("Columns: {}", c.join(" "))),
        (
            prop::sample::select(vec![
                "And",
                "Or",
                "StatsAnd",
                "StatsOr",
                "WaitConditionOr",
                "Limit",
                "Timelimit",
                "WaitTimeout",
                "Localtime"
            ]),
            0i64..4
        )
            .prop_map(|(h, n)| format!("{h}: {n}")),
        prop::sample::select(vec![
            "Negate:",
            "StatsNegate:",
            "OutputFormat: json",
            "OutputFormat: python",
            "OutputFormat: CSV",
            "OutputFormat: python3",
            "ResponseHeader: fixed16",
            "KeepAlive: on",
            "ColumnHeaders: on",
            "AuthUser: alice",
            "AuthUser: nobody",
            "Separators: 35 9 58 95",
            "WaitObject: h1",
            "WaitObject: h1;s1",
            "WaitCondition: state = 2",
            "WaitTrigger: check",
            "Localtime: 1700003600",
        ])
        .prop_map(str::to_string),
        ".*".prop_map(|s: String| s.replace('\n', " ")),
    ]
}

fn check(text: &str) {
    let env = QueryEnv {
        now: 1_700_000_100.0,
        max_response_size: 1 << 22,
        ..QueryEnv::default()
    };
    if let Request::Get(q) = parse_request(text) {
        let _ = q.wait_satisfied(site(), &env);
        let r = q.execute(site(), &env, &|| false);
        let bytes = r.to_bytes();
        if r.fixed16 {
            let len: usize = String::from_utf8_lossy(&bytes[4..15])
                .trim()
                .parse()
                .unwrap();
            assert_eq!(len, bytes.len() - 16);
        }
        let body = String::from_utf8(r.body.clone()).expect("replies are UTF-8");
        // The format in force: the last OutputFormat line before the empty line.
        let json = text
            .split('\n')
            .take_while(|l| !l.trim().is_empty())
            .filter(|l| l.starts_with("OutputFormat:"))
            .last()
            .is_some_and(|l| l.trim_end() == "OutputFormat: json");
        if r.code == StatusCode::Ok && json && !body.contains("inf") {
            serde_json::from_str::<serde_json::Value>(&body).expect("valid json");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn structured_requests_never_panic(
        table in prop::sample::select(vec!["hosts", "services", "hostgroups", "servicegroups", "contacts",
            "contactgroups", "commands", "timeperiods", "comments", "downtimes", "log", "status",
            "columns", "hostsbygroup", "servicesbygroup", "servicesbyhostgroup", "eventhandlers", "nosuch", ""]),
        lines in prop::collection::vec(header_line(), 0..12),
    ) {
        let text = format!("GET {table}\n{}\n\n", lines.join("\n"));
        check(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        check(&s);
        check(&format!("GET hosts\n{s}\n\n"));
    }
}
