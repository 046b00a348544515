//! [`Moto`]: moto, the AWS emulator, as a server on a free port (`tests/fakes/moto_server.py`),
//! and boto3 (`tests/fakes/aws_client.py`) to read back what a test pushed to its Secrets
//! Manager, or to change it behind cfgc's back.

use serde_json::Value;

use super::process::Process;
use crate::common::tools;

pub struct Moto {
    process: Process,
}

/// The region the tests' secrets live in, and the dummy credentials moto accepts.
pub const REGION: &str = "eu-west-1";
pub const ACCESS_KEY_ID: &str = "testing";
pub const SECRET_ACCESS_KEY: &str = "testing";

impl Moto {
    pub fn start() -> Moto {
        let script = super::fake("moto_server.py");
        Moto {
            process: Process::start(&script, &[], &[("moto", "moto[server]==5.2.6")]),
        }
    }

    /// `http://127.0.0.1:PORT`, what `AWS_ENDPOINT_URL` takes.
    pub fn url(&self) -> &str {
        self.process.url()
    }

    /// The environment an AWS client needs to talk to this moto and nothing else.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url().to_string()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_string()),
            ("NO_PROXY", "127.0.0.1,localhost".to_string()),
        ]
    }

    /// Runs `tests/fakes/aws_client.py` (boto3): its answer, or `{"error": {"code",
    /// "message"}}` when Secrets Manager refused.
    pub fn client(&self, args: &[&str], stdin: &str) -> Value {
        let mut command = tools::command("python3");
        command.arg(super::fake("aws_client.py")).args(args);
        // The developer's AWS profile, session and config must not reach the client.
        for var in [
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_DEFAULT_REGION",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
        ] {
            command.env_remove(var);
        }
        command
            .envs(self.env())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        super::client::run_json(command, stdin, "aws_client.py")
    }
}
