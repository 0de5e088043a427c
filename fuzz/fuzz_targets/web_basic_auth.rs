//! Fuzz target for HTTP Basic credentials decoding (`vigil_web::auth::
//! basic_credentials`): arbitrary bytes as the `Authorization` header value.
//! Must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(vigil_web::fuzzing::basic_auth(data));
});
