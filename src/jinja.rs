//! Run-time rendering with minijinja, for template overlays and for proving that the built-in askama templates
//! render identically from their exported sources.
//!
//! The settings match askama's behaviour: no auto-escaping, trailing newline dropped (the plan adds exactly one),
//! undefined variables are errors, and YAML files use the alternative delimiters.

use std::collections::HashSet;
use std::fmt;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

/// Reports whether a template at `path` uses `[[ ]]`, `[% %]` and `[# #]` instead of the default delimiters,
/// because files of its type often contain `{{` themselves (GitHub Actions expressions, Compose files).
pub fn uses_alt_syntax(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// A template that failed to parse or render, located for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Renders the template `source`, known as `path`, against `context`.
pub fn render(path: &str, source: &str, context: &Value) -> Result<String, TemplateError> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    if uses_alt_syntax(path) {
        environment.set_syntax(alt_syntax());
    }
    environment
        .template_from_named_str(path, source)
        .and_then(|template| template.render(context))
        .map_err(|error| locate(path, source, &error))
}

/// Returns the names of the variables that the template `source`, known as `path`, may look up. The analysis is
/// static, so it covers every branch. A template that does not parse gives no names; rendering reports its error.
pub fn variables_used(path: &str, source: &str) -> HashSet<String> {
    let mut environment = Environment::new();
    if uses_alt_syntax(path) {
        environment.set_syntax(alt_syntax());
    }
    environment
        .template_from_named_str(path, source)
        .map(|template| template.undeclared_variables(false))
        .unwrap_or_default()
}

fn alt_syntax() -> SyntaxConfig {
    SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .variable_delimiters("[[", "]]")
        .comment_delimiters("[#", "#]")
        .build()
        .expect("the alternative delimiters are valid")
}

/// Turns a minijinja error into a file:line:column message; an undefined variable is named from the source span.
fn locate(path: &str, source: &str, error: &minijinja::Error) -> TemplateError {
    let range = error.range();
    let (line, column) = match &range {
        Some(range) => line_and_column(source, range.start),
        None => (error.line().unwrap_or(1), 1),
    };
    let message = match (error.kind(), &range) {
        (ErrorKind::UndefinedError, Some(range)) => {
            let name = source[range.clone()].trim();
            if crate::context::is_variable_name(name) {
                format!(
                    "undefined variable `{name}`; give it with `--set {name}=VALUE`, or see `scaffold templates vars` \
                     for the built-in ones"
                )
            } else {
                format!("undefined variable `{name}`")
            }
        }
        _ => match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        },
    };
    TemplateError {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// Converts a byte offset into 1-based line and column numbers, counting columns in characters.
fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Value {
        Value::from(minijinja::value::Serde(
            serde_json::json!({"name": "billing", "database": "postgres"}),
        ))
    }

    #[test]
    fn renders_both_syntaxes() {
        assert_eq!(
            render(
                "a.go",
                "x {{ name }}{% if database == \"postgres\" %} pg{% endif %}\n",
                &context()
            )
            .unwrap(),
            "x billing pg"
        );
        assert_eq!(
            render("ci.yml", "${{ github.sha }} [[ name ]]", &context()).unwrap(),
            "${{ github.sha }} billing"
        );
        assert_eq!(
            render("CI.YAML", "${{ github.sha }} [[ name ]]", &context()).unwrap(),
            "${{ github.sha }} billing"
        );
    }

    #[test]
    fn undefined_variable_is_located_and_named() {
        let error = render(
            "Dockerfile",
            "FROM x\nLABEL team={{ team_name }}\n",
            &context(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Dockerfile:2:15: undefined variable `team_name`; give it with `--set team_name=VALUE`, or see \
             `scaffold templates vars` for the built-in ones"
        );
    }

    #[test]
    fn variables_used_covers_every_branch_and_syntax() {
        let used = variables_used(
            "a.go",
            "{% if team %}{{ owner }}{% else %}{% set x = 1 %}{{ x }}{% endif %}",
        );
        assert_eq!(used, HashSet::from(["team".to_owned(), "owner".to_owned()]));
        let used = variables_used("ci.yml", "${{ github.sha }} [[ team ]]");
        assert_eq!(used, HashSet::from(["team".to_owned()]));
        assert!(variables_used("a.go", "{% if %}").is_empty());
    }

    #[test]
    fn syntax_error_is_located() {
        let error = render("Makefile", "all:\n\t{% if %}\n", &context()).unwrap_err();
        assert_eq!((error.line, error.path.as_str()), (2, "Makefile"));
        assert!(error.message.starts_with("syntax error"), "{error}");
    }
}
