//! objects.cache as vigil writes it, compared field by field with what the
//! real Nagios Core 4.4.6 writes for the same configuration (`nagios4 -vp`
//! writes the same file as `object_cache_file` at start-up). Only the
//! `Created:` header line is normalised.

use std::path::Path;
use std::process::Command;

const NAGIOS: &str = "/usr/sbin/nagios4";
const OBJECTS: &str = include_str!("data/objects_cache.cfg");

/// `(type, [(directive, value)])` per `define` block; header comments skipped.
fn blocks(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, Vec<(String, String)>)> = None;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("define ") {
            cur = Some((t.trim_end_matches(" {").to_string(), Vec::new()));
        } else if line == "\t}" {
            out.extend(cur.take());
        } else if let Some(kv) = line.strip_prefix('\t') {
            let (k, v) = kv.split_once('\t').unwrap_or((kv, ""));
            if let Some(c) = cur.as_mut() {
                c.1.push((k.to_string(), v.to_string()));
            }
        }
    }
    out
}

fn header_lines(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| !l.starts_with("define"))
        .map(|l| {
            if l.starts_with("# Created: ") {
                "# Created: -".to_string()
            } else {
                l.to_string()
            }
        })
        .collect()
}

#[test]
fn objects_cache_matches_nagios4_field_by_field() {
    if !Path::new(NAGIOS).exists() {
        eprintln!("SKIPPED: {NAGIOS} is not installed (apt-get install nagios4-core)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("cr")).unwrap();
    std::fs::write(d.join("objects.cfg"), OBJECTS).unwrap();
    let main = format!(
        "log_file={0}/nagios.log\ncfg_file={0}/objects.cfg\ncheck_result_path={0}/cr\n\
         temp_path={0}\nprecached_object_file={0}/nagios.precache\n\
         illegal_macro_output_chars=`~$&|'\"<>\n",
        d.display()
    );
    std::fs::write(d.join("nagios.cfg"), main).unwrap();
    // nagios4 may drop to its own user: let it read and write here.
    let _ = Command::new("chmod").args(["-R", "a+rwX"]).arg(d).status();
    let out = Command::new(NAGIOS)
        .arg("-vp")
        .arg(d.join("nagios.cfg"))
        .current_dir(d)
        .output()
        .expect("run nagios4");
    assert!(
        out.status.success(),
        "nagios4 -vp failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let want = std::fs::read_to_string(d.join("nagios.precache")).unwrap();

    let (model, _) = vigil_config::load(&d.join("nagios.cfg")).expect("vigil loads it");
    let mut buf = Vec::new();
    vigil_config::write_objects_cache(&model, 0, &vigil_config::zone::Zone::utc(), &mut buf)
        .unwrap();
    let got = String::from_utf8(buf).unwrap();

    assert_eq!(header_lines(&got), header_lines(&want));
    let (g, w) = (blocks(&got), blocks(&want));
    let kinds =
        |v: &[(String, Vec<(String, String)>)]| v.iter().map(|b| b.0.clone()).collect::<Vec<_>>();
    assert_eq!(kinds(&g), kinds(&w), "object types and order");
    for (gb, wb) in g.iter().zip(&w) {
        assert_eq!(gb, wb, "a {} block differs", wb.0);
    }
    // The whole text, blank lines and tabs included.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("# Created: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&got), strip(&want));
}

#[test]
fn header_shows_creation_time_like_ctime() {
    let c = tempfile::tempdir().unwrap();
    let p = c.path();
    std::fs::write(
        p.join("o.cfg"),
        "define command {\n command_name c\n command_line /bin/true\n}\n\
         define host {\n host_name h\n max_check_attempts 1\n}\n\
         define service {\n host_name h\n service_description s\n check_command c\n max_check_attempts 1\n}\n",
    )
    .unwrap();
    std::fs::write(p.join("m.cfg"), "log_file=/dev/null\ncfg_file=o.cfg\n").unwrap();
    let (m, _) = vigil_config::load(&p.join("m.cfg")).unwrap();
    let mut buf = Vec::new();
    // 2026-12-03 09:41:47 UTC is a Thursday; ctime pads the day to two places.
    let zone = vigil_config::zone::Zone::fixed(3600).unwrap();
    vigil_config::write_objects_cache(&m, 1_796_290_907, &zone, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(
        text.contains("# Created: Thu Dec  3 10:41:47 2026\n"),
        "{text}"
    );
}
