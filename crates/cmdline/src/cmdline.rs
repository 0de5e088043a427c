//! The macro-expanded command line as the macro layer hands it over: a sequence of
//! admin-written code and run-time data segments.
//!
//! The split matters for security: only [`Segment::Code`] text is ever parsed (for the
//! direct-exec/shell decision, word splitting and shell syntax); [`Segment::Data`] text
//! is treated as opaque bytes by [`crate::plan()`].

/// One piece of an expanded command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Admin-written text: the `command_line` itself, `$USERn$`, `$ARGn$`, object names,
    /// custom variables. Parsed like Nagios parses a command line.
    Code(String),
    /// Run-time values (plugin output, long output, perfdata, acknowledgement and
    /// comment texts). Never parsed; only placed into words.
    Data(String),
}

impl Segment {
    /// The raw text of the segment, whatever its kind.
    pub fn text(&self) -> &str {
        match self {
            Segment::Code(s) | Segment::Data(s) => s,
        }
    }

    /// True for [`Segment::Data`].
    pub fn is_data(&self) -> bool {
        matches!(self, Segment::Data(_))
    }
}

/// A macro-expanded command line made of code and data segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// The segments in order. Adjacent segments of the same kind are allowed; they are
    /// equivalent to one merged segment.
    pub segments: Vec<Segment>,
}

impl CommandLine {
    /// An empty command line.
    pub fn new() -> Self {
        Self::default()
    }

    /// A command line consisting of admin-written text only.
    pub fn from_code(code: &str) -> Self {
        let mut c = Self::new();
        c.push_code(code);
        c
    }

    /// Appends admin-written text (merged into the previous segment if it is code too).
    pub fn push_code(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Segment::Code(prev)) = self.segments.last_mut() {
            prev.push_str(s);
        } else {
            self.segments.push(Segment::Code(s.to_owned()));
        }
    }

    /// Appends a run-time value (merged into the previous segment if it is data too).
    pub fn push_data(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Segment::Data(prev)) = self.segments.last_mut() {
            prev.push_str(s);
        } else {
            self.segments.push(Segment::Data(s.to_owned()));
        }
    }

    /// Plain concatenation of all segments, as Nagios would show the command (log lines).
    pub fn to_display_string(&self) -> String {
        let len = self.segments.iter().map(|s| s.text().len()).sum();
        let mut out = String::with_capacity(len);
        for s in &self.segments {
            out.push_str(s.text());
        }
        out
    }

    /// True if the concatenated command line is empty.
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.text().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_merges_adjacent_segments_of_same_kind() {
        let mut c = CommandLine::new();
        c.push_code("a ");
        c.push_code("b ");
        c.push_data("x");
        c.push_data("y");
        c.push_data("");
        c.push_code("");
        c.push_code(" z");
        assert_eq!(
            c.segments,
            vec![
                Segment::Code("a b ".into()),
                Segment::Data("xy".into()),
                Segment::Code(" z".into())
            ]
        );
        assert_eq!(c.to_display_string(), "a b xy z");
        assert!(!c.is_empty());
        assert!(CommandLine::new().is_empty());
    }
}
