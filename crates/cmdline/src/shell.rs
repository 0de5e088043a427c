//! The `/bin/sh -c` script builder: code text verbatim, each data value replaced by a
//! reference to a `VIGIL_DATA_<n>` environment variable, quoted for the context the
//! code puts it in (so the shell expands data but never parses it).

use crate::plan::{is_ws, PlanError, DATA_VAR_PREFIX};

/// Lexical context of the shell at the current position of the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Unquoted top level.
    Top,
    /// Inside `"..."`.
    Dq,
    /// Inside `'...'`.
    Sq,
    /// Inside `$( ... )`, with the depth of nested unquoted parentheses.
    CmdSub(u32),
    /// Inside `` `...` ``.
    Backtick,
    /// Inside `${ ... }`; `dq` if the expansion itself is within double quotes.
    Param { dq: bool },
    /// Inside `$(( ... ))`, with the depth of nested parentheses.
    Arith(u32),
    /// Inside a `#` comment (until newline).
    Comment,
}

pub(crate) struct ShellBuilder {
    pub(crate) script: String,
    pub(crate) env: Vec<(String, String)>,
    stack: Vec<Frame>,
    word_start: bool,
}

impl ShellBuilder {
    pub(crate) fn new() -> Self {
        Self {
            script: String::new(),
            env: Vec::new(),
            stack: vec![Frame::Top],
            word_start: true,
        }
    }

    fn frame(&self) -> Frame {
        self.stack.last().copied().unwrap_or(Frame::Top)
    }

