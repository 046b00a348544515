//! The example's rendered files, read by the programs that consume them:
//! `nginx -t` (with test certificates from openssl) and check-jsonschema's
//! Cloud Build schema. CI installs both (.ci/run).

mod common;

use std::process::Command;

use common::Project;

fn rendered() -> Project {
    let p = Project::example();
    let run = p.run(&["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    p
}

#[test]
fn nginx_accepts_every_rendered_config() {
    let p = rendered();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (tmp.path().join("cert.pem"), tmp.path().join("key.pem"));
    let openssl = Command::new("openssl")
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
        .arg(&cert)
        .output()
        .expect("openssl runs (apt-get install openssl)");
    assert!(
        openssl.status.success(),
        "{}",
        String::from_utf8_lossy(&openssl.stderr)
    );
    std::fs::copy("/etc/nginx/mime.types", tmp.path().join("mime.types"))
        .expect("nginx-light ships mime.types");
    for env in ["development", "staging", "production"] {
        let conf = p.read(&format!("deploy/{env}/nginx.conf"));
        // The configured certificate paths exist only on the servers.
        let conf: String = conf
            .lines()
            .map(|l| match l.trim_start() {
                t if t.starts_with("ssl_certificate ") => {
                    format!("ssl_certificate {};", cert.display())
                }
                t if t.starts_with("ssl_certificate_key ") => {
                    format!("ssl_certificate_key {};", key.display())
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
        let out = Command::new("nginx")
            .arg("-t")
            .arg("-p")
            .arg(tmp.path())
            .arg("-c")
            .arg(&path)
            .arg("-g")
            .arg(&globals)
            .output()
            .expect("nginx runs (apt-get install nginx-light)");
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
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.cloudbuild"])
        .arg(p.path("deploy/staging/cloudbuild.yaml"))
        .arg(p.path("deploy/production/cloudbuild.yaml"))
        .output()
        .expect("check-jsonschema runs (pip install check-jsonschema)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
