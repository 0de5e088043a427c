//! Planning: turns a macro-expanded [`CommandLine`] into a [`Plan`] — either a direct
//! `execvp` of words, or a `/bin/sh -c` script.
//!
//! The decision and the word splitting follow Nagios 4's `runcmd_cmd2strv` heuristic
//! (checks-and-states.md §2.1), applied to the **code** text only:
//! a shell is used if any of `| < > & ; ( ) * ?` appears unquoted, `$` or a backquote
//! appears outside single quotes (and not backslash-escaped), or a quote is unbalanced.
//! Otherwise the line is split into words like sh does, and leading words containing
//! an admin-written `=` become environment variables of the child.
//!
//! Data segments never influence that decision. In a direct plan they are placed into
//! words (verbatim inside quotes, split on white space where unquoted). In a shell
//! plan every data value is handed over in an environment variable
//! (`VIGIL_DATA_<n>`) that the script references; the script never contains data bytes,
//! so the shell expands data but never parses it.

use crate::cmdline::CommandLine;
use crate::shell::ShellBuilder;
use crate::split::Splitter;
use std::borrow::Cow;

/// Prefix of the environment variables carrying data values into a shell plan.
pub const DATA_VAR_PREFIX: &str = "VIGIL_DATA_";

/// How a command line is to be run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// `execvp(argv[0], argv)` with `env` added to the child's environment.
    /// An empty `argv` means the line held only `VAR=value` words; running it yields
    /// Nagios's `No command after variables.` failure.
    Direct {
        /// The words; `argv[0]` is the program (looked up in `PATH` if it has no `/`).
        argv: Vec<String>,
        /// Leading `VAR=value` words, in order.
        env: Vec<(String, String)>,
    },
    /// `/bin/sh -c script` with `env` (the `VIGIL_DATA_<n>` values) added.
    Shell {
        /// The shell script: code text with data replaced by variable references.
        script: String,
        /// The data variables referenced by `script`.
        env: Vec<(String, String)>,
    },
}

impl Plan {
    /// True for [`Plan::Shell`].
    pub fn is_shell(&self) -> bool {
        matches!(self, Plan::Shell { .. })
    }

    /// The environment variables this plan adds.
    pub fn env(&self) -> &[(String, String)] {
        match self {
            Plan::Direct { env, .. } | Plan::Shell { env, .. } => env,
        }
    }
}

/// Why a command line could not be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The command line is empty (Nagios refuses to run it too).
    #[error("empty command line")]
    Empty,
    /// A segment contains a NUL byte, which cannot be passed to a process.
    #[error("command line contains a NUL byte (in {})", if *in_data { "run-time data" } else { "admin-written text" })]
    NulByte {
        /// True if the NUL byte was in a data segment.
        in_data: bool,
    },
    /// A data value sits inside a shell arithmetic expansion `$(( ))`, where some shells
    /// evaluate variable contents as code; vigil refuses this.
    #[error("run-time data inside a shell arithmetic expansion $((...)) is refused")]
    DataInArithmetic,
}

/// Reasons, as a bit set, why Nagios's heuristic requires `/bin/sh` (its `RUNCMD_HAS_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShellReasons(pub u16);

impl ShellReasons {
    /// Unquoted `|`, `<` or `>`.
    pub const REDIR: u16 = 1 << 0;
    /// A backquote, or `$(`, outside single quotes.
    pub const SUBCOMMAND: u16 = 1 << 1;
    /// Unquoted `(` or `)`.
    pub const PAREN: u16 = 1 << 2;
    /// Unquoted `&` or `;`.
    pub const JOBCONTROL: u16 = 1 << 3;
    /// Unbalanced single quote.
    pub const UNBALANCED_SQ: u16 = 1 << 4;
    /// Unbalanced double quote.
    pub const UNBALANCED_DQ: u16 = 1 << 5;
    /// `$` outside single quotes (shell variable).
    pub const SHVAR: u16 = 1 << 6;
    /// Unquoted `*` or `?`.
    pub const WILDCARD: u16 = 1 << 7;