    fn set_frame(&mut self, f: Frame) {
        if let Some(top) = self.stack.last_mut() {
            *top = f;
        }
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    fn in_dq(&self) -> bool {
        matches!(self.frame(), Frame::Dq | Frame::Param { dq: true })
    }

    /// A backslash escapes the next code character; a backslash with nothing after it in
    /// this code segment but data following is made literal (`\\`), so that it cannot
    /// escape the quote or `$` of the inserted reference.
    fn backslash(&mut self, it: &mut std::iter::Peekable<std::str::Chars<'_>>, data_follows: bool) {
        match it.next() {
            Some(n) => {
                self.script.push('\\');
                self.script.push(n);
            }
            None if data_follows => {
                // A literal backslash; each enclosing backquote level halves them.
                for _ in 0..(2usize << self.backquote_depth()) {
                    self.script.push('\\');
                }
            }
            None => self.script.push('\\'),
        }
    }

    /// Number of enclosing backquote substitutions (whose text is parsed again with
    /// backslash escapes removed).
    fn backquote_depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| **f == Frame::Backtick)
            .count()
            .min(4)
    }

    /// Handles a `$`; returns true if it opened a command substitution (a new command
    /// starts there, so a `#` right after it begins a comment).
    fn dollar(
        &mut self,
        it: &mut std::iter::Peekable<std::str::Chars<'_>>,
        data_follows: bool,
    ) -> bool {
        match it.peek().copied() {
            Some('(') => {
                it.next();
                if it.peek() == Some(&'(') {
                    it.next();
                    self.script.push_str("$((");
                    self.stack.push(Frame::Arith(0));
                } else {
                    self.script.push_str("$(");
                    self.stack.push(Frame::CmdSub(0));
                    return true;
                }
            }
            Some('{') => {
                it.next();
                let dq = self.in_dq();
                self.script.push_str("${");
                self.stack.push(Frame::Param { dq });
            }
            // A `$` right before data would otherwise merge with the reference's `$`
            // or quote; make it a literal dollar.
            None if data_follows => {
                for _ in 0..((2usize << self.backquote_depth()) - 1) {
                    self.script.push('\\');
                }
                self.script.push('$');
            }
            _ => self.script.push('$'),
        }
        false
    }

    pub(crate) fn code(&mut self, s: &str, data_follows: bool) {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            match self.frame() {
                Frame::Sq => {
                    self.script.push(c);
                    if c == '\'' {
                        self.pop();
                    }
                }
                Frame::Comment => {
                    self.script.push(c);
                    if c == '\n' {
                        self.pop();
                        self.word_start = true;
                    }
                }
                Frame::Dq => match c {
                    '"' => {
                        self.script.push(c);
                        self.pop();
                    }
                    '\\' => self.backslash(&mut it, data_follows),
                    '$' => {
                        if self.dollar(&mut it, data_follows) {
                            self.word_start = true;
                            continue;
                        }
                    }
                    '`' => {
                        self.script.push(c);
                        self.stack.push(Frame::Backtick);
                        self.word_start = true;
                        continue;
                    }
                    _ => self.script.push(c),
                },
                Frame::Arith(depth) => match c {
                    '(' => {
                        self.script.push(c);
                        self.set_frame(Frame::Arith(depth + 1));
                    }
                    ')' => {
                        self.script.push(c);
                        if depth > 0 {
                            self.set_frame(Frame::Arith(depth - 1));
                        } else if it.peek() == Some(&')') {
                            it.next();
                            self.script.push(')');
                            self.pop();
                        }
                    }
                    '\\' => self.backslash(&mut it, data_follows),
                    '$' => {
                        self.dollar(&mut it, data_follows);
                    }
                    '"' => {
                        self.script.push(c);
                        self.stack.push(Frame::Dq);
                    }
                    '\'' => {
                        self.script.push(c);
                        self.stack.push(Frame::Sq);
                    }
                    '`' => {
                        self.script.push(c);
                        self.stack.push(Frame::Backtick);
                    }
                    _ => self.script.push(c),
                },
                frame @ (Frame::Top | Frame::CmdSub(_) | Frame::Backtick | Frame::Param { .. }) => {
                    let mut word_start = false;
                    match c {
                        ' ' | '\t' | '\n' => {
                            self.script.push(c);
                            word_start = true;
                        }
                        '#' if self.word_start && !matches!(frame, Frame::Param { .. }) => {
                            self.script.push(c);
                            self.stack.push(Frame::Comment);
                        }
                        '\\' => self.backslash(&mut it, data_follows),
                        '\'' => {
                            self.script.push(c);
                            if frame != (Frame::Param { dq: true }) {
                                self.stack.push(Frame::Sq);
                            }
                        }
                        '"' => {
                            self.script.push(c);
                            self.stack.push(Frame::Dq);
                        }
                        '`' => {
                            self.script.push(c);
                            if frame == Frame::Backtick {
                                self.pop();
                            } else {
                                self.stack.push(Frame::Backtick);
                                word_start = true;
                            }
                        }
                        '$' => word_start = self.dollar(&mut it, data_follows),
                        '(' => {
                            self.script.push(c);
                            if let Frame::CmdSub(d) = frame {
                                self.set_frame(Frame::CmdSub(d + 1));
                            }
                            word_start = true;
                        }
                        ')' => {
                            self.script.push(c);
                            if let Frame::CmdSub(d) = frame {
                                if d == 0 {
                                    self.pop();
                                } else {
                                    self.set_frame(Frame::CmdSub(d - 1));
                                }
                            }
                            word_start = true;
                        }
                        '}' if matches!(frame, Frame::Param { .. }) => {
                            self.script.push(c);
                            self.pop();
                        }
                        ';' | '&' | '|' | '<' | '>' => {
                            self.script.push(c);
                            word_start = true;
                        }
                        _ => self.script.push(c),
                    }
                    self.word_start = word_start;
                    continue;
                }
            }
            self.word_start = false;
        }
    }

    fn var(&mut self, value: &str) -> String {
        let name = format!("{DATA_VAR_PREFIX}{}", self.env.len());
        self.env.push((name.clone(), value.to_owned()));
        name
    }

    pub(crate) fn data(&mut self, s: &str) -> Result<(), PlanError> {
        match self.frame() {
            Frame::Arith(_) => return Err(PlanError::DataInArithmetic),
            Frame::Comment => return Ok(()),
            Frame::Sq => {
                let v = self.var(s);
                self.script.push_str("'\"${");
                self.script.push_str(&v);
                self.script.push_str("}\"'");
            }
            Frame::Dq | Frame::Param { dq: true } => {
                let v = self.var(s);
                self.script.push_str("${");
                self.script.push_str(&v);
                self.script.push('}');
            }
            Frame::Top | Frame::CmdSub(_) | Frame::Backtick | Frame::Param { dq: false } => {
                let starts_ws = s.starts_with(is_ws);
                let ends_ws = s.ends_with(is_ws);
                if starts_ws {
                    self.script.push(' ');
                }
                let mut any = false;
                for piece in s.split(is_ws).filter(|p| !p.is_empty()) {
                    if any {
                        self.script.push(' ');
                    }
                    let v = self.var(piece);
                    self.script.push_str("\"${");
                    self.script.push_str(&v);
                    self.script.push_str("}\"");
                    any = true;
                }
                if ends_ws && any {
                    self.script.push(' ');
                }
                self.word_start = ends_ws;
                return Ok(());
            }
        }
        self.word_start = false;
        Ok(())
    }
}
