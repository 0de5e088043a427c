//! Fuzz target for the state files vigil reads at start-up: retention.dat
//! (`vigil_retention::parse`, a file Nagios or vigil wrote, or anything) and the
//! state journal (`vigil_retention::wal::decode`, frames, checkpoint markers).
//! Must never panic; a journal read for any base and its records applied to the
//! parsed file must not panic either.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_retention::wal::{self, BaseId};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut ret = vigil_retention::parse(&text);
    // The journal bytes are the same input, read for the base it may name and for
    // two others (the header's own base is whatever the bytes say).
    let header_base = data.get(12..24).map(|b| BaseId {
        len: u64::from_le_bytes(b[0..8].try_into().unwrap_or_default()),
        crc: u32::from_le_bytes(b[8..12].try_into().unwrap_or_default()),
    });
    for base in [header_base, Some(BaseId::of(data)), Some(BaseId::MISSING)]
        .into_iter()
        .flatten()
    {
        let replay = wal::decode(data, base);
        let _ = replay.last_log();
        let _ = replay.record_count();
        replay.apply_to(&mut ret);
    }
});
