//! The Livestatus options of a `broker_module=` line, as Naemon's `livestatus.so`
//! (and mk-livestatus's `livestatus.o`) take them: the socket path as the bare
//! argument, `key=value` options after it.

use std::path::PathBuf;

/// How a contact may see services (`service_authorization=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceAuthorization {
    /// A contact of the service or of its host sees it (default).
    #[default]
    Loose,
    /// Only a contact of the service itself.
    Strict,
}

/// How a contact may see groups (`group_authorization=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupAuthorization {
    /// Only when the contact may see every member (default).
    #[default]
    Strict,
    /// When the contact may see any member.
    Loose,
}

/// Livestatus settings from a `broker_module=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivestatusConfig {
    /// The module file as written (`/usr/lib/naemon/naemon-livestatus/livestatus.so`).
    pub module: String,
    /// The UNIX socket path (the bare argument); `None` with only `inet_addr=`.
    pub socket: Option<PathBuf>,
    /// `inet_addr=host:port`: also listen on TCP (see [`LivestatusConfig::tcp_addr`]).
    pub inet_addr: Option<String>,
    /// `num_client_threads=`: connections served at once (default 10, as the
    /// reference; vigil serves at least [`crate::MIN_CONNECTIONS`]).
    pub num_client_threads: usize,
    /// `debug=`: log each request (0 off).
    pub debug: u32,
    /// `max_response_size=` in bytes (default 500 MiB, as the reference).
    pub max_response_size: usize,
    /// `service_authorization=strict|loose`.
    pub service_authorization: ServiceAuthorization,
    /// `group_authorization=strict|loose`.
    pub group_authorization: GroupAuthorization,
    /// `idle_timeout=` in ms: close a keep-alive connection idle that long (default
    /// 300000).
    pub idle_timeout_ms: u64,
    /// `query_timeout=` in ms: a request must arrive completely within this time
    /// (default 10000, 0: no limit).
    pub query_timeout_ms: u64,
    /// vigil: `socket_mode=0660` (octal) for the UNIX socket (default 0660).
    pub socket_mode: u32,
    /// vigil: `socket_group=name` to give the UNIX socket to.
    pub socket_group: Option<String>,
    /// vigil: `query_nice=N` (0..=19): how much nicer than the check loop the
    /// connection threads run (default [`crate::QUERY_NICENESS`]).
    pub query_nice: i32,
    /// Options given but not understood (kept for a warning).
    pub unknown: Vec<String>,
}

impl LivestatusConfig {
    /// Settings with the reference's defaults for a socket path.
    pub fn with_socket(path: impl Into<PathBuf>) -> LivestatusConfig {
        LivestatusConfig {
            module: String::new(),
            socket: Some(path.into()),
            inet_addr: None,
            num_client_threads: 10,
            debug: 0,
            max_response_size: 500 * 1024 * 1024,
            service_authorization: ServiceAuthorization::Loose,
            group_authorization: GroupAuthorization::Strict,
            idle_timeout_ms: 300_000,
            query_timeout_ms: 10_000,
            socket_mode: 0o660,
            socket_group: None,
            query_nice: crate::QUERY_NICENESS,
            unknown: Vec::new(),
        }
    }
}

impl LivestatusConfig {
    /// The TCP address to listen on: `inet_addr=` as written when it names an
    /// address (`0.0.0.0:6557`, `[::]:6557`, `192.0.2.1:6557`), the loopback
    /// address when it is only a port (`inet_addr=6557`): vigil does not open
    /// Livestatus to the network unless the admin wrote an address.
    pub fn tcp_addr(&self) -> Option<String> {
        let a = self.inet_addr.as_deref()?.trim();
        if a.is_empty() {
            return None;
        }
        if a.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("127.0.0.1:{a}"));
        }
        Some(a.to_string())
    }
}

