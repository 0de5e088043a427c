//! Unit tests over a small hand-built model: the expansion algorithm, every macro
//! family, the Code/Data split, cleaning, URL encoding and the environment.

use std::collections::HashMap;
use std::path::PathBuf;

use vigil_config::timeperiod::Timeperiod;
use vigil_config::{
    CheckSettings, Command, CommandCall, CommandId, Contact, ContactId, Contactgroup,
    ContactgroupId, Host, HostId, Hostgroup, HostgroupId, Index, Location, MainConfig, Model,
    Service, ServiceId, Servicegroup, ServicegroupId, StateFlags, TimeperiodId, UserMacros,
};
use vigil_state::{
    CheckType, Counters, HostState, ObjectState, Output, ProgramState, ServiceState, StateType,
    Status,
};

use crate::*;

const NOW: i64 = 1_795_643_438;
const SAMPLE_ILLEGAL: &str = "`~$&|'\"<>";

fn settings() -> CheckSettings {
    CheckSettings {
        check_command: None,
        check_interval: 5.0,
        retry_interval: 1.0,
        max_check_attempts: 3,
        check_period: None,
        active_checks_enabled: true,
        passive_checks_enabled: true,
        event_handler: None,
        event_handler_enabled: true,
        obsess: true,
        check_freshness: false,
        freshness_threshold: 0,
        flap_detection_enabled: true,
        flap_detection_options: StateFlags(0xf),
        low_flap_threshold: 0.0,
        high_flap_threshold: 0.0,
        notifications_enabled: true,
        notification_interval: 30.0,
        first_notification_delay: 0.0,
        notification_period: None,
        notification_options: "n".into(),
        stalking_options: StateFlags(0),
        initial_state: 0,
        process_perf_data: true,
        retain_status_information: true,
        retain_nonstatus_information: true,
        contacts: Vec::new(),
        contact_groups: Vec::new(),
        notes: None,
        notes_url: None,
        action_url: None,
        icon_image: None,
        icon_image_alt: None,
        check_timeout: None,
        importance: 0,
        custom_vars: Vec::new(),
    }
}

fn host(name: &str, address: &str, groups: &[u32], services: &[u32]) -> Host {
    Host {
        name: name.into(),
        alias: format!("{name} alias"),
        display_name: name.into(),
        address: address.into(),
        parents: Vec::new(),
        children: Vec::new(),
        hostgroups: groups.iter().map(|&g| HostgroupId(g)).collect(),
        services: services.iter().map(|&s| ServiceId(s)).collect(),
        settings: settings(),
        map: Default::default(),
        location: Location::default(),
    }
}

fn service(host: u32, desc: &str, groups: &[u32]) -> Service {
    Service {
        host: HostId(host),
        description: desc.into(),
        display_name: desc.into(),
        is_volatile: false,
        parallelize_check: true,
        parents: Vec::new(),
        servicegroups: groups.iter().map(|&g| ServicegroupId(g)).collect(),
        settings: settings().into(),
        location: Location::default(),
    }
}

fn call(model: &Model, raw: &str) -> CommandCall {
    parse_call(raw, model).expect("command exists")
}

/// h1 (hg1, hg2; services disk, HTTP), h2 (hg2; service disk), h3 (no group,
/// no service). sg1 = h1;disk + h2;disk. Contact john in admins.
fn model() -> Model {
    let mut main = MainConfig::with_defaults(PathBuf::from("/etc/vigil/nagios.cfg"));
    main.log_file = PathBuf::from("/var/log/vigil/vigil.log");
    main.status_file = Some(PathBuf::from("/var/lib/vigil/status.dat"));
    main.command_file = Some(PathBuf::from("/var/lib/vigil/rw/vigil.cmd"));
    main.resource_files = vec![
        PathBuf::from("/etc/vigil/a.cfg"),
        PathBuf::from("/etc/vigil/resource.cfg"),
    ];
    main.illegal_macro_output_chars = Some(SAMPLE_ILLEGAL.as_bytes().to_vec());
    main.admin_email = "root@example.com".into();
    main.raw.push((
        "host_perfdata_file".into(),
        "/var/lib/vigil/host-perfdata".into(),
        Location::default(),
    ));

    let mut user = vec![None; 256];
    user[0] = Some("/usr/lib/plugins".to_string());
    user[4] = Some("s3cr3t-token".to_string());
    user[6] = Some("/opt/custom path".to_string());

    let commands = vec![
        Command {
            name: "check_x".into(),
            line: "$USER1$/check_x -H $HOSTADDRESS$ -a $ARG1$ -b $ARG2$".into(),
            location: Location::default(),
        },
        Command {
            name: "increase-memory".into(),
            line: "$USER1$/handler.sh --service-state $SERVICESTATE$ --service-state-type \
                   $SERVICESTATETYPE$ --attempt $SERVICEATTEMPT$ --memory $ARG1$ --unit $ARG2$ \
                   --extra $ARG3$ --token $USER5$ --dir $USER7$ --host $HOSTNAME$ --service \
                   $SERVICEDESC$"
                .into(),
            location: Location::default(),
        },
        Command {
            name: "svc-eh".into(),
            line: "$USER1$/svc-eh $SERVICESTATE$ $ARG1$".into(),
            location: Location::default(),
        },
        Command {
            name: "out".into(),
            line: "$USER1$/out \"$SERVICEOUTPUT$\" $ARG1$".into(),
            location: Location::default(),
        },
    ];

    let mut h1 = host("h1", "10.0.0.1", &[0, 1], &[0, 1]);
    h1.alias = "Host One".into();
    h1.settings.custom_vars = vec![
        ("RACK".into(), "r12".into()),
        ("EVIL".into(), "foo`$&|<>\"'value".into()),
        ("ONLYBAD".into(), "`$&".into()),
    ];
    h1.settings.notes = Some("note for $HOSTNAME$".into());
    h1.settings.notes_url = Some("http://wiki/$HOSTALIAS$?s=$HOSTSTATE$&o=$HOSTOUTPUT$".into());
    h1.settings.action_url = Some("$HOSTNOTES$".into());
    h1.settings.check_command = Some(CommandCall {
        raw: "check_x!a!b".into(),
        command: CommandId(0),
        args: vec!["a".into(), "b".into()],
    });
    h1.settings.notification_period = Some(TimeperiodId(0));
    let mut h2 = host("h2", "10.0.0.2", &[1], &[2]);
    h2.settings.custom_vars = vec![("RACK".into(), "r7".into())];
    h2.settings.notes = Some("self $HOSTNOTES$".into());
    h2.settings.notifications_enabled = false;
    let h3 = host("h3", "10.0.0.3", &[], &[]);

    let mut s0 = service(0, "disk", &[0]);
    std::sync::Arc::make_mut(&mut s0.settings).custom_vars =
        vec![("OWNER".into(), "ops-team".into())];
    std::sync::Arc::make_mut(&mut s0.settings).notes =
        Some("note for $HOSTNAME$/$SERVICEDESC$".into());
    std::sync::Arc::make_mut(&mut s0.settings).check_command = Some(CommandCall {
        raw: "check_x!/!90%".into(),
        command: CommandId(0),
        args: vec!["/".into(), "90%".into()],
    });
    std::sync::Arc::make_mut(&mut s0.settings).max_check_attempts = 2;
    std::sync::Arc::make_mut(&mut s0.settings).event_handler = Some(CommandCall {
        raw: "svc-eh!first arg!second".into(),
        command: CommandId(2),
        args: vec!["first arg".into(), "second".into()],
    });
    let s1 = service(0, "HTTP", &[]);
    let mut s2 = service(1, "disk", &[0]);
    std::sync::Arc::make_mut(&mut s2.settings).custom_vars = vec![("OWNER".into(), "dba".into())];
    s2.is_volatile = true;

    let hostgroups = vec![
        Hostgroup {
            name: "hg1".into(),
            alias: "Group One".into(),
            members: vec![HostId(0)],
            notes: Some("hg notes of $HOSTNAME$".into()),
            notes_url: None,
            action_url: Some("http://hg/$HOSTGROUPNAME$ x".into()),
            location: Location::default(),
        },
        Hostgroup {
            name: "hg2".into(),
            alias: "Group Two".into(),
            members: vec![HostId(0), HostId(1)],
            notes: None,
            notes_url: None,
            action_url: None,
            location: Location::default(),
        },
    ];
    let servicegroups = vec![Servicegroup {
        name: "sg1".into(),
        alias: "Disks".into(),
        members: vec![ServiceId(0), ServiceId(2)],
        notes: Some("sg $SERVICEDESC$".into()),
        notes_url: None,
        action_url: None,
        location: Location::default(),
    }];
    let contacts = vec![Contact {
        name: "john".into(),
        alias: "John Doe".into(),
        email: Some("john@example.com".into()),
        pager: None,
        addresses: vec![Some("addr-one".into()), None, Some("addr-three".into())],
        contactgroups: vec![ContactgroupId(0)],
        host_notification_period: None,
        service_notification_period: None,
        host_notification_options: String::new(),
        service_notification_options: String::new(),
        host_notification_commands: Vec::new(),
        service_notification_commands: Vec::new(),
        host_notifications_enabled: true,
        service_notifications_enabled: true,
        can_submit_commands: true,
        retain_status_information: true,
        retain_nonstatus_information: true,
        minimum_importance: 0,
        custom_vars: vec![("PHONE".into(), "555-1234".into())],
        location: Location::default(),
    }];
    let contactgroups = vec![Contactgroup {
        name: "admins".into(),
        alias: "Admins".into(),
        members: vec![ContactId(0)],
        location: Location::default(),
    }];

    let hosts = vec![h1, h2, h3];
    let services = vec![s0, s1, s2];
    let timeperiods = vec![Timeperiod::always()];
    let mut index = Index::default();
    for (i, h) in hosts.iter().enumerate() {
        index.hosts.insert(h.name.clone(), HostId(i as u32));
    }
    for (i, s) in services.iter().enumerate() {
        index
            .services
            .insert((s.host, s.description.clone()), ServiceId(i as u32));
    }
    for (i, c) in commands.iter().enumerate() {
        index.commands.insert(c.name.clone(), CommandId(i as u32));
    }
    index.timeperiods.insert("24x7".into(), TimeperiodId(0));
    for (i, g) in hostgroups.iter().enumerate() {
        index
            .hostgroups
            .insert(g.name.clone(), HostgroupId(i as u32));
    }
    index.servicegroups.insert("sg1".into(), ServicegroupId(0));
    index.contacts.insert("john".into(), ContactId(0));
    index
        .contactgroups
        .insert("admins".into(), ContactgroupId(0));

    Model {
        main,
        user_macros: UserMacros(user),
        commands,
        timeperiods,
        hosts,
        services,
        hostgroups,
        servicegroups,
        contacts,
        contactgroups,
        host_dependencies: Vec::new(),
        service_dependencies: Vec::new(),
        host_escalations: Vec::new(),
        service_escalations: Vec::new(),
        index,
    }
}

