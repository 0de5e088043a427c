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
    let mut buf = Vec::new();
    vigil_config::write_objects_cache(model, now, zone, &mut buf)
        .and_then(|()| {
            let text = String::from_utf8(buf)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            vigil_retention::write_atomic(path, &text)
        })
        .map_err(|e| {
            format!(
                "Unable to write the object cache file '{}': {e}",
                path.display()
            )
        })
}
