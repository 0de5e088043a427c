//! Fuzz target for the external command parser (`vigil-commands`): arbitrary bytes
//! as read from the command FIFO, split into lines, parsed, interpreted and turned
//! into log texts. Must never panic; checks the invariants of a parsed line and of
//! a parsed command. The input is also tried as the arguments of every command
//! name of the table, so every argument reader sees fuzzed text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_commands::{lookup, parse_command, parse_line, CommandError, Line, COMMANDS};
use vigil_engine::fifo::LineSplitter;
use vigil_events::{CommandEvent, Event};

/// The log lines of a command event (vigil-events renders them).
fn lines(c: CommandEvent) -> Vec<String> {
    Event::Command(c).lines()
}

fn failed(line: &Line, reason: &str) -> Vec<String> {
    lines(CommandEvent::Failed {
        entry_time: line.entry_time,
        name: line.name.clone(),
        args: line.args.clone(),
        reason: reason.into(),
    })
}

fn check(line: &Line) {
    assert!(!line.name.contains(';'));
    let logged = lines(CommandEvent::Accepted {
        name: line.name.clone(),
        args: line.args.clone(),
        passive: false,
    });
    assert!(logged[0].starts_with("EXTERNAL COMMAND: "));
    match parse_command(line) {
        Ok(cmd) => {
            let _ = cmd.modattr();
            let _ = cmd.note();
            assert_eq!(failed(line, "fuzz").len(), 3);
        }
        Err(e) => {
            if let CommandError::Malformed(r) = &e {
                assert_ne!(r, "internal error: argument table mismatch");
            }
            if e == CommandError::Unknown {
                assert!(lookup(&line.name).is_none() && !line.name.starts_with('_'));
            }
            assert!(failed(line, "").len() >= 2);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Feed the bytes in two chunks, as partial FIFO reads would deliver them.
    let cut = data.first().map_or(0, |b| *b as usize % (data.len() + 1));
    let mut splitter = LineSplitter::new();
    let mut inputs = splitter.push(&data[..cut]);
    inputs.extend(splitter.push(&data[cut..]));
    // Also the whole input as one line (no newline handling).
    let whole = String::from_utf8_lossy(data).into_owned();
    inputs.push(whole.clone());

    for raw in &inputs {
        match parse_line(raw) {
            Ok(line) => {
                assert!(!line.name.is_empty());
                check(&line);
            }
            Err(_) => {
                let text = lines(CommandEvent::Malformed { raw: raw.clone() });
                assert!(text[0].ends_with("returned error Malformed command"));
            }
        }
    }

    // The input as the arguments of one table command (chosen by the first byte).
    if let Some(first) = data.first() {
        let spec = &COMMANDS[*first as usize % COMMANDS.len()];
        let args: String = whole.chars().skip(1).filter(|c| *c != '\n').collect();
        check(&Line {
            entry_time: 0,
            name: spec.name.to_string(),
            args,
        });
    }
});
