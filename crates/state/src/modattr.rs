//! Modified-attribute bits (`modified_attributes` in status.dat and retention.dat,
//! `$...MODATTR$`, `CHANGE_*_MODATTR`; Nagios `MODATTR_*` in include/common.h):
//! which run-time changes an object or the program carries. Defined once, here.

/// Nothing changed.
pub const NONE: u64 = 0;
/// `notifications_enabled` changed.
pub const NOTIFICATIONS_ENABLED: u64 = 1;
/// Active checks switched.
pub const ACTIVE_CHECKS_ENABLED: u64 = 2;
/// Passive checks switched.
pub const PASSIVE_CHECKS_ENABLED: u64 = 4;
/// `event_handler_enabled` changed.
pub const EVENT_HANDLER_ENABLED: u64 = 8;
/// Flap detection switched.
pub const FLAP_DETECTION_ENABLED: u64 = 16;
/// Failure prediction (obsolete).
pub const FAILURE_PREDICTION_ENABLED: u64 = 32;
/// Performance data processing switched.
pub const PERFORMANCE_DATA_ENABLED: u64 = 64;
/// Obsessing switched.
pub const OBSESSIVE_HANDLER_ENABLED: u64 = 128;
/// Event handler command changed.
pub const EVENT_HANDLER_COMMAND: u64 = 256;
/// Check command changed.
pub const CHECK_COMMAND: u64 = 512;
/// Normal check interval changed.
pub const NORMAL_CHECK_INTERVAL: u64 = 1024;
/// Retry interval changed.
pub const RETRY_CHECK_INTERVAL: u64 = 2048;
/// Max check attempts changed.
pub const MAX_CHECK_ATTEMPTS: u64 = 4096;
/// Freshness checking switched.
pub const FRESHNESS_CHECKS_ENABLED: u64 = 8192;
/// Check period changed.
pub const CHECK_TIMEPERIOD: u64 = 16384;
/// A custom variable changed.
pub const CUSTOM_VARIABLE: u64 = 32768;
/// Notification period changed.
pub const NOTIFICATION_TIMEPERIOD: u64 = 65536;
