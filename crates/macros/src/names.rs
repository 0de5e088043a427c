//! The table of standard (`MACRO_X`) macro names of Nagios 4.4.6, in Nagios' internal
//! order (the order `NAGIOS_*` environment variables are exported in), with the
//! classification the expander needs: which object a macro belongs to, whether its
//! value is run-time data (plugin output, user comments) and whether it is cleaned
//! with `illegal_macro_output_chars`.

/// Defines the [`M`] enum, its name table and a `match`-based name lookup.
macro_rules! standard_macros {
    ($($n:ident),* $(,)?) => {
        /// One standard macro (`$HOSTNAME$` ...), named exactly like the macro.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum M { $($n,)* }

        /// Every standard macro, in Nagios 4.4.6 `MACRO_X` order.
        pub(crate) const ALL: &[M] = &[$(M::$n,)*];

        impl M {
            /// The macro name without `$`.
            pub(crate) fn name(self) -> &'static str {
                match self { $(M::$n => stringify!($n),)* }
            }

            /// Looks a name up (case-sensitive); compiled to a `match` on the string.
            pub(crate) fn from_name(s: &str) -> Option<M> {
                match s {
                    $(stringify!($n) => Some(M::$n),)*
                    _ => None,
                }
            }
        }
    };
}

standard_macros!(
    HOSTNAME,
    HOSTALIAS,
    HOSTADDRESS,
    SERVICEDESC,
    SERVICESTATE,
    SERVICESTATEID,
    SERVICEATTEMPT,
    SERVICEISVOLATILE,
    LONGDATETIME,
    SHORTDATETIME,
    DATE,
    TIME,
    TIMET,
    LASTHOSTCHECK,
    LASTSERVICECHECK,
    LASTHOSTSTATECHANGE,
    LASTSERVICESTATECHANGE,
    HOSTOUTPUT,
    SERVICEOUTPUT,
    HOSTPERFDATA,
    SERVICEPERFDATA,
    CONTACTNAME,
    CONTACTALIAS,
    CONTACTEMAIL,
    CONTACTPAGER,
    ADMINEMAIL,
    ADMINPAGER,
    HOSTSTATE,
    HOSTSTATEID,
    HOSTATTEMPT,
    NOTIFICATIONTYPE,
    NOTIFICATIONNUMBER,
    NOTIFICATIONISESCALATED,
    HOSTEXECUTIONTIME,
    SERVICEEXECUTIONTIME,
    HOSTLATENCY,
    SERVICELATENCY,
    HOSTDURATION,
    SERVICEDURATION,
    HOSTDURATIONSEC,
    SERVICEDURATIONSEC,
    HOSTDOWNTIME,
    SERVICEDOWNTIME,
    HOSTSTATETYPE,
    SERVICESTATETYPE,
    HOSTPERCENTCHANGE,
    SERVICEPERCENTCHANGE,
    HOSTGROUPNAME,
    HOSTGROUPALIAS,
    SERVICEGROUPNAME,
    SERVICEGROUPALIAS,
    HOSTACKAUTHOR,
    HOSTACKCOMMENT,
    SERVICEACKAUTHOR,
    SERVICEACKCOMMENT,
    LASTSERVICEOK,
    LASTSERVICEWARNING,
    LASTSERVICEUNKNOWN,
    LASTSERVICECRITICAL,
    LASTHOSTUP,
    LASTHOSTDOWN,
    LASTHOSTUNREACHABLE,
    SERVICECHECKCOMMAND,
    HOSTCHECKCOMMAND,
    MAINCONFIGFILE,
    STATUSDATAFILE,
    HOSTDISPLAYNAME,
    SERVICEDISPLAYNAME,
    RETENTIONDATAFILE,
    OBJECTCACHEFILE,
    TEMPFILE,
    LOGFILE,
    RESOURCEFILE,
    COMMANDFILE,
    HOSTPERFDATAFILE,
    SERVICEPERFDATAFILE,
    HOSTACTIONURL,
    HOSTNOTESURL,
    HOSTNOTES,
    SERVICEACTIONURL,
    SERVICENOTESURL,
    SERVICENOTES,
    TOTALHOSTSUP,
    TOTALHOSTSDOWN,
    TOTALHOSTSUNREACHABLE,
    TOTALHOSTSDOWNUNHANDLED,
    TOTALHOSTSUNREACHABLEUNHANDLED,
    TOTALHOSTPROBLEMS,
    TOTALHOSTPROBLEMSUNHANDLED,
    TOTALSERVICESOK,
    TOTALSERVICESWARNING,
    TOTALSERVICESCRITICAL,
    TOTALSERVICESUNKNOWN,
    TOTALSERVICESWARNINGUNHANDLED,
    TOTALSERVICESCRITICALUNHANDLED,
    TOTALSERVICESUNKNOWNUNHANDLED,
    TOTALSERVICEPROBLEMS,
    TOTALSERVICEPROBLEMSUNHANDLED,
    PROCESSSTARTTIME,
    HOSTCHECKTYPE,
    SERVICECHECKTYPE,
    LONGHOSTOUTPUT,
    LONGSERVICEOUTPUT,
    TEMPPATH,
    HOSTNOTIFICATIONNUMBER,
    SERVICENOTIFICATIONNUMBER,
    HOSTNOTIFICATIONID,
    SERVICENOTIFICATIONID,
    HOSTEVENTID,
    LASTHOSTEVENTID,
    SERVICEEVENTID,
    LASTSERVICEEVENTID,
    HOSTGROUPNAMES,
    SERVICEGROUPNAMES,
    HOSTACKAUTHORNAME,
    HOSTACKAUTHORALIAS,
    SERVICEACKAUTHORNAME,
    SERVICEACKAUTHORALIAS,
    MAXHOSTATTEMPTS,
    MAXSERVICEATTEMPTS,
    TOTALHOSTSERVICES,
    TOTALHOSTSERVICESOK,
    TOTALHOSTSERVICESWARNING,
    TOTALHOSTSERVICESUNKNOWN,
    TOTALHOSTSERVICESCRITICAL,
    HOSTGROUPNOTES,
    HOSTGROUPNOTESURL,
    HOSTGROUPACTIONURL,
    SERVICEGROUPNOTES,
    SERVICEGROUPNOTESURL,
    SERVICEGROUPACTIONURL,
    HOSTGROUPMEMBERS,
    SERVICEGROUPMEMBERS,
    CONTACTGROUPNAME,
    CONTACTGROUPALIAS,
    CONTACTGROUPMEMBERS,
    CONTACTGROUPNAMES,
    NOTIFICATIONRECIPIENTS,
    NOTIFICATIONAUTHOR,
    NOTIFICATIONAUTHORNAME,
    NOTIFICATIONAUTHORALIAS,
    NOTIFICATIONCOMMENT,
    EVENTSTARTTIME,
    HOSTPROBLEMID,
    LASTHOSTPROBLEMID,
    SERVICEPROBLEMID,
    LASTSERVICEPROBLEMID,
    ISVALIDTIME,
    NEXTVALIDTIME,
    LASTHOSTSTATE,
    LASTHOSTSTATEID,
    LASTSERVICESTATE,
    LASTSERVICESTATEID,
    HOSTIMPORTANCE,
    SERVICEIMPORTANCE,
    HOSTANDSERVICESIMPORTANCE,
    HOSTGROUPMEMBERADDRESSES,
    HOSTINFOURL,
    SERVICEINFOURL,
    HOSTNOTIFICATIONENABLED,
    SERVICENOTIFICATIONENABLED,
    HOSTNOTIFICATIONPERIOD,
    SERVICENOTIFICATIONPERIOD,
);

