//! Fuzzes the Livestatus request parser and query execution: any bytes are parsed
//! as a request and, when it is a GET, answered from a small in-memory site. Must
//! never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use vigil_livestatus::mem::MemSite;
use vigil_livestatus::{parse_request, QueryEnv, Request};

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
        let dir = std::env::temp_dir().join(format!("vigil-ls-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        std::fs::write(dir.join("o.cfg"), OBJECTS).unwrap();
        std::fs::write(
            dir.join("n.cfg"),
            format!("cfg_file={}\nlog_file={}\n", dir.join("o.cfg").display(), dir.join("l").display()),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.join("n.cfg")).unwrap();
        let mut s = MemSite::new(Arc::new(m), 1_700_000_000.0, 1);
        fill(&mut s);
        s
    })
}

/// A CRITICAL, acknowledged service with output, its comment, a host downtime, log
/// lines and a handler run, set directly.
fn fill(s: &mut MemSite) {
    use vigil_livestatus::{AckKind, Comment, Downtime, HandlerOutcome, HandlerRun};
    use vigil_state::{ServiceState, StateType};
    let (Some(h1), Some(h2), Some(s1)) = (
        s.model.find_host("h1"),
        s.model.find_host("h2"),
        s.model.find_service("h1", "s1"),
    ) else {
        return;
    };
    let st = &mut s.services[s1.idx()];
    st.current_state = ServiceState::Critical;
    st.state_type = StateType::Hard;
    st.has_been_checked = true;
    st.last_check = 1_700_000_000.0;
    st.output.short = Some("bad \"x\"".into());
    st.output.long = "long\\nline".into();
    st.output.perfdata = "p=1".into();
    s.service_extra[s1.idx()].acknowledgement = Some(AckKind::Sticky);
    s.comments.push(Comment {
        id: 1, host: h1, service: Some(s1), author: "alice".into(), text: "ack".into(),
        entry_time: 1_700_000_001, entry_type: 4, persistent: true, source: 1,
        expires: false, expire_time: 0,
    });
    s.downtimes.push(Downtime {
        id: 1, host: h2, service: None, author: "alice".into(), comment: "dt".into(),
        entry_time: 1_700_000_002, start_time: 1_699_999_990, end_time: 1_700_009_999,
        fixed: true, duration: 0, triggered_by: 0, active: true,
    });
    s.host_extra[h2.idx()].scheduled_downtime_depth = 1;
    s.log.push("[1700000000] SERVICE ALERT: h1;s1;CRITICAL;HARD;1;bad".into());
    s.handler_runs.push(HandlerRun {
        host: h1, service: Some(s1), global: false, command_line: "/bin/true".into(),
        state: "CRITICAL".into(), state_type: "HARD".into(), attempt: 1,
        start: 1_700_000_000.5, duration: 0.01, outcome: HandlerOutcome::Exited(0),
        output: String::new(),
    });
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = site();
    match parse_request(&text) {
        Request::Get(q) => {
            let env = QueryEnv { now: 1_700_000_100.0, max_response_size: 1 << 20, ..QueryEnv::default() };
            let _ = q.wait_satisfied(s, &env);
            let r = q.execute(s, &env, &|| false);
            let _ = r.to_bytes();
        }
        Request::Command(c) => {
            // What the server hands to the core: the core's own parser.
            let _ = vigil_commands::parse_line(&c.command);
        }
        _ => {}
    }
});
