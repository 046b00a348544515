//! `cfgc explain`'s report: one variable in one environment, as text or JSON. It never
//! holds a secret value: the command puts "secret, set in FILE:LINE" in its place.

use std::fmt::Write;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// `file:line`, for prose.
    pub fn short(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Serialize)]
pub struct Rule {
    /// JSON pointer into the schema.
    pub source: String,
    pub description: Option<String>,
    pub keywords: Vec<String>,
}

#[derive(Serialize)]
pub struct Use {
    pub output: String,
    pub path: String,
    pub file: String,
    pub line: usize,
    pub text: String,
    /// The line loops over every variable (or every secret) rather than naming this one.
    pub every_variable: bool,
}

/// How a derived value was made: its expression and where each variable it uses is set.
#[derive(Serialize)]
pub struct Derived {
    pub expression: String,
    pub inputs: Vec<Input>,
}

#[derive(Serialize)]
pub struct Input {
    pub name: String,
    pub set_in: Location,
}

#[derive(Serialize)]
pub struct Explanation {
    pub environment: String,
    pub name: String,
    pub secret: bool,
    /// A plain value (absent for a secret, a masked or an unset value).
    pub value: Option<serde_json::Value>,
    /// In place of the value: "secret, set in FILE:LINE", or why it is masked.
    pub value_note: Option<String>,
    pub set_in: Option<Location>,
    /// No layer sets the variable: its value is the schema's `default` (at `set_in`).
    pub default_applied: bool,
    /// The value is derived from other variables (`{ derive: "…" }`).
    pub derived: Option<Derived>,
    /// The value is a map merged from several layers (`overrides` then lists the others).
    pub merged_map: bool,
    pub overrides: Vec<Location>,
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub description: Option<String>,
    pub default: Option<String>,
    pub required: bool,
    pub rules: Vec<Rule>,
    pub uses: Vec<Use>,
    pub notes: Vec<String>,
}

pub fn render(e: &Explanation, format: ExplainFormat) -> String {
    match format {
        ExplainFormat::Json => {
            let mut text = serde_json::to_string_pretty(e)
                .expect("the report serialises: it holds only strings and numbers");
            text.push('\n');
            text
        }
        ExplainFormat::Human => human(e),
    }
}

fn human(e: &Explanation) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} in {}", e.name, e.environment);
    rows(&mut s, e);
    rules(&mut s, &e.rules);
    uses(&mut s, e);
    for n in &e.notes {
        let _ = writeln!(s, "note: {n}");
    }
    s
}

/// One `key: value` line of the table under the heading.
fn row(s: &mut String, k: &str, v: &str) {
    let _ = writeln!(s, "  {k:<12} {v}");
}

/// The table: the value (or what stands in for it), what the schema says, where it was
/// set, how it was derived, and what it overrode.
fn rows(s: &mut String, e: &Explanation) {
    let value = match (&e.value, &e.value_note) {
        (_, Some(note)) => note.clone(),
        (Some(v), None) => v.to_string(),
        (None, None) => "(not set)".into(),
    };
    row(s, "value:", &value);
    if let Some(t) = &e.type_name {
        row(s, "type:", t);
    }
    row(s, "secret:", if e.secret { "yes" } else { "no" });
    row(s, "required:", if e.required { "yes" } else { "no" });
    if let Some(d) = &e.default {
        row(s, "default:", d);
    }
    if let Some(d) = &e.description {
        row(s, "description:", d);
    }
    if let Some(at) = &e.set_in {
        let at = if e.default_applied {
            format!("default from schema ({at})")
        } else {
            at.to_string()
        };
        row(s, "set in:", &at);
    }
    if let Some(d) = &e.derived {
        row(
            s,
            "derived:",
            &serde_json::Value::from(d.expression.as_str()).to_string(),
        );
        for (n, input) in d.inputs.iter().enumerate() {
            let from = format!("{} = {}", input.name, input.set_in);
            row(s, if n == 0 { "from:" } else { "" }, &from);
        }
    }
    let verb = if e.merged_map {
        "merged:"
    } else {
        "overrides:"
    };
    for (n, at) in e.overrides.iter().enumerate() {
        row(s, if n == 0 { verb } else { "" }, &at.to_string());
    }
}

fn rules(s: &mut String, rules: &[Rule]) {
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(s, "rules:");
    for r in rules {
        match &r.description {
            Some(d) => {
                let _ = writeln!(s, "  {} ({d}):", r.source);
            }
            None => {
                let _ = writeln!(s, "  {}:", r.source);
            }
        }
        for k in &r.keywords {
            let _ = writeln!(s, "    {k}");
        }
    }
}

fn uses(s: &mut String, e: &Explanation) {
    if e.uses.is_empty() {
        let _ = writeln!(s, "used by: no output");
        return;
    }
    let _ = writeln!(s, "used by:");
    for u in &e.uses {
        let every = if u.every_variable {
            if e.secret {
                "  (loops over every secret)"
            } else {
                "  (loops over every variable)"
            }
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {} ({}) {}:{}: {}{every}",
            u.output, u.path, u.file, u.line, u.text
        );
    }
}
