//! Property tests: the loader never panics, whatever it is fed (random bytes,
//! random definitions and directives, deep `use` chains, template cycles), and
//! accepts what it should.

use proptest::prelude::*;
use std::path::Path;

const KINDS: &[&str] = &[
    "host",
    "hostgroup",
    "service",
    "servicegroup",
    "command",
    "contact",
    "contactgroup",
    "timeperiod",
    "hostdependency",
    "servicedependency",
    "hostescalation",
    "serviceescalation",
    "hostextinfo",
    "serviceextinfo",
    "Host",
    "bogus",
];

const DIRECTIVES: &[&str] = &[
    "use",
    "name",
    "register",
    "host_name",
    "hostgroup_name",
    "service_description",
    "description",
    "servicegroup_name",
    "command_name",
    "command_line",
    "contact_name",
    "contactgroup_name",
    "timeperiod_name",
    "alias",
    "members",
    "hostgroup_members",
    "servicegroup_members",
    "contactgroup_members",
    "hostgroups",
    "servicegroups",
    "contact_groups",
    "contactgroups",
    "contacts",
    "parents",
    "check_command",
    "event_handler",
    "check_period",
    "notification_period",
    "max_check_attempts",
    "check_interval",
    "retry_interval",
    "notification_options",
    "flap_detection_options",
    "stalking_options",
    "initial_state",
    "notification_interval",
    "active_checks_enabled",
    "is_volatile",
    "exclude",
    "monday",
    "day",
    "2024-12-25",
    "dependent_host_name",
    "dependent_service_description",
    "execution_failure_criteria",
    "notification_failure_criteria",
    "first_notification",
    "last_notification",
    "escalation_options",
    "host_notification_commands",
    "service_notification_commands",
    "_CUSTOM",
    "_lower",
    "normal_check_interval",
    "failure_prediction_enabled",
    "notes",
    "Bogus",
    "include_file",
    "check_timeout",
    "freshness_threshold",
];

const VALUES: &[&str] = &[
    "h0",
    "h1",
    "h2",
    "t0",
    "t1",
    "g0",
    "g1",
    "s0",
    "c0",
    "c0!a!b",
    "!c0",
    "*",
    "!h1",
    "+h2",
    "+g1",
    "null",
    "0",
    "1",
    "3",
    "-1",
    "99999999999999999999",
    "x",
    "h0,s0,h1,s1",
    "a,b,c",
    "00:00-24:00",
    "1 - 15 00:00-09:00",
    "25:00-26:00",
    "d,u,r",
    "w,c",
    "a",
    "n",
    "o",
    "",
    "\\",
    "\\;",
    ";",
    "}",
    "{",
    "é",
    "t0,t1",
    "t1,t0",
];

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(VALUES).prop_map(str::to_string),
        "[a-z0-9_!*+,;\\\\ -]{0,12}",
    ]
}

fn directive() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            proptest::sample::select(DIRECTIVES).prop_map(str::to_string),
            "[a-zA-Z_]{1,10}",
        ],
        ident(),
        proptest::sample::select(&[" ", "\t", "   ", " \\\n  "][..]),
    )
        .prop_map(|(d, v, sep)| format!("  {d}{sep}{v}\n"))
}

fn block() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(KINDS),
        proptest::sample::select(&["{", " {", "{ junk", ""][..]),
        proptest::collection::vec(directive(), 0..12),
        proptest::sample::select(&["}\n", "  }  \n", "} ; c\n", "", "x }\n"][..]),
    )
        .prop_map(|(k, b, ds, end)| format!("define {k}{b}\n{}{end}", ds.concat()))
}

fn config() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => block(),
            1 => Just("# comment\n".to_string()),
            1 => Just("stray text\n".to_string()),
            1 => Just("include_file=other.cfg\n".to_string()),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

/// A `use` chain of depth `n` (optionally closed into a cycle).
fn chain(n: usize, cycle: bool) -> String {
    let mut s = String::new();
    for i in 0..n {
        let parent = if i + 1 < n {
            format!(" use t{}\n", i + 1)
        } else if cycle {
            " use t0\n".to_string()
        } else {
            String::new()
        };
        s.push_str(&format!(
            "define host {{\n name t{i}\n{parent} notes n{i}\n register 0\n}}\n"
        ));
    }
    s.push_str("define host {\n use t0\n host_name h\n max_check_attempts 1\n}\n");
    s.push_str("define service {\n host_name h\n service_description s\n check_command c\n max_check_attempts 1\n}\n");
    s.push_str("define command {\n command_name c\n command_line /bin/true\n}\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = vigil_config::parse_object_bytes(&bytes, Path::new("fuzz.cfg"));
    }

    #[test]
    fn random_definitions_never_panic(cfg in config()) {
        let _ = vigil_config::parse_object_bytes(cfg.as_bytes(), Path::new("gen.cfg"));
    }

    #[test]
    fn mutated_valid_config_never_panics(
        cfg in config(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
    ) {
        let mut bytes = cfg.into_bytes();
        for (pos, b) in flips {
            if !bytes.is_empty() {
                let i = pos % bytes.len();
                bytes[i] = b;
            }
        }
        let _ = vigil_config::parse_object_bytes(&bytes, Path::new("mut.cfg"));
    }

    #[test]
    fn use_chains_resolve_and_cycles_are_errors(n in 1usize..120, cycle in any::<bool>()) {
        let d = vigil_config::parse_object_bytes(chain(n, cycle).as_bytes(), Path::new("chain.cfg"));
        let circular = d.iter().any(|x| x.message.contains("circular template inheritance"));
        prop_assert_eq!(circular, cycle);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    /// The whole loader, through the file system, with random main-config lines.
    #[test]
    fn load_never_panics(
        main_lines in proptest::collection::vec(
            prop_oneof![
                Just("cfg_dir=objs".to_string()),
                Just("cfg_file=objs/a.cfg".to_string()),
                Just("resource_file=res.cfg".to_string()),
                "[a-z_]{1,12}=[a-z0-9/.]{0,8}",
                "[ -~]{0,20}",
            ],
            0..10,
        ),
        objs in config(),
        res in "[ -~\n]{0,60}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("objs")).unwrap();
        std::fs::write(dir.path().join("objs/a.cfg"), objs).unwrap();
        std::fs::write(dir.path().join("res.cfg"), res).unwrap();
        std::fs::write(dir.path().join("main.cfg"), main_lines.join("\n")).unwrap();
        let _ = vigil_config::load(&dir.path().join("main.cfg"));
    }
}

#[test]
fn very_deep_use_chain_is_bounded_not_a_stack_overflow() {
    let d = vigil_config::parse_object_bytes(chain(3000, false).as_bytes(), Path::new("deep.cfg"));
    assert!(d
        .iter()
        .any(|x| x.message.contains("nested more than 500 levels deep")));
}
