//! Rules of issue 11 ("load every configuration Nagios loads"), one test each.
//! Every expected value was taken from `nagios4 -vp` (Nagios Core 4.4.6,
//! Debian build) run on the same objects: its object counts and the
//! expanded objects it writes to `precached_object_file`.

mod common;
use common::*;
use vigil_config::{DependencyKind, Model, ServiceId, Severity};

/// Line (1-based) of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
}

fn sname(m: &Model, s: ServiceId) -> String {
    let s = m.service(s);
    format!("{};{}", m.host(s.host).name, s.description)
}

/// Dependencies as `master -> dependent` strings, sorted.
fn deps(m: &Model, kind: DependencyKind) -> Vec<String> {
    let mut v: Vec<String> = m
        .service_dependencies
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| {
            format!(
                "{} -> {}",
                sname(m, d.service),
                sname(m, d.dependent_service)
            )
        })
        .collect();
    v.sort();
    v
}

/// h1 (s1, s2, s3) and h2 (s1, s2, in host group g1); s2 and s3 in group sg.
fn two_hosts() -> String {
    format!(
        "{}{}define hostgroup {{\n hostgroup_name g1\n members h2\n}}\n\
         {}{}{}define servicegroup {{\n servicegroup_name sg\n}}\n",
        host("h1", ""),
        host("h2", ""),
        service("h1,h2", "s1", ""),
        service("h1,h2", "s2", "    servicegroups sg\n"),
        service("h1", "s3", "    servicegroups sg\n"),
    )
}

// ------------------------------------------------ service_description lists

#[test]
fn escalation_service_description_star_with_exclusion() {
    // minimal.cfg of the Nagios and Naemon test suites: `*,!Dummy service`.
    let (m, _) = ok(&format!(
        "{}define serviceescalation {{\n host_name *\n service_description *,!s1\n contacts admin\n\
         first_notification 1\n last_notification 2\n notification_interval 3\n}}\n",
        two_hosts()
    ));
    let mut got: Vec<String> = m
        .service_escalations
        .iter()
        .map(|e| sname(&m, e.service.unwrap()))
        .collect();
    got.sort();
    // nagios4: "Checked 3 service escalations": h1;s2, h1;s3, h2;s2.
    assert_eq!(got, vec!["h1;s2", "h1;s3", "h2;s2"]);
}

#[test]
fn excluding_an_unknown_service_description_is_not_an_error() {
    let (m, _) = ok(&format!(
        "{}define serviceescalation {{\n host_name h1\n service_description *,!nonexist\n contacts admin\n\
         first_notification 1\n last_notification 2\n notification_interval 3\n}}\n",
        two_hosts()
    ));
    assert_eq!(m.counts().service_escalations, 3);
}

#[test]
fn dependency_descriptions_star_with_exclusions() {
    let (m, _) = ok(&format!(
        "{}define servicedependency {{\n host_name h1\n service_description *,!s2\n\
         dependent_service_description *,!s1,!s3\n notification_failure_criteria c,u\n}}\n",
        two_hosts()
    ));
    assert_eq!(
        deps(&m, DependencyKind::Notification),
        vec!["h1;s1 -> h1;s2", "h1;s3 -> h1;s2"]
    );
    assert_eq!(
        m.service_dependencies[0].notification_failure_criteria,
        "u,c"
    );
}

// ------------------------------------------------ same-host service dependencies

#[test]
fn dependency_without_host_name_is_same_host_over_a_service_group() {
    // minimal.cfg: service_description + dependent_servicegroup_name only.
    let (m, _) = ok(&format!(
        "{}define servicedependency {{\n service_description s1\n dependent_servicegroup_name sg\n\
         execution_failure_criteria n\n notification_failure_criteria c,u\n}}\n",
        two_hosts()
    ));
    // nagios4: 3 service dependencies, all notification ones (`n` adds none).
    assert_eq!(m.counts().service_dependencies, 3);
    assert_eq!(
        deps(&m, DependencyKind::Notification),
        vec!["h1;s1 -> h1;s2", "h1;s1 -> h1;s3", "h2;s1 -> h2;s2"]
    );
}

