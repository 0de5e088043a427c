//! Fuzz target for the htpasswd reader (`vigil_web::auth::Htpasswd::parse`):
//! arbitrary bytes as the file's text. Must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    std::hint::black_box(vigil_web::fuzzing::htpasswd(&text));
});