fn checked<S: ObjectState>(state: u8, short: &str) -> Status<S> {
    let mut s = Status::initial(S::OK);
    s.current_state = S::from_id(state);
    s.has_been_checked = true;
    s.output = Output {
        short: Some(short.into()),
        long: String::new(),
        perfdata: String::new(),
    };
    s.last_check = (NOW - 10) as f64;
    s
}

struct World {
    model: Model,
    hosts: Vec<Status<HostState>>,
    services: Vec<Status<ServiceState>>,
    program: ProgramState,
    zone: vigil_config::zone::Zone,
}

impl Statuses for World {
    fn host(&self, h: HostId) -> Option<&HostStatus> {
        self.hosts.get(h.idx())
    }
    fn service(&self, s: ServiceId) -> Option<&ServiceStatus> {
        self.services.get(s.idx())
    }
}

impl World {
    fn new() -> World {
        let mut h1 = checked(0, "PING OK");
        h1.output.perfdata = "rta=0.1ms".into();
        let mut h2 = checked(1, "PING CRITICAL");
        // As configured (model(): h2 has notifications_enabled 0).
        h2.attrs.notifications_enabled = false;
        let h3 = Status::initial(HostState::Up);

        // h1;disk: first soft WARNING after OK (values from the env_macros trace).
        let mut s0 = checked(1, "DISK WARNING - 85% used");
        s0.output.long = "line two\\nline three ".into();
        s0.output.perfdata = "used=85%;80;90  extra=1".into();
        s0.last_state = ServiceState::Ok;
        s0.state_type = StateType::Soft;
        s0.current_attempt = 1;
        s0.current_event_id = 1;
        s0.current_problem_id = 1;
        s0.last_check = (NOW - 3) as f64;
        s0.last_state_change = (NOW - 93_784) as f64;
        s0.last_time_in_state = [(NOW - 60) as f64, (NOW - 3) as f64, 0.0, 0.0];
        s0.latency = 0.1234;
        s0.execution_time = 1.5;
        s0.percent_state_change = 24.2;
        let s1 = checked(0, "HTTP OK");
        let mut s2 = checked(2, "DISK CRITICAL");
        s2.check_type = CheckType::Passive;

        World {
            model: model(),
            hosts: vec![h1, h2, h3],
            services: vec![s0, s1, s2],
            zone: vigil_config::zone::Zone::utc(),
            program: ProgramState {
                enable_notifications: true,
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
                program_start: 1_795_600_000.5,
                pid: 4242,
            },
        }
    }

    fn ctx(&self, host: Option<u32>, service: Option<u32>) -> Context<'_> {
        Context {
            model: &self.model,
            statuses: self,
            program: &self.program,
            host: host.map(HostId),
            service: service.map(ServiceId),
            now: NOW,
            zone: &self.zone,
            contact: None,
            notification: None,
        }
    }

    /// Service context h1;disk.
    fn svc(&self) -> Context<'_> {
        self.ctx(Some(0), Some(0))
    }

    /// Host context h1.
    fn host(&self) -> Context<'_> {
        self.ctx(Some(0), None)
    }
}

fn plain(text: &str, ctx: &Context) -> String {
    expand_text(text, ctx, &[]).to_plain()
}

fn code(s: &str) -> Piece {
    Piece::Code(s.into())
}

fn data(s: &str) -> Piece {
    Piece::Data(s.into())
}

fn args(list: &[&str], ctx: &Context) -> Vec<Expanded> {
    let owned: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    expand_arg_texts(&owned, ctx)
}

// ---------------------------------------------------------------- algorithm (§1)

#[test]
fn standard_host_and_service_macros() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain(
            "$HOSTNAME$|$HOSTALIAS$|$HOSTADDRESS$|$HOSTDISPLAYNAME$|$SERVICEDESC$|\
             $SERVICEDISPLAYNAME$|$SERVICESTATE$|$SERVICESTATEID$|$SERVICESTATETYPE$|\
             $SERVICEATTEMPT$|$MAXSERVICEATTEMPTS$|$LASTSERVICESTATE$|$LASTSERVICESTATEID$|\
             $SERVICECHECKTYPE$|$SERVICEISVOLATILE$|$HOSTSTATE$|$HOSTSTATEID$|\
             $HOSTSTATETYPE$|$HOSTATTEMPT$|$MAXHOSTATTEMPTS$|$LASTHOSTSTATE$|$HOSTCHECKTYPE$",
            &c
        ),
        "h1|Host One|10.0.0.1|h1|disk|disk|WARNING|1|SOFT|1|2|OK|0|ACTIVE|0|UP|0|HARD|1|3|UP|ACTIVE"
    );
    assert_eq!(
        plain("$SERVICEOUTPUT$#$LONGSERVICEOUTPUT$#$SERVICEPERFDATA$#$HOSTOUTPUT$#$HOSTPERFDATA$#$LONGHOSTOUTPUT$", &c),
        "DISK WARNING - 85% used#line two\\nline three #used=85%;80;90  extra=1#PING OK#rta=0.1ms#"
    );
    assert_eq!(
        plain("$SERVICECHECKCOMMAND$ $HOSTCHECKCOMMAND$", &c),
        "check_x!/!90% check_x!a!b"
    );
    let passive = w.ctx(Some(1), Some(2));
    assert_eq!(
        plain(
            "$SERVICESTATE$ $SERVICECHECKTYPE$ $SERVICEISVOLATILE$ $HOSTSTATE$ $HOSTSTATEID$",
            &passive
        ),
        "CRITICAL PASSIVE 1 DOWN 1"
    );
}

