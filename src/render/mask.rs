//! Which lines of a rendered secret-bearing file may be shown, found by construction rather
//! than by recognising a secret's text.
//!
//! The file is rendered again twice with every secret replaced by a stand-in (two different
//! ones, of different lengths and letters). Rendering is deterministic, so a line that is the
//! same in all three renders does not depend on any secret, whatever the template did with
//! it: quoted, escaped, split over lines, upper-cased, sliced. Every other line is masked.
//! A masked line keeps only the prefix its format says names what it sets (`KEY=`), and only
//! when that prefix is also the same in all three renders. A line of the file on disk is
//! shown only when it is identical to a line of the new render that is shown.
//!
//! In place of the rest, a masked line shows a keyed fingerprint: two masked lines with the
//! same secret-dependent text show the same fingerprint, so a reader sees whether it changed,
//! and the fingerprint reveals neither the text nor its length (the key is derived from the
//! environment's secrets, which a reader does not have).

use std::borrow::Cow;
use std::collections::HashSet;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use similar::{DiffOp, TextDiff};
use zeroize::Zeroizing;

use crate::format::Format;

/// Shown in place of what depends on a secret.
pub const MASK: &str = "<secret>";

/// Shown in place of a line not proven free of secrets that is not known to hold one
/// either (a line of the file on disk that the new render has no counterpart for): a
/// `<secret …>` label there would say something untrue about a plain value.
pub const NOT_SHOWN: &str = "<line not shown>";

/// Per line of one rendered file: shown as it is, or masked keeping a prefix.
pub struct LineMask {
    format: Format,
    /// `None` for a line shown as it is; `Some(n)` for a masked line keeping its first `n`
    /// bytes.
    lines: Vec<Option<usize>>,
    /// Prefixes of lines masked for a secret that kept them: an old line with one of them
    /// is a secret's line.
    secret_prefixes: HashSet<String>,
    /// Prefixes of lines that do not depend on a secret at all (the same in every render):
    /// what follows them is a plain value's text.
    clean_prefixes: HashSet<String>,
    /// Whether the stand-in renders failed, so no line is known to depend on a secret.
    unproven: bool,
    /// The environment's secret values, as they are and as the format writes them: a line
    /// of the file on disk holding one is never shown, whatever its prefix.
    secrets: Vec<Zeroizing<String>>,
    key: Zeroizing<[u8; 32]>,
}

/// The two stand-ins for the secret at `index` (in name order). Letters, digits and `_`
/// only, so every format's escaper takes them; they differ in length, case and letters, so
/// any transformation of a secret (slice, case, length, reverse) tells them apart.
pub fn stand_ins(index: usize) -> [String; 2] {
    [
        format!("cfgcstandin{index}x"),
        format!("QQ_CFGC_STAND_IN_{index}_QQQ"),
    ]
}

impl LineMask {
    /// Compare the real render with the two stand-in renders. `stand_ins` is `None` when a
    /// stand-in render failed (a template that, say, parses a secret as a number): then no
    /// line can be proven independent of the secrets, and every line is masked.
    pub fn new(
        format: Format,
        real: &str,
        stand_ins: Option<[&str; 2]>,
        key: Zeroizing<[u8; 32]>,
    ) -> LineMask {
        let real_lines: Vec<&str> = real.lines().collect();
        let Some([a, b]) = stand_ins else {
            return LineMask {
                format,
                lines: vec![Some(0); real_lines.len()],
                secret_prefixes: HashSet::new(),
                clean_prefixes: HashSet::new(),
                unproven: true,
                secrets: Vec::new(),
                key,
            };
        };
        let with_a = align(a, real, real_lines.len());
        let with_b = align(b, real, real_lines.len());
        let mut lines = Vec::with_capacity(real_lines.len());
        let mut secret_prefixes = HashSet::new();
        let mut clean_prefixes = HashSet::new();
        for (i, line) in real_lines.iter().enumerate() {
            let prefix = format.mask_prefix(line);
            let same_prefix = |other: &Aligned| match other {
                Aligned::Equal => true,
                Aligned::Paired(o) => format.mask_prefix(o) == prefix,
                Aligned::Unpaired => false,
            };
            match (&with_a[i], &with_b[i]) {
                (Aligned::Equal, Aligned::Equal) => {
                    lines.push(None);
                    clean_prefixes.insert(prefix.to_string());
                }
                (a, b) if !prefix.is_empty() && same_prefix(a) && same_prefix(b) => {
                    lines.push(Some(prefix.len()));
                    secret_prefixes.insert(prefix.to_string());
                }
                _ => lines.push(Some(0)),
            }
        }
        // A prefix that some line masks keeps no old line in view: that key's value
        // depends on a secret in some line, so its old text may hold one.
        clean_prefixes.retain(|p| {
            !p.is_empty()
                && real_lines
                    .iter()
                    .zip(&lines)
                    .all(|(l, m)| m.is_none() || format.mask_prefix(l) != p.as_str())
        });
        LineMask {
            format,
            lines,
            secret_prefixes,
            clean_prefixes,
            unproven: false,
            secrets: Vec::new(),
            key,
        }
    }

