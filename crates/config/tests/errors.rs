//! One test per error kind: the exact `file:line` and the message, as
//! `vigil verify` reports them (every error of a run, not only the first).

mod common;
use common::*;
use vigil_config::Severity;

// Line numbers: host() is 5 lines plus its extra lines; service() is 6 lines
// plus its extra lines; a service following one host() starts on line 6.

#[test]
fn undefined_service_check_command() {
    let d = err(&format!(
        "{}define service {{\n host_name web1\n service_description HTTP\n check_command check_htp!80\n max_check_attempts 1\n}}\n",
        host("web1", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        6,
        "service 'HTTP' on host 'web1': check command 'check_htp' is not defined",
    );
}

#[test]
fn undefined_host_check_command_and_event_handler() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    check_command nope\n    event_handler nope2!x\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': check command 'nope' is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': event handler command 'nope2' is not defined",
    );
}

#[test]
fn undefined_periods() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    check_period never\n"),
        service("h1", "s", "    notification_period nowhen\n")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': check_period 'never' is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        7,
        "service 's' on host 'h1': notification_period 'nowhen' is not defined",
    );
}

#[test]
fn undefined_contacts_and_contactgroups() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    contact_groups ghosts\n"),
        service("h1", "s", "    contacts nobody\n")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': contact group 'ghosts' is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        7,
        "service 's' on host 'h1': contact 'nobody' is not defined",
    );
}

#[test]
fn undefined_parent() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    parents gateway\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': 'gateway' is not a valid parent",
    );
}

#[test]
fn undefined_template() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    use generic-hst\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "template 'generic-hst' used in host definition is not defined",
    );
}

#[test]
fn undefined_global_handler_and_ocsp() {
    let c = Cfg::new(
        &format!("{}{}", host("h1", ""), service("h1", "s", "")),
        "global_host_event_handler=missing-handler\nocsp_command=missing-ocsp\n",
    );
    let d = c.err();
    assert_error(
        &d,
        "main.cfg",
        6,
        "global host event handler command 'missing-handler' is not defined",
    );
    assert_error(
        &d,
        "main.cfg",
        7,
        "OCSP command 'missing-ocsp' is not defined",
    );
}

