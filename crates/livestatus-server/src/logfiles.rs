//! The core's log as the `log` table reads it: the current `log_file` and the
//! archives in `log_archive_path` (`nagios-MM-DD-YYYY-HH.log`), newest first.
//! A helper for the core's `Site::log_lines`; files whose time range cannot
//! overlap the query's are skipped.

use std::fs;
use std::path::{Path, PathBuf};

fn first_time(path: &Path) -> Option<i64> {
    let text = fs::read_to_string(path).ok()?;
    text.lines().find_map(line_time)
}

fn line_time(l: &str) -> Option<i64> {
    l.strip_prefix('[')?.split_once(']')?.0.parse().ok()
}

/// Visits the lines of `log_file` and the archives with a time in `from..=until`,
/// newest first (within a second, in reverse file order), until `visit` returns
/// false. Unreadable files are skipped.
pub fn visit_log_lines(
    log_file: &Path,
    archive_dir: Option<&Path>,
    from: i64,
    until: i64,
    visit: &mut dyn FnMut(&str) -> bool,
) {
    // (first time in file, path); newest file first.
    let mut files: Vec<(i64, PathBuf)> = Vec::new();
    if let Some(dir) = archive_dir {
        if let Ok(rd) = fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().and_then(|x| x.to_str()) == Some("log") {
                    if let Some(t) = first_time(&p) {
                        files.push((t, p));
                    }
                }
            }
        }
    }
    files.sort();
    files.push((
        first_time(log_file).unwrap_or(i64::MIN),
        log_file.to_path_buf(),
    ));
    // A file holds lines from its first time up to the next file's first time.
    for i in (0..files.len()).rev() {
        let start = files[i].0;
        let end = files.get(i + 1).map(|f| f.0).unwrap_or(i64::MAX);
        if end < from || start > until {
            continue;
        }
        let Ok(text) = fs::read_to_string(&files[i].1) else {
            continue;
        };
        for l in text.lines().rev() {
            let Some(t) = line_time(l) else { continue };
            if t < from || t > until {
                continue;
            }
            if !visit(l) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_over_archives() {
        let d = tempfile::tempdir().unwrap();
        let arch = d.path().join("archives");
        fs::create_dir(&arch).unwrap();
        fs::write(arch.join("nagios-01-01-2026-00.log"), "[100] a\n[150] b\n").unwrap();
        fs::write(d.path().join("nagios.log"), "[200] c\n[250] d\n").unwrap();
        let mut seen = Vec::new();
        visit_log_lines(
            &d.path().join("nagios.log"),
            Some(&arch),
            0,
            1000,
            &mut |l| {
                seen.push(l.to_string());
                true
            },
        );
        assert_eq!(seen, ["[250] d", "[200] c", "[150] b", "[100] a"]);
        let mut seen = Vec::new();
        visit_log_lines(
            &d.path().join("nagios.log"),
            Some(&arch),
            120,
            210,
            &mut |l| {
                seen.push(l.to_string());
                true
            },
        );
        assert_eq!(seen, ["[200] c", "[150] b"]);
    }
}
