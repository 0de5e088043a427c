//! Performance data as plugins print it (`'label'=value[UOM];warn;crit;min;max`,
//! space separated), read into numbers for the object page's small charts.
//! Malformed items are skipped.

/// One perfdata item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The label (quotes removed).
    pub label: String,
    /// The value.
    pub value: f64,
    /// Unit of measure (`s`, `%`, `B`, `KB`, `c`, ... or empty).
    pub uom: String,
}

/// Parses a perfdata string.
pub fn parse(perf: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut rest = perf.trim();
    while !rest.is_empty() {
        // The label: quoted ('' is a quote inside it) or up to '='.
        let (label, after) = if let Some(r) = rest.strip_prefix('\'') {
            let mut label = String::new();
            let mut chars = r.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if r[i + 1..].starts_with('\'') {
                        label.push('\'');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    label.push(c);
                }
            }
            match end {
                Some(e) => (label, &r[e..]),
                None => break,
            }
        } else {
            match rest.find('=') {
                Some(i) => (rest[..i].to_string(), &rest[i..]),
                None => break,
            }
        };
        let Some(after) = after.strip_prefix('=') else {
            // Skip to the next item.
            rest = after.split_once(' ').map_or("", |(_, r)| r).trim_start();
            continue;
        };
        let (item, next) = after.split_once(' ').unwrap_or((after, ""));
        rest = next.trim_start();
        let v = item.split(';').next().unwrap_or("");
        let num_end = v
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
            .map_or(v.len(), |(i, _)| i);
        let (num, uom) = v.split_at(num_end);
        if let Ok(value) = num.replace(',', ".").parse::<f64>() {
            if value.is_finite() && !label.trim().is_empty() {
                out.push(Item {
                    label: label.trim().to_string(),
                    value,
                    uom: uom.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plugin_formats() {
        // check_load, check_disk and check_http style output (monitoring-plugins).
        let p = parse("load1=0.120;15.000;30.000;0; load5=0.090;10.000;25.000;0;");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].label.as_str(), p[0].value), ("load1", 0.12));
        let p = parse("'/var lib'=1542MB;;;0;2047 time=0.5s;;;0.000000 size=512B;;;0");
        assert_eq!(p[0].label, "/var lib");
        assert_eq!((p[0].value, p[0].uom.as_str()), (1542.0, "MB"));
        assert_eq!((p[1].value, p[1].uom.as_str()), (0.5, "s"));
        assert_eq!(p[2].uom, "B");
        assert!(parse("garbage").is_empty());
        assert_eq!(parse("a=U;1;2 b=3").len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,120}") {
            let _ = parse(&s);
        }
    }
}
