//! Notification, acknowledgement, comment and downtime rules that the conformance
//! scenarios do not pin down (spec `notifications.md`; expected values from the spec
//! and from runs of nagios4).

use std::sync::Arc;

use vigil_config::{HostId, ServiceId};
use vigil_events::{Event, NotificationType, Suppression};
use vigil_state::{AckKind, CommentKind};

use crate::notify::{Request, OPT_INCREMENT};
use crate::{Action, Core, ObjRef};

fn log(core: &mut Core) -> Vec<String> {
    core.take_events().iter().flat_map(Event::lines).collect()
}

fn decisions(core: &mut Core) -> Vec<vigil_events::NotificationRecord> {
    core.take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::NotificationDecided(r) => Some(*r),
            _ => None,
        })
        .collect()
}

/// Host h (child host c) with services s1 (max 3) and s2 (max 1); contact a takes
/// everything, contact b nothing but custom notifications.
fn core(dir: &std::path::Path) -> Core {
    let d = dir.display();
    std::fs::write(
        dir.join("objects.cfg"),
        "define command {\n command_name c\n command_line /bin/true\n}\n\
         define command {\n command_name n\n command_line /bin/echo $NOTIFICATIONTYPE$ $CONTACTNAME$\n}\n\
         define timeperiod {\n timeperiod_name always\n alias a\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n\
         define contact {\n contact_name a\n host_notification_period always\n service_notification_period always\n host_notification_options d,u,r,f,s\n service_notification_options w,u,c,r,f,s\n host_notification_commands n\n service_notification_commands n\n}\n\
         define contact {\n contact_name b\n host_notification_period always\n service_notification_period always\n host_notification_options n\n service_notification_options n\n host_notification_commands n\n service_notification_commands n\n}\n\
         define host {\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n notification_interval 0\n}\n\
         define host {\n host_name ch\n parents h\n check_command c\n max_check_attempts 1\n contacts a\n}\n\
         define service {\n host_name h\n service_description s1\n check_command c\n max_check_attempts 3\n check_interval 60\n retry_interval 60\n contacts a,b\n notification_interval 0\n}\n\
         define service {\n host_name h\n service_description s2\n check_command c\n max_check_attempts 1\n check_interval 60\n retry_interval 60\n contacts b\n notification_interval 0\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("nagios.cfg"),
        format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n"),
    )
    .unwrap();
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
    let mut core = Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.0, 1);
    core.start(1000.0);
    core.take_actions();
    core.take_events();
    core
}

fn cmd(core: &mut Core, line: &str, now: f64) {
    core.handle_command(&format!("[{}] {line}", now as i64), now);
}

fn result(core: &mut Core, svc: &str, rc: i32, now: f64) {
    cmd(
        core,
        &format!("PROCESS_SERVICE_CHECK_RESULT;h;{svc};{rc};out {rc}"),
        now,
    );
}

const S1: ObjRef = ObjRef::Service(ServiceId(0));

fn ack_of(core: &Core, obj: ObjRef) -> (bool, AckKind) {
    let ObjRef::Service(s) = obj else {
        unreachable!()
    };
    let st = &core.services()[s.idx()];
    (st.notify.acknowledged, st.notify.ack)
}

fn comments(core: &Core) -> Vec<(CommentKind, bool, String)> {
    core.books()
        .comments
        .iter()
        .map(|c| (c.kind, c.persistent, c.text.clone()))
        .collect()
}

