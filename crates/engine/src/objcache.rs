//! `object_cache_file` (objects.cache): every object as loaded, in Nagios 4.4.6's
//! format (`vigil_config::write_objects_cache`), written at start-up and at every
//! reload, as Nagios does, for the tools that read it (the Nagios CGIs, Thruk, ...).
//! It is written after privileges are dropped (it belongs to `nagios_user`), and
//! replaced atomically so a reader never sees half of it.

use vigil_config::zone::Zone;
use vigil_config::Model;

/// Writes the objects.cache of `model` if the configuration names one; the error
/// text to log when it cannot.
pub fn write(model: &Model, zone: &Zone, now: i64) -> Result<(), String> {
    let Some(path) = &model.main.object_cache_file else {
        return Ok(());
    };
    // Streamed into the temporary file: at 100,000 services the text is ~80 MB,
    // which held whole was the start-up's peak of memory.
    vigil_retention::write_atomic_with(path, |mut w| {
        vigil_config::write_objects_cache(model, now, zone, &mut w)
    })
    .map_err(|e| {
        format!(
            "Unable to write the object cache file '{}': {e}",
            path.display()
        )
    })
}
