//! Rendering a [`ProjectSpec`] into the complete list of files to write, before anything touches the disk.

use std::collections::BTreeMap;

use minijinja::value::{Serde, Value};

use crate::context::{Context, VARIABLES};
use crate::error::Error;
use crate::jinja;
use crate::manifest;
use crate::output::counted;
use crate::overlay::{Overlay, OverlayFile};
use crate::spec::ProjectSpec;
use crate::templates::BUILT_IN;

/// Permission bits of every built-in file, and of overlay files that are not executable.
pub const FILE_MODE: u32 = 0o644;

/// Permission bits of an overlay file that is executable in the overlay, such as a script.
pub const EXECUTABLE_MODE: u32 = 0o755;

/// One file to write, with its path relative to the project root (always `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub contents: Vec<u8>,
    pub mode: u32,
}

/// Every file of one project, sorted by path, so the same spec always gives the same bytes in the same order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

/// Inputs of a plan besides the spec: a template overlay and its variables.
#[derive(Debug, Clone, Copy, Default)]
pub struct Customization<'a> {
    pub overlay: Option<&'a Overlay>,
    /// Extra variables from `--set`, available to overlay templates only.
    pub variables: Option<&'a BTreeMap<String, String>>,
}

impl Plan {
    /// Renders every built-in template for `spec`, plus the manifest that records the answers and file hashes.
    pub fn render(spec: &ProjectSpec) -> Result<Self, Error> {
        Self::render_with(spec, Customization::default())
    }

    /// Renders the built-in templates, replaced, excluded or extended by `customization`. Every overlay template
    /// error is reported at once, each as file:line:column.
    pub fn render_with(
        spec: &ProjectSpec,
        customization: Customization<'_>,
    ) -> Result<Self, Error> {
        let context = Context::new(spec);
        let empty = BTreeMap::new();
        let variables = customization.variables.unwrap_or(&empty);
        let overlay_context = overlay_context(&context, variables)?;

        let mut files = Vec::with_capacity(BUILT_IN.len());
        let mut from_overlay = Vec::new();
        let mut errors = Vec::new();
        for template in BUILT_IN
            .iter()
            .filter(|template| (template.when.applies)(&context))
        {
            let overlay = customization.overlay;
            if overlay
                .is_some_and(|overlay| overlay.excluded.iter().any(|path| path == template.path))
            {
                continue;
            }
            let file = match overlay.and_then(|overlay| overlay.file(template.path)) {
                Some(file) => {
                    from_overlay.push(file.path.clone());
                    render_overlay_file(file, &overlay_context, &mut errors)
                }
                None => {
                    let text = (template.render)(&context).map_err(|source| Error::Render {
                        template: template.path,
                        source,
                    })?;
                    planned(template.path, text)
                }
            };
            files.push(file);
        }
        for file in customization
            .overlay
            .map(|overlay| overlay.files.as_slice())
            .unwrap_or_default()
        {
            if crate::templates::find(&file.path).is_none() {
                from_overlay.push(file.path.clone());
                files.push(render_overlay_file(file, &overlay_context, &mut errors));
            }
        }
        if !errors.is_empty() {
            let message = format!(
                "{} in the overlay; nothing was written\n{}",
                counted(errors.len(), "template error"),
                errors.join("\n")
            );
            return Err(Error::InvalidInput(message));
        }

        from_overlay.sort();
        let excluded = customization
            .overlay
            .map(|overlay| overlay.excluded.clone())
            .unwrap_or_default();
        let record = manifest::OverlayRecord {
            files: &from_overlay,
            excluded: &excluded,
        };
        let manifest = manifest::render(spec, &files, record, variables);
        files.push(planned(manifest::FILE_NAME, manifest));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        check_paths(&files)?;
        Ok(Self { files })
    }

    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|file| file.contents.len()).sum()
    }
}

