//! `vigil status`: the problems view of a running vigil in the terminal, read from
//! its web API (`/api/v1/summary`, `/api/v1/problems`), so it shows exactly what the
//! web UI shows, with the same authorisation.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use base64::Engine as _;

/// Where the running vigil's web API is.
fn find_url(config: &Path, url: Option<String>, journal: Option<PathBuf>) -> Result<String> {
    if let Some(u) = url {
        return Ok(u);
    }
    let model = crate::cli::load(config)?;
    let jpath = crate::cli::journal_path(&model, journal);
    if let Ok(u) = std::fs::read_to_string(vigil_web::url_file(&jpath)) {
        return Ok(u.trim().to_string());
    }
    let settings = vigil_web::Settings::load(config, None)?;
    match settings.listen {
        Some(a) => Ok(format!("http://{a}/")),
        None => bail!(
            "no running vigil with a web UI found for {} (no {} and no [http] listen in vigil.toml); \
             start it with `vigil run {} --http 127.0.0.1:8080` or pass --url",
            config.display(),
            vigil_web::url_file(&jpath).display(),
            config.display()
        ),
    }
}

fn get(base: &str, path: &str, auth: Option<&str>) -> Result<serde_json::Value> {
    let url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let mut req = ureq::get(&url);
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let mut resp = req.call().map_err(|e| match e {
        ureq::Error::StatusCode(401) => {
            anyhow!("{url}: authentication required or refused (--user, $VIGIL_PASSWORD)")
        }
        e => anyhow!("{url}: {e}"),
    })?;
    let text = resp
        .body_mut()
        .read_to_string()
        .with_context(|| format!("reading {url}"))?;
    serde_json::from_str(&text).with_context(|| format!("{url}: not JSON"))
}

fn dur(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    match (s / 86400, s % 86400 / 3600, s % 3600 / 60) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m{}s", s % 60),
        (0, h, m) => format!("{h}h{m}m"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// Runs `vigil status`.
pub fn status(
    config: &Path,
    problems_only: bool,
    json: bool,
    url: Option<String>,
    user: Option<String>,
    journal: Option<PathBuf>,
) -> Result<i32> {
    let base = find_url(config, url, journal)?;
    let auth = user.map(|u| {
        let pw = std::env::var("VIGIL_PASSWORD").unwrap_or_default();
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{pw}"))
        )
    });
    let summary = if problems_only {
        None
    } else {
        Some(get(&base, "api/v1/summary", auth.as_deref())?)
    };
    let problems = get(&base, "api/v1/problems", auth.as_deref())?;
    if json {
        let out = match summary {
            Some(s) => serde_json::json!({"summary": s, "problems": problems}),
            None => problems,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    let now = summary
        .as_ref()
        .and_then(|s| s["at"].as_f64())
        .unwrap_or_else(vigil_engine::runner::now_secs);
    if let Some(s) = &summary {
        let counts = |v: &serde_json::Value| {
            v.as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, n)| format!("{} {k}", n.as_u64().unwrap_or(0)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        println!("vigil at {base}");
        println!("hosts:    {}", counts(&s["summary"]["hosts"]));
        println!("services: {}", counts(&s["summary"]["services"]));
        println!();
    }
    let list = problems["problems"].as_array().cloned().unwrap_or_default();
    println!("{} problem(s)", problems["total"].as_u64().unwrap_or(0));
    if list.is_empty() {
        return Ok(0);
    }
    println!(
        "{:<11} {:<8} {:<9} {:<12} {:<40} OUTPUT / LAST HANDLER RUN",
        "STATE", "FOR", "ATTEMPT", "HANDLING", "OBJECT"
    );
    for p in &list {
        let obj = match p["service"].as_str() {
            Some(s) => format!("{};{s}", p["host"].as_str().unwrap_or("")),
            None => p["host"].as_str().unwrap_or("").to_string(),
        };
        println!(
            "{:<11} {:<8} {:<9} {:<12} {:<40} {}",
            p["state"].as_str().unwrap_or(""),
            dur(now - p["last_state_change"].as_f64().unwrap_or(now)),
            format!(
                "{}/{} {}",
                p["attempt"].as_u64().unwrap_or(0),
                p["max_attempts"].as_u64().unwrap_or(0),
                p["state_type"].as_str().unwrap_or("")
            ),
            p["handling"].as_str().unwrap_or(""),
            obj,
            p["output"].as_str().unwrap_or("")
        );
        if let Some(r) = p.get("last_handler").filter(|r| r.is_object()) {
            let ended = match (r["exit_code"].as_i64(), r["timed_out"].as_bool()) {
                (_, Some(true)) => "timed out".to_string(),
                (Some(c), _) => format!("exit {c}"),
                _ => "did not exit".to_string(),
            };
            println!(
                "{:<83} handler {} {} ago: {ended}, {}",
                "",
                r["directive"]
                    .as_str()
                    .unwrap_or("")
                    .split('!')
                    .next()
                    .unwrap_or(""),
                dur(now - r["start"].as_f64().unwrap_or(now)),
                r["outcome"].as_str().unwrap_or("outcome not recorded")
            );
        }
    }
    Ok(0)
}
