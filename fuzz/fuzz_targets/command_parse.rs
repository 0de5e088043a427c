//! Fuzz target for the external command parser (`vigil-commands`): arbitrary bytes
//! as read from the command FIFO, split into lines, parsed, interpreted and turned
//! into log texts. Must never panic; checks the invariants of a parsed line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_commands::{
    error_texts, failed_texts, fifo::LineSplitter, log_text, malformed_text, parse_command,
    parse_line,
};

fuzz_target!(|data: &[u8]| {
    // Feed the bytes in two chunks, as partial FIFO reads would deliver them.
    let cut = data.first().map_or(0, |b| *b as usize % (data.len() + 1));
    let mut splitter = LineSplitter::new();
    let mut lines = splitter.push(&data[..cut]);
    lines.extend(splitter.push(&data[cut..]));
    // Also the whole input as one line (no newline handling).
    lines.push(String::from_utf8_lossy(data).into_owned());

    for raw in &lines {
        match parse_line(raw) {
            Ok(line) => {
                assert!(!line.name.is_empty());
                assert!(!line.name.contains(';'));
                let logged = log_text(&line);
                assert!(logged.starts_with("EXTERNAL COMMAND: "));
                match parse_command(&line) {
                    Ok(_) => {
                        let _ = failed_texts(&line, "fuzz");
                    }
                    Err(e) => assert!(error_texts(&line, &e).len() >= 2),
                }
            }
            Err(e) => {
                let text = malformed_text(raw, &e);
                assert!(text.ends_with("returned error Malformed command"));
            }
        }
    }
});