#[test]
fn dependency_without_host_name_uses_the_dependent_host() {
    let (m, _) = ok(&format!(
        "{}define servicedependency {{\n service_description s1\n dependent_host_name h2\n\
         dependent_service_description s2\n notification_failure_criteria c,u\n}}\n",
        two_hosts()
    ));
    assert_eq!(
        deps(&m, DependencyKind::Notification),
        vec!["h2;s1 -> h2;s2"]
    );
}

#[test]
fn same_host_dependency_whose_master_is_missing_is_an_error() {
    let objs = format!(
        "{}define servicedependency {{\n service_description s3\n dependent_servicegroup_name sg\n\
         notification_failure_criteria c,u\n}}\n",
        two_hosts()
    );
    let d = err(&objs);
    // nagios4: Could not find a service matching host name 'h2' and description 's3'
    assert_error(
        &d,
        "objects.cfg",
        line_of(&objs, "define servicedependency"),
        "could not find a service matching host name 'h2' and description 's3'",
    );
}

#[test]
fn lame_dependencies_follow_nagios() {
    // (directives, host dependencies nagios4 counts)
    for (crit, n) in [
        ("execution_failure_criteria n", 1),
        ("notification_failure_criteria n", 0),
        ("execution_failure_criteria d", 1),
        ("inherits_parent 0", 0),
        (
            "execution_failure_criteria d\n notification_failure_criteria d",
            2,
        ),
    ] {
        let (m, _) = ok(&format!(
            "{}define hostdependency {{\n host_name h1\n dependent_host_name h2\n {crit}\n}}\n",
            two_hosts()
        ));
        assert_eq!(m.counts().host_dependencies, n, "{crit}");
    }
    for (crit, n, lame) in [
        ("execution_failure_criteria n", 0, true),
        ("notification_failure_criteria c", 1, false),
        ("inherits_parent 0", 0, true),
        (
            "execution_failure_criteria c\n notification_failure_criteria n",
            1,
            false,
        ),
    ] {
        let objs = format!(
            "{}define servicedependency {{\n host_name h1\n service_description s1\n\
             dependent_service_description s2\n {crit}\n}}\n",
            two_hosts()
        );
        let (m, w) = ok(&objs);
        assert_eq!(m.counts().service_dependencies, n, "{crit}");
        if lame {
            // nagios4: Warning: Ignoring lame service dependency
            assert_warning(
                &w,
                "objects.cfg",
                line_of(&objs, "define servicedependency"),
                "ignoring lame service dependency",
            );
        }
    }
}

// ------------------------------------------------ hostgroups on a host

#[test]
fn hostgroups_star_on_a_host_joins_every_group() {
    let groups =
        "define hostgroup {\n hostgroup_name g1\n}\ndefine hostgroup {\n hostgroup_name g2\n}\n";
    let (m, _) = ok(&format!(
        "{groups}{}{}",
        host("h1", "    hostgroups *\n"),
        service("h1", "s", "")
    ));
    for g in ["g1", "g2"] {
        let id = m.index.hostgroups[g];
        assert_eq!(m.hostgroups[id.idx()].members.len(), 1, "{g}");
    }
    // `*,!g2`: only g1 (nagios4 precache: g1 members h1, g2 none).
    let (m, _) = ok(&format!(
        "{groups}{}{}",
        host("h1", "    hostgroups *,!g2\n"),
        service("h1", "s", "")
    ));
    assert_eq!(
        m.hostgroups[m.index.hostgroups["g1"].idx()].members.len(),
        1
    );
    assert!(m.hostgroups[m.index.hostgroups["g2"].idx()]
        .members
        .is_empty());
    // `g2,!g2` selects nothing: nagios4 "Failed to process hostgroup names for host".
    let objs = format!(
        "{groups}{}{}",
        host("h1", "    hostgroups g2,!g2\n"),
        service("h1", "s", "")
    );
    assert_error(
        &err(&objs),
        "objects.cfg",
        line_of(&objs, "define host {"),
        "host 'h1': hostgroups 'g2,!g2' leaves no host group to join",
    );
}

