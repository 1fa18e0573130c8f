//! The validated description of one project: where it goes, what it is called and which database it uses.
//!
//! Everything a template needs is computed here once; later steps never re-derive a name.

use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::module_path::{ModulePath, check_project_path, name_element};
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
    /// Parses a database name as the `--db` flag accepts it, or returns the list of valid names.
    pub fn parse(value: &str) -> Result<Self, String> {
        <Self as clap::ValueEnum>::from_str(value, false).map_err(|_| {
            let names = Self::names().join(", ");
            if value.trim().is_empty() {
                format!("the database name is empty; choose one of {names}")
            } else {
                format!("unknown database `{value}`; choose one of {names}")
            }
        })
    }

    /// Names of every supported database, in the order `--help` lists them.
    pub fn names() -> Vec<&'static str> {
        <Self as clap::ValueEnum>::value_variants()
            .iter()
            .map(|database| database.as_str())
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::None => "none",
        }
    }
}

/// Answers after each was checked on its own, before the checks that need several of them together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// A folder name, a path, or a module path such as `github.com/acme/billing`.
    pub target: String,
    pub module: Option<String>,
    /// Prefix for a module path derived from the folder name, such as `github.com/acme`.
    pub module_prefix: Option<String>,
    pub database: Database,
    /// Whether to run `git init` and commit the generated files.
    pub git: bool,
}

impl Answers {
    /// Answers with built-in defaults for everything but the target.
    pub fn new(target: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            module: None,
            module_prefix: None,
            database: Database::Sqlite,
            git: true,
        }
    }
}

/// A validated project: every answer checked and every derived name computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    /// Absolute, lexically normalised path of the project folder.
    pub target: PathBuf,
    pub names: ProjectNames,
    pub database: Database,
    pub git: bool,
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

        if target_arg.starts_with('~') {
            return Err(Error::InvalidInput(format!(
                "`~` in the target `{target_arg}` is the home folder only to a shell, which did not expand it here; \
                 use `$HOME` or an absolute path"
            )));
        }

        let named_by_module = looks_like_module_path(target_arg, cwd);
        let target = if named_by_module {
            cwd.join(name_element(target_arg))
        } else {
            normalize(&cwd.join(target_arg))
        };
        let folder = folder_name(&target, target_arg)?;

        let (module_value, module_source) = match (&answers.module, named_by_module) {
            (Some(module), _) => (module.clone(), ModuleSource::Flag),
            (None, true) => (target_arg.to_owned(), ModuleSource::Name),
            (None, false) => match &answers.module_prefix {
                Some(prefix) => (
                    format!("{}/{folder}", prefix.trim_end_matches('/')),
                    ModuleSource::Prefix,
                ),
                None => (folder.clone(), ModuleSource::Folder),
            },
        };
        let module_path = ModulePath::parse(&module_value)
            .and_then(|path| check_project_path(&path).map(|()| path))
            .map_err(|reason| Error::InvalidInput(module_source.message(&module_value, &reason)))?;

        let names = ProjectNames::derive(&folder, module_path).map_err(Error::InvalidInput)?;
        Ok(Self {
            target,
            names,
            database: answers.database,
            git: answers.git,
        })
    }
}

/// Where the module path came from, so the error can name the fix.
enum ModuleSource {
    Flag,
    Name,
    Prefix,
    Folder,
}

impl ModuleSource {
    fn message(&self, value: &str, reason: &str) -> String {
        match self {
            Self::Flag => format!("invalid module path `{value}` given to `--module`: {reason}"),
            Self::Name => format!(
                "invalid module path `{value}`: {reason}; TARGET is read as a module path because its first \
                 element contains a dot; to name a folder instead, start it with `./`, as in `./{}`",
                suggest_module_element(name_element(value))
            ),
            Self::Prefix => format!(
                "invalid module path `{value}`, made of the configured module prefix and the folder name: {reason}; \
                 pass one with `--module`"
            ),
            Self::Folder => format!(
                "the folder name `{value}` is not a valid Go module path ({reason}); \
                 pass one with `--module`, for example `--module example.com/{}`",
                suggest_module_element(value)
            ),
        }
    }
}

