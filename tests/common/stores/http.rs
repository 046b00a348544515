//! Just enough HTTP/1.1 to steer the fakes and make raw API calls: one request per
//! connection (`Connection: close`), read to the end. The fakes answer with Content-Length,
//! so no chunked decoding is needed; a real client's behaviour is what cfgc's tests measure.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// An answer: status, headers (names lower-cased) and the body parsed as JSON (`Null` when
/// empty or not JSON; `text` has it as it came).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub json: Value,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(have, _)| *have == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `method target` to `base` (`http://127.0.0.1:PORT`) with `headers` and `body`.
pub fn request(
    base: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let authority = base
        .strip_prefix("http://")
        .expect("the fakes listen on http://")
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(authority)
        .unwrap_or_else(|err| panic!("cannot connect to the fake at {base}: {err}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a timeout of 60 s is valid");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut raw = Vec::new();
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.read_to_end(&mut raw).map(drop))
        .unwrap_or_else(|err| panic!("{method} {base}{target}: {err}"));
    parse(&raw).unwrap_or_else(|| {
        panic!(
            "{method} {base}{target}: not an HTTP answer: {:?}",
            String::from_utf8_lossy(&raw)
        )
    })
}

fn parse(raw: &[u8]) -> Option<Response> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Some(Response {
        status,
        headers,
        text: body.to_string(),
        json: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}
