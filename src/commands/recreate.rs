//! Checks that an answers file, usually a project's `scaffold.toml`, can recreate the project it describes, with
//! warnings where the result may differ from the recorded files.

use std::collections::{BTreeMap, BTreeSet};

use crate::answers_file::AnswersFile;
use crate::error::Error;
use crate::manifest::sha256_hex;
use crate::output::{Output, counted, printable};
use crate::overlay::Overlay;
use crate::plan::Plan;
use crate::spec::ProjectSpec;

/// Rejects an answers file from a project that used a template overlay when no overlay is given now, because the
/// project could not be recreated: the overlay's files would be missing or replaced by built-in ones.
pub fn check_overlay_present(file: &AnswersFile, overlay: Option<&Overlay>) -> Result<(), Error> {
    if overlay.is_some() {
        return Ok(());
    }
    let mut changes = Vec::new();
    if !file.overlay_files.is_empty() {
        changes.push(format!(
            "{} from a template overlay ({})",
            counted(file.overlay_files.len(), "file"),
            file.overlay_files.join(", ")
        ));
    }
    if !file.overlay_excluded.is_empty() {
        changes.push(format!(
            "{} that a template overlay excluded ({})",
            counted(file.overlay_excluded.len(), "file"),
            file.overlay_excluded.join(", ")
        ));
    }
    if changes.is_empty() {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the answers file lists {}; pass the same overlay with `--templates DIR`",
        changes.join(" and ")
    )))
}

/// Warns when an answers file comes from another version of scaffold, whose templates may differ.
pub fn warn_about_version(file: &AnswersFile, output: &Output) {
    let current = env!("CARGO_PKG_VERSION");
    match file.written_by.as_deref() {
        Some(written_by) if written_by != current && !output.quiet => eprintln!(
            "warning: the answers file was written by scaffold {} and this is {current}, so the files may differ",
            printable(written_by)
        ),
        _ => {}
    }
}

/// Warns when the overlay differs from the one the answers file records. It compares the overlay's files, its
/// exclusions, and the hash of each overlay file as rendered now. Files from built-in templates are not compared,
/// because with the same version of scaffold they change only with the answers, which the user chose. A file from
/// another version gets the version warning instead.
pub fn warn_about_overlay_changes(
    file: &AnswersFile,
    overlay: Option<&Overlay>,
    rendered: Rendered<'_>,
    output: &Output,
) {
    if output.quiet || file.written_by.as_deref() != Some(env!("CARGO_PKG_VERSION")) {
        return;
    }
    // Only the overlay files in the project count: one that replaces a built-in this project does not get is
    // left out, and the manifest does not record it either.
    let current: BTreeSet<&str> = overlay
        .map(|overlay| {
            overlay
                .files
                .iter()
                .map(|file| file.path.as_str())
                .filter(|path| {
                    rendered
                        .plan
                        .files
                        .iter()
                        .any(|planned| planned.path == *path)
                })
                .collect()
        })
        .unwrap_or_default();
    let recorded: BTreeSet<&str> = file.overlay_files.iter().map(String::as_str).collect();
    let excluded: BTreeSet<&str> = overlay
        .map(|overlay| overlay.excluded.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let recorded_excluded: BTreeSet<&str> =
        file.overlay_excluded.iter().map(String::as_str).collect();
    // Other answers or variables render overlay files differently by design, so only the same ones are compared.
    let same_inputs = same_answers(file, rendered.spec) && *rendered.variables == file.variables;
    let rendered_differently: Vec<&str> = if same_inputs {
        current
            .intersection(&recorded)
            .copied()
            .filter(|path| {
                let planned = rendered
                    .plan
                    .files
                    .iter()
                    .find(|planned| planned.path == *path);
                let hash = planned.map(|planned| sha256_hex(&planned.contents));
                hash.as_ref() != file.file_hashes.get(*path)
            })
            .collect()
    } else {
        Vec::new()
    };

    let changes = [
        (
            "new in the overlay",
            current.difference(&recorded).copied().collect::<Vec<_>>(),
        ),
        (
            "no longer in the overlay",
            recorded.difference(&current).copied().collect(),
        ),
        ("rendered differently", rendered_differently),
        (
            "now excluded",
            excluded.difference(&recorded_excluded).copied().collect(),
        ),
        (
            "no longer excluded",
            recorded_excluded.difference(&excluded).copied().collect(),
        ),
    ];
    let described: Vec<String> = changes
        .iter()
        .filter(|(_, paths)| !paths.is_empty())
        .map(|(change, paths)| format!("{change}: {}", paths.join(", ")))
        .collect();
    if !described.is_empty() {
        eprintln!(
            "warning: the overlay differs from the one the answers file records, so the files will too; {}",
            printable(&described.join("; "))
        );
    }
}

/// A rendered project and what it was rendered from.
#[derive(Clone, Copy)]
pub struct Rendered<'a> {
    pub plan: &'a Plan,
    pub spec: &'a ProjectSpec,
    pub variables: &'a BTreeMap<String, String>,
}

/// Reports whether `spec` has the answers that `file` records, apart from `git`, which renders no overlay file.
fn same_answers(file: &AnswersFile, spec: &ProjectSpec) -> bool {
    file.get("name") == Some(spec.names.folder.as_str())
        && file.get("module") == Some(spec.names.module_path.as_str())
        && file.get("database") == Some(spec.database.as_str())
}
