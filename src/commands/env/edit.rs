//! cfgc.toml edited in place for a new environment (`toml_edit`): its comments, order and
//! layout stay as the user wrote them; the new `[environments.NAME]` table goes right
//! after the last environment, before whatever follows.

use toml_edit::{Array, DocumentMut, Item, Table, value};

/// An environment as cfgc.toml declares it.
pub struct Declaration<'a> {
    pub name: &'a str,
    pub tier: &'a str,
    pub layers: Vec<String>,
    pub secrets: String,
    pub recipients: Vec<String>,
    /// Its key was generated into cfgc's key file: say so above `recipients`.
    pub key_kept_outside: bool,
}

/// The project file's text, parsed for editing; `Err` is toml_edit's message.
pub fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>().map_err(|e| e.to_string())
}

/// `[project] tiers`, when declared (any tier is allowed otherwise).
pub fn tiers(doc: &DocumentMut) -> Option<Vec<String>> {
    let tiers = doc.get("project")?.get("tiers")?.as_array()?;
    Some(
        tiers
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
    )
}

/// Adds `d` as `[environments.NAME]`.
pub fn declare(doc: &mut DocumentMut, d: &Declaration) {
    let mut table = Table::new();
    table.decor_mut().set_prefix("\n");
    table.insert("tier", value(d.tier));
    table.insert("layers", value(strings(&d.layers)));
    table.insert("secrets", value(d.secrets.as_str()));
    table.insert("recipients", value(strings(&d.recipients)));
    if d.key_kept_outside
        && let Some(mut key) = table.key_mut("recipients")
    {
        key.leaf_decor_mut().set_prefix(
            "# Its private key is in your cfgc key file, outside this folder (see `cfgc env add`'s output).\n",
        );
    }
    let environments = doc
        .entry("environments")
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut();
    if let Some(environments) = environments {
        environments.insert(d.name, Item::Table(table));
    }
}

fn strings(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "# top comment\n[project]\nname = \"app\" # kept\ntiers = [\"local\", \"deployed\"]\n\n[environments.development]\ntier = \"local\"\nlayers = [\"environments/base.yaml\"]\n\n# the outputs\n[outputs.x]\npath = \"a\"\n";

    #[test]
    fn new_environment_goes_after_the_last_one_and_comments_stay() {
        let mut doc = parse(PROJECT).expect("valid");
        assert_eq!(tiers(&doc), Some(vec!["local".into(), "deployed".into()]));
        declare(
            &mut doc,
            &Declaration {
                name: "staging",
                tier: "deployed",
                layers: vec!["environments/staging.yaml".into()],
                secrets: "environments/staging.secrets.yaml".into(),
                recipients: vec!["age1x".into()],
                key_kept_outside: false,
            },
        );
        let text = doc.to_string();
        let staging = text.find("[environments.staging]").expect("added");
        assert!(staging < text.find("# the outputs").expect("kept"));
        assert!(text.starts_with("# top comment\n[project]\nname = \"app\" # kept\n"));
    }
}
