//! Checks that the generated README and `.env.example` document every environment variable that the generated
//! `internal/config/config.go` reads, for every database.

mod support;

use scaffold::plan::Plan;
use scaffold::spec::Database;

fn file<'a>(plan: &'a Plan, path: &str) -> &'a str {
    let file = plan
        .files
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("the plan has no {path}"));
    std::str::from_utf8(&file.contents).expect("generated files are UTF-8")
}

/// Returns the variable names in the `env:"NAME"` struct tags of a Go file, in order.
fn env_tags(go_source: &str) -> Vec<String> {
    go_source
        .split("env:\"")
        .skip(1)
        .map(|rest| {
            let value = &rest[..rest.find('"').expect("a closed env tag")];
            value.split(',').next().unwrap().to_owned()
        })
        .collect()
}

fn check_settings_documented(database: Database) {
    let plan = support::example_plan(database);
    let variables = env_tags(file(&plan, "internal/config/config.go"));
    assert!(
        variables.len() >= 20,
        "found only {variables:?} in config.go; did the tag format change?"
    );

    let readme = file(&plan, "README.md");
    let env_example = file(&plan, ".env.example");
    for variable in &variables {
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "README.md ({}) has no settings table row for {variable}",
            database.as_str()
        );
        assert!(
            env_example
                .lines()
                .any(|line| line.starts_with(&format!("{variable}="))),
            ".env.example ({}) does not list {variable}",
            database.as_str()
        );
    }
}

#[test]
fn env_tags_parse_names() {
    let source = "A string `env:\"HOST\"`\nB []string `env:\"LIST\" envSeparator:\",\"`\nC int `env:\"X,required\"`";
    assert_eq!(env_tags(source), ["HOST", "LIST", "X"]);
}

#[test]
fn sqlite_readme_documents_settings() {
    check_settings_documented(Database::Sqlite);
}

#[test]
fn postgres_readme_documents_settings() {
    check_settings_documented(Database::Postgres);
}
