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
    /// Whether the template uses the alternative delimiters `[[ ]]`, `[% %]` and `[# #]`.
    pub alt_syntax: bool,
    /// The projects that get this file; most templates apply to every project.
    pub when: &'static Condition,
}

impl BuiltIn {
    /// Returns the template's source as embedded in the binary.
    pub fn source(&self) -> &'static str {
        SOURCES
            .get_file(self.path)
            .and_then(|file| file.contents_utf8())
            .expect("every registered template is embedded as UTF-8")
    }
}

/// Finds the built-in template generated at `path`.
pub fn find(path: &str) -> Option<&'static BuiltIn> {
    BUILT_IN.iter().find(|template| template.path == path)
}

/// A rule deciding which projects get a template.
pub struct Condition {
    /// Shown by `scaffold templates list`.
    pub description: &'static str,
    pub applies: fn(&Context) -> bool,
}

pub const ALWAYS: Condition = Condition {
    description: "every project",
    applies: |_| true,
};

/// Projects that store users in a SQL database, so they get migrations, a driver and `testdb`.
pub const USES_SQL: Condition = Condition {
    description: "projects with a SQL database (not --db none)",
    applies: |context| context.database != "none",
};

/// Projects that keep users in process memory.
pub const IN_MEMORY: Condition = Condition {
    description: "--db none",
    applies: |context| context.database == "none",
};

/// Projects whose `dataSourceName` has logic worth a unit test.
pub const USES_MYSQL_OR_SQLITE: Condition = Condition {
    description: "--db mysql or --db sqlite",
    applies: |context| context.database == "mysql" || context.database == "sqlite",
};

macro_rules! built_in_templates {
    ($($type_name:ident = $path:literal $(with $syntax:literal)? $(if $condition:ident)?;)*) => {
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
                alt_syntax: built_in_templates!(@alt $($syntax)?),
                when: &built_in_templates!(@when $($condition)?),
            },)*
        ];
    };
    (@alt) => { false };
    (@alt $syntax:literal) => { true };
    (@when) => { ALWAYS };
    (@when $condition:ident) => { $condition };
}

built_in_templates! {
    Dockerignore = ".dockerignore";
    EnvExample = ".env.example";
    Gitattributes = ".gitattributes";
    GithubDependabotYml = ".github/dependabot.yml" with "alt";
    GithubWorkflowsCiYml = ".github/workflows/ci.yml" with "alt";
    Gitignore = ".gitignore";
    GolangciYml = ".golangci.yml" with "alt";
    Dockerfile = "Dockerfile";
    Makefile = "Makefile";
    ReadmeMd = "README.md";
    ApiApiGo = "api/api.go";
    ApiOpenapiYaml = "api/openapi.yaml" with "alt";
    CmdServerHealthcheckGo = "cmd/server/healthcheck.go";
    CmdServerMainGo = "cmd/server/main.go";
    CmdServerMainTestGo = "cmd/server/main_test.go";
    CmdServerMigrateGo = "cmd/server/migrate.go" if USES_SQL;
    DockerComposeYml = "docker-compose.yml" with "alt";
    GoMod = "go.mod";
    GoSum = "go.sum";
    InternalApiApiTestGo = "internal/api/api_test.go";
    InternalApiDecodeGo = "internal/api/decode.go";
    InternalApiFuzzTestGo = "internal/api/fuzz_test.go";
    InternalApiHealthGo = "internal/api/health.go";
    InternalApiMiddlewareTestGo = "internal/api/middleware_test.go";
    InternalApiOpenapiGo = "internal/api/openapi.go";
    InternalApiOpenapiTestGo = "internal/api/openapi_test.go";
    InternalApiProblemGo = "internal/api/problem.go";
    InternalApiRoutesGo = "internal/api/routes.go";
    InternalApiServerGo = "internal/api/server.go";
    InternalApiUsersGo = "internal/api/users.go";
    InternalConfigConfigGo = "internal/config/config.go";
    InternalConfigConfigTestGo = "internal/config/config_test.go";
    InternalConfigValidateGo = "internal/config/validate.go";
    InternalLoggingWriterGo = "internal/logging/writer.go";
    InternalLoggingWriterTestGo = "internal/logging/writer_test.go";
    InternalMiddlewareAccesslogGo = "internal/middleware/accesslog.go";
    InternalMiddlewareAccesslogInternalTestGo = "internal/middleware/accesslog_internal_test.go";
    InternalMiddlewareBodylimitGo = "internal/middleware/bodylimit.go";
    InternalMiddlewareClientipGo = "internal/middleware/clientip.go";
    InternalMiddlewareClientipTestGo = "internal/middleware/clientip_test.go";
    InternalMiddlewareCorsGo = "internal/middleware/cors.go";
    InternalMiddlewareCorsTestGo = "internal/middleware/cors_test.go";
    InternalMiddlewareHeadersTestGo = "internal/middleware/headers_test.go";
    InternalMiddlewareLoghandlerGo = "internal/middleware/loghandler.go";
    InternalMiddlewareMiddlewareTestGo = "internal/middleware/middleware_test.go";
    InternalMiddlewareProblemGo = "internal/middleware/problem.go";
    InternalMiddlewareRatelimitGo = "internal/middleware/ratelimit.go";
    InternalMiddlewareRatelimitInternalTestGo = "internal/middleware/ratelimit_internal_test.go";
    InternalMiddlewareRatelimitTestGo = "internal/middleware/ratelimit_test.go";
    InternalMiddlewareRecoverGo = "internal/middleware/recover.go";
    InternalMiddlewareRequestidGo = "internal/middleware/requestid.go";
    InternalMiddlewareResponsewriterGo = "internal/middleware/responsewriter.go";
    InternalMiddlewareResponsewriterInternalTestGo = "internal/middleware/responsewriter_internal_test.go";
    InternalMiddlewareSecurityheadersGo = "internal/middleware/securityheaders.go";
    InternalMiddlewareTimeoutGo = "internal/middleware/timeout.go";
    InternalMiddlewareTimeoutTestGo = "internal/middleware/timeout_test.go";
    InternalRepositoryDbGo = "internal/repository/db.go" if USES_SQL;
    InternalRepositoryMemoryGo = "internal/repository/memory.go" if IN_MEMORY;
    InternalRepositoryOpenGo = "internal/repository/open.go" if USES_SQL;
    InternalRepositoryOpenTestGo = "internal/repository/open_test.go" if USES_MYSQL_OR_SQLITE;
    InternalRepositoryQueriesGo = "internal/repository/queries.go" if USES_SQL;
    InternalRepositorySqlTestGo = "internal/repository/sql_test.go" if USES_SQL;
    InternalRepositoryTranslateTestGo = "internal/repository/translate_test.go" if USES_SQL;
    InternalRepositoryUsersGo = "internal/repository/users.go" if USES_SQL;
    InternalRepositoryUsersTestGo = "internal/repository/users_test.go";
    InternalServiceUserGo = "internal/service/user.go";
    InternalServiceUsersGo = "internal/service/users.go";
    InternalServiceUsersTestGo = "internal/service/users_test.go";
    InternalTestdbTestdbGo = "internal/testdb/testdb.go" if USES_SQL;
    Migrations00001CreateUsersSql = "migrations/00001_create_users.sql" if USES_SQL;
    MigrationsMigrationsGo = "migrations/migrations.go" if USES_SQL;
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

    #[test]
    fn alt_syntax_follows_the_file_type_rule() {
        for template in BUILT_IN {
            assert_eq!(
                template.alt_syntax,
                crate::jinja::uses_alt_syntax(template.path),
                "{}",
                template.path
            );
        }
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