/// Rejects a plan that no folder can hold: a path that leaves the project, or a file at a path that another file
/// needs as a folder. Only an overlay can cause either, and checking here makes `--dry-run` fail as the real run
/// would. `files` must be sorted by path.
fn check_paths(files: &[PlannedFile]) -> Result<(), Error> {
    for file in files {
        crate::overlay::check_relative(&file.path).map_err(|reason| {
            Error::InvalidInput(format!("invalid path in the overlay: {reason}"))
        })?;
    }
    // In sorted order, a path that is also a folder is followed by the paths under it, though not always directly:
    // `a.txt` sorts between `a` and `a/b`.
    for (index, file) in files.iter().enumerate() {
        let folder = format!("{}/", file.path);
        let nested = files[index + 1..]
            .iter()
            .take_while(|other| other.path.starts_with(&file.path))
            .find(|other| other.path.starts_with(&folder));
        if let Some(nested) = nested {
            return Err(Error::InvalidInput(format!(
                "`{}` cannot be both a file and the folder of `{}`; rename or remove the one that comes from the \
                 overlay",
                file.path, nested.path
            )));
        }
    }
    Ok(())
}

/// Plans a built-in file: LF line endings and not executable.
fn planned(path: &str, text: String) -> PlannedFile {
    PlannedFile {
        path: path.to_owned(),
        contents: with_one_final_newline(text, "\n").into_bytes(),
        mode: FILE_MODE,
    }
}

/// Renders an overlay file with minijinja and plans it. It keeps the executable bit and the line endings of its
/// source, which a team may rely on for scripts and for files that Windows tools read. A file that is not UTF-8 is
/// copied unchanged.
fn render_overlay_file(
    file: &OverlayFile,
    context: &Value,
    errors: &mut Vec<String>,
) -> PlannedFile {
    let contents = match std::str::from_utf8(&file.contents) {
        Err(_) => file.contents.clone(),
        Ok(source) => {
            // The source's last line ending decides, so that a file with mixed endings keeps its final one.
            let line_ending = match source.rfind('\n') {
                Some(end) if source[..end].ends_with('\r') => "\r\n",
                _ => "\n",
            };
            match jinja::render(&file.path, source, context) {
                Ok(text) => with_one_final_newline(text, line_ending).into_bytes(),
                Err(error) => {
                    errors.push(format!("  {error}"));
                    Vec::new()
                }
            }
        }
    };
    PlannedFile {
        path: file.path.clone(),
        contents,
        mode: if file.executable {
            EXECUTABLE_MODE
        } else {
            FILE_MODE
        },
    }
}

/// Builds the overlay templates' context: the built-in variables plus `--set` variables, which may not shadow them.
fn overlay_context(
    context: &Context,
    variables: &BTreeMap<String, String>,
) -> Result<Value, Error> {
    let built_in = Value::from(Serde(context));
    let mut map: BTreeMap<String, Value> = BTreeMap::new();
    for variable in VARIABLES {
        map.insert(
            variable.name.to_owned(),
            built_in.get_attr(variable.name).unwrap_or_default(),
        );
    }
    for (name, value) in variables {
        if map.contains_key(name) {
            return Err(Error::InvalidInput(format!(
                "`--set {name}=...` would replace the built-in variable `{name}`; choose another name"
            )));
        }
        map.insert(name.clone(), Value::from(value.as_str()));
    }
    Ok(Value::from(map))
}

/// Makes `text` end with exactly one `line_ending`, `"\n"` or `"\r\n"`. askama and minijinja drop a template's
/// final newline, and gofmt requires one. A text of nothing but line endings becomes empty, so that a marker file
/// such as `.gitkeep` stays empty.
fn with_one_final_newline(mut text: String, line_ending: &str) -> String {
    let content_end = text.trim_end_matches(|c| line_ending.contains(c)).len();
    text.truncate(content_end);
    if !text.is_empty() {
        text.push_str(line_ending);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_newline_is_exactly_one() {
        assert_eq!(with_one_final_newline("a".into(), "\n"), "a\n");
        assert_eq!(with_one_final_newline("a\n\n\n".into(), "\n"), "a\n");
        assert_eq!(with_one_final_newline(String::new(), "\n"), "");
        assert_eq!(with_one_final_newline("\n\n".into(), "\n"), "");
        assert_eq!(
            with_one_final_newline("a\r\nb".into(), "\r\n"),
            "a\r\nb\r\n"
        );
        assert_eq!(with_one_final_newline("a\r\n\r\n".into(), "\r\n"), "a\r\n");
    }
}
