//! [`Project::hostile`]: what a pull request's author could commit, tried against the real
//! binary. A small project with a sealed canary secret, a folder "outside" the project
//! holding canary files (what a symlink or a `..` path would reach), and a private home,
//! runtime and temp folder, all in one temp folder that `.unchanged()` watches whole.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use super::{Project, age_key};

/// The sealed value of `JWT_SECRET` in the project's secrets file.
pub const SECRET: &str = "CANARY-SECRET-jwt-0123456789abcdef0123";
/// In every file outside the project, and in `.git`.
pub const OUTSIDE: &str = "CANARY-OUTSIDE-5f3a9c";

/// A hung cfgc (a FIFO read, a runaway template) fails its test instead of the suite.
const TIMEOUT: Duration = Duration::from_secs(30);

const CFGC_TOML: &str = r#"[project]
name = "hostile"
schema = "schema/env.schema.json"
output_dir = "out"

[environments.dev]
tier = "local"
layers = ["env/base.yaml", "env/dev.yaml"]
secrets = "env/dev.secrets.yaml"
recipients = ["RECIPIENT"]

[outputs.dotenv]
template = "templates/env.j2"
path = "out/{env}/.env"
format = "dotenv"
secrets = true
mode = "0600"

[outputs.app]
template = "templates/app.yaml.j2"
path = "out/{env}/app.yaml"
format = "yaml"
"#;

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "NAME": { "type": "string", "pattern": "^[a-z]+$" },
    "PORT": { "type": "integer", "minimum": 1, "maximum": 65535 },
    "TAGS": { "type": "array", "items": { "type": "string" } },
    "JWT_SECRET": { "type": "string", "minLength": 32, "x-secret": true }
  },
  "required": ["NAME", "PORT", "JWT_SECRET"]
}
"#;

/// The project every hostile test starts from, made once per test process: the secrets
/// file is sealed by the binary itself to a key made for this process.
struct Base {
    public: String,
    secret_key: String,
    files: Vec<(String, Vec<u8>)>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let key = age_key();
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (
                "cfgc.toml".into(),
                CFGC_TOML.replace("RECIPIENT", &key.public).into_bytes(),
            ),
            ("schema/env.schema.json".into(), SCHEMA.into()),
            ("env/base.yaml".into(), b"NAME: shop\nPORT: 8080\n".to_vec()),
            ("env/dev.yaml".into(), b"TAGS: [a, b]\n".to_vec()),
            (
                "templates/env.j2".into(),
                b"NAME={{ NAME }}\nPORT={{ PORT }}\nJWT_SECRET={{ JWT_SECRET }}\n".to_vec(),
            ),
            (
                "templates/app.yaml.j2".into(),
                b"name: {{ NAME }}\nport: {{ PORT }}\n".to_vec(),
            ),
        ];
        let mut p = Project::empty();
        for (rel, bytes) in &files {
            p = p.file(rel, bytes);
        }
        let p = p.private_file("key.txt", format!("{}\n", key.secret));
        let key_file = p.path("key.txt").to_string_lossy().into_owned();
        let p = p.env("CFGC_AGE_KEY_FILE", &key_file);
        p.set("dev", "JWT_SECRET", SECRET);
        files.push((
            "env/dev.secrets.yaml".into(),
            std::fs::read(p.path("env/dev.secrets.yaml")).expect("sealed file"),
        ));
        // A committed lock file, as after a first apply: a refused apply must leave it be.
        files.push((".cfgc.lock".into(), Vec::new()));
        // A repository: its hooks are where a hostile output would like to land.
        files.push((".git/config".into(), format!("# {OUTSIDE}\n").into_bytes()));
        files.push((".git/hooks/README".into(), b"hooks\n".to_vec()));
        Base {
            public: key.public,
            secret_key: key.secret,
            files,
        }
    })
}

impl Project {
    /// The hostile project, in `project/` of a temp folder that also holds `outside/` (the
    /// canaries), `home/` (the identity, as on a CI runner), `runtime/` and `tmpdir/`. Paths
    /// under the temp folder print as `[TMP]`; a run stops after 30 s; `.no_canary()`
    /// watches for the secret, the outside files' content and the identity.
    pub fn hostile() -> Project {
        let b = base();
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("project");
        let mut p = Project::in_dir(tmp, root, "[TMP]");
        p.hostile = true;
        p.timeout = Some(TIMEOUT);
        for (rel, bytes) in &b.files {
            p = p.file(rel, bytes);
        }
        for dir in ["home", "runtime", "tmpdir", "outside"] {
            std::fs::create_dir_all(p.dir.path().join(dir)).expect("mkdir");
        }
        let outside = [
            ("canary.yaml", format!("KEY: {OUTSIDE}\n")),
            ("canary.j2", format!("{OUTSIDE}\n")),
            (
                "schema.json",
                format!("{{\"description\": \"{OUTSIDE}\"}}\n"),
            ),
            (
                "cfgc.toml",
                format!("# {OUTSIDE}\n{}", String::from_utf8_lossy(&b.files[0].1)),
            ),
        ];
        for (name, text) in outside {
            std::fs::write(p.outside(name), text).expect("write outside");
        }
        let key = p.identity_path();
        std::fs::write(&key, format!("{}\n", b.secret_key)).expect("write the identity");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let p = p
            .unset("XDG_CONFIG_HOME")
            .canary(SECRET)
            .canary(OUTSIDE)
            .canary(&b.secret_key);
        let folder = |name: &str| p.dir.path().join(name).to_string_lossy().into_owned();
        let (home, runtime, tmpdir) = (folder("home"), folder("runtime"), folder("tmpdir"));
        let key = key.to_string_lossy().into_owned();
        p.env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("TMPDIR", &tmpdir)
            .env("CFGC_AGE_KEY_FILE", &key)
    }

    fn hostile_only(&self, what: &str) {
        assert!(self.hostile, "{what}: only `Project::hostile()` has one");
    }

    /// A file in the folder next to the project, where the canaries live.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.hostile_only("an outside folder");
        self.dir.path().join("outside").join(name)
    }

    /// The identity file's path (outside the project).
    pub fn identity_path(&self) -> PathBuf {
        self.hostile_only("an identity in home/");
        self.dir.path().join("home/key.txt")
    }

    /// The recipient the secrets file is sealed to.
    pub fn public_key(&self) -> &'static str {
        self.hostile_only("a sealed secret");
        &base().public
    }

    /// `rel` becomes a symlink to the outside file `name`.
    pub fn symlink_out(self, rel: &str, name: &str) -> Project {
        let target = self.outside(name);
        self.symlink(rel, target)
    }

    /// No identity at all: the key file variable is not set.
    pub fn without_identity(self) -> Project {
        self.unset("CFGC_AGE_KEY_FILE")
    }

    /// cfgc in a session of its own (`setsid`), with no terminal to prompt on, even when
    /// the tests run in one: for passphrase prompts. Not a process group leader, so setsid
    /// execs cfgc in place: the pid the timeout stops is cfgc's.
    pub fn without_terminal(self) -> Project {
        self.through("setsid", &["{cfgc}"])
    }
}
