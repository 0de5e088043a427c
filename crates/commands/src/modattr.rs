//! Where an external command records modified-attribute bits ([`ModAttr`], defined
//! in `vigil-state`): Nagios keeps them per host, per service, per contact (general,
//! host and service sets) and for the program (host and service sets).

pub use vigil_state::modattr::ModAttr;

/// Which modified-attribute set a command changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrSet {
    /// `modified_attributes` of every host and service the command acts on.
    Objects,
    /// The program's `modified_host_process_attributes`.
    ProgramHost,
    /// The program's `modified_service_process_attributes`.
    ProgramService,
    /// Both program sets.
    ProgramBoth,
    /// A contact's `modified_attributes`.
    Contact,
    /// A contact's `modified_host_attributes`.
    ContactHost,
    /// A contact's `modified_service_attributes`.
    ContactService,
}

/// What a command does to modified attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModAttrChange {
    /// `set |= bits`. Nagios sets the bit of an enable/disable switch only when the
    /// value actually changes (enabling what is already enabled leaves it alone);
    /// the `CHANGE_*` commands always set theirs.
    Set {
        /// The bits that are set.
        bits: ModAttr,
        /// Where.
        on: AttrSet,
    },
    /// `set = value` (the `CHANGE_*_MODATTR` commands: the argument replaces the
    /// whole set, `0` clears it).
    Replace {
        /// Where.
        on: AttrSet,
    },
}