    /// The environment's secret `values`: a line of the file on disk that holds one, as it
    /// is or as the format writes it, is never shown.
    pub fn with_secrets<'v>(mut self, values: impl Iterator<Item = &'v str>) -> LineMask {
        for value in values.filter(|v| !v.is_empty()) {
            if let Ok(escaped) = self.format.escape_str(value) {
                self.secrets.push(Zeroizing::new(escaped));
            }
            self.secrets.push(Zeroizing::new(value.to_string()));
        }
        self
    }

    /// The texts of the lines of `new` that are shown as they are.
    pub fn clean_lines<'t>(&self, new: &'t str) -> HashSet<&'t str> {
        new.lines()
            .zip(&self.lines)
            .filter(|(_, m)| m.is_none())
            .map(|(l, _)| l)
            .collect()
    }

    /// Line `index` (0-based) of the new render, `line`, as it may be shown.
    pub fn new_line<'l>(&self, index: usize, line: &'l str) -> Cow<'l, str> {
        match self.lines.get(index).copied().unwrap_or(Some(0)) {
            None => Cow::Borrowed(line),
            Some(_) if self.unproven => Cow::Borrowed(NOT_SHOWN),
            Some(keep) => Cow::Owned(self.masked(line, keep)),
        }
    }

    /// A line of the file on disk, as it may be shown: as it is only when identical to a
    /// shown line of the new render (`clean`).
    ///
    /// Otherwise it is shown as it is when its prefix is one that sets a plain value in the
    /// new render (no line with that prefix depends on a secret) and it holds none of the
    /// environment's secret values; it keeps a secret's label (`KEY=<secret …>`) when its
    /// prefix is a secret's; and anything else is a line not shown.
    pub fn old_line<'l>(&self, line: &'l str, clean: &HashSet<&str>) -> Cow<'l, str> {
        if clean.contains(line) {
            return Cow::Borrowed(line);
        }
        let prefix = self.format.mask_prefix(line);
        let holds_secret = || self.secrets.iter().any(|s| line.contains(s.as_str()));
        if self.clean_prefixes.contains(prefix) {
            if holds_secret() {
                return Cow::Owned(format!("{prefix}{NOT_SHOWN}"));
            }
            return Cow::Borrowed(line);
        }
        if !prefix.is_empty() && self.secret_prefixes.contains(prefix) {
            return Cow::Owned(self.masked(line, prefix.len()));
        }
        Cow::Borrowed(NOT_SHOWN)
    }

    fn masked(&self, line: &str, keep: usize) -> String {
        let (prefix, rest) = line.split_at(keep.min(line.len()));
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&*self.key)
            .expect("HMAC takes a key of any length");
        mac.update(rest.as_bytes());
        let tag = mac.finalize().into_bytes();
        let hex: String = tag[..4].iter().map(|b| format!("{b:02x}")).collect();
        format!("{prefix}<secret {hex}>")
    }
}

/// The fingerprint key of one environment's masked lines, derived from all its secret
/// values: stable from run to run, unknown to anyone who lacks the secrets.
pub fn fingerprint_key<'v>(
    values: impl Iterator<Item = (&'v str, &'v str)>,
) -> Zeroizing<[u8; 32]> {
    let mut hash = Sha256::new();
    hash.update(b"cfgc plan fingerprint v1\0");
    for (name, value) in values {
        for part in [name, value] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    Zeroizing::new(hash.finalize().into())
}

/// How one line of the real render lines up with a stand-in render.
enum Aligned<'t> {
    /// The same line is in the stand-in render, in the same place.
    Equal,
    /// Changed: this is the stand-in render's line in its place.
    Paired(&'t str),
    /// Only in the real render (a secret that spans lines, say).
    Unpaired,
}

fn align<'t>(stand_in: &'t str, real: &str, real_len: usize) -> Vec<Aligned<'t>> {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(stand_in, real);
    let old: Vec<&str> = stand_in.lines().collect();
    let mut out: Vec<Aligned> = (0..real_len).map(|_| Aligned::Unpaired).collect();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { new_index, len, .. } => {
                (new_index..new_index + len).for_each(|i| set(&mut out, i, Aligned::Equal))
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for k in 0..old_len.min(new_len) {
                    if let Some(line) = old.get(old_index + k) {
                        set(&mut out, new_index + k, Aligned::Paired(line));
                    }
                }
            }
            DiffOp::Insert { .. } | DiffOp::Delete { .. } => {}
        }
    }
    out
}