// ------------------------------------------------ circular `use`

#[test]
fn circular_and_self_referencing_use_load_with_a_warning() {
    // naemon tests/configs/recursive + a two-template loop; nagios4 loads
    // both: h1 gets alias from tb and max_check_attempts 3 from ta.
    let objs = "define host {\n name ta\n use tb\n max_check_attempts 3\n register 0\n}\n\
                define host {\n name tb\n use ta\n alias from_b\n contacts admin\n register 0\n}\n\
                define host {\n use ta\n host_name h1\n}\n\
                define host {\n name tself\n use tself\n host_name h2\n max_check_attempts 1\n contacts admin\n}\n\
                define service {\n host_name h1,h2\n service_description s\n check_command c1\n max_check_attempts 1\n}\n";
    let (m, w) = ok(objs);
    let h1 = m.host(m.find_host("h1").unwrap());
    assert_eq!(h1.alias, "from_b");
    assert_eq!(h1.settings.max_check_attempts, 3);
    assert_eq!(h1.settings.contacts.len(), 1);
    assert_eq!(m.counts().hosts, 2);
    assert_warning(
        &w,
        "objects.cfg",
        1,
        "circular template inheritance involving host template 'ta'",
    );
    assert_warning(
        &w,
        "objects.cfg",
        line_of(objs, "name tself") - 1,
        "circular template inheritance involving host template 'tself'",
    );
}

// ------------------------------------------------ non-numeric numbers

#[test]
fn non_numeric_values_load_as_zero_with_a_warning() {
    let objs = format!(
        "{}{}{}",
        host("h0", "    register yes\n"),
        host(
            "h1",
            "    check_interval often\n    notification_interval abc\n    active_checks_enabled yes\n"
        ),
        service("h1", "s", "    max_check_attempts 2x\n")
    );
    let (m, w) = ok(&objs);
    // `register yes` is atoi 0: a template (nagios4: Checked 1 hosts).
    assert_eq!(m.counts().hosts, 1);
    let h = m.host(m.find_host("h1").unwrap());
    assert_eq!(h.settings.check_interval, 0.0);
    assert_eq!(h.settings.notification_interval, 0.0);
    assert!(!h.settings.active_checks_enabled);
    // The service's own `max_check_attempts 2x` comes after the helper's 2.
    assert_eq!(
        m.service(m.find_service("h1", "s").unwrap())
            .settings
            .max_check_attempts,
        2
    );
    for (needle, key, val) in [
        ("check_interval often", "check_interval", "often"),
        ("notification_interval abc", "notification_interval", "abc"),
        ("active_checks_enabled yes", "active_checks_enabled", "yes"),
    ] {
        assert_warning(
            &w,
            "objects.cfg",
            line_of(&objs, needle),
            &format!("host 'h1': {key} value '{val}' is not a number; read as 0, as Nagios does"),
        );
    }
}

#[test]
fn non_numeric_max_check_attempts_is_zero_and_an_error() {
    let objs = format!(
        "{}{}",
        host("h1", "    max_check_attempts yes\n"),
        service("h1", "s", "")
    );
    let d = err(&objs);
    assert_warning(
        &d,
        "objects.cfg",
        line_of(&objs, "attempts yes"),
        "is not a number",
    );
    assert_error(
        &d,
        "objects.cfg",
        1,
        "max_check_attempts must be set to a value of at least 1",
    );
}

// ------------------------------------------------ regular expressions

fn regex_objects() -> String {
    format!(
        "{}{}{}define hostgroup {{\n hostgroup_name webs\n members web.*\n}}\n{}{}{}",
        host("web1", ""),
        host("myweb2", ""),
        host("db1", ""),
        service("web[0-9]+,db1", "http", ""),
        service("db1", "disk_a", ""),
        service("db1", "disk_b", ""),
    )
}

