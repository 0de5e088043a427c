//! The same fixture through the real configuration loader: `vigil_config::load` on
//! the recorded Nagios config, `ConfigView::from_model`, and `apply` / `render` /
//! `render_status` taking the `Model` directly.

mod common;

use common::*;
use vigil_retention::{apply, parse, read, render, render_status, ConfigView};
use vigil_state::{ObjectState, StateType};

fn load() -> (tempfile::TempDir, vigil_config::Model) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = install_config(dir.path());
    // Nagios 4.4.6 accepts `status_update_interval=1` (the harness writes it and
    // nagios4 ran this very config), vigil-config currently rejects values below 2.
    // Until that is aligned, load a copy with 2; nothing else differs.
    let main = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        main.replace("status_update_interval=1\n", "status_update_interval=2\n"),
    )
    .unwrap();
    let (model, _warnings) = vigil_config::load(&cfg).unwrap_or_else(|e| {
        panic!(
            "fixture config does not load: {:?}",
            e.errors().map(|d| d.to_string()).collect::<Vec<_>>()
        )
    });
    (dir, model)
}

#[test]
fn view_from_model_matches_the_fixture_config() {
    let (_dir, model) = load();
    let mut view = ConfigView::from_model(&model);
    let mut want = fixture_view();
    // The loader may list the objects in another order than definition order; the
    // view follows the model's ids, so compare by name.
    let key =
        |o: &vigil_retention::ObjectConfig| (o.host_name.clone(), o.service_description.clone());
    view.hosts.sort_by_key(key);
    view.services.sort_by_key(key);
    want.hosts.sort_by_key(key);
    want.services.sort_by_key(key);
    assert_eq!(view.hosts, want.hosts);
    assert_eq!(view.services, want.services);
    assert_eq!(view.contacts, want.contacts);
    assert_eq!(view.commands, want.commands);
    assert!(view.use_retained_scheduling_info);
    assert_eq!(view.retention_scheduling_horizon, 900);
}

#[test]
fn fixture_restored_through_the_model() {
    let (_dir, model) = load();
    let ret = read(&fixture("nagios4-retention.dat")).unwrap();
    let mut hosts: Vec<_> = model
        .hosts
        .iter()
        .map(|h| {
            let mut s = vigil_state::Status::initial(Default::default());
            s.attrs.active_checks_enabled = h.settings.active_checks_enabled;
            s.attrs.flap_detection_enabled = h.settings.flap_detection_enabled;
            s
        })
        .collect();
    let mut services: Vec<_> = model
        .services
        .iter()
        .map(|v| {
            let mut s = vigil_state::Status::initial(Default::default());
            s.attrs.active_checks_enabled = v.settings.active_checks_enabled;
            s.attrs.flap_detection_enabled = v.settings.flap_detection_enabled;
            s
        })
        .collect();
    let mut program = initial_program();
    let notes = apply(
        &ret,
        &model,
        &mut program,
        &mut hosts,
        &mut services,
        true,
        0,
    );
    // Only the custom variable change is not restored (the acknowledgement is).
    assert_eq!(notes.len(), 1, "{notes:?}");

    let expect: &[(&str, Option<&str>, u8, StateType, u32)] = &[
        ("db1", None, 0, StateType::Hard, 1),
        ("web1", None, 1, StateType::Hard, 3),
        ("app1", None, 0, StateType::Hard, 1),
        ("db1", Some("mysql"), 2, StateType::Hard, 3),
        ("db1", Some("disk"), 1, StateType::Soft, 2),
        ("db1", Some("load"), 0, StateType::Hard, 1),
        ("web1", Some("http"), 2, StateType::Hard, 3),
        ("app1", Some("queue"), 3, StateType::Hard, 2),
        ("app1", Some("cpu"), 1, StateType::Soft, 1),
    ];
    for &(h, s, state, stype, attempt) in expect {
        let got = match s {
            None => {
                let st = &hosts[model.find_host(h).unwrap().idx()];
                (st.current_state.id(), st.state_type, st.current_attempt)
            }
            Some(d) => {
                let st = &services[model.find_service(h, d).unwrap().idx()];
                (st.current_state.id(), st.state_type, st.current_attempt)
            }
        };
        assert_eq!(got, (state, stype, attempt), "{h} {s:?}");
    }

    // The Model-based renderers give the Nagios layout too.
    let text = render(&model, &program, &hosts, &services, 1795660000);
    let back = parse(&text);
    assert!(back.problems.is_empty());
    assert_eq!(back.hosts.len(), 3);
    assert_eq!(back.services.len(), 6);
    assert_eq!(
        back.service("db1", "load").unwrap().get("max_attempts"),
        Some("7")
    );
    let status = render_status(&model, &program, &hosts, &services, 1795660000);
    assert_eq!(
        parse(&status)
            .service("web1", "http")
            .unwrap()
            .get("current_attempt"),
        Some("3")
    );
}

