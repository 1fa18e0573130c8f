//! `scaffold templates`: list the built-in templates, export their sources for an overlay, describe the variables.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use toml_edit::{DocumentMut, Item, Table, value};

use crate::cli::TemplatesCommand;
use crate::context::{Context, VARIABLES};
use crate::error::Error;
use crate::input_file::{ReadError, read_text, toml_error};
use crate::manifest::sha256_hex;
use crate::output::counted;
use crate::overlay::MANIFEST_NAME;
use crate::plan::{FILE_MODE, Plan, PlannedFile};
use crate::spec::{Answers, ProjectSpec};
use crate::templates::{self, BUILT_IN, BuiltIn};
use crate::writer;

/// Runs one `scaffold templates` subcommand.
pub fn run(
    command: &TemplatesCommand,
    out: &mut dyn Write,
    interrupted: &AtomicBool,
    quiet: bool,
) -> Result<(), Error> {
    match command {
        TemplatesCommand::List => list(out).map_err(stdout_error),
        TemplatesCommand::Vars => vars(out).map_err(stdout_error),
        TemplatesCommand::Export { paths, to, force } => {
            let chosen = choose(paths)?;
            let plan = export_plan(&chosen, to)?;
            writer::write(&plan, to, *force, interrupted)?;
            if quiet {
                return Ok(());
            }
            let count = counted(chosen.len(), "template");
            writeln!(out, "exported {count} to {}", to.display()).map_err(stdout_error)?;
            writeln!(
                out,
                "edit the copies, then run: scaffold new NAME --templates {}",
                to.display()
            )
            .map_err(stdout_error)
        }
    }
}

fn stdout_error(source: io::Error) -> Error {
    Error::stream("print to", "standard output", source)
}

fn list(out: &mut dyn Write) -> io::Result<()> {
    let width = BUILT_IN
        .iter()
        .map(|template| template.path.len())
        .max()
        .unwrap_or(0);
    for template in BUILT_IN {
        let syntax = if template.alt_syntax {
            ", delimiters [[ ]] [% %] [# #]"
        } else {
            ""
        };
        writeln!(
            out,
            "{:width$}  {}{syntax}",
            template.path, template.when.description
        )?;
    }
    Ok(())
}

fn vars(out: &mut dyn Write) -> io::Result<()> {
    let answers = Answers {
        module: Some("github.com/acme/billing".into()),
        ..Answers::new("billing")
    };
    let spec =
        ProjectSpec::resolve(&answers, Path::new("/work")).expect("the example answers are valid");
    let example = minijinja::Value::from(minijinja::value::Serde(Context::new(&spec)));
    let width = VARIABLES
        .iter()
        .map(|variable| variable.name.len())
        .max()
        .unwrap_or(0);
    for variable in VARIABLES {
        let value = example.get_attr(variable.name).unwrap_or_default();
        writeln!(
            out,
            "{:width$}  {:6}  {} (example: {value})",
            variable.name, variable.kind, variable.meaning
        )?;
    }
    writeln!(
        out,
        "\nvariables given with `scaffold new --set KEY=VALUE` are strings, for overlay templates only"
    )
}

/// Returns the templates named by `paths`, or all of them; every unknown path is reported at once.
fn choose(paths: &[String]) -> Result<Vec<&'static BuiltIn>, Error> {
    if paths.is_empty() {
        return Ok(BUILT_IN.iter().collect());
    }
    let unknown: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|path| templates::find(path).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no built-in {} {}; `scaffold templates list` prints every path",
            if unknown.len() == 1 {
                "template is named"
            } else {
                "templates are named"
            },
            unknown
                .iter()
                .map(|path| format!("`{path}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut chosen: Vec<&'static BuiltIn> = paths
        .iter()
        .filter_map(|path| templates::find(path))
        .collect();
    // A path named twice is exported once.
    chosen.sort_by_key(|template| template.path);
    chosen.dedup_by_key(|template| template.path);
    Ok(chosen)
}

/// Builds the files of an export: each source as embedded, plus an overlay manifest that records the tool version
/// and each source's hash, merged into an existing manifest in `to` so earlier exports keep their entries.
fn export_plan(chosen: &[&'static BuiltIn], to: &Path) -> Result<Plan, Error> {
    // The nearest existing path on the way must be a folder: `--to notes.txt/team` cannot be created either.
    if let Some(existing) = to.ancestors().find(|path| path.exists())
        && !existing.is_dir()
    {
        return Err(Error::TargetNotFolder {
            path: existing.to_owned(),
        });
    }
    let manifest_path = to.join(MANIFEST_NAME);
    let invalid = |reason: String| {
        Error::InvalidInput(format!("invalid `{}`: {reason}", manifest_path.display()))
    };
    // Only a missing manifest starts a new one: any other read error must not replace the entries of earlier
    // exports.
    let mut document = match read_text(&manifest_path) {
        Ok(text) => text
            .parse::<DocumentMut>()
            .map_err(|error| invalid(toml_error(&error, &text)))?,
        Err(ReadError::NotFound) => new_overlay_manifest(),
        Err(error) => return Err(error.into_error(&manifest_path, "read", invalid)),
    };
    document["scaffold"]["version"] = value(env!("CARGO_PKG_VERSION"));
    if !document.contains_table("exported") {
        document.insert("exported", Item::Table(Table::new()));
    }
    let mut files = BTreeMap::new();
    for template in chosen {
        document["exported"][template.path] = value(sha256_hex(template.source().as_bytes()));
        files.insert(
            template.path.to_owned(),
            template.source().as_bytes().to_vec(),
        );
    }
    files.insert(MANIFEST_NAME.to_owned(), document.to_string().into_bytes());
    let files = files
        .into_iter()
        .map(|(path, contents)| PlannedFile {
            path,
            contents,
            mode: FILE_MODE,
        })
        .collect();
    Ok(Plan { files })
}

fn new_overlay_manifest() -> DocumentMut {
    let mut document = DocumentMut::new();
    document.decor_mut().set_prefix(
        "# Template overlay for `scaffold new --templates`. Files here replace the built-in template at the same\n\
         # path; other files are added to every project. [exported] records the hash of each built-in source when\n\
         # it was exported, so scaffold can warn when the built-in version changes.\n\
         # Built-in files a project must not get can be listed here: exclude = [\"docker-compose.yml\"]\n",
    );
    let mut tool = Table::new();
    tool.insert("version", value(env!("CARGO_PKG_VERSION")));
    document.insert("scaffold", Item::Table(tool));
    document
}
