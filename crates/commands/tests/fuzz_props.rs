//! Property tests: the parser never panics on arbitrary input, parsed lines keep
//! their parts, and lines built from the command table parse consistently.
//! `PROPTEST_CASES=<n>` raises the number of cases (default 2000 per property).

use proptest::prelude::*;
use vigil_commands::{parse_command, parse_line, unescape_output, CommandError, COMMANDS};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    ProptestConfig::with_cases(cases)
}

/// Every table name, in a random case mix.
fn any_name() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = COMMANDS.iter().map(|c| c.name).collect();
    (prop::sample::select(names), any::<u64>()).prop_map(|(n, mask)| {
        n.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 64) & 1 == 1 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect()
    })
}

/// Field texts that hit the number readers' edges and the separators.
fn any_field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,12}",
        "-?[0-9]{1,20}",
        "0[xX][0-9a-fA-F]{0,10}",
        "[0-9]{0,4}\\.[0-9]{0,4}",
        "[ +\t]{0,2}[0-9]{1,5}[ \t]{0,2}",
        "[-0-9a-zA-Z;\\\\ .é!_]{0,12}",
        Just(String::new()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn never_panics_on_random_strings(s in any::<String>()) {
        match parse_line(&s) {
            Ok(line) => {
                let _ = parse_command(&line);
            }
            Err(e) => { let _ = e.to_string(); }
        }
    }

    #[test]
    fn never_panics_on_command_like_strings(
        name in any_name(),
        args in prop::collection::vec(any_field(), 0..12),
        ts in "[0-9a-z+-]{0,25}",
    ) {
        let text = format!("[{ts}] {name};{}", args.join(";"));
        let line = parse_line(&text).unwrap();
        prop_assert_eq!(&line.name, &name);
        match parse_command(&line) {
            Ok(cmd) => {
                let _ = cmd.modattr();
            }
            // A known name never gives Unknown, and the reason is never the
            // internal table-mismatch one.
            Err(CommandError::Unknown) => prop_assert!(false, "{} unknown", name),
            Err(CommandError::Malformed(r)) => {
                prop_assert_ne!(r.as_str(), "internal error: argument table mismatch", "{}", text);
                prop_assert!(!r.is_empty());
            }
        }
    }

    /// Filling every argument of a row with its kind's example and then replacing
    /// one field by random text gives either the command or a reason that names
    /// an argument of that command.
    #[test]
    fn table_rows_with_one_random_field(
        idx in 0..COMMANDS.len(),
        pos in 0usize..12,
        field in any_field(),
    ) {
        let spec = &COMMANDS[idx];
        let mut fields: Vec<String> =
            spec.example_args().split(';').map(str::to_string).collect();
        if fields.len() == 1 && fields[0].is_empty() {
            fields.clear();
        }
        let args = spec.args();
        if !fields.is_empty() {
            let p = pos % fields.len();
            fields[p] = field.clone();
        }
        let text = format!("[1] {};{}", spec.name, fields.join(";"));
        let line = parse_line(&text).unwrap();
        match parse_command(&line) {
            Ok(_) => {}
            Err(CommandError::Unknown) => prop_assert!(false, "{} unknown", spec.name),
            Err(CommandError::Malformed(r)) => {
                let named = args.iter().any(|a| r.contains(a.what))
                    || r.contains("flexible downtime")
                    || r.contains("start time or a comment");
                prop_assert!(named, "{}: {}", text, r);
            }
        }
    }

    #[test]
    fn line_parts_round_trip(
        ts in 0i64..=i64::MAX,
        name in "[A-Z_]{1,30}",
        args in "[^\r\n]{0,40}",
    ) {
        let args = args.trim_matches([' ', '\t']).to_string();
        let text = format!("[{ts}] {name};{args}\n");
        let line = parse_line(&text).unwrap();
        prop_assert_eq!(line.entry_time, ts);
        prop_assert_eq!(&line.name, &name);
        prop_assert_eq!(&line.args, &args);
    }

    #[test]
    fn unescape_is_identity_without_backslashes(s in "[^\\\\]{0,50}") {
        prop_assert_eq!(unescape_output(&s), s);
    }
}
