//! Template render under the bounds: any text as a template of one of the output formats,
//! compiled and rendered the way `render::templates` sets up its environment (strict
//! undefined, no `debug()`, the trailing newline kept, every interpolation through the
//! format's escaper), with fuel, a recursion limit and a cap on the rendered size. Nothing
//! may panic, overflow the stack, run past the fuel or grow past the cap.
//!
//! The bounds are set here, the way the runtime-hardening branch sets them on cfgc's own
//! environment; once that is merged this target should build its environment through
//! `render::templates` instead (the setup is private today).
#![no_main]

use std::io::{self, Write};

use cfgc::render::format::{self, Format};
use libfuzzer_sys::fuzz_target;
use minijinja::{AutoEscape, Error, ErrorKind, UndefinedBehavior};

/// Per render. minijinja charges about one unit per instruction and per 64 bytes made.
const FUEL: u64 = 200_000;
const RECURSION: usize = 100;
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

fn environment(format: Format) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.remove_global("debug");
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION);
    let name = format.name();
    env.set_auto_escape_callback(move |_| AutoEscape::Custom(name.into()));
    env.set_formatter(|out, state, value| {
        let AutoEscape::Custom(name) = state.auto_escape() else {
            return minijinja::escape_formatter(out, state, value);
        };
        let format = Format::named(name)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "unknown format"))?;
        let json = serde_json::to_value(value)
            .map_err(|_| Error::new(ErrorKind::BadSerialization, "not serialisable"))?;
        let text = format
            .escape(&json)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.reason))?;
        out.write_str(&text)
            .map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
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
    // As cfgc's `render::templates` does: minijinja 3.1's code generator panics on some
    // input its parser accepts (`{% import "x" as 0 %}`, crash-685b8de9); cfgc turns that
    // into an error, so the target does too and keeps looking for other bugs.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        env.add_template_owned("main.j2", source.to_string())
    }));
    std::panic::set_hook(hook);
    if !matches!(added, Ok(Ok(()))) {
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
