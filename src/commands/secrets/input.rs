//! Reading a secret value without it passing through arguments (visible in `ps`) or
//! the terminal's echo: stdin when it is piped, a hidden prompt when it is a terminal.

use std::io::{IsTerminal, Read};

use zeroize::Zeroizing;

use crate::secrets::crypto::Plaintext;

/// Why no value could be read. Never holds any of the input.
pub enum InputError {
    Empty,
    NotUtf8,
    Io(std::io::Error),
}

impl InputError {
    pub fn message(&self) -> String {
        match self {
            InputError::Empty => "no value given: stdin was empty".into(),
            InputError::NotUtf8 => "the value is not UTF-8 text".into(),
            InputError::Io(e) => format!("cannot read the value: {e}"),
        }
    }
}

pub fn read_value(prompt: &str) -> Result<Plaintext, InputError> {
    let stdin = std::io::stdin();
    let text: Zeroizing<String> = if stdin.is_terminal() {
        Zeroizing::new(rpassword::prompt_password(prompt).map_err(InputError::Io)?)
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin
            .lock()
            .read_to_end(&mut bytes)
            .map_err(InputError::Io)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| InputError::NotUtf8)?;
        Zeroizing::new(text.to_string())
    };
    // `echo value | cfgc secrets set` adds a newline nobody means to store.
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if trimmed.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(Plaintext::from(trimmed.to_string()))
}
