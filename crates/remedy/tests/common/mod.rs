//! Test utilities: a tiny HTTP/1.1 server on 127.0.0.1 that records every request
//! and answers from a closure; rules-file and process helpers; audit log reading.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Sleep before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn new(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    /// Serves HTTPS (see [`TestServer::start_tls`]).
    tls: bool,
}

fn read_request<S: Read>(r: &mut BufReader<S>) -> Option<Request> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
        "test server expects sized bodies"
    );
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap_or(0))
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Status",
    }
}

fn serve<S: Read + Write>(stream: S, handler: Arc<Handler>, log: Arc<Mutex<Vec<Request>>>) {
    let mut r = BufReader::new(stream);
    while let Some(req) = read_request(&mut r) {
        log.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        std::thread::sleep(reply.delay);
        let head = if reply.status == 204 {
            "HTTP/1.1 204 No Content\r\n\r\n".to_string()
        } else {
            format!(
                "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                reply.status,
                reason(reply.status),
                reply.body.len()
            )
        };
        let mut out = head.into_bytes();
        if reply.status != 204 {
            out.extend_from_slice(reply.body.as_bytes());
        }
        let w = r.get_mut();
        if w.write_all(&out).is_err() || w.flush().is_err() {
            return;
        }
    }
}

impl TestServer {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> TestServer {
        TestServer::start_with(handler, None)
    }

    /// Starts an HTTPS server with a self-signed certificate for `127.0.0.1` and
    /// `localhost`, made for this server (no CA signed it); returns the server and
    /// the certificate (PEM).
    pub fn start_tls(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> (TestServer, String) {
        let cert = rcgen::generate_simple_self_signed(vec![
            "127.0.0.1".to_string(),
            "localhost".to_string(),
        ])
        .unwrap();
        let pem = cert.cert.pem();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
        (TestServer::start_with(handler, Some(Arc::new(config))), pem)
    }

    fn start_with(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> TestServer {
        let is_tls = tls.is_some();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, st) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (h, l) = (handler.clone(), log.clone());
                match &tls {
                    None => {
                        std::thread::spawn(move || serve(conn, h, l));
                    }
                    Some(config) => {
                        let Ok(session) = rustls::ServerConnection::new(config.clone()) else {
                            continue;
                        };
                        std::thread::spawn(move || {
                            serve(rustls::StreamOwned::new(session, conn), h, l)
                        });
                    }
                }
            }
        });
        TestServer {
            addr,
            requests,
            stop,
            tls: is_tls,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Writes an executable script.
pub fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The op5 four flags for a service event.
pub fn op5_flags(state: &str, ty: &str, attempt: u32, host: &str) -> Vec<String> {
    vec![
        "--service-state".into(),
        state.into(),
        "--service-state-type".into(),
        ty.into(),
        "--service-attempt".into(),
        attempt.to_string(),
        "--host-name".into(),
        host.into(),
    ]
}

fn clean(mut c: Command) -> Command {
    c.env_clear();
    c.env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

/// `vigil-remedy` with a clean environment.
pub fn remedy() -> Command {
    clean(Command::new(env!("CARGO_BIN_EXE_vigil-remedy")))
}

/// `increase-memory` with a clean environment.
pub fn increase_memory() -> Command {
    clean(Command::new(env!("CARGO_BIN_EXE_increase-memory")))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The audit log's records.
pub fn audit(path: &Path) -> Vec<serde_json::Value> {
    match std::fs::read_to_string(path) {
        Ok(t) => t
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The decisions of the audit records, in order.
pub fn decisions(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["decision"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A temporary directory with a rules file written from `body`, where `@DIR@` is
/// replaced by the directory.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub rules: PathBuf,
}

impl Setup {
    pub fn new(body: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules.toml");
        let text = body.replace("@DIR@", &dir.path().display().to_string());
        std::fs::write(&rules, text).unwrap();
        Setup { dir, rules }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn audit(&self) -> Vec<serde_json::Value> {
        audit(&self.path("audit.jsonl"))
    }

    /// Runs vigil-remedy with these rules and `args`.
    pub fn run(&self, args: &[String]) -> Output {
        remedy()
            .arg("--rules")
            .arg(&self.rules)
            .args(args)
            .output()
            .unwrap()
    }
}

/// A fake vCenter: the documented endpoints, with VM `vm-42` named `web01`.
pub fn vcenter(patch_status: u16) -> TestServer {
    TestServer::start(vcenter_api(patch_status))
}

/// The fake vCenter's answers.
pub fn vcenter_api(patch_status: u16) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |req: &Request| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/session") => {
            // admin@vsphere.local:s3cret
            if req.header("authorization") == Some("Basic YWRtaW5AdnNwaGVyZS5sb2NhbDpzM2NyZXQ=") {
                Reply::new(201, "\"tok-123\"")
            } else {
                Reply::new(401, r#"{"error_type": "UNAUTHENTICATED"}"#)
            }
        }
        _ if req.header("vmware-api-session-id") != Some("tok-123") => {
            Reply::new(401, r#"{"error_type": "UNAUTHENTICATED"}"#)
        }
        ("GET", "/api/vcenter/vm?names=web01") => Reply::new(
            200,
            r#"[{"vm": "vm-42", "name": "web01", "power_state": "POWERED_ON", "cpu_count": 2, "memory_size_MiB": 4096}]"#,
        ),
        ("GET", "/api/vcenter/vm?names=ghost") => Reply::new(200, "[]"),
        ("GET", "/api/vcenter/vm/vm-42/hardware/memory") => Reply::new(
            200,
            r#"{"size_MiB": 4096, "hot_add_enabled": true, "hot_add_increment_size_MiB": 128, "hot_add_limit_MiB": 16384}"#,
        ),
        ("PATCH", "/api/vcenter/vm/vm-42/hardware/memory") => {
            if patch_status == 204 {
                Reply::new(204, "")
            } else {
                Reply::new(
                    patch_status,
                    r#"{"error_type": "INVALID_ARGUMENT", "messages": [{"default_message": "hot add not allowed"}]}"#,
                )
            }
        }
        ("DELETE", "/api/session") => Reply::new(204, ""),
        _ => Reply::new(404, r#"{"error_type": "NOT_FOUND"}"#),
    }
}

/// (method, path) of each request.
pub fn summary(reqs: &[Request]) -> Vec<(String, String)> {
    reqs.iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect()
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}
