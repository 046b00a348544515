//! A loopback HTTP server with canned answers, for what an emulator cannot show: the exact
//! requests a client sends (its headers, form and signature), and answers out of the
//! ordinary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

/// A loopback server that answers each request with the next canned response and sends
/// each request's head and body to the test. A connection closed without a request (a
/// probe that only checks something listens) takes no response.
pub fn canned<B: Into<String>>(responses: Vec<(u16, B)>) -> (String, mpsc::Receiver<String>) {
    let responses: Vec<(u16, String)> = responses.into_iter().map(|(s, b)| (s, b.into())).collect();
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut responses = responses.into_iter().peekable();
        while let Some((status, body)) = responses.peek().cloned() {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            if head.is_empty() {
                continue;
            }
            responses.next();
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let _ = send.send(format!(
                "{head}\n{}",
                String::from_utf8_lossy(&request_body)
            ));
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = reader.get_mut().write_all(answer.as_bytes());
        }
    });
    (url, receive)
}
