//! The loop's side of the web UI: a [`WebObserver`] (the engine calls it on the
//! loop thread) counts every event into [`Metrics`], keeps recent performance data
//! of watched objects, and publishes a [`Snapshot`] on a `watch` channel — after
//! passes that changed something, at most every [`Publisher::min_interval`], so a
//! busy loop pays for one snapshot (one `Arc` clone per object) a few times a
//! second at most. Pages, the API, `/metrics` and live updates read only the
//! published snapshot; nothing here touches the live core from another thread.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use vigil_core::{Core, Snapshot};
use vigil_engine::hooks::Observer;
use vigil_events::Event;

use crate::metrics::Metrics;

/// What the web server reads: the latest snapshot and its generation.
#[derive(Debug, Default)]
pub struct Published {
    /// `None` before the loop published its first.
    pub snapshot: Option<Snapshot>,
    /// Counts publications (live updates send it).
    pub generation: u64,
    /// Built by the first request that needs it.
    index: std::sync::OnceLock<Arc<crate::index::SnapIndex>>,
}

impl Published {
    /// A publication of `snapshot`.
    pub fn new(snapshot: Snapshot, generation: u64) -> Published {
        Published {
            snapshot: Some(snapshot),
            generation,
            index: std::sync::OnceLock::new(),
        }
    }

    /// The snapshot's index (built on first use; `None` before the first snapshot).
    pub fn index(&self) -> Option<Arc<crate::index::SnapIndex>> {
        let snap = self.snapshot.as_ref()?;
        Some(
            self.index
                .get_or_init(|| Arc::new(crate::index::SnapIndex::build(snap)))
                .clone(),
        )
    }
}

/// Host name and optional service description.
pub type ObjKey = (String, Option<String>);

/// Recent perfdata strings of the objects whose page was opened (or of every
/// object in small configurations), newest last, at most [`PerfHistory::KEEP`] each.
#[derive(Debug, Default)]
pub struct PerfHistory {
    all: bool,
    series: Mutex<HashMap<ObjKey, VecDeque<(f64, String)>>>,
}

impl PerfHistory {
    /// Points kept per object.
    pub const KEEP: usize = 120;
    /// Up to this many services every object's perfdata is kept.
    pub const ALL_UP_TO: usize = 2000;

    /// `objects`: how many the configuration has.
    pub fn new(objects: usize) -> PerfHistory {
        PerfHistory {
            all: objects <= Self::ALL_UP_TO,
            series: Mutex::new(HashMap::new()),
        }
    }

    /// Starts keeping `key`'s perfdata (its page was opened).
    pub fn watch(&self, key: &ObjKey) {
        if let Ok(mut m) = self.series.lock() {
            m.entry(key.clone()).or_default();
        }
    }

    /// The points kept for `key`.
    pub fn get(&self, key: &ObjKey) -> Vec<(f64, String)> {
        self.series
            .lock()
            .ok()
            .and_then(|m| m.get(key).map(|v| v.iter().cloned().collect()))
            .unwrap_or_default()
    }

    fn record(&self, key: ObjKey, t: f64, perf: &str) {
        let Ok(mut m) = self.series.lock() else {
            return;
        };
        let v = if self.all {
            m.entry(key).or_default()
        } else {
            match m.get_mut(&key) {
                Some(v) => v,
                None => return,
            }
        };
        if v.len() >= Self::KEEP {
            v.pop_front();
        }
        v.push_back((t, perf.to_string()));
    }
}

/// The loop-side publisher (see the module documentation).
pub struct Publisher {
    tx: watch::Sender<Arc<Published>>,
    metrics: Arc<Metrics>,
    perf: Arc<PerfHistory>,
    changed: bool,
    last: Option<Instant>,
    generation: u64,
    /// Least time between two publications.
    pub min_interval: Duration,
    /// Written with the server's URL at the first publication (the loop holds the
    /// lock file by then, so a second vigil refused by the lock never writes it).
    pub url_file: Option<(std::path::PathBuf, String)>,
}

/// The name under which the engine knows the publisher.
pub type WebObserver = Publisher;

impl Publisher {
    /// A publisher sending on `tx`.
    pub fn new(
        tx: watch::Sender<Arc<Published>>,
        metrics: Arc<Metrics>,
        perf: Arc<PerfHistory>,
    ) -> Publisher {
        Publisher {
            tx,
            metrics,
            perf,
            changed: true,
            last: None,
            generation: 0,
            min_interval: Duration::from_millis(300),
            url_file: None,
        }
    }

    fn maybe_publish(&mut self, core: &Core) {
        if !self.changed || self.last.is_some_and(|t| t.elapsed() < self.min_interval) {
            return;
        }
        self.changed = false;
        self.last = Some(Instant::now());
        if let Some((path, url)) = self.url_file.take() {
            if let Err(e) = std::fs::write(&path, format!("{url}\n")) {
                eprintln!("vigil: cannot write {}: {e}", path.display());
            }
        }
        self.generation += 1;
        let snap = core.snapshot(vigil_engine::runner::now_secs());
        self.tx
            .send_replace(Arc::new(Published::new(snap, self.generation)));
    }
}

impl Observer for Publisher {
    fn flushed(&mut self, core: &Core, events: &[Event], commit: Option<Duration>) {
        self.metrics.observe(events);
        if let Some(c) = commit {
            self.metrics.journal_commit(c.as_secs_f64());
        }
        if !events.is_empty() {
            self.changed = true;
        }
        for e in events {
            if let Event::CheckDone { line, .. } = e {
                let host = line.obj.host();
                let status = match line.obj.service() {
                    Some(s) => core
                        .model()
                        .find_service(host, s)
                        .and_then(|id| core.service_status(id))
                        .map(|st| (st.last_check, st.output.perfdata.as_str())),
                    None => core
                        .model()
                        .find_host(host)
                        .and_then(|id| core.host_status(id))
                        .map(|st| (st.last_check, st.output.perfdata.as_str())),
                };
                if let Some((t, perf)) = status.filter(|(_, p)| !p.is_empty()) {
                    let key = (host.to_string(), line.obj.service().map(str::to_string));
                    self.perf.record(key, t, perf);
                }
            }
        }
        self.maybe_publish(core);
    }

    fn tick(&mut self, core: &Core) {
        self.maybe_publish(core);
    }

    fn loop_lag(&mut self, seconds: f64) {
        self.metrics.loop_lag(seconds);
    }
}
