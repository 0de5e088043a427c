//! The web UI's settings: `vigil run --http ADDR:PORT`, or the `[http]` table of
//! `vigil.toml`, a vigil-only file next to the main config (nagios.cfg is never
//! given a new directive):
//!
//! ```toml
//! [http]
//! listen = "127.0.0.1:8080"            # `--http` overrides it
//! htpasswd = "/etc/nagios4/htpasswd.users"
//! cgi_cfg = "/etc/nagios4/cgi.cfg"     # default: cgi.cfg next to the main config
//! ```
//!
//! Relative paths are resolved against the file's directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name looked for next to the main config.
pub const FILE_NAME: &str = "vigil.toml";

/// Why the settings are not usable.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// vigil.toml could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// vigil.toml is not valid.
    #[error("{}: {message}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// `listen` is not `ADDR:PORT`.
    #[error("'{0}' is not an ADDRESS:PORT to listen on")]
    BadAddress(String),
    /// No authentication and a non-loopback address.
    #[error(
        "refusing to listen on {0} without authentication: set [http] htpasswd in vigil.toml, \
         or listen on a loopback address (127.0.0.1, [::1])"
    )]
    NoAuthBeyondLoopback(SocketAddr),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    http: Option<HttpTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpTable {
    listen: Option<String>,
    htpasswd: Option<PathBuf>,
    cgi_cfg: Option<PathBuf>,
}

/// Where and how to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Address to listen on; `None`: no web server.
    pub listen: Option<SocketAddr>,
    /// htpasswd file; `None`: no authentication.
    pub htpasswd: Option<PathBuf>,
    /// cgi.cfg; `None`: none found.
    pub cgi_cfg: Option<PathBuf>,
}

impl Settings {
    /// Reads `vigil.toml` next to `main_cfg` if there is one; `http` (the
    /// `--http` flag) overrides its `listen`.
    pub fn load(main_cfg: &Path, http: Option<&str>) -> Result<Settings, SettingsError> {
        let dir = main_cfg
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let path = dir.join(FILE_NAME);
        let file: File = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| SettingsError::Toml {
                path: path.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
            Err(source) => return Err(SettingsError::Io { path, source }),
        };
        let t = file.http.unwrap_or_default();
        let listen = match http.map(str::to_string).or(t.listen) {
            Some(a) => Some(parse_addr(&a)?),
            None => None,
        };
        let rel = |p: PathBuf| if p.is_absolute() { p } else { dir.join(p) };
        let cgi_cfg = t
            .cgi_cfg
            .map(rel)
            .or_else(|| Some(dir.join("cgi.cfg")).filter(|p| p.is_file()));
        Ok(Settings {
            listen,
            htpasswd: t.htpasswd.map(rel),
            cgi_cfg,
        })
    }

    /// Refuses a non-loopback address when there is no authentication.
    pub fn check_bind(addr: SocketAddr, authenticated: bool) -> Result<(), SettingsError> {
        if authenticated || addr.ip().is_loopback() {
            Ok(())
        } else {
            Err(SettingsError::NoAuthBeyondLoopback(addr))
        }
    }
}

fn parse_addr(a: &str) -> Result<SocketAddr, SettingsError> {
    let a = a.trim();
    // "localhost:8080" is what people type.
    let a2 = a
        .strip_prefix("localhost:")
        .map(|p| format!("127.0.0.1:{p}"));
    a2.as_deref()
        .unwrap_or(a)
        .parse()
        .map_err(|_| SettingsError::BadAddress(a.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_auth_only_on_loopback() {
        let lo: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let lo6: SocketAddr = "[::1]:80".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:80".parse().unwrap();
        assert!(Settings::check_bind(lo, false).is_ok());
        assert!(Settings::check_bind(lo6, false).is_ok());
        assert!(matches!(
            Settings::check_bind(any, false),
            Err(SettingsError::NoAuthBeyondLoopback(_))
        ));
        assert!(Settings::check_bind(any, true).is_ok());
    }

    #[test]
    fn file_and_flag() {
        let d = tempfile::tempdir().unwrap();
        let main = d.path().join("nagios.cfg");
        assert_eq!(Settings::load(&main, None).unwrap().listen, None);
        std::fs::write(
            d.path().join(FILE_NAME),
            "[http]\nlisten = \"localhost:8081\"\nhtpasswd = \"htpasswd.users\"\n",
        )
        .unwrap();
        let s = Settings::load(&main, None).unwrap();
        assert_eq!(s.listen, Some("127.0.0.1:8081".parse().unwrap()));
        assert_eq!(s.htpasswd, Some(d.path().join("htpasswd.users")));
        let s = Settings::load(&main, Some("127.0.0.1:9")).unwrap();
        assert_eq!(s.listen, Some("127.0.0.1:9".parse().unwrap()));
        std::fs::write(d.path().join(FILE_NAME), "[http]\nlisen = 1\n").unwrap();
        let e = Settings::load(&main, None).unwrap_err().to_string();
        assert!(e.contains("vigil.toml") && e.contains("lisen"), "{e}");
        assert!(Settings::load(&main, Some("nonsense")).is_err());
    }
}
