//! Every format's escaping, end to end through the binary: a hostile value
//! either reaches the real consumer unchanged (YAML and JSON parsers,
//! python-dotenv, bash `source`, nginx serving it as a header) or the
//! render fails naming the template line — and nothing is written.

use std::io::{Read, Write};

use crate::common::nginx::Nginx;
use crate::common::{Project, tools};

const HOSTILE: &[&str] = &[
    "hello world",
    "a: b # c",
    "- x",
    "\"quoted\"",
    "it's",
    "line1\nline2",
    "x\"; add_header Evil 1; \"",
    "https://a.example; return 301 https://evil.example;",
    "${HOME}",
    "$host",
    "back\\slash",
    "trailing\\",
    "{ }",
    "}",
    "true",
    "0644",
    "null",
    "héllo ☃",
    "tab\there",
    "",
    "#comment",
    "&anchor *alias !tag %dir @at `tick`",
    "a\r\nb",
];

/// A copy of the render fixture that renders only `output`.
fn project_for(output: &str, value: &str) -> Project {
    let p = Project::fixture("render");
    let toml = p.read("cfgc.toml");
    let mut kept = String::new();
    for (i, part) in toml.split("\n[outputs.").enumerate() {
        if i == 0 || part.starts_with(&format!("{output}]")) {
            if i > 0 {
                kept.push_str("\n[outputs.");
            }
            kept.push_str(part);
        }
    }
    let value_yaml =
        serde_json::to_string(value).expect("a JSON string is a YAML double-quoted scalar");
    p.file("cfgc.toml", &kept).file(
        "environments/base.yaml",
        format!("VALUE: {value_yaml}\nPORT: {}\n", free_port()),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Apply; `Some(path)` of the written file, or `None` when the render was refused.
fn render(p: &Project, file: &str, value: &str) -> Option<std::path::PathBuf> {
    let run = p.args(["apply", "--yes"]).run();
    if run.code == 0 {
        return Some(p.path(&format!("deploy/prod/{file}")));
    }
    assert_eq!(run.code, 1, "value {value:?}: {}", run.transcript());
    assert!(
        run.stdout.contains("error[template-escape]"),
        "value {value:?}: {}",
        run.transcript()
    );
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert!(
        !shown.contains(value) || value.len() < 3,
        "the refused value was echoed: {shown}"
    );
    assert!(!p.path("deploy").exists(), "a refused render wrote files");
    None
}

fn python(code: &str, arg: &std::path::Path) -> String {
    tools::require_python_module("yaml", "pyyaml");
    tools::require_python_module("dotenv", "python-dotenv");
    let out = tools::output(tools::command("python3").arg("-c").arg(code).arg(arg));
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn yaml_values_stay_one_scalar() {
    let mut accepted = 0;
    for value in HOSTILE {
        let p = project_for("yaml", value);
        if let Some(path) = render(&p, "out.yaml", value) {
            let got = python(
                "import sys, yaml, json; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                &path,
            );
            let doc: serde_json::Value = serde_json::from_str(&got).expect("json");
            assert_eq!(
                doc["value"],
                serde_json::Value::String(value.to_string()),
                "value {value:?}"
            );
            assert_eq!(
                doc.as_object().map(|o| o.len()),
                Some(2),
                "structure changed for {value:?}"
            );
            accepted += 1;
        }
    }
    assert_eq!(accepted, HOSTILE.len(), "YAML can carry every string");
}

#[test]
fn json_values_stay_one_string() {
    for value in HOSTILE {
        let p = project_for("json", value);
        let path = render(&p, "out.json", value).expect("JSON can carry every string");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read"))
                .expect("valid JSON");
        assert_eq!(doc["value"], serde_json::Value::String(value.to_string()));
    }
}

#[test]
fn dotenv_values_read_back_by_python_dotenv_and_bash() {
    let mut accepted = 0;
    for value in HOSTILE {
        let p = project_for("dotenv", value);
        let Some(path) = render(&p, "out.env", value) else {
            continue;
        };
        let got = python(
            "import sys, json; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1])['VALUE']))",
            &path,
        );
        assert_eq!(
            serde_json::from_str::<String>(got.trim()).expect("json"),
            *value,
            "python-dotenv, value {value:?}"
        );
        let bash = tools::output(
            tools::command("bash")
                .arg("-c")
                .arg("set -a; source \"$1\"; printf '%s' \"$VALUE\"")
                .arg("bash")
                .arg(&path),
        );
        assert_eq!(
            String::from_utf8_lossy(&bash.stdout),
            *value,
            "bash source, value {value:?}"
        );
        accepted += 1;
    }
    assert!(
        accepted >= HOSTILE.len() / 2,
        "too few values accepted: {accepted}"
    );
}

/// nginx serves the value back as a header: what arrives is what was configured,
/// and no injected directive (an extra header, a redirect) appears.
#[test]
fn nginx_serves_the_value_unchanged_or_refuses() {
    let mut accepted = 0;
    for value in HOSTILE {
        let p = project_for("nginx", value);
        let Some(path) = render(&p, "nginx.conf", value) else {
            continue;
        };
        let conf = std::fs::read_to_string(&path).expect("read");
        let port: u16 = p
            .read("environments/base.yaml")
            .lines()
            .find_map(|l| l.strip_prefix("PORT: ")?.parse().ok())
            .expect("port");
        let response = serve_once(p.dir.path(), &path, port);
        assert!(
            response.starts_with("HTTP/1.1 204"),
            "value {value:?}: {response}\n{conf}"
        );
        let injected = response
            .lines()
            .any(|l| l.starts_with("Evil:") || l.starts_with("Location:"));
        assert!(!injected, "directive injected by {value:?}:\n{response}");
        assert!(
            response.matches("\nX-Value:").count() <= 1,
            "header repeated for {value:?}"
        );
        let header = response
            .lines()
            .find_map(|l| l.strip_prefix("X-Value: "))
            .unwrap_or("");
        // nginx sends an empty header value as no header at all.
        assert_eq!(header, *value, "value {value:?} came back changed");
        accepted += 1;
    }
    assert!(
        accepted >= HOSTILE.len() / 2,
        "too few values accepted: {accepted}"
    );
}

fn serve_once(dir: &std::path::Path, conf: &std::path::Path, port: u16) -> String {
    let prefix = dir.join("nginx-prefix");
    std::fs::create_dir_all(prefix.join("logs")).expect("prefix");
    let globals = format!(
        "daemon off; pid {0}/nginx.pid; error_log {0}/logs/error.log;",
        prefix.display()
    );
    let mut command = tools::command("nginx");
    command
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(conf)
        .arg("-g")
        .arg(&globals)
        .stderr(std::process::Stdio::piped());
    let nginx = Nginx::spawn(command);
    let mut response = String::new();
    // Up to 10 s for nginx to listen: a busy CI machine can be slow to start it.
    for _ in 0..500 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let _ = s.read_to_string(&mut response);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let stderr = nginx.stop();
    assert!(!response.is_empty(), "nginx did not answer: {stderr}");
    response.replace("\r\n", "\n")
}
