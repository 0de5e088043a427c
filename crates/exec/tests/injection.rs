//! "Output is data, never code": run-time data containing shell syntax, in every
//! position of direct and shell command lines, never runs a command. Each payload would
//! create a marker file if it were executed.

mod common;

use common::{nul_words, rt, run_line, segs, ws_split};
use vigil_exec::{plan, Outcome};

fn payloads(marker: &str) -> Vec<String> {
    [
        "$(touch M)",
        "`touch M`",
        "; touch M",
        "| touch M",
        "&& touch M",
        "& touch M",
        "'; touch M; '",
        "\"; touch M; \"",
        "'$(touch M)'",
        "\"$(touch M)\"",
        "\\\"; touch M; echo \\\"",
        "\n touch M",
        "$(touch${IFS}M)",
        "x$(touch M)x",
        "${X:-$(touch M)}",
        "$((0))$(touch M)",
        "' \"$(touch M)\" '",
        "\\$(touch M)",
        "> M",
        "< /dev/null; touch M #",
        "a[$(touch M)]",
        "*",
        "~",
    ]
    .iter()
    .map(|p| p.replace('M', marker))
    .collect()
}

/// (prefix code, suffix code, data is unquoted?)
const CONTEXTS: &[(&str, &str, bool)] = &[
    ("printf '%s\\000' ", "", true),
    ("printf '%s\\000' pre", "post", true),
    ("printf '%s\\000' \"", "\"", false),
    ("printf '%s\\000' \"pre ", " post\"", false),
    ("printf '%s\\000' '", "'", false),
    ("printf '%s\\000' 'pre ", " post'", false),
    ("printf '%s\\000' OUT=\"", "\"", false),
];

const SUFFIXES: &[&str] = &["", " | cat", "; true", " $UNSET_VIGIL_VAR"];

#[test]
fn payloads_never_execute_in_any_position() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let m = marker.to_str().unwrap();
    let mut runs = 0;
    for payload in payloads(m) {
        for (pre, post, unquoted) in CONTEXTS {
            for suffix in SUFFIXES {
                let c = segs(&[
                    (false, pre),
                    (true, &payload),
                    (false, post),
                    (false, suffix),
                ]);
                let p = plan(&c).unwrap();
                assert_eq!(p.is_shell(), !suffix.is_empty(), "{c:?}");
                let f = run_line(&rt, &c);
                runs += 1;
                assert!(
                    !marker.exists(),
                    "payload {payload:?} executed in {pre:?}..{post:?}{suffix:?} ({p:?})"
                );
                assert_eq!(
                    f.outcome,
                    Outcome::Exited(0),
                    "{c:?}: {}",
                    String::from_utf8_lossy(&f.stderr)
                );
                // The data arrives verbatim (quoted) or split on white space (unquoted).
                let p_pre = pre
                    .trim_start_matches("printf '%s\\000' ")
                    .trim_matches(['"', '\'']);
                let p_post = post.trim_matches(['"', '\'']);
                let want = if *unquoted {
                    ws_split(&format!("{p_pre}{payload}{p_post}"))
                } else {
                    vec![format!("{p_pre}{payload}{p_post}")]
                };
                let got = nul_words(&f.stdout);
                if want.is_empty() {
                    // printf with no argument prints one empty word.
                    assert_eq!(got, vec![String::new()]);
                } else {
                    assert_eq!(got, want, "{c:?}");
                }
            }
        }
    }
    assert!(runs > 500);
}

#[test]
fn payloads_in_substitutions_never_execute() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let m = marker.to_str().unwrap();
    let wrappers: &[(&str, &str)] = &[
        ("printf %s \"$(printf %s ", ")\""),
        ("printf %s \"`printf %s ", "`\""),
        ("printf %s $(printf %s ", ")"),
        ("printf %s \"${UNSET_VIGIL_VAR:-", "}\""),
        ("printf %s ${UNSET_VIGIL_VAR:-", "}"),
        ("printf %s; : # ", ""),
        ("printf %s \"$HOME\"", ""),
    ];
    for payload in payloads(m) {
        for (pre, post) in wrappers {
            let c = segs(&[(false, pre), (true, &payload), (false, post)]);
            let f = run_line(&rt, &c);
            assert!(
                !marker.exists(),
                "payload {payload:?} executed in {pre:?}..{post:?}"
            );
            assert_eq!(
                f.outcome,
                Outcome::Exited(0),
                "{c:?}: {}",
                String::from_utf8_lossy(&f.stderr)
            );
        }
    }
}

#[test]
fn arithmetic_with_data_is_refused() {
    let c = segs(&[
        (false, "echo $(( "),
        (true, "a[$(touch /tmp/x)]"),
        (false, " ))"),
    ]);
    assert_eq!(plan(&c), Err(vigil_exec::PlanError::DataInArithmetic));
}
