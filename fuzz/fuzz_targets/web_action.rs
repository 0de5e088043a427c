//! Fuzz target for the web UI's actions (`vigil_web::fuzzing::action`): a request
//! body read as a form post and as JSON, turned into the external command line.
//! Input: 8 bytes of the clock (little-endian seconds), the user name (the
//! authenticated user, client-chosen) up to a NUL, then the body. Must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (clock, rest) = data.split_at(8);
    let now = i64::from_le_bytes(clock.try_into().unwrap());
    let (author, body) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&rest[..0], rest),
    };
    let author = String::from_utf8_lossy(author);
    std::hint::black_box(vigil_web::fuzzing::action(body, &author, now));
});