/// Reads the value of a `broker_module=` line (`<module> [socket] [key=value ...]`).
/// Returns `None` when the module's file name does not contain `livestatus` (then
/// the line is for another module) or when neither a socket nor `inet_addr=` is
/// given.
pub fn parse_broker_module(line: &str) -> Option<LivestatusConfig> {
    let line = line.trim();
    let line = line.strip_prefix("broker_module=").unwrap_or(line);
    let mut words = line.split_whitespace();
    let module = words.next()?;
    let file = module.rsplit('/').next().unwrap_or(module);
    if !file.contains("livestatus") {
        return None;
    }
    let mut cfg = LivestatusConfig::with_socket(PathBuf::new());
    cfg.socket = None;
    cfg.module = module.to_string();
    for w in words {
        match w.split_once('=') {
            None => {
                if cfg.socket.is_none() {
                    cfg.socket = Some(PathBuf::from(w));
                } else {
                    cfg.unknown.push(w.to_string());
                }
            }
            Some((k, v)) => {
                let num = |d: u64| v.parse::<u64>().unwrap_or(d);
                match k {
                    "inet_addr" => cfg.inet_addr = Some(v.to_string()),
                    "num_client_threads" => {
                        cfg.num_client_threads = num(10).clamp(1, 1024) as usize
                    }
                    "debug" => cfg.debug = num(0).min(u64::from(u32::MAX)) as u32,
                    "max_response_size" => cfg.max_response_size = num(500 << 20) as usize,
                    "idle_timeout" => cfg.idle_timeout_ms = num(300_000),
                    "query_timeout" => cfg.query_timeout_ms = num(10_000),
                    "service_authorization" => {
                        cfg.service_authorization = if v == "strict" {
                            ServiceAuthorization::Strict
                        } else {
                            ServiceAuthorization::Loose
                        }
                    }
                    "group_authorization" => {
                        cfg.group_authorization = if v == "loose" {
                            GroupAuthorization::Loose
                        } else {
                            GroupAuthorization::Strict
                        }
                    }
                    "socket_mode" => {
                        if let Ok(m) = u32::from_str_radix(v, 8) {
                            cfg.socket_mode = m & 0o7777;
                        } else {
                            cfg.unknown.push(w.to_string());
                        }
                    }
                    "socket_group" => cfg.socket_group = Some(v.to_string()),
                    "query_nice" => match v.parse::<i32>() {
                        Ok(n) if (0..=19).contains(&n) => cfg.query_nice = n,
                        _ => cfg.unknown.push(w.to_string()),
                    },
                    // Options of the reference that do not apply to vigil.
                    "max_cached_messages"
                    | "max_lines_per_logfile"
                    | "thread_stack_size"
                    | "max_backlog"
                    | "data_encoding"
                    | "log_file"
                    | "pnp_path"
                    | "livecheck"
                    | "num_livehelpers"
                    | "livehelper"
                    | "hidden" => {}
                    _ => cfg.unknown.push(w.to_string()),
                }
            }
        }
    }
    if cfg.socket.is_none() && cfg.inet_addr.is_none() {
        return None;
    }
    Some(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naemon_style_lines() {
        let c = parse_broker_module(
            "/usr/lib/naemon/naemon-livestatus/livestatus.so /var/cache/naemon/live inet_addr=0.0.0.0:6557 num_client_threads=20 debug=1",
        )
        .unwrap();
        assert_eq!(c.socket, Some(PathBuf::from("/var/cache/naemon/live")));
        assert_eq!(c.inet_addr.as_deref(), Some("0.0.0.0:6557"));
        assert_eq!(c.num_client_threads, 20);
        assert_eq!(c.debug, 1);
        let c = parse_broker_module("broker_module=/opt/mk/livestatus.o /tmp/live").unwrap();
        assert_eq!(c.module, "/opt/mk/livestatus.o");
        assert_eq!(c.socket, Some(PathBuf::from("/tmp/live")));
        assert_eq!(c.num_client_threads, 10);
        let c = parse_broker_module(
            "/x/livestatus.so /tmp/l service_authorization=strict group_authorization=loose socket_mode=0600 bogus=1",
        )
        .unwrap();
        assert_eq!(c.service_authorization, ServiceAuthorization::Strict);
        assert_eq!(c.group_authorization, GroupAuthorization::Loose);
        assert_eq!(c.socket_mode, 0o600);
        assert_eq!(c.unknown, ["bogus=1"]);
    }

    #[test]
    fn other_modules_and_empty_lines() {
        assert_eq!(
            parse_broker_module("/usr/lib/ndomod.o config_file=/etc/ndo.cfg"),
            None
        );
        assert_eq!(parse_broker_module(""), None);
        assert_eq!(parse_broker_module("/usr/lib/livestatus.so"), None);
        assert!(parse_broker_module("/usr/lib/livestatus.so inet_addr=127.0.0.1:6557").is_some());
    }

    #[test]
    fn tcp_is_loopback_unless_an_address_is_written() {
        let c = parse_broker_module("/x/livestatus.so inet_addr=6557").unwrap();
        assert_eq!(c.tcp_addr().as_deref(), Some("127.0.0.1:6557"));
        let c = parse_broker_module("/x/livestatus.so inet_addr=0.0.0.0:6557").unwrap();
        assert_eq!(c.tcp_addr().as_deref(), Some("0.0.0.0:6557"));
        let c = parse_broker_module("/x/livestatus.so /tmp/live").unwrap();
        assert_eq!(c.tcp_addr(), None);
    }
}
