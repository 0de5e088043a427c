//! Property tests of planning: data never reaches the shell script, data never changes
//! the direct/shell decision, and running a plan (direct or through /bin/sh) yields
//! exactly the expected words.

mod common;

use common::{nul_words, rt, run_line, segs, ws_split};
use proptest::prelude::*;
use vigil_exec::{plan, CommandLine, Outcome, Plan};

/// Data strings full of shell metacharacters, quotes, white space and some non-ASCII.
fn data() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(vec![
                ';', '|', '&', '$', '\'', '"', '<', '>', '(', ')', '`', '*', '~', '\\', '?',
                '{', '}', '[', ']', '#', '=', '!', '%', '-',
            ]),
            2 => proptest::sample::select(vec![' ', ' ', '\t', '\n']),
            2 => proptest::char::range('a', 'z'),
            1 => proptest::sample::select(vec!['é', 'ß', '€', '0', '9']),
        ],
        0..24,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// Replaces every non-white-space character by `q`: a script built for the masked data
/// must be identical if the script does not depend on data bytes.
fn mask(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                c
            } else {
                'q'
            }
        })
        .collect()
}

/// The recording command line: one unquoted, one double-quoted, one single-quoted and
/// one glued unquoted data position, plus an optional suffix that forces /bin/sh.
fn template(d: &[String; 4], suffix: &str) -> CommandLine {
    segs(&[
        (false, "printf '%s\\000' pre"),
        (true, &d[0]),
        (false, " \"dq:"),
        (true, &d[1]),
        (false, "\" 'sq:"),
        (true, &d[2]),
        (false, "' x"),
        (true, &d[3]),
        (false, "y"),
        (false, suffix),
    ])
}

fn expected(d: &[String; 4]) -> Vec<String> {
    let mut w = vec!["%s\\000".to_owned()];
    w.extend(ws_split(&format!("pre{}", d[0])));
    w.push(format!("dq:{}", d[1]));
    w.push(format!("sq:{}", d[2]));
    w.extend(ws_split(&format!("x{}y", d[3])));
    w
}

const SHELL_SUFFIXES: [&str; 3] = [" | cat", "; true", " >&1"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn script_never_contains_data(d0 in data(), d1 in data(), d2 in data(), d3 in data()) {
        let d = [d0, d1, d2, d3];
        let masked = [mask(&d[0]), mask(&d[1]), mask(&d[2]), mask(&d[3])];
        for suffix in SHELL_SUFFIXES {
            let p = plan(&template(&d, suffix)).unwrap();
            let pm = plan(&template(&masked, suffix)).unwrap();
            let (Plan::Shell { script, env }, Plan::Shell { script: sm, .. }) = (&p, &pm) else {
                panic!("expected shell plans, got {p:?}");
            };
            // Identical scripts: the script is a function of the code and of the data's
            // white-space layout only.
            prop_assert_eq!(script, sm);
            // Every data variable holds a piece of data, and the pieces give back the data.
            let joined: String = env.iter().map(|(_, v)| v.as_str()).collect();
            let all: String = d.iter().flat_map(|s| s.chars()).filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect();
            let joined_nows: String = joined.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect();
            prop_assert_eq!(joined_nows, all);
            for (k, _) in env {
                prop_assert!(k.starts_with("VIGIL_DATA_"));
                let reference = format!("${{{}}}", k);
                prop_assert!(script.contains(&reference));
            }
        }
        // Without the suffix the decision is direct whatever the data.
        let p = plan(&template(&d, "")).unwrap();
        prop_assert!(!p.is_shell());
        if let Plan::Direct { argv, env } = p {
            prop_assert!(env.is_empty());
            prop_assert_eq!(&argv[0], "printf");
            prop_assert_eq!(argv[1..].to_vec(), expected(&d));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn running_plans_yields_expected_words(d0 in data(), d1 in data(), d2 in data(), d3 in data()) {
        let rt = rt();
        let d = [d0, d1, d2, d3];
        let want = expected(&d);
        for suffix in ["", " | cat", "; true"] {
            let f = run_line(&rt, &template(&d, suffix));
            prop_assert_eq!(&f.outcome, &Outcome::Exited(0), "stderr: {}", String::from_utf8_lossy(&f.stderr));
            let mut got = vec!["%s\\000".to_owned()];
            got.extend(nul_words(&f.stdout));
            prop_assert_eq!(&got, &want, "suffix {:?}", suffix);
        }
    }

    #[test]
    fn data_in_command_substitution_and_backquotes(d in data()) {
        let rt = rt();
        let pieces: String = ws_split(&d).concat();
        for (open, close) in [("\"$(printf %s ", ")\""), ("\"`printf %s ", "`\""), ("${UNSET_VIGIL_TEST_VAR:-", "}")] {
            let c = segs(&[(false, "printf '%s\\000' "), (false, open), (true, &d), (false, close), (false, " end")]);
            let f = run_line(&rt, &c);
            prop_assert_eq!(&f.outcome, &Outcome::Exited(0), "stderr: {}", String::from_utf8_lossy(&f.stderr));
            let got = nul_words(&f.stdout);
            if open.starts_with("${") {
                // Unquoted ${...}: the pieces are separate words.
                let mut want = ws_split(&d);
                want.push("end".into());
                prop_assert_eq!(got, want);
            } else {
                prop_assert_eq!(got, vec![pieces.clone(), "end".to_owned()]);
            }
        }
    }
}

/// Code strings that sh and Nagios split the same way (no `#`, `~`, braces, globs,
/// CR or newlines), with quotes and backslashes.
fn simple_code() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::char::range('a', 'e'),
            2 => proptest::sample::select(vec![' ', '\t', '\'', '"', '\\', '=', '-', '.', '/', ',', ':', '%']),
        ],
        0..20,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Where Nagios's heuristic allows a direct exec, our words equal what /bin/sh makes
    /// of the same text.
    #[test]
    fn direct_split_matches_sh(code in simple_code()) {
        let line = format!("printf '%s\\000' X {code}");
        let Ok(Plan::Direct { argv, env }) = plan(&CommandLine::from_code(&line)) else {
            return Ok(()); // unbalanced quotes: shell
        };
        prop_assert!(env.is_empty());
        let out = std::process::Command::new("/bin/sh").arg("-c").arg(&line).output().unwrap();
        prop_assert!(out.status.success());
        prop_assert_eq!(argv[2..].to_vec(), nul_words(&out.stdout), "line {:?}", line);
    }
}

