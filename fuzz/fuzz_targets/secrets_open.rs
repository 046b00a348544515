//! Secrets file parse + open: any text as a secrets file (or a valid file with bytes
//! overwritten, when the first byte is odd), parsed from the YAML tree and opened with an
//! identity made fresh for this process (no private key is committed). Nothing may panic;
//! and a file that opens must hold exactly the values that were sealed in it: no tampered,
//! moved or dropped value may be accepted.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use cfgc::decrypt::{DecryptError, Keyring, open_file};
use cfgc::project::Environment;
use cfgc::secrets::crypto::Plaintext;
use cfgc::secrets::file::{Change, create, serialize, update};
use cfgc::secrets::identity::IdentitySources;
use cfgc::project::recipient::Recipient;
use cfgc::source::{FileId, Source, SourceMap, Span};
use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;

const ENV: &str = "prod";

struct Fixture {
    keyring: Keyring,
    env: Environment,
    /// A valid file for `ENV`, encrypted to this process's identity.
    valid: String,
    values: BTreeMap<String, String>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let identity = age::x25519::Identity::generate();
        let recipient: Recipient = identity
            .to_public()
            .to_string()
            .parse()
            .expect("age's own public key parses");
        let (file, key) = create(ENV, &[recipient]).expect("a fresh file");
        let values: BTreeMap<String, String> = [
            ("JWT_SECRET", "hunter2-canary"),
            ("DB_PASSWORD", "p@ss: 'quoted' \"too\"\n"),
            ("EMPTY", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let changes = values
            .iter()
            .map(|(k, v)| (k.clone(), Change::Set(Plaintext::from(v.clone()))))
            .collect();
        let file = update(&file, &key, &BTreeMap::new(), changes);
        let keyring = Keyring::from_sources(IdentitySources {
            env_key: Some(identity.to_string().expose_secret().to_string()),
            ..IdentitySources::default()
        });
        let span = Span::new(FileId(0), 0, 0);
        let env = Environment {
            name: ENV.into(),
            tier: "production".into(),
            span,
            layers: Vec::new(),
            layers_span: span,
            secrets: None,
            recipients: Vec::new(),
            identity: None,
            deployed: None,
            store: None,
        };
        Fixture {
            keyring,
            env,
            valid: serialize(&file),
            values,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode & 1 == 1 {
        // Tampering: (offset, byte) pairs overwrite a valid file.
        let mut bytes = fx.valid.clone().into_bytes();
        for pair in rest.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([pair[0], pair[1]])) % bytes.len();
            bytes[at] = pair[2];
        }
        match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return,
        }
    } else {
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_string(),
            Err(_) => return,
        }
    };
    let mut sources = SourceMap::default();
    let id = sources.add(Source::new(
        "secrets/prod.yaml".into(),
        "secrets/prod.yaml".into(),
        text,
    ));
    let node = match cfgc::yaml::parse(id, sources.get(id)) {
        Ok(node) => node,
        Err(d) => {
            let _ = cfgc::diagnostic::human::render(&[d], &sources, &[], false);
            return;
        }
    };
    let parsed = match cfgc::secrets::file::parse(&node, id, "secrets/prod.yaml") {
        Ok(p) => p,
        Err(ds) => {
            let _ = cfgc::diagnostic::human::render(&ds, &sources, &[], false);
            return;
        }
    };
    let identities = fx
        .keyring
        .for_environment(&fx.env)
        .unwrap_or_else(|_| panic!("the process identity loads"));
    match open_file(&parsed, ENV, &identities, &sources) {
        Ok(opened) => {
            let got: BTreeMap<String, String> = opened
                .values
                .iter()
                .map(|(k, v)| (k.clone(), v.expose_secret().to_string()))
                .collect();
            assert!(
                got == fx.values,
                "a file that opens holds exactly the sealed values"
            );
        }
        Err(DecryptError::NoIdentity(d)) => {
            let _ = cfgc::diagnostic::human::render(&[d], &sources, &[], false);
        }
        Err(DecryptError::Failed(ds)) => {
            let out = cfgc::diagnostic::human::render(&ds, &sources, &[], false);
            // A value that failed to open is named, never shown (unless the input itself
            // spelled the canary out, which the source line may then show).
            if !sources.get(id).text.contains("hunter2-canary") {
                assert!(!out.contains("hunter2-canary"), "an error quotes a secret");
            }
        }
    }
});
