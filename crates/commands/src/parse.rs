//! From a [`Line`] to a typed [`Command`]: the name is looked up in the
//! [table](crate::table) (ASCII case-insensitively, as Nagios 4.4.6 does), the
//! arguments are read by the table's argument list ([`crate::args`]) and the
//! operation builds the command from them.

use crate::args::{self, Value};
use crate::command::{
    Command, CommandError, Contacts, DowntimeFilter, HandlerSlot, ModAttrOwner, Note,
    NotificationOptions, Object, ObjectKind, PeriodSlot, Target, VarOwner,
};
use crate::modattr::ModAttr;
use crate::table::{self, ContactAttrs, DowntimeSelector, Op, PeriodKind, Scope};
use crate::Line;

/// Interprets a [`Line`]: names starting with `_` are [`Command::Custom`];
/// unknown names are [`CommandError::Unknown`]; missing or ill-typed arguments are
/// [`CommandError::Malformed`] with the reason. Arguments after the ones a
/// command reads are ignored, as Nagios ignores them.
pub fn parse_command(line: &Line) -> Result<Command, CommandError> {
    if line.name.starts_with('_') {
        return Ok(Command::Custom(line.name.clone()));
    }
    let spec = table::lookup(&line.name).ok_or(CommandError::Unknown)?;
    let values = args::read(&line.args, &spec.op.args())?;
    build(spec.op, Values::new(values))
}

/// The read values, taken in order by the builder. A type mismatch can only come
/// from an inconsistent table (the tests build every row); it is reported as a
/// malformed command rather than a panic.
struct Values {
    items: std::vec::IntoIter<Value>,
}

fn table_mismatch() -> CommandError {
    CommandError::Malformed("internal error: argument table mismatch".into())
}

impl Values {
    fn new(v: Vec<Value>) -> Self {
        Values {
            items: v.into_iter(),
        }
    }

    fn next(&mut self) -> Result<Value, CommandError> {
        self.items.next().ok_or_else(table_mismatch)
    }

    fn string(&mut self) -> Result<String, CommandError> {
        match self.next()? {
            Value::Str(s) => Ok(s),
            _ => Err(table_mismatch()),
        }
    }

    /// An optional text; absent is `None`.
    fn opt_string(&mut self) -> Result<Option<String>, CommandError> {
        match self.next()? {
            Value::Str(s) => Ok(Some(s)),
            Value::Absent => Ok(None),
            _ => Err(table_mismatch()),
        }
    }

    fn int(&mut self) -> Result<i64, CommandError> {
        match self.next()? {
            Value::Int(i) => Ok(i),
            _ => Err(table_mismatch()),
        }
    }

    fn opt_int(&mut self) -> Result<Option<i64>, CommandError> {
        match self.next()? {
            Value::Int(i) => Ok(Some(i)),
            Value::Absent => Ok(None),
            _ => Err(table_mismatch()),
        }
    }

    fn uint(&mut self) -> Result<u64, CommandError> {
        match self.next()? {
            Value::UInt(u) => Ok(u),
            _ => Err(table_mismatch()),
        }
    }

    fn u32(&mut self) -> Result<u32, CommandError> {
        u32::try_from(self.uint()?).map_err(|_| table_mismatch())
    }

    fn flag(&mut self) -> Result<bool, CommandError> {
        match self.next()? {
            Value::Bool(b) => Ok(b),
            _ => Err(table_mismatch()),
        }
    }

    fn object(&mut self, scope: Scope) -> Result<Object, CommandError> {
        match scope {
            Scope::Host => Ok(Object::Host(self.string()?)),
            Scope::Service => Ok(Object::Service {
                host: self.string()?,
                service: self.string()?,
            }),
            _ => Err(table_mismatch()),
        }
    }

    fn kind_object(&mut self, kind: ObjectKind) -> Result<Object, CommandError> {
        self.object(kind.into())
    }

    fn target(&mut self, scope: Scope) -> Result<Target, CommandError> {
        Ok(match scope {
            Scope::Host | Scope::Service => Target::Object(self.object(scope)?),
            Scope::HostServices => Target::HostServices(self.string()?),
            Scope::HostAndChildHosts => Target::HostAndChildHosts(self.string()?),
            Scope::HostsAndServicesBeyond => Target::HostsAndServicesBeyond(self.string()?),
            Scope::HostgroupHosts => Target::HostgroupHosts(self.string()?),
            Scope::HostgroupServices => Target::HostgroupServices(self.string()?),
            Scope::ServicegroupHosts => Target::ServicegroupHosts(self.string()?),
            Scope::ServicegroupServices => Target::ServicegroupServices(self.string()?),
            Scope::Program | Scope::Contact | Scope::Contactgroup => return Err(table_mismatch()),
        })
    }