#[test]
fn unknown_and_absent_object_macros_stay_verbatim() {
    let w = World::new();
    let h = w.host();
    assert_eq!(plain("unk=$FOOBAR$", &h), "unk=$FOOBAR$");
    assert_eq!(
        plain("svc=$SERVICESTATE$ $SERVICEDESC$", &h),
        "svc=$SERVICESTATE$ $SERVICEDESC$"
    );
    assert_eq!(plain("$_SERVICEOWNER$", &h), "$_SERVICEOWNER$");
    assert_eq!(plain("$SERVICEACKAUTHOR$", &h), "$SERVICEACKAUTHOR$");
    // Lower case names are not macros.
    assert_eq!(plain("$hostname$", &h), "$hostname$");
    // No object at all: host macros stay too, global ones work.
    let none = w.ctx(None, None);
    assert_eq!(
        plain("$HOSTNAME$ $USER5$ $TIMET$", &none),
        format!("$HOSTNAME$ s3cr3t-token {NOW}")
    );
}

#[test]
fn known_global_macros_without_value_are_empty() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain("t=$NOTIFICATIONTYPE$ n=$NOTIFICATIONNUMBER$ c=$NOTIFICATIONCOMMENT$ a=$SERVICEACKAUTHOR$ h=$HOSTACKCOMMENT$.", &c),
        "t= n= c= a= h=."
    );
    assert_eq!(plain("u=$USER9$ u2=$USER256$.", &c), "u= u2=.");
    assert_eq!(
        plain("$USER0$ $USER257$ $USERNAME$ $USER$", &c),
        "$USER0$ $USER257$ $USERNAME$ $USER$"
    );
}

#[test]
fn arg_macros_range_and_missing() {
    let w = World::new();
    let c = w.svc();
    let a = args(&["one", "two"], &c);
    let e = |t: &str| expand_text(t, &c, &a).to_plain();
    assert_eq!(e("$ARG1$ $ARG2$ [$ARG5$] [$ARG32$]"), "one two [] []");
    assert_eq!(
        e("$ARG33$ $ARG0$ $ARG$ $ARGX$"),
        "$ARG33$ $ARG0$ $ARG$ $ARGX$"
    );
    // C atoi: the digits prefix counts.
    assert_eq!(e("$ARG1:x$ $ARG02$"), "one two");
}

#[test]
fn dollar_escape_stray_dollars_and_unclosed_names() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(plain("price $$5 and $$$HOSTNAME$", &c), "price $5 and $h1");
    assert_eq!(plain("$$", &c), "$");
    assert_eq!(plain("cost $5 and $6", &c), "cost $5 and $6");
    // A stray `$` shifts the pairing: the later macro is not expanded.
    assert_eq!(plain("a$b $HOSTNAME$", &c), "a$b $HOSTNAME$");
    assert_eq!(plain("end$", &c), "end$");
    assert_eq!(plain("x $FOO", &c), "x $FOO");
    // Nagios expands a known name even without its closing `$`.
    assert_eq!(plain("x $HOSTNAME", &c), "x h1");
    assert_eq!(plain("", &c), "");
    assert!(expand_text("", &c, &[]).is_empty());
}

#[test]
fn expansion_is_single_pass() {
    let mut w = World::new();
    w.services[0].output.short = Some("value is $HOSTNAME$".into());
    let c = w.svc();
    assert_eq!(plain("$SERVICEOUTPUT$", &c), "value is HOSTNAME");
    let mut no_clean = World::new();
    no_clean.model.main.illegal_macro_output_chars = None;
    no_clean.services[0].output.short = Some("value is $HOSTNAME$".into());
    assert_eq!(
        plain("$SERVICEOUTPUT$", &no_clean.svc()),
        "value is $HOSTNAME$"
    );
}

// ------------------------------------------------------------- code / data split

#[test]
fn output_macros_are_data_everything_else_code() {
    let w = World::new();
    let c = w.svc();
    let e = expand_text(
        "$USER1$/x --out=$SERVICEOUTPUT$ --state $SERVICESTATE$ $HOSTOUTPUT$$HOSTPERFDATA$",
        &c,
        &[],
    );
    assert_eq!(
        e.pieces,
        vec![
            code("/usr/lib/plugins/x --out="),
            data("DISK WARNING - 85% used"),
            code(" --state WARNING "),
            data("PING OKrta=0.1ms"),
        ]
    );
    assert_eq!(
        e.to_plain(),
        "/usr/lib/plugins/x --out=DISK WARNING - 85% used --state WARNING PING OKrta=0.1ms"
    );
    assert_eq!(e.to_string(), e.to_plain());
    // Custom variables, notes and $USERn$ are code.
    let e = expand_text("$_HOSTRACK$ $HOSTNOTES$ $USER7$", &c, &[]);
    assert_eq!(e.pieces, vec![code("r12 note for h1 /opt/custom path")]);
}

#[test]
fn empty_values_leave_no_empty_pieces() {
    let w = World::new();
    let c = w.svc();
    let e = expand_text("a$LONGHOSTOUTPUT$b$SERVICEACKCOMMENT$c", &c, &[]);
    assert_eq!(e.pieces, vec![code("abc")]);
    let mut w2 = World::new();
    w2.services[0].output.short = Some("`$&|".into());
    let e = expand_text("a$SERVICEOUTPUT$b", &w2.svc(), &[]);
    assert_eq!(e.pieces, vec![code("ab")]);
    let e = expand_text("$SERVICEOUTPUT$", &w2.svc(), &[]);
    assert!(e.is_empty());
}

#[test]
fn arg_pieces_keep_their_kinds() {
    let w = World::new();
    let c = w.svc();
    let call = call(&w.model, "out!<$SERVICEOUTPUT$>");
    let full = expand_call_full(&call, &c);
    assert_eq!(
        full.args,
        vec![Expanded {
            pieces: vec![code("<"), data("DISK WARNING - 85% used"), code(">")]
        }]
    );
    assert_eq!(
        full.line.pieces,
        vec![
            code("/usr/lib/plugins/out \""),
            data("DISK WARNING - 85% used"),
            code("\" <"),
            data("DISK WARNING - 85% used"),
            code(">"),
        ]
    );
    let cl: vigil_cmdline::CommandLine = full.line.clone().into();
    assert_eq!(
        cl.segments,
        vec![
            vigil_cmdline::Segment::Code("/usr/lib/plugins/out \"".into()),
            vigil_cmdline::Segment::Data("DISK WARNING - 85% used".into()),
            vigil_cmdline::Segment::Code("\" <".into()),
            vigil_cmdline::Segment::Data("DISK WARNING - 85% used".into()),
            vigil_cmdline::Segment::Code(">".into()),
        ]
    );
    assert_eq!(cl.to_display_string(), full.line.to_plain());
}

// ------------------------------------------------------------------- cleaning (§6)

#[test]
fn cleaning_strips_illegal_chars_from_output_macros_only() {
    let mut w = World::new();
    // The metachars_stripped trace: ';' already turned into ':' by the output parser.
    w.services[0].output.short = Some(
        "CRITICAL: user=$USER name=`whoami` 'single' \"double\" <in >out & ~home \\back: next"
            .into(),
    );
    w.services[0].output.long = "a;b|c\\nd".into();
    w.services[0].output.perfdata = "x=1;2;3 'q'".into();
    let c = w.svc();
    assert_eq!(
        plain("SERVICEOUTPUT=$SERVICEOUTPUT$", &c),
        "SERVICEOUTPUT=CRITICAL: user=USER name=whoami single double in out  home \\back: next"
    );
    assert_eq!(plain("$LONGSERVICEOUTPUT$", &c), "a;bc\\nd");
    assert_eq!(plain("$SERVICEPERFDATA$", &c), "x=1;2;3 q");
    // Names and $ARGn$ are never cleaned.
    let a = args(&["x`y&w", "it's"], &c);
    assert_eq!(
        expand_text("$ARG1$ $ARG2$", &c, &a).to_plain(),
        "x`y&w it's"
    );
}

