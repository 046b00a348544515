//! What an import adds to the schema, decided over every file of the run, and the table
//! that shows it for review: name, type, secret or not, environments. Never a value.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::files::Read;
use super::infer::{self, Kind};
use crate::load::Loaded;

/// A name the schema does not declare yet, as import will add it.
pub struct NewName {
    pub kind: Kind,
    pub secret: bool,
}

impl NewName {
    /// The property as the layer writer reads it (for typing the `NAME: value` line).
    pub fn json(&self) -> serde_json::Value {
        let body: Vec<String> = self
            .kind
            .property(self.secret)
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        serde_json::from_str(&format!("{{{}}}", body.join(", ")))
            .expect("the property bodies are valid JSON")
    }
}

/// Every imported name the schema lacks, with its kind inferred from all its values.
/// A deployed-tier value is one for an environment whose tier is not `local`.
pub fn new_names(loaded: &Loaded, files: &[Read]) -> BTreeMap<String, NewName> {
    let mut values: BTreeMap<&str, Vec<(bool, &str)>> = BTreeMap::new();
    for read in files {
        let deployed = loaded
            .project
            .environments
            .iter()
            .find(|e| e.name == read.env)
            .is_some_and(|e| e.tier != "local");
        for (name, value) in &read.values {
            if !loaded.schema.variables.contains(name) {
                values
                    .entry(name)
                    .or_default()
                    .push((deployed, value.expose_secret()));
            }
        }
    }
    values
        .into_iter()
        .map(|(name, values)| {
            let plain: Vec<&str> = values.iter().map(|(_, v)| *v).collect();
            let secret = infer::is_secret(name, &plain);
            let kind = infer::kind(&values, secret);
            (name.to_string(), NewName { kind, secret })
        })
        .collect()
}

/// The review table: one row per imported name, sorted.
pub fn table(loaded: &Loaded, files: &[Read], new: &BTreeMap<String, NewName>) -> String {
    let mut rows: BTreeMap<&str, (String, bool, Vec<&str>)> = BTreeMap::new();
    for read in files {
        for (name, value) in &read.values {
            let row = rows.entry(name).or_insert_with(|| match new.get(name) {
                Some(n) => (format!("{} (new)", n.kind.label()), n.secret, Vec::new()),
                None => (
                    "declared".to_string(),
                    loaded.schema.secrets.contains(name),
                    Vec::new(),
                ),
            });
            // A declared name whose value looks like a credential is encrypted too.
            row.1 |= !new.contains_key(name)
                && !loaded.schema.unscanned.contains(name)
                && crate::validate::credentials::scan(value.expose_secret()).is_some();
            row.2.push(&read.env);
        }
    }
    let header = ("NAME", "TYPE", "SECRET", "ENVIRONMENTS");
    let width = |f: fn((&str, &str)) -> usize, head: &str| {
        rows.iter()
            .map(|(n, (t, _, _))| f((n, t)))
            .chain([head.len()])
            .max()
            .unwrap_or(0)
    };
    let (wn, wt) = (
        width(|(n, _)| n.len(), header.0),
        width(|(_, t)| t.len(), header.1),
    );
    let mut out = format!(
        "{:wn$}  {:wt$}  {:6}  {}\n",
        header.0, header.1, header.2, header.3
    );
    for (name, (kind, secret, envs)) in &rows {
        let secret = if *secret { "yes" } else { "no" };
        out.push_str(&format!(
            "{name:wn$}  {kind:wt$}  {secret:6}  {}\n",
            envs.join(", ")
        ));
    }
    out
}
