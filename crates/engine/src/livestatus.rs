//! Livestatus in `vigil run`: a `broker_module=` line whose module file name
//! contains `livestatus` (Naemon's `livestatus.so`, mk-livestatus's `livestatus.o`,
//! with their options) is served by vigil itself with `vigil-livestatus-server`;
//! every other `broker_module=` line is reported (`BrokerModuleSkipped`) and skipped.
//!
//! The loop's part is small and never waits for a client: after each pass it hands
//! the pass's events to the [`Publisher`] ([`Livestatus::observe`]), which publishes
//! a new snapshot when something changed (at most every `Publisher::INTERVAL`) and
//! wakes the `WaitTrigger`s; the queries run on the server's own threads. `COMMAND`
//! lines arrive on a channel ([`Livestatus::next`]) and go through
//! `Core::handle_command`, the command file's path; the client's connection is
//! released once the snapshot with the command's effect is published.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use vigil_config::zone::Zone;
use vigil_config::Model;
use vigil_core::Core;
use vigil_events::{Event, ProgramEvent};
use vigil_livestatus::{ExternalCommand, HandlerOutcome, HandlerRun};
use vigil_livestatus_server::{
    parse_broker_module, CommandDone, CommandSink, HandlerHistory, LivestatusConfig, LogFiles,
    Publisher, ServerHandle,
};

use crate::journal::{self, Entry};

/// What a Livestatus client asks of the loop.
pub enum Request {
    /// A `COMMAND` line (`[ts] NAME;args`) and the completion its client waits for.
    Command(String, CommandDone),
    /// `LOGROTATE`.
    LogRotate,
    /// A `Wait*` request wants what the core has not published yet.
    Refresh,
}

struct Sink {
    tx: mpsc::UnboundedSender<Request>,
    refresh_asked: Arc<AtomicBool>,
}

impl CommandSink for Sink {
    fn command(&self, cmd: ExternalCommand, done: CommandDone) {
        let _ = self.tx.send(Request::Command(cmd.line, done));
    }
    fn log_rotate(&self) {
        let _ = self.tx.send(Request::LogRotate);
    }
    fn refresh(&self) {
        // One message however many waits start before the loop gets to it.
        if !self.refresh_asked.swap(true, Ordering::SeqCst) {
            let _ = self.tx.send(Request::Refresh);
        }
    }
}

/// The `broker_module=` lines of a configuration: the Livestatus one (the first, if
/// several) with its location, and the events that report the others.
pub fn broker_modules(model: &Model) -> (Option<(LivestatusConfig, String)>, Vec<ProgramEvent>) {
    let mut ls = None;
    let mut skipped = Vec::new();
    for (k, v, loc) in &model.main.raw {
        if k != "broker_module" {
            continue;
        }
        match parse_broker_module(v) {
            Some(cfg) if ls.is_none() => ls = Some((cfg, loc.to_string())),
            _ => skipped.push(ProgramEvent::BrokerModuleSkipped {
                module: v.clone(),
                location: loc.to_string(),
            }),
        }
    }
    (ls, skipped)
}

/// Livestatus of a running `vigil run` (see the module documentation).
pub struct Livestatus {
    cfg: LivestatusConfig,
    publisher: Publisher,
    server: Option<ServerHandle>,
    tx: mpsc::UnboundedSender<Request>,
    rx: mpsc::UnboundedReceiver<Request>,
    refresh_asked: Arc<AtomicBool>,
    /// Commands applied but not published yet: their clients wait.
    waiting: Vec<CommandDone>,
    /// A `Wait*` request asked for a publication.
    refresh: bool,
    journal: std::path::PathBuf,
}

/// The handler runs of the journal, as the `eventhandlers` table reads them.
pub fn history_from_journal(model: &Model, path: &Path) -> HandlerHistory {
    let mut h = HandlerHistory::default();
    let entries = journal::read_all(path).unwrap_or_default();
    let skip = entries.len().saturating_sub(HandlerHistory::KEEP);
    for e in entries.iter().skip(skip).filter(|e| !e.dry_run) {
        if let Some(r) = handler_run(model, e) {
            h.push(r);
        }
    }
    h
}

/// A journal entry as a Livestatus handler run (`None`: its object is gone).
pub fn handler_run(model: &Model, e: &Entry) -> Option<HandlerRun> {
    let host = model.find_host(&e.host)?;
    let service = match &e.service {
        Some(s) => Some(model.find_service(&e.host, s)?),
        None => None,
    };
    let outcome = if e.timed_out {
        HandlerOutcome::TimedOut
    } else if let Some(c) = e.exit_code {
        HandlerOutcome::Exited(c)
    } else if let Some(s) = e.signal {
        HandlerOutcome::Signaled(s)
    } else {
        HandlerOutcome::Failed(e.error.clone().unwrap_or_default())
    };
    Some(HandlerRun {
        host,
        service,
        global: e.handler == "global",
        command_line: e.command.clone(),
        state: e.state.clone(),
        state_type: e.state_type.clone(),
        attempt: e.attempt,
        start: e.start,
        duration: e.duration,
        outcome,
        output: e.output.clone(),
    })
}