    fn contacts(&mut self, scope: Scope) -> Result<Contacts, CommandError> {
        match scope {
            Scope::Contact => Ok(Contacts::Contact(self.string()?)),
            Scope::Contactgroup => Ok(Contacts::Contactgroup(self.string()?)),
            _ => Err(table_mismatch()),
        }
    }

    /// The optional trailing `;<author>;<comment>`: a note only when both are
    /// there (Nagios adds the comment only then).
    fn note(&mut self) -> Result<Option<Note>, CommandError> {
        let author = self.opt_string()?;
        let comment = self.opt_string()?;
        Ok(match (author, comment) {
            (Some(author), Some(comment)) => Some(Note { author, comment }),
            _ => None,
        })
    }
}

fn malformed(reason: &str) -> CommandError {
    CommandError::Malformed(reason.to_string())
}

/// An empty filter text means "any" (Nagios checks `*ptr != '\0'`).
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// A start time of 0 means "any" (Nagios passes 0 = no filter).
fn start_filter(t: Option<i64>) -> Option<i64> {
    t.filter(|t| *t != 0)
}

fn build(op: Op, mut v: Values) -> Result<Command, CommandError> {
    let v = &mut v;
    Ok(match op {
        Op::ProcessCheckResult(kind) => Command::ProcessCheckResult {
            object: v.kind_object(kind)?,
            return_code: i32::try_from(v.int()?).map_err(|_| table_mismatch())?,
            output: v.opt_string()?.unwrap_or_default(),
        },
        Op::ScheduleCheck { scope, forced } => Command::ScheduleCheck {
            target: v.target(scope)?,
            time: v.int()?,
            forced,
            note: v.note()?,
        },
        Op::Switch {
            switch,
            scope,
            enable,
        } => Command::Switch {
            switch,
            target: v.target(scope)?,
            enable,
            note: v.note()?,
        },
        Op::ProgramSwitch { switch, enable } => Command::ProgramSwitch { switch, enable },
        Op::ContactNotifications {
            scope,
            kind,
            enable,
        } => Command::ContactNotifications {
            contacts: v.contacts(scope)?,
            kind,
            enable,
        },
        Op::Acknowledge(kind) => Command::Acknowledge {
            object: v.kind_object(kind)?,
            sticky: v.flag()?,
            notify: v.flag()?,
            persistent: v.flag()?,
            author: v.string()?,
            comment: v.string()?,
        },
        Op::RemoveAcknowledgement(kind) => Command::RemoveAcknowledgement {
            object: v.kind_object(kind)?,
        },
        Op::AddComment(kind) => Command::AddComment {
            object: v.kind_object(kind)?,
            persistent: v.flag()?,
            author: v.string()?,
            comment: v.string()?,
        },
        Op::DeleteComment(kind) => Command::DeleteComment {
            kind,
            id: v.uint()?,
        },
        Op::DeleteAllComments(kind) => Command::DeleteAllComments {
            object: v.kind_object(kind)?,
        },
        Op::ScheduleDowntime {
            scope,
            trigger_children,
        } => {
            let target = v.target(scope)?;
            let start = v.int()?;
            let end = v.int()?;
            let fixed = v.flag()?;
            let trigger_id = v.uint()?;
            let given = v.uint()?;
            let author = v.string()?;
            let comment = v.string()?;
            if !fixed && given == 0 {
                return Err(malformed(
                    "a flexible downtime needs a duration greater than 0",
                ));
            }
            let duration = if fixed {
                u64::try_from(end.saturating_sub(start)).unwrap_or(0)
            } else {
                given
            };
            Command::ScheduleDowntime {
                target,
                start,
                end,
                fixed,
                trigger_id,
                duration,
                author,
                comment,
                trigger_children,
            }
        }
        Op::DeleteDowntime(kind) => Command::DeleteDowntime {
            kind,
            id: v.uint()?,
        },
        Op::DeleteDowntimes(sel) => Command::DeleteDowntimes {
            filter: downtime_filter(sel, v)?,
        },
        Op::SendCustomNotification(kind) => Command::SendCustomNotification {
            object: v.kind_object(kind)?,
            options: NotificationOptions::from_bits_retain(v.u32()?),
            author: v.string()?,
            comment: v.string()?,
            note: v.note()?,
        },
        Op::DelayNotification(kind) => Command::DelayNotification {
            object: v.kind_object(kind)?,
            until: v.int()?,
            note: v.note()?,
        },
        Op::SetNotificationNumber(kind) => Command::SetNotificationNumber {
            object: v.kind_object(kind)?,
            number: v.u32()?,
            note: v.note()?,
        },
        Op::ClearFlappingState(kind) => Command::ClearFlappingState {
            object: v.kind_object(kind)?,
            note: v.note()?,
        },
        Op::ChangeCheckInterval(kind, interval_kind) => Command::ChangeCheckInterval {
            object: v.kind_object(kind)?,
            kind: interval_kind,
            interval: v.u32()?,
        },
        Op::ChangeMaxCheckAttempts(kind) => Command::ChangeMaxCheckAttempts {
            object: v.kind_object(kind)?,
            attempts: v.u32()?,
        },
        Op::ChangeObjectModAttr(kind) => Command::ChangeModAttr {
            owner: ModAttrOwner::Object(v.kind_object(kind)?),
            value: ModAttr::from_bits_retain(v.uint()?),
        },
        Op::ChangeContactModAttr(attrs) => {
            let name = v.string()?;
            Command::ChangeModAttr {
                owner: match attrs {
                    ContactAttrs::General => ModAttrOwner::Contact(name),
                    ContactAttrs::Host => ModAttrOwner::ContactHost(name),
                    ContactAttrs::Service => ModAttrOwner::ContactService(name),
                },
                value: ModAttr::from_bits_retain(v.uint()?),
            }
        }
        Op::ChangeObjectTimeperiod(kind, period) => {
            let object = v.kind_object(kind)?;
            Command::ChangeTimeperiod {
                slot: match period {
                    PeriodKind::Check => PeriodSlot::Check(object),
                    PeriodKind::Notification => PeriodSlot::Notification(object),
                    PeriodKind::HostNotification | PeriodKind::ServiceNotification => {
                        return Err(table_mismatch())
                    }
                },
                timeperiod: v.string()?,
            }
        }
        Op::ChangeContactTimeperiod(period) => {
            let contact = v.string()?;
            Command::ChangeTimeperiod {
                slot: match period {
                    PeriodKind::HostNotification => PeriodSlot::ContactHostNotification(contact),
                    PeriodKind::ServiceNotification => {
                        PeriodSlot::ContactServiceNotification(contact)
                    }
                    PeriodKind::Check | PeriodKind::Notification => return Err(table_mismatch()),
                },
                timeperiod: v.string()?,
            }
        }
        Op::ChangeGlobalEventHandler(kind) => Command::ChangeEventHandler {
            slot: match kind {
                ObjectKind::Host => HandlerSlot::GlobalHost,
                ObjectKind::Service => HandlerSlot::GlobalService,
            },
            command: v.opt_string()?.unwrap_or_default(),
        },
        Op::ChangeEventHandler(kind) => Command::ChangeEventHandler {
            slot: HandlerSlot::Object(v.kind_object(kind)?),
            command: v.opt_string()?.unwrap_or_default(),
        },
        Op::ChangeCheckCommand(kind) => Command::ChangeCheckCommand {
            object: v.kind_object(kind)?,
            command: v.string()?,
        },
        Op::ChangeObjectCustomVar(kind) => Command::ChangeCustomVar {
            owner: VarOwner::Object(v.kind_object(kind)?),
            name: v.string()?,
            value: v.string()?,
        },
        Op::ChangeContactCustomVar => Command::ChangeCustomVar {
            owner: VarOwner::Contact(v.string()?),
            name: v.string()?,
            value: v.string()?,
        },
        Op::Shutdown => Command::Shutdown { at: v.opt_int()? },
        Op::Restart => Command::Restart { at: v.opt_int()? },
        Op::SaveStateInformation => Command::SaveStateInformation,
        Op::ReadStateInformation => Command::ReadStateInformation,
        Op::ProcessFile => Command::ProcessFile {
            path: v.string()?,
            delete: v.flag()?,
        },
        Op::Log => Command::Log {
            text: v.opt_string()?.unwrap_or_default(),
        },
    })
}

