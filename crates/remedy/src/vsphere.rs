//! Adding memory to a VMware VM through the vSphere Automation REST API (vSphere
//! 7.0 U2 and later, the `/api` endpoints), using only what VMware documents:
//!
//! 1. `POST /api/session` with HTTP basic authentication; the response body is the
//!    session token as a JSON string (201 Created).
//! 2. Optionally `GET /api/vcenter/vm?names=NAME` to turn a VM name into its
//!    identifier (the `vm` field of the one summary returned).
//! 3. `GET /api/vcenter/vm/{vm}/hardware/memory` with header
//!    `vmware-api-session-id: TOKEN`: the memory info, `size_MiB` and, when hot-add
//!    is enabled on a running VM, `hot_add_increment_size_MiB` / `hot_add_limit_MiB`.
//! 4. `PATCH /api/vcenter/vm/{vm}/hardware/memory` with `{"size_MiB": NEW}`
//!    (204 No Content). A running VM needs hot-add enabled; the new size is rounded up
//!    to the hot-add increment and must stay within the hot-add limit.
//! 5. `DELETE /api/session` to log out (also after a failure; its result is ignored).

use std::time::Duration;

use serde_json::Value;

use crate::config::{Password, VsphereConn};
use crate::http::{self, HttpResponse, Method};

/// Which VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmTarget {
    /// A VM identifier (`vm-42`).
    Id(String),
    /// A VM name to look up.
    Name(String),
}

/// What was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryChange {
    /// The VM identifier.
    pub vm: String,
    /// Memory before, MiB.
    pub old_mb: u64,
    /// Memory after, MiB.
    pub new_mb: u64,
}

/// Why the memory was not changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VsphereError {
    /// The password file could not be read.
    #[error("cannot read password file {path}: {message}")]
    Password {
        /// The file.
        path: String,
        /// The error.
        message: String,
    },
    /// No HTTP response.
    #[error("{step}: {message}")]
    Transport {
        /// login, find VM, read memory, update memory.
        step: &'static str,
        /// The error.
        message: String,
    },
    /// An HTTP error status.
    #[error("{step}: HTTP {status}: {body}")]
    Status {
        /// The step.
        step: &'static str,
        /// The status.
        status: u16,
        /// Body excerpt (vSphere's error document).
        body: String,
    },
    /// A response that is not what the API documents.
    #[error("{step}: unexpected response: {message}")]
    Protocol {
        /// The step.
        step: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No VM or several VMs have that name.
    #[error("find VM: {count} VMs named '{name}' (need exactly one)")]
    VmName {
        /// The name.
        name: String,
        /// How many were found.
        count: usize,
    },
    /// The new size would pass a limit.
    #[error("{vm}: {new_mb} MiB would exceed {limit} ({which})")]
    Limit {
        /// The VM.
        vm: String,
        /// The size it would get.
        new_mb: u64,
        /// The limit.
        limit: u64,
        /// `max_mb` or `hot_add_limit_MiB`.
        which: &'static str,
    },
}

