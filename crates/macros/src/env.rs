//! The `NAGIOS_*` environment exported when `enable_environment_macros=1`
//! (spec `macros.md` §8): the same name set Nagios 4.4.6 produces
//! (`macros_to_kvv`), values computed by the normal expander.

use crate::expand::{Expander, Illegal};
use crate::names::ALL;
use crate::{Context, Expanded, Options, MAX_COMMAND_ARGUMENTS};

const PREFIX: &str = "NAGIOS_";

/// Environment values cannot hold NUL bytes.
fn env_value(mut s: String) -> String {
    if s.contains('\0') {
        s.retain(|c| c != '\0');
    }
    s
}

pub(crate) fn environment(ctx: &Context, args: &[Expanded]) -> Vec<(String, String)> {
    let model = ctx.model;
    let large = model.main.use_large_installation_tweaks;
    let mut exp = Expander::new(ctx, args, Options::default(), 0);
    let mut out = Vec::with_capacity(ALL.len() + MAX_COMMAND_ARGUMENTS + 8);

    for &m in ALL {
        if large && m.skipped_on_large_installations() {
            continue;
        }
        let r = exp.standard(m, None, None);
        let v = exp.plain(r).unwrap_or_default();
        out.push((format!("{PREFIX}{}", m.name()), env_value(v)));
    }

    for i in 0..MAX_COMMAND_ARGUMENTS {
        let v = args.get(i).map(Expanded::to_plain).unwrap_or_default();
        out.push((format!("{PREFIX}ARG{}", i + 1), env_value(v)));
    }

    // The contact's addresses, 0-based (Nagios exports $CONTACTADDRESS1$ as
    // NAGIOS_CONTACTADDRESS0), only while a contact is notified.
    let contact = ctx.contact.and_then(|c| model.contacts.get(c.idx()));
    if let Some(c) = contact {
        for i in 0..6 {
            let v = c.addresses.get(i).cloned().flatten().unwrap_or_default();
            out.push((format!("{PREFIX}CONTACTADDRESS{i}"), env_value(v)));
        }
    }

    // Custom variables are always cleaned and left out when nothing remains.
    let illegal = Illegal::new(model.main.illegal_macro_output_chars.as_deref());
    if let Some(h) = exp.host.and_then(|h| model.hosts.get(h.idx())) {
        custom_vars(&illegal, "HOST", &h.settings.custom_vars, &mut out);
    }
    if let Some(s) = exp.service.and_then(|s| model.services.get(s.idx())) {
        custom_vars(&illegal, "SERVICE", &s.settings.custom_vars, &mut out);
    }
    if let Some(c) = contact {
        custom_vars(&illegal, "CONTACT", &c.custom_vars, &mut out);
    }
    out
}

/// Appends `NAGIOS__<kind><NAME>` for each custom variable whose cleaned value is not
/// empty.
fn custom_vars<K, V>(
    illegal: &Illegal,
    kind: &str,
    vars: &[(K, V)],
    out: &mut Vec<(String, String)>,
) where
    K: std::ops::Deref<Target = str>,
    V: std::ops::Deref<Target = str>,
{
    for (k, v) in vars {
        let mut cleaned = String::with_capacity(v.len());
        illegal.clean_into(v, &mut cleaned);
        if !cleaned.is_empty() {
            out.push((format!("{PREFIX}_{kind}{}", &**k), cleaned));
        }
    }
}
