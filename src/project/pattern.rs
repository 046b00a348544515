//! A regular expression from cfgc.toml (a policy's `require` or `forbid`, a directive
//! rule's argument), compiled with `regex` when the project loads: a typo, or a pattern past
//! `regex`'s size limit, is an error there, never a rule that cannot run during a render.

use regex::Regex;

/// `source` compiled, or the one-line reason it cannot be.
pub fn compile(source: &str) -> Result<Regex, String> {
    Regex::new(source).map_err(|e| last_line(&e.to_string()))
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
    fn a_syntax_or_size_error_is_one_line() {
        assert_eq!(compile("(unclosed").unwrap_err(), "unclosed group");
        assert!(
            compile(r"\w{1000}{1000}")
                .unwrap_err()
                .contains("size limit")
        );
        assert!(
            compile("^TLSv1\\.[23]$")
                .expect("valid")
                .is_match("TLSv1.3")
        );
    }

    /// The bug the ASCII-first build of the deleted `lazy_regex::Short` had: Unicode case
    /// folding is kept, so `ſ` (long s) matches `s` and `S`.
    #[test]
    fn case_insensitive_patterns_fold_unicode() {
        let acao = compile("^(?:(?i)acceſs-control-allow-origin)$").expect("valid");
        assert!(acao.is_match("Access-Control-Allow-Origin"));
        assert!(compile("(?i)^ſ+$").expect("valid").is_match("sss"));
    }
}
