//! Who may see and do what, as Nagios admins configure it for the CGIs:
//!
//! * users and passwords from an Apache htpasswd file (`htpasswd.users`): bcrypt
//!   (`$2y$`, `$2a$`, `$2b$`), apr1 (`$apr1$`, Apache's MD5) and `{SHA}` entries;
//!   requests authenticate with HTTP Basic, as the CGIs behind Apache do;
//! * `cgi.cfg`'s `authorized_for_*` / `authorized_contactgroup_for_*` lists
//!   ([`crate::cgicfg`]);
//! * contact-based visibility: a user whose name is a contact's name sees the hosts
//!   whose contact (or escalation contact) they are, directly or through a contact
//!   group, with all their services, and the services whose contact they are; they
//!   may submit commands for those objects when the contact has
//!   `can_submit_commands` and is not `authorized_for_read_only`.
//!
//! Without an htpasswd file there is no authentication: every request is the
//! default user with every right, and the server refuses to listen beyond loopback
//! (see [`crate::Settings::check_bind`]). CSRF: every action carries a token that is
//! an HMAC of the user name under a per-process secret ([`Auth::csrf_token`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use vigil_config::{ContactId, HostId, Model, ServiceId};

use crate::cgicfg::{CgiCfg, Grant};

/// An htpasswd entry vigil can check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PwHash {
    Bcrypt(String),
    Apr1 { salt: String, hash: String },
    Sha1(Vec<u8>),
}

/// An error in the htpasswd file.
#[derive(Debug, thiserror::Error)]
pub enum HtpasswdError {
    /// It could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The users of an htpasswd file.
#[derive(Debug, Clone, Default)]
pub struct Htpasswd {
    users: HashMap<String, PwHash>,
}

impl Htpasswd {
    /// Reads a file; entries vigil cannot check (DES crypt, plain text, damaged
    /// lines) are returned as warnings with `file:line` and left out.
    pub fn load(path: &Path) -> Result<(Htpasswd, Vec<String>), HtpasswdError> {
        let text = std::fs::read_to_string(path).map_err(|source| HtpasswdError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Htpasswd::parse(&text, path))
    }

    /// Parses htpasswd text (`path` only names it in warnings).
    pub fn parse(text: &str, path: &Path) -> (Htpasswd, Vec<String>) {
        let mut users = HashMap::new();
        let mut warnings = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = line
                .split_once(':')
                .and_then(|(u, h)| Some((u, parse_hash(h)?)));
            match parsed {
                Some((u, h)) if !u.is_empty() => {
                    users.insert(u.to_string(), h);
                }
                _ => warnings.push(format!(
                    "{}:{}: not a bcrypt, apr1 or {{SHA}} htpasswd entry; ignored",
                    path.display(),
                    i + 1
                )),
            }
        }
        (Htpasswd { users }, warnings)
    }