impl Livestatus {
    /// Serves the Livestatus socket `cfg` names, over `core`'s state. `journal` is
    /// the handler journal (the `eventhandlers` table starts from it).
    pub fn start(
        cfg: LivestatusConfig,
        core: &Core,
        zone: Zone,
        journal: &Path,
        now: f64,
    ) -> Result<Livestatus, vigil_livestatus_server::ServerError> {
        let model = core.model();
        let publisher = Publisher::new(
            core,
            zone,
            Arc::new(LogFiles::of(model)),
            env!("CARGO_PKG_VERSION").to_string(),
            history_from_journal(model, journal),
            now,
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let refresh_asked = Arc::new(AtomicBool::new(false));
        let mut ls = Livestatus {
            cfg: cfg.clone(),
            publisher,
            server: None,
            tx,
            rx,
            refresh_asked,
            waiting: Vec::new(),
            refresh: false,
            journal: journal.to_path_buf(),
        };
        ls.listen()?;
        Ok(ls)
    }

    fn listen(&mut self) -> Result<(), vigil_livestatus_server::ServerError> {
        let sink = Arc::new(Sink {
            tx: self.tx.clone(),
            refresh_asked: Arc::clone(&self.refresh_asked),
        });
        self.server = Some(vigil_livestatus_server::start(
            self.cfg.clone(),
            self.publisher.provider(),
            sink,
            self.publisher.triggers(),
        )?);
        Ok(())
    }

    /// Where it listens, for the log: `socket '/path'` and/or `TCP 127.0.0.1:6557`.
    pub fn endpoints(&self) -> String {
        let mut v = Vec::new();
        if let Some(p) = &self.cfg.socket {
            v.push(format!("socket '{}'", p.display()));
        }
        if let Some(a) = self.server.as_ref().and_then(|s| s.tcp_addr) {
            v.push(format!("TCP {a}"));
        }
        v.join(" and ")
    }

    /// After a reload: serve the new configuration's Livestatus line (the same
    /// sockets stay open when it did not change; `None` stops serving). The handler
    /// runs are read again for the new object ids. Returns a problem to log.
    pub fn reload(&mut self, cfg: Option<LivestatusConfig>, core: &Core) -> Option<String> {
        let model = core.model();
        self.publisher
            .set_handlers(history_from_journal(model, &self.journal));
        self.publisher.set_log(Arc::new(LogFiles::of(model)));
        let cfg = cfg?;
        if cfg == self.cfg && self.server.is_some() {
            return None;
        }
        if let Some(s) = self.server.take() {
            s.stop();
        }
        self.cfg = cfg;
        self.listen().err().map(|e| e.to_string())
    }

    /// The next client request (for the loop's `select!`).
    pub async fn next(&mut self) -> Option<Request> {
        self.rx.recv().await
    }

    /// Applies a client request to the core; the loop flushes and publishes after
    /// ([`Livestatus::after_pass`]). Returns true for `LOGROTATE` (the loop rotates
    /// the log).
    pub fn handle(&mut self, req: Request, core: &mut Core, now: f64) -> bool {
        match req {
            Request::Command(line, done) => {
                core.handle_command(&line, now);
                self.waiting.push(done);
                false
            }
            Request::LogRotate => true,
            Request::Refresh => {
                self.refresh_asked.store(false, Ordering::SeqCst);
                self.refresh = true;
                false
            }
        }
    }

    /// The events of a pass (after they were written: `log_lines` lines).
    pub fn observe(&mut self, model: &Model, events: &[Event], log_lines: usize) {
        self.publisher.observe(events, log_lines);
        for e in events {
            if let Event::HandlerFinished {
                run,
                end,
                start,
                duration,
                output,
            } = e
            {
                let entry = Entry::of_run(run, end, *start, *duration, output, false);
                if let Some(r) = handler_run(model, &entry) {
                    self.publisher.push_handler_run(r);
                }
            }
        }
    }

    /// The log was rotated at `t`.
    pub fn log_rotated(&mut self, t: i64) {
        self.publisher.log_rotated(t);
    }

    /// After a pass: publishes when due (at once when a client waits for its
    /// command's effect), then releases those clients.
    pub fn after_pass(&mut self, core: &Core, now: f64) {
        if !self.waiting.is_empty() || self.refresh {
            self.refresh = false;
            self.publisher.publish(core, now);
            for d in self.waiting.drain(..) {
                d.done();
            }
        } else {
            self.publisher.publish_if_due(core, now);
        }
    }

    /// When the loop must come back to publish what changed (`None`: nothing to do).
    pub fn due(&self) -> Option<std::time::Instant> {
        self.publisher.due()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_livestatus_line_is_served_and_other_modules_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("o.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n}\n\
             define service {\n host_name h\n service_description s\n check_command c\n max_check_attempts 1\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("nagios.cfg"),
            format!(
                "log_file={d}/log\ncfg_file={d}/o.cfg\n\
                 broker_module=/usr/lib64/nagios/ndomod.o config_file=/etc/ndomod.cfg\n\
                 broker_module=/usr/lib/naemon/naemon-livestatus/livestatus.so {d}/live inet_addr=6557 num_client_threads=4\n\
                 broker_module=/opt/mk/livestatus.o {d}/other\n"
            ),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.path().join("nagios.cfg")).unwrap();
        let (ls, skipped) = broker_modules(&m);
        let (cfg, loc) = ls.unwrap();
        assert_eq!(cfg.socket, Some(dir.path().join("live")));
        assert_eq!(cfg.tcp_addr().as_deref(), Some("127.0.0.1:6557"));
        assert_eq!(cfg.num_client_threads, 4);
        assert_eq!(loc, format!("{d}/nagios.cfg:4"));
        let lines: Vec<String> = skipped
            .into_iter()
            .flat_map(|e| Event::Program(e).lines())
            .collect();
        assert_eq!(
            lines,
            [
                format!("Warning: Event broker module '/usr/lib64/nagios/ndomod.o config_file=/etc/ndomod.cfg' ({d}/nagios.cfg:3) not loaded: vigil does not load event broker modules"),
                format!("Warning: Event broker module '/opt/mk/livestatus.o {d}/other' ({d}/nagios.cfg:5) not loaded: vigil does not load event broker modules"),
            ]
        );
    }
}
