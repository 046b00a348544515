//! `check --app`'s tokenizers and read matcher (`cfgc::app::reads_in`) on any text, in
//! each language: they must never panic or hang, every error points inside the text, and
//! every read's name is a variable name whose span is inside the text.
#![no_main]

use cfgc::app::{Lang, reads_in};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // App files reach the tokenizers only as UTF-8: the reader refuses anything else first.
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let lang = match selector % 4 {
        0 => Lang::Js { jsx: false },
        1 => Lang::Js { jsx: true },
        2 => Lang::Python,
        _ => Lang::Rust,
    };
    match reads_in(text, lang) {
        Ok(reads) => {
            for read in reads {
                let written = text.get(read.at.clone()).expect("a read's span is in the text");
                assert!(written.contains(&read.name), "{read:?} in {text:?}");
                if let Some(f) = &read.fallback {
                    assert!(text.get(f.clone()).is_some(), "{read:?} in {text:?}");
                }
            }
        }
        Err(e) => assert!(e.at < text.len(), "{e:?} for {text:?}"),
    }
});