    /// Whether `password` is `user`'s.
    pub fn check(&self, user: &str, password: &str) -> bool {
        match self.users.get(user) {
            Some(PwHash::Bcrypt(h)) => bcrypt::verify(password, h).unwrap_or(false),
            Some(PwHash::Apr1 { salt, hash }) => ct_eq(
                apr1::checksum(password.as_bytes(), salt.as_bytes()).as_bytes(),
                hash.as_bytes(),
            ),
            Some(PwHash::Sha1(d)) => ct_eq(&sha1::Sha1::digest(password.as_bytes()), d),
            None => false,
        }
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// True without users.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

/// The user name and password of an `Authorization: Basic …` header value
/// (base64 of `user:password`, UTF-8); `None` for anything else.
pub fn basic_credentials(authorization: &str) -> Option<(String, String)> {
    let b = authorization.strip_prefix("Basic ")?;
    let b = base64::engine::general_purpose::STANDARD
        .decode(b.trim())
        .ok()?;
    let s = String::from_utf8(b).ok()?;
    s.split_once(':')
        .map(|(u, p)| (u.to_string(), p.to_string()))
}

fn parse_hash(h: &str) -> Option<PwHash> {
    if let Some(rest) = h.strip_prefix("$apr1$") {
        let (salt, hash) = rest.split_once('$')?;
        let ok = |s: &str| s.bytes().all(|b| apr1::ALPHABET.contains(&b));
        if salt.is_empty() || salt.len() > 8 || hash.len() != 22 || !ok(salt) || !ok(hash) {
            return None;
        }
        return Some(PwHash::Apr1 {
            salt: salt.into(),
            hash: hash.into(),
        });
    }
    if ["$2y$", "$2a$", "$2b$", "$2x$"]
        .iter()
        .any(|p| h.starts_with(p))
    {
        // bcrypt::verify checks the rest and answers an error, never panics.
        return (h.len() == 60).then(|| PwHash::Bcrypt(h.into()));
    }
    if let Some(b64) = h.strip_prefix("{SHA}") {
        let d = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        return (d.len() == 20).then_some(PwHash::Sha1(d));
    }
    None
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Apache's apr1: the FreeBSD MD5-crypt algorithm with the magic `$apr1$`
/// (1000 rounds of MD5), as `htpasswd -m` and `openssl passwd -apr1` write it.
pub mod apr1 {
    use md5::{Digest, Md5};

    /// The crypt base-64 alphabet.
    pub const ALPHABET: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const MAGIC: &[u8] = b"$apr1$";

    /// The 22-character checksum of `password` with `salt` (at most 8 bytes used).
    pub fn checksum(password: &[u8], salt: &[u8]) -> String {
        let salt = &salt[..salt.len().min(8)];
        let alt: [u8; 16] = Md5::new()
            .chain_update(password)
            .chain_update(salt)
            .chain_update(password)
            .finalize()
            .into();
        let mut ctx = Md5::new()
            .chain_update(password)
            .chain_update(MAGIC)
            .chain_update(salt);
        let mut left = password.len();
        while left > 0 {
            let n = left.min(16);
            ctx.update(&alt[..n]);
            left -= n;
        }
        let mut i = password.len();
        let first = password.first().copied().unwrap_or(0);
        while i > 0 {
            ctx.update([if i & 1 == 1 { 0 } else { first }]);
            i >>= 1;
        }
        let mut fin: [u8; 16] = ctx.finalize().into();
        for r in 0..1000 {
            let mut c = Md5::new();
            if r & 1 == 1 {
                c.update(password);
            } else {
                c.update(fin);
            }
            if r % 3 != 0 {
                c.update(salt);
            }
            if r % 7 != 0 {
                c.update(password);
            }
            if r & 1 == 1 {
                c.update(fin);
            } else {
                c.update(password);
            }
            fin = c.finalize().into();
        }
        let mut out = String::with_capacity(22);
        let mut put = |v: u32, n: usize| {
            let mut v = v;
            for _ in 0..n {
                out.push(ALPHABET[(v & 0x3f) as usize] as char);
                v >>= 6;
            }
        };
        let f = |i: usize| u32::from(fin[i]);
        put((f(0) << 16) | (f(6) << 8) | f(12), 4);
        put((f(1) << 16) | (f(7) << 8) | f(13), 4);
        put((f(2) << 16) | (f(8) << 8) | f(14), 4);
        put((f(3) << 16) | (f(9) << 8) | f(15), 4);
        put((f(4) << 16) | (f(10) << 8) | f(5), 4);
        put(f(11), 2);
        out
    }
}

/// What one user may do, resolved against cgi.cfg and the contacts.
#[derive(Debug, Clone)]
pub struct User {
    /// The user name (also the contact name it maps to).
    pub name: String,
    /// The contact of that name.
    pub contact: Option<ContactId>,
    /// Authentication is off: every right.
    pub unrestricted: bool,
    /// `authorized_for_all_hosts`.
    pub all_hosts: bool,
    /// `authorized_for_all_services`.
    pub all_services: bool,
    /// `authorized_for_all_host_commands`.
    pub all_host_commands: bool,
    /// `authorized_for_all_service_commands`.
    pub all_service_commands: bool,
    /// `authorized_for_system_commands`.
    pub system_commands: bool,
    /// `authorized_for_read_only`.
    pub read_only: bool,
    /// The contact's `can_submit_commands`.
    pub can_submit: bool,
    vis: Arc<Visible>,
}

/// The objects a contact is a contact of (bits by id).
#[derive(Debug, Default)]
struct Visible {
    hosts: Vec<bool>,
    services: Vec<bool>,
}

impl User {
    /// Sees every service (no per-object check needed).
    pub fn sees_all_services(&self) -> bool {
        self.unrestricted || self.all_services
    }

    /// Sees every host.
    pub fn sees_all_hosts(&self) -> bool {
        self.unrestricted || self.all_hosts
    }

    /// May see host `h`.
    pub fn sees_host(&self, h: HostId) -> bool {
        self.unrestricted || self.all_hosts || self.vis.hosts.get(h.idx()).copied().unwrap_or(false)
    }

    /// May see service `s` (of host `host`).
    pub fn sees_service(&self, s: ServiceId, host: HostId) -> bool {
        self.unrestricted
            || self.all_services
            || self.vis.hosts.get(host.idx()).copied().unwrap_or(false)
            || self.vis.services.get(s.idx()).copied().unwrap_or(false)
    }

    /// May submit commands for host `h`.
    pub fn commands_host(&self, h: HostId) -> bool {
        if self.unrestricted {
            return true;
        }
        !self.read_only
            && self.sees_host(h)
            && (self.all_host_commands
                || (self.can_submit && self.vis.hosts.get(h.idx()).copied().unwrap_or(false)))
    }

    /// May submit commands for service `s` of `host`.
    pub fn commands_service(&self, s: ServiceId, host: HostId) -> bool {
        if self.unrestricted {
            return true;
        }
        let contact = self.vis.hosts.get(host.idx()).copied().unwrap_or(false)
            || self.vis.services.get(s.idx()).copied().unwrap_or(false);
        !self.read_only
            && self.sees_service(s, host)
            && (self.all_service_commands || (self.can_submit && contact))
    }
}

/// Why a request is not let in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No or unreadable credentials.
    #[error("authentication required")]
    Missing,
    /// Wrong user or password.
    #[error("wrong user name or password")]
    Wrong,
}

/// The authentication and authorisation settings of one server.
#[derive(Debug)]
pub struct Auth {
    users: Option<Htpasswd>,
    cgi: CgiCfg,
    secret: [u8; 32],
    /// user → SHA-256 of a password already checked (bcrypt is slow by design;
    /// a request must not pay for it every time).
    verified: Mutex<HashMap<String, [u8; 32]>>,
    /// user → (model address, visibility) computed once per configuration.
    visible: Mutex<HashMap<String, (usize, Arc<Visible>)>>,
}

impl Auth {
    /// `users: None` = no authentication.
    pub fn new(users: Option<Htpasswd>, cgi: CgiCfg) -> Auth {
        let mut secret = [0u8; 32];
        // Without randomness the tokens are still per-user HMACs, but guessable
        // across restarts; getrandom failing on Linux means no /dev/urandom at all.
        let _ = getrandom::fill(&mut secret);
        Auth {
            users,
            cgi,
            secret,
            verified: Mutex::new(HashMap::new()),
            visible: Mutex::new(HashMap::new()),
        }
    }

    /// Whether requests must authenticate.
    pub fn enabled(&self) -> bool {
        self.users.is_some()
    }

    /// The user of a request, from its `Authorization` header value.
    pub fn identify(
        &self,
        authorization: Option<&str>,
        model: &Arc<Model>,
    ) -> Result<User, AuthError> {
        let Some(users) = &self.users else {
            let name = self
                .cgi
                .default_user_name
                .clone()
                .unwrap_or_else(|| "anonymous".into());
            return Ok(self.user(name, model, true));
        };
        let (user, pass) = authorization
            .and_then(basic_credentials)
            .ok_or(AuthError::Missing)?;
        let digest: [u8; 32] = Sha256::digest(pass.as_bytes()).into();
        let known = self
            .verified
            .lock()
            .ok()
            .and_then(|m| m.get(&user).copied())
            .is_some_and(|d| ct_eq(&d, &digest));
        if !known {
            if !users.check(&user, &pass) {
                return Err(AuthError::Wrong);
            }
            if let Ok(mut m) = self.verified.lock() {
                m.insert(user.clone(), digest);
            }
        }
        Ok(self.user(user, model, !self.cgi.use_authentication))
    }

    fn user(&self, name: String, model: &Arc<Model>, unrestricted: bool) -> User {
        let contact = model.index.contacts.get(&name).copied();
        let groups: Vec<&str> = contact
            .and_then(|c| model.contacts.get(c.idx()))
            .map(|c| {
                c.contactgroups
                    .iter()
                    .filter_map(|g| model.contactgroups.get(g.idx()))
                    .map(|g| g.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let granted =
            |g: &Grant| g.users.has(&name) || groups.iter().any(|cg| g.contactgroups.has(cg));
        let c = &self.cgi;
        User {
            contact,
            unrestricted,
            all_hosts: granted(&c.all_hosts),
            all_services: granted(&c.all_services),
            all_host_commands: granted(&c.all_host_commands),
            all_service_commands: granted(&c.all_service_commands),
            system_commands: granted(&c.system_commands),
            read_only: granted(&c.read_only),
            can_submit: contact
                .and_then(|c| model.contacts.get(c.idx()))
                .is_some_and(|c| c.can_submit_commands),
            vis: self.visibility(&name, contact, model),
            name,
        }
    }

    fn visibility(
        &self,
        name: &str,
        contact: Option<ContactId>,
        model: &Arc<Model>,
    ) -> Arc<Visible> {
        let key = Arc::as_ptr(model) as usize;
        if let Some((k, v)) = self.visible.lock().ok().and_then(|m| m.get(name).cloned()) {
            if k == key {
                return v;
            }
        }
        let v = Arc::new(match contact {
            Some(c) => visible_to(model, c),
            None => Visible::default(),
        });
        if let Ok(mut m) = self.visible.lock() {
            m.insert(name.to_string(), (key, v.clone()));
        }
        v
    }

    /// The CSRF token of `user`: hex HMAC-SHA256 under this server's secret.
    pub fn csrf_token(&self, user: &str) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(b"vigil-csrf:");
        mac.update(user.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether `token` is `user`'s CSRF token.
    pub fn csrf_ok(&self, user: &str, token: Option<&str>) -> bool {
        token
            .is_some_and(|t| !t.is_empty() && ct_eq(t.as_bytes(), self.csrf_token(user).as_bytes()))
    }
}

fn visible_to(model: &Model, c: ContactId) -> Visible {
    let groups: Vec<_> = model
        .contacts
        .get(c.idx())
        .map(|x| x.contactgroups.clone())
        .unwrap_or_default();
    let is_contact = |contacts: &[ContactId], cgs: &[vigil_config::ContactgroupId]| {
        contacts.contains(&c) || cgs.iter().any(|g| groups.contains(g))
    };
    let mut hosts: Vec<bool> = model
        .hosts
        .iter()
        .map(|h| is_contact(&h.settings.contacts, &h.settings.contact_groups))
        .collect();
    let mut services: Vec<bool> = model
        .services
        .iter()
        .map(|s| is_contact(&s.settings.contacts, &s.settings.contact_groups))
        .collect();
    // Escalation contacts count as contacts of the object (as in the CGIs).
    for e in &model.host_escalations {
        if is_contact(&e.contacts, &e.contact_groups) {
            if let Some(b) = hosts.get_mut(e.host.idx()) {
                *b = true;
            }
        }
    }
    for e in &model.service_escalations {
        if is_contact(&e.contacts, &e.contact_groups) {
            if let Some(b) = e.service.and_then(|s| services.get_mut(s.idx())) {
                *b = true;
            }
        }
    }
    Visible { hosts, services }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Entries written by real clients: `htpasswd -nbB`, `htpasswd -nbm`,
    // `htpasswd -nbs` (Apache 2.4 apache2-utils) and `openssl passwd -apr1`;
    // every password is "s3cret".
    const FILE: &str = include_str!("../tests/data/htpasswd.users");

    #[test]
    fn real_htpasswd_entries() {
        let (h, warnings) = Htpasswd::parse(FILE, Path::new("htpasswd.users"));
        assert_eq!(
            warnings,
            vec!["htpasswd.users:5: not a bcrypt, apr1 or {SHA} htpasswd entry; ignored"]
        );
        for u in ["bcrypt", "apr1", "sha", "openssl"] {
            assert!(h.check(u, "s3cret"), "{u}");
            assert!(!h.check(u, "s3cret "), "{u}");
            assert!(!h.check(u, ""), "{u}");
        }
        assert!(!h.check("crypt", "s3cret"));
        assert!(!h.check("nobody", "s3cret"));
    }

    #[test]
    fn csrf_tokens_are_per_user() {
        let a = Auth::new(None, CgiCfg::default());
        let t = a.csrf_token("alice");
        assert!(a.csrf_ok("alice", Some(&t)));
        assert!(!a.csrf_ok("bob", Some(&t)));
        assert!(!a.csrf_ok("alice", None));
        assert!(!a.csrf_ok("alice", Some("")));
    }

    proptest! {
        #[test]
        fn htpasswd_never_panics(s in "(.{0,80}\n){0,5}", pw in ".{0,20}") {
            let (h, _) = Htpasswd::parse(&s, Path::new("x"));
            for u in h.users.keys().cloned().collect::<Vec<_>>() {
                let _ = h.check(&u, &pw);
            }
        }
    }
}
