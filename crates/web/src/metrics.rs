//! Prometheus / OpenMetrics counters fed from the core's typed events (the loop's
//! [`vigil_engine::hooks::Observer`] sees every event), and the per-state object
//! gauges computed from the latest published snapshot at scrape time.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `vigil_checks_total` | counter | `kind` (host, service), `check_type` (active, passive) |
//! | `vigil_check_latency_seconds` | histogram | `kind` (active checks) |
//! | `vigil_check_execution_time_seconds` | histogram | `kind` (active checks) |
//! | `vigil_alerts_total` | counter | `kind`, `state`, `state_type` |
//! | `vigil_event_handler_runs_total` | counter | `handler` (command name), `result` (exit_0, exit_nonzero, timed_out, signaled, not_started) |
//! | `vigil_external_commands_total` | counter | `result` (accepted, failed, unknown, malformed) |
//! | `vigil_notifications_total` | counter | `kind`, `type` (PROBLEM, RECOVERY, ACKNOWLEDGEMENT, ...), `result` (sent, suppressed), `rule` (why suppressed, the journal's `rule`: `in_downtime`, `acknowledged`, `soft_state`, ...; empty when sent) |
//! | `vigil_notification_contacts_total` | counter | `result` (notified, suppressed), `rule` (the contact's or the notification's rule; empty when notified) |
//! | `vigil_notification_commands_total` | counter | `result` (exit_0, exit_nonzero, timed_out, signaled, not_started) |
//! | `vigil_state_journal_commit_seconds` | histogram | — |
//! | `vigil_loop_lag_seconds` | histogram | — |
//! | `vigil_objects` | gauge | `kind`, `state` (pending, ok, warning, ... up, down, unreachable) |

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use tokio::sync::watch;
use vigil_events::{CommandEvent, Event, NotificationRecord, ObjKind, ProcessEnd, Suppression};

