//! The core's acknowledgements, comments and downtimes as the Livestatus tables see
//! them through a published `CoreSite`: rows and per-object columns after the
//! commands that make them, the acknowledgement type Nagios keeps after
//! `REMOVE_*_ACKNOWLEDGEMENT`, a fixed downtime's duration (its window, as Nagios
//! sets it), and the `comment` / `downtime` wait triggers woken
//! only when their own list changed.

use std::sync::Arc;
use vigil_core::Core;
use vigil_livestatus::{parse_request, QueryEnv, Request, TriggerKind};
use vigil_livestatus_server::{HandlerHistory, LogFiles, Publisher};

const OBJECTS: &str = "\
define command {\n command_name c\n command_line /bin/true\n }\n\
define timeperiod {\n timeperiod_name 24x7\n alias all\n monday 00:00-24:00\n }\n\
define contact {\n contact_name alice\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_commands c\n service_notification_commands c\n }\n\
define host {\n host_name h1\n address 10.0.0.1\n check_command c\n max_check_attempts 1\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define host {\n host_name h2\n address 10.0.0.2\n check_command c\n max_check_attempts 1\n check_period 24x7\n contacts alice\n notification_period 24x7\n }\n\
define service {\n host_name h1\n service_description s1\n check_command c\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n check_period 24x7\n notification_period 24x7\n contacts alice\n }\n";

struct Run {
    _dir: tempfile::TempDir,
    core: Core,
    publisher: Publisher,
    now: f64,
}

impl Run {
    fn new() -> Run {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("o.cfg"), OBJECTS).unwrap();
        std::fs::write(
            dir.path().join("n.cfg"),
            format!(
                "cfg_file={}\nlog_file={}\nexecute_service_checks=0\nexecute_host_checks=0\nenable_notifications=0\n",
                dir.path().join("o.cfg").display(),
                dir.path().join("log").display()
            ),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.path().join("n.cfg")).unwrap();
        let now = 1_700_000_000.0;
        let zone = vigil_config::zone::Zone::utc();
        let mut core = Core::new(Arc::new(m), zone.clone(), now, 1);
        core.start(now);
        let publisher = Publisher::new(
            &core,
            zone,
            Arc::new(LogFiles::of(core.model())),
            "test".into(),
            HandlerHistory::default(),
            now,
        );
        Run {
            _dir: dir,
            core,
            publisher,
            now,
        }
    }

    fn command(&mut self, line: &str) {
        self.now += 1.0;
        let t = (self.now as i64).to_string();
        let end = (self.now as i64 + 3600).to_string();
        let line = format!("[{t}] {}", line.replace("{now}", &t).replace("{end}", &end));
        self.core.handle_command(&line, self.now);
        self.core.take_dirty();
        let events = self.core.take_events();
        self.publisher.observe(&events, 0);
        self.publisher.publish(&self.core, self.now);
    }

    fn ask(&self, q: &str) -> String {
        let Request::Get(q) = parse_request(q) else {
            panic!("not a query: {q}")
        };
        let env = QueryEnv {
            now: self.now,
            ..QueryEnv::default()
        };
        let site = (self.publisher.provider())();
        String::from_utf8(q.execute(&*site, &env, &|| false).to_bytes()).unwrap()
    }

    fn generations(&self) -> (u64, u64) {
        let t = self.publisher.triggers();
        (
            t.generation(TriggerKind::Comment),
            t.generation(TriggerKind::Downtime),
        )
    }
}

#[test]
fn comments_downtimes_and_acknowledgements_are_the_cores() {
    let mut r = Run::new();
    assert_eq!(r.ask("GET comments\nColumns: id\n"), "");
    r.command("PROCESS_SERVICE_CHECK_RESULT;h1;s1;2;broken");
    let (c0, d0) = r.generations();

    r.command("ADD_HOST_COMMENT;h2;1;alice;note one");
    let (c1, d1) = r.generations();
    assert_ne!(c1, c0, "a new comment wakes the comment trigger");
    assert_eq!(d1, d0, "the downtime trigger stays asleep");

    r.command("ACKNOWLEDGE_SVC_PROBLEM;h1;s1;2;0;1;bob;on it");
    r.command("SCHEDULE_HOST_DOWNTIME;h2;{now};{end};1;0;60;carol;window");
    let (c2, d2) = r.generations();
    assert_ne!(d2, d1, "a new downtime wakes the downtime trigger");
    assert_ne!(c2, c1);

    assert_eq!(
        r.ask("GET comments\nColumns: id host_name service_description author comment entry_type type is_service persistent source\nFilter: entry_type != 2\n"),
        "1;h2;;alice;note one;1;1;0;1;1\n\
         2;h1;s1;bob;on it;4;2;1;1;0\n"
    );
    // The downtime's own comment (Nagios's text, not the downtime's).
    assert_eq!(
        r.ask("GET comments\nColumns: id host_name author entry_type persistent source\nFilter: entry_type = 2\n"),
        "3;h2;carol;2;0;0\n"
    );
    assert_eq!(
        r.ask("GET downtimes\nColumns: id host_name author comment fixed duration triggered_by is_service type\n"),
        "1;h2;carol;window;1;3600;0;0;2\n"
    );
    assert_eq!(
        r.ask("GET hosts\nColumns: name scheduled_downtime_depth comments downtimes\n"),
        "h1;0;;\nh2;1;1,3;1\n"
    );
    assert_eq!(
        r.ask("GET services\nColumns: acknowledged acknowledgement_type comments_with_info\n"),
        "1;2;2|bob|on it\n"
    );

    // Nagios keeps the type of a removed acknowledgement.
    r.command("REMOVE_SVC_ACKNOWLEDGEMENT;h1;s1");
    assert_eq!(
        r.ask("GET services\nColumns: acknowledged acknowledgement_type\n"),
        "0;2\n"
    );
}

#[test]
fn a_books_change_without_an_event_is_published() {
    let mut r = Run::new();
    std::thread::sleep(Publisher::INTERVAL + std::time::Duration::from_millis(10));
    assert!(
        !r.publisher.publish_if_due(&r.core, r.now),
        "nothing changed"
    );
    // The core changes its books; the publisher is told of no event.
    r.core
        .handle_command("[1700000001] ADD_HOST_COMMENT;h1;0;alice;quiet", r.now);
    r.core.take_events();
    assert!(r.publisher.publish_if_due(&r.core, r.now));
    assert_eq!(r.ask("GET comments\nColumns: id comment\n"), "1;quiet\n");
}
