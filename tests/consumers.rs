//! The example's rendered files, read by the programs that consume them:
//! `nginx -t` (with test certificates from openssl) and check-jsonschema's
//! Cloud Build schema. `scripts/test` installs both.

use crate::common::{Project, tools};

fn rendered() -> Project {
    let p = Project::example();
    p.args(["apply", "--yes"]).status(0).run();
    p
}

#[test]
fn nginx_accepts_every_rendered_config() {
    let p = rendered();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (tmp.path().join("cert.pem"), tmp.path().join("key.pem"));
    let openssl = tools::output(
        tools::command("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=cfgc-test",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert),
    );
    assert!(
        openssl.status.success(),
        "{}",
        String::from_utf8_lossy(&openssl.stderr)
    );
    std::fs::copy("/etc/nginx/mime.types", tmp.path().join("mime.types")).unwrap_or_else(|err| {
        panic!(
            "/etc/nginx/mime.types: {err}; {}",
            tools::install_hint("nginx")
        )
    });
    for env in ["development", "staging", "production"] {
        let conf = p.read(&format!("deploy/{env}/nginx.conf"));
        // The configured certificate paths exist only on the servers; nginx -t opens the
        // access log, which goes to the temp folder so nothing is left behind.
        let conf: String = conf
            .lines()
            .map(|l| match l.trim_start() {
                t if t.starts_with("ssl_certificate ") => {
                    format!("ssl_certificate {};", cert.display())
                }
                t if t.starts_with("ssl_certificate_key ") => {
                    format!("ssl_certificate_key {};", key.display())
                }
                t if t.starts_with("access_log /var/log/nginx/access.log") => {
                    t.replacen("/var/log/nginx", &tmp.path().display().to_string(), 1)
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let path = tmp.path().join(format!("{env}.conf"));
        std::fs::write(&path, conf).expect("write");
        let globals = format!(
            "pid {0}/nginx.pid; error_log {0}/error.log;",
            tmp.path().display()
        );
        let out = tools::output(
            tools::command("nginx")
                .arg("-t")
                .arg("-p")
                .arg(tmp.path())
                .arg("-c")
                .arg(&path)
                .arg("-g")
                .arg(&globals),
        );
        assert!(
            out.status.success(),
            "nginx -t rejected {env}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn cloud_build_schema_accepts_every_rendered_cloudbuild() {
    let p = rendered();
    let out = tools::output(
        tools::command("check-jsonschema")
            .args(["--builtin-schema", "vendor.cloudbuild"])
            .arg(p.path("deploy/staging/cloudbuild.yaml"))
            .arg(p.path("deploy/production/cloudbuild.yaml")),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