use crate::publish::Published;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CheckLabels {
    kind: String,
    check_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AlertLabels {
    kind: String,
    state: String,
    state_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HandlerLabels {
    handler: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NotificationLabels {
    kind: String,
    r#type: String,
    result: String,
    rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    result: String,
    rule: String,
}

/// A suppression rule's name as the notification journal writes it (its serde
/// tag `rule`: `in_downtime`, `outside_period`, ...).
pub fn rule_name(s: &Suppression) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// Why a decided notification was not sent: the object-level rule, else (every
/// contact was stopped) the contacts' rule when they all share one, else
/// `contacts_filtered`.
fn record_rule(r: &NotificationRecord) -> String {
    if let Some(s) = &r.stopped_by {
        return rule_name(s);
    }
    let mut rules = r.contacts.iter().filter_map(|c| c.stopped_by.as_ref());
    let Some(first) = rules.next() else {
        return "no_recipients".into();
    };
    if rules.all(|x| x == first) {
        rule_name(first)
    } else {
        "contacts_filtered".into()
    }
}

fn end_result(end: &ProcessEnd) -> &'static str {
    match end {
        ProcessEnd::Exited(0) => "exit_0",
        ProcessEnd::Exited(_) => "exit_nonzero",
        ProcessEnd::TimedOut => "timed_out",
        ProcessEnd::Signaled(_) => "signaled",
        ProcessEnd::NotStarted(_) => "not_started",
    }
}

type HistFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn seconds_histogram() -> Histogram {
    // 0.5 ms .. about 65 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 18))
}

/// Every counter and histogram, updated on the loop thread, read by /metrics.
#[derive(Debug)]
pub struct Metrics {
    checks: Family<CheckLabels, Counter>,
    latency: HistFamily<KindLabels>,
    exec_time: HistFamily<KindLabels>,
    alerts: Family<AlertLabels, Counter>,
    handlers: Family<HandlerLabels, Counter>,
    commands: Family<ResultLabels, Counter>,
    notifications: Family<NotificationLabels, Counter>,
    notification_contacts: Family<RuleLabels, Counter>,
    notification_commands: Family<ResultLabels, Counter>,
    commit: Histogram,
    lag: Histogram,
    registry: Registry,
}

fn kind(k: ObjKind) -> String {
    match k {
        ObjKind::Host => "host".into(),
        ObjKind::Service => "service".into(),
    }
}

impl Metrics {
    /// A registry with every metric; `published` feeds the per-state gauges.
    pub fn new(published: watch::Receiver<Arc<Published>>) -> Metrics {
        let mut registry = Registry::default();
        let checks = Family::<CheckLabels, Counter>::default();
        let latency: HistFamily<KindLabels> = Family::new_with_constructor(seconds_histogram);
        let exec_time: HistFamily<KindLabels> = Family::new_with_constructor(seconds_histogram);
        let alerts = Family::<AlertLabels, Counter>::default();
        let handlers = Family::<HandlerLabels, Counter>::default();
        let commands = Family::<ResultLabels, Counter>::default();
        let notifications = Family::<NotificationLabels, Counter>::default();
        let notification_contacts = Family::<RuleLabels, Counter>::default();
        let notification_commands = Family::<ResultLabels, Counter>::default();
        let commit = seconds_histogram();
        let lag = seconds_histogram();
        registry.register("vigil_checks", "Check results processed", checks.clone());
        registry.register_with_unit(
            "vigil_check_latency",
            "Seconds between a check's due time and its start (active checks)",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register_with_unit(
            "vigil_check_execution_time",
            "Seconds a check plugin ran (active checks)",
            Unit::Seconds,
            exec_time.clone(),
        );
        registry.register("vigil_alerts", "HOST/SERVICE ALERT lines", alerts.clone());
        registry.register(
            "vigil_event_handler_runs",
            "Event handler runs by command and how the process ended",
            handlers.clone(),
        );
        registry.register(
            "vigil_external_commands",
            "External commands read (command file, web UI)",
            commands.clone(),
        );
        registry.register(
            "vigil_notifications",
            "Notifications decided: sent, or suppressed and by which rule",
            notifications.clone(),
        );
        registry.register(
            "vigil_notification_contacts",
            "Contacts considered for notifications: notified, or suppressed and by which rule",
            notification_contacts.clone(),
        );
        registry.register(
            "vigil_notification_commands",
            "Notification command runs by how the process ended",
            notification_commands.clone(),
        );
        registry.register_with_unit(
            "vigil_state_journal_commit",
            "Seconds one state journal append + fdatasync took",
            Unit::Seconds,
            commit.clone(),
        );
        registry.register_with_unit(
            "vigil_loop_lag",
            "Seconds the loop woke after the time it asked to wake at",
            Unit::Seconds,
            lag.clone(),
        );
        registry.register_collector(Box::new(ObjectStates { published }));
        Metrics {
            checks,
            latency,
            exec_time,
            alerts,
            handlers,
            commands,
            notifications,
            notification_contacts,
            notification_commands,
            commit,
            lag,
            registry,
        }
    }

    /// Counts one pass's events.
    pub fn observe(&self, events: &[Event]) {
        for e in events {
            match e {
                Event::CheckDone {
                    line,
                    active,
                    latency,
                    execution_time,
                } => {
                    let k = kind(line.obj.kind());
                    let t = if *active { "active" } else { "passive" };
                    self.checks
                        .get_or_create(&CheckLabels {
                            kind: k.clone(),
                            check_type: t.into(),
                        })
                        .inc();
                    if *active {
                        let l = KindLabels { kind: k };
                        self.latency.get_or_create(&l).observe(latency.max(0.0));
                        self.exec_time
                            .get_or_create(&l)
                            .observe(execution_time.max(0.0));
                    }
                }
                Event::Alert(l) => {
                    self.alerts
                        .get_or_create(&AlertLabels {
                            kind: kind(l.obj.kind()),
                            state: l.state.name().into(),
                            state_type: l.state_type.name().into(),
                        })
                        .inc();
                }
                Event::HandlerFinished { run, end, .. } => {
                    let handler = run.directive.split('!').next().unwrap_or("").to_string();
                    self.handlers
                        .get_or_create(&HandlerLabels {
                            handler,
                            result: end_result(end).into(),
                        })
                        .inc();
                }
                Event::NotificationDecided(r) => {
                    let sent = r.sent();
                    self.notifications
                        .get_or_create(&NotificationLabels {
                            kind: kind(r.obj.kind()),
                            r#type: r.type_name.clone(),
                            result: if sent { "sent" } else { "suppressed" }.into(),
                            rule: if sent { String::new() } else { record_rule(r) },
                        })
                        .inc();
                    for c in &r.contacts {
                        // A contact is paged only when the notification passed too.
                        let stopped = r.stopped_by.as_ref().or(c.stopped_by.as_ref());
                        self.notification_contacts
                            .get_or_create(&RuleLabels {
                                result: if stopped.is_some() {
                                    "suppressed"
                                } else {
                                    "notified"
                                }
                                .into(),
                                rule: stopped.map(rule_name).unwrap_or_default(),
                            })
                            .inc();
                    }
                }
                Event::NotificationFinished { end, .. } => {
                    self.notification_commands
                        .get_or_create(&ResultLabels {
                            result: end_result(end).into(),
                        })
                        .inc();
                }
                Event::Command(c) => {
                    let result = match c {
                        CommandEvent::Accepted { .. } => "accepted",
                        CommandEvent::Failed { .. } => "failed",
                        CommandEvent::Unknown { .. } | CommandEvent::PassiveUnknown { .. } => {
                            "unknown"
                        }
                        CommandEvent::Malformed { .. } => "malformed",
                    };
                    self.commands
                        .get_or_create(&ResultLabels {
                            result: result.into(),
                        })
                        .inc();
                }
                _ => {}
            }
        }
    }

    /// One state journal commit took `secs`.
    pub fn journal_commit(&self, secs: f64) {
        self.commit.observe(secs);
    }

    /// The loop woke `secs` late.
    pub fn loop_lag(&self, secs: f64) {
        self.lag.observe(secs);
    }

    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// `vigil_objects{kind,state}` from the latest snapshot.
#[derive(Debug)]
struct ObjectStates {
    published: watch::Receiver<Arc<Published>>,
}

impl Collector for ObjectStates {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let p = self.published.borrow().clone();
        let mut hosts = [0i64; 4];
        let mut services = [0i64; 5];
        let mut pending = [0i64; 2];
        if let Some(s) = &p.snapshot {
            for h in s.hosts() {
                if h.has_been_checked {
                    if let Some(n) = hosts.get_mut(usize::from(h.current_state as u8)) {
                        *n += 1;
                    }
                } else {
                    pending[0] += 1;
                }
            }
            for v in s.services() {
                if v.has_been_checked {
                    if let Some(n) = services.get_mut(usize::from(v.current_state as u8)) {
                        *n += 1;
                    }
                } else {
                    pending[1] += 1;
                }
            }
        }
        let mut m = encoder.encode_descriptor(
            "vigil_objects",
            "Hosts and services by current state",
            None,
            prometheus_client::metrics::MetricType::Gauge,
        )?;
        let rows = [
            ("host", "pending", pending[0]),
            ("host", "up", hosts[0]),
            ("host", "down", hosts[1]),
            ("host", "unreachable", hosts[2]),
            ("service", "pending", pending[1]),
            ("service", "ok", services[0]),
            ("service", "warning", services[1]),
            ("service", "critical", services[2]),
            ("service", "unknown", services[3]),
        ];
        for (k, st, n) in rows {
            let labels = [("kind", k), ("state", st)];
            ConstGauge::new(n).encode(m.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_events::{AnyState, ContactDecision, NotificationType, Obj, ServiceState};

    fn record(
        stopped_by: Option<Suppression>,
        contacts: &[Option<Suppression>],
    ) -> NotificationRecord {
        NotificationRecord {
            time: 0.0,
            obj: Obj::Service {
                host: "h".into(),
                service: "s".into(),
            },
            kind: NotificationType::Normal,
            type_name: "PROBLEM".into(),
            state: AnyState::Service(ServiceState::Critical),
            number: 1,
            id: None,
            escalated: false,
            options: 0,
            author: None,
            comment: None,
            stopped_by,
            contacts: contacts
                .iter()
                .map(|s| ContactDecision {
                    contact: "c".into(),
                    stopped_by: s.clone(),
                    commands: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn rules_are_the_journals_names() {
        assert_eq!(rule_name(&Suppression::InDowntime), "in_downtime");
        assert_eq!(
            rule_name(&Suppression::OptionsExclude { letter: 'w' }),
            "options_exclude"
        );
        assert_eq!(
            record_rule(&record(Some(Suppression::Acknowledged), &[])),
            "acknowledged"
        );
        // The object passed; every contact was stopped by one rule, or by several.
        let disabled = Some(Suppression::ContactDisabled);
        assert_eq!(
            record_rule(&record(None, &[disabled.clone(), disabled.clone()])),
            "contact_disabled"
        );
        assert_eq!(
            record_rule(&record(
                None,
                &[disabled, Some(Suppression::ContactImportance)]
            )),
            "contacts_filtered"
        );
    }

    #[test]
    fn a_decision_counts_once_and_each_contact_once() {
        let (_tx, rx) = watch::channel(Arc::new(Published::default()));
        let m = Metrics::new(rx);
        m.observe(&[
            Event::NotificationDecided(Box::new(record(
                None,
                &[None, Some(Suppression::ContactDisabled)],
            ))),
            Event::NotificationDecided(Box::new(record(Some(Suppression::SoftState), &[]))),
        ]);
        let text = m.render();
        for line in [
            "vigil_notifications_total{kind=\"service\",type=\"PROBLEM\",result=\"sent\",rule=\"\"} 1",
            "vigil_notifications_total{kind=\"service\",type=\"PROBLEM\",result=\"suppressed\",rule=\"soft_state\"} 1",
            "vigil_notification_contacts_total{result=\"notified\",rule=\"\"} 1",
            "vigil_notification_contacts_total{result=\"suppressed\",rule=\"contact_disabled\"} 1",
        ] {
            assert!(text.contains(line), "{line} not in\n{text}");
        }
    }
}
