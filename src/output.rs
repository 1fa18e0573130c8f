//! Routing of results and progress: results on stdout, progress and `-v` details on stderr, a spinner
//! only on a terminal, and plain lines when there is no terminal or `NO_COLOR` is set.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Output settings for one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// Print nothing but errors and the file list of `--dry-run`.
    pub quiet: bool,
    /// Print where each answer came from and each step, on stderr.
    pub verbose: bool,
    /// stderr is a terminal and `NO_COLOR` is unset, so spinners and colour are allowed.
    pub fancy: bool,
}

impl Output {
    pub fn detect(quiet: bool, verbose: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Self {
            quiet,
            verbose,
            fancy: std::io::stderr().is_terminal() && !no_color,
        }
    }

    /// Writes a `-v` line to stderr.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            let _ = writeln!(std::io::stderr(), "{}", printable(line));
        }
    }

    /// Starts a spinner for a step that may take a while; `None` without a terminal or with `--quiet`.
    pub fn spinner(&self, message: &str) -> Option<ProgressBar> {
        if self.quiet || !self.fancy {
            return None;
        }
        let spinner = ProgressBar::new_spinner().with_message(message.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            spinner.set_style(style);
        }
        spinner.enable_steady_tick(Duration::from_millis(80));
        Some(spinner)
    }
}

/// Returns `count` with `noun`, adding an "s" unless the count is 1, as in "1 file" and "3 files". Every noun it
/// is used with takes a plain "s".
pub fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        many => format!("{many} {noun}s"),
    }
}

/// Escapes the control characters in `text` except newlines, as in `\u{1b}`. Messages quote values from files and
/// flags, and an escape sequence in an answers file someone shared could otherwise retitle or clear the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Quotes `text` for a POSIX shell when it contains anything beyond a conservative set of safe characters.
pub fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./+@:,=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::{printable, shell_quote};

    #[test]
    fn printable_escapes_control_characters_but_newlines() {
        assert_eq!(printable("a\nb"), "a\nb");
        assert_eq!(
            printable("x\u{1b}]0;pwned\u{7}\ty"),
            "x\\u{1b}]0;pwned\\u{7}\\ty"
        );
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("services/billing"), "services/billing");
        assert_eq!(shell_quote("my service"), "'my service'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