fn set<'t>(out: &mut [Aligned<'t>], i: usize, value: Aligned<'t>) {
    if let Some(slot) = out.get_mut(i) {
        *slot = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{DOTENV, YAML};

    fn key() -> Zeroizing<[u8; 32]> {
        fingerprint_key([("S", "v")].into_iter())
    }

    fn shown(mask: &LineMask, text: &str) -> Vec<String> {
        text.lines()
            .enumerate()
            .map(|(i, l)| mask.new_line(i, l).into_owned())
            .collect()
    }

    #[test]
    fn a_multi_line_secret_is_masked_on_every_line() {
        let real = "A=1\nKEY='-----BEGIN\nMIIB\n-----END'\nB=2\n";
        let a = "A=1\nKEY=cfgcstandin0x\nB=2\n";
        let b = "A=1\nKEY=QQ_CFGC_STAND_IN_0_QQQ\nB=2\n";
        let mask = LineMask::new(DOTENV, real, Some([a, b]), key());
        let lines = shown(&mask, real);
        assert_eq!(lines[0], "A=1");
        assert!(lines[1].starts_with("KEY=<secret "), "{}", lines[1]);
        assert!(lines[2].starts_with("<secret "), "{}", lines[2]);
        assert!(lines[3].starts_with("<secret "), "{}", lines[3]);
        assert_eq!(lines[4], "B=2");
        assert!(!lines.concat().contains("MIIB"));
    }

    #[test]
    fn a_transformed_secret_is_masked() {
        let real = "url: \"POSTGRESQL://U:P@H\"\n";
        let a = "url: \"CFGCSTANDIN0X\"\n";
        let b = "url: \"QQ_CFGC_STAND_IN_0_QQQ\"\n";
        let mask = LineMask::new(YAML, real, Some([a, b]), key());
        assert!(
            mask.new_line(0, "url: \"POSTGRESQL://U:P@H\"")
                .starts_with("url: <secret ")
        );
    }

    #[test]
    fn a_secret_in_the_key_position_keeps_no_prefix() {
        let real = "hunter2=1\n";
        let mask = LineMask::new(DOTENV, real, Some(["cfgcstandin0x=1\n", "QQ=1\n"]), key());
        assert!(mask.new_line(0, "hunter2=1").starts_with("<secret "));
    }

    #[test]
    fn old_lines_show_only_when_identical_to_a_clean_line() {
        let real = "A=1\nS=new\n";
        let mask = LineMask::new(DOTENV, real, Some(["A=1\nS=x\n", "A=1\nS=yy\n"]), key());
        let clean = mask.clean_lines(real);
        assert_eq!(mask.old_line("A=1", &clean), "A=1");
        assert!(
            mask.old_line("S=old-secret", &clean)
                .starts_with("S=<secret ")
        );
        assert_eq!(mask.old_line("OTHER=stale", &clean), NOT_SHOWN);
        // `A=` sets a plain value in every render: its old text is a plain value's.
        assert_eq!(mask.old_line("A=2", &clean), "A=2");
    }

    #[test]
    fn fingerprints_tell_change_without_the_value() {
        let real = "S=abc\n";
        let mask = LineMask::new(DOTENV, real, Some(["S=x\n", "S=yy\n"]), key());
        let clean = mask.clean_lines(real);
        let new = mask.new_line(0, "S=abc").into_owned();
        assert_eq!(mask.old_line("S=abc", &clean), new);
        assert_ne!(mask.old_line("S=abd", &clean), new);
        assert!(!new.contains("abc"));
    }

    #[test]
    fn without_stand_ins_everything_is_masked() {
        let mask = LineMask::new(DOTENV, "A=1\n", None, key());
        assert_eq!(mask.new_line(0, "A=1"), NOT_SHOWN);
        let clean = mask.clean_lines("A=1\n");
        assert_eq!(mask.old_line("A=0", &clean), NOT_SHOWN);
    }

    #[test]
    fn plan_labelled_a_changed_plain_value_as_a_secret() {
        let real = "PORT=3001\nS=new\n";
        let mask = LineMask::new(
            DOTENV,
            real,
            Some(["PORT=3001\nS=x\n", "PORT=3001\nS=yy\n"]),
            key(),
        )
        .with_secrets(["new"].into_iter());
        let clean = mask.clean_lines(real);
        assert_eq!(mask.old_line("PORT=3000", &clean), "PORT=3000");
        assert!(mask.old_line("S=old", &clean).starts_with("S=<secret "));
    }

    #[test]
    fn an_old_plain_line_holding_a_secret_value_is_not_shown() {
        let real = "PORT=3001\nS=hunter22\n";
        let mask = LineMask::new(
            DOTENV,
            real,
            Some(["PORT=3001\nS=x\n", "PORT=3001\nS=yy\n"]),
            key(),
        )
        .with_secrets(["hunter22"].into_iter());
        let clean = mask.clean_lines(real);
        assert_eq!(
            mask.old_line("PORT=hunter22", &clean),
            "PORT=<line not shown>"
        );
    }

    #[test]
    fn a_prefix_some_line_masks_shows_no_old_line() {
        let real = "A=1\nA=s\n";
        let mask = LineMask::new(DOTENV, real, Some(["A=1\nA=x\n", "A=1\nA=yy\n"]), key());
        let clean = mask.clean_lines(real);
        assert!(mask.old_line("A=old", &clean).starts_with("A=<secret "));
    }
}
