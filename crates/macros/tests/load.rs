//! End-to-end: a real configuration loaded with `vigil_config::load`, expanded with
//! the env_macros / user_arg_macros scenario shapes.

use std::fs;

use vigil_macros::{
    environment, expand_call, expand_call_full, expand_raw_call, Context, StatusSlices,
};
use vigil_state::{Counters, HostState, Output, ProgramState, ServiceState, StateType, Status};

const NOW: i64 = 1_795_643_438;

fn program() -> ProgramState {
    ProgramState {
        enable_notifications: false,
        execute_service_checks: true,
        execute_host_checks: true,
        accept_passive_service_checks: true,
        accept_passive_host_checks: true,
        enable_event_handlers: true,
        obsess_over_services: false,
        obsess_over_hosts: false,
        check_service_freshness: true,
        check_host_freshness: false,
        enable_flap_detection: false,
        process_performance_data: false,
        global_host_event_handler: None,
        global_service_event_handler: None,
        modified_host_attributes: vigil_state::ModAttr::empty(),
        modified_service_attributes: vigil_state::ModAttr::empty(),
        counters: Counters::default(),
        program_start: NOW as f64 - 100.0,
        pid: 1,
    }
}

#[test]
fn loaded_config_expands_like_the_traces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::write(
        d.join("nagios.cfg"),
        format!(
            "log_file={0}/nagios.log\ncfg_file={0}/objects.cfg\nresource_file={0}/resource.cfg\n\
             illegal_macro_output_chars=`~$&|'\"<>\nenable_environment_macros=1\n",
            d.display()
        ),
    )
    .expect("write");
    fs::write(
        d.join("resource.cfg"),
        "$USER1$=/plugins\n$USER5$=s3cr3t-token\n$USER7$=/opt/custom path\n",
    )
    .expect("write");
    fs::write(
        d.join("objects.cfg"),
        r#"
define timeperiod {
    timeperiod_name 24x7
    alias always
    sunday 00:00-24:00
    monday 00:00-24:00
    tuesday 00:00-24:00
    wednesday 00:00-24:00
    thursday 00:00-24:00
    friday 00:00-24:00
    saturday 00:00-24:00
}
define contact {
    contact_name nobody
    alias nobody
    host_notifications_enabled 0
    service_notifications_enabled 0
    host_notification_period 24x7
    service_notification_period 24x7
    host_notification_options n
    service_notification_options n
    host_notification_commands noop
    service_notification_commands noop
}
define command {
    command_name noop
    command_line /bin/true
}
define command {
    command_name vigil-check-service
    command_line $USER1$/seqcheck service $HOSTNAME$ $SERVICEDESC$ $SERVICESTATE$
}
define command {
    command_name svc-eh
    command_line $USER1$/svc-eh $SERVICESTATE$ $ARG1$
}
define command {
    command_name increase-memory
    command_line $USER1$/handler.sh --service-state $SERVICESTATE$ --memory $ARG1$ --unit $ARG2$ --extra $ARG3$ --token $USER5$ --dir $USER7$ --host $HOSTNAME$ --service $SERVICEDESC$
}
define host {
    host_name h1
    address 127.0.0.1
    max_check_attempts 1
    check_period 24x7
    contacts nobody
    notification_period 24x7
    _rack r12
}
define service {
    host_name h1
    service_description disk
    check_command vigil-check-service
    max_check_attempts 2
    check_interval 2
    retry_interval 1
    check_period 24x7
    contacts nobody
    notification_period 24x7
    event_handler svc-eh!first arg!second
    _OWNER ops-team
}
"#,
    )
    .expect("write");

    let (model, _warnings) = match vigil_config::load(&d.join("nagios.cfg")) {
        Ok(m) => m,
        Err(e) => panic!(
            "load failed: {:?}",
            e.diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
        ),
    };
    let h = model.find_host("h1").expect("h1");
    let s = model.find_service("h1", "disk").expect("disk");

    let mut hs = Status::initial(HostState::Up);
    hs.has_been_checked = true;
    hs.output.short = Some("PING OK".into());
    let mut ss = Status::initial(ServiceState::Ok);
    ss.has_been_checked = true;
    ss.current_state = ServiceState::Warning;
    ss.state_type = StateType::Soft;
    ss.output = Output {
        short: Some("DISK WARNING - 85% used `x`".into()),
        long: "line two\\nline three ".into(),
        perfdata: "used=85%;80;90  extra=1".into(),
    };
    let mut hosts = vec![Status::initial(HostState::Up); model.hosts.len()];
    hosts[h.idx()] = hs;
    let mut services = vec![Status::initial(ServiceState::Ok); model.services.len()];
    services[s.idx()] = ss;
    let program = program();
    let zone = vigil_config::zone::Zone::utc();
    let ctx = Context {
        model: &model,
        statuses: &StatusSlices {
            hosts: &hosts,
            services: &services,
        },
        program: &program,
        host: Some(h),
        service: Some(s),
        now: NOW,
        zone: &zone,
        contact: None,
        notification: None,
    };

    let eh = model
        .service(s)
        .settings
        .event_handler
        .clone()
        .expect("handler");
    let full = expand_call_full(&eh, &ctx);
    assert_eq!(full.line.to_plain(), "/plugins/svc-eh WARNING first arg");
    assert_eq!(
        expand_call(&eh, &ctx).to_plain(),
        "/plugins/svc-eh WARNING first arg"
    );
    assert_eq!(
        vigil_macros::expand_text(
            "$SERVICEOUTPUT$|$HOSTALIAS$|$_HOSTRACK$|$_SERVICEOWNER$|$SERVICEDISPLAYNAME$",
            &ctx,
            &[]
        )
        .to_plain(),
        "DISK WARNING - 85% used x|h1|r12|ops-team|disk"
    );
    assert_eq!(
        expand_raw_call("increase-memory!1024 MB!a\\!b", &ctx)
            .expect("defined")
            .to_plain(),
        "/plugins/handler.sh --service-state WARNING --memory 1024 MB --unit a!b --extra  \
         --token s3cr3t-token --dir /opt/custom path --host h1 --service disk"
    );

    let env = environment(&ctx, &full.args);
    let mut names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names.len(), 197);
    assert!(names.contains(&"NAGIOS__HOSTRACK"));
    assert!(names.contains(&"NAGIOS__SERVICEOWNER"));
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("NAGIOS_ARG1"), Some("first arg"));
    assert_eq!(
        get("NAGIOS_SERVICECHECKCOMMAND"),
        Some("vigil-check-service")
    );
    assert_eq!(
        get("NAGIOS_LONGSERVICEOUTPUT"),
        Some("line two\\nline three ")
    );
    assert_eq!(get("NAGIOS_MAXSERVICEATTEMPTS"), Some("2"));
}