#[test]
fn cleaning_off_keeps_chars_but_control_bytes_always_go() {
    let mut w = World::new();
    w.model.main.illegal_macro_output_chars = None;
    w.services[0].output.short = Some("a`b$c&d\x07e\tf\x7fg|h".into());
    let c = w.svc();
    assert_eq!(plain("$SERVICEOUTPUT$", &c), "a`b$c&defg|h");
    // Options::clean=false disables cleaning altogether.
    let raw = expand_text_with(
        "$SERVICEOUTPUT$",
        &c,
        &[],
        &Options {
            clean: false,
            ..Options::default()
        },
    );
    assert_eq!(raw.to_plain(), "a`b$c&d\x07e\tf\x7fg|h");
    assert_eq!(clean_macro_output("a\x01b`c", Some(b"`")), "abc");
    assert_eq!(clean_macro_output("a\x01b`c", None), "ab`c");
    // Non-ASCII illegal bytes are removed byte-wise without breaking UTF-8.
    assert_eq!(clean_macro_output("é-x", Some(&[0xC3])), "\u{FFFD}-x");
}

#[test]
fn custom_variables_are_cleaned() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(plain("[$_HOSTEVIL$]", &c), "[foovalue]");
    let mut raw = World::new();
    raw.model.main.illegal_macro_output_chars = None;
    assert_eq!(plain("[$_HOSTEVIL$]", &raw.svc()), "[foo`$&|<>\"'value]");
}

// ---------------------------------------------------------------- args (§2) & calls

#[test]
fn arguments_are_expanded_before_insertion() {
    let w = World::new();
    let c = w.svc();
    let call = CommandCall {
        raw: "check_x!$HOSTADDRESS$!$ARG1$-bar".into(),
        command: CommandId(0),
        args: vec![
            "$HOSTADDRESS$".into(),
            "$ARG1$-$ARG3$-bar".into(),
            "late".into(),
        ],
    };
    assert_eq!(
        expand_call(&call, &c).to_plain(),
        "/usr/lib/plugins/check_x -H 10.0.0.1 -a 10.0.0.1 -b 10.0.0.1--bar"
    );
    let a = expand_args(&call, &c);
    assert_eq!(
        a.iter().map(Expanded::to_plain).collect::<Vec<_>>(),
        vec!["10.0.0.1", "10.0.0.1--bar", "late"]
    );
}

#[test]
fn user_arg_macros_trace() {
    // user_arg_macros: `increase-memory!512!MB` and `increase-memory!1024 MB!a\!b`.
    let w = World::new();
    let c = w.svc();
    let e = expand_raw_call("increase-memory!512!MB", &c).expect("defined");
    assert_eq!(
        e.to_plain(),
        "/usr/lib/plugins/handler.sh --service-state WARNING --service-state-type SOFT \
         --attempt 1 --memory 512 --unit MB --extra  --token s3cr3t-token --dir /opt/custom \
         path --host h1 --service disk"
    );
    let full = expand_raw_call_full("increase-memory!1024 MB!a\\!b", &c).expect("defined");
    assert_eq!(
        full.args.iter().map(Expanded::to_plain).collect::<Vec<_>>(),
        vec!["1024 MB", "a!b"]
    );
    assert!(full
        .line
        .to_plain()
        .contains("--memory 1024 MB --unit a!b --extra  --token"));
    assert_eq!(expand_raw_call("nosuchcmd!x", &c), None);
    assert_eq!(parse_call("nosuchcmd", &w.model), None);
    let pc = parse_call("svc-eh!a\\!b!c", &w.model).expect("defined");
    assert_eq!(pc.raw, "svc-eh!a\\!b!c");
    assert_eq!(pc.command, CommandId(2));
    assert_eq!(pc.args, vec!["a!b", "c"]);
}

#[test]
fn split_raw_call_rules() {
    assert_eq!(split_raw_call("cmd"), ("cmd", vec![]));
    assert_eq!(split_raw_call("cmd!"), ("cmd", vec![String::new()]));
    assert_eq!(
        split_raw_call("cmd!a!!b"),
        ("cmd", vec!["a".into(), String::new(), "b".into()])
    );
    assert_eq!(
        split_raw_call("cmd!a\\!b\\c!d"),
        ("cmd", vec!["a!b\\c".into(), "d".into()])
    );
    assert_eq!(split_raw_call("cmd!x\\"), ("cmd", vec!["x\\".into()]));
    let many = format!("cmd{}", "!x".repeat(40));
    assert_eq!(split_raw_call(&many).1.len(), MAX_COMMAND_ARGUMENTS);
}

#[test]
fn global_handler_style_call_with_event_handler_directive() {
    let w = World::new();
    let c = w.svc();
    let eh = w.model.services[0]
        .settings
        .event_handler
        .clone()
        .expect("set");
    assert_eq!(
        expand_call(&eh, &c).to_plain(),
        "/usr/lib/plugins/svc-eh WARNING first arg"
    );
    // A call whose command id is out of range expands to nothing instead of panicking.
    let bad = CommandCall {
        raw: "x".into(),
        command: CommandId(99),
        args: vec![],
    };
    assert!(expand_call(&bad, &c).is_empty());
}

// --------------------------------------------------------------- on-demand (§3)

#[test]
fn on_demand_host_and_service_macros() {
    let w = World::new();
    let c = w.host();
    assert_eq!(
        plain("$HOSTSTATE:h2$ $HOSTADDRESS:h2$ $HOSTOUTPUT:h2$", &c),
        "DOWN 10.0.0.2 PING CRITICAL"
    );
    assert_eq!(plain("$HOSTSTATEID:nohost$", &c), "2");
    assert_eq!(plain("$HOSTSTATE:nohost$", &c), "$HOSTSTATE:nohost$");
    assert_eq!(
        plain("$SERVICESTATE:h1:HTTP$ $SERVICEOUTPUT:h2:disk$", &c),
        "OK DISK CRITICAL"
    );
    assert_eq!(plain("$SERVICESTATE::HTTP$", &c), "OK");
    assert_eq!(plain("[$SERVICESTATE::nosuch$]", &c), "[]");
    assert_eq!(plain("$SERVICESTATEID:h1:nosuch$", &c), "3");
    assert_eq!(
        plain("$SERVICESTATE:h1:nosuch$", &c),
        "$SERVICESTATE:h1:nosuch$"
    );
    assert_eq!(plain("$SERVICESTATE:h1$", &c), "$SERVICESTATE:h1$");
    // Without a host in context the blank-host form cannot work.
    assert_eq!(
        plain("$SERVICESTATE::HTTP$", &w.ctx(None, None)),
        "$SERVICESTATE::HTTP$"
    );
    // The on-demand value is data if the macro is.
    let e = expand_text("x$SERVICEOUTPUT:h1:HTTP$", &c, &[]);
    assert_eq!(e.pieces, vec![code("x"), data("HTTP OK")]);
}

#[test]
fn on_demand_group_member_lists() {
    let w = World::new();
    let c = w.host();
    assert_eq!(plain("$HOSTSTATEID:hg2:,$", &c), "0,1");
    assert_eq!(plain("$HOSTNAME:hg2: + $", &c), "h1 + h2");
    assert_eq!(plain("$HOSTSTATE:nogroup:,$", &c), "$HOSTSTATE:nogroup:,$");
    assert_eq!(plain("$SERVICESTATEID:sg1:;$", &c), "1;2");
    assert_eq!(plain("$SERVICEDESC:sg1:,$", &c), "disk,disk");
    // Delimiters may contain ':'.
    assert_eq!(plain("$HOSTNAME:hg2:a:b$", &c), "h1a:bh2");
    // The joined value of a cleanable macro is cleaned as a whole (delimiter too).
    assert_eq!(
        plain("$SERVICEOUTPUT:sg1:|$", &c),
        "DISK WARNING - 85% usedDISK CRITICAL"
    );
}

