//! Projects with real secrets: a fresh age key per test (no private key is ever
//! committed), the minimal fixture sealed to it, and the secrets commands a test needs to
//! succeed on the way to what it tests.

use super::Project;

/// A fresh age key pair, made for one test.
pub struct Key {
    pub secret: String,
    pub public: String,
}

pub fn age_key() -> Key {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    Key {
        secret: id.to_string().expose_secret().to_string(),
        public: id.to_public().to_string(),
    }
}

impl Project {
    /// The minimal fixture re-encrypted to a fresh key, kept at `keys/test.key` and named
    /// by CFGC_AGE_KEY_FILE; dev and prod hold DATABASE_URL and JWT_SECRET.
    pub fn with_secrets() -> (Project, Key) {
        let key = age_key();
        let p = Project::fixture("minimal");
        let toml = p.read("cfgc.toml");
        let old = toml
            .split('"')
            .find(|s| s.starts_with("age1"))
            .expect("the fixture names a recipient")
            .to_string();
        let p = p
            .remove("environments/dev.secrets.yaml")
            .remove("environments/prod.secrets.yaml")
            .file("cfgc.toml", toml.replace(&old, &key.public))
            .private_file("keys/test.key", format!("{}\n", key.secret));
        let key_file = p.path("keys/test.key").to_string_lossy().into_owned();
        let p = p.env("CFGC_AGE_KEY_FILE", &key_file);
        for (env, db, jwt) in [
            (
                "dev",
                "postgres://app:dev@localhost:5432/app",
                "dev-jwt-secret-0123456789abcdefghijkl",
            ),
            (
                "prod",
                "postgres://app:prod@db.example.com/app",
                "prod-jwt-secret-0123456789abcdefghijk",
            ),
        ] {
            p.set(env, "DATABASE_URL", db);
            p.set(env, "JWT_SECRET", jwt);
        }
        (p, key)
    }

    /// `cfgc secrets set ENV NAME` with the value on stdin; must succeed.
    pub fn set(&self, env: &str, name: &str, value: &str) {
        self.args(["secrets", "set", env, name])
            .stdin(value)
            .status(0)
            .run();
    }

    /// The value of a secret, through `cfgc secrets get`; must succeed.
    pub fn get(&self, env: &str, name: &str) -> String {
        let run = self.args(["secrets", "get", env, name]).status(0).run();
        run.stdout
            .strip_suffix('\n')
            .expect("a newline")
            .to_string()
    }

    /// The line of a secrets file that starts with `prefix`.
    pub fn line(&self, rel: &str, prefix: &str) -> String {
        self.read(rel)
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line `{prefix}…` in {rel}"))
            .to_string()
    }
}
