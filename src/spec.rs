//! The validated description of one project: where it goes, what it is called and which database it uses.
//!
//! Everything a template needs is computed here once; later steps never re-derive a name.

use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::module_path::ModulePath;
use crate::names::ProjectNames;

/// The database a generated service stores its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Database {
    /// An SQLite file through the pure-Go modernc.org/sqlite driver; needs no server.
    Sqlite,
    /// PostgreSQL through pgx v5.
    Postgres,
    /// MySQL 8 or MariaDB through go-sql-driver/mysql.
    Mysql,
    /// No database: users live in process memory and are lost on restart.
    None,
}

impl Database {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::None => "none",
        }
    }
}

/// Raw answers before validation, in the form the command line gives them.
#[derive(Debug, Clone)]
pub struct Answers {
    /// A folder name, a path, or a module path such as `github.com/acme/billing`.
    pub target: String,
    pub module: Option<String>,
    pub database: Database,
}

/// A validated project: every answer checked and every derived name computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    /// Absolute, lexically normalised path of the project folder.
    pub target: PathBuf,
    pub names: ProjectNames,
    pub database: Database,
}

impl ProjectSpec {
    /// Validates `answers`, resolving relative targets against `cwd`.
    pub fn resolve(answers: &Answers, cwd: &Path) -> Result<Self, Error> {
        let target_arg = answers.target.as_str();
        if target_arg.trim().is_empty() {
            return Err(Error::InvalidInput(
                "the project name is empty; pass a folder name such as `billing`".into(),
            ));
        }

        let named_by_module = looks_like_module_path(target_arg, cwd);
        let target = if named_by_module {
            let last = target_arg.rsplit('/').next().unwrap_or(target_arg);
            cwd.join(last)
        } else {
            normalize(&cwd.join(target_arg))
        };
        let folder = folder_name(&target, target_arg)?;

        let (module_value, module_source) = match (&answers.module, named_by_module) {
            (Some(module), _) => (module.clone(), ModuleSource::Flag),
            (None, true) => (target_arg.to_owned(), ModuleSource::Name),
            (None, false) => (folder.clone(), ModuleSource::Folder),
        };
        let module_path = ModulePath::parse(&module_value)
            .map_err(|reason| Error::InvalidInput(module_source.message(&module_value, &reason)))?;

        let names = ProjectNames::derive(&folder, module_path).map_err(Error::InvalidInput)?;
        Ok(Self {
            target,
            names,
            database: answers.database,
        })
    }
}

/// Where the module path came from, so the error can name the fix.
enum ModuleSource {
    Flag,
    Name,
    Folder,
}

impl ModuleSource {
    fn message(&self, value: &str, reason: &str) -> String {
        match self {
            Self::Flag => format!("invalid module path `{value}` given to `--module`: {reason}"),
            Self::Name => format!("invalid module path `{value}`: {reason}"),
            Self::Folder => format!(
                "the folder name `{value}` is not a valid Go module path ({reason}); \
                 pass one with `--module`, for example `--module example.com/{}`",
                suggest_module_element(value)
            ),
        }
    }
}

fn suggest_module_element(folder: &str) -> String {
    let cleaned: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        "service".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Reports whether `arg` names a module path like `github.com/acme/billing` rather than a folder.
///
/// A relative path with a slash whose first element contains a dot is read as a module path, unless that first
/// element is an existing folder (`./` or an absolute path always means a folder).
fn looks_like_module_path(arg: &str, cwd: &Path) -> bool {
    if arg.starts_with('.')
        || arg.starts_with('/')
        || arg.starts_with('~')
        || Path::new(arg).is_absolute()
    {
        return false;
    }
    let Some((first, _)) = arg.split_once('/') else {
        return false;
    };
    first.contains('.') && !cwd.join(first).is_dir()
}

/// Returns the project folder's name, taking it from the path as typed when it ends in a name.
fn folder_name(target: &Path, typed: &str) -> Result<String, Error> {
    let name = target.file_name().and_then(|name| name.to_str());
    match name {
        Some(name) if !name.is_empty() => Ok(name.to_owned()),
        _ => Err(Error::InvalidInput(format!(
            "`{typed}` does not end in a folder name; pass a path such as `./billing`"
        ))),
    }
}

/// Resolves `.` and `..` without touching the file system, so a target that does not exist yet still works.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(target: &str, module: Option<&str>) -> Result<ProjectSpec, Error> {
        let answers = Answers {
            target: target.into(),
            module: module.map(Into::into),
            database: Database::Sqlite,
        };
        ProjectSpec::resolve(&answers, Path::new("/work/here"))
    }

    #[test]
    fn plain_name_becomes_folder_and_module() {
        let spec = resolve("billing", None).unwrap();
        assert_eq!(spec.target, Path::new("/work/here/billing"));
        assert_eq!(spec.names.module_path.as_str(), "billing");
    }

    #[test]
    fn module_path_as_name_creates_one_folder() {
        let spec = resolve("github.com/acme/Billing", None).unwrap();
        assert_eq!(spec.target, Path::new("/work/here/Billing"));
        assert_eq!(spec.names.folder, "Billing");
        assert_eq!(spec.names.module_path.as_str(), "github.com/acme/Billing");
    }

    #[test]
    fn relative_and_absolute_paths_are_folders() {
        let spec = resolve("./services/billing", None).unwrap();
        assert_eq!(spec.target, Path::new("/work/here/services/billing"));
        assert_eq!(spec.names.module_path.as_str(), "billing");

        let spec = resolve("/srv/../opt/orders", Some("example.com/orders")).unwrap();
        assert_eq!(spec.target, Path::new("/opt/orders"));
        assert_eq!(spec.names.module_path.as_str(), "example.com/orders");
    }

    #[test]
    fn current_folder_takes_its_name() {
        let spec = resolve(".", None).unwrap();
        assert_eq!(spec.target, Path::new("/work/here"));
        assert_eq!(spec.names.folder, "here");
    }

    #[test]
    fn invalid_folder_name_suggests_module_flag() {
        let Err(Error::InvalidInput(message)) = resolve("has space", None) else {
            panic!("expected invalid input");
        };
        assert!(
            message.contains("`--module example.com/has-space`"),
            "{message}"
        );
    }

    #[test]
    fn invalid_module_flag_is_named() {
        let Err(Error::InvalidInput(message)) = resolve("billing", Some("../x")) else {
            panic!("expected invalid input");
        };
        assert!(
            message.starts_with("invalid module path `../x` given to `--module`"),
            "{message}"
        );
    }

    #[test]
    fn root_is_not_a_folder_name() {
        assert!(matches!(resolve("/", None), Err(Error::InvalidInput(_))));
    }
}
