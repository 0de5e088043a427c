//! Fuzz target: arbitrary bytes as an object configuration file, through the
//! whole loader pipeline (lexing, templates, assignment, validation).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vigil_config::parse_object_bytes(data, std::path::Path::new("fuzz.cfg"));
});
