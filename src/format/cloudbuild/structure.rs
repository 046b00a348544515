//! What Cloud Build refuses only when the build runs, checked on the rendered file: steps
//! exist and name a builder; every `secretEnv` a step uses is declared under
//! `availableSecrets`; every substitution used is defined (a user one under `substitutions`,
//! any other one built in); every user substitution defined is used (else Cloud Build fails
//! the build, unless `options.substitutionOption` is `ALLOW_LOOSE`).

use std::collections::BTreeSet;

use super::super::SyntaxError;
use crate::node::{Kind, Node};
use crate::source::{FileId, Source};

/// The substitutions Cloud Build provides itself (triggers add the pull-request ones).
const BUILT_IN: &[&str] = &[
    "PROJECT_ID",
    "PROJECT_NUMBER",
    "BUILD_ID",
    "LOCATION",
    "TRIGGER_NAME",
    "COMMIT_SHA",
    "REVISION_ID",
    "SHORT_SHA",
    "REPO_NAME",
    "REPO_FULL_NAME",
    "BRANCH_NAME",
    "TAG_NAME",
    "REF_NAME",
    "TRIGGER_BUILD_CONFIG_PATH",
    "SERVICE_ACCOUNT_EMAIL",
    "SERVICE_ACCOUNT",
    "_HEAD_BRANCH",
    "_BASE_BRANCH",
    "_HEAD_REPO_URL",
    "_PR_NUMBER",
];

pub fn check(text: &str) -> Vec<SyntaxError> {
    let src = Source::new(String::new(), Default::default(), text.to_string());
    let Ok(root) = crate::yaml::parse(FileId(0), &src) else {
        return Vec::new(); // parse_back reports it
    };
    let at = |node: &Node, message: String| {
        let (line, column) = src.line_col(node.span.start as usize);
        SyntaxError {
            line,
            column,
            message,
        }
    };
    let Some(map) = root.as_map() else {
        return vec![at(&root, "the document is not a mapping".into())];
    };
    let mut problems = Vec::new();
    let steps = map.get("steps").map(|s| list(&s.node)).unwrap_or_default();
    if steps.is_empty() {
        problems.push(at(&root, "`steps` is missing or empty".into()));
    }
    let declared = declared_secrets(&root);
    for (i, step) in steps.iter().enumerate() {
        if str_at(step, "name").is_none() {
            problems.push(at(
                step,
                format!("step {} has no `name` (the builder image)", i + 1),
            ));
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
                problems.push(at(&s, format!("step {} uses secretEnv `{name}`, which `availableSecrets` does not declare", i + 1)));
            }
        }
    }
    problems.extend(substitutions(&root, map, &at));
    problems
}

/// The `env` names under `availableSecrets.secretManager` and the keys of every
/// `availableSecrets.inline[].envMap`.
fn declared_secrets(root: &Node) -> BTreeSet<String> {
    let path = |p: &[&str]| root.at(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let mut names: BTreeSet<String> = path(&["availableSecrets", "secretManager"])
        .map(list)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| str_at(e, "env"))
        .collect();
    for inline in path(&["availableSecrets", "inline"])
        .map(list)
        .unwrap_or_default()
    {
        if let Some(m) = inline.at(&["envMap".to_string()]).and_then(Node::as_map) {
            names.extend(m.keys().cloned());
        }
    }
    names
}

fn substitutions(
    root: &Node,
    map: &crate::node::Map,
    at: &impl Fn(&Node, String) -> SyntaxError,
) -> Vec<SyntaxError> {
    let defined: Vec<(&String, &Node)> = map
        .get("substitutions")
        .and_then(|s| s.node.as_map())
        .map(|m| m.iter().map(|(k, e)| (k, &e.node)).collect())
        .unwrap_or_default();
    let loose = root
        .at(&["options".to_string(), "substitutionOption".to_string()])
        .is_some_and(|n| matches!(&n.kind, Kind::Str(s) if s == "ALLOW_LOOSE"));
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut nodes = Vec::new();
    collect_strings(root, &mut nodes);
    for node in nodes {
        let Kind::Str(text) = &node.kind else {
            continue;
        };
        for name in used_names(text) {
            let known =
                defined.iter().any(|(k, _)| **k == name) || BUILT_IN.contains(&name.as_str());
            if !known {
                let why = if name.starts_with('_') {
                    format!(
                        "the substitution `{name}` is used but not defined under `substitutions`"
                    )
                } else {
                    format!(
                        "`${name}` is not a Cloud Build substitution (its user substitutions start with `_`); write `$$` for a literal `$`"
                    )
                };
                problems.push(at(node, why));
            }
            used.insert(name);
        }
    }
    for (name, node) in &defined {
        if matches!(&node.kind, Kind::Str(s) if s.contains('$')) {
            problems.push(at(node, format!("the substitution `{name}` holds `$`: Cloud Build may read `$$` in a substitution's value literally or expand it, depending on `dynamicSubstitutions`; place this value in the step itself, where `$$` is always a literal `$`")));
        }
    }
    if !loose {
        for (name, node) in defined {
            if !used.contains(name) {
                problems.push(at(node, format!("the substitution `{name}` is defined but never used (Cloud Build fails such a build unless `options.substitutionOption` is `ALLOW_LOOSE`)")));
            }
        }
    }
    problems
}

/// Every string node below `node`.
fn collect_strings<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.kind {
        Kind::Str(_) => out.push(node),
        Kind::List(items) => items.iter().for_each(|n| collect_strings(n, out)),
        Kind::Map(m) => m.values().for_each(|e| collect_strings(&e.node, out)),
        _ => {}
    }
}

/// The names `$NAME` and `${NAME…}` refer to in `text`, as Cloud Build reads it: `$$` is a
/// literal dollar.
pub fn used_names(text: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
            continue;
        }
        let braced = rest.strip_prefix('{');
        let body = braced.unwrap_or(rest);
        if !body.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            continue;
        }
        let len = body.find(|c: char| !ident(c)).unwrap_or(body.len());
        names.push(body[..len].to_string());
        rest = &body[len..];
    }
    names
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
    use super::*;

    #[test]
    fn undeclared_secret_env_is_found() {
        let text = "steps:\n  - name: gcr.io/cloud-builders/gcloud\n    secretEnv: [JWT_SECRET]\navailableSecrets:\n  secretManager:\n    - versionName: projects/p/secrets/DATABASE_URL/versions/1\n      env: DATABASE_URL\n";
        let problems = check(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("JWT_SECRET"));
        assert_eq!((problems[0].line, problems[0].column), (3, 17));
    }

    #[test]
    fn substitutions_used_and_defined() {
        let text = "substitutions:\n  _A: x\n  _UNUSED: y\nsteps:\n  - name: b\n    args: [\"${_A}:$SHORT_SHA\", \"$$HOME\", \"$_B\", \"$HOME\"]\n";
        let messages: Vec<String> = check(text).into_iter().map(|p| p.message).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("`_B`"));
        assert!(messages[1].contains("`$HOME`"));
        assert!(messages[2].contains("`_UNUSED`"));
    }

    #[test]
    fn names_as_cloud_build_reads_them() {
        assert_eq!(
            used_names("$$A ${_B}c $D-e $ $1 ${_F:-x}"),
            ["_B", "D", "_F"]
        );
    }
}
