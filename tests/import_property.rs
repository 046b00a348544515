//! Property: a generated `.env` of random values (unquoted, single- or double-quoted, as
//! each value allows), imported with `cfgc import` and read back through `cfgc exec`, gives
//! exactly the values python-dotenv reads from the same file. One python-dotenv process
//! reads each case's whole file.

use proptest::prelude::*;

use crate::import_readers::{bare, exec_values, python_dotenv};

fn tricky_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        'a', 'Z', '0', '7', ' ', '\t', '#', '$', '=', '!', '@', ':', '/', ',', '.', '-', '_', '\'',
        '"', '\\', '\n', 'é', '日', '%', '*', '&', '?', '(', ')', '[', ']', '}', '`', ';',
    ])
}

/// `value` as written after `KEY=` in `style` (0 unquoted, 1 single, 2 double quotes),
/// falling back to double quotes, which can hold anything.
fn written(value: &str, style: u8) -> String {
    let unquoted = !value.is_empty()
        && !value.contains(['\n', '\''])
        && !value.starts_with([' ', '\t', '"', '`'])
        && !value.ends_with([' ', '\t'])
        && !value.contains(" #")
        && !value.contains("\t#");
    let single = !value.contains(['\'', '\\']);
    match style {
        0 if unquoted => value.to_string(),
        1 if single => format!("'{value}'"),
        _ => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

proptest! {
    // Each case runs cfgc three times and python-dotenv once: a few cases are seconds.
    // No regression file: a failure is reported with its input.
    #![proptest_config(ProptestConfig {
        cases: 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn an_imported_env_reads_back_as_python_dotenv_reads_it(
        values in prop::collection::vec(
            (prop::collection::vec(tricky_char(), 0..12), 0u8..3),
            30,
        )
    ) {
        let text: String = values
            .iter()
            .enumerate()
            .map(|(i, (chars, style))| {
                format!("V{i}={}\n", written(&chars.iter().collect::<String>(), *style))
            })
            .collect();
        let p = bare().file(".env.local", &text);
        let run = p.args(["import", ".env.local"]).run();
        prop_assert_eq!(run.code, 0, "{}\n{}", text, run.transcript());
        let python = python_dotenv(&[&p.path(".env.local")]).remove(0);
        prop_assert_eq!(python.len(), 30);
        let names: Vec<&String> = python.keys().collect();
        prop_assert_eq!(exec_values(&p, "local", &names), python, "{}", text);
    }
}
