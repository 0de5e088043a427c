//! `vigil-livestatus-dev MAIN.cfg`: a development server until Livestatus is wired
//! into `vigil run`. It loads the configuration, starts every object pending (as
//! `vigil_state::Status::initial`), serves the socket named by the config's
//! `broker_module=...livestatus...` line, and applies the external commands it
//! receives over Livestatus to an in-memory site (`MemSite`: passive results through
//! the state machine, acknowledgements, comments, downtimes, switches). No check
//! runs. It exits on SIGTERM or SIGINT.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use vigil_livestatus::mem::MemSite;
use vigil_livestatus::{ExternalCommand, TriggerKind};
use vigil_livestatus_server::{parse_broker_module, start, CommandDone, CommandSink, Triggers};

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

struct Sink(Mutex<mpsc::Sender<(ExternalCommand, CommandDone)>>);

impl CommandSink for Sink {
    fn command(&self, cmd: ExternalCommand, done: CommandDone) {
        if let Ok(tx) = self.0.lock() {
            let _ = tx.send((cmd, done));
        }
    }
}

fn refresh_timeperiods(site: &mut MemSite, t: i64) {
    let m = Arc::clone(&site.model);
    site.timeperiods_active = m
        .timeperiods
        .iter()
        .map(|tp| tp.contains_in(&chrono::Local, t, &m.timeperiods))
        .collect();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(cfg_path) = args.get(1) else {
        eprintln!("usage: vigil-livestatus-dev MAIN.cfg");
        return ExitCode::from(2);
    };
    let model = match vigil_config::load(&PathBuf::from(cfg_path)) {
        Ok((m, _warnings)) => Arc::new(m),
        Err(e) => {
            for d in e.errors() {
                eprintln!("{d}");
            }
            return ExitCode::from(1);
        }
    };
    let Some(cfg) = model
        .main
        .raw
        .iter()
        .filter(|(k, _, _)| k == "broker_module")
        .find_map(|(_, v, _)| parse_broker_module(v))
    else {
        eprintln!("{cfg_path}: no broker_module=...livestatus... line");
        return ExitCode::from(1);
    };
    let t0 = now();
    let mut site = MemSite::new(Arc::clone(&model), t0, std::process::id());
    site.utc_offset = i64::from(chrono::Local::now().offset().local_minus_utc());
    refresh_timeperiods(&mut site, t0 as i64);
    let current = Arc::new(Mutex::new(Arc::new(site)));
    let triggers = Arc::new(Triggers::new());
    let (tx, rx) = mpsc::channel::<(ExternalCommand, CommandDone)>();
    let provider_state = Arc::clone(&current);
    let provider = Arc::new(move || {
        provider_state
            .lock()
            .map(|g| Arc::clone(&g))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    });
    let handle = match start(
        cfg,
        provider,
        Arc::new(Sink(Mutex::new(tx))),
        Arc::clone(&triggers),
    ) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("vigil-livestatus-dev: {e}");
            return ExitCode::from(1);
        }
    };
    // The "core": applies commands one at a time and publishes a new snapshot.
    let core_state = Arc::clone(&current);
    let core_triggers = Arc::clone(&triggers);
    std::thread::spawn(move || loop {
        let msg = rx.recv_timeout(Duration::from_millis(250));
        let t = now();
        let snapshot = match core_state.lock() {
            Ok(g) => Arc::clone(&g),
            Err(_) => return,
        };
        let mut site = (*snapshot).clone();
        let mut fired: Vec<TriggerKind> = Vec::new();
        let mut done = Vec::new();
        match msg {
            Ok((cmd, d)) => {
                fired.extend(site.apply_command(&cmd.command, cmd.timestamp, t));
                done.push(d);
                // Apply what else is queued in the same pass (one snapshot for all).
                while let Ok((cmd, d)) = rx.try_recv() {
                    fired.extend(site.apply_command(&cmd.command, cmd.timestamp, t));
                    done.push(d);
                    if done.len() >= 1000 {
                        break;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if site.downtimes.is_empty() {
                    continue;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        fired.extend(site.tick(t));
        refresh_timeperiods(&mut site, t as i64);
        if let Ok(mut g) = core_state.lock() {
            *g = Arc::new(site);
        }
        for d in done {
            d.done();
        }
        fired.sort_by_key(|k| *k as u8);
        fired.dedup();
        for k in fired {
            core_triggers.notify(k);
        }
    });
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vigil-livestatus-dev: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    });
    handle.stop();
    ExitCode::SUCCESS
}
