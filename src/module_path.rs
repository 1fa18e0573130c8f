//! Validation of Go module paths.
//!
//! The rules follow what `go mod init` accepts (golang.org/x/mod/module's import path check, as applied by Go
//! 1.26), with one stricter rule: no path element may start with a dot, because such folders are hidden and Go
//! tooling ignores packages under them.

use std::fmt;

/// A Go module path that passed [`ModulePath::parse`]; kept byte for byte as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath(String);

/// Module paths that `go mod init` rejects although every character is allowed.
const RESERVED_PATHS: &[&str] = &["go", "toolchain"];

/// Element names that Windows reserves, compared case-insensitively with the part before the first dot.
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Every module in a generated project's module graph, for any database: each module that go.sum lists, since
/// `go mod tidy` also needs the modules that go.mod does not name. Read from the template itself so that the list
/// cannot fall behind it.
static DEPENDENCIES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../templates/go.sum")
        .lines()
        .filter(|line| !line.starts_with("{%"))
        .filter_map(|line| line.split_once(' ').map(|(module, _)| module))
        .collect()
});

/// Rejects a project module path that equals one of the generated project's dependencies, because the go
/// command would then see two modules with one path, and `go build` or `go mod tidy` fails.
pub fn check_not_dependency(path: &ModulePath) -> Result<(), String> {
    if DEPENDENCIES.contains(&path.as_str()) {
        return Err(
            "it is the path of a module that the generated project depends on; choose your own module path"
                .into(),
        );
    }
    Ok(())
}

impl ModulePath {
    /// Checks `value` and returns the reason it is not a valid module path, if it is not.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.is_empty() {
            return Err("it is empty".into());
        }
        if RESERVED_PATHS.contains(&value) {
            return Err(format!("`{value}` is reserved by the go command"));
        }
        if value.starts_with('/') {
            return Err("it starts with `/`".into());
        }
        if value.starts_with('-') {
            return Err("it starts with `-`".into());
        }
        if value.ends_with('/') {
            return Err("it ends with `/`".into());
        }
        if value.contains("//") {
            return Err("it contains `//`".into());
        }
        if let Some(bad) = value.chars().find(|c| !is_allowed_char(*c)) {
            return Err(describe_bad_char(bad));
        }
        for element in value.split('/') {
            check_element(element)?;
        }
        check_major_version(value)?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the element `go build` names a binary after: the last one, or the one before a major version
    /// suffix such as `/v2`.
    pub fn name_element(&self) -> &str {
        name_element(&self.0)
    }
}

/// Returns the last element of a slash-separated path, skipping a final major version suffix (`/v2`).
pub fn name_element(path: &str) -> &str {
    let mut elements = path.rsplit('/');
    let last = elements.next().unwrap_or(path);
    match elements.next() {
        Some(previous) if major_version(last).is_some_and(|major| major >= 2) => previous,
        _ => last,
    }
}

/// Parses `vN` with N written without leading zeros.
fn major_version(element: &str) -> Option<u64> {
    let digits = element.strip_prefix('v')?;
    let canonical = !digits.is_empty() && (digits == "0" || !digits.starts_with('0'));
    if canonical && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Applies the go command's rules for major version suffixes: `/vN` only for N >= 2, and `gopkg.in` paths must end
/// in `.vN`.
fn check_major_version(value: &str) -> Result<(), String> {
    let last = value.rsplit('/').next().unwrap_or(value);
    if value.starts_with("gopkg.in/") {
        let versioned = last
            .rsplit_once(".v")
            .is_some_and(|(_, major)| major.bytes().all(|b| b.is_ascii_digit()));
        if !versioned {
            return Err("gopkg.in paths must end in a major version such as `.v3`".into());
        }
        return Ok(());
    }
    if value.contains('/') && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit())
    {
        match major_version(last) {
            Some(major) if major >= 2 => {}
            _ => {
                return Err(format!(
                    "it ends in `/{last}`, but a major version suffix must be /v2 or later; drop it for v0 and v1"
                ));
            }
        }
    }
    Ok(())
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_allowed_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/')
}

