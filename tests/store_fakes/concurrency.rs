//! Many kept-alive connections at once, as cfgc's pool opens them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::{PROJECT, create_raw};
use crate::common::stores::GcpFake;

#[test]
fn thirty_two_keep_alive_connections_at_once() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "busy");
    gcp.latency(50);
    let authority = gcp.metadata_host().to_string();
    let threads: Vec<_> = (0..32)
        .map(|n| {
            let authority = authority.clone();
            let token = token.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&authority).expect("connect");
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                for i in 0..3 {
                    let body =
                        json!({ "payload": { "data": STANDARD.encode(format!("{n}.{i}")) } })
                            .to_string();
                    write!(
                        stream,
                        "POST /v1/projects/{PROJECT}/secrets/busy:addVersion HTTP/1.1\r\n\
                         Host: {authority}\r\nAuthorization: Bearer {token}\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .expect("send on the kept-alive connection");
                    assert_eq!(read_keep_alive(&mut reader), 200);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("every connection got its answers");
    }
    gcp.latency(0);
    assert_eq!(gcp.stats()["secrets.addVersion"]["ok"], 96);
    let last = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets/busy/versions/latest"),
        Some(&token),
        None,
    );
    assert_eq!(
        last.json["name"],
        "projects/cfgc-test/secrets/busy/versions/96"
    );
}

/// Reads one answer from a kept-alive connection (by its Content-Length); its status.
fn read_keep_alive(reader: &mut BufReader<TcpStream>) -> u16 {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("a status line");
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a header");
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status")
}