/// Suggests the binary's name as the last module path element, so that the suggestion and the generated names
/// agree, unless that name is `vendor`, which no module path may contain.
pub fn suggest_module_element(folder: &str) -> String {
    match crate::names::app_name(folder) {
        Some(name) if name == "vendor" => "vendor-service".to_owned(),
        Some(name) => name,
        None => "service".to_owned(),
    }
}

/// Reports whether `arg` names a module path like `github.com/acme/billing` rather than a folder.
///
/// A relative path with a slash whose first element contains a dot is read as a module path, unless that first
/// element is an existing folder (`./` or an absolute path always means a folder).
pub fn looks_like_module_path(arg: &str, cwd: &Path) -> bool {
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
    let name = target.file_name();
    if let Some(name) = name.filter(|name| name.to_str().is_none()) {
        return Err(Error::InvalidInput(format!(
            "the folder name `{}` is not valid UTF-8, so it cannot name the project; pass a folder name such as \
             `./billing`",
            name.to_string_lossy()
        )));
    }
    // Linux and macOS limit a file name to 255 bytes.
    const MAX_NAME_BYTES: usize = 255;
    match name.and_then(|name| name.to_str()) {
        Some(name) if name.len() > MAX_NAME_BYTES => Err(Error::InvalidInput(format!(
            "the folder name `{name}` is {} bytes long; file systems allow at most {MAX_NAME_BYTES}",
            name.len()
        ))),
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
            module: module.map(Into::into),
            ..Answers::new(target)
        };
        ProjectSpec::resolve(&answers, Path::new("/work/here"))
    }

    #[test]
    fn non_utf8_current_folder_is_named_as_such() {
        use std::os::unix::ffi::OsStrExt;

        let cwd = Path::new(std::ffi::OsStr::from_bytes(b"/work/nu\xffdir"));
        let error = ProjectSpec::resolve(&Answers::new("."), cwd).unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("the folder name `nu\u{fffd}dir` is not valid UTF-8"),
            "{error}"
        );
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
    fn major_version_suffix_does_not_name_the_folder() {
        let spec = resolve("github.com/acme/billing/v2", None).unwrap();
        assert_eq!(spec.target, Path::new("/work/here/billing"));
        assert_eq!(
            spec.names.module_path.as_str(),
            "github.com/acme/billing/v2"
        );
    }

    #[test]
    fn tilde_and_long_names_are_rejected() {
        let Err(Error::InvalidInput(message)) = resolve("~/billing", None) else {
            panic!("expected invalid input");
        };
        assert!(
            message.contains("the home folder only to a shell"),
            "{message}"
        );
        let long = "a".repeat(256);
        let Err(Error::InvalidInput(message)) = resolve(&long, None) else {
            panic!("expected invalid input");
        };
        assert!(message.contains("is 256 bytes long"), "{message}");
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
    fn invalid_target_module_path_explained() {
        let Err(Error::InvalidInput(message)) = resolve("github.com/acme/Bad Name", None) else {
            panic!("expected invalid input");
        };
        assert!(
            message.contains("TARGET is read as a module path"),
            "{message}"
        );
        assert!(message.contains("`./bad-name`"), "{message}");
    }

    #[test]
    fn module_prefix_applies_to_folder_names() {
        let answers = Answers {
            module_prefix: Some("github.com/acme/".into()),
            ..Answers::new("billing")
        };
        let spec = ProjectSpec::resolve(&answers, Path::new("/work")).unwrap();
        assert_eq!(spec.names.module_path.as_str(), "github.com/acme/billing");

        let answers = Answers {
            module_prefix: Some("github.com/acme".into()),
            ..Answers::new("example.com/x/orders")
        };
        let spec = ProjectSpec::resolve(&answers, Path::new("/work")).unwrap();
        assert_eq!(
            spec.names.module_path.as_str(),
            "example.com/x/orders",
            "a module path as name wins"
        );
    }

    #[test]
    fn parses_database_names() {
        assert_eq!(Database::parse("postgres"), Ok(Database::Postgres));
        let error = Database::parse("oracle").unwrap_err();
        assert!(
            error.starts_with("unknown database `oracle`; choose one of sqlite, postgres"),
            "{error}"
        );
        let error = Database::parse("").unwrap_err();
        assert!(
            error.starts_with("the database name is empty; choose one of sqlite"),
            "{error}"
        );
    }

    #[test]
    fn root_is_not_a_folder_name() {
        assert!(matches!(resolve("/", None), Err(Error::InvalidInput(_))));
    }
}
