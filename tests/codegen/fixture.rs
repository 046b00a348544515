//! A small project whose schema uses every type, format and rule shape the model knows,
//! with a local and a deployed environment and no secrets file (so `cfgc exec` runs in
//! both without a key).

use crate::common::Project;

pub const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "NAME": { "type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$" },
    "COUNT": { "type": "integer", "minimum": 1, "maximum": 10 },
    "RATIO": { "type": "number", "exclusiveMinimum": 0, "maximum": 1 },
    "DEBUG": { "type": "boolean" },
    "LEVEL": { "enum": ["info", "warn", "error"], "default": "info" },
    "API_URL": { "type": "string", "format": "url" },
    "CALLBACK": { "type": "string", "format": "https-url" },
    "UPSTREAM": { "type": "string" },
    "TIMEOUT": { "type": "string", "format": "duration" },
    "PORT": { "type": "string", "format": "port" },
    "ORIGINS": { "type": "array", "minItems": 1, "uniqueItems": true,
                 "items": { "type": "string", "format": "url" } },
    "MODE": { "enum": ["a", "b"] },
    "B_KEY": { "type": "string", "minLength": 4 },
    "INFRA_HOST": { "type": "object", "x-infra": true }
  },
  "required": ["NAME", "COUNT", "API_URL", "LEVEL"],
  "allOf": [
    {
      "description": "deployed tiers run without debug and call back over https",
      "if": { "properties": { "$tier": { "const": "deployed" } }, "required": ["$tier"] },
      "then": { "properties": { "DEBUG": { "const": false } }, "required": ["CALLBACK"] }
    },
    {
      "description": "prod counts at least 3",
      "if": { "properties": { "$env": { "const": "prod" } }, "required": ["$env"] },
      "then": { "properties": { "COUNT": { "minimum": 3 } } }
    },
    {
      "description": "mode b needs its key",
      "if": { "properties": { "MODE": { "const": "b" } }, "required": ["MODE"] },
      "then": { "required": ["B_KEY"] }
    }
  ]
}
"#;

/// Formats and types the differential project does not use, for `tsc --strict`.
pub const MORE: &str = r#"{
  "type": "object",
  "properties": {
    "MAIL": { "type": "string", "format": "email" },
    "HOST": { "type": "string", "format": "hostname" },
    "IP": { "type": "string", "format": "ipv4" },
    "NOT_HERE": { "type": "string", "format": "no-localhost" },
    "FLAGS": { "type": "array", "items": { "type": "boolean" } },
    "SIZES": { "type": "array", "items": { "enum": [1, 2, 4] }, "maxItems": 3 },
    "SCALE": { "enum": [0.5, 1, 2] },
    "TOKEN": { "type": "string", "minLength": 8, "x-secret": true }
  }
}
"#;

pub const TOML: &str = r#"[project]
name = "difftest"
schema = "schema.json"
tiers = ["local", "deployed"]

[environments.dev]
tier = "local"
layers = ["env/dev.yaml"]

[environments.prod]
tier = "deployed"
layers = ["env/prod.yaml"]

[tiers.deployed]
deployed = true

[tiers.deployed.allow]
plain-http = { names = ["UPSTREAM"], reason = "an internal upstream, on the host's own network" }
"#;

/// A valid layer for either environment.
pub const VALID: &str = "NAME: abc\nCOUNT: 5\nAPI_URL: https://api.example.com\nCALLBACK: https://cb.example.com\nDEBUG: false\n";

/// The project with `layer` as both environments' layer.
pub fn project(layer: &str) -> Project {
    Project::empty()
        .file("cfgc.toml", TOML)
        .file("schema.json", SCHEMA)
        .file("env/dev.yaml", layer)
        .file("env/prod.yaml", layer)
}
