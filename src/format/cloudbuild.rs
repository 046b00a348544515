//! Cloud Build configs: a YAML dialect. Cloud Build expands `$NAME` and `${NAME}` in every
//! string of a build, so a value is a YAML node (the one YAML quoter) with each `$` written
//! `$$`, Cloud Build's escape for a literal dollar; the substitutions a template writes in its
//! own text stay substitutions. Parse-back checks what Cloud Build would refuse at run time.

use serde_json::Value;

use super::{EscapeError, Filter, Room, SyntaxError, yaml};

mod gcloud;
mod structure;

pub use gcloud::{DictError, gcloud_dict};

pub struct CloudBuild;

impl Room for CloudBuild {
    fn name(&self) -> &'static str {
        "cloudbuild"
    }

    fn summary(&self) -> &'static str {
        "Cloud Build configs: YAML in which no value is a substitution"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        Ok(escape(value))
    }

    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        Ok(yaml::double_quoted(text).replace('$', "$$"))
    }

    /// YAML first (cfgc's strict reader), then the build's structure.
    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        super::yaml::Yaml.parse_back(text)
    }

    fn check(&self, text: &str) -> Vec<SyntaxError> {
        structure::check(text)
    }

    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        super::yaml::Yaml.mask_prefix(line)
    }

    fn filters(&self) -> &'static [(&'static str, Filter)] {
        &[("gcloud_dict", gcloud::filter)]
    }

    /// Cloud Build reads `$$` as `$` in every string: with that read, the YAML room's
    /// round trip; a lone `$` would be a substitution.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        if escaped.replace("$$", "").contains('$') {
            return Err("a lone `$` reaches Cloud Build as a substitution".into());
        }
        yaml::read_back(value, &escaped.replace("$$", "$"))
    }
}

/// One value as a single-line YAML node in which Cloud Build substitutes nothing.
pub fn escape(value: &Value) -> String {
    yaml::escape(value).replace('$', "$$")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_dollar_is_doubled_inside_the_yaml_node() {
        assert_eq!(escape(&json!("$HOME")), r#""$$HOME""#);
        assert_eq!(escape(&json!("${_REGION}$$")), r#""$${_REGION}$$$$""#);
        assert_eq!(escape(&json!({"$k": ["$v"]})), r#"{"$$k": ["$$v"]}"#);
        assert_eq!(escape(&json!("a: b\n#c")), r#""a: b\n#c""#);
        assert_eq!(escape(&json!(8080)), "8080");
    }
}