/// Memory (ARCHITECTURE.md, "Memory"): services with one `CheckSettings` in the
/// model share one `ObjectSettings` in the view, and a host's services share its
/// name; writing through one object's view copies its settings only.
#[test]
fn view_objects_share_what_the_model_shares() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(
        dir.path().join("objects.cfg"),
        "define command {\n command_name c\n command_line /bin/true\n}\n\
         define contact {\n contact_name a\n host_notification_period p\n service_notification_period p\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
         define timeperiod {\n timeperiod_name p\n alias p\n}\n\
         define host {\n name th\n check_command c\n max_check_attempts 1\n contacts a\n register 0\n}\n\
         define service {\n name ts\n check_command c\n max_check_attempts 3\n check_interval 5\n retry_interval 1\n contacts a\n _ROLE x\n register 0\n}\n\
         define host {\n use th\n host_name h1\n}\n\
         define host {\n use th\n host_name h2\n}\n\
         define service {\n use ts\n host_name h1\n service_description s1\n}\n\
         define service {\n use ts\n host_name h1\n service_description s2\n}\n\
         define service {\n use ts\n host_name h2\n service_description s1\n}\n\
         define service {\n use ts\n host_name h2\n service_description s3\n max_check_attempts 4\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("nagios.cfg"),
        format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\n"),
    )
    .unwrap();
    let (model, _) = vigil_config::load(&dir.path().join("nagios.cfg")).unwrap();
    let mut view = ConfigView::from_model(&model);
    let mut pairs = 0;
    for (i, a) in model.services.iter().enumerate() {
        for (j, b) in model.services.iter().enumerate().skip(i + 1) {
            let (va, vb) = (&view.services[i], &view.services[j]);
            assert_eq!(
                std::sync::Arc::ptr_eq(&a.settings, &b.settings),
                vigil_state::Shared::ptr_eq(&va.settings, &vb.settings),
                "services {i} and {j}"
            );
            assert_eq!(
                a.host == b.host,
                std::ptr::eq(va.host_name.as_ptr(), vb.host_name.as_ptr())
            );
            if std::sync::Arc::ptr_eq(&a.settings, &b.settings) {
                pairs += 1;
                let before = view.services[j].clone();
                view.services[i].max_check_attempts += 1;
                assert_eq!(view.services[j], before);
                assert_ne!(view.services[i], before);
                view = ConfigView::from_model(&model);
            }
        }
    }
    // At least s1 and s2 on h1 share (the model shares per host and template set).
    assert!(pairs >= 1);
    let s3 = view
        .services
        .iter()
        .find(|o| o.service_description.as_deref() == Some("s3"));
    assert_eq!(s3.map(|o| o.max_check_attempts), Some(4));
    assert_eq!(
        view.services[0].custom_vars,
        vec![("ROLE".into(), "x".into())]
    );
}