#[test]
fn undefined_host_in_service_group_dependency_escalation() {
    let d = err(&format!(
        "{}{}define hostgroup {{\n hostgroup_name g\n members h1,ghost\n}}\n\
         define hostdependency {{\n host_name h1\n dependent_host_name phantom\n notification_failure_criteria d\n}}\n\
         define hostescalation {{\n host_name spectre\n first_notification 1\n last_notification 2\n}}\n\
         define servicedependency {{\n host_name h1\n service_description s\n dependent_service_description nosvc\n execution_failure_criteria c\n}}\n",
        host("h1", ""),
        service("h1,nohost", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        6,
        "service 's': could not find any host matching 'nohost'",
    );
    assert_error(
        &d,
        "objects.cfg",
        12,
        "host group 'g': could not find any host matching 'ghost'",
    );
    assert_error(
        &d,
        "objects.cfg",
        16,
        "host dependency: could not find any host matching 'phantom'",
    );
    assert_error(
        &d,
        "objects.cfg",
        21,
        "host escalation: could not find any host matching 'spectre'",
    );
    assert_error(
        &d,
        "objects.cfg",
        26,
        "service dependency: could not find a service matching host name 'h1' and description 'nosvc'",
    );
}

#[test]
fn undefined_hostgroup_in_service_and_host() {
    let d = err(&format!(
        "{}define service {{\n hostgroup_name nogroup\n service_description s\n check_command c1\n max_check_attempts 1\n}}\n{}",
        host("h1", "    hostgroups nogroup2\n"),
        service("h1", "t", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': host group 'nogroup2' is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        7,
        "service 's': could not find any host group matching 'nogroup'",
    );
}

#[test]
fn undefined_servicegroup_member() {
    let d = err(&format!(
        "{}{}define servicegroup {{\n servicegroup_name sg\n members h1,nope\n}}\n",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        12,
        "service group 'sg': could not find a service matching host name 'h1' and description 'nope'",
    );
}

#[test]
fn missing_host_max_check_attempts() {
    let d = err(&format!(
        "define host {{\n host_name h1\n contacts admin\n}}\n{}",
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "host 'h1': max_check_attempts must be set to a value of at least 1",
    );
}

#[test]
fn missing_service_description_and_check_command() {
    let d = err(&format!(
        "{}define service {{\n host_name h1\n check_command c1\n max_check_attempts 1\n}}\n\
         define service {{\n host_name h1\n service_description nocmd\n max_check_attempts 1\n}}\n",
        host("h1", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        6,
        "service has no hosts and/or service_description",
    );
    assert_error(
        &d,
        "objects.cfg",
        11,
        "service 'nocmd' on host 'h1': check_command is not defined",
    );
}

#[test]
fn missing_command_line_timeperiod_alias_contact_commands() {
    let d = err(&format!(
        "define command {{\n command_name broken\n}}\n\
         define timeperiod {{\n timeperiod_name noalias\n monday 00:00-24:00\n}}\n\
         define contact {{\n contact_name mute\n host_notification_commands c1\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "command 'broken': command_line is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        4,
        "timeperiod 'noalias': alias is not defined",
    );
    assert_error(
        &d,
        "objects.cfg",
        8,
        "contact 'mute': no service notification commands defined",
    );
}

#[test]
fn bad_timeperiod_range() {
    let d = err(&format!(
        "define timeperiod {{\n timeperiod_name bad\n alias Bad\n monday 25:00-26:00\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(&d, "objects.cfg", 4, "timeperiod 'bad'");
}

#[test]
fn circular_parents() {
    let d = err(&format!(
        "{}{}{}",
        host("h1", "    parents h2\n"),
        host("h2", "    parents h1\n"),
        service("h1", "s", "")
    ));
    assert!(d.iter().any(|x| x.severity == Severity::Error
        && x.message
            .contains("form or lead into a circular parent/child chain")
        && x.location
            .as_ref()
            .is_some_and(|l| l.line == 1 || l.line == 7)));
}

#[test]
fn circular_dependencies() {
    let d = err(&format!(
        "{}{}{}define servicedependency {{\n host_name h1\n service_description a\n dependent_service_description b\n execution_failure_criteria c\n}}\n\
         define servicedependency {{\n host_name h1\n service_description b\n dependent_service_description a\n execution_failure_criteria c\n}}\n",
        host("h1", ""),
        service("h1", "a", ""),
        service("h1", "b", "")
    ));
    assert!(d.iter().any(|x| x.severity == Severity::Error
        && x.message
            .contains("circular execution dependency detected for services 'h1;")
        && x.location
            .as_ref()
            .is_some_and(|l| l.line == 18 || l.line == 24)));
}

#[test]
fn circular_nested_groups() {
    let d = err(&format!(
        "define hostgroup {{\n hostgroup_name a\n hostgroup_members b\n}}\ndefine hostgroup {{\n hostgroup_name b\n hostgroup_members a\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert!(d
        .iter()
        .any(|x| x.message.contains("circular group membership")));
}

#[test]
fn duplicates_of_keyed_objects_and_templates() {
    let d = err(&format!(
        "define command {{\n command_name c1\n command_line x\n}}\n\
         define host {{\n name t\n register 0\n}}\ndefine host {{\n name t\n register 0\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "duplicate definition found for command 'c1' (first defined at ",
    );
    assert_error(
        &d,
        "objects.cfg",
        9,
        "duplicate definition of host template 't'",
    );
}

#[test]
fn illegal_characters_in_names() {
    let d = err(&format!(
        "{}{}",
        host("bad$host", ""),
        service("bad$host", "s(1)", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "the name of host 'bad$host' contains one or more illegal characters",
    );
    assert_error(
        &d,
        "objects.cfg",
        6,
        "the name of service 's(1)' contains one or more illegal characters",
    );
}

#[test]
fn no_hosts_and_no_services() {
    let d = err("");
    for m in [
        "there are no hosts defined",
        "there are no services defined",
    ] {
        assert!(d
            .iter()
            .any(|x| x.severity == Severity::Error && x.location.is_none() && x.message == m));
    }
}

#[test]
fn invalid_values() {
    // Non-numeric numbers are warnings (tests/nagios_rules.rs); a bad option
    // letter is an error.
    let d = err(&format!(
        "{}{}",
        host("h1", "    notification_options d,x\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        5,
        "host 'h1': invalid notification_options 'x'",
    );
}

// ------------------------------------------------------------ lexical errors

#[test]
fn invalid_object_type() {
    let d = err(&format!(
        "define Host {{\n host_name x\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "invalid object definition type 'Host'",
    );
}

#[test]
fn unknown_object_directive() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    colour blue\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        5,
        "invalid host object directive 'colour'",
    );
}

#[test]
fn unexpected_token_outside_definition() {
    let d = err(&format!(
        "host_name stray\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        1,
        "unexpected token or statement 'host_name stray'",
    );
}

#[test]
fn define_inside_open_definition() {
    let d = err(&format!(
        "define host {{\n host_name h0\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        3,
        "unexpected start of object definition",
    );
}

#[test]
fn eof_inside_definition() {
    let d = err(&format!(
        "{}{}define host {{\n host_name h9\n",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        13,
        "unexpected end of file inside the host definition starting on line 12",
    );
}

#[test]
fn missing_include_file() {
    let d = err(&format!(
        "include_file=nothere.cfg\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(&d, "objects.cfg", 1, "cannot open config file");
}

// ------------------------------------------------------------ main config

#[test]
fn main_bad_value_and_missing_equals() {
    let c = Cfg::main_only(
        "# test\ninterval_length=soon\n;comment\nuse_syslog=2\ncfg_file=missing.cfg\n",
    );
    let d = c.err();
    assert_error(
        &d,
        "main.cfg",
        2,
        "illegal value 'soon' for interval_length: not a number",
    );
    assert_error(&d, "main.cfg", 3, "has no '='");
    assert_error(&d, "main.cfg", 4, "illegal value '2' for use_syslog");
    assert_error(&d, "main.cfg", 5, "cannot open config file");
    // No log_file: the default is used (tests/nagios_rules.rs).
    assert!(!d.iter().any(|x| x.message.contains("log file")));
    // Missing illegal_macro_output_chars is only a warning.
    assert!(d.iter().any(
        |x| x.severity == Severity::Warning && x.message.contains("illegal_macro_output_chars")
    ));
}

#[test]
fn missing_main_config() {
    let e = vigil_config::load(std::path::Path::new("/nonexistent/vigil/main.cfg")).unwrap_err();
    assert_eq!(e.errors().count(), 1);
    assert!(e.diagnostics[0]
        .message
        .contains("cannot read main config file"));
}

#[test]
fn every_error_is_reported_in_one_run() {
    let d = err(&format!(
        "{}{}{}",
        host("h1", "    check_command nope\n    parents nobody\n"),
        service("h1", "a", "    check_period never\n"),
        service("h1", "b", "    use missing\n")
    ));
    assert!(n_errors(&d) >= 4, "got {}", n_errors(&d));
    assert_error(&d, "objects.cfg", 1, "check command 'nope'");
    assert_error(&d, "objects.cfg", 1, "'nobody' is not a valid parent");
    assert_error(&d, "objects.cfg", 8, "check_period 'never' is not defined");
    assert_error(&d, "objects.cfg", 15, "template 'missing'");
}

#[test]
fn diagnostics_display_as_path_line() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    colour blue\n"),
        service("h1", "s", "")
    ));
    let e = d.iter().find(|x| x.message.contains("colour")).unwrap();
    let text = e.to_string();
    assert!(
        text.ends_with("objects.cfg:5: error: invalid host object directive 'colour'"),
        "{text}"
    );
}
