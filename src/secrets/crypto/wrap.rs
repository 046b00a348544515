//! Wrapping the data key with age: an ASCII-armored age file whose payload is the 32 raw
//! key bytes, readable by the `age` CLI (`age -d -i KEY`) as an escape hatch.

use std::io::{Read, Write};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::{DecryptError, Decryptor, Encryptor};
use zeroize::Zeroizing;

use super::key::KEY_LEN;
use super::{CryptoError, DataKey, UnwrapError};
use crate::project::recipient::Recipient;
use crate::secrets::identity::Identity;

/// Encrypts the data key to every recipient (any one of them can unwrap it).
pub fn wrap(key: &DataKey, recipients: &[Recipient]) -> Result<String, CryptoError> {
    if recipients.is_empty() {
        return Err(CryptoError::NoRecipients);
    }
    let encryptor = Encryptor::with_recipients(
        recipients
            .iter()
            .map(|r| r.as_age_recipient() as &dyn age::Recipient),
    )
    .map_err(|err| CryptoError::Wrap(err.to_string()))?;

    let io_error = |err: std::io::Error| CryptoError::Wrap(err.to_string());
    let mut armored = Vec::new();
    let mut writer = encryptor
        .wrap_output(
            ArmoredWriter::wrap_output(&mut armored, Format::AsciiArmor).map_err(io_error)?,
        )
        .map_err(io_error)?;
    writer.write_all(key.expose_bytes()).map_err(io_error)?;
    // Both finishes are needed: the first ends the age stream, the second the armor.
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(io_error)?;
    Ok(String::from_utf8(armored).expect("ASCII armor is ASCII"))
}

/// Recovers the data key with whichever of `identities` the file was encrypted to.
pub fn unwrap<'a>(
    armored: &str,
    identities: impl IntoIterator<Item = &'a Identity>,
) -> Result<DataKey, UnwrapError> {
    let decryptor = Decryptor::new_buffered(ArmoredReader::new(armored.as_bytes()))
        .map_err(|err| UnwrapError::Malformed(describe(&err)))?;
    let mut reader = decryptor
        .decrypt(identities.into_iter().map(Identity::as_age_identity))
        .map_err(|err| match err {
            DecryptError::NoMatchingKeys => UnwrapError::NoMatchingIdentity,
            other => UnwrapError::Malformed(describe(&other)),
        })?;

    // One byte more than a key, so a longer payload is caught without reading it all.
    let mut payload = Zeroizing::new(Vec::with_capacity(KEY_LEN + 1));
    reader
        .by_ref()
        .take(KEY_LEN as u64 + 1)
        .read_to_end(&mut payload)
        .map_err(|_| {
            UnwrapError::Malformed(
                "the age payload failed authentication (file altered or truncated)".into(),
            )
        })?;
    let bytes: &[u8; KEY_LEN] = payload.as_slice().try_into().map_err(|_| {
        UnwrapError::Malformed(format!(
            "the age payload is {} bytes, expected a {KEY_LEN}-byte data key",
            if payload.len() > KEY_LEN {
                format!("more than {KEY_LEN}")
            } else {
                payload.len().to_string()
            }
        ))
    })?;
    Ok(DataKey::from_bytes(bytes))
}

/// Our own wording for age's errors: stable across age's translations, and free of any
/// file content.
fn describe(err: &DecryptError) -> String {
    match err {
        DecryptError::InvalidHeader | DecryptError::UnknownFormat | DecryptError::Io(_) => {
            "not an age file (expected `-----BEGIN AGE ENCRYPTED FILE-----`)".into()
        }
        DecryptError::InvalidMac => "the age header failed authentication (file altered)".into(),
        DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed => {
            "the age file failed to decrypt (file altered or truncated)".into()
        }
        DecryptError::ExcessiveWork { .. } => {
            "the age file is passphrase-encrypted; cfgc only uses recipient keys".into()
        }
        _ => "the age file could not be decrypted".into(),
    }
}

#[cfg(test)]
mod tests;