/// Which object (or which global source) a standard macro reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Host,
    Hostgroup,
    Service,
    Servicegroup,
    Contact,
    Contactgroup,
    /// Only set while a notification is being sent.
    Notification,
    DateTime,
    /// Main-config paths, admin addresses, start times.
    Static,
    /// The 16 program-wide `$TOTAL...$` counters.
    Summary,
}

impl M {
    pub(crate) fn group(self) -> Group {
        use M::*;
        match self {
            HOSTNAME
            | HOSTALIAS
            | HOSTADDRESS
            | LASTHOSTCHECK
            | LASTHOSTSTATECHANGE
            | HOSTOUTPUT
            | HOSTPERFDATA
            | HOSTSTATE
            | HOSTSTATEID
            | HOSTATTEMPT
            | HOSTEXECUTIONTIME
            | HOSTLATENCY
            | HOSTDURATION
            | HOSTDURATIONSEC
            | HOSTDOWNTIME
            | HOSTSTATETYPE
            | HOSTPERCENTCHANGE
            | HOSTACKAUTHOR
            | HOSTACKCOMMENT
            | LASTHOSTUP
            | LASTHOSTDOWN
            | LASTHOSTUNREACHABLE
            | HOSTCHECKCOMMAND
            | HOSTDISPLAYNAME
            | HOSTACTIONURL
            | HOSTNOTESURL
            | HOSTNOTES
            | HOSTCHECKTYPE
            | LONGHOSTOUTPUT
            | HOSTNOTIFICATIONNUMBER
            | HOSTNOTIFICATIONID
            | HOSTEVENTID
            | LASTHOSTEVENTID
            | HOSTGROUPNAMES
            | HOSTACKAUTHORNAME
            | HOSTACKAUTHORALIAS
            | MAXHOSTATTEMPTS
            | TOTALHOSTSERVICES
            | TOTALHOSTSERVICESOK
            | TOTALHOSTSERVICESWARNING
            | TOTALHOSTSERVICESUNKNOWN
            | TOTALHOSTSERVICESCRITICAL
            | HOSTPROBLEMID
            | LASTHOSTPROBLEMID
            | LASTHOSTSTATE
            | LASTHOSTSTATEID
            | HOSTIMPORTANCE
            | HOSTANDSERVICESIMPORTANCE
            | HOSTINFOURL
            | HOSTNOTIFICATIONENABLED
            | HOSTNOTIFICATIONPERIOD => Group::Host,

            HOSTGROUPNAME
            | HOSTGROUPALIAS
            | HOSTGROUPNOTES
            | HOSTGROUPNOTESURL
            | HOSTGROUPACTIONURL
            | HOSTGROUPMEMBERS
            | HOSTGROUPMEMBERADDRESSES => Group::Hostgroup,

            SERVICEDESC
            | SERVICESTATE
            | SERVICESTATEID
            | SERVICEATTEMPT
            | SERVICEISVOLATILE
            | LASTSERVICECHECK
            | LASTSERVICESTATECHANGE
            | SERVICEOUTPUT
            | SERVICEPERFDATA
            | SERVICEEXECUTIONTIME
            | SERVICELATENCY
            | SERVICEDURATION
            | SERVICEDURATIONSEC
            | SERVICEDOWNTIME
            | SERVICESTATETYPE
            | SERVICEPERCENTCHANGE
            | SERVICEACKAUTHOR
            | SERVICEACKCOMMENT
            | LASTSERVICEOK
            | LASTSERVICEWARNING
            | LASTSERVICEUNKNOWN
            | LASTSERVICECRITICAL
            | SERVICECHECKCOMMAND
            | SERVICEDISPLAYNAME
            | SERVICEACTIONURL
            | SERVICENOTESURL
            | SERVICENOTES
            | SERVICECHECKTYPE
            | LONGSERVICEOUTPUT
            | SERVICENOTIFICATIONNUMBER
            | SERVICENOTIFICATIONID
            | SERVICEEVENTID
            | LASTSERVICEEVENTID
            | SERVICEGROUPNAMES
            | SERVICEACKAUTHORNAME
            | SERVICEACKAUTHORALIAS
            | MAXSERVICEATTEMPTS
            | SERVICEPROBLEMID
            | LASTSERVICEPROBLEMID
            | LASTSERVICESTATE
            | LASTSERVICESTATEID
            | SERVICEIMPORTANCE
            | SERVICEINFOURL
            | SERVICENOTIFICATIONENABLED
            | SERVICENOTIFICATIONPERIOD => Group::Service,

            SERVICEGROUPNAME
            | SERVICEGROUPALIAS
            | SERVICEGROUPNOTES
            | SERVICEGROUPNOTESURL
            | SERVICEGROUPACTIONURL
            | SERVICEGROUPMEMBERS => Group::Servicegroup,

            CONTACTNAME | CONTACTALIAS | CONTACTEMAIL | CONTACTPAGER | CONTACTGROUPNAMES => {
                Group::Contact
            }

            CONTACTGROUPNAME | CONTACTGROUPALIAS | CONTACTGROUPMEMBERS => Group::Contactgroup,

            NOTIFICATIONTYPE
            | NOTIFICATIONNUMBER
            | NOTIFICATIONISESCALATED
            | NOTIFICATIONRECIPIENTS
            | NOTIFICATIONAUTHOR
            | NOTIFICATIONAUTHORNAME
            | NOTIFICATIONAUTHORALIAS
            | NOTIFICATIONCOMMENT => Group::Notification,

            LONGDATETIME | SHORTDATETIME | DATE | TIME | TIMET | ISVALIDTIME | NEXTVALIDTIME => {
                Group::DateTime
            }

            ADMINEMAIL | ADMINPAGER | MAINCONFIGFILE | STATUSDATAFILE | RETENTIONDATAFILE
            | OBJECTCACHEFILE | TEMPFILE | LOGFILE | RESOURCEFILE | COMMANDFILE
            | HOSTPERFDATAFILE | SERVICEPERFDATAFILE | PROCESSSTARTTIME | TEMPPATH
            | EVENTSTARTTIME => Group::Static,

            TOTALHOSTSUP
            | TOTALHOSTSDOWN
            | TOTALHOSTSUNREACHABLE
            | TOTALHOSTSDOWNUNHANDLED
            | TOTALHOSTSUNREACHABLEUNHANDLED
            | TOTALHOSTPROBLEMS
            | TOTALHOSTPROBLEMSUNHANDLED
            | TOTALSERVICESOK
            | TOTALSERVICESWARNING
            | TOTALSERVICESCRITICAL
            | TOTALSERVICESUNKNOWN
            | TOTALSERVICESWARNINGUNHANDLED
            | TOTALSERVICESCRITICALUNHANDLED
            | TOTALSERVICESUNKNOWNUNHANDLED
            | TOTALSERVICEPROBLEMS
            | TOTALSERVICEPROBLEMSUNHANDLED => Group::Summary,
        }
    }