#[test]
fn hostgroup_and_servicegroup_macros() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain("$HOSTGROUPNAME$|$HOSTGROUPALIAS$|$HOSTGROUPNAMES$|$HOSTGROUPMEMBERS$|$HOSTGROUPMEMBERADDRESSES$", &c),
        "hg1|Group One|hg1,hg2|h1|10.0.0.1"
    );
    assert_eq!(
        plain(
            "$HOSTGROUPMEMBERS:hg2$|$HOSTGROUPMEMBERADDRESSES:hg2$|$HOSTGROUPALIAS:hg2$",
            &c
        ),
        "h1,h2|10.0.0.1,10.0.0.2|Group Two"
    );
    assert_eq!(
        plain("$HOSTGROUPNOTES$|$HOSTGROUPACTIONURL$", &c),
        "hg notes of h1|http://hg/hg1 x"
    );
    assert_eq!(plain("[$HOSTGROUPNOTESURL$]", &c), "[]");
    assert_eq!(
        plain("$SERVICEGROUPNAME$|$SERVICEGROUPALIAS$|$SERVICEGROUPNAMES$|$SERVICEGROUPMEMBERS$|$SERVICEGROUPNOTES$", &c),
        "sg1|Disks|sg1|h1,disk,h2,disk|sg disk"
    );
    // h3 has no group: group macros stay verbatim, the name list is empty.
    let h3 = w.ctx(Some(2), None);
    assert_eq!(
        plain("$HOSTGROUPNAME$ [$HOSTGROUPNAMES$]", &h3),
        "$HOSTGROUPNAME$ []"
    );
    // HTTP has no servicegroup.
    let http = w.ctx(Some(0), Some(1));
    assert_eq!(
        plain("$SERVICEGROUPNAME$ [$SERVICEGROUPNAMES$]", &http),
        "$SERVICEGROUPNAME$ []"
    );
    assert_eq!(
        plain("$SERVICEGROUPMEMBERS:nosuch$", &http),
        "$SERVICEGROUPMEMBERS:nosuch$"
    );
}

#[test]
fn contact_macros_only_on_demand() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain("$CONTACTNAME$ $CONTACTEMAIL$ $CONTACTADDRESS1$", &c),
        "$CONTACTNAME$ $CONTACTEMAIL$ $CONTACTADDRESS1$"
    );
    assert_eq!(
        plain("$CONTACTEMAIL:john$|$CONTACTALIAS:john$|[$CONTACTPAGER:john$]|$CONTACTGROUPNAMES:john$", &c),
        "john@example.com|John Doe|[]|admins"
    );
    assert_eq!(
        plain("$CONTACTEMAIL:admins:;$ $CONTACTNAME:nobody$", &c),
        "john@example.com $CONTACTNAME:nobody$"
    );
    assert_eq!(
        plain("$CONTACTGROUPMEMBERS:admins$|$CONTACTGROUPALIAS:admins$|$CONTACTGROUPNAME:admins$|$CONTACTGROUPNAME$", &c),
        "john|Admins|admins|$CONTACTGROUPNAME$"
    );
    assert_eq!(
        plain("$CONTACTADDRESS1:john$|[$CONTACTADDRESS2:john$]|$CONTACTADDRESS3:admins:,$|$CONTACTADDRESS7:john$", &c),
        "addr-one|[]|addr-three|$CONTACTADDRESS7:john$"
    );
}

// -------------------------------------------------------------- custom vars (§4)

#[test]
fn custom_variable_macros() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(plain("$_HOSTRACK$ $_SERVICEOWNER$", &c), "r12 ops-team");
    assert_eq!(
        plain("$_HOSTrack$ $_SERVICENOPE$ $_FOO$", &c),
        "$_HOSTrack$ $_SERVICENOPE$ $_FOO$"
    );
    assert_eq!(
        plain("$_HOSTRACK:h2$ $_HOSTRACK:nohost$", &c),
        "r7 $_HOSTRACK:nohost$"
    );
    assert_eq!(
        plain("$_HOSTRACK:hg2:,$ [$_HOSTNOPE:hg2:,$]", &c),
        "r12,r7 []"
    );
    assert_eq!(
        plain("$_SERVICEOWNER:h2:disk$ $_SERVICEOWNER::disk$", &c),
        "dba ops-team"
    );
    assert_eq!(plain("$_SERVICEOWNER:sg1:;$", &c), "ops-team;dba");
    assert_eq!(
        plain("$_SERVICEOWNER:h1:nosuch$", &c),
        "$_SERVICEOWNER:h1:nosuch$"
    );
    assert_eq!(
        plain(
            "$_CONTACTPHONE:john$ $_CONTACTPHONE:admins:,$ $_CONTACTPHONE$",
            &c
        ),
        "555-1234 555-1234 $_CONTACTPHONE$"
    );
    // Nagios >= 4.5.7 behaviour behind the option.
    let opts = Options {
        empty_undefined_custom_vars: true,
        ..Options::default()
    };
    assert_eq!(
        expand_text_with("[$_SERVICENOPE$][$_HOSTNOPE$]", &c, &[], &opts).to_plain(),
        "[][]"
    );
    // A missing object still leaves it verbatim.
    assert_eq!(
        expand_text_with("$_SERVICENOPE$", &w.host(), &[], &opts).to_plain(),
        "$_SERVICENOPE$"
    );
}

// -------------------------------------------------------- notes, URLs, INFOURL (§7)

#[test]
fn notes_and_urls_are_expanded_inside() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(plain("$HOSTNOTES$", &c), "note for h1");
    assert_eq!(plain("$SERVICENOTES$", &c), "note for h1/disk");
    assert_eq!(
        plain("$HOSTNOTESURL$", &c),
        "http://wiki/Host%20One?s=UP&o=PING%20OK"
    );
    // The inner output value is still data, URL-encoded.
    let e = expand_text("$HOSTNOTESURL$", &c, &[]);
    assert_eq!(
        e.pieces,
        vec![code("http://wiki/Host%20One?s=UP&o="), data("PING%20OK")]
    );
    // A URL whose text is only $HOSTNOTES$: the notes are expanded, then encoded.
    assert_eq!(plain("$HOSTACTIONURL$", &c), "note%20for%20h1");
    // Self-reference terminates.
    let h2 = w.ctx(Some(1), None);
    assert_eq!(
        plain("$HOSTNOTES$", &h2),
        "self self self self self $HOSTNOTES$"
    );
    // On demand: the notes are expanded for the named object.
    assert_eq!(
        plain("$SERVICENOTES:h1:disk$", &w.host()),
        "note for h1/disk"
    );
    assert_eq!(
        plain("$HOSTINFOURL$|$SERVICEINFOURL$", &c),
        "website_url not set/cgi-bin/extinfo.cgi?type=1&host=h1|website_url not set/cgi-bin/extinfo.cgi?type=2&host=h1&service=disk"
    );
    let mut w2 = World::new();
    w2.model.main.raw.push((
        "website_url".into(),
        "http://mon/nagios".into(),
        Location::default(),
    ));
    w2.model.services[0].description = "disk /var".into();
    assert_eq!(
        plain("$SERVICEINFOURL$", &w2.svc()),
        "http://mon/nagios/cgi-bin/extinfo.cgi?type=2&host=h1&service=disk%20%2Fvar"
    );
}

#[test]
fn url_encoding() {
    assert_eq!(url_encode("a b/c~d.e-f_g"), "a%20b%2Fc~d.e-f_g");
    assert_eq!(url_encode("é&="), "%C3%A9%26%3D");
    assert_eq!(url_encode("AZaz09"), "AZaz09");
    let w = World::new();
    let opts = Options {
        url_encode: true,
        ..Options::default()
    };
    assert_eq!(
        expand_text_with("q=$HOSTALIAS$&$SERVICEDESC$", &w.svc(), &[], &opts).to_plain(),
        "q=Host%20One&disk"
    );
}

// ------------------------------------------------------------- numbers and times