fn hosts_with(m: &Model, desc: &str) -> Vec<String> {
    let mut v: Vec<String> = m
        .services
        .iter()
        .filter(|s| s.description == desc)
        .map(|s| m.host(s.host).name.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn use_regexp_matching_makes_items_with_wildcards_expressions() {
    let (m, _) = Cfg::new(&regex_objects(), "use_regexp_matching=1\n").ok();
    // nagios4 precache: webs = myweb2,web1 (regexec is not anchored);
    // http on db1, myweb2, web1.
    let webs = &m.hostgroups[m.index.hostgroups["webs"].idx()];
    let mut members: Vec<String> = webs
        .members
        .iter()
        .map(|h| m.host(*h).name.clone())
        .collect();
    members.sort();
    assert_eq!(members, vec!["myweb2", "web1"]);
    assert_eq!(hosts_with(&m, "http"), vec!["db1", "myweb2", "web1"]);
}

#[test]
fn use_true_regexp_matching_makes_every_item_an_expression() {
    let objs = format!(
        "{}define serviceescalation {{\n host_name db1\n service_description disk.,http\n contacts admin\n\
         first_notification 1\n last_notification 2\n notification_interval 3\n}}\n",
        regex_objects()
    );
    let (m, _) = Cfg::new(&objs, "use_regexp_matching=1\nuse_true_regexp_matching=1\n").ok();
    // nagios4: 3 service escalations (db1;disk_a, db1;disk_b, db1;http).
    assert_eq!(m.counts().service_escalations, 3);
    // Without use_true_regexp_matching, `disk.` has no wildcard: a literal
    // name, not found (nagios4: Could not find a service matching host name
    // 'db1' and description 'disk.').
    let d = Cfg::new(&objs, "use_regexp_matching=1\n").err();
    assert_error(
        &d,
        "objects.cfg",
        line_of(&objs, "define serviceescalation"),
        "could not find a service matching host name 'db1' and description 'disk.'",
    );
    // With regular expressions on, `!x` is an expression, not an exclusion.
    let objs2 = regex_objects().replace("web[0-9]+,db1", ".*,!db1");
    let d = Cfg::new(
        &objs2,
        "use_regexp_matching=1\nuse_true_regexp_matching=1\n",
    )
    .err();
    assert!(d.iter().any(|x| x.severity == Severity::Error
        && x.message
            .contains("could not find any host matching '!db1'")));
}

#[test]
fn use_true_regexp_matching_alone_matches_literally() {
    // nagios4: Could not find any host matching 'web.*'
    let objs = regex_objects();
    let d = Cfg::new(&objs, "use_true_regexp_matching=1\n").err();
    assert_error(
        &d,
        "objects.cfg",
        line_of(&objs, "hostgroup_name webs") - 1,
        "could not find any host matching 'web.*'",
    );
}

// ------------------------------------------------ main config

#[test]
fn missing_log_file_falls_back_to_the_default() {
    let c = Cfg::new(&format!("{}{}", host("h1", ""), service("h1", "s", "")), "");
    let main = std::fs::read_to_string(c.path("main.cfg")).unwrap();
    let without: String = main
        .lines()
        .filter(|l| !l.starts_with("log_file="))
        .map(|l| format!("{l}\n"))
        .collect();
    c.write("main.cfg", without.as_bytes());
    let (m, _) = c.ok();
    assert_eq!(
        m.main.log_file,
        std::path::PathBuf::from(vigil_config::DEFAULT_LOG_FILE)
    );
}

#[test]
fn main_config_numbers_are_read_as_atoi_then_range_checked() {
    let objs = format!("{}{}", host("h1", ""), service("h1", "s", ""));
    // nagios4 accepts max_concurrent_checks=x (0) and rejects
    // service_check_timeout=abc ("Illegal value for service_check_timeout").
    let c = Cfg::new(&objs, "max_concurrent_checks=x\n");
    let (m, w) = c.ok();
    assert_eq!(m.main.max_concurrent_checks, 0);
    assert_warning(
        &w,
        "main.cfg",
        6,
        "value 'x' of max_concurrent_checks is not a number",
    );
    let d = Cfg::new(&objs, "service_check_timeout=abc\n").err();
    assert_error(
        &d,
        "main.cfg",
        6,
        "illegal value 'abc' for service_check_timeout",
    );
}

#[test]
fn check_result_path_and_temp_path_must_be_directories() {
    let objs = format!("{}{}", host("h1", ""), service("h1", "s", ""));
    // nagios4: Error in configuration file ... - Line N (Check result path
    // '/nonexist' is not a valid directory); Error: temp_path '/nonexist' is
    // not a valid directory (no line).
    let d = Cfg::new(
        &objs,
        "check_result_path=/nonexistent/vigil\ntemp_path=/etc/passwd\n",
    )
    .err();
    assert_error(
        &d,
        "main.cfg",
        6,
        "check result path '/nonexistent/vigil' is not a valid directory",
    );
    assert!(d.iter().any(|x| x.severity == Severity::Error
        && x.location.is_none()
        && x.message == "temp_path '/etc/passwd' is not a valid directory"));
    let c = Cfg::new(&objs, "");
    let dir = c.path("spool");
    std::fs::create_dir(&dir).unwrap();
    let c2 = Cfg::new(
        &objs,
        &format!(
            "check_result_path={}\ntemp_path={}\n",
            dir.display(),
            dir.display()
        ),
    );
    c2.ok();
}

// ------------------------------------------------ service parents

fn parents_objects(s2_parents: &str, s3_parents: &str) -> String {
    format!(
        "{}{}{}{}{}",
        host("h1", ""),
        host("h2", ""),
        service("h1,h2", "s1", ""),
        service("h1,h2", "s2", &format!("    parents {s2_parents}\n")),
        service("h1", "s3", &format!("    parents {s3_parents}\n")),
    )
}

fn parent_names(m: &Model, host: &str, desc: &str) -> Vec<String> {
    let s = m.service(m.find_service(host, desc).unwrap());
    s.parents.iter().map(|&p| sname(m, p)).collect()
}

#[test]
fn service_parents_same_host_name_or_host_service_pairs() {
    // nagios4 -vp: "parents s1" is h1;s1; "h1,s1,h2,s1" is two pairs.
    let (m, _) = ok(&parents_objects("h1,s1,h2,s1", "s1"));
    assert_eq!(parent_names(&m, "h1", "s3"), vec!["h1;s1"]);
    assert_eq!(parent_names(&m, "h2", "s2"), vec!["h1;s1", "h2;s1"]);
    assert!(m
        .service(m.find_service("h1", "s1").unwrap())
        .parents
        .is_empty());
}

#[test]
fn bad_service_parents_are_errors() {
    // nagios4: "Service description missing from list 'h1,s1,h2'",
    // "... is not a valid parent ...", "Could not find a service matching
    // host name 'h2' and description 'nonex'", "... cannot be a child/parent
    // of itself".
    for (s3, msg) in [
        (
            "h1,s1,h2",
            "service description missing from parents list 'h1,s1,h2'",
        ),
        ("nonex", "parent service 'h1;nonex' is not defined"),
        ("h2,nonex", "parent service 'h2;nonex' is not defined"),
        ("s3", "cannot be a parent of itself"),
    ] {
        let objs = parents_objects("s1", s3);
        let d = err(&objs);
        let line = line_of(&objs, &format!("parents {s3}")) - 5;
        assert_error(
            &d,
            "objects.cfg",
            line,
            &format!("service 's3' on host 'h1': {msg}"),
        );
    }
}

#[test]
fn circular_service_parents_are_reported() {
    let objs = format!(
        "{}{}{}",
        parents_objects("s1", "h1,s1,h1,s2"),
        service("h1", "s4", "    parents s5\n"),
        service("h1", "s5", "    parents s4\n")
    );
    let d = err(&objs);
    let cycles: Vec<&str> = d
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        vec!["the services 'h1;s5' and 'h1;s4' form or lead into a circular parent/child chain"]
    );
}
