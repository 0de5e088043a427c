//! The sample configuration of the Debian nagios4 package loads with the same
//! object counts as `nagios4 -v` prints (issue 2, "Must show").

use std::path::Path;
use std::process::Command;
use vigil_config::Counts;

const SAMPLE: &str = "/etc/nagios4/nagios.cfg";

/// Parses the `Checked N <things>.` lines of `nagios4 -v`.
fn nagios_counts(out: &str) -> Counts {
    let mut c = Counts::default();
    for line in out.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix("Checked ") else {
            continue;
        };
        let mut it = rest.splitn(2, ' ');
        let (Some(n), Some(what)) = (it.next(), it.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        // The "circular paths" section repeats hosts/timeperiods without a dot.
        match what {
            "services." => c.services = n,
            "hosts." => c.hosts = n,
            "host groups." => c.hostgroups = n,
            "service groups." => c.servicegroups = n,
            "contacts." => c.contacts = n,
            "contact groups." => c.contactgroups = n,
            "commands." => c.commands = n,
            "time periods." => c.timeperiods = n,
            "host escalations." => c.host_escalations = n,
            "service escalations." => c.service_escalations = n,
            "service dependencies" => c.service_dependencies = n,
            "host dependencies" => c.host_dependencies = n,
            _ => {}
        }
    }
    c
}

#[test]
fn debian_sample_config_counts_match_nagios4() {
    if !Path::new(SAMPLE).exists() {
        println!("SKIPPED: {SAMPLE} is absent (install nagios4-core to run this test)");
        return;
    }
    let (model, warnings) = match vigil_config::load(Path::new(SAMPLE)) {
        Ok(r) => r,
        Err(e) => {
            for d in &e.diagnostics {
                eprintln!("{d}");
            }
            panic!("{e}");
        }
    };
    for w in &warnings {
        eprintln!("{w}");
    }
    assert!(
        warnings.is_empty(),
        "nagios4 -v reports 0 warnings for the sample"
    );
    let ours = model.counts();

    let expected = match Command::new("nagios4").arg("-v").arg(SAMPLE).output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "nagios4 -v failed:\n{text}");
            let c = nagios_counts(&text);
            println!("nagios4 -v counts: {c:?}");
            c
        }
        Err(_) => {
            println!("nagios4 not on PATH: comparing with the counts of Debian 12's packages");
            Counts {
                services: 8,
                hosts: 1,
                hostgroups: 1,
                servicegroups: 0,
                contacts: 1,
                contactgroups: 1,
                commands: 178,
                timeperiods: 5,
                host_escalations: 0,
                service_escalations: 0,
                host_dependencies: 0,
                service_dependencies: 0,
            }
        }
    };
    assert_eq!(ours, expected);

    // A few resolved values of the sample (templates.cfg / localhost.cfg).
    let ping = model.service(model.find_service("localhost", "PING").expect("PING"));
    let cc = ping.settings.check_command.as_ref().expect("check command");
    assert_eq!(cc.raw, "check_ping!100.0,20%!500.0,60%");
    assert_eq!(
        cc.args,
        vec!["100.0,20%".to_string(), "500.0,60%".to_string()]
    );
    assert_eq!(ping.settings.max_check_attempts, 4);
    assert_eq!(model.user_macros.get(1), Some("/usr/lib/nagios/plugins"));
    let lh = model.host(model.find_host("localhost").expect("localhost"));
    assert_eq!(lh.address, "127.0.0.1");
    assert_eq!(lh.services.len(), 8);
}

/// A config using groups both ways, nested groups, `*` and `!`, duplicates,
/// dependencies and escalations over groups: same counts as `nagios4 -v`.
#[test]
fn feature_config_counts_match_nagios4() {
    let dir = tempfile::tempdir().unwrap();
    let objs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/features.cfg");
    std::fs::copy(&objs, dir.path().join("objs.cfg")).unwrap();
    let main = dir.path().join("main.cfg");
    std::fs::write(
        &main,
        format!(
            "log_file={}/nagios.log\ncfg_file=objs.cfg\nillegal_macro_output_chars=x\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let (model, warnings) = vigil_config::load(&main).expect("loads");
    assert_eq!(warnings.len(), 1, "one duplicate service warning");
    let expected = match Command::new("nagios4").arg("-v").arg(&main).output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "nagios4 -v failed:\n{text}");
            nagios_counts(&text)
        }
        Err(_) => {
            println!("nagios4 not on PATH: comparing with recorded counts");
            Counts {
                services: 9,
                hosts: 4,
                hostgroups: 3,
                servicegroups: 2,
                contacts: 1,
                contactgroups: 2,
                commands: 1,
                timeperiods: 1,
                host_escalations: 4,
                service_escalations: 6,
                host_dependencies: 8,
                service_dependencies: 10,
            }
        }
    };
    assert_eq!(model.counts(), expected);
}
