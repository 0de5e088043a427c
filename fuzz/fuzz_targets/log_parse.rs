//! Fuzz target for the log reader (`vigil_events::logparse`, what `vigil replay`
//! reads): arbitrary bytes as log lines. Must never panic; a line that parses as an
//! alert renders back to the text it was read from.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_events::logparse::{parse_line, LogLine};
use vigil_events::Event;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for raw in text.split('\n') {
        if let Ok(entry) = parse_line(raw) {
            if let LogLine::Alert(l) = entry.line {
                let again = Event::Alert(l).lines();
                let raw = raw.strip_suffix('\r').unwrap_or(raw);
                let body = raw.split_once("] ").map(|x| x.1);
                assert_eq!(Some(again[0].as_str()), body);
            }
        }
    }
});
