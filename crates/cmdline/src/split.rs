//! Nagios 4's word splitter (`runcmd_cmd2strv`), run over code and data segments: it
//! decides whether a line needs `/bin/sh` (code only decides) and, when it does not,
//! yields the words of a direct exec.

use crate::plan::{is_ws, Plan, ShellReasons};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Quote {
    #[default]
    None,
    Single,
    Double,
}

#[derive(Debug, Default)]
struct Word {
    text: String,
    /// Byte index of the first `=` if it came from code and no data preceded it.
    eq: Option<usize>,
    /// Data was appended before any code `=`.
    data_before_eq: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Splitter {
    words: Vec<Word>,
    cur: Option<Word>,
    quote: Quote,
    reasons: u16,
}

impl Splitter {
    fn word(&mut self) -> &mut Word {
        self.cur.get_or_insert_with(Word::default)
    }

    fn code_char(&mut self, c: char) {
        let w = self.word();
        if c == '=' && w.eq.is_none() && !w.data_before_eq {
            w.eq = Some(w.text.len());
        }
        w.text.push(c);
    }

    fn data_str(&mut self, s: &str) {
        let w = self.word();
        if w.eq.is_none() {
            w.data_before_eq = true;
        }
        w.text.push_str(s);
    }

    fn end_word(&mut self) {
        if let Some(w) = self.cur.take() {
            self.words.push(w);
        }
    }

    fn dollar(&mut self, next: Option<&char>) {
        self.reasons |= if next == Some(&'(') {
            ShellReasons::SUBCOMMAND
        } else {
            ShellReasons::SHVAR
        };
        self.code_char('$');
    }

    pub(crate) fn code(&mut self, s: &str) {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            match self.quote {
                Quote::Single => {
                    if c == '\'' {
                        self.quote = Quote::None;
                    } else {
                        self.code_char(c);
                    }
                }
                Quote::Double => match c {
                    '"' => self.quote = Quote::None,
                    '\\' => match it.peek().copied() {
                        Some(n @ ('"' | '\\' | '$' | '`')) => {
                            it.next();
                            self.code_char(n);
                        }
                        Some('\n') => {
                            it.next();
                        }
                        _ => self.code_char('\\'),
                    },
                    '$' => self.dollar(it.peek()),
                    '`' => {
                        self.reasons |= ShellReasons::SUBCOMMAND;
                        self.code_char(c);
                    }
                    _ => self.code_char(c),
                },
                Quote::None => match c {
                    c if is_ws(c) => self.end_word(),
                    '\\' => match it.next() {
                        Some('\n') => {}
                        Some(n) => self.code_char(n),
                        // A trailing backslash (end of the line, or before data) is literal.
                        None => self.code_char('\\'),
                    },
                    '\'' => {
                        self.word();
                        self.quote = Quote::Single;
                    }
                    '"' => {
                        self.word();
                        self.quote = Quote::Double;
                    }
                    '|' | '<' | '>' => {
                        self.reasons |= ShellReasons::REDIR;
                        self.code_char(c);
                    }
                    '&' | ';' => {
                        self.reasons |= ShellReasons::JOBCONTROL;
                        self.code_char(c);
                    }
                    '`' => {
                        self.reasons |= ShellReasons::SUBCOMMAND;
                        self.code_char(c);
                    }
                    '(' | ')' => {
                        self.reasons |= ShellReasons::PAREN;
                        self.code_char(c);
                    }
                    '$' => self.dollar(it.peek()),
                    '*' | '?' => {
                        self.reasons |= ShellReasons::WILDCARD;
                        self.code_char(c);
                    }
                    _ => self.code_char(c),
                },
            }
        }
    }

    pub(crate) fn data(&mut self, s: &str) {
        if self.quote != Quote::None {
            self.data_str(s);
            return;
        }
        let mut rest = s;
        while !rest.is_empty() {
            match rest.find(is_ws) {
                Some(0) => {
                    self.end_word();
                    rest = rest.trim_start_matches(is_ws);
                }
                Some(i) => {
                    self.data_str(&rest[..i]);
                    rest = &rest[i..];
                }
                None => {
                    self.data_str(rest);
                    rest = "";
                }
            }
        }
    }

    pub(crate) fn finish(&mut self) -> ShellReasons {
        match self.quote {
            Quote::Single => self.reasons |= ShellReasons::UNBALANCED_SQ,
            Quote::Double => self.reasons |= ShellReasons::UNBALANCED_DQ,
            Quote::None => {}
        }
        self.end_word();
        ShellReasons(self.reasons)
    }

    pub(crate) fn into_direct(self) -> Plan {
        let mut env = Vec::new();
        let mut argv = Vec::with_capacity(self.words.len());
        let mut in_env = true;
        for w in self.words {
            match w.eq {
                Some(i) if in_env => {
                    env.push((w.text[..i].to_owned(), w.text[i + 1..].to_owned()));
                }
                _ => {
                    in_env = false;
                    argv.push(w.text);
                }
            }
        }
        Plan::Direct { argv, env }
    }
}
