//! cfgc's loopback reading against Node's `URL` (issue 19 c): a few thousand spellings of
//! hosts, this machine's and others', in the shapes a config holds them, each asked of one
//! `node` process (one JSON string a line in, `1` or `0` a line out) and of
//! `cfgc::loopback::is_local`. They must agree on every line.
//!
//! Node reads each text the way `loopback` says it does: a special-scheme URL as it is, an
//! opaque-scheme URL's authority under `http:`, anything else after `http://`; then
//! "loopback" is the same definition: `localhost`, `*.localhost` (one trailing dot
//! allowed), 127.0.0.0/8, 0.0.0.0, `::1`, `::`, and their IPv4-mapped or -compatible forms.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use cfgc::loopback::is_local;

use crate::common::tools;

/// Node's side: the same dispatch on the text, `new URL(...).hostname`, the same definition.
const NODE: &str = r#"
const net = require('net');
const readline = require('readline');
const SPECIAL = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);
function hostname(s) {
  s = s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const open = s.indexOf('['), close = s.indexOf(']', open);
  if (open >= 0 && close > open) {
    const zone = s.slice(open, close).indexOf('%');
    if (zone >= 0) s = s.slice(0, open + zone) + s.slice(close);
  }
  if (s === '') return '';
  const bare = s.split('%')[0];
  if (net.isIPv6(bare)) return new URL('http://[' + bare + ']/').hostname;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):([\s\S]*)$/.exec(s);
  try {
    if (m && SPECIAL.has(m[1].toLowerCase())) return new URL(s).hostname;
    if (m && m[2].startsWith('//')) return new URL('http:' + m[2]).hostname;
    return new URL('http://' + s).hostname;
  } catch (e) {
    return '';
  }
}
function groups(v6) {
  const [l, r] = v6.includes('::') ? v6.split('::') : [v6, null];
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const fill = r === null ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}
function v4local(a, b, c, d) { return a === 127 || (a === 0 && b === 0 && c === 0 && d === 0); }
function local(h) {
  if (h === '') return false;
  if (h.startsWith('[')) {
    const g = groups(h.slice(1, -1));
    const zero = (n) => g.slice(0, n).every((x) => x === 0);
    if (zero(7) && (g[7] === 0 || g[7] === 1)) return true;
    if (zero(5) && (g[5] === 0 || g[5] === 0xffff)) {
      return v4local(g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255);
    }
    return false;
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) return v4local(...v4.slice(1).map(Number));
  const name = h.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
rl.on('line', (line) => out.push(local(hostname(JSON.parse(line))) ? '1' : '0'));
rl.on('close', () => process.stdout.write(out.join('\n') + '\n'));
"#;

/// Node's answer for each text, in order.
fn node_answers(corpus: &[String]) -> Vec<bool> {
    let mut child = tools::spawn(
        Command::new("node")
            .args(["-e", NODE])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
    );
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input: String = corpus
        .iter()
        .map(|s| serde_json::to_string(s).expect("json") + "\n")
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().expect("piped stdout");
    let answers: Vec<bool> = BufReader::new(stdout)
        .lines()
        .map(|l| l.expect("node's output") == "1")
        .collect();
    writer.join().expect("writer").expect("write to node");
    assert!(child.wait().expect("node").success(), "node failed");
    assert_eq!(answers.len(), corpus.len(), "node answered every line");
    answers
}

#[test]
fn loopback_agrees_with_node_url_on_every_spelling() {
    let corpus = super::loopback_corpus::corpus();
    assert!(corpus.len() >= 2000, "only {} spellings", corpus.len());
    let node = node_answers(&corpus);
    let local = node.iter().filter(|&&l| l).count();
    assert!(
        local > corpus.len() / 5 && local < corpus.len() * 4 / 5,
        "a corpus of mostly one answer proves little: {local} of {} local",
        corpus.len()
    );
    eprintln!("{} spellings, {local} of them local to Node", corpus.len());
    let disagreements: Vec<String> = corpus
        .iter()
        .zip(&node)
        .filter(|(s, n)| is_local(s) != **n)
        .map(|(s, n)| format!("{s:?}: node says local={n}, cfgc says local={}", !n))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} spellings disagree; the first:\n{}",
        disagreements.len(),
        corpus.len(),
        disagreements[..disagreements.len().min(20)].join("\n")
    );
}
