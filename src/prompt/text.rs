//! The one-line text prompt for the folder and module questions.
//!
//! dialoguer 0.12's `Input` ignores Esc, and the promise of `scaffold new` is that Esc cancels at every prompt.
//! This prompt reads keys through `console`, the terminal layer dialoguer is built on, and formats through the
//! same dialoguer [`Theme`], so it looks like the select and confirm prompts beside it. It edits one line:
//! printable characters, Backspace, Delete, Left, Right, Home and End, and readline's Ctrl-A, Ctrl-E, Ctrl-U and
//! Ctrl-K. A line wider than the terminal is redrawn only on its last row, as dialoguer does.

use console::{Key, Term, measure_text_width};
use dialoguer::theme::Theme;

use crate::error::Error;

/// Asks until `validate` accepts the input. An empty line takes `default`. Esc and Ctrl-C return
/// [`Error::Interrupted`]. Invalid input is shown as an error line above the prompt, which is asked again.
pub(super) fn ask(
    term: &Term,
    theme: &dyn Theme,
    prompt: &str,
    default: Option<&str>,
    validate: impl Fn(&str) -> Result<(), String>,
) -> Result<String, Error> {
    // console reads every key of a stream that is not a terminal as unknown, at once, so the loop below would spin.
    // `scaffold new` asks only when stderr is a terminal; this check keeps any other caller safe.
    if !term.is_term() {
        return Err(terminal_error(std::io::Error::other("not a terminal")));
    }
    let mut shown_error = false;
    loop {
        let typed = read_line(term, theme, prompt, default)?;
        let answer = match (typed.is_empty(), default) {
            (true, Some(default)) => default.to_owned(),
            _ => typed,
        };
        term.clear_line().map_err(terminal_error)?;
        if shown_error {
            term.clear_last_lines(1).map_err(terminal_error)?;
        }
        let (line, valid) = match validate(&answer) {
            Ok(()) => (
                format(|f| theme.format_input_prompt_selection(f, prompt, &answer)),
                true,
            ),
            Err(message) => (format(|f| theme.format_error(f, &message)), false),
        };
        term.write_line(&line).map_err(terminal_error)?;
        if valid {
            return Ok(answer);
        }
        shown_error = true;
    }
}

/// Reads one line, redrawing it after every edit. Returns when Enter is pressed, with the cursor still on the
/// prompt's line.
fn read_line(
    term: &Term,
    theme: &dyn Theme,
    prompt: &str,
    default: Option<&str>,
) -> Result<String, Error> {
    let head = format(|f| theme.format_input_prompt(f, prompt, default));
    let mut line = Line::default();
    loop {
        redraw(term, &head, &line).map_err(terminal_error)?;
        match term.read_key().map_err(terminal_error)? {
            Key::Enter => return Ok(line.chars.into_iter().collect()),
            Key::Escape => return Err(Error::Interrupted),
            Key::Char(c) if !c.is_control() => line.insert(c),
            Key::Backspace => line.delete_before(),
            Key::Del => line.delete_at(),
            Key::ArrowLeft => line.cursor = line.cursor.saturating_sub(1),
            Key::ArrowRight => line.cursor = (line.cursor + 1).min(line.chars.len()),
            // console reads Ctrl-A and Ctrl-E as Home and End. Ctrl-U and Ctrl-K delete as in readline.
            Key::Home => line.cursor = 0,
            Key::End => line.cursor = line.chars.len(),
            Key::Char('\u{15}') => line.delete_to_start(),
            Key::Char('\u{b}') => line.chars.truncate(line.cursor),
            _ => {}
        }
    }
}

fn redraw(term: &Term, head: &str, line: &Line) -> std::io::Result<()> {
    term.clear_line()?;
    let text: String = line.chars.iter().collect();
    term.write_str(head)?;
    term.write_str(&text)?;
    let after: String = line.chars[line.cursor..].iter().collect();
    term.move_cursor_left(measure_text_width(&after))?;
    term.flush()
}

/// The text being edited and the cursor's position in it, in characters.
#[derive(Default)]
struct Line {
    chars: Vec<char>,
    cursor: usize,
}

impl Line {
    fn insert(&mut self, c: char) {
        self.chars.insert(self.cursor, c);
        self.cursor += 1;
    }

    fn delete_before(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }

    fn delete_to_start(&mut self) {
        self.chars.drain(..self.cursor);
        self.cursor = 0;
    }

    fn delete_at(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }
}

fn format(write: impl FnOnce(&mut String) -> std::fmt::Result) -> String {
    let mut text = String::new();
    // fmt::Write for String never returns an error.
    let _ = write(&mut text);
    text
}

/// Maps a terminal error. console turns Ctrl-C in raw mode into an `Interrupted` I/O error.
pub(super) fn terminal_error(source: std::io::Error) -> Error {
    if source.kind() == std::io::ErrorKind::Interrupted {
        Error::Interrupted
    } else {
        Error::stream("read from", "the terminal", source)
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    fn line(text: &str, cursor: usize) -> Line {
        Line {
            chars: text.chars().collect(),
            cursor,
        }
    }

    fn text(line: &Line) -> String {
        line.chars.iter().collect()
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut edited = line("bilng", 3);
        edited.insert('l');
        edited.insert('i');
        assert_eq!((text(&edited).as_str(), edited.cursor), ("billing", 5));
        edited.delete_before();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("billng", 4));
        edited.delete_at();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("billg", 4));
    }

    #[test]
    fn ctrl_u_deletes_to_the_start() {
        let mut edited = line("acme/billing", 5);
        edited.delete_to_start();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("billing", 0));
    }

    #[test]
    fn deleting_at_either_end_does_nothing() {
        let mut edited = line("ab", 0);
        edited.delete_before();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("ab", 0));
        edited.cursor = 2;
        edited.delete_at();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("ab", 2));
    }

    #[test]
    fn multibyte_characters_are_one_position() {
        let mut edited = line("zürich", 2);
        edited.delete_before();
        assert_eq!((text(&edited).as_str(), edited.cursor), ("zrich", 1));
    }
}
