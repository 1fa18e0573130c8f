//! Checks that an answers file, usually a project's `scaffold.toml`, can recreate the project it describes, with
//! warnings where the result may differ from the recorded files.

use crate::error::Error;
use crate::manifest::{AnswersFile, sha256_hex};
use crate::output::Output;
use crate::overlay::Overlay;
use crate::plan::Plan;

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
            file_count(file.overlay_files.len()),
            file.overlay_files.join(", ")
        ));
    }
    if !file.overlay_excluded.is_empty() {
        changes.push(format!(
            "{} that a template overlay excluded ({})",
            file_count(file.overlay_excluded.len()),
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

fn file_count(count: usize) -> String {
    match count {
        1 => "1 file".to_owned(),
        many => format!("{many} files"),
    }
}

/// Warns when an answers file comes from another version of scaffold, whose templates may differ.
pub fn warn_about_version(file: &AnswersFile, output: &Output) {
    let current = env!("CARGO_PKG_VERSION");
    match file.written_by.as_deref() {
        Some(written_by) if written_by != current && !output.quiet => eprintln!(
            "warning: the answers file was written by scaffold {written_by} and this is {current}, so the files may differ"
        ),
        _ => {}
    }
}

/// Warns when files that came from the template overlay no longer match the hashes that the answers file
/// records, which means the overlay or the answers changed since the file was written. Files from built-in
/// templates are not compared: with the same version of scaffold they change only with the answers, which the user
/// chose. A file from another version gets the version warning instead.
pub fn warn_about_overlay_changes(file: &AnswersFile, plan: &Plan, output: &Output) {
    if output.quiet || file.written_by.as_deref() != Some(env!("CARGO_PKG_VERSION")) {
        return;
    }
    let changed: Vec<&str> = file
        .overlay_files
        .iter()
        .filter(|path| {
            let planned = plan.files.iter().find(|planned| &planned.path == *path);
            let current = planned.map(|planned| sha256_hex(&planned.contents));
            current.as_ref() != file.file_hashes.get(path.as_str())
        })
        .map(String::as_str)
        .collect();
    if !changed.is_empty() {
        eprintln!(
            "warning: overlay files that differ from the answers file's record: {}; the overlay or the answers \
             changed since it was written",
            changed.join(", ")
        );
    }
}
