//! Property tests: the parser never panics on arbitrary input, and parsed lines
//! keep their parts.

use proptest::prelude::*;
use vigil_commands::{
    error_texts, log_text, malformed_text, parse_command, parse_line, unescape_output,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_random_strings(s in any::<String>()) {
        match parse_line(&s) {
            Ok(line) => {
                let _ = log_text(&line);
                if let Err(e) = parse_command(&line) {
                    let texts = error_texts(&line, &e);
                    prop_assert!(texts.len() >= 2);
                }
            }
            Err(e) => { let _ = malformed_text(&s, &e); }
        }
    }

    #[test]
    fn never_panics_on_command_like_strings(
        name in prop::sample::select(vec![
            "PROCESS_SERVICE_CHECK_RESULT", "PROCESS_HOST_CHECK_RESULT", "SCHEDULE_SVC_CHECK",
            "SCHEDULE_FORCED_HOST_CHECK", "ACKNOWLEDGE_SVC_PROBLEM", "SCHEDULE_SVC_DOWNTIME",
            "CHANGE_MAX_SVC_CHECK_ATTEMPTS", "CHANGE_NORMAL_HOST_CHECK_INTERVAL",
            "CHANGE_CUSTOM_SVC_VAR", "DEL_HOST_DOWNTIME", "PROCESS_FILE", "ENABLE_SVC_CHECK",
        ]),
        args in prop::collection::vec("[-0-9a-z;\\\\ .é]{0,12}", 0..10),
        ts in "[0-9a-z+-]{0,25}",
    ) {
        let text = format!("[{ts}] {name};{}", args.join(";"));
        let line = parse_line(&text).unwrap();
        prop_assert_eq!(&line.name, name);
        let _ = parse_command(&line);
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
        prop_assert_eq!(log_text(&line), format!("EXTERNAL COMMAND: {name};{args}"));
    }

    #[test]
    fn unescape_is_identity_without_backslashes(s in "[^\\\\]{0,50}") {
        prop_assert_eq!(unescape_output(&s), s);
    }
}