#[test]
fn numeric_formats_durations_and_ids() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain("$SERVICELATENCY$ $SERVICEEXECUTIONTIME$ $SERVICEPERCENTCHANGE$ $HOSTLATENCY$ $HOSTPERCENTCHANGE$", &c),
        "0.123 1.500 24.20 0.000 0.00"
    );
    assert_eq!(
        plain("$SERVICEDURATION$|$SERVICEDURATIONSEC$", &c),
        "1d 2h 3m 4s|93784"
    );
    // Never changed: since the epoch.
    assert_eq!(plain("$HOSTDURATIONSEC$", &c), NOW.to_string());
    assert_eq!(
        plain("$SERVICEEVENTID$ $LASTSERVICEEVENTID$ $SERVICEPROBLEMID$ $LASTSERVICEPROBLEMID$ $HOSTEVENTID$", &c),
        "1 0 1 0 0"
    );
    assert_eq!(
        plain("$LASTSERVICECHECK$ $LASTSERVICESTATECHANGE$ $LASTSERVICEOK$ $LASTSERVICEWARNING$ $LASTSERVICECRITICAL$ $LASTSERVICEUNKNOWN$", &c),
        format!("{} {} {} {} 0 0", NOW - 3, NOW - 93_784, NOW - 60, NOW - 3)
    );
    assert_eq!(
        plain("$LASTHOSTCHECK$ $LASTHOSTSTATECHANGE$ $LASTHOSTUP$ $LASTHOSTDOWN$ $LASTHOSTUNREACHABLE$", &c),
        format!("{} 0 0 0 0", NOW - 10)
    );
    assert_eq!(
        plain("$SERVICEDOWNTIME$ $HOSTDOWNTIME$ $SERVICENOTIFICATIONNUMBER$ $HOSTNOTIFICATIONID$ $HOSTIMPORTANCE$", &c),
        "0 0 0 0 0"
    );
    assert_eq!(
        plain("$HOSTNOTIFICATIONENABLED$ $HOSTNOTIFICATIONENABLED:h2$ $SERVICENOTIFICATIONENABLED$ $HOSTNOTIFICATIONPERIOD$ [$SERVICENOTIFICATIONPERIOD$]", &c),
        "YES NO YES 24x7 []"
    );
    assert_eq!(
        plain("$TOTALHOSTSERVICES$ $TOTALHOSTSERVICESOK$ $TOTALHOSTSERVICESWARNING$ $TOTALHOSTSERVICESCRITICAL$ $TOTALHOSTSERVICESUNKNOWN$", &c),
        "2 1 1 0 0"
    );
}

#[test]
fn max_attempts_runtime_override() {
    let mut w = World::new();
    w.services[0].attrs.max_attempts = Some(7);
    w.hosts[0].attrs.max_attempts = Some(5);
    assert_eq!(
        plain("$MAXSERVICEATTEMPTS$ $MAXHOSTATTEMPTS$", &w.svc()),
        "7 5"
    );
}

#[test]
fn notification_switch_and_period_runtime_values() {
    let mut w = World::new();
    // A run-time period shows even when a restart left it out of effect (Nagios
    // 4.4.6 prints the name it restored).
    w.services[0].attrs.notification_period = Some(vigil_state::PeriodChange {
        name: "never".into(),
        in_effect: false,
    });
    w.hosts[0].attrs.notifications_enabled = false;
    assert_eq!(
        plain(
            "$SERVICENOTIFICATIONPERIOD$ $HOSTNOTIFICATIONPERIOD$ $HOSTNOTIFICATIONENABLED$",
            &w.svc()
        ),
        "never 24x7 NO"
    );
}

#[test]
fn date_time_macros() {
    let w = World::new();
    let c = w.svc();
    let tm = time::local(c.zone, NOW).expect("local time");
    let mut long = String::new();
    tm.write_long(&mut long).expect("fmt");
    let mut date = String::new();
    tm.write_date(&mut date, "us").expect("fmt");
    let mut t = String::new();
    tm.write_time(&mut t).expect("fmt");
    assert_eq!(plain("$TIMET$", &c), NOW.to_string());
    assert_eq!(plain("$LONGDATETIME$", &c), long);
    assert_eq!(plain("$DATE$", &c), date);
    assert_eq!(plain("$TIME$", &c), t);
    assert_eq!(plain("$SHORTDATETIME$", &c), format!("{date} {t}"));
    assert_eq!(plain("$DATE:ignored$", &c), date);
}

#[test]
fn date_formats() {
    let tm = time::LocalTm {
        year: 2026,
        month: 11,
        day: 5,
        hour: 2,
        min: 6,
        sec: 9,
        wday: 4,
        zone: "UTC".into(),
    };
    let f = |fmt: &str| {
        let mut s = String::new();
        tm.write_short(&mut s, fmt).expect("fmt");
        s
    };
    assert_eq!(f("us"), "11-05-2026 02:06:09");
    assert_eq!(f("euro"), "05-11-2026 02:06:09");
    assert_eq!(f("iso8601"), "2026-11-05 02:06:09");
    assert_eq!(f("strict-iso8601"), "2026-11-05T02:06:09");
    assert_eq!(f("bogus"), "11-05-2026 02:06:09");
    let mut long = String::new();
    tm.write_long(&mut long).expect("fmt");
    assert_eq!(long, "Thu Nov 5 02:06:09 UTC 2026");
    // The real conversion, in UTC and in a fixed zone an hour east.
    let utc = vigil_config::zone::Zone::utc();
    let mut s = String::new();
    time::local(&utc, 0)
        .expect("local")
        .write_long(&mut s)
        .expect("fmt");
    assert_eq!(s, "Thu Jan 1 00:00:00 UTC 1970");
    let east = vigil_config::zone::Zone::fixed(3600).expect("zone");
    let t = time::local(&east, 0).expect("local");
    assert_eq!((t.hour, t.day, t.year), (1, 1, 1970));
}

#[test]
fn timeperiod_macros() {
    let w = World::new();
    let c = w.svc();
    assert_eq!(
        plain("$ISVALIDTIME:24x7$ $ISVALIDTIME:24x7:12345$", &c),
        "1 1"
    );
    // Observed with Nagios 4.4.6: a past time gives now.
    assert_eq!(
        plain("$NEXTVALIDTIME:24x7:12345$ $NEXTVALIDTIME:24x7:0x10$", &c),
        format!("{NOW} {NOW}")
    );
    assert_eq!(
        plain(&format!("$NEXTVALIDTIME:24x7:{}$", NOW + 100), &c),
        (NOW + 100).to_string()
    );
    assert_eq!(
        plain(&format!("$NEXTVALIDTIME:24x7:{:#x}$", NOW + 16), &c),
        (NOW + 16).to_string()
    );
    assert_eq!(plain("$NEXTVALIDTIME:24x7$", &c), NOW.to_string());
    assert_eq!(
        plain("$ISVALIDTIME:nope$ $ISVALIDTIME$", &c),
        "$ISVALIDTIME:nope$ $ISVALIDTIME$"
    );
}

#[test]
fn static_program_macros() {
    let w = World::new();
    let c = w.ctx(None, None);
    assert_eq!(
        plain("$MAINCONFIGFILE$|$LOGFILE$|$STATUSDATAFILE$|$COMMANDFILE$|$RESOURCEFILE$|$TEMPPATH$|$HOSTPERFDATAFILE$", &c),
        "/etc/vigil/nagios.cfg|/var/log/vigil/vigil.log|/var/lib/vigil/status.dat|/var/lib/vigil/rw/vigil.cmd|/etc/vigil/resource.cfg|/tmp|/var/lib/vigil/host-perfdata"
    );
    assert_eq!(
        plain("[$RETENTIONDATAFILE$][$OBJECTCACHEFILE$][$TEMPFILE$][$SERVICEPERFDATAFILE$][$ADMINPAGER$]", &c),
        "[][][][][]"
    );
    assert_eq!(
        plain("$ADMINEMAIL$ $PROCESSSTARTTIME$ $EVENTSTARTTIME$", &c),
        "root@example.com 1795600000 1795600000"
    );
}

#[test]
fn summary_macros_count_checked_objects() {
    let mut w = World::new();
    let c = w.ctx(None, None);
    // Hosts: h1 UP, h2 DOWN, h3 never checked. Services: WARNING, OK, CRITICAL (on
    // the DOWN host h2, so handled).
    assert_eq!(
        plain("$TOTALHOSTSUP$ $TOTALHOSTSDOWN$ $TOTALHOSTSUNREACHABLE$ $TOTALHOSTSDOWNUNHANDLED$ $TOTALHOSTSUNREACHABLEUNHANDLED$ $TOTALHOSTPROBLEMS$ $TOTALHOSTPROBLEMSUNHANDLED$", &c),
        "1 1 0 1 0 1 1"
    );
    assert_eq!(
        plain("$TOTALSERVICESOK$ $TOTALSERVICESWARNING$ $TOTALSERVICESCRITICAL$ $TOTALSERVICESUNKNOWN$ $TOTALSERVICESWARNINGUNHANDLED$ $TOTALSERVICESCRITICALUNHANDLED$ $TOTALSERVICESUNKNOWNUNHANDLED$ $TOTALSERVICEPROBLEMS$ $TOTALSERVICEPROBLEMSUNHANDLED$", &c),
        "1 1 1 0 1 0 0 2 1"
    );
    w.hosts[2] = checked(2, "unreachable");
    w.hosts[2].attrs.active_checks_enabled = false;
    w.services[1] = checked(3, "?");
    w.services[0].has_been_checked = false;
    let c = w.ctx(None, None);
    assert_eq!(
        plain("$TOTALHOSTSUNREACHABLE$ $TOTALHOSTSUNREACHABLEUNHANDLED$ $TOTALHOSTPROBLEMS$ $TOTALHOSTPROBLEMSUNHANDLED$", &c),
        "1 0 2 1"
    );
    assert_eq!(
        plain("$TOTALSERVICESOK$ $TOTALSERVICESWARNING$ $TOTALSERVICESUNKNOWN$ $TOTALSERVICESUNKNOWNUNHANDLED$ $TOTALSERVICEPROBLEMS$", &c),
        "0 0 1 1 2"
    );
}

