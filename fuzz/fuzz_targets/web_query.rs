//! Fuzz target for the web UI's query-string parsing (`vigil_web::fuzzing::
//! query_string`): arbitrary bytes as the query string of every page and API
//! request (filters, paging, object names, journal filters, "what would run"
//! transitions). Must never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(vigil_web::fuzzing::query_string(data));
});