fn downtime_filter(sel: DowntimeSelector, v: &mut Values) -> Result<DowntimeFilter, CommandError> {
    Ok(match sel {
        DowntimeSelector::HostName => DowntimeFilter {
            hostgroup: None,
            host: Some(v.string()?),
            service: v.opt_string()?,
            start: start_filter(v.opt_int()?),
            comment: non_empty(v.opt_string()?),
        },
        DowntimeSelector::HostgroupName => {
            let hostgroup = Some(v.string()?);
            let host = v.opt_string()?;
            let mut service = v.opt_string()?;
            let mut start = v.opt_int()?;
            let mut comment = non_empty(v.opt_string()?);
            // A second service/start/comment group overrides the first (Nagios
            // reads it after the first and assigns what it finds).
            if let Some(s) = v.opt_string()? {
                service = Some(s);
            }
            if let Some(t) = v.opt_int()? {
                start = Some(t);
            }
            if let Some(c) = non_empty(v.opt_string()?) {
                comment = Some(c);
            }
            DowntimeFilter {
                hostgroup,
                host,
                service,
                start: start_filter(start),
                comment,
            }
        }
        DowntimeSelector::StartTimeComment => {
            let start = start_filter(v.opt_int()?);
            let comment = non_empty(v.opt_string()?);
            if start.is_none() && comment.is_none() {
                return Err(malformed("a start time or a comment is needed"));
            }
            DowntimeFilter {
                start,
                comment,
                ..DowntimeFilter::default()
            }
        }
    })
}