#[test]
fn a_normal_ack_goes_with_any_state_change_a_sticky_one_with_the_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    for t in 0..3 {
        result(&mut core, "s1", 2, 1001.0 + t as f64);
    }
    cmd(
        &mut core,
        "ACKNOWLEDGE_SVC_PROBLEM;h;s1;1;0;0;x;normal",
        1010.0,
    );
    assert_eq!(ack_of(&core, S1), (true, AckKind::Normal));
    // CRITICAL -> WARNING (a HARD state change): the normal ack and its comment go.
    result(&mut core, "s1", 1, 1011.0);
    assert_eq!(ack_of(&core, S1), (false, AckKind::None));
    assert!(comments(&core).is_empty());
    cmd(
        &mut core,
        "ACKNOWLEDGE_SVC_PROBLEM;h;s1;2;0;0;x;sticky",
        1012.0,
    );
    cmd(
        &mut core,
        "ACKNOWLEDGE_SVC_PROBLEM;h;s1;2;0;1;x;kept",
        1012.0,
    );
    result(&mut core, "s1", 2, 1013.0);
    assert_eq!(
        ack_of(&core, S1),
        (true, AckKind::Sticky),
        "problem to problem"
    );
    // REMOVE clears the flag and the non-persistent comment, keeps the type.
    cmd(&mut core, "REMOVE_SVC_ACKNOWLEDGEMENT;h;s1", 1014.0);
    assert_eq!(ack_of(&core, S1), (false, AckKind::Sticky));
    assert_eq!(
        comments(&core),
        vec![(CommentKind::Acknowledgement, true, "kept".into())]
    );
    cmd(
        &mut core,
        "ACKNOWLEDGE_SVC_PROBLEM;h;s1;2;0;0;x;again",
        1015.0,
    );
    result(&mut core, "s1", 0, 1016.0);
    assert_eq!(ack_of(&core, S1), (false, AckKind::None), "recovery");
    assert_eq!(
        comments(&core),
        vec![(CommentKind::Acknowledgement, true, "kept".into())]
    );
    // An OK object is not acknowledged (only the EXTERNAL COMMAND line).
    log(&mut core);
    cmd(&mut core, "ACKNOWLEDGE_SVC_PROBLEM;h;s1;1;1;0;x;ok", 1017.0);
    assert_eq!(ack_of(&core, S1), (false, AckKind::None));
    assert_eq!(
        log(&mut core),
        vec!["EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM;h;s1;1;1;0;x;ok"]
    );
}

#[test]
fn a_custom_increment_nobody_takes_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    let s2 = ObjRef::Service(ServiceId(1));
    // s2's only contact takes no service notification at all... but CUSTOM: yes.
    let out = core.notify_now(
        s2,
        Request {
            kind: NotificationType::Custom,
            author: Some("me".into()),
            comment: Some("c".into()),
            options: OPT_INCREMENT,
        },
        1001.0,
    );
    assert!(out.record.sent());
    assert_eq!(core.services()[1].notify.current_notification_number, 1);
    // The commands come back to the caller, none is queued.
    assert_eq!(out.runs.len(), 1);
    assert!(!core
        .take_actions()
        .iter()
        .any(|a| matches!(a, Action::Run { .. })));
    // A PROBLEM nobody takes: the number goes back, the journal says why.
    result(&mut core, "s2", 2, 1002.0);
    assert_eq!(core.services()[1].notify.current_notification_number, 1);
    let d = decisions(&mut core);
    let problem = d.iter().find(|r| r.type_name == "PROBLEM").unwrap();
    assert!(!problem.sent());
    assert_eq!(
        problem.contacts[0].stopped_by,
        Some(Suppression::ContactOptionsExclude { letter: 'c' })
    );
}

#[test]
fn cancelling_a_downtime_cancels_the_ones_it_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    cmd(
        &mut core,
        "SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME;h;1000;5000;1;0;0;adm;p",
        1001.0,
    );
    let lines = log(&mut core);
    assert!(lines.contains(
        &"HOST DOWNTIME ALERT: h;STARTED; Host has entered a period of scheduled downtime"
            .to_string()
    ));
    assert!(lines.contains(
        &"HOST DOWNTIME ALERT: ch;STARTED; Host has entered a period of scheduled downtime"
            .to_string()
    ));
    assert_eq!(core.books().downtimes.len(), 2);
    assert_eq!(core.books().downtimes[1].triggered_by, 1);
    cmd(&mut core, "DEL_HOST_DOWNTIME;1", 1002.0);
    let lines = log(&mut core);
    assert!(lines.contains(
        &"HOST DOWNTIME ALERT: h;CANCELLED; Scheduled downtime for host has been cancelled."
            .to_string()
    ));
    assert!(lines.contains(
        &"HOST DOWNTIME ALERT: ch;CANCELLED; Scheduled downtime for host has been cancelled."
            .to_string()
    ));
    assert!(core.books().downtimes.is_empty());
    assert!(core.books().comments.is_empty(), "their comments go too");
    assert_eq!(core.hosts()[0].notify.scheduled_downtime_depth, 0);
    assert_eq!(core.hosts()[1].notify.scheduled_downtime_depth, 0);
}

