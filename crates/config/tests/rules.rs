//! One test per lexical, inheritance, assignment and duplicate rule of
//! objects.md §1, §2, §4, §5 and §6, each on a small config in a tempdir.

mod common;
use common::*;
use vigil_config::{HostId, Model, StateFlags};

fn svc<'m>(m: &'m Model, host: &str, desc: &str) -> &'m vigil_config::Service {
    let id = m
        .find_service(host, desc)
        .unwrap_or_else(|| panic!("no service {host};{desc}"));
    m.service(id)
}

fn hostn<'m>(m: &'m Model, name: &str) -> &'m vigil_config::Host {
    m.host(
        m.find_host(name)
            .unwrap_or_else(|| panic!("no host {name}")),
    )
}

fn names(m: &Model, ids: &[HostId]) -> Vec<String> {
    ids.iter().map(|h| m.host(*h).name.clone()).collect()
}

// ---------------------------------------------------------------- §2 lexical

#[test]
fn l1_continuation_lines_join_and_strip_leading_blanks() {
    let (m, _) = ok(&format!(
        "{}{}",
        host(
            "h1",
            "    notes line1 \\\n          continued\n    notes_url x\\\\\n"
        ),
        service("h1", "s", "")
    ));
    let h = hostn(&m, "h1");
    assert_eq!(h.settings.notes.as_deref(), Some("line1 continued"));
    assert_eq!(h.settings.notes_url.as_deref(), Some("x\\"));
}

#[test]
fn l2_semicolon_comments_anywhere_and_escaped_semicolon() {
    let (m, _) = ok(&format!(
        "{}{}",
        host(
            "h1",
            "    notes a\\;b ; comment\n    action_url p\\;q \\; r ; c\n"
        ),
        service("h1", "s", "")
    ));
    let h = hostn(&m, "h1");
    assert_eq!(h.settings.notes.as_deref(), Some("a;b"));
    assert_eq!(h.settings.action_url.as_deref(), Some("p;q ; r"));
}

#[test]
fn l3_hash_is_a_comment_only_at_line_start() {
    let (m, _) = ok(&format!(
        "# a comment\n   # indented comment\n{}{}",
        host("h1", "    alias Web # one ; real comment\n"),
        service("h1", "s", "")
    ));
    assert_eq!(hostn(&m, "h1").alias, "Web # one");
}

#[test]
fn l4_crlf_blank_lines_and_trimming() {
    let text = format!(
        "{}{}",
        host("h1", "\t  alias   spaced  \t\n\n"),
        service("h1", "s", "")
    )
    .replace('\n', "\r\n");
    let (m, _) = ok(&text);
    assert_eq!(hostn(&m, "h1").alias, "spaced");
}

#[test]
fn l5_define_forms_and_text_after_type_ignored() {
    let (m, _) = ok("define host{\n host_name h1\n max_check_attempts 1\n contacts admin\n}\n\
                     define   service   { host_name lost\n host_name h1\n service_description s\n check_command c1\n max_check_attempts 1\n}\n\
                     define host\n host_name h2\n max_check_attempts 1\n contacts admin\n}\n");
    assert!(m.find_host("h2").is_some());
    assert!(m.find_service("h1", "s").is_some());
}

#[test]
fn l6_closing_brace_at_end_of_directive_is_part_of_value() {
    let (m, _) = ok(&format!(
        "{}{}",
        "define host {\n host_name h1\n max_check_attempts 3 }\n contacts admin\n notes n }\n}\n",
        service("h1", "s", "")
    ));
    let h = hostn(&m, "h1");
    assert_eq!(h.settings.max_check_attempts, 3);
    assert_eq!(h.settings.notes.as_deref(), Some("n }"));
}

