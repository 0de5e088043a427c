//! Fuzz target for the cgi.cfg reader (`vigil_web::cgicfg::CgiCfg::parse`):
//! arbitrary bytes as the file's text. Must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    std::hint::black_box(vigil_web::fuzzing::cgi_cfg(&text));
});
