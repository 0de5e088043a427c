//! Entry points for the cargo-fuzz targets (`fuzz/fuzz_targets/web_*.rs`): each
//! runs one of the web crate's parsers of client input exactly as a request
//! handler does (axum's `Query` and `Form` extractors read with
//! `serde_urlencoded`, `Json` with `serde_json`), and nothing else. None may
//! panic on any input; what they return is only there so the work is not
//! optimised away.

use std::path::Path;

use crate::api::{self, Action, ObjQuery, WhatIf};
use crate::query::Filter;

/// A query string read as every page and API request reads its own: filters and
/// paging, `host`/`service`, the handler journal filters, `limit`, `fragment`, the
/// handler page's `name`, and a "what would run" question with its transition
/// (state, SOFT / HARD, attempt) for a host and for a service.
pub fn query_string(qs: &[u8]) -> usize {
    let mut n = 0;
    if let Ok(f) = serde_urlencoded::from_bytes::<Filter>(qs) {
        n += f.page() + f.per_page() + f.states().len();
    }
    n += usize::from(serde_urlencoded::from_bytes::<ObjQuery>(qs).is_ok());
    n += usize::from(serde_urlencoded::from_bytes::<api::RunsQuery>(qs).is_ok());
    n += usize::from(serde_urlencoded::from_bytes::<api::Limit>(qs).is_ok());
    n += usize::from(serde_urlencoded::from_bytes::<crate::pages::Frag>(qs).is_ok());
    n += usize::from(serde_urlencoded::from_bytes::<crate::pages::HandlerQuery>(qs).is_ok());
    if let Ok(q) = serde_urlencoded::from_bytes::<WhatIf>(qs) {
        for kind in [vigil_events::ObjKind::Host, vigil_events::ObjKind::Service] {
            n += usize::from(api::transition(kind, &q).is_ok());
        }
    }
    n
}

/// An action request body, as a form post (`/action`) and as JSON
/// (`POST /api/v1/commands`), turned into its external command line.
pub fn action(body: &[u8], author: &str, now: i64) -> usize {
    let mut n = 0;
    let form = serde_urlencoded::from_bytes::<Action>(body).ok();
    let json = serde_json::from_slice::<Action>(body).ok();
    for a in form.iter().chain(json.iter()) {
        if let Ok(line) = api::command_line(a, author, now) {
            n += line.len();
        }
    }
    n
}

/// An `Authorization` header value decoded as HTTP Basic credentials.
pub fn basic_auth(header: &[u8]) -> usize {
    // axum hands the header over only when it is visible ASCII (`to_str`).
    let Ok(h) = std::str::from_utf8(header) else {
        return 0;
    };
    crate::auth::basic_credentials(h).map_or(0, |(u, p)| u.len() + p.len())
}

/// An htpasswd file's text.
pub fn htpasswd(text: &str) -> usize {
    let (users, warnings) = crate::auth::Htpasswd::parse(text, Path::new("htpasswd"));
    users.len() + warnings.len()
}

/// A cgi.cfg file's text.
pub fn cgi_cfg(text: &str) -> usize {
    crate::cgicfg::CgiCfg::parse(text, Path::new("cgi.cfg")).map_or(0, |c| {
        usize::from(c.use_authentication) + usize::from(c.default_user_name.is_some())
    })
}
