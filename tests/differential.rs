//! The built-in templates are compiled by askama, while user overlays are rendered by minijinja. For every
//! built-in template and every supported option set, both engines must give byte-identical output from the same
//! source, so an exported template that a user leaves unchanged renders exactly like the built-in one.

use std::path::Path;

use minijinja::value::{Serde, Value};
use scaffold::context::Context;
use scaffold::jinja;
use scaffold::spec::{Answers, Database, ProjectSpec};
use scaffold::templates::BUILT_IN;

fn option_sets() -> Vec<Answers> {
    let mut sets = Vec::new();
    for database in Database::names() {
        for (target, module) in [
            ("billing", None),
            ("2fa-service", Some("GitHub.com/Acme/2FA-Service")),
        ] {
            sets.push(Answers {
                module: module.map(str::to_owned),
                database: Database::parse(database).unwrap(),
                ..Answers::new(target)
            });
        }
    }
    sets
}

#[test]
fn askama_and_minijinja_agree() {
    let mut compared = 0;
    for answers in option_sets() {
        let spec = ProjectSpec::resolve(&answers, Path::new("/work")).unwrap();
        let context = Context::new(&spec);
        let value = Value::from(Serde(&context));
        for template in BUILT_IN
            .iter()
            .filter(|template| (template.when.applies)(&context))
        {
            let compiled = (template.render)(&context).unwrap();
            let interpreted = jinja::render(template.path, template.source(), &value)
                .unwrap_or_else(|error| panic!("minijinja failed on a built-in template: {error}"));
            assert!(
                compiled == interpreted,
                "{} differs between askama and minijinja for {answers:?}\n--- askama\n{compiled}\n--- minijinja\n{interpreted}",
                template.path
            );
            compared += 1;
        }
    }
    assert!(
        compared >= BUILT_IN.len() * 2,
        "compared only {compared} renderings"
    );
}