fn describe_bad_char(c: char) -> String {
    match c {
        ' ' => "it contains a space".into(),
        '\\' => "it contains a backslash; module paths use `/`".into(),
        c if c.is_control() => format!("it contains the control character {:?}", c),
        c => format!("it contains `{c}`; only ASCII letters, digits and `-._~+/` are allowed"),
    }
}

fn check_element(element: &str) -> Result<(), String> {
    if element.chars().all(|c| c == '.') {
        return Err(format!(
            "the path element `{element}` is a relative folder reference"
        ));
    }
    if element.starts_with('.') {
        return Err(format!("the path element `{element}` starts with a dot"));
    }
    if element.ends_with('.') {
        return Err(format!("the path element `{element}` ends with a dot"));
    }
    if has_short_name_suffix(element) {
        return Err(format!(
            "the path element `{element}` ends with `~` and digits, like a Windows short name"
        ));
    }
    let stem = element.split('.').next().unwrap_or(element);
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(stem))
    {
        return Err(format!(
            "the path element `{element}` is a reserved file name on Windows"
        ));
    }
    Ok(())
}

/// Reports whether `element` ends in `~` followed by one or more digits (`PROGRA~1`).
fn has_short_name_suffix(element: &str) -> bool {
    let Some(tilde) = element.rfind('~') else {
        return false;
    };
    let digits = &element[tilde + 1..];
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {

    #[test]
    fn dependencies_are_not_project_paths() {
        let goose = ModulePath::parse("github.com/pressly/goose/v3").unwrap();
        assert!(check_not_dependency(&goose).is_err());
        let time = ModulePath::parse("golang.org/x/time").unwrap();
        assert!(check_not_dependency(&time).is_err());
        let testify = ModulePath::parse("github.com/stretchr/testify").unwrap();
        assert!(
            check_not_dependency(&testify).is_err(),
            "modules only in go.sum count too"
        );
        let own = ModulePath::parse("github.com/pressly/billing").unwrap();
        assert!(check_not_dependency(&own).is_ok());
    }
    use super::*;

    #[test]
    fn accepts_paths_go_mod_init_accepts() {
        for value in [
            "billing",
            "github.com/acme/billing",
            "Github.com/Acme/Billing",
            "my.service",
            "2fa-service",
            "range",
            "go-job",
            "example.com/x/go",
            "a+b",
            "x/_y",
            "abc~",
            "example.com/x/v2",
            "gopkg.in/yaml.v3",
            "example.com/version",
        ] {
            assert!(ModulePath::parse(value).is_ok(), "{value} should be valid");
        }
    }

    #[test]
    fn rejects_invalid_paths() {
        for (value, reason) in [
            ("", "empty"),
            ("has space", "space"),
            ("../x", "relative folder"),
            ("./x", "relative folder"),
            (".x", "starts with a dot"),
            ("x/.y", "starts with a dot"),
            ("x.", "ends with a dot"),
            ("/abs", "starts with `/`"),
            ("a//b", "`//`"),
            ("a/", "ends with `/`"),
            ("-a", "starts with `-`"),
            ("a\\b", "backslash"),
            ("a:b", "`:`"),
            ("a@v1", "`@`"),
            ("日本", "`日`"),
            ("con", "Windows"),
            ("LPT1/x", "Windows"),
            ("x~1", "short name"),
            ("go", "reserved"),
            ("toolchain", "reserved"),
            ("example.com/x/v1", "must be /v2 or later"),
            ("example.com/x/v0", "must be /v2 or later"),
            ("example.com/x/v02", "must be /v2 or later"),
            ("gopkg.in/yaml", "gopkg.in paths must end"),
        ] {
            let error = ModulePath::parse(value).expect_err(value);
            assert!(
                error.contains(reason),
                "{value}: {error:?} should mention {reason:?}"
            );
        }
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn name_element_skips_major_version() {
        assert_eq!(name_element("github.com/acme/billing/v2"), "billing");
        assert_eq!(name_element("github.com/acme/billing"), "billing");
        assert_eq!(name_element("github.com/acme/v1"), "v1");
        assert_eq!(name_element("v2"), "v2");
    }
}
