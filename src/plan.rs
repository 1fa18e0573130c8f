//! Rendering a [`ProjectSpec`] into the complete list of files to write, before anything touches the disk.

use crate::context::Context;
use crate::error::Error;
use crate::manifest;
use crate::spec::ProjectSpec;
use crate::templates::BUILT_IN;

/// Permission bits of every generated file; none is executable.
pub const FILE_MODE: u32 = 0o644;

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

impl Plan {
    /// Renders every built-in template for `spec`, plus the manifest that records the answers and file hashes.
    pub fn render(spec: &ProjectSpec) -> Result<Self, Error> {
        let context = Context::new(spec);
        let mut files = Vec::with_capacity(BUILT_IN.len());
        for template in BUILT_IN
            .iter()
            .filter(|template| (template.applies)(&context))
        {
            let text = (template.render)(&context).map_err(|source| Error::Render {
                template: template.path,
                source,
            })?;
            files.push(PlannedFile {
                path: template.path.to_owned(),
                contents: with_one_final_newline(text).into_bytes(),
                mode: FILE_MODE,
            });
        }
        let manifest = manifest::render(spec, &files);
        files.push(PlannedFile {
            path: manifest::FILE_NAME.to_owned(),
            contents: manifest.into_bytes(),
            mode: FILE_MODE,
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Self { files })
    }

    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|file| file.contents.len()).sum()
    }
}

/// Makes `text` end with exactly one newline; askama drops a template's final newline and gofmt requires one.
fn with_one_final_newline(mut text: String) -> String {
    let kept = text.trim_end_matches('\n').len();
    text.truncate(kept);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_newline_is_exactly_one() {
        assert_eq!(with_one_final_newline("a".into()), "a\n");
        assert_eq!(with_one_final_newline("a\n\n\n".into()), "a\n");
        assert_eq!(with_one_final_newline(String::new()), "\n");
    }
}
