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

/// Rejects a module path that `go mod init` accepts but with which the generated project does not build:
/// - the path of one of its dependencies, because the go command would then see two modules with one path;
/// - a path with a `vendor` element, because the go command reads an import path through `vendor` as a vendored
///   package and rejects it;
/// - the path `cmd`, because the project's `api` package would then have the import path of the Go distribution's
///   `cmd/api`, and the import is ambiguous. Longer paths under `cmd`, such as `cmd/tool`, build.
pub fn check_project_path(path: &ModulePath) -> Result<(), String> {
    if DEPENDENCIES.contains(&path.as_str()) {
        return Err(
            "it is the path of a module that the generated project depends on; choose your own module path"
                .into(),
        );
    }
    if path.as_str().split('/').any(|element| element == "vendor") {
        return Err(
            "it has the element `vendor`, which makes the go command treat the project's packages as vendored \
             copies and reject the imports"
                .into(),
        );
    }
    if path.as_str() == "cmd" {
        return Err(
            "the project's `api` package would get the import path `cmd/api`, which the Go distribution's own \
             api command has, so the import would be ambiguous"
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

/// Applies the go command's rules for a final major version suffix, as `go mod init` does with
/// `SplitPathVersion` from golang.org/x/mod/module (checked against v0.42.0). The suffix is the longest run of
/// digits and dots at the end of the path. When `/v` comes before that run, the last element is a major version
/// suffix and must be `/vN` with N >= 2, no dots and no leading zero. Any other last element, such as `v` or `vx`,
/// is an ordinary element. Paths under `gopkg.in/` follow that server's `.vN` convention instead.
fn check_major_version(path: &str) -> Result<(), String> {
    if path.starts_with("gopkg.in/") {
        return check_gopkg_in_version(path);
    }
    let start = path
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .len();
    let number = &path[start..];
    if number.is_empty() || !path[..start].ends_with("/v") {
        return Ok(());
    }
    let suffix = &path[start - 2..];
    let major = number.split('.').next().unwrap_or(number);
    if number.contains('.') {
        return Err(format!(
            "it ends in `{suffix}`, but a major version suffix has no dots; {}",
            fix_major_version(major)
        ));
    }
    if major == "0" || major == "1" {
        return Err(format!(
            "it ends in `{suffix}`, but a major version suffix must be /v2 or later; drop it for v0 and v1"
        ));
    }
    if major.starts_with('0') {
        return Err(format!(
            "it ends in `{suffix}`, but a major version suffix has no leading zeros; {}",
            fix_major_version(major)
        ));
    }
    Ok(())
}

/// Returns the fix for an invalid suffix with the major version `major`, which may have leading zeros.
fn fix_major_version(major: &str) -> String {
    match major.trim_start_matches('0') {
        "" | "1" => "drop it for v0 and v1".into(),
        major => format!("write `/v{major}`"),
    }
}

/// Applies the gopkg.in rule of `splitGopkgIn` from golang.org/x/mod/module: the path ends in `.vN`, optionally
/// followed by `-unstable`, where N has no leading zero unless it is `0`.
fn check_gopkg_in_version(path: &str) -> Result<(), String> {
    let versioned = path.strip_suffix("-unstable").unwrap_or(path);
    let start = versioned
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .len();
    let major = &versioned[start..];
    let canonical = !major.is_empty() && (major == "0" || !major.starts_with('0'));
    if versioned[..start].ends_with(".v") && canonical {
        return Ok(());
    }
    Err("gopkg.in paths must end in a major version such as `.v3`, without leading zeros".into())
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
    use super::*;

    #[test]
    fn dependencies_are_not_project_paths() {
        let goose = ModulePath::parse("github.com/pressly/goose/v3").unwrap();
        assert!(check_project_path(&goose).is_err());
        let time = ModulePath::parse("golang.org/x/time").unwrap();
        assert!(check_project_path(&time).is_err());
        let testify = ModulePath::parse("github.com/stretchr/testify").unwrap();
        assert!(
            check_project_path(&testify).is_err(),
            "modules only in go.sum count too"
        );
        let own = ModulePath::parse("github.com/pressly/billing").unwrap();
        assert!(check_project_path(&own).is_ok());
    }

    #[test]
    fn project_path_rejects_unbuildable_paths() {
        for path in [
            "vendor",
            "example.com/vendor",
            "example.com/a/vendor/b",
            "cmd",
        ] {
            let parsed = ModulePath::parse(path).unwrap();
            assert!(check_project_path(&parsed).is_err(), "{path}");
        }
        for path in [
            "example.com/vendors",
            "example.com/cmd",
            "cmd/tool",
            "cmd/api",
            "net",
            "internal/x",
        ] {
            let parsed = ModulePath::parse(path).unwrap();
            assert!(check_project_path(&parsed).is_ok(), "{path}");
        }
    }

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
            "example.com/x/v10",
            "gopkg.in/yaml.v3",
            "gopkg.in/yaml.v0",
            "gopkg.in/yaml.v1",
            "gopkg.in/yaml.v3-unstable",
            "example.com/version",
            // A last element is a major version suffix only when `v` is followed by digits and dots.
            "example.com/v",
            "example.com/vx",
            "example.com/V2",
            "example.com/xv2",
            "example.com/1.5",
            // Only the last element can be a major version suffix.
            "example.com/v1/billing",
            "example.com/v1.5/billing",
            "example.com/v0/billing",
            // A suffix needs a `/` before the `v`.
            "v2",
            "v2.0",
            "v1",
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
            ("example.com/x/v02", "has no leading zeros"),
            ("example.com/x/v01", "has no leading zeros"),
            ("example.com/v1", "must be /v2 or later"),
            ("example.com/v1.5", "has no dots"),
            ("example.com/v2.0", "has no dots"),
            ("example.com/v.2", "has no dots"),
            ("example.com/v1..2", "has no dots"),
            ("gopkg.in/yaml", "gopkg.in paths must end"),
            ("gopkg.in/yaml.v", "gopkg.in paths must end"),
            ("gopkg.in/yaml.v01", "gopkg.in paths must end"),
            ("gopkg.in/v3", "gopkg.in paths must end"),
        ] {
            let error = ModulePath::parse(value).expect_err(value);
            assert!(
                error.contains(reason),
                "{value}: {error:?} should mention {reason:?}"
            );
        }
    }

    #[test]
    fn invalid_suffix_names_the_fix() {
        for (value, fix) in [
            ("example.com/v2.0", "write `/v2`"),
            ("example.com/v02", "write `/v2`"),
            ("example.com/v10.1", "write `/v10`"),
            ("example.com/v1.5", "drop it for v0 and v1"),
            ("example.com/v01", "drop it for v0 and v1"),
            ("example.com/v0", "drop it for v0 and v1"),
            ("example.com/v.2", "drop it for v0 and v1"),
        ] {
            let error = ModulePath::parse(value).expect_err(value);
            assert!(
                error.ends_with(fix),
                "{value}: {error:?} should end with {fix:?}"
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