#[test]
fn l7_directive_names_are_case_sensitive() {
    let d = err(&format!(
        "{}{}",
        host("h1", "    Alias x\n"),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        5,
        "invalid host object directive 'Alias'",
    );
}

#[test]
fn l12_deprecated_directives_are_aliases_with_warning() {
    let (m, w) = ok(&format!(
        "{}{}",
        host("h1", ""),
        service("h1", "s", "    normal_check_interval 7\n    retry_check_interval 3\n    failure_prediction_enabled 1\n")
    ));
    let s = svc(&m, "h1", "s");
    assert_eq!(s.settings.check_interval, 7.0);
    assert_eq!(s.settings.retry_interval, 3.0);
    assert_warning(
        &w,
        "objects.cfg",
        11,
        "normal_check_interval directive is deprecated",
    );
    assert_warning(
        &w,
        "objects.cfg",
        12,
        "retry_check_interval directive is deprecated",
    );
    assert_warning(
        &w,
        "objects.cfg",
        13,
        "failure_prediction_enabled is obsolete",
    );
}

#[test]
fn l13_extinfo_accepted_with_warning_and_merged() {
    let (m, w) = ok(&format!(
        "{}{}define hostextinfo {{\n host_name h1\n icon_image pic.png\n}}\n",
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_eq!(
        hostn(&m, "h1").settings.icon_image.as_deref(),
        Some("pic.png")
    );
    assert_warning(&w, "objects.cfg", 12, "hostextinfo objects are deprecated");
}

#[test]
fn l14_custom_variables_are_upper_cased_values_verbatim() {
    let (m, _) = ok(&format!(
        "{}{}",
        host("h1", "    _lower Some Value ; c\n    _Mixed x\n"),
        service("h1", "s", "")
    ));
    let cv: Vec<(String, String)> = hostn(&m, "h1")
        .settings
        .custom_vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        cv,
        vec![
            ("LOWER".into(), "Some Value".into()),
            ("MIXED".into(), "x".into())
        ]
    );
}

#[test]
fn latin1_lines_load_with_warning() {
    let c = Cfg::new("", "");
    let mut bytes = host("h1", "    alias caf\u{e9}\n").into_bytes();
    // Replace the UTF-8 é by the Latin-1 byte.
    let pos = bytes.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
    bytes.splice(pos..pos + 2, [0xe9]);
    bytes.extend_from_slice(service("h1", "s", "").as_bytes());
    c.write("objects.cfg", &bytes);
    let (m, w) = c.ok();
    assert_eq!(hostn(&m, "h1").alias, "caf\u{e9}");
    assert_warning(&w, "objects.cfg", 5, "not valid UTF-8; read as Latin-1");
}

// ---------------------------------------------------------------- §4 templates

#[test]
fn t1_register_0_is_a_template_only_and_name_plus_key_is_both() {
    let (m, _) = ok(&format!(
        "define host {{\n name tpl\n max_check_attempts 4\n register 0\n}}\n\
         define host {{\n name both\n host_name hb\n max_check_attempts 2\n contacts admin\n}}\n\
         define host {{\n name notreg\n max_check_attempts 2\n}}\n{}{}",
        host("h1", "    use both\n"),
        service("h1,hb", "s", "")
    ));
    assert_eq!(m.hosts.len(), 2, "tpl and notreg are not hosts");
    assert!(m.find_host("tpl").is_none());
    assert_eq!(hostn(&m, "hb").settings.max_check_attempts, 2);
}

#[test]
fn t3_first_listed_template_wins_each_resolved_depth_first() {
    // use t1,t3 with t3 use t2 (the case verified with nagios -vp).
    let (m, _) = ok(&format!(
        "define host {{\n name t1\n notes from-t1\n register 0\n}}\n\
         define host {{\n name t2\n notes from-t2\n notes_url t2-url\n action_url t2-action\n register 0\n}}\n\
         define host {{\n name t3\n use t2\n notes_url t3-url\n register 0\n}}\n{}{}",
        host("h1", "    use t1,t3\n"),
        service("h1", "s", "")
    ));
    let s = &hostn(&m, "h1").settings;
    assert_eq!(
        s.notes.as_deref(),
        Some("from-t1"),
        "set in t1 and t2: t1 wins"
    );
    assert_eq!(
        s.notes_url.as_deref(),
        Some("t3-url"),
        "set in t3 and t2: t3 wins"
    );
    assert_eq!(
        s.action_url.as_deref(),
        Some("t2-action"),
        "only in t2: inherited"
    );
}

#[test]
fn t3_local_value_beats_templates() {
    let (m, _) = ok(&format!(
        "define host {{\n name t1\n alias tpl\n register 0\n}}\n{}{}",
        host("h1", "    use t1\n    alias mine\n"),
        service("h1", "s", "")
    ));
    assert_eq!(hostn(&m, "h1").alias, "mine");
}

#[test]
fn t5_null_cancels_inheritance() {
    let (m, _) = ok(&format!(
        "define host {{\n name t1\n notes tpl-notes\n check_command c2\n register 0\n}}\n{}{}",
        host("h1", "    use t1\n    notes null\n    check_command null\n"),
        service("h1", "s", "")
    ));
    let s = &hostn(&m, "h1").settings;
    assert_eq!(s.notes, None);
    assert!(s.check_command.is_none());
}

#[test]
fn t6_plus_appends_to_inherited_list() {
    let (m, _) = ok(&format!(
        "define hostgroup {{\n hostgroup_name g1\n}}\ndefine hostgroup {{\n hostgroup_name g2\n}}\n\
         define host {{\n name t1\n hostgroups g1\n contacts admin\n register 0\n}}\n\
         define host {{\n use t1\n host_name h1\n max_check_attempts 1\n hostgroups +g2\n contacts +ops\n}}\n\
         define host {{\n host_name h2\n max_check_attempts 1\n contacts +ops\n}}\n{}",
        service("h1", "s", "")
    ));
    let h1 = hostn(&m, "h1");
    let groups: Vec<&str> = h1
        .hostgroups
        .iter()
        .map(|g| m.hostgroups[g.idx()].name.as_str())
        .collect();
    assert_eq!(groups, vec!["g1", "g2"]);
    let contacts: Vec<&str> = h1
        .settings
        .contacts
        .iter()
        .map(|c| m.contacts[c.idx()].name.as_str())
        .collect();
    assert_eq!(contacts, vec!["admin", "ops"]);
    // Nothing inherited: the + is dropped.
    let h2 = hostn(&m, "h2");
    assert_eq!(h2.settings.contacts.len(), 1);
    assert_eq!(m.contacts[h2.settings.contacts[0].idx()].name, "ops");
}

#[test]
fn t7_custom_variables_are_inherited_local_wins() {
    let (m, _) = ok(&format!(
        "define host {{\n name t1\n _A tpl-a\n _B tpl-b\n register 0\n}}\n{}{}",
        host("h1", "    use t1\n    _A mine\n"),
        service("h1", "s", "")
    ));
    let cv: Vec<(String, String)> = hostn(&m, "h1")
        .settings
        .custom_vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        cv,
        vec![("A".into(), "mine".into()), ("B".into(), "tpl-b".into())]
    );
}

#[test]
fn important_check_command_in_template_beats_own() {
    let (m, _) = ok(&format!(
        "{}define service {{\n name t\n check_command !c2\n register 0\n}}\n{}",
        host("h1", ""),
        service("h1", "s", "    use t\n")
    ));
    let cc = svc(&m, "h1", "s").settings.check_command.as_ref().unwrap();
    assert_eq!(m.command(cc.command).name, "c2");
    assert_eq!(cc.raw, "c2");
}

#[test]
fn command_call_arguments_and_escaped_bang() {
    let (m, _) = ok(&format!(
        "{}{}",
        host("h1", ""),
        "define service {\n host_name h1\n service_description s\n check_command c1!a\\!b!c d!\n max_check_attempts 1\n}\n"
    ));
    let cc = svc(&m, "h1", "s").settings.check_command.as_ref().unwrap();
    assert_eq!(cc.raw, "c1!a\\!b!c d!");
    assert_eq!(
        cc.args,
        vec!["a!b".to_string(), "c d".to_string(), String::new()]
    );
}

// ------------------------------------------------------- §4.1 implied inheritance

#[test]
fn implied_service_inherits_contacts_periods_interval_from_host() {
    let (m, _) = ok(&format!(
        "{}{}{}",
        host(
            "h1",
            "    contact_groups admins\n    notification_interval 12\n    notification_period work\n    check_period work\n"
        ),
        service("h1", "inherit", ""),
        service("h1", "own", "    contacts ops\n    notification_interval 5\n    check_period 24x7\n")
    ));
    let h = hostn(&m, "h1");
    let s = svc(&m, "h1", "inherit");
    assert_eq!(s.settings.contacts, h.settings.contacts);
    assert_eq!(s.settings.contact_groups, h.settings.contact_groups);
    assert_eq!(s.settings.notification_interval, 12.0);
    let work = m.index.timeperiods["work"];
    assert_eq!(s.settings.notification_period, Some(work));
    assert_eq!(s.settings.check_period, Some(work));
    let o = svc(&m, "h1", "own");
    assert!(
        o.settings.contact_groups.is_empty(),
        "own contacts: no groups from host"
    );
    assert_eq!(o.settings.notification_interval, 5.0);
    assert_eq!(o.settings.check_period, Some(m.index.timeperiods["24x7"]));
    assert_eq!(o.settings.notification_period, Some(work));
}

#[test]
fn implied_max_check_attempts_is_not_inherited_from_host() {
    let d = err(&format!(
        "{}define service {{\n host_name h1\n service_description s\n check_command c1\n}}\n",
        host("h1", "")
    ));
    assert_error(&d, "objects.cfg", 6, "max_check_attempts must be set");
}

#[test]
fn implied_escalation_inherits_from_host_and_plus_groups() {
    let (m, _) = ok(&format!(
        "{}{}define hostescalation {{\n host_name h1\n first_notification 2\n last_notification 4\n}}\n\
         define hostescalation {{\n host_name h1\n first_notification 1\n last_notification 1\n contacts +ops\n}}\n",
        host("h1", "    notification_interval 9\n    notification_period work\n"),
        service("h1", "s", "")
    ));
    assert_eq!(m.host_escalations.len(), 2);
    let e = &m.host_escalations[0];
    assert_eq!((e.first_notification, e.last_notification), (2, 4));
    assert_eq!(e.notification_interval, 9.0);
    assert_eq!(e.escalation_period, Some(m.index.timeperiods["work"]));
    assert_eq!(e.contacts, hostn(&m, "h1").settings.contacts);
    assert_eq!(e.escalation_options, "d,u,r");
    let e2 = &m.host_escalations[1];
    let names: Vec<&str> = e2
        .contacts
        .iter()
        .map(|c| m.contacts[c.idx()].name.as_str())
        .collect();
    assert_eq!(names, vec!["admin", "ops"]);
}

// ---------------------------------------------------------------- §5 assignment

fn hosts_of(m: &Model, desc: &str) -> Vec<String> {
    let mut v: Vec<String> = m
        .services
        .iter()
        .filter(|s| s.description == desc)
        .map(|s| m.host(s.host).name.clone())
        .collect();
    v.sort();
    v
}

const FOUR_HOSTS: &str = "define hostgroup {\n hostgroup_name web\n members h1,h2\n}\n\
define hostgroup {\n hostgroup_name db\n members h3\n}\n\
define hostgroup {\n hostgroup_name empty\n}\n";

fn four_hosts() -> String {
    format!(
        "{FOUR_HOSTS}{}{}{}{}",
        host("h1", ""),
        host("h2", ""),
        host("h3", ""),
        host("h4", "")
    )
}

#[test]
fn assign_host_name_list() {
    let (m, _) = ok(&format!("{}{}", four_hosts(), service("h1, h3", "s", "")));
    assert_eq!(hosts_of(&m, "s"), vec!["h1", "h3"]);
}

#[test]
fn assign_hostgroup_name_and_union_with_hosts() {
    let (m, _) = ok(&format!(
        "{}{}{}",
        four_hosts(),
        "define service {\n hostgroup_name web\n service_description g\n check_command c1\n max_check_attempts 1\n}\n",
        "define service {\n host_name h4\n hostgroup_name db\n service_description u\n check_command c1\n max_check_attempts 1\n}\n"
    ));
    assert_eq!(hosts_of(&m, "g"), vec!["h1", "h2"]);
    assert_eq!(hosts_of(&m, "u"), vec!["h3", "h4"]);
}

#[test]
fn assign_star_and_exclusions() {
    let (m, _) = ok(&format!(
        "{}{}{}{}",
        four_hosts(),
        service("*", "all", ""),
        service("*,!h2", "most", ""),
        "define service {\n host_name !h1\n hostgroup_name web,db\n service_description ex\n check_command c1\n max_check_attempts 1\n}\n\
         define service {\n hostgroup_name *,!web\n service_description gx\n check_command c1\n max_check_attempts 1\n}\n"
    ));
    assert_eq!(hosts_of(&m, "all"), vec!["h1", "h2", "h3", "h4"]);
    assert_eq!(hosts_of(&m, "most"), vec!["h1", "h3", "h4"]);
    assert_eq!(
        hosts_of(&m, "ex"),
        vec!["h2", "h3"],
        "!h1 excludes hostgroup hosts too"
    );
    assert_eq!(hosts_of(&m, "gx"), vec!["h3"]);
}

#[test]
fn assign_empty_hostgroup_gives_no_service_and_no_error() {
    let (m, _) = ok(&format!(
        "{}{}{}",
        four_hosts(),
        service("h1", "s", ""),
        "define service {\n hostgroup_name empty\n service_description none\n check_command c1\n max_check_attempts 1\n}\n"
    ));
    assert!(hosts_of(&m, "none").is_empty());
}

#[test]
fn one_service_object_per_host_and_description_with_host_services_filled() {
    let (m, _) = ok(&format!(
        "{}{}{}",
        four_hosts(),
        service("h1,h2", "a", ""),
        service("h1", "b", "")
    ));
    let h1 = hostn(&m, "h1");
    let descs: Vec<&str> = h1
        .services
        .iter()
        .map(|s| m.service(*s).description.as_str())
        .collect();
    assert_eq!(descs, vec!["a", "b"]);
    assert_eq!(m.services.len(), 3);
}

// ---------------------------------------------------------------- groups

#[test]
fn hostgroup_membership_both_directions_and_nested() {
    let (m, _) = ok(&format!(
        "define hostgroup {{\n hostgroup_name a\n members h1\n}}\n\
         define hostgroup {{\n hostgroup_name b\n hostgroup_members a\n}}\n{}{}{}",
        host("h1", ""),
        host("h2", "    hostgroups a\n"),
        service("h1", "s", "")
    ));
    let a = &m.hostgroups[m.index.hostgroups["a"].idx()];
    let b = &m.hostgroups[m.index.hostgroups["b"].idx()];
    assert_eq!(names(&m, &a.members), vec!["h1", "h2"]);
    assert_eq!(names(&m, &b.members), vec!["h1", "h2"]);
    assert_eq!(hostn(&m, "h2").hostgroups.len(), 2);
}

#[test]
fn servicegroup_membership_pairs_and_service_side() {
    let (m, _) = ok(&format!(
        "define servicegroup {{\n servicegroup_name sg\n members h1,a,h2,b\n}}\n\
         define servicegroup {{\n servicegroup_name outer\n servicegroup_members sg\n}}\n{}{}{}{}{}",
        host("h1", ""),
        host("h2", ""),
        service("h1", "a", ""),
        service("h2", "b", ""),
        service("h1", "c", "    servicegroups sg\n")
    ));
    let sg = &m.servicegroups[m.index.servicegroups["sg"].idx()];
    let members: Vec<String> = sg
        .members
        .iter()
        .map(|s| {
            format!(
                "{};{}",
                m.host(m.service(*s).host).name,
                m.service(*s).description
            )
        })
        .collect();
    assert_eq!(members, vec!["h1;a", "h2;b", "h1;c"]);
    let outer = &m.servicegroups[m.index.servicegroups["outer"].idx()];
    assert_eq!(outer.members.len(), 3);
    assert_eq!(svc(&m, "h1", "c").servicegroups.len(), 2);
}

#[test]
fn contactgroup_membership_both_directions() {
    let (m, _) = ok(&format!(
        "define contact {{\n contact_name c3\n contactgroups admins\n host_notification_commands c1\n service_notification_commands c1\n}}\n{}{}",
        host("h1", ""),
        service("h1", "s", "")
    ));
    let g = &m.contactgroups[m.index.contactgroups["admins"].idx()];
    let members: Vec<&str> = g
        .members
        .iter()
        .map(|c| m.contacts[c.idx()].name.as_str())
        .collect();
    assert_eq!(members, vec!["admin", "c3"]);
    let c3 = &m.contacts[m.index.contacts["c3"].idx()];
    assert_eq!(c3.contactgroups, vec![m.index.contactgroups["admins"]]);
    // Contact notification options default to none.
    assert_eq!(c3.host_notification_options, "n");
}

// ---------------------------------------------------------------- §6 duplicates

#[test]
fn duplicate_service_last_definition_wins_with_warning_on_discarded() {
    let (m, w) = ok(&format!(
        "{}{}{}",
        host("h1", ""),
        service("h1", "s", "    notes first\n"),
        service("h1", "s", "    notes second\n")
    ));
    assert_eq!(m.services.len(), 1);
    assert_eq!(svc(&m, "h1", "s").settings.notes.as_deref(), Some("second"));
    assert_warning(
        &w,
        "objects.cfg",
        6,
        "duplicate definition found for service 's' on host 'h1'",
    );
}

#[test]
fn duplicate_service_host_name_beats_hostgroup_regardless_of_order() {
    let (m, w) = ok(&format!(
        "define hostgroup {{\n hostgroup_name g\n members h1\n}}\n{}{}{}",
        host("h1", ""),
        service("h1", "s", "    notes explicit\n"),
        "define service {\n hostgroup_name g\n service_description s\n check_command c1\n max_check_attempts 1\n notes group\n}\n"
    ));
    assert_eq!(
        svc(&m, "h1", "s").settings.notes.as_deref(),
        Some("explicit")
    );
    assert_warning(
        &w,
        "objects.cfg",
        17,
        "this hostgroup definition is discarded",
    );
    // Reverse order: the hostgroup definition comes first and is still discarded.
    let (m, w) = ok(&format!(
        "define hostgroup {{\n hostgroup_name g\n members h1\n}}\n{}{}{}",
        host("h1", ""),
        "define service {\n hostgroup_name g\n service_description s\n check_command c1\n max_check_attempts 1\n notes group\n}\n",
        service("h1", "s", "    notes explicit\n")
    ));
    assert_eq!(m.services.len(), 1);
    assert_eq!(
        svc(&m, "h1", "s").settings.notes.as_deref(),
        Some("explicit")
    );
    assert_warning(
        &w,
        "objects.cfg",
        10,
        "duplicate definition found for service 's' on host 'h1'",
    );
}

#[test]
fn duplicate_host_is_an_error() {
    let d = err(&format!(
        "{}{}{}",
        host("h1", ""),
        host("h1", ""),
        service("h1", "s", "")
    ));
    assert_error(
        &d,
        "objects.cfg",
        6,
        "duplicate definition found for host 'h1'",
    );
}

// ---------------------------------------------------------------- defaults

#[test]
fn object_defaults_follow_nagios() {
    let (m, _) = ok(&format!("{}{}", host("h1", ""), service("h1", "s", "")));
    let h = hostn(&m, "h1");
    assert_eq!(
        (
            h.alias.as_str(),
            h.address.as_str(),
            h.display_name.as_str()
        ),
        ("h1", "h1", "h1")
    );
    assert_eq!(h.settings.check_interval, 5.0);
    assert_eq!(h.settings.retry_interval, 1.0);
    assert_eq!(h.settings.notification_interval, 30.0);
    assert_eq!(h.settings.notification_options, "d,u,r,f,s");
    assert_eq!(h.settings.flap_detection_options, StateFlags(0b111));
    assert_eq!(h.settings.stalking_options, StateFlags(0));
    assert!(h.settings.obsess && h.settings.active_checks_enabled && h.settings.process_perf_data);
    let s = svc(&m, "h1", "s");
    assert_eq!(s.display_name, "s");
    assert_eq!(s.settings.notification_options, "w,u,c,r,f,s");
    assert_eq!(s.settings.flap_detection_options, StateFlags(0b1111));
    assert!(!s.is_volatile);
}

#[test]
fn options_are_normalized() {
    let (m, _) = ok(&format!(
        "{}{}",
        host(
            "h1",
            "    notification_options r,d\n    stalking_options o,u\n    initial_state d\n"
        ),
        service(
            "h1",
            "s",
            "    notification_options c,w\n    flap_detection_options c\n    initial_state u\n"
        )
    ));
    let h = hostn(&m, "h1");
    assert_eq!(h.settings.notification_options, "d,r");
    assert_eq!(h.settings.stalking_options, StateFlags(0b101));
    assert_eq!(h.settings.initial_state, 1);
    let s = svc(&m, "h1", "s");
    assert_eq!(s.settings.notification_options, "w,c");
    assert_eq!(s.settings.flap_detection_options, StateFlags(0b100));
    assert_eq!(s.settings.initial_state, 3);
}

// ---------------------------------------------------------------- §1 main config

#[test]
fn main_config_defaults_when_absent() {
    let c = Cfg::new(&format!("{}{}", host("h1", ""), service("h1", "s", "")), "");
    let (m, _) = c.ok();
    let mc = &m.main;
    assert_eq!(mc.log_file, c.path("nagios.log"));
    assert_eq!(mc.interval_length, 60);
    assert!(!mc.log_service_retries && !mc.log_host_retries);
    assert!(!mc.retain_state_information);
    assert!(!mc.enable_flap_detection);
    assert_eq!(mc.service_check_timeout, 60);
    assert_eq!(mc.service_check_timeout_state, 2);
    assert_eq!(mc.host_check_timeout, 30);
    assert_eq!((mc.ocsp_timeout, mc.ochp_timeout), (15, 15));
    assert_eq!(
        (
            mc.low_service_flap_threshold,
            mc.high_service_flap_threshold
        ),
        (20.0, 30.0)
    );
    assert_eq!(mc.allow_empty_hostgroup_assignment, 2);
    assert_eq!(mc.log_rotation_method, 'n');
    assert_eq!(mc.date_format, "us");
    assert!(mc.check_service_freshness && !mc.check_host_freshness);
}

#[test]
fn main_config_values_relative_paths_and_unknown_directive_warning() {
    let c = Cfg::new(
        &format!("{}{}", host("h1", ""), service("h1", "s", "")),
        "interval_length=30\nlog_service_retries=1\nservice_check_timeout_state=u\nstatus_file=var/status.dat\nfoo_bar=1\n\
         global_service_event_handler=c1!x\nresource_file=res.cfg\nlow_service_flap_threshold=5.0\n",
    );
    c.write(
        "res.cfg",
        b"# comment\n$USER1$=/usr/lib/plugins\n$USER3$=a=b c\n$USER300$=ignored\n",
    );
    let (m, w) = c.ok();
    assert_eq!(m.main.interval_length, 30);
    assert!(m.main.log_service_retries);
    assert_eq!(m.main.service_check_timeout_state, 3);
    assert_eq!(
        m.main.status_file.as_deref(),
        Some(c.path("var/status.dat").as_path())
    );
    assert_eq!(m.main.low_service_flap_threshold, 5.0);
    let gh = m.main.global_service_event_handler.as_ref().unwrap();
    assert_eq!(
        (gh.raw.as_str(), gh.args.clone()),
        ("c1!x", vec!["x".to_string()])
    );
    assert_eq!(m.user_macros.get(1), Some("/usr/lib/plugins"));
    assert_eq!(m.user_macros.get(2), None);
    assert_eq!(m.user_macros.get(3), Some("a=b c"));
    assert_eq!(m.main.raw_value("foo_bar"), Some("1"));
    assert_warning(
        &w,
        "main.cfg",
        10,
        "unknown main config directive 'foo_bar'",
    );
}

#[test]
fn cfg_dir_is_recursive_cfg_only_skips_dot_entries_sorted() {
    let c = Cfg::new("", "cfg_dir=conf.d/\n");
    c.write(
        "conf.d/b.cfg",
        service("h1", "from-b", "    notes b\n").as_bytes(),
    );
    c.write("conf.d/a.cfg", host("h1", "").as_bytes());
    c.write(
        "conf.d/sub/c.cfg",
        service("h1", "from-b", "    notes sub\n").as_bytes(),
    );
    c.write("conf.d/.hidden.cfg", b"garbage\n");
    c.write("conf.d/.hdir/x.cfg", b"garbage\n");
    c.write("conf.d/notes.txt", b"garbage\n");
    c.write("conf.d/.cfg", b"garbage\n");
    let (m, w) = c.ok();
    // b.cfg sorts before sub/: the sub definition is parsed last and wins.
    assert_eq!(
        svc(&m, "h1", "from-b").settings.notes.as_deref(),
        Some("sub")
    );
    assert_warning(
        &w,
        "b.cfg",
        1,
        "duplicate definition found for service 'from-b'",
    );
}

#[test]
fn include_file_and_include_dir_in_object_files() {
    let c = Cfg::new("include_file=inc/one.cfg\ninclude_dir=inc/more\n", "");
    c.write("inc/one.cfg", host("h1", "").as_bytes());
    c.write("inc/more/two.cfg", service("h1", "s", "").as_bytes());
    let (m, _) = c.ok();
    assert!(m.find_service("h1", "s").is_some());
}

#[test]
fn counts_and_index_lookups() {
    let (m, _) = ok(&format!(
        "{}{}{}",
        host("h1", "    address 10.0.0.1\n"),
        host("h2", "    parents h1\n"),
        service("h1,h2", "s", "")
    ));
    let c = m.counts();
    assert_eq!(
        (
            c.hosts,
            c.services,
            c.commands,
            c.timeperiods,
            c.contacts,
            c.contactgroups
        ),
        (2, 2, 2, 2, 2, 1)
    );
    assert_eq!(
        m.find_host_by_name_or_address("10.0.0.1"),
        m.find_host("h1")
    );
    assert_eq!(names(&m, &hostn(&m, "h1").children), vec!["h2"]);
    assert_eq!(names(&m, &hostn(&m, "h2").parents), vec!["h1"]);
    assert_eq!(
        m.find_service("h2", "s").map(|s| m.service(s).host),
        m.find_host("h2")
    );
    assert!(m.find_service("h2", "nope").is_none());
}

#[test]
fn dependencies_expand_per_kind_like_nagios_counts() {
    let (m, _) = ok(&format!(
        "{}{}{}{}define servicedependency {{\n host_name h1\n service_description a\n dependent_service_description b\n execution_failure_criteria c\n notification_failure_criteria w,c\n}}\n\
         define hostdependency {{\n host_name h1\n dependent_host_name h2\n notification_failure_criteria d\n}}\n\
         define servicedependency {{\n host_name h1\n service_description a\n dependent_service_description b\n}}\n",
        host("h1", ""),
        host("h2", ""),
        service("h1", "a", ""),
        service("h1", "b", "")
    ));
    // Both criteria: two dependency objects (as nagios -v counts); none: none.
    assert_eq!(m.service_dependencies.len(), 2);
    assert_eq!(m.service_dependencies[0].execution_failure_criteria, "c");
    assert_eq!(
        m.service_dependencies[1].notification_failure_criteria,
        "w,c"
    );
    assert_eq!(m.host_dependencies.len(), 1);
    assert_eq!(m.host(m.host_dependencies[0].dependent_host).name, "h2");
}
