//! A large `cfg_dir` is parsed on two threads (objfile.rs `parse_files`); the
//! result must be the one of reading the files one after the other: same
//! objects in the same order, same diagnostics with the same `file:line`.

mod common;
use common::*;

/// Eight files of 700 hosts with 4 services each (about 2 MiB in all, above
/// the threshold for two threads); file 6 has a bad directive, file 2 a
/// deprecated one, so both halves report something.
fn write_files(c: &Cfg) -> Vec<String> {
    let mut names = Vec::new();
    for f in 0..8 {
        let mut text = String::new();
        for h in 0..700 {
            let host = format!("h{f}-{h}");
            text.push_str(&host_text(&host));
            for s in 0..4 {
                text.push_str(&format!(
                    "define service {{\n    host_name               {host}\n    service_description     svc-{s}\n    check_command           c1\n    max_check_attempts      2\n    notes                   padding padding padding padding padding\n}}\n"
                ));
            }
        }
        if f == 2 {
            text.push_str("define host {\n    host_name extra2\n    max_check_attempts 1\n    normal_check_interval 5\n}\n");
        }
        if f == 6 {
            text.push_str("define host {\n    host_name extra6\n    max_check_attempts 1\n    bogus_directive 1\n}\n");
        }
        let name = format!("d/objects-{f}.cfg");
        c.write(&name, text.as_bytes());
        names.push(name);
    }
    names
}

fn host_text(name: &str) -> String {
    format!(
        "define host {{\n    host_name               {name}\n    max_check_attempts      3\n    contacts                admin\n}}\n"
    )
}

fn summary(d: &[vigil_config::Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|x| {
            let loc = x.location.as_ref().map(|l| {
                format!(
                    "{}:{}",
                    std::path::Path::new(l.file.as_ref())
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    l.line
                )
            });
            format!("{loc:?} {:?} {}", x.severity, x.message)
        })
        .collect()
}

#[test]
fn two_threads_give_the_sequential_result() {
    let dir_cfg = Cfg::new("", "cfg_dir=d\n");
    let names = write_files(&dir_cfg);
    let total: u64 = names
        .iter()
        .map(|n| std::fs::metadata(dir_cfg.path(n)).unwrap().len())
        .sum();
    assert!(
        total > 1 << 20,
        "the test must exercise the threaded path ({total} bytes)"
    );
    // The same files named one by one with cfg_file (always sequential).
    let files: String = names.iter().map(|n| format!("cfg_file={n}\n")).collect();
    let file_cfg = Cfg::new("", &files);
    write_files(&file_cfg);

    let (a, b) = (dir_cfg.err(), file_cfg.err());
    assert_eq!(summary(&a), summary(&b));
    assert!(summary(&a)
        .iter()
        .any(|s| s.contains("objects-6.cfg") && s.contains("bogus_directive")));
    assert!(summary(&a)
        .iter()
        .any(|s| s.contains("objects-2.cfg") && s.contains("normal_check_interval")));

    // Without the bad directive both load, with identical models.
    for c in [&dir_cfg, &file_cfg] {
        let p = c.path("d/objects-6.cfg");
        let t = std::fs::read_to_string(&p)
            .unwrap()
            .replace("    bogus_directive 1\n", "");
        std::fs::write(p, t).unwrap();
    }
    let (ma, _) = dir_cfg.ok();
    let (mb, _) = file_cfg.ok();
    assert_eq!(ma.counts(), mb.counts());
    assert_eq!(ma.services.len(), 8 * 700 * 4);
    for (x, y) in ma.services.iter().zip(&mb.services) {
        assert_eq!(
            (
                ma.host(x.host).name.as_str(),
                x.description.as_str(),
                x.location.line
            ),
            (
                mb.host(y.host).name.as_str(),
                y.description.as_str(),
                y.location.line
            )
        );
        assert_eq!(x.location.file.file_name(), y.location.file.file_name());
        assert_eq!(x.settings.notes, y.settings.notes);
    }
}