fn password(p: &Password) -> Result<String, VsphereError> {
    match p {
        Password::Inline(s) => Ok(s.clone()),
        Password::File(path) => std::fs::read_to_string(path)
            .map(|t| t.lines().next().unwrap_or("").to_string())
            .map_err(|e| VsphereError::Password {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
    }
}

fn call(
    agent: &ureq::Agent,
    step: &'static str,
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Result<HttpResponse, VsphereError> {
    let r = http::send(agent, method, url, headers, body)
        .map_err(|e| VsphereError::Transport { step, message: e.0 })?;
    if !r.is_success() {
        return Err(VsphereError::Status {
            step,
            status: r.status,
            body: r.body_excerpt(),
        });
    }
    Ok(r)
}

fn json(step: &'static str, r: &HttpResponse) -> Result<Value, VsphereError> {
    serde_json::from_str(&r.body).map_err(|e| VsphereError::Protocol {
        step,
        message: format!("not JSON ({e})"),
    })
}

/// The new size: `old + add`, rounded up to the hot-add increment when there is one.
pub fn new_size(old_mb: u64, add_mb: u64, increment_mb: Option<u64>) -> u64 {
    let n = old_mb.saturating_add(add_mb);
    match increment_mb {
        Some(i) if i > 1 && !n.is_multiple_of(i) => n.saturating_add(i - n % i),
        _ => n,
    }
}

/// Adds `add_mb` MiB to the VM (see the module documentation for the requests).
/// Each request must finish within `timeout`.
pub fn add_memory(
    conn: &VsphereConn,
    target: &VmTarget,
    add_mb: u64,
    max_mb: Option<u64>,
    timeout: Duration,
) -> Result<MemoryChange, VsphereError> {
    let pw = password(&conn.password)?;
    let agent = http::agent(timeout, conn.insecure);
    let basic = format!(
        "Basic {}",
        http::base64(format!("{}:{}", conn.user, pw).as_bytes())
    );
    let login = call(
        &agent,
        "login",
        Method::Post,
        &format!("{}/api/session", conn.url),
        &[("authorization".to_string(), basic)],
        None,
    )?;
    let token = match json("login", &login)? {
        Value::String(s) if !s.is_empty() => s,
        // The older /rest shape, {"value": "..."}, from proxies that wrap it.
        Value::Object(m) => match m.get("value") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                return Err(VsphereError::Protocol {
                    step: "login",
                    message: "no session token".into(),
                })
            }
        },
        _ => {
            return Err(VsphereError::Protocol {
                step: "login",
                message: "no session token".into(),
            })
        }
    };
    let auth = [("vmware-api-session-id".to_string(), token)];
    let result = change(&agent, conn, &auth, target, add_mb, max_mb);
    // Log out whatever happened; a failed logout changes nothing for the VM.
    let _ = http::send(
        &agent,
        Method::Delete,
        &format!("{}/api/session", conn.url),
        &auth,
        None,
    );
    result
}

fn change(
    agent: &ureq::Agent,
    conn: &VsphereConn,
    auth: &[(String, String)],
    target: &VmTarget,
    add_mb: u64,
    max_mb: Option<u64>,
) -> Result<MemoryChange, VsphereError> {
    let vm = match target {
        VmTarget::Id(id) => id.clone(),
        VmTarget::Name(name) => {
            let r = call(
                agent,
                "find VM",
                Method::Get,
                &format!(
                    "{}/api/vcenter/vm?names={}",
                    conn.url,
                    http::percent_encode(name)
                ),
                auth,
                None,
            )?;
            let list = match json("find VM", &r)? {
                Value::Array(a) => a,
                _ => {
                    return Err(VsphereError::Protocol {
                        step: "find VM",
                        message: "expected an array of VM summaries".into(),
                    })
                }
            };
            if list.len() != 1 {
                return Err(VsphereError::VmName {
                    name: name.clone(),
                    count: list.len(),
                });
            }
            match list[0].get("vm") {
                Some(Value::String(id)) => id.clone(),
                _ => {
                    return Err(VsphereError::Protocol {
                        step: "find VM",
                        message: "VM summary without \"vm\"".into(),
                    })
                }
            }
        }
    };
    let mem_url = format!(
        "{}/api/vcenter/vm/{}/hardware/memory",
        conn.url,
        http::percent_encode(&vm)
    );
    let r = call(agent, "read memory", Method::Get, &mem_url, auth, None)?;
    let info = json("read memory", &r)?;
    let old_mb = info
        .get("size_MiB")
        .and_then(Value::as_u64)
        .ok_or_else(|| VsphereError::Protocol {
            step: "read memory",
            message: "no size_MiB".into(),
        })?;
    let increment = info
        .get("hot_add_increment_size_MiB")
        .and_then(Value::as_u64);
    let hot_limit = info.get("hot_add_limit_MiB").and_then(Value::as_u64);
    let new_mb = new_size(old_mb, add_mb, increment);
    if let Some(limit) = max_mb {
        if new_mb > limit {
            return Err(VsphereError::Limit {
                vm,
                new_mb,
                limit,
                which: "max_mb",
            });
        }
    }
    if let Some(limit) = hot_limit {
        if new_mb > limit {
            return Err(VsphereError::Limit {
                vm,
                new_mb,
                limit,
                which: "hot_add_limit_MiB",
            });
        }
    }
    let body = serde_json::json!({ "size_MiB": new_mb }).to_string();
    call(
        agent,
        "update memory",
        Method::Patch,
        &mem_url,
        auth,
        Some(&body),
    )?;
    Ok(MemoryChange { vm, old_mb, new_mb })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(new_size(4096, 512, None), 4608);
        assert_eq!(new_size(4096, 512, Some(128)), 4608);
        assert_eq!(new_size(4096, 100, Some(128)), 4224);
        assert_eq!(new_size(4000, 512, Some(1024)), 5120);
        assert_eq!(new_size(u64::MAX, 1, None), u64::MAX);
    }
}
