//! The model read from the example and from schemas it must refuse: every refusal names
//! its place in the schema.

use cfgc::codegen::Model;
use cfgc::codegen::model::{Scalar, Subject, Type};
use cfgc::source::SourceMap;

use crate::common::{Project, repo};

fn model_of(dir: &std::path::Path) -> Result<Model, Vec<String>> {
    let mut sources = SourceMap::default();
    let loaded = cfgc::load::load(Some(dir), &[], &mut sources, Default::default())
        .map_err(|e| e.into_iter().map(|d| d.message).collect::<Vec<_>>())?;
    Model::read(&loaded.project, &loaded.schema, &sources).map_err(|e| {
        e.into_iter()
            .map(|d| format!("{} [{}]", d.message, d.label.unwrap_or_default()))
            .collect()
    })
}

#[test]
fn the_example_model_has_the_app_variables_environments_and_rules() {
    let model = model_of(&repo()).expect("the example's schema is in the model's subset");
    let names: Vec<&str> = model.variables.iter().map(|v| v.name.as_str()).collect();
    assert!(names.contains(&"PORT") && names.contains(&"CORS_ALLOWED_ORIGINS"));
    // x-infra ones are left out, as `app_env` leaves them out.
    assert!(!names.contains(&"PUBLIC_DOMAIN") && !names.contains(&"SECRET_VERSIONS"));
    let port = model.variable("PORT").expect("PORT");
    assert_eq!(port.ty, Type::Scalar(Scalar::Integer));
    assert_eq!(port.default.as_deref(), Some("8080"));
    assert!(port.required && !port.secret);
    let cors = model.variable("CORS_ALLOWED_ORIGINS").expect("CORS");
    assert_eq!(cors.ty, Type::List(Scalar::String));
    assert!(cors.checks.unique_items && cors.checks.items.is_some());
    assert!(model.variable("DATABASE_URL").expect("DATABASE_URL").secret);
    let envs: Vec<(&str, bool)> = model
        .environments
        .iter()
        .map(|e| (e.name.as_str(), e.deployed.is_some()))
        .collect();
    assert_eq!(
        envs,
        [
            ("development", false),
            ("staging", true),
            ("production", true)
        ]
    );
    // The production rule is only about x-infra variables: left out with them.
    assert_eq!(model.rules.len(), 3, "{:#?}", model.rules);
    assert_eq!(model.rules[0].when[0].subject, Subject::Tier);
    assert!(
        model.rules[0]
            .then
            .required
            .contains(&"SENTRY_DSN".to_string())
    );
    assert!(
        !model.rules[0]
            .then
            .required
            .contains(&"SECRET_VERSIONS".to_string())
    );
    assert_eq!(
        model.rules[1].when[0].subject,
        Subject::Variable("OAUTH_PROVIDER".into())
    );
}

fn refusals(schema: &str) -> Vec<String> {
    let p = Project::empty()
        .file(
            "cfgc.toml",
            "[project]\nname = \"t\"\nschema = \"schema.json\"\n\n[environments.dev]\ntier = \"local\"\nlayers = [\"dev.yaml\"]\n",
        )
        .file("dev.yaml", "{}\n")
        .file("schema.json", schema);
    model_of(p.dir.path()).expect_err("refused")
}

#[test]
fn what_the_model_cannot_express_is_refused_at_its_place() {
    let cases = [
        (
            r#"{"properties": {"A": {"type": "object"}}}"#,
            "/properties/A/type",
        ),
        (
            r#"{"properties": {"A": {"type": "string", "multipleOf": 2}}}"#,
            "/properties/A/multipleOf",
        ),
        (
            r#"{"properties": {"A": {"type": "string", "anyOf": [{"type": "string"}]}}}"#,
            "/properties/A/anyOf",
        ),
        (
            r#"{"properties": {"A": {"type": "string", "format": "uuid"}}}"#,
            "/properties/A/format",
        ),
        (
            r#"{"properties": {"A": {"type": "string", "pattern": "\\bx"}}}"#,
            "/properties/A/pattern",
        ),
        (
            r#"{"properties": {"A": {"description": "no type"}}}"#,
            "/properties/A",
        ),
        (
            r#"{"properties": {"CFGC_ENV": {"type": "string"}}}"#,
            "/properties/CFGC_ENV",
        ),
        (r#"{"oneOf": [{"required": []}]}"#, "/oneOf"),
        (
            r#"{"properties": {"A": {"type": "string"}}, "allOf": [{"if": {"properties": {"$env": {"const": "dev"}}}, "then": {}, "else": {}}]}"#,
            "/allOf/0/else",
        ),
        (
            r#"{"properties": {"S": {"type": "string", "x-secret": true}, "A": {"type": "string"}}, "allOf": [{"if": {"properties": {"S": {"const": "x"}}}, "then": {"required": ["A"]}}]}"#,
            "/allOf/0/if/properties/S",
        ),
        (
            r#"{"properties": {"A": {"type": "string"}}, "allOf": [{"if": {"properties": {"$env": {"pattern": "x"}}}, "then": {"required": ["A"]}}]}"#,
            "/allOf/0/if/properties/$env",
        ),
    ];
    for (schema, pointer) in cases {
        let found = refusals(schema);
        assert!(
            found.iter().any(|f| f.contains(&format!("at `{pointer}`"))),
            "{schema}: expected a refusal at {pointer}, got {found:#?}"
        );
    }
}