    /// Run-time data that came from plugins or users (never from the configuration):
    /// output, perfdata, acknowledgement and notification author/comment. Expanded
    /// into [`crate::Piece::Data`].
    pub(crate) fn is_data(self) -> bool {
        use M::*;
        matches!(
            self,
            HOSTOUTPUT
                | LONGHOSTOUTPUT
                | HOSTPERFDATA
                | SERVICEOUTPUT
                | LONGSERVICEOUTPUT
                | SERVICEPERFDATA
                | HOSTACKAUTHOR
                | HOSTACKAUTHORNAME
                | HOSTACKAUTHORALIAS
                | HOSTACKCOMMENT
                | SERVICEACKAUTHOR
                | SERVICEACKAUTHORNAME
                | SERVICEACKAUTHORALIAS
                | SERVICEACKCOMMENT
                | NOTIFICATIONAUTHOR
                | NOTIFICATIONAUTHORNAME
                | NOTIFICATIONAUTHORALIAS
                | NOTIFICATIONCOMMENT
        )
    }

    /// Macros stripped of `illegal_macro_output_chars` (and control bytes) when the
    /// caller asks for cleaning: exactly the data macros.
    pub(crate) fn is_cleanable(self) -> bool {
        self.is_data()
    }

    /// Skipped in the environment with `use_large_installation_tweaks=1`.
    pub(crate) fn skipped_on_large_installations(self) -> bool {
        matches!(
            self,
            M::SERVICEGROUPMEMBERS | M::HOSTGROUPMEMBERS | M::HOSTGROUPMEMBERADDRESSES
        ) || self.group() == Group::Summary
    }
}
