//! The TLS path towards webhooks and vCenter, against a local HTTPS server whose
//! certificate is self-signed (made at test time, no CA signed it): refused by
//! default with a certificate error and nothing sent; accepted with `insecure =
//! true`, the requests then the same as over plain HTTP.

mod common;

use common::*;
use serde_json::json;

fn flags(extra: &[&str]) -> Vec<String> {
    let mut v = op5_flags("CRITICAL", "SOFT", 1, "web01");
    v.extend(["--service-desc".to_string(), "nginx".to_string()]);
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn webhook_rules(url: &str, insecure: bool) -> Setup {
    Setup::new(&format!(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "escalate"
  [[rule.action]]
  type = "webhook"
  url = "{url}/hooks/ops"
  insecure = {insecure}
  body = {{ text = "{{host}}/{{service}} is {{state}}" }}
"#
    ))
}

#[test]
fn a_webhook_to_a_self_signed_server_is_refused_unless_insecure() {
    let (server, pem) = TestServer::start_tls(|_| Reply::new(200, "{}"));
    assert!(pem.contains("BEGIN CERTIFICATE"));
    assert!(server.url().starts_with("https://127.0.0.1:"));

    let s = webhook_rules(&server.url(), false);
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "failed"]);
    let detail = a[1]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(detail.contains("certificate"), "{detail}");
    assert!(
        server.requests().is_empty(),
        "nothing sent before the handshake"
    );

    let s = webhook_rules(&server.url(), true);
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/hooks/ops");
    assert_eq!(reqs[0].json(), json!({"text": "web01/nginx is CRITICAL"}));
    assert_eq!(decisions(&s.audit()), ["matched", "ran"]);
}

fn vsphere_rules(url: &str, insecure: bool) -> Setup {
    let s = Setup::new(&format!(
        r#"
audit_log = "@DIR@/audit.jsonl"
[vsphere]
url = "{url}/"
user = "admin@vsphere.local"
password_file = "@DIR@/vc.pass"
insecure = {insecure}
[[rule]]
name = "memory"
  [[rule.action]]
  type = "vsphere_memory"
  add_mb = 512
  vm = "vm-42"
"#
    ));
    std::fs::write(s.path("vc.pass"), "s3cret\n").unwrap();
    s
}

#[test]
fn vcenter_over_tls_with_a_self_signed_certificate() {
    let (server, _) = TestServer::start_tls(vcenter_api(204));
    let s = vsphere_rules(&server.url(), false);
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "failed"]);
    assert!(
        a[1]["detail"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("certificate"),
        "{}",
        a[1]["detail"]
    );
    assert!(server.requests().is_empty(), "no login attempted in clear");

    let s = vsphere_rules(&server.url(), true);
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(
        summary(&reqs),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("PATCH", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("DELETE", "/api/session"),
        ])
    );
    assert_eq!(reqs[2].json(), json!({"size_MiB": 4608}));
    assert_eq!(s.audit()[1]["detail"], "vm-42: memory 4096 -> 4608 MiB");
}
