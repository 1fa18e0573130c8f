//! Writing a [`Plan`] to disk without ever leaving half a project.
//!
//! Every file is first written into a temporary folder beside the target, on the same file system. A new target
//! is then created by one rename. An existing folder (empty, or non-empty with `--force`) receives the files one
//! rename at a time. If one rename fails, the files already moved are taken back and overwritten files restored.
//! Nothing the run did not create is removed, and nothing is written outside the target.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::io::{self, ErrorKind};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use nix::errno::Errno;
use nix::unistd::{AccessFlags, access};

use crate::error::Error;
use crate::interrupt;
use crate::plan::Plan;

/// State of the target path before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetState {
    Missing,
    Empty,
    /// A folder with these entries (names of its direct children, sorted).
    NotEmpty(Vec<String>),
}

/// Inspects `target` and checks that `plan` can be written there; the same check runs for `--dry-run`.
pub fn check(plan: &Plan, target: &Path, force: bool) -> Result<TargetState, Error> {
    check_path_lengths(plan, target)?;
    let state = inspect(target)?;
    check_writable(plan, target, &state)?;
    if let TargetState::NotEmpty(entries) = &state {
        if !force {
            return Err(Error::TargetNotEmpty {
                path: target.to_owned(),
                entries: entries.clone(),
            });
        }
        let conflicts = type_conflicts(plan, target);
        if !conflicts.is_empty() {
            return Err(Error::TypeConflicts {
                path: target.to_owned(),
                entries: conflicts,
            });
        }
    }
    Ok(state)
}

/// Fails when a folder that the run must write in is read-only for this user: the nearest existing folder above a
/// missing target, or an existing target itself. With `--force` the files also move into the target's existing
/// subfolders, so each of those that receives a file must be writable too. Checking here makes `--dry-run` fail as
/// the real run would, with a message that names the next step. Other errors are left to the real run, which reports
/// them.
fn check_writable(plan: &Plan, target: &Path, state: &TargetState) -> Result<(), Error> {
    let mut folders = BTreeSet::new();
    match state {
        TargetState::Missing => {
            let parent = match target.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            folders.extend(
                parent
                    .ancestors()
                    .find(|ancestor| ancestor.is_dir())
                    .map(Path::to_owned),
            );
        }
        TargetState::Empty => {
            folders.insert(target.to_owned());
        }
        TargetState::NotEmpty(_) => {
            folders.insert(target.to_owned());
            for file in &plan.files {
                let path = target.join(&file.path);
                let nearest = path.ancestors().skip(1).find(|ancestor| ancestor.is_dir());
                folders.extend(nearest.map(Path::to_owned));
            }
        }
    }
    for folder in folders {
        if let Err(errno @ (Errno::EACCES | Errno::EROFS | Errno::EPERM)) =
            access(&folder, AccessFlags::W_OK | AccessFlags::X_OK)
        {
            return Err(Error::TargetNotWritable {
                target: target.to_owned(),
                folder,
                reason: errno.desc(),
            });
        }
    }
    Ok(())
}

/// Linux's PATH_MAX: the longest path, in bytes with the final NUL, that a system call accepts.
const PATH_MAX: usize = 4096;

/// The bytes that staging adds to a path, for `.scaffold-XXXXXX/project/`, with room to spare.
const STAGING_BYTES: usize = 32;

/// The name of a staging folder is this prefix and `STAGING_RANDOM_CHARS` random letters and digits.
const STAGING_PREFIX: &str = ".scaffold-";
const STAGING_RANDOM_CHARS: usize = 6;

/// The age after which a staging folder is taken to be left over. A run takes milliseconds, so a folder this old
/// belongs to no run still going.
const LEFTOVER_AGE: Duration = Duration::from_secs(60);