#[test]
fn del_downtime_by_host_name_selects_by_service_start_and_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    cmd(
        &mut core,
        "SCHEDULE_HOST_DOWNTIME;h;2000;3000;1;0;0;a;one",
        1001.0,
    );
    cmd(
        &mut core,
        "SCHEDULE_SVC_DOWNTIME;h;s1;2000;3000;1;0;0;a;two",
        1001.0,
    );
    cmd(
        &mut core,
        "SCHEDULE_SVC_DOWNTIME;h;s2;2500;3000;1;0;0;a;three",
        1001.0,
    );
    log(&mut core);
    cmd(&mut core, "DEL_DOWNTIME_BY_HOST_NAME;h;s1", 1002.0);
    let left: Vec<&str> = core
        .books()
        .downtimes
        .iter()
        .map(|d| d.comment.as_str())
        .collect();
    assert_eq!(left, vec!["one", "three"]);
    cmd(&mut core, "DEL_DOWNTIME_BY_HOST_NAME;h;;2500", 1002.0);
    assert_eq!(core.books().downtimes.len(), 1);
    // Nothing left to match: the command fails, as in Nagios.
    cmd(&mut core, "DEL_DOWNTIME_BY_HOST_NAME;h;s2", 1002.0);
    let lines = log(&mut core);
    assert!(lines
        .iter()
        .any(|l| l == "Error: External command failed -> DEL_DOWNTIME_BY_HOST_NAME;h;s2"));
    cmd(&mut core, "DEL_DOWNTIME_BY_HOST_NAME;h", 1002.0);
    assert!(core.books().downtimes.is_empty());
}

#[test]
fn a_reload_keeps_downtimes_and_makes_their_comment_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    cmd(
        &mut core,
        "SCHEDULE_HOST_DOWNTIME;h;1000;5000;1;0;0;a;window",
        1001.0,
    );
    cmd(&mut core, "ADD_HOST_COMMENT;h;0;a;volatile", 1001.0);
    cmd(&mut core, "ADD_HOST_COMMENT;h;1;a;kept", 1001.0);
    log(&mut core);
    let model = core.model().clone();
    let mut next = Core::new(model, vigil_config::zone::Zone::utc(), 1002.0, 1);
    next.carry_over(core, 1002.0);
    next.start(1002.0);
    let kinds: Vec<(CommentKind, String)> = next
        .books()
        .comments
        .iter()
        .map(|c| {
            (
                c.kind,
                c.author.clone() + ":" + &c.text[..4.min(c.text.len())],
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (CommentKind::User, "a:kept".to_string()),
            (CommentKind::Downtime, "a:This".to_string())
        ]
    );
    assert_eq!(next.books().downtimes.len(), 1);
    assert_eq!(
        next.hosts()[HostId(0).idx()]
            .notify
            .scheduled_downtime_depth,
        1
    );
    // Started again (Nagios logs it at every start), no second DOWNTIMESTART.
    let lines = log(&mut next);
    assert!(lines
        .iter()
        .any(|l| l
            == "HOST DOWNTIME ALERT: h;STARTED; Host has entered a period of scheduled downtime"));
    assert!(!lines.iter().any(|l| l.contains("DOWNTIMESTART")));
}

#[test]
fn a_downtime_that_ended_while_down_starts_and_ends_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    cmd(
        &mut core,
        "SCHEDULE_SVC_DOWNTIME;h;s1;1500;1600;1;0;0;a;later",
        1001.0,
    );
    log(&mut core);
    let text = vigil_retention::render_view(
        &vigil_retention::ConfigView::from_model(core.model()),
        core.program(),
        core.hosts().as_shared(),
        core.services().as_shared(),
        &core.render_extras(),
        1001,
    );
    // Started again at 2000: the whole window passed while it was down.
    let mut next = Core::new(
        core.model().clone(),
        vigil_config::zone::Zone::utc(),
        2000.0,
        1,
    );
    next.restore(&vigil_retention::parse(&text), 2000.0);
    next.start(2000.0);
    let lines = log(&mut next);
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let started = at("SERVICE DOWNTIME ALERT: h;s1;STARTED").expect("STARTED");
    let stopped = at("SERVICE DOWNTIME ALERT: h;s1;STOPPED").expect("STOPPED");
    assert!(started < stopped, "{lines:?}");
    assert!(at("SERVICE NOTIFICATION: a;h;s1;DOWNTIMESTART (OK);n;(null)").is_some());
    assert!(at("SERVICE NOTIFICATION: a;h;s1;DOWNTIMEEND (OK);n;(null)").is_some());
    assert!(next.books().downtimes.is_empty());
    assert!(next.books().comments.is_empty());
    assert_eq!(next.services()[0].notify.scheduled_downtime_depth, 0);
}
