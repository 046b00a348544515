//! No import cycle in `src/`: at every level of the module tree, sibling modules form a
//! directed acyclic graph. A reference from `a/x.rs` to `b/y.rs` is an edge `a → b` among
//! the crate's top-level modules; one from `commands/secrets/pending.rs` to
//! `commands/secrets/values.rs` is an edge `pending → values` among `commands/secrets`'
//! children. A module using its parent or its own children is not an edge: that is how a
//! stage made a folder is built. Read from the source text (`crate::`, `super::` paths,
//! grouped `use` included), not from the compiler, so the check needs no extra tool.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type ModPath = Vec<String>;

#[test]
fn src_has_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules_under(&src);
    // edges[parent][from] = {(to, file that made the edge)}
    let mut edges: BTreeMap<ModPath, BTreeMap<String, BTreeMap<String, String>>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("a source file reads");
        for target in references(&strip_comments(&text), module) {
            let Some(target) = resolve(&modules, &target) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common == module.len() || common == target.len() {
                continue; // parent or child: one unit
            }
            edges
                .entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .entry(target[common].clone())
                .or_insert_with(|| display(file, &src));
        }
    }
    let mut cycles = Vec::new();
    for (parent, graph) in &edges {
        for cycle in strongly_connected(graph) {
            let at = if parent.is_empty() {
                "crate".to_owned()
            } else {
                parent.join("::")
            };
            let links: Vec<String> = cycle
                .iter()
                .flat_map(|from| {
                    graph[from]
                        .iter()
                        .filter(|(to, _)| cycle.contains(*to))
                        .map(move |(to, file)| format!("    {from} → {to} (in {file})"))
                })
                .collect();
            cycles.push(format!(
                "  in {at}: {}\n{}",
                cycle.join(", "),
                links.join("\n")
            ));
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles in src/ (move what both sides use below them):\n{}",
        cycles.join("\n")
    );
}

/// Every module file under `src/`, by its module path (`lib.rs` and `main.rs` are the root).
fn modules_under(src: &Path) -> BTreeMap<ModPath, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ lists") {
            let path = entry.expect("an entry reads").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path
                .strip_prefix(src)
                .expect("under src/")
                .with_extension("");
            let mut module: ModPath = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module == ["lib"] || module == ["main"] {
                module.clear();
            }
            found.insert(module, path);
        }
    }
    found
}

/// The text without `//` comments (doc comments name paths that are not imports).
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Absolute module paths this file names: `crate::a::b`, `super::c`, `use crate::{x, y::z}`.
fn references(text: &str, module: &[String]) -> Vec<ModPath> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &text[at..];
        let boundary = at == 0 || !is_ident(bytes[at - 1]);
        let base = if !boundary {
            None
        } else if rest.starts_with("crate::") {
            Some((Vec::new(), "crate::".len()))
        } else if rest.starts_with("super::") {
            let mut base = module.to_vec();
            let mut skip = 0;
            while text[at + skip..].starts_with("super::") {
                base.pop();
                skip += "super::".len();
            }
            Some((base, skip))
        } else {
            None
        };
        match base {
            Some((base, skip)) => {
                let (paths, used) = tree(&text[at + skip..]);
                for path in paths {
                    found.push(base.iter().cloned().chain(path).collect());
                }
                at += skip + used.max(1);
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` and returns each full path, and the bytes read.
fn tree(text: &str) -> (Vec<ModPath>, usize) {
    let mut prefix = Vec::new();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with('{') {
            at += 1;
            let mut paths = Vec::new();
            loop {
                let (inner, used) = tree(&text[at..]);
                at += used;
                paths.extend(
                    inner
                        .into_iter()
                        .map(|p| prefix.iter().cloned().chain(p).collect()),
                );
                let rest = text[at..].trim_start();
                at = text.len() - rest.len();
                if rest.starts_with(',') {
                    at += 1;
                } else {
                    if rest.starts_with('}') {
                        at += 1;
                    }
                    return (paths, at);
                }
            }
        }
        let ident: String = trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            return (vec![prefix], at);
        }
        at += ident.len();
        prefix.push(ident);
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            return (vec![prefix], at);
        }
    }
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The longest prefix of `path` that is a module file.
fn resolve(modules: &BTreeMap<ModPath, PathBuf>, path: &[String]) -> Option<ModPath> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains_key(prefix))
}

fn display(file: &Path, src: &Path) -> String {
    Path::new("src")
        .join(file.strip_prefix(src).expect("under src/"))
        .display()
        .to_string()
}

/// The strongly connected components of more than one node (Tarjan's algorithm).
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}
