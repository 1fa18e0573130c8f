//! The built-in templates, compiled into the binary by askama.
//!
//! Each entry maps one file under `templates/` to the project file of the same relative path. Templates use only
//! the subset of Jinja that askama and minijinja render identically (output, `if`, `for`, `-` whitespace control,
//! string and boolean comparisons), so user overrides can later be rendered with minijinja against the same
//! [`Context`]. Files that contain `{{` themselves are marked `alt` and use `[[ ]]`, `[% %]` and `[# #]`.

use std::ops::Deref;

use include_dir::{Dir, include_dir};

use crate::context::Context;

/// The template sources, embedded for listing and exporting them.
pub static SOURCES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// One built-in template.
pub struct BuiltIn {
    /// Path relative to both `templates/` and the generated project's root.
    pub path: &'static str,
    pub render: fn(&Context) -> askama::Result<String>,
}

macro_rules! built_in_templates {
    ($($type_name:ident = $path:literal $(with $syntax:literal)?;)*) => {
        $(
            #[derive(askama::Template)]
            #[template(path = $path, escape = "none" $(, syntax = $syntax)?)]
            struct $type_name<'a>(&'a Context);

            impl Deref for $type_name<'_> {
                type Target = Context;

                fn deref(&self) -> &Context {
                    self.0
                }
            }
        )*

        /// Every built-in template, sorted by path.
        pub static BUILT_IN: &[BuiltIn] = &[
            $(BuiltIn { path: $path, render: |context| askama::Template::render(&$type_name(context)) },)*
        ];
    };
}

built_in_templates! {
    GitHubWorkflow = ".github/workflows/ci.yml" with "alt";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_file_is_registered() {
        let mut sources = Vec::new();
        collect_files(&SOURCES, &mut sources);
        sources.sort();
        let registered: Vec<&str> = BUILT_IN.iter().map(|template| template.path).collect();
        assert_eq!(registered, sources);
    }

    fn collect_files(dir: &Dir<'static>, out: &mut Vec<&'static str>) {
        for file in dir.files() {
            out.push(file.path().to_str().expect("template paths are UTF-8"));
        }
        for child in dir.dirs() {
            collect_files(child, out);
        }
    }
}
