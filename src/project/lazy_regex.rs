//! A regular expression from cfgc.toml: its syntax is checked when the project loads, so a
//! typo is an error there, and it is compiled the first time a render needs it. Most runs
//! match none (`check`, `explain`, `docs` render nothing), and building the automata of the
//! example's thirty-odd policy patterns was a fifth of its `check`.

use std::sync::OnceLock;

use regex::Regex;

pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    /// `source`, if its syntax is valid (the one-line reason otherwise).
    pub fn new(source: &str) -> Result<LazyRegex, String> {
        // The parser `regex` itself runs first, with its defaults: what passes here fails
        // to compile only past the compiled-size limit, which `get` reports.
        regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| last_line(&e.to_string()))?;
        Ok(LazyRegex {
            source: source.to_string(),
            compiled: OnceLock::new(),
        })
    }

    /// The compiled expression, or why it cannot be compiled. Callers fail closed on the
    /// error: a policy whose pattern cannot run is broken, never passed.
    pub fn get(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).map_err(|e| last_line(&e.to_string())))
            .as_ref()
            .map_err(String::as_str)
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.source).finish()
    }
}

/// The line of a regex error that says what is wrong (its full text is a multi-line drawing
/// of the pattern, which a one-line message cannot hold).
fn last_line(text: &str) -> String {
    let last = text.lines().last().unwrap_or("");
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_caught_at_load_and_a_size_error_at_first_use() {
        assert!(
            LazyRegex::new("(unclosed")
                .unwrap_err()
                .contains("unclosed")
        );
        let huge = LazyRegex::new(r"\w{1000}{1000}").expect("valid syntax");
        assert!(huge.get().unwrap_err().contains("size limit"));
        let fine = LazyRegex::new("^TLSv1\\.[23]$").expect("valid");
        assert!(fine.get().expect("compiles").is_match("TLSv1.3"));
    }
}
