//! Log rotation (`log_rotation_method` h/d/w/m into `log_archive_path`): when logs
//! rotate and what archives are called (pure functions of the time, in the local
//! zone), and the rotation itself: the log is renamed to
//! `nagios-MM-DD-YYYY-HH.log` (named after the rotation time; skipped if that file
//! exists) and a new one starts with `LOG ROTATION`, `LOG VERSION` and, with
//! `log_current_states`, the `CURRENT ... STATE` of every object.

use chrono::{Datelike, Duration, Local, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use vigil_core::Core;
use vigil_events::{Event, ProgramEvent, StateReport};

use crate::logfile::LogFile;

/// The first rotation time after `now`, or `None` for `n` (no rotation).
pub fn next(method: char, now: i64) -> Option<i64> {
    let local = Local.timestamp_opt(now, 0).single()?.naive_local();
    next_wall(method, local).and_then(|w| {
        Local
            .from_local_datetime(&w)
            .earliest()
            .map(|t| t.timestamp())
    })
}

/// [`next`] on local wall-clock time.
pub fn next_wall(method: char, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0);
    match method {
        'h' => now
            .date()
            .and_hms_opt(now.hour(), 0, 0)
            .map(|t| t + Duration::hours(1)),
        'd' => midnight(now.date().succ_opt()?),
        'w' => {
            let days = 7 - now.weekday().num_days_from_sunday() as i64;
            midnight(now.date() + Duration::days(days))
        }
        'm' => {
            let (y, m) = if now.month() == 12 {
                (now.year() + 1, 1)
            } else {
                (now.year(), now.month() + 1)
            };
            midnight(NaiveDate::from_ymd_opt(y, m, 1)?)
        }
        _ => None,
    }
}

/// `LOG ROTATION:` word of a method.
pub fn method_name(method: char) -> &'static str {
    match method {
        'h' => "HOURLY",
        'd' => "DAILY",
        'w' => "WEEKLY",
        'm' => "MONTHLY",
        _ => "NONE",
    }
}

/// `nagios-MM-DD-YYYY-HH.log` for the rotation time `at` (local time).
pub fn archive_name(at: i64) -> String {
    let t = Local
        .timestamp_opt(at, 0)
        .single()
        .map(|t| t.naive_local())
        .unwrap_or_default();
    format!(
        "nagios-{:02}-{:02}-{:04}-{:02}.log",
        t.month(),
        t.day(),
        t.year(),
        t.hour()
    )
}

/// Rotates the log at the boundary `at` (see the module documentation). Pending
/// events of the core are expected to be written already.
pub fn rotate_log(core: &mut Core, log: &mut LogFile, at: i64) {
    let model = core.model().clone();
    let main = &model.main;
    let Some(dir) = main.log_archive_path.clone() else {
        return;
    };
    let archive = dir.join(archive_name(at));
    if archive.exists() {
        return;
    }
    if let Err(e) = std::fs::rename(&main.log_file, &archive) {
        let text = format!("Unable to archive log file '{}': {e}", archive.display());
        crate::runner::write_event(
            log,
            at,
            &Event::Program(ProgramEvent::Problem { error: true, text }),
        );
        return;
    }
    let echo = log.echo;
    match LogFile::open(&main.log_file) {
        Ok(l) => *log = l,
        Err(e) => eprintln!("vigil: cannot reopen {}: {e}", main.log_file.display()),
    }
    log.echo = echo;
    let method = method_name(main.log_rotation_method).to_string();
    crate::runner::write_event(
        log,
        at,
        &Event::Program(ProgramEvent::LogRotation { method }),
    );
    crate::runner::write_event(log, at, &Event::Program(ProgramEvent::LogVersion));
    if main.log_current_states {
        core.report_states(StateReport::Current);
        for e in core.take_events() {
            crate::runner::write_event(log, at, &e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn rotation_boundaries() {
        // 2026-11-25 is a Wednesday.
        let now = at(2026, 11, 25, 13, 37);
        assert_eq!(next_wall('h', now), Some(at(2026, 11, 25, 14, 0)));
        assert_eq!(next_wall('d', now), Some(at(2026, 11, 26, 0, 0)));
        assert_eq!(next_wall('w', now), Some(at(2026, 11, 29, 0, 0)));
        assert_eq!(next_wall('m', now), Some(at(2026, 12, 1, 0, 0)));
        assert_eq!(
            next_wall('m', at(2026, 12, 31, 23, 0)),
            Some(at(2027, 1, 1, 0, 0))
        );
        // A Sunday rotates on the next Sunday, not at once.
        assert_eq!(
            next_wall('w', at(2026, 11, 29, 0, 0)),
            Some(at(2026, 12, 6, 0, 0))
        );
        assert_eq!(next_wall('n', now), None);
    }

    #[test]
    fn names() {
        assert_eq!(method_name('d'), "DAILY");
        let t = Local
            .from_local_datetime(&at(2026, 11, 26, 0, 0))
            .earliest()
            .unwrap()
            .timestamp();
        assert_eq!(archive_name(t), "nagios-11-26-2026-00.log");
    }

    #[test]
    fn rotation_archives_the_log_and_starts_the_new_one_like_nagios() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("archives")).unwrap();
        std::fs::write(
            d.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n}\n\
             define service {\n host_name h\n service_description s\n check_command c\n max_check_attempts 1\n}\n",
        )
        .unwrap();
        std::fs::write(
            d.join("nagios.cfg"),
            format!(
                "log_file={0}/nagios.log\nlog_archive_path={0}/archives\nlog_rotation_method=h\ncfg_file={0}/objects.cfg\n",
                d.display()
            ),
        )
        .unwrap();
        let (model, _) = vigil_config::load(&d.join("nagios.cfg")).unwrap();
        let mut core = Core::new(
            std::sync::Arc::new(model.clone()),
            vigil_config::zone::Zone::utc(),
            1000.0,
            1,
        );
        let mut log = LogFile::open(&model.main.log_file).unwrap();
        log.write(1000, "before the rotation");

        let at = next('h', 1000).unwrap();
        rotate_log(&mut core, &mut log, at);
        let archive = d.join("archives").join(archive_name(at));
        let old = std::fs::read_to_string(&archive).unwrap();
        assert_eq!(old, "[1000] before the rotation\n");
        let new = std::fs::read_to_string(&model.main.log_file).unwrap();
        let lines: Vec<&str> = new.lines().collect();
        assert_eq!(lines[0], format!("[{at}] LOG ROTATION: HOURLY"));
        assert_eq!(lines[1], format!("[{at}] LOG VERSION: 2.0"));
        assert!(
            lines[2].starts_with(&format!("[{at}] CURRENT HOST STATE: h;")),
            "{new}"
        );
        assert!(
            lines[3].starts_with(&format!("[{at}] CURRENT SERVICE STATE: h;s;")),
            "{new}"
        );

        // The same boundary again (a second timer firing) does not overwrite the archive.
        log.write(at + 1, "after");
        rotate_log(&mut core, &mut log, at);
        assert_eq!(std::fs::read_to_string(&archive).unwrap(), old);
        assert!(std::fs::read_to_string(&model.main.log_file)
            .unwrap()
            .ends_with("after\n"));
    }
}
