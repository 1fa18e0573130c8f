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
    /// Whether the project gets this file at all; most templates apply to every project.
    pub applies: fn(&Context) -> bool,
}

fn always(_: &Context) -> bool {
    true
}

/// Reports whether the project stores users in a SQL database, so it gets migrations, a driver and `testdb`.
fn uses_sql(context: &Context) -> bool {
    context.database != "none"
}

/// Reports whether the project keeps users in process memory (`--db none`).
fn in_memory(context: &Context) -> bool {
    context.database == "none"
}

fn uses_mysql(context: &Context) -> bool {
    context.database == "mysql"
}

macro_rules! built_in_templates {
    ($($type_name:ident = $path:literal $(with $syntax:literal)? $(if $applies:ident)?;)*) => {
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
            $(BuiltIn {
                path: $path,
                render: |context| askama::Template::render(&$type_name(context)),
                applies: built_in_templates!(@applies $($applies)?),
            },)*
        ];
    };
    (@applies) => { always };
    (@applies $applies:ident) => { $applies };
}

built_in_templates! {
    Dockerignore = ".dockerignore";
    EnvExample = ".env.example";
    Gitattributes = ".gitattributes";
    GithubWorkflowsCiYml = ".github/workflows/ci.yml" with "alt";
    Gitignore = ".gitignore";
    Dockerfile = "Dockerfile";
    Makefile = "Makefile";
    ReadmeMd = "README.md";
    CmdServerMainGo = "cmd/server/main.go";
    CmdServerMainTestGo = "cmd/server/main_test.go";
    DockerComposeYml = "docker-compose.yml" with "alt";
    GoMod = "go.mod";
    GoSum = "go.sum";
    InternalApiApiTestGo = "internal/api/api_test.go";
    InternalApiDecodeGo = "internal/api/decode.go";
    InternalApiHealthGo = "internal/api/health.go";
    InternalApiProblemGo = "internal/api/problem.go";
    InternalApiRoutesGo = "internal/api/routes.go";
    InternalApiServerGo = "internal/api/server.go";
    InternalApiUsersGo = "internal/api/users.go";
    InternalConfigConfigGo = "internal/config/config.go";
    InternalConfigConfigTestGo = "internal/config/config_test.go";
    InternalMiddlewareAccesslogGo = "internal/middleware/accesslog.go";
    InternalMiddlewareMiddlewareTestGo = "internal/middleware/middleware_test.go";
    InternalMiddlewareRecoverGo = "internal/middleware/recover.go";
    InternalMiddlewareRequestidGo = "internal/middleware/requestid.go";
    InternalRepositoryDbGo = "internal/repository/db.go" if uses_sql;
    InternalRepositoryMemoryGo = "internal/repository/memory.go" if in_memory;
    InternalRepositoryOpenGo = "internal/repository/open.go" if uses_sql;
    InternalRepositoryOpenTestGo = "internal/repository/open_test.go" if uses_mysql;
    InternalRepositoryQueriesGo = "internal/repository/queries.go" if uses_sql;
    InternalRepositorySqlTestGo = "internal/repository/sql_test.go" if uses_sql;
    InternalRepositoryTranslateTestGo = "internal/repository/translate_test.go" if uses_sql;
    InternalRepositoryUsersGo = "internal/repository/users.go" if uses_sql;
    InternalRepositoryUsersTestGo = "internal/repository/users_test.go";
    InternalServiceUserGo = "internal/service/user.go";
    InternalServiceUsersGo = "internal/service/users.go";
    InternalServiceUsersTestGo = "internal/service/users_test.go";
    InternalTestdbTestdbGo = "internal/testdb/testdb.go" if uses_sql;
    Migrations00001CreateUsersSql = "migrations/00001_create_users.sql" if uses_sql;
    MigrationsMigrationsGo = "migrations/migrations.go" if uses_sql;
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
