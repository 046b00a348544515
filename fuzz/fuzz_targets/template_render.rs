//! Template render under the bounds: any text as a template of one of the output formats,
//! compiled and rendered in cfgc's own environment (`render::templates::environment`:
//! strict undefined, no `debug()`, the trailing newline kept, every interpolation through
//! the format's room, fuel and a recursion limit), with a cap on the rendered size. Nothing
//! may panic, overflow the stack, run past the fuel or grow past the cap.
#![no_main]

use std::io::{self, Write};

use cfgc::format::{self, Format};
use libfuzzer_sys::fuzz_target;
use minijinja::AutoEscape;

/// Rendered bytes past which the render stops (cfgc's own cap is `[limits] output`).
const OUTPUT_CAP: usize = 1 << 20;

/// A writer that refuses to grow past the cap: a template that doubles a string forty times
/// fails here instead of exhausting memory.
struct Capped {
    written: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() > OUTPUT_CAP {
            return Err(io::Error::other("rendered output is over the cap"));
        }
        self.written += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// cfgc's own template environment (`render::templates::environment`: strict undefined,
/// no `debug()`, the trailing newline kept, fuel and recursion limit, the room formatter),
/// every template in `format`.
fn environment(format: Format) -> minijinja::Environment<'static> {
    let mut env = cfgc::render::templates::environment(OUTPUT_CAP as u64);
    let name = format.name();
    env.set_auto_escape_callback(move |_| AutoEscape::Custom(name.into()));
    env
}

fn context() -> serde_json::Value {
    serde_json::json!({
        "app": {"name": "shop", "port": 8080, "hosts": ["a.example", "b.example"],
                "tls": {"enabled": true, "ciphers": "HIGH:!aNULL"}},
        "JWT_SECRET": "canary-secret-0xC0FFEE",
        "secret_names": ["JWT_SECRET"],
        "list": [1, 2.5, null, "x y", {"k": "v"}],
        "deep": {"a": {"b": {"c": {"d": "e"}}}},
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    let format = format::ALL[usize::from(selector) % format::ALL.len()];
    let mut env = environment(format);
    // A second project template, so include/import/extends have something to find.
    if env
        .add_template(
            "partial.j2",
            "{% macro m(x) %}[{{ x }}]{% endmacro %}{{ app.name }}",
        )
        .is_err()
    {
        unreachable!("the partial is valid");
    }
    // Through cfgc's own `add_template`: minijinja 3.1's code generator panics on some
    // input its parser accepts (`{% import "x" as 0 %}`, crash-685b8de9), which cfgc turns
    // into an error; the target keeps looking for other bugs.
    if cfgc::render::templates::add_template(&mut env, "main.j2", source.to_string()).is_err() {
        return;
    }
    let Ok(template) = env.get_template("main.j2") else {
        return;
    };
    let ctx = minijinja::Value::from(minijinja::value::Serde(context()));
    let mut out = Capped { written: 0 };
    let _ = template.render_captured_to(ctx, &mut out);
    assert!(out.written <= OUTPUT_CAP);
});
