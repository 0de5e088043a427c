//! The system's time zone, read once at start-up (`TZ`, else `/etc/localtime`, else
//! UTC) and handed to the core as a value: the core and the config crate never read
//! the process's time zone themselves.

use std::path::{Path, PathBuf};

/// The system's time zone, as the C library finds it: `TZ` (a zone name under
/// /usr/share/zoneinfo, `:name`, an absolute TZif path, or a POSIX rule), else
/// /etc/localtime, else UTC.
pub fn system_zone() -> vigil_config::zone::Zone {
    use vigil_config::zone::Zone;
    let from_file = |name: &str, path: &Path| {
        std::fs::read(path)
            .ok()
            .and_then(|b| Zone::from_tzif(name, &b).ok())
    };
    if let Ok(tz) = std::env::var("TZ") {
        let name = tz.strip_prefix(':').unwrap_or(&tz);
        if name.is_empty() {
            return Zone::utc();
        }
        let path = if name.starts_with('/') {
            PathBuf::from(name)
        } else {
            Path::new("/usr/share/zoneinfo").join(name)
        };
        if let Some(z) = from_file(name, &path) {
            return z;
        }
        if let Ok(z) = Zone::from_posix(name) {
            return z;
        }
    }
    from_file("/etc/localtime", Path::new("/etc/localtime")).unwrap_or_else(Zone::utc)
}