    /// True if no reason was found (direct exec is possible).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// White space that separates words in Nagios's splitter (also used to split data).
pub(crate) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Turns a macro-expanded command line into a plan (see the module documentation).
pub fn plan(cmd: &CommandLine) -> Result<Plan, PlanError> {
    if cmd.is_empty() {
        return Err(PlanError::Empty);
    }
    for s in &cmd.segments {
        if s.text().contains('\0') {
            return Err(PlanError::NulByte {
                in_data: s.is_data(),
            });
        }
    }
    let segs = normalize(cmd);
    let mut sp = Splitter::default();
    for (is_data, text) in &segs {
        if *is_data {
            sp.data(text);
        } else {
            sp.code(text);
        }
    }
    let reasons = sp.finish();
    if reasons.is_empty() {
        return Ok(sp.into_direct());
    }
    let mut sb = ShellBuilder::new();
    for (i, (is_data, text)) in segs.iter().enumerate() {
        if *is_data {
            sb.data(text)?;
        } else {
            let data_follows = segs.get(i + 1).is_some_and(|(d, _)| *d);
            sb.code(text, data_follows);
        }
    }
    Ok(Plan::Shell {
        script: sb.script,
        env: sb.env,
    })
}

/// Like [`plan`], but always a `/bin/sh -c` script: for commands Nagios runs with
/// `popen` whatever they contain (the perfdata file processing commands). Data
/// segments are handed over in variables as in any shell plan.
pub fn plan_shell(cmd: &CommandLine) -> Result<Plan, PlanError> {
    if cmd.is_empty() {
        return Err(PlanError::Empty);
    }
    for s in &cmd.segments {
        if s.text().contains('\0') {
            return Err(PlanError::NulByte {
                in_data: s.is_data(),
            });
        }
    }
    let segs = normalize(cmd);
    let mut sb = ShellBuilder::new();
    for (i, (is_data, text)) in segs.iter().enumerate() {
        if *is_data {
            sb.data(text)?;
        } else {
            let data_follows = segs.get(i + 1).is_some_and(|(d, _)| *d);
            sb.code(text, data_follows);
        }
    }
    Ok(Plan::Shell {
        script: sb.script,
        env: sb.env,
    })
}

/// Why the shell would be chosen for this command line (empty = direct exec).
pub fn shell_reasons(cmd: &CommandLine) -> ShellReasons {
    let mut sp = Splitter::default();
    for (is_data, text) in normalize(cmd) {
        if is_data {
            sp.data(&text);
        } else {
            sp.code(&text);
        }
    }
    sp.finish()
}

/// Merges adjacent segments of the same kind and drops empty ones.
fn normalize(cmd: &CommandLine) -> Vec<(bool, Cow<'_, str>)> {
    let mut out: Vec<(bool, Cow<'_, str>)> = Vec::with_capacity(cmd.segments.len());
    for s in &cmd.segments {
        let (d, t) = (s.is_data(), s.text());
        if t.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some((pd, prev)) if *pd == d => prev.to_mut().push_str(t),
            _ => out.push((d, Cow::Borrowed(t))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CommandLine {
        CommandLine::from_code(s)
    }

    fn segs(parts: &[(bool, &str)]) -> CommandLine {
        let mut c = CommandLine::new();
        for (d, t) in parts {
            if *d {
                c.push_data(t);
            } else {
                c.push_code(t);
            }
        }
        c
    }

    fn direct(argv: &[&str]) -> Plan {
        Plan::Direct {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            env: vec![],
        }
    }

    fn shell(script: &str, env: &[(&str, &str)]) -> Plan {
        Plan::Shell {
            script: script.to_owned(),
            env: env
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn simple_words_are_direct() {
        assert_eq!(
            plan(&code("/usr/lib/nagios/plugins/check_dummy 2 'hello world'")).unwrap(),
            direct(&["/usr/lib/nagios/plugins/check_dummy", "2", "hello world"])
        );
        assert_eq!(
            plan(&code("  a\tb\n c\r d  ")).unwrap(),
            direct(&["a", "b", "c", "d"])
        );
    }

    #[test]
    fn quotes_and_backslashes_like_sh() {
        assert_eq!(
            plan(&code(
                r#"x "a b" 'c d' e\ f "g\"h" 'i\j' "k\l" m"n"'o' "" ''"#
            ))
            .unwrap(),
            direct(&["x", "a b", "c d", "e f", "g\"h", "i\\j", "k\\l", "mno", "", ""])
        );
        // Escaped specials do not need a shell.
        assert_eq!(
            plan(&code(r"x \| \; \$HOME \* \( a\&b")).unwrap(),
            direct(&["x", "|", ";", "$HOME", "*", "(", "a&b"])
        );
        // Specials inside single quotes are literal.
        assert_eq!(
            plan(&code("x '$a|b;c&d*e?(f)`g`<h>'")).unwrap(),
            direct(&["x", "$a|b;c&d*e?(f)`g`<h>"])
        );
        // Redirection/job control characters inside double quotes are literal too.
        assert_eq!(
            plan(&code(r#"x "a|b;c&d*e?(f)<h>" "\$x""#)).unwrap(),
            direct(&["x", "a|b;c&d*e?(f)<h>", "$x"])
        );
        // Trailing backslash is literal.
        assert_eq!(plan(&code(r"x a\")).unwrap(), direct(&["x", "a\\"]));
        // Characters Nagios does not consider special.
        assert_eq!(
            plan(&code("x ~ # {a,b} [ab] ! %")).unwrap(),
            direct(&["x", "~", "#", "{a,b}", "[ab]", "!", "%"])
        );
    }

    #[test]
    fn shell_reasons_match_nagios_list() {
        let cases: &[(&str, u16)] = &[
            ("a | b", ShellReasons::REDIR),
            ("a < b", ShellReasons::REDIR),
            ("a > b", ShellReasons::REDIR),
            ("a & b", ShellReasons::JOBCONTROL),
            ("a ; b", ShellReasons::JOBCONTROL),
            ("a $b", ShellReasons::SHVAR),
            ("a \"$b\"", ShellReasons::SHVAR),
            ("a $(b)", ShellReasons::SUBCOMMAND | ShellReasons::PAREN),
            ("a \"$(b)\"", ShellReasons::SUBCOMMAND),
            ("a `b`", ShellReasons::SUBCOMMAND),
            ("a \"`b`\"", ShellReasons::SUBCOMMAND),
            ("a (b)", ShellReasons::PAREN),
            ("a *", ShellReasons::WILDCARD),
            ("a ?", ShellReasons::WILDCARD),
            ("a 'b", ShellReasons::UNBALANCED_SQ),
            ("a \"b", ShellReasons::UNBALANCED_DQ),
            ("a b", 0),
            ("a '\"'", 0),
            ("a \"'\"", 0),
        ];
        for (c, want) in cases {
            assert_eq!(shell_reasons(&code(c)).0, *want, "{c}");
            assert_eq!(plan(&code(c)).unwrap().is_shell(), *want != 0, "{c}");
        }
        assert_eq!(
            plan(&code("echo $FOO | cat")).unwrap(),
            shell("echo $FOO | cat", &[])
        );
    }

    #[test]
    fn leading_assignments_become_env() {
        assert_eq!(
            plan(&code("A=1 B='x y' C= /bin/cmd D=2")).unwrap(),
            Plan::Direct {
                argv: vec!["/bin/cmd".into(), "D=2".into()],
                env: vec![
                    ("A".into(), "1".into()),
                    ("B".into(), "x y".into()),
                    ("C".into(), "".into())
                ],
            }
        );
        assert_eq!(
            plan(&code("A=1=2")).unwrap(),
            Plan::Direct {
                argv: vec![],
                env: vec![("A".into(), "1=2".into())]
            }
        );
        assert_eq!(
            plan(&code("   ")).unwrap(),
            Plan::Direct {
                argv: vec![],
                env: vec![]
            }
        );
    }

    #[test]
    fn data_never_makes_an_assignment() {
        // `=` coming from data does not turn the word into an assignment.
        assert_eq!(
            plan(&segs(&[(true, "LD_PRELOAD=/x"), (false, " /bin/cmd")])).unwrap(),
            direct(&["LD_PRELOAD=/x", "/bin/cmd"])
        );
        // Data before an admin `=` does not either (the name would come from data).
        assert_eq!(
            plan(&segs(&[(true, "NAME"), (false, "=1 /bin/cmd")])).unwrap(),
            direct(&["NAME=1", "/bin/cmd"])
        );
        // Admin-written name with a data value is an assignment.
        assert_eq!(
            plan(&segs(&[
                (false, "OUT="),
                (true, "a=b"),
                (false, " /bin/cmd")
            ]))
            .unwrap(),
            Plan::Direct {
                argv: vec!["/bin/cmd".into()],
                env: vec![("OUT".into(), "a=b".into())]
            }
        );
    }

    #[test]
    fn empty_and_nul() {
        assert_eq!(plan(&CommandLine::new()), Err(PlanError::Empty));
        assert_eq!(
            plan(&segs(&[(false, ""), (true, "")])),
            Err(PlanError::Empty)
        );
        assert_eq!(
            plan(&segs(&[(false, "a "), (true, "x\0y")])),
            Err(PlanError::NulByte { in_data: true })
        );
        assert_eq!(
            plan(&code("a\0")),
            Err(PlanError::NulByte { in_data: false })
        );
    }

    #[test]
    fn data_never_decides_shell() {
        for d in [
            "a|b",
            "$(touch${IFS}x)",
            "`x`",
            "a;b",
            "'",
            "\"",
            "*",
            "(",
            "a&b",
            "<x",
        ] {
            let c = segs(&[(false, "/bin/echo out="), (true, d)]);
            assert_eq!(
                plan(&c).unwrap(),
                direct(&["/bin/echo", &format!("out={d}")]),
                "{d}"
            );
            assert!(shell_reasons(&c).is_empty());
        }
    }

    #[test]
    fn direct_data_placement() {
        // Unquoted data is split on white space, gluing to adjacent code.
        let c = segs(&[(false, "x pre"), (true, "a b\tc\nd"), (false, "post y")]);
        assert_eq!(
            plan(&c).unwrap(),
            direct(&["x", "prea", "b", "c", "dpost", "y"])
        );
        // Leading/trailing white space in data ends the adjacent words.
        let c = segs(&[(false, "x pre"), (true, " a "), (false, "post")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", "pre", "a", "post"]));
        // White-space-only data separates words; empty data glues.
        let c = segs(&[(false, "x a"), (true, "  "), (false, "b")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", "a", "b"]));
        let c = segs(&[(false, "x a"), (true, ""), (false, "b")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", "ab"]));
        // Empty unquoted data alone produces no word.
        let c = segs(&[(false, "x "), (true, ""), (false, " y")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", "y"]));
        // Quoted data is verbatim, including quotes and backslashes.
        let c = segs(&[
            (false, "x \"dq:"),
            (true, "a \"b' \\c\n"),
            (false, "\" 'sq:"),
            (true, " it's \"x\" "),
            (false, "'"),
        ]);
        assert_eq!(
            plan(&c).unwrap(),
            direct(&["x", "dq:a \"b' \\c\n", "sq: it's \"x\" "])
        );
        // Empty quoted data still produces the (empty) quoted word.
        let c = segs(&[(false, "x ''"), (true, "")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", ""]));
        // A backslash at the end of a code segment is literal, not an escape of data.
        let c = segs(&[(false, "x a\\"), (true, " b")]);
        assert_eq!(plan(&c).unwrap(), direct(&["x", "a\\", "b"]));
        // Data can be the program itself (admin's choice), it is not parsed.
        let c = segs(&[(true, "/bin/echo;ls")]);
        assert_eq!(plan(&c).unwrap(), direct(&["/bin/echo;ls"]));
    }

    #[test]
    fn shell_data_references() {
        // Unquoted: pre-split into variables.
        let c = segs(&[(false, "echo pre"), (true, "a b"), (false, "post | cat")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo pre\"${VIGIL_DATA_0}\" \"${VIGIL_DATA_1}\"post | cat",
                &[("VIGIL_DATA_0", "a"), ("VIGIL_DATA_1", "b")]
            )
        );
        // Leading / trailing white space gives separating spaces.
        let c = segs(&[(false, "echo x"), (true, " a "), (false, "y;")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo x \"${VIGIL_DATA_0}\" y;", &[("VIGIL_DATA_0", "a")])
        );
        let c = segs(&[(false, "echo x"), (true, " \n "), (false, "y;")]);
        assert_eq!(plan(&c).unwrap(), shell("echo x y;", &[]));
        let c = segs(&[(false, "echo x"), (true, ""), (false, "y;")]);
        assert_eq!(plan(&c).unwrap(), shell("echo xy;", &[]));
        // Double quotes: plain reference.
        let c = segs(&[
            (false, "echo \"o="),
            (true, "$(rm -rf /) `x`"),
            (false, "\";"),
        ]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo \"o=${VIGIL_DATA_0}\";",
                &[("VIGIL_DATA_0", "$(rm -rf /) `x`")]
            )
        );
        // Single quotes: close, reference, reopen.
        let c = segs(&[(false, "echo 'o="), (true, "it's"), (false, "';")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo 'o='\"${VIGIL_DATA_0}\"'';",
                &[("VIGIL_DATA_0", "it's")]
            )
        );
    }

    #[test]
    fn shell_contexts_nested() {
        // Inside $( ) the context is unquoted again.
        let c = segs(&[
            (false, "echo \"$(printf %s "),
            (true, "a b"),
            (false, ")\""),
        ]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo \"$(printf %s \"${VIGIL_DATA_0}\" \"${VIGIL_DATA_1}\")\"",
                &[("VIGIL_DATA_0", "a"), ("VIGIL_DATA_1", "b")]
            )
        );
        // Back in double quotes after the command substitution.
        let c = segs(&[(false, "echo \"$(x) "), (true, "a b"), (false, "\"")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo \"$(x) ${VIGIL_DATA_0}\"", &[("VIGIL_DATA_0", "a b")])
        );
        // Backquotes.
        let c = segs(&[(false, "echo `echo "), (true, "a"), (false, "`")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo `echo \"${VIGIL_DATA_0}\"`", &[("VIGIL_DATA_0", "a")])
        );
        // ${...} inside double quotes keeps double-quote context.
        let c = segs(&[(false, "echo \"${X:-"), (true, "a b"), (false, "}\"")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo \"${X:-${VIGIL_DATA_0}}\"", &[("VIGIL_DATA_0", "a b")])
        );
        // Comments swallow data.
        let c = segs(&[(false, "echo a; # note "), (true, "x'y")]);
        assert_eq!(plan(&c).unwrap(), shell("echo a; # note ", &[]));
        // A quote inside a word is not a comment start.
        let c = segs(&[(false, "echo a#'"), (true, "x"), (false, "';")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo a#''\"${VIGIL_DATA_0}\"'';", &[("VIGIL_DATA_0", "x")])
        );
        // Arithmetic is refused.
        let c = segs(&[(false, "echo $(( 1 + "), (true, "2"), (false, " ))")]);
        assert_eq!(plan(&c), Err(PlanError::DataInArithmetic));
        // After the arithmetic closes, data is fine.
        let c = segs(&[(false, "echo $(( (1) + 2 )) "), (true, "x")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo $(( (1) + 2 )) \"${VIGIL_DATA_0}\"",
                &[("VIGIL_DATA_0", "x")]
            )
        );
    }

    #[test]
    fn shell_boundary_escapes() {
        // Trailing backslash before data must not escape the reference.
        let c = segs(&[(false, "echo a\\"), (true, "b"), (false, ";")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo a\\\\\"${VIGIL_DATA_0}\";", &[("VIGIL_DATA_0", "b")])
        );
        let c = segs(&[(false, "echo \"a\\"), (true, "b"), (false, "\";")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo \"a\\\\${VIGIL_DATA_0}\";", &[("VIGIL_DATA_0", "b")])
        );
        // A bare `$` before data is a literal dollar.
        let c = segs(&[(false, "echo $"), (true, "HOME")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo \\$\"${VIGIL_DATA_0}\"", &[("VIGIL_DATA_0", "HOME")])
        );
        // Inside backquotes the escapes are doubled (the text is parsed twice).
        let c = segs(&[
            (false, "echo `echo a\\"),
            (true, "b"),
            (false, " $"),
            (true, "c"),
            (false, "`"),
        ]);
        assert_eq!(
            plan(&c).unwrap(),
            shell(
                "echo `echo a\\\\\\\\\"${VIGIL_DATA_0}\" \\\\\\$\"${VIGIL_DATA_1}\"`",
                &[("VIGIL_DATA_0", "b"), ("VIGIL_DATA_1", "c")]
            )
        );
        let c = segs(&[(false, "echo \"$"), (true, "HOME"), (false, "\"")]);
        assert_eq!(
            plan(&c).unwrap(),
            shell("echo \"\\$${VIGIL_DATA_0}\"", &[("VIGIL_DATA_0", "HOME")])
        );
    }
}