#[test]
fn service_only_context_and_bad_ids_do_not_panic() {
    let w = World::new();
    // Host taken from the service.
    assert_eq!(
        plain("$HOSTNAME$ $SERVICEDESC$", &w.ctx(None, Some(2))),
        "h2 disk"
    );
    // Ids outside the model / status arrays: macros stay verbatim.
    let bad = w.ctx(Some(99), Some(99));
    assert_eq!(
        plain("$HOSTNAME$ $SERVICEDESC$ $_HOSTRACK$", &bad),
        "$HOSTNAME$ $SERVICEDESC$ $_HOSTRACK$"
    );
    let env = environment(&bad, &[]);
    assert_eq!(
        env.iter()
            .find(|(k, _)| k == "NAGIOS_HOSTNAME")
            .map(|(_, v)| v.as_str()),
        Some("")
    );
}

// -------------------------------------------------------------- environment (§8)

/// The sorted `env_names` of the env_macros trace (service handler with
/// `svc-eh!first arg!second`, host custom var `_RACK`, service custom var `_OWNER`).
const TRACE_ENV_NAMES: &str = "NAGIOS_ADMINEMAIL NAGIOS_ADMINPAGER NAGIOS_ARG1 NAGIOS_ARG10 \
NAGIOS_ARG11 NAGIOS_ARG12 NAGIOS_ARG13 NAGIOS_ARG14 NAGIOS_ARG15 NAGIOS_ARG16 NAGIOS_ARG17 \
NAGIOS_ARG18 NAGIOS_ARG19 NAGIOS_ARG2 NAGIOS_ARG20 NAGIOS_ARG21 NAGIOS_ARG22 NAGIOS_ARG23 \
NAGIOS_ARG24 NAGIOS_ARG25 NAGIOS_ARG26 NAGIOS_ARG27 NAGIOS_ARG28 NAGIOS_ARG29 NAGIOS_ARG3 \
NAGIOS_ARG30 NAGIOS_ARG31 NAGIOS_ARG32 NAGIOS_ARG4 NAGIOS_ARG5 NAGIOS_ARG6 NAGIOS_ARG7 \
NAGIOS_ARG8 NAGIOS_ARG9 NAGIOS_COMMANDFILE NAGIOS_CONTACTALIAS NAGIOS_CONTACTEMAIL \
NAGIOS_CONTACTGROUPALIAS NAGIOS_CONTACTGROUPMEMBERS NAGIOS_CONTACTGROUPNAME \
NAGIOS_CONTACTGROUPNAMES NAGIOS_CONTACTNAME NAGIOS_CONTACTPAGER NAGIOS_DATE \
NAGIOS_EVENTSTARTTIME NAGIOS_HOSTACKAUTHOR NAGIOS_HOSTACKAUTHORALIAS NAGIOS_HOSTACKAUTHORNAME \
NAGIOS_HOSTACKCOMMENT NAGIOS_HOSTACTIONURL NAGIOS_HOSTADDRESS NAGIOS_HOSTALIAS \
NAGIOS_HOSTANDSERVICESIMPORTANCE NAGIOS_HOSTATTEMPT NAGIOS_HOSTCHECKCOMMAND \
NAGIOS_HOSTCHECKTYPE NAGIOS_HOSTDISPLAYNAME NAGIOS_HOSTDOWNTIME NAGIOS_HOSTDURATION \
NAGIOS_HOSTDURATIONSEC NAGIOS_HOSTEVENTID NAGIOS_HOSTEXECUTIONTIME NAGIOS_HOSTGROUPACTIONURL \
NAGIOS_HOSTGROUPALIAS NAGIOS_HOSTGROUPMEMBERADDRESSES NAGIOS_HOSTGROUPMEMBERS \
NAGIOS_HOSTGROUPNAME NAGIOS_HOSTGROUPNAMES NAGIOS_HOSTGROUPNOTES NAGIOS_HOSTGROUPNOTESURL \
NAGIOS_HOSTIMPORTANCE NAGIOS_HOSTINFOURL NAGIOS_HOSTLATENCY NAGIOS_HOSTNAME NAGIOS_HOSTNOTES \
NAGIOS_HOSTNOTESURL NAGIOS_HOSTNOTIFICATIONENABLED NAGIOS_HOSTNOTIFICATIONID \
NAGIOS_HOSTNOTIFICATIONNUMBER NAGIOS_HOSTNOTIFICATIONPERIOD NAGIOS_HOSTOUTPUT \
NAGIOS_HOSTPERCENTCHANGE NAGIOS_HOSTPERFDATA NAGIOS_HOSTPERFDATAFILE NAGIOS_HOSTPROBLEMID \
NAGIOS_HOSTSTATE NAGIOS_HOSTSTATEID NAGIOS_HOSTSTATETYPE NAGIOS_ISVALIDTIME \
NAGIOS_LASTHOSTCHECK NAGIOS_LASTHOSTDOWN NAGIOS_LASTHOSTEVENTID NAGIOS_LASTHOSTPROBLEMID \
NAGIOS_LASTHOSTSTATE NAGIOS_LASTHOSTSTATECHANGE NAGIOS_LASTHOSTSTATEID \
NAGIOS_LASTHOSTUNREACHABLE NAGIOS_LASTHOSTUP NAGIOS_LASTSERVICECHECK \
NAGIOS_LASTSERVICECRITICAL NAGIOS_LASTSERVICEEVENTID NAGIOS_LASTSERVICEOK \
NAGIOS_LASTSERVICEPROBLEMID NAGIOS_LASTSERVICESTATE NAGIOS_LASTSERVICESTATECHANGE \
NAGIOS_LASTSERVICESTATEID NAGIOS_LASTSERVICEUNKNOWN NAGIOS_LASTSERVICEWARNING NAGIOS_LOGFILE \
NAGIOS_LONGDATETIME NAGIOS_LONGHOSTOUTPUT NAGIOS_LONGSERVICEOUTPUT NAGIOS_MAINCONFIGFILE \
NAGIOS_MAXHOSTATTEMPTS NAGIOS_MAXSERVICEATTEMPTS NAGIOS_NEXTVALIDTIME NAGIOS_NOTIFICATIONAUTHOR \
NAGIOS_NOTIFICATIONAUTHORALIAS NAGIOS_NOTIFICATIONAUTHORNAME NAGIOS_NOTIFICATIONCOMMENT \
NAGIOS_NOTIFICATIONISESCALATED NAGIOS_NOTIFICATIONNUMBER NAGIOS_NOTIFICATIONRECIPIENTS \
NAGIOS_NOTIFICATIONTYPE NAGIOS_OBJECTCACHEFILE NAGIOS_PROCESSSTARTTIME NAGIOS_RESOURCEFILE \
NAGIOS_RETENTIONDATAFILE NAGIOS_SERVICEACKAUTHOR NAGIOS_SERVICEACKAUTHORALIAS \
NAGIOS_SERVICEACKAUTHORNAME NAGIOS_SERVICEACKCOMMENT NAGIOS_SERVICEACTIONURL \
NAGIOS_SERVICEATTEMPT NAGIOS_SERVICECHECKCOMMAND NAGIOS_SERVICECHECKTYPE NAGIOS_SERVICEDESC \
NAGIOS_SERVICEDISPLAYNAME NAGIOS_SERVICEDOWNTIME NAGIOS_SERVICEDURATION \
NAGIOS_SERVICEDURATIONSEC NAGIOS_SERVICEEVENTID NAGIOS_SERVICEEXECUTIONTIME \
NAGIOS_SERVICEGROUPACTIONURL NAGIOS_SERVICEGROUPALIAS NAGIOS_SERVICEGROUPMEMBERS \
NAGIOS_SERVICEGROUPNAME NAGIOS_SERVICEGROUPNAMES NAGIOS_SERVICEGROUPNOTES \
NAGIOS_SERVICEGROUPNOTESURL NAGIOS_SERVICEIMPORTANCE NAGIOS_SERVICEINFOURL \
NAGIOS_SERVICEISVOLATILE NAGIOS_SERVICELATENCY NAGIOS_SERVICENOTES NAGIOS_SERVICENOTESURL \
NAGIOS_SERVICENOTIFICATIONENABLED NAGIOS_SERVICENOTIFICATIONID \
NAGIOS_SERVICENOTIFICATIONNUMBER NAGIOS_SERVICENOTIFICATIONPERIOD NAGIOS_SERVICEOUTPUT \
NAGIOS_SERVICEPERCENTCHANGE NAGIOS_SERVICEPERFDATA NAGIOS_SERVICEPERFDATAFILE \
NAGIOS_SERVICEPROBLEMID NAGIOS_SERVICESTATE NAGIOS_SERVICESTATEID NAGIOS_SERVICESTATETYPE \
NAGIOS_SHORTDATETIME NAGIOS_STATUSDATAFILE NAGIOS_TEMPFILE NAGIOS_TEMPPATH NAGIOS_TIME \
NAGIOS_TIMET NAGIOS_TOTALHOSTPROBLEMS NAGIOS_TOTALHOSTPROBLEMSUNHANDLED NAGIOS_TOTALHOSTSDOWN \
NAGIOS_TOTALHOSTSDOWNUNHANDLED NAGIOS_TOTALHOSTSERVICES NAGIOS_TOTALHOSTSERVICESCRITICAL \
NAGIOS_TOTALHOSTSERVICESOK NAGIOS_TOTALHOSTSERVICESUNKNOWN NAGIOS_TOTALHOSTSERVICESWARNING \
NAGIOS_TOTALHOSTSUNREACHABLE NAGIOS_TOTALHOSTSUNREACHABLEUNHANDLED NAGIOS_TOTALHOSTSUP \
NAGIOS_TOTALSERVICEPROBLEMS NAGIOS_TOTALSERVICEPROBLEMSUNHANDLED NAGIOS_TOTALSERVICESCRITICAL \
NAGIOS_TOTALSERVICESCRITICALUNHANDLED NAGIOS_TOTALSERVICESOK NAGIOS_TOTALSERVICESUNKNOWN \
NAGIOS_TOTALSERVICESUNKNOWNUNHANDLED NAGIOS_TOTALSERVICESWARNING \
NAGIOS_TOTALSERVICESWARNINGUNHANDLED NAGIOS__HOSTRACK NAGIOS__SERVICEOWNER";