#[test]
fn unbalanced_quote_in_data_is_harmless() {
    // Nagios's "unbalanced_quote" case: the handler would never run there.
    let rt = rt();
    let c = segs(&[
        (false, "printf '%s\\000' \"out="),
        (true, "CRITICAL: 27\" screen missing"),
        (false, "\" \"$HOME\""),
    ]);
    assert!(plan(&c).unwrap().is_shell());
    let f = run_line(&rt, &c);
    assert_eq!(f.outcome, Outcome::Exited(0));
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(
        nul_words(&f.stdout),
        vec!["out=CRITICAL: 27\" screen missing".to_owned(), home]
    );
}

#[test]
fn metachars_raw_output_reaches_handler_verbatim() {
    // The output of the conformance scenario metachars_raw, in quoted and unquoted
    // positions, with the shell forced by the admin's own `$HOME`.
    let rt = rt();
    let out = "CRITICAL: price $5 is `echo injected` and $((6*7)) 'kept' a&b c|d";
    let c = segs(&[
        (false, "printf '%s\\000' \"SERVICEOUTPUT="),
        (true, out),
        (false, "\" 'sq="),
        (true, out),
        (false, "' raw="),
        (true, out),
        (false, " \"$HOME\""),
    ]);
    let f = run_line(&rt, &c);
    assert_eq!(f.outcome, Outcome::Exited(0));
    let mut want = vec![format!("SERVICEOUTPUT={out}"), format!("sq={out}")];
    want.extend(ws_split(&format!("raw={out}")));
    want.push(std::env::var("HOME").unwrap_or_default());
    assert_eq!(nul_words(&f.stdout), want);
}

#[test]
fn backslash_and_dollar_before_data_are_literal() {
    let rt = rt();
    let cases: &[(&[(bool, &str)], &str)] = &[
        (
            &[
                (false, "printf '%s\\000' a\\"),
                (true, "b"),
                (false, "; true"),
            ],
            "a\\b",
        ),
        (
            &[
                (false, "printf '%s\\000' \"a\\"),
                (true, "b"),
                (false, "\"; true"),
            ],
            "a\\b",
        ),
        (
            &[
                (false, "printf '%s\\000' $"),
                (true, "HOME"),
                (false, "; true"),
            ],
            "$HOME",
        ),
        (
            &[
                (false, "printf '%s\\000' \"$"),
                (true, "HOME"),
                (false, "\"; true"),
            ],
            "$HOME",
        ),
        (
            &[
                (false, "printf '%s\\000' \"`printf %s a\\"),
                (true, "b"),
                (false, "`\""),
            ],
            "a\\b",
        ),
        (
            &[
                (false, "printf '%s\\000' \"`printf %s $"),
                (true, "HOME"),
                (false, "`\""),
            ],
            "$HOME",
        ),
        (
            &[
                (false, "printf '%s\\000' `printf %s $"),
                (true, "HOME"),
                (false, "`"),
            ],
            "$HOME",
        ),
    ];
    for (parts, want) in cases {
        let c = segs(parts);
        let f = run_line(&rt, &c);
        assert_eq!(
            f.outcome,
            Outcome::Exited(0),
            "{c:?}: {}",
            String::from_utf8_lossy(&f.stderr)
        );
        assert_eq!(
            nul_words(&f.stdout),
            vec![want.to_string()],
            "{c:?} -> {:?}",
            plan(&c)
        );
    }
    // Direct exec gives the same words.
    let c = segs(&[(false, "printf '%s\\000' a\\"), (true, "b")]);
    assert_eq!(
        nul_words(&run_line(&rt, &c).stdout),
        vec!["a\\b".to_owned()]
    );
}
