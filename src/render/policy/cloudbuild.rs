//! Cloud Build's structure, which patterns cannot check: steps exist and
//! name a builder, and every `secretEnv` a step uses is declared under
//! `availableSecrets.secretManager` (else the build fails at run time).

use crate::node::{Kind, Node};
use crate::source::{FileId, Source};

pub fn check(text: &str) -> Vec<String> {
    let src = Source::new(String::new(), Default::default(), text.to_string());
    let Ok(root) = crate::load::yaml::parse(FileId(0), &src) else {
        return Vec::new(); // reported as a syntax error already
    };
    let mut problems = Vec::new();
    let Some(map) = root.as_map() else {
        return vec!["the document is not a mapping".into()];
    };
    let declared: Vec<String> = map
        .get("availableSecrets")
        .and_then(|a| a.node.as_map())
        .and_then(|a| a.get("secretManager"))
        .map(|s| {
            list(&s.node)
                .iter()
                .filter_map(|e| str_at(e, "env"))
                .collect()
        })
        .unwrap_or_default();
    let steps = map.get("steps").map(|s| list(&s.node)).unwrap_or_default();
    if steps.is_empty() {
        problems.push("`steps` is missing or empty".into());
    }
    for (i, step) in steps.iter().enumerate() {
        if str_at(step, "name").is_none() {
            problems.push(format!("step {} has no `name` (the builder image)", i + 1));
        }
        let used = step
            .as_map()
            .and_then(|m| m.get("secretEnv"))
            .map(|s| list(&s.node))
            .unwrap_or_default();
        for s in used {
            if let Kind::Str(name) = &s.kind
                && !declared.contains(name)
            {
                problems.push(format!("step {} uses secretEnv `{name}`, which `availableSecrets.secretManager` does not declare", i + 1));
            }
        }
    }
    problems
}

fn list(node: &Node) -> Vec<Node> {
    match &node.kind {
        Kind::List(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn str_at(node: &Node, key: &str) -> Option<String> {
    match &node.as_map()?.get(key)?.node.kind {
        Kind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn undeclared_secret_env_is_found() {
        let text = "steps:\n  - name: gcr.io/cloud-builders/gcloud\n    secretEnv: [JWT_SECRET]\navailableSecrets:\n  secretManager:\n    - versionName: projects/p/secrets/DATABASE_URL/versions/1\n      env: DATABASE_URL\n";
        let problems = check(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("JWT_SECRET"));
    }
}
