//! `cgi.cfg`, the file the Nagios CGIs read for who may see and do what: the
//! `authorized_for_*` lists (user names, `*` for every authenticated user), the
//! `authorized_contactgroup_for_*` lists, `use_authentication` and
//! `default_user_name`. Other directives are kept but not acted on.

use std::path::{Path, PathBuf};

/// An error in cgi.cfg, with its place.
#[derive(Debug, thiserror::Error)]
pub enum CgiCfgError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line that is not `name=value`.
    #[error("{}:{line}: expected name=value, found '{text}'", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The line.
        text: String,
    },
}

/// A list of names as cgi.cfg writes them; `*` means every authenticated user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameList {
    /// `*` was listed.
    pub everyone: bool,
    /// The names listed.
    pub names: Vec<String>,
}

impl NameList {
    fn parse(v: &str) -> NameList {
        let mut l = NameList::default();
        for n in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if n == "*" {
                l.everyone = true;
            } else {
                l.names.push(n.to_string());
            }
        }
        l
    }

    /// Whether `name` is on the list.
    pub fn has(&self, name: &str) -> bool {
        self.everyone || self.names.iter().any(|n| n == name)
    }
}

/// What cgi.cfg grants: one user list and one contact group list per right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    /// `authorized_for_<right>`.
    pub users: NameList,
    /// `authorized_contactgroup_for_<right>`.
    pub contactgroups: NameList,
}

/// The settings the web UI acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgiCfg {
    /// `use_authentication` (default 1).
    pub use_authentication: bool,
    /// `default_user_name`: who an unauthenticated request is, when set.
    pub default_user_name: Option<String>,
    /// See every host.
    pub all_hosts: Grant,
    /// See every service.
    pub all_services: Grant,
    /// Commands on every host.
    pub all_host_commands: Grant,
    /// Commands on every service.
    pub all_service_commands: Grant,
    /// Program-wide commands.
    pub system_commands: Grant,
    /// Program information.
    pub system_information: Grant,
    /// Configuration.
    pub configuration_information: Grant,
    /// May submit no command at all.
    pub read_only: Grant,
}

impl Default for CgiCfg {
    fn default() -> Self {
        CgiCfg {
            use_authentication: true,
            default_user_name: None,
            all_hosts: Grant::default(),
            all_services: Grant::default(),
            all_host_commands: Grant::default(),
            all_service_commands: Grant::default(),
            system_commands: Grant::default(),
            system_information: Grant::default(),
            configuration_information: Grant::default(),
            read_only: Grant::default(),
        }
    }
}

impl CgiCfg {
    /// Reads a cgi.cfg file.
    pub fn load(path: &Path) -> Result<CgiCfg, CgiCfgError> {
        let text = std::fs::read_to_string(path).map_err(|source| CgiCfgError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CgiCfg::parse(&text, path)
    }

    /// Parses cgi.cfg text (`path` only names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<CgiCfg, CgiCfgError> {
        let mut c = CgiCfg::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                return Err(CgiCfgError::Syntax {
                    path: path.to_path_buf(),
                    line: i + 1,
                    text: raw.to_string(),
                });
            };
            let (k, v) = (k.trim(), v.trim());
            if k == "use_authentication" {
                c.use_authentication = v.trim() != "0";
            } else if k == "default_user_name" {
                c.default_user_name = Some(v.to_string()).filter(|s| !s.is_empty());
            } else if let Some(right) = k.strip_prefix("authorized_for_") {
                if let Some(g) = c.grant_mut(right) {
                    g.users = NameList::parse(v);
                }
            } else if let Some(right) = k.strip_prefix("authorized_contactgroup_for_") {
                if let Some(g) = c.grant_mut(right) {
                    g.contactgroups = NameList::parse(v);
                }
            }
        }
        Ok(c)
    }

    fn grant_mut(&mut self, right: &str) -> Option<&mut Grant> {
        Some(match right {
            "all_hosts" => &mut self.all_hosts,
            "all_services" => &mut self.all_services,
            "all_host_commands" => &mut self.all_host_commands,
            "all_service_commands" => &mut self.all_service_commands,
            "system_commands" => &mut self.system_commands,
            "system_information" => &mut self.system_information,
            "configuration_information" => &mut self.configuration_information,
            "read_only" => &mut self.read_only,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn debian_cgi_cfg() {
        // The directives of Debian's /etc/nagios4/cgi.cfg (nagios4-cgi 4.4.6).
        let text = "main_config_file=/etc/nagios4/nagios.cfg\n\
            use_authentication=1\n\
            authorized_for_system_information=nagiosadmin\n\
            authorized_for_all_services=nagiosadmin, ops\n\
            authorized_for_all_hosts=*\n\
            authorized_contactgroup_for_all_host_commands=admins\n\
            #authorized_for_read_only=guest\n\
            refresh_rate=90\n";
        let c = CgiCfg::parse(text, Path::new("cgi.cfg")).unwrap();
        assert!(c.use_authentication);
        assert!(c.all_services.users.has("ops"));
        assert!(!c.all_services.users.has("guest"));
        assert!(c.all_hosts.users.has("anyone"));
        assert!(c.all_host_commands.contactgroups.has("admins"));
        assert!(!c.read_only.users.has("guest"));
    }

    #[test]
    fn error_has_file_and_line() {
        let e = CgiCfg::parse("a=1\nbroken\n", Path::new("/x/cgi.cfg")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/x/cgi.cfg:2: expected name=value, found 'broken'"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "(.{0,40}\n){0,10}") {
            let _ = CgiCfg::parse(&s, Path::new("p"));
        }
    }
}
