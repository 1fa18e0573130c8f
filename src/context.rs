//! The values every template can use: the same for the compiled built-in templates and, later, for user
//! templates rendered at run time.

use crate::spec::ProjectSpec;

/// The Go release a generated project targets. The `go` directive in go.mod, the Dockerfile's build image and the
/// CI workflow (which reads go.mod) all derive from it, so they never disagree.
pub const GO_VERSION: &str = "1.26.8";

/// Template variables. Field names are the names templates use, so renaming one breaks every template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The project folder's name as typed, for prose such as the README title.
    pub project_name: String,
    /// Lowercase kebab-case name for the binary, the image, the Compose service and the SQLite file.
    pub app_name: String,
    /// The Go module path, byte for byte as given.
    pub module_path: String,
    /// `sqlite`, `postgres`, `mysql` or `none`.
    pub database: &'static str,
    /// Database and user name on a PostgreSQL or MySQL server.
    pub database_name: String,
    pub go_version: &'static str,
    pub scaffold_version: &'static str,
}

impl Context {
    pub fn new(spec: &ProjectSpec) -> Self {
        Self {
            project_name: spec.names.folder.clone(),
            app_name: spec.names.app.clone(),
            module_path: spec.names.module_path.as_str().to_owned(),
            database: spec.database.as_str(),
            database_name: spec.names.database.clone(),
            go_version: GO_VERSION,
            scaffold_version: env!("CARGO_PKG_VERSION"),
        }
    }
}
