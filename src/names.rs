//! Every name a generated project needs, derived once from the folder name and the module path.
//!
//! Go packages are named by role (`api`, `service`, ...), so no Go identifier comes from the project name. The
//! names here only have to be valid in the places they appear: file names, Compose service names, and PostgreSQL
//! and MySQL database and user names.

use heck::{ToKebabCase, ToSnakeCase};

use crate::module_path::ModulePath;

/// Maximum length of the database name, which is also the database user's name: MySQL's limit for user names,
/// 32 characters, the smallest of the limits that apply (PostgreSQL keeps 63 bytes, MySQL 64 for database names).
/// The generated MySQL tests add `_test` and then `_t` and 16 hex digits to it, 55 characters at most.
const MAX_DATABASE_NAME: usize = 32;

/// Maximum length of the app name: 63 characters, the limit of a DNS label, because Compose makes the service name a
/// host name on the project's network. It also keeps `data/APP.db` and the other file names far below the 255 bytes
/// that Linux and macOS allow for a file name.
const MAX_APP_NAME: usize = 63;

/// Names derived from one project's folder and module path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectNames {
    /// The project folder's name exactly as typed.
    pub folder: String,
    /// The Go module path, kept byte for byte.
    pub module_path: ModulePath,
    /// Lowercase ASCII kebab case: binary, container image, Compose service and SQLite file name.
    pub app: String,
    /// Lowercase ASCII snake case that starts with a letter: the PostgreSQL or MySQL database and user name.
    pub database: String,
}

impl ProjectNames {
    /// Derives every name from the folder name, or returns why no usable name can be derived from it.
    pub fn derive(folder: &str, module_path: ModulePath) -> Result<Self, String> {
        let app = app_name(folder).ok_or_else(|| {
            format!(
                "the folder name `{folder}` has no letters or digits to name the binary and the database after"
            )
        })?;
        let mut database = app.to_snake_case();
        if !database.starts_with(|c: char| c.is_ascii_alphabetic()) {
            database.insert_str(0, "db_");
        }
        // Truncating here, rather than leaving it to the database, keeps every file naming the same database.
        // The name is ASCII, so any byte index is a character boundary.
        database.truncate(MAX_DATABASE_NAME);
        let database = database.trim_end_matches('_').to_owned();
        Ok(Self {
            folder: folder.to_owned(),
            module_path,
            app,
            database,
        })
    }
}

/// Returns the lowercase ASCII kebab-case name of the binary for `folder`, or `None` when nothing usable remains.
/// Letters outside ASCII are transliterated first ("Über" gives "uber"), so that no letter silently disappears.
pub fn app_name(folder: &str) -> Option<String> {
    let kebab = ascii_only(&deunicode::deunicode(folder).to_kebab_case());
    let name = kebab.trim_start_matches('-');
    // The name is ASCII, so any byte index is a character boundary.
    let name = name[..name.len().min(MAX_APP_NAME)].trim_end_matches('-');
    (!name.is_empty()).then(|| name.to_owned())
}

/// Drops every character that is not a lowercase ASCII letter, a digit or `-`, and collapses repeated dashes.
fn ascii_only(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    for c in kebab.chars() {
        let keep =
            c.is_ascii_lowercase() || c.is_ascii_digit() || (c == '-' && !out.ends_with('-'));
        if keep {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derive(folder: &str) -> ProjectNames {
        ProjectNames::derive(folder, ModulePath::parse("example.com/x").unwrap()).unwrap()
    }

    #[test]
    fn derives_names_for_awkward_folders() {
        for (folder, app, database) in [
            ("billing", "billing", "billing"),
            ("kube-release", "kube-release", "kube_release"),
            ("2fa-service", "2fa-service", "db_2fa_service"),
            ("go-job", "go-job", "go_job"),
            ("my.service", "my-service", "my_service"),
            ("range", "range", "range"),
            ("BillingAPI", "billing-api", "billing_api"),
            ("Café Orders", "cafe-orders", "cafe_orders"),
            ("Über", "uber", "uber"),
            ("日本", "ri-ben", "ri_ben"),
        ] {
            let names = derive(folder);
            assert_eq!(names.app, app, "app name of {folder}");
            assert_eq!(names.database, database, "database name of {folder}");
            assert_eq!(names.folder, folder);
        }
    }

    #[test]
    fn database_name_fits_mysql_user_names() {
        let names = derive(&"billing-".repeat(12));
        assert!(names.database.len() <= 32, "{}", names.database);
        assert!(!names.database.ends_with('_'));
    }

    #[test]
    fn app_name_fits_a_dns_label() {
        let names = derive(&format!("-{}", "a-".repeat(200)));
        assert_eq!(names.app.len(), 63, "{}", names.app);
        assert!(names.app.starts_with("a-a"), "{}", names.app);
        assert!(!names.app.ends_with('-'), "{}", names.app);

        assert_eq!(derive(&"a".repeat(255)).app, "a".repeat(63));
    }

    #[test]
    fn rejects_folder_without_letters() {
        let error =
            ProjectNames::derive("--", ModulePath::parse("example.com/x").unwrap()).unwrap_err();
        assert!(error.contains("no letters or digits"), "{error}");
    }
}
