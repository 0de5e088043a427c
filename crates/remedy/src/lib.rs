//! vigil-remedy: declarative remediation for vigil / Nagios event handlers.
//!
//! A TOML rules file says which events ([`config::Rule`]: host and service globs,
//! states, state types, attempts) trigger which actions (`command`, `systemd`,
//! `webhook`, `vsphere_memory`, `note`), under which policy (cooldown and max runs
//! per object, per-action timeout, dry run). [`engine::handle`] runs one event
//! through it and writes every decision to the audit log and stdout. The binaries
//! `vigil-remedy` and `increase-memory` are thin wrappers in [`cli`].

pub mod actions;
pub mod audit;
pub mod cli;
pub mod config;
pub mod engine;
pub mod http;
pub mod increase_memory;
pub mod matcher;
pub mod policy;
pub mod process;
pub mod template;
pub mod vsphere;

pub use audit::{Audit, Decision, Record};
pub use config::{Action, ActionKind, ConfigError, Rule, Rules, Settings};
pub use engine::{handle, Options, Report};
pub use policy::{Policy, StateStore, Verdict};
