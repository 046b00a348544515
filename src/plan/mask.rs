//! Which diff lines may be shown as they are. In an output that holds
//! secrets, a new line is masked when it carries a decrypted value; an old
//! line (from disk, whose secrets we do not know) is shown only when it is
//! identical to a new line known to carry none.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use zeroize::Zeroizing;

pub struct Masker<'a> {
    holds_secrets: bool,
    /// Every secret value, and the first half of each long one (an escaped
    /// form of a secret need not contain it verbatim), searched in one pass.
    /// `None` when the file holds no secret.
    finder: Option<AhoCorasick>,
    clean_new_lines: HashSet<&'a str>,
}

/// Shown in place of a secret value.
pub const MASK: &str = "<secret>";

impl<'a> Masker<'a> {
    pub fn new(
        holds_secrets: bool,
        secrets: &'a [Zeroizing<String>],
        new_text: &'a str,
    ) -> Masker<'a> {
        let mut patterns: Vec<&str> = secrets
            .iter()
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        patterns.extend(
            secrets
                .iter()
                .filter(|s| s.len() >= 8)
                .filter_map(|s| s.get(..s.len() / 2)),
        );
        // The non-contiguous NFA is the cheapest to build, and each file's
        // automaton searches only that file's lines.
        let finder = (holds_secrets && !patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                .build(&patterns)
                .expect("literal patterns of bounded size always build")
        });
        let mut m = Masker {
            holds_secrets,
            finder,
            clean_new_lines: HashSet::new(),
        };
        if holds_secrets {
            let clean: HashSet<&str> = new_text.lines().filter(|l| !m.carries_secret(l)).collect();
            m.clean_new_lines = clean;
        }
        m
    }

    fn carries_secret(&self, line: &str) -> bool {
        self.finder.as_ref().is_some_and(|f| f.is_match(line))
    }

    pub fn new_line(&self, line: &str) -> String {
        if self.holds_secrets && self.carries_secret(line) {
            masked(line)
        } else {
            line.to_string()
        }
    }

    pub fn old_line(&self, line: &str) -> String {
        if !self.holds_secrets || self.clean_new_lines.contains(line) {
            line.to_string()
        } else {
            masked(line)
        }
    }
}

/// Keep a line's key (`KEY=`, `key:`) so the reader sees what changed.
fn masked(line: &str) -> String {
    let cut = line.find(['=', ':']).filter(|&i| {
        line[..i]
            .trim_start()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-. \"'".contains(c))
    });
    match cut {
        Some(i) => format!("{}{MASK}", &line[..=i]),
        None => MASK.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_lines_keep_their_key_only() {
        let secrets = vec![Zeroizing::new("hunter2-canary".to_string())];
        let new = "A=1\nJWT_SECRET='hunter2-canary'\n";
        let m = Masker::new(true, &secrets, new);
        assert_eq!(
            m.new_line("JWT_SECRET='hunter2-canary'"),
            "JWT_SECRET=<secret>"
        );
        assert_eq!(m.new_line("A=1"), "A=1");
        assert_eq!(m.old_line("JWT_SECRET=old-value"), "JWT_SECRET=<secret>");
        assert_eq!(m.old_line("A=1"), "A=1");
        assert_eq!(m.old_line("B=2"), "B=<secret>");
    }
}
