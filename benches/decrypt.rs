//! Decrypting 1,000 secrets files of 40 secrets each, through the code `cfgc` runs:
//! read, YAML → `Node`, `secrets::file::parse`, then `decrypt::open_file` (age unwrap of
//! the data key, 40 AEAD opens, the MAC). Run with `cargo bench --bench decrypt`.
//!
//! With `CFGC_BENCH_PROJECT=DIR` it also writes a cfgc project of 1,000 environments over
//! the same files, for `benches/sops_compare.sh` to time `cfgc check` end to end.

use std::path::{Path, PathBuf};

use cfgc::decrypt::{Keyring, open_file};
use cfgc::project::Environment;
use cfgc::project::recipient::Recipient;
use cfgc::secrets::crypto::Plaintext;
use cfgc::secrets::file::{Change, create, serialize, update};
use cfgc::secrets::identity::IdentitySources;
use cfgc::source::{FileId, Source, SourceMap, Span};
use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

const FILES: usize = 1_000;
const SECRETS: usize = 40;

struct Fixture {
    _dir: tempfile::TempDir,
    files: Vec<(String, PathBuf)>,
    keyring: Keyring,
    env: Environment,
}

fn env_name(i: usize) -> String {
    format!("env{i:04}")
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let identity = age::x25519::Identity::generate();
    let recipient: Recipient = identity.to_public().to_string().parse().expect("recipient");
    let key_file = dir.path().join("key.txt");
    {
        use age::secrecy::ExposeSecret;
        std::fs::write(&key_file, identity.to_string().expose_secret()).expect("key");
    }
    let files: Vec<(String, PathBuf)> = (0..FILES)
        .into_par_iter()
        .map(|i| {
            let env = env_name(i);
            let (file, key) = create(&env, std::slice::from_ref(&recipient)).expect("create");
            let changes = (0..SECRETS)
                .map(|s| {
                    let value =
                        format!("secret-value-{i}-{s}-0123456789abcdefghijklmnopqrstuvwxyz");
                    (
                        format!("SECRET_{s:02}"),
                        Change::Set(Plaintext::from(value)),
                    )
                })
                .collect();
            let file = update(&file, &key, &Default::default(), changes);
            let path = dir.path().join(format!("{env}.secrets.yaml"));
            std::fs::write(&path, serialize(&file)).expect("write");
            (env, path)
        })
        .collect();
    if let Some(out) = std::env::var_os("CFGC_BENCH_PROJECT") {
        write_project(Path::new(&out), &files, &recipient, &key_file);
    }
    let keyring = Keyring::from_sources(IdentitySources {
        files: vec![key_file],
        ..Default::default()
    });
    let span = Span::new(FileId(0), 0, 0);
    let env = Environment {
        name: String::new(),
        tier: "bench".into(),
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
        _dir: dir,
        files,
        keyring,
        env,
    }
}

/// One file, as `cfgc` loads and decrypts it; returns the number of values opened.
fn decrypt_one(env_name: &str, path: &Path, fx: &Fixture) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    let mut sources = SourceMap::default();
    let id = sources.add(Source::new("bench".into(), path.to_path_buf(), text));
    let node = cfgc::yaml::parse(id, sources.get(id)).expect("yaml");
    let parsed = cfgc::secrets::file::parse(&node, id, "bench").expect("secrets file");
    let identities = fx.keyring.for_environment(&fx.env).expect("identities");
    let opened = open_file(&parsed, env_name, &identities, &sources).expect("decrypts");
    opened.values.len()
}

fn bench(c: &mut Criterion) {
    let fx = fixture();
    // Warm the keyring once: a real run reads its identities once too.
    assert_eq!(decrypt_one(&fx.files[0].0, &fx.files[0].1, &fx), SECRETS);
    let mut group = c.benchmark_group("decrypt 1000 files x 40 secrets");
    group.sample_size(10);
    group.bench_function("one thread", |b| {
        b.iter(|| {
            let n: usize = fx.files.iter().map(|(e, p)| decrypt_one(e, p, &fx)).sum();
            assert_eq!(n, FILES * SECRETS);
        })
    });
    group.bench_function("rayon, all cores", |b| {
        b.iter(|| {
            let n: usize = fx
                .files
                .par_iter()
                .map(|(e, p)| decrypt_one(e, p, &fx))
                .sum();
            assert_eq!(n, FILES * SECRETS);
        })
    });
    group.finish();

    // What the load stage costs of that: read, YAML, the file's structure (no crypto).
    let mut load = c.benchmark_group("load only (read, YAML, structure), 1000 files");
    load.sample_size(10);
    load.bench_function("one thread", |b| {
        b.iter(|| {
            for (_, path) in &fx.files {
                let text = std::fs::read_to_string(path).expect("read");
                let mut sources = SourceMap::default();
                let id = sources.add(Source::new("bench".into(), path.clone(), text));
                let node = cfgc::yaml::parse(id, sources.get(id)).expect("yaml");
                cfgc::secrets::file::parse(&node, id, "bench").expect("secrets file");
            }
        })
    });
    load.finish();

    // The floor: the age unwrap alone, once per file.
    let armored: Vec<String> = fx
        .files
        .iter()
        .map(|(_, p)| {
            let text = std::fs::read_to_string(p).expect("read");
            let start = text.find("-----BEGIN").expect("armor");
            let end = text
                .find("-----END AGE ENCRYPTED FILE-----")
                .expect("armor end")
                + 32;
            text[start..end].replace("\n    ", "\n")
        })
        .collect();
    let identities = fx.keyring.for_environment(&fx.env).expect("identities");
    let mut floor = c.benchmark_group("age unwrap only, 1000 data keys");
    floor.sample_size(10);
    floor.bench_function("one thread", |b| {
        b.iter(|| {
            for a in &armored {
                cfgc::secrets::crypto::unwrap(a, identities.iter()).expect("unwrap");
            }
        })
    });
    floor.finish();
}

/// A project with one environment per file, for timing `cfgc check` end to end.
fn write_project(out: &Path, files: &[(String, PathBuf)], recipient: &Recipient, key_file: &Path) {
    let envs = out.join("environments");
    std::fs::create_dir_all(&envs).expect("mkdir");
    std::fs::create_dir_all(out.join("schema")).expect("mkdir");
    let props: Vec<String> = (0..SECRETS)
        .map(|s| {
            format!(
                "\"SECRET_{s:02}\": {{\"type\": \"string\", \"minLength\": 16, \"x-secret\": true}}"
            )
        })
        .collect();
    std::fs::write(
        out.join("schema/env.schema.json"),
        format!(
            "{{\"type\": \"object\", \"properties\": {{{}}}}}",
            props.join(", ")
        ),
    )
    .expect("schema");
    std::fs::write(envs.join("base.yaml"), "").expect("layer");
    let mut toml =
        String::from("[project]\nname = \"bench\"\nschema = \"schema/env.schema.json\"\n");
    for (env, path) in files {
        std::fs::copy(path, envs.join(format!("{env}.secrets.yaml"))).expect("copy");
        toml.push_str(&format!(
            "\n[environments.{env}]\ntier = \"bench\"\nlayers = [\"environments/base.yaml\"]\nsecrets = \"environments/{env}.secrets.yaml\"\nrecipients = [\"{recipient}\"]\n"
        ));
    }
    std::fs::write(out.join("cfgc.toml"), toml).expect("cfgc.toml");
    std::fs::copy(key_file, out.join("key.txt")).expect("key");
}

criterion_group!(benches, bench);
criterion_main!(benches);