/// Returns the staging folders that earlier runs left beside or inside `target`. A run removes its own on every
/// error and on Ctrl-C, but not when it is killed with SIGKILL or the machine stops.
pub fn leftover_staging(target: &Path) -> Vec<PathBuf> {
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut found = Vec::new();
    for folder in [parent, target] {
        let Ok(entries) = fs::read_dir(folder) else {
            continue;
        };
        for entry in entries.flatten() {
            if is_staging_name(&entry.file_name().to_string_lossy()) && is_old_folder(&entry.path())
            {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

fn is_staging_name(name: &str) -> bool {
    name.strip_prefix(STAGING_PREFIX).is_some_and(|random| {
        random.len() == STAGING_RANDOM_CHARS && random.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

fn is_old_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|metadata| {
        metadata.is_dir()
            && metadata
                .modified()
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age >= LEFTOVER_AGE)
    })
}

/// Rejects a plan with a file whose staged path would be longer than the system accepts. Only an overlay with
/// deeply nested folders gets near the limit, and checking here makes `--dry-run` fail as the real run would.
fn check_path_lengths(plan: &Plan, target: &Path) -> Result<(), Error> {
    let base = target.as_os_str().len() + 1 + STAGING_BYTES;
    let too_long = plan
        .files
        .iter()
        .find(|file| base + file.path.len() >= PATH_MAX);
    match too_long {
        Some(file) => Err(Error::InvalidInput(format!(
            "the path of `{}` in `{}` would be {} bytes long; Linux accepts {} bytes, and scaffold needs {} of them \
             for the temporary folder it writes into first; shorten the target path, or the file's path in the overlay \
             if it comes from one",
            file.path,
            target.display(),
            target.as_os_str().len() + 1 + file.path.len(),
            PATH_MAX - 1,
            STAGING_BYTES
        ))),
        None => Ok(()),
    }
}

/// Fails unless `target` is missing or an empty folder, as [`check`] does without `--force`. It lets `scaffold new`
/// reject a folder given on the command line before asking any question.
pub fn check_target_free(target: &Path) -> Result<(), Error> {
    match inspect(target)? {
        TargetState::NotEmpty(entries) => Err(Error::TargetNotEmpty {
            path: target.to_owned(),
            entries,
        }),
        TargetState::Missing | TargetState::Empty => Ok(()),
    }
}

/// Writes every file of `plan` under `target`. Returns [`Error::Interrupted`] if `interrupted` is set before the
/// files are moved into place.
pub fn write(
    plan: &Plan,
    target: &Path,
    force: bool,
    interrupted: &AtomicBool,
) -> Result<(), Error> {
    let state = check(plan, target, force)?;
    let mut created_ancestors = CreatedFolders::default();
    let result = write_checked(plan, target, &state, &mut created_ancestors, interrupted);
    if result.is_err() {
        created_ancestors.remove_all();
    }
    result
}

fn write_checked(
    plan: &Plan,
    target: &Path,
    state: &TargetState,
    created_ancestors: &mut CreatedFolders,
    interrupted: &AtomicBool,
) -> Result<(), Error> {
    // A new target is staged beside it, so one rename creates it. An existing folder is staged inside itself,
    // which needs no write access to its parent and keeps every rename on one file system, even on a mount point.
    let staging_parent = match state {
        TargetState::Missing => {
            let parent = match target.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            created_ancestors.create_all(parent)?;
            parent
        }
        TargetState::Empty | TargetState::NotEmpty(_) => target,
    };
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .rand_bytes(STAGING_RANDOM_CHARS)
        .tempdir_in(staging_parent)
        .map_err(|source| {
            Error::io(
                "create the project in",
                staging_parent,
                without_path(source),
            )
        })?;
    let staged_root = staging.path().join("project");
    stage(plan, &staged_root, target, interrupted)?;

    if interrupt::is_set(interrupted) {
        return Err(Error::Interrupted);
    }
    match state {
        TargetState::Missing => fs::rename(&staged_root, target).map_err(|source| {
            // Another process, such as a second scaffold run, created the folder since it was inspected.
            match inspect(target) {
                Ok(TargetState::NotEmpty(entries)) => Error::TargetNotEmpty {
                    path: target.to_owned(),
                    entries,
                },
                _ => Error::io("move the project into", target, source),
            }
        }),
        TargetState::Empty | TargetState::NotEmpty(_) => {
            move_into_existing(plan, &staged_root, &staging.path().join("replaced"), target)
        }
    }
}

fn inspect(target: &Path) -> Result<TargetState, Error> {
    let is_link =
        fs::symlink_metadata(target).is_ok_and(|metadata| metadata.file_type().is_symlink());
    match fs::metadata(target) {
        Err(_) if is_link => Err(Error::TargetNotFolder {
            path: target.to_owned(),
        }),
        Err(error) if error.kind() == ErrorKind::NotFound => {
            // A link to a missing folder on the way makes the target look missing, but no folder can be created
            // through it.
            let dangling = target.ancestors().skip(1).find(|ancestor| {
                fs::symlink_metadata(ancestor)
                    .is_ok_and(|metadata| metadata.file_type().is_symlink())
                    && fs::metadata(ancestor).is_err()
            });
            match dangling {
                Some(link) => Err(Error::TargetNotFolder {
                    path: link.to_owned(),
                }),
                None => Ok(TargetState::Missing),
            }
        }
        Err(error) if error.kind() == ErrorKind::NotADirectory => {
            let blocking = target
                .ancestors()
                .skip(1)
                .find(|ancestor| fs::metadata(ancestor).is_ok_and(|metadata| !metadata.is_dir()))
                .unwrap_or(target);
            Err(Error::TargetNotFolder {
                path: blocking.to_owned(),
            })
        }
        Err(source) => Err(Error::io("inspect", target, source)),
        Ok(metadata) if !metadata.is_dir() => Err(Error::TargetNotFolder {
            path: target.to_owned(),
        }),
        Ok(_) => {
            let mut entries = Vec::new();
            let reader =
                fs::read_dir(target).map_err(|source| Error::io("read", target, source))?;
            for entry in reader {
                let entry = entry.map_err(|source| Error::io("read", target, source))?;
                entries.push(entry.file_name().to_string_lossy().into_owned());
            }
            entries.sort();
            if entries.is_empty() {
                Ok(TargetState::Empty)
            } else {
                Ok(TargetState::NotEmpty(entries))
            }
        }
    }
}

/// Lists planned paths blocked by an existing entry of the wrong type: a folder where a file goes, or a file where
/// a folder goes. A symbolic link anywhere on the path also blocks it, because writing through a link could leave
/// the target folder.
fn type_conflicts(plan: &Plan, target: &Path) -> Vec<String> {
    let mut conflicts = BTreeSet::new();
    for file in &plan.files {
        let mut relative = PathBuf::new();
        let components: Vec<&str> = file.path.split('/').collect();
        for (index, component) in components.iter().enumerate() {
            relative.push(component);
            let Ok(metadata) = fs::symlink_metadata(target.join(&relative)) else {
                break;
            };
            let is_last = index + 1 == components.len();
            let display = relative.to_string_lossy().into_owned();
            if metadata.file_type().is_symlink() {
                conflicts.insert(format!("{display} (a symbolic link)"));
                break;
            }
            if is_last && metadata.is_dir() {
                conflicts.insert(format!("{display} (a folder where a file goes)"));
            }
            if !is_last && !metadata.is_dir() {
                conflicts.insert(format!("{display} (a file where a folder goes)"));
                break;
            }
        }
    }
    conflicts.into_iter().collect()
}

/// Writes the plan's files under `root`. Errors name the file's path under `target` instead, because the user
/// never chose the temporary folder.
fn stage(plan: &Plan, root: &Path, target: &Path, interrupted: &AtomicBool) -> Result<(), Error> {
    fs::create_dir(root).map_err(|source| Error::io("create", target, source))?;
    for file in &plan.files {
        if interrupt::is_set(interrupted) {
            return Err(Error::Interrupted);
        }
        let path = root.join(&file.path);
        let target_path = target.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| {
                Error::io("create", target_path.parent().unwrap_or(target), source)
            })?;
        }
        // The mode goes through the umask, like files any other tool creates.
        let mut output = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(file.mode)
            .open(&path)
            .map_err(|source| Error::io("create", &target_path, source))?;
        output
            .write_all(&file.contents)
            .map_err(|source| Error::io("write", &target_path, source))?;
    }
    Ok(())
}

/// Moves staged files into an existing folder one by one, undoing every move if one fails.
fn move_into_existing(
    plan: &Plan,
    staged_root: &Path,
    replaced_root: &Path,
    target: &Path,
) -> Result<(), Error> {
    let mut undo = Undo::default();
    for file in &plan.files {
        if let Err(error) = move_one(&file.path, staged_root, replaced_root, target, &mut undo) {
            undo.run();
            return Err(error);
        }
    }
    Ok(())
}

fn move_one(
    relative: &str,
    staged_root: &Path,
    replaced_root: &Path,
    target: &Path,
    undo: &mut Undo,
) -> Result<(), Error> {
    let destination = target.join(relative);
    if let Some(parent) = destination.parent() {
        undo.folders.create_all(parent)?;
    }
    if fs::symlink_metadata(&destination).is_ok() {
        let backup = replaced_root.join(relative);
        if let Some(parent) = backup.parent() {
            fs::create_dir_all(parent).map_err(|source| Error::io("create", parent, source))?;
        }
        fs::rename(&destination, &backup)
            .map_err(|source| Error::io("move aside", &destination, source))?;
        undo.replaced.push((backup, destination.clone()));
    }
    fs::rename(staged_root.join(relative), &destination)
        .map_err(|source| Error::io("move into place", &destination, source))?;
    undo.moved.push(destination);
    Ok(())
}

/// The steps needed to take back a partial move into an existing folder.
#[derive(Default)]
struct Undo {
    moved: Vec<PathBuf>,
    /// Pairs of (backup, original location) for files that `--force` replaced.
    replaced: Vec<(PathBuf, PathBuf)>,
    folders: CreatedFolders,
}

impl Undo {
    /// Best effort: errors here cannot be reported better than the error that caused the undo.
    fn run(mut self) {
        for path in self.moved.iter().rev() {
            let _ = fs::remove_file(path);
        }
        for (backup, original) in self.replaced.iter().rev() {
            let _ = fs::rename(backup, original);
        }
        self.folders.remove_all();
    }
}

/// Folders this run created, so a failure can remove exactly those and nothing else.
#[derive(Default)]
struct CreatedFolders(Vec<PathBuf>);

impl CreatedFolders {
    /// Creates `path` and its missing ancestors, remembering each one created.
    fn create_all(&mut self, path: &Path) -> Result<(), Error> {
        let mut missing = Vec::new();
        let mut current = Some(path);
        while let Some(folder) = current {
            if fs::symlink_metadata(folder).is_ok() {
                break;
            }
            missing.push(folder.to_owned());
            current = folder.parent();
        }
        for folder in missing.into_iter().rev() {
            fs::create_dir(&folder)
                .map_err(|source| Error::io("create the folder", &folder, source))?;
            self.0.push(folder);
        }
        Ok(())
    }

    /// Removes the created folders, newest first; a folder that is no longer empty stays.
    fn remove_all(&mut self) {
        for folder in self.0.drain(..).rev() {
            let _ = fs::remove_dir(folder);
        }
    }
}

/// Drops the path that tempfile appends to its errors (" at path ..."), because it names the temporary folder,
/// which the user never chose. tempfile keeps the OS error only in that text, so the text is cut rather than the
/// kind kept, which would read "entity not found". A message of another form is returned unchanged.
fn without_path(error: io::Error) -> io::Error {
    let text = error.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => io::Error::new(error.kind(), reason.to_owned()),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn temporary_folder_errors_lose_the_path() {
        let error = tempfile::Builder::new()
            .tempdir_in("/nonexistent-scaffold-parent")
            .unwrap_err();
        assert!(error.to_string().contains(" at path "), "{error}");

        let message = super::without_path(error).to_string();

        assert_eq!(message, "No such file or directory (os error 2)");
    }
}
