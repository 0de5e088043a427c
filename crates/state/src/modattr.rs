//! Modified-attribute bits (`modified_attributes` in status.dat and retention.dat,
//! `CHANGE_*_MODATTR`; Nagios `MODATTR_*` in include/common.h of Nagios 4.4.6):
//! which run-time changes an object, a contact or the program carries, so they
//! survive a restart. Defined once, here.

bitflags::bitflags! {
    /// A set of `MODATTR_*` bits. Values are Nagios's, so they can be read from and
    /// written to retention.dat / status.dat unchanged (`modified_attributes=`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct ModAttr: u64 {
        /// `MODATTR_NOTIFICATIONS_ENABLED`
        const NOTIFICATIONS_ENABLED = 1;
        /// `MODATTR_ACTIVE_CHECKS_ENABLED`
        const ACTIVE_CHECKS_ENABLED = 2;
        /// `MODATTR_PASSIVE_CHECKS_ENABLED`
        const PASSIVE_CHECKS_ENABLED = 4;
        /// `MODATTR_EVENT_HANDLER_ENABLED`
        const EVENT_HANDLER_ENABLED = 8;
        /// `MODATTR_FLAP_DETECTION_ENABLED`
        const FLAP_DETECTION_ENABLED = 16;
        /// `MODATTR_FAILURE_PREDICTION_ENABLED` (no command sets it in Nagios 4)
        const FAILURE_PREDICTION_ENABLED = 32;
        /// `MODATTR_PERFORMANCE_DATA_ENABLED`
        const PERFORMANCE_DATA_ENABLED = 64;
        /// `MODATTR_OBSESSIVE_HANDLER_ENABLED`
        const OBSESSIVE_HANDLER_ENABLED = 128;
        /// `MODATTR_EVENT_HANDLER_COMMAND`
        const EVENT_HANDLER_COMMAND = 256;
        /// `MODATTR_CHECK_COMMAND`
        const CHECK_COMMAND = 512;
        /// `MODATTR_NORMAL_CHECK_INTERVAL`
        const NORMAL_CHECK_INTERVAL = 1024;
        /// `MODATTR_RETRY_CHECK_INTERVAL`
        const RETRY_CHECK_INTERVAL = 2048;
        /// `MODATTR_MAX_CHECK_ATTEMPTS`
        const MAX_CHECK_ATTEMPTS = 4096;
        /// `MODATTR_FRESHNESS_CHECKS_ENABLED`
        const FRESHNESS_CHECKS_ENABLED = 8192;
        /// `MODATTR_CHECK_TIMEPERIOD`
        const CHECK_TIMEPERIOD = 16384;
        /// `MODATTR_CUSTOM_VARIABLE`
        const CUSTOM_VARIABLE = 32768;
        /// `MODATTR_NOTIFICATION_TIMEPERIOD`
        const NOTIFICATION_TIMEPERIOD = 65536;
    }
}