/// A model shaped like the env_macros scenario: h1 with `_RACK r12`, disk with
/// `_OWNER ops-team`, no groups.
fn env_world() -> World {
    let mut w = World::new();
    w.model.hosts[0].settings.custom_vars = vec![("RACK".into(), "r12".into())];
    w.model.hosts[0].hostgroups.clear();
    w.model.services[0].servicegroups.clear();
    std::sync::Arc::make_mut(&mut w.model.services[0].settings).check_command = Some(CommandCall {
        raw: "vigil-check-service".into(),
        command: CommandId(0),
        args: vec![],
    });
    w
}

fn env_map(env: &[(String, String)]) -> HashMap<&str, &str> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn environment_names_match_the_trace() {
    let w = env_world();
    let c = w.svc();
    let eh = call(&w.model, "svc-eh!first arg!second");
    let full = expand_call_full(&eh, &c);
    assert_eq!(
        full.line.to_plain(),
        "/usr/lib/plugins/svc-eh WARNING first arg"
    );
    let env = environment(&c, &full.args);
    let mut names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    let expected: Vec<&str> = TRACE_ENV_NAMES.split_whitespace().collect();
    assert_eq!(expected.len(), 197);
    assert_eq!(names, expected);
    assert_eq!(standard_macro_names().count(), 163);

    let m = env_map(&env);
    let want = [
        ("NAGIOS_HOSTNAME", "h1"),
        ("NAGIOS_SERVICEDESC", "disk"),
        ("NAGIOS_SERVICESTATE", "WARNING"),
        ("NAGIOS_SERVICESTATETYPE", "SOFT"),
        ("NAGIOS_SERVICEATTEMPT", "1"),
        ("NAGIOS_MAXSERVICEATTEMPTS", "2"),
        ("NAGIOS_LASTSERVICESTATE", "OK"),
        ("NAGIOS_SERVICEOUTPUT", "DISK WARNING - 85% used"),
        ("NAGIOS_LONGSERVICEOUTPUT", "line two\\nline three "),
        ("NAGIOS_SERVICEPERFDATA", "used=85%;80;90  extra=1"),
        ("NAGIOS_HOSTSTATE", "UP"),
        ("NAGIOS_ARG1", "first arg"),
        ("NAGIOS_ARG2", "second"),
        ("NAGIOS_ARG3", ""),
        ("NAGIOS__SERVICEOWNER", "ops-team"),
        ("NAGIOS__HOSTRACK", "r12"),
        ("NAGIOS_SERVICECHECKCOMMAND", "vigil-check-service"),
        ("NAGIOS_CONTACTNAME", ""),
        ("NAGIOS_HOSTGROUPNAME", ""),
        ("NAGIOS_NOTIFICATIONTYPE", ""),
        ("NAGIOS_ISVALIDTIME", ""),
        ("NAGIOS_SERVICENOTES", "note for h1/disk"),
        ("NAGIOS_TOTALSERVICESOK", "1"),
        ("NAGIOS_TIMET", "1795643438"),
    ];
    for (k, v) in want {
        assert_eq!(m.get(k).copied(), Some(v), "{k}");
    }
    assert!(!m.contains_key("NAGIOS_USER1"));
    assert!(!m.contains_key("NAGIOS_SERVICEEVENTHANDLER"));
}

#[test]
fn environment_in_host_context_and_large_installations() {
    let w = env_world();
    let c = w.host();
    let env = environment(&c, &[]);
    let m = env_map(&env);
    assert_eq!(env.len(), 163 + 32 + 1);
    assert_eq!(m.get("NAGIOS_SERVICESTATE").copied(), Some(""));
    assert_eq!(m.get("NAGIOS_SERVICEDESC").copied(), Some(""));
    assert_eq!(m.get("NAGIOS_HOSTSTATE").copied(), Some("UP"));
    assert_eq!(m.get("NAGIOS__HOSTRACK").copied(), Some("r12"));
    assert!(!m.contains_key("NAGIOS__SERVICEOWNER"));

    let mut large = env_world();
    large.model.main.use_large_installation_tweaks = true;
    let env = environment(&large.svc(), &[]);
    let m = env_map(&env);
    assert_eq!(env.len(), 163 - 19 + 32 + 2);
    for gone in [
        "NAGIOS_HOSTGROUPMEMBERS",
        "NAGIOS_SERVICEGROUPMEMBERS",
        "NAGIOS_HOSTGROUPMEMBERADDRESSES",
        "NAGIOS_TOTALHOSTSUP",
        "NAGIOS_TOTALSERVICEPROBLEMSUNHANDLED",
    ] {
        assert!(!m.contains_key(gone), "{gone}");
    }
    assert!(m.contains_key("NAGIOS_TOTALHOSTSERVICES"));
}

#[test]
fn environment_custom_vars_cleaned_and_empty_ones_dropped() {
    let mut w = World::new();
    w.services[0].output.short = Some("raw `out` & more\0x".into());
    let env = environment(&w.svc(), &[]);
    let m = env_map(&env);
    assert_eq!(m.get("NAGIOS__HOSTEVIL").copied(), Some("foovalue"));
    assert!(!m.contains_key("NAGIOS__HOSTONLYBAD"));
    // Standard macro values are not cleaned (only NUL removed).
    assert_eq!(
        m.get("NAGIOS_SERVICEOUTPUT").copied(),
        Some("raw `out` & morex")
    );
}
