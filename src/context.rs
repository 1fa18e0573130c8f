//! The values every template can use: the same for the compiled built-in templates and, later, for user
//! templates rendered at run time.

use crate::spec::ProjectSpec;

/// The Go release a generated project targets. The `go` directive in go.mod, the Dockerfile's build image and the
/// CI workflow (which reads go.mod) all derive from it, so they never disagree.
pub const GO_VERSION: &str = "1.26.8";

/// Template variables. Field names are the names templates use, so renaming one breaks every template and
/// every user's overlay.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// One template variable as `scaffold templates vars` describes it.
pub struct Variable {
    pub name: &'static str,
    pub kind: &'static str,
    pub meaning: &'static str,
}

/// Reports whether `name` can name a `--set` variable: letters, digits and `_`, not starting with a digit, as
/// minijinja reads a name in `{{ name }}`.
pub fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reports whether minijinja reads `name` as a keyword or a constant rather than a variable, so that a template
/// could never use a variable of that name: `{{ true }}` is always the boolean and `{{ not }}` is a syntax error.
/// `self` is included because Jinja reserves it for the template's blocks, and minijinja's analysis of the
/// variables a template uses leaves it out, so a `self` variable would always be reported as unused.
pub fn is_template_keyword(name: &str) -> bool {
    matches!(
        name,
        "true" | "false" | "none" | "True" | "False" | "None" | "not" | "self"
    )
}

/// Reports whether `name` is a built-in variable, which a `--set` variable may not replace.
pub fn is_built_in_variable(name: &str) -> bool {
    VARIABLES.iter().any(|variable| variable.name == name)
}

/// Every field of [`Context`], in declaration order; a test checks the two stay in step.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "project_name",
        kind: "string",
        meaning: "the project folder's name as typed",
    },
    Variable {
        name: "app_name",
        kind: "string",
        meaning: "lowercase kebab-case name of the binary, image, Compose service and SQLite file",
    },
    Variable {
        name: "module_path",
        kind: "string",
        meaning: "the Go module path, byte for byte as given",
    },
    Variable {
        name: "database",
        kind: "string",
        meaning: "the database: sqlite, postgres, mysql or none",
    },
    Variable {
        name: "database_name",
        kind: "string",
        meaning: "the PostgreSQL or MySQL database name, also used as the user name, at most 32 characters",
    },
    Variable {
        name: "go_version",
        kind: "string",
        meaning: "the Go release in go.mod, the Dockerfile and CI",
    },
    Variable {
        name: "scaffold_version",
        kind: "string",
        meaning: "the version of scaffold that generated the project",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Answers, ProjectSpec};

    #[test]
    fn variables_match_context_fields() {
        let spec =
            ProjectSpec::resolve(&Answers::new("billing"), std::path::Path::new("/work")).unwrap();
        let value = serde_json::to_value(Context::new(&spec)).unwrap();
        let fields: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut documented: Vec<&str> = VARIABLES.iter().map(|variable| variable.name).collect();
        documented.sort_unstable();
        assert_eq!(fields, documented);
    }
}
