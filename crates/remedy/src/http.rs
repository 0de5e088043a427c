//! The blocking HTTP client of the webhook and vSphere actions (ureq): one agent per
//! action with its timeout, HTTP error statuses returned as values (the callers
//! report them), and an opt-in switch to accept self-signed certificates.

use std::time::Duration;

use ureq::tls::TlsConfig;
use ureq::Agent;

/// Response bodies kept (error reports and JSON documents).
const BODY_LIMIT: u64 = 1 << 20;

/// A response: status and body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The body, lossily decoded.
    pub body: String,
}

impl HttpResponse {
    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body cut at 300 characters on one line, for error messages.
    pub fn body_excerpt(&self) -> String {
        let one: String = self
            .body
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(300)
            .collect();
        one.trim().to_string()
    }
}

/// A request that got no HTTP response (connection, TLS, timeout).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// An HTTP method the actions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

/// An agent whose every request must finish within `timeout`; `insecure` accepts any
/// server certificate.
pub fn agent(timeout: Duration, insecure: bool) -> Agent {
    let mut b = Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("vigil-remedy/", env!("CARGO_PKG_VERSION")));
    if insecure {
        b = b.tls_config(TlsConfig::builder().disable_verification(true).build());
    }
    b.build().into()
}

/// Sends one request. `body` is sent as `application/json`.
pub fn send(
    agent: &Agent,
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Result<HttpResponse, TransportError> {
    let terr = |e: ureq::Error| TransportError(e.to_string());
    let result = match method {
        Method::Get | Method::Delete => {
            let mut rb = if method == Method::Get {
                agent.get(url)
            } else {
                agent.delete(url)
            };
            for (k, v) in headers {
                rb = rb.header(k.as_str(), v.as_str());
            }
            rb.call()
        }
        Method::Post | Method::Patch => {
            let mut rb = if method == Method::Post {
                agent.post(url)
            } else {
                agent.patch(url)
            };
            for (k, v) in headers {
                rb = rb.header(k.as_str(), v.as_str());
            }
            match body {
                Some(b) => rb
                    .header("content-type", "application/json")
                    .send(b.as_bytes()),
                None => rb.send_empty(),
            }
        }
    };
    let mut resp = result.map_err(terr)?;
    let status = resp.status().as_u16();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec()
        .map_err(terr)?;
    Ok(HttpResponse {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Percent-encodes `s` for a URL path segment or query value (RFC 3986 unreserved
/// characters stay).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Standard base64 with padding (for `Authorization: Basic`).
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            base64(b"administrator@vsphere.local:p@ss:w\xc3\xb6rd"),
            "YWRtaW5pc3RyYXRvckB2c3BoZXJlLmxvY2FsOnBAc3M6d8O2cmQ="
        );
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("vm-42"), "vm-42");
        assert_eq!(percent_encode("web 01/ä?&"), "web%2001%2F%C3%A4%3F%26");
    }
}
