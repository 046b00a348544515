//! The HTTP client every store shares: one blocking `ureq` agent with timeouts and no
//! redirects (a token never follows a redirect to another host), retries with backoff on
//! 429, 503 and dropped connections, and endpoints that are https or on this machine.

use std::time::Duration;

use super::StoreError;

/// Attempts per request before a 429/503 or a dropped connection is an error.
pub const ATTEMPTS: u32 = 8;
/// A response body larger than this is an error, not a read without end.
const BODY_LIMIT: u64 = 8 << 20;

pub struct Response {
    pub status: u16,
    pub body: String,
}

/// One request: method, URL, headers, body.
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: Vec<(&'a str, String)>,
    /// Borrowed: a body that holds a secret stays in the caller's zeroizing buffer.
    pub body: Option<&'a [u8]>,
}

#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// The first retry's wait; doubled each time, with jitter, up to `max_wait`.
    base_wait: Duration,
    max_wait: Duration,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    pub fn new() -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .max_redirects(0)
            .http_status_as_error(false)
            .max_idle_connections_per_host(super::pool::CONCURRENCY)
            .user_agent(concat!("cfgc/", env!("CARGO_PKG_VERSION")))
            .build();
        let quick = std::env::var_os("CFGC_STORE_QUICK_RETRY").is_some();
        Client {
            agent: config.into(),
            // The tests' storms would take minutes at the production pace.
            base_wait: Duration::from_millis(if quick { 5 } else { 200 }),
            max_wait: Duration::from_millis(if quick { 50 } else { 10_000 }),
        }
    }

    /// Sends `request`, again after a wait on 429, 500, 502, 503, 504 or a failed
    /// connection (honouring `Retry-After` in seconds), up to `ATTEMPTS` times. `retry_on`
    /// may call more answers transient (AWS says "throttled" in a 400).
    pub fn send(
        &self,
        request: &Request,
        retry_on: &dyn Fn(&Response) -> bool,
    ) -> Result<Response, StoreError> {
        self.send_while(request, &|outcome| match outcome {
            Ok(r) => matches!(r.status, 429 | 500 | 502 | 503 | 504) || retry_on(r),
            Err(failed) => failed.error.transient,
        })
    }

    /// Sends a request that must not take effect twice (it adds a version), again only
    /// when the server surely did not act on it: a 429, or a connection never made. Any
    /// other failure (a 5xx, a connection dropped after sending) comes back as it came,
    /// for the caller to ask the store what happened before sending it again.
    pub fn send_once(&self, request: &Request) -> Result<Response, StoreError> {
        self.send_while(request, &|outcome| match outcome {
            Ok(r) => r.status == 429,
            Err(failed) => failed.unsent,
        })
    }

    fn send_while(
        &self,
        request: &Request,
        again: &dyn Fn(&Result<Response, Failed>) -> bool,
    ) -> Result<Response, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (result, retry_after) = self.once(request);
            if !again(&result) {
                return result.map_err(|f| f.error);
            }
            if attempt >= ATTEMPTS {
                return Err(match result {
                    Ok(r) => StoreError {
                        message: format!(
                            "{} after {attempt} attempts: {}",
                            r.status,
                            short(&r.body)
                        ),
                        transient: true,
                    },
                    Err(f) => f.error,
                });
            }
            std::thread::sleep(self.wait(attempt, retry_after));
        }
    }

    /// The wait before attempt `attempt + 1`, for a caller that retries by itself.
    pub fn back_off(&self, attempt: u32) {
        std::thread::sleep(self.wait(attempt, None));
    }

    fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self.base_wait.saturating_mul(1 << (attempt - 1).min(16));
        let capped = exp.min(self.max_wait);
        // Full jitter: threads throttled together do not retry together.
        let jittered = capped.mul_f64(0.5 + 0.5 * jitter());
        retry_after.map_or(jittered, |r| r.min(self.max_wait).max(jittered))
    }

    fn once(&self, request: &Request) -> (Result<Response, Failed>, Option<Duration>) {
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let sent = match builder.body(request.body.unwrap_or_default()) {
            Ok(req) => self.agent.run(req),
            Err(e) => {
                let error = StoreError::new(format!("bad request: {e}"));
                return (
                    Err(Failed {
                        error,
                        unsent: true,
                    }),
                    None,
                );
            }
        };
        match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(BODY_LIMIT)
                    .read_to_string();
                match body {
                    Ok(body) => (Ok(Response { status, body }), retry_after),
                    Err(e) => (Err(transport(e)), None),
                }
            }
            Err(e) => (Err(transport(e)), None),
        }
    }
}

/// A request that failed before an answer: why, and whether it surely never reached the
/// server (then even a request that must not take effect twice may be sent again).
struct Failed {
    error: StoreError,
    unsent: bool,
}

/// A transport error: connection-level ones may pass on a retry.
fn transport(e: ureq::Error) -> Failed {
    use ureq::Timeout;
    let transient = matches!(
        e,
        ureq::Error::Io(_) | ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed
    );
    let unsent = match &e {
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => true,
        ureq::Error::Timeout(t) => matches!(t, Timeout::Resolve | Timeout::Connect),
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    };
    let error = StoreError {
        message: format!("the request failed: {e}"),
        transient,
    };
    Failed { error, unsent }
}

/// A uniform number in [0, 1) from the OS generator (no seeded state to share).
fn jitter() -> f64 {
    let mut b = [0u8; 4];
    if getrandom::getrandom(&mut b).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)
}

/// Whether something listens at `url`'s host and port: a quick probe before asking a
/// machine's metadata server, which off its cloud does not resolve or answer, and a laptop
/// must not wait for the client's timeouts and retries.
pub fn answers(url: &url::Url) -> bool {
    use std::net::ToSocketAddrs;
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let Ok(mut addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs.next().is_some_and(|a| {
        std::net::TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok()
    })
}

/// At most a line of a store's answer, for a message: enough to name the problem.
pub fn short(body: &str) -> String {
    let line = body.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let mut s: String = line.chars().take(300).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// Whether `url` may receive a token: https, or plain http to this machine only (tests
/// and local emulators). Returns the URL without a trailing `/`.
pub fn endpoint(url: &str, what: &str) -> Result<String, StoreError> {
    let parsed = secure(url, what)?;
    if !parsed.username().is_empty() || parsed.password().is_some() || parsed.query().is_some() {
        return Err(StoreError::new(format!(
            "{what} `{url}` must be a scheme, a host, a port and a path"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// `url` parsed, if it is https or plain http to this machine: the one rule for where a
/// token may be sent. `endpoint` adds the shape of a base URL to it.
pub fn secure(url: &str, what: &str) -> Result<url::Url, StoreError> {
    let parsed = url::Url::parse(url)
        .map_err(|e| StoreError::new(format!("{what} `{url}` is not a URL: {e}")))?;
    let local = parsed
        .host()
        .is_some_and(|h| crate::loopback::is_local_host(&h.to_owned()));
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if local => Ok(parsed),
        _ => Err(StoreError::new(format!(
            "{what} `{url}` must be https (plain http only to this machine)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_this_machine() {
        assert!(endpoint("https://secretmanager.googleapis.com/", "e").is_ok());
        assert_eq!(
            endpoint("http://127.0.0.1:9/", "e").unwrap(),
            "http://127.0.0.1:9"
        );
        assert!(endpoint("http://[::1]:9", "e").is_ok());
        assert!(endpoint("http://localhost:9", "e").is_ok());
        assert!(endpoint("http://example.com", "e").is_err());
        assert!(endpoint("http://127.0.0.1.example.com", "e").is_err());
        assert!(endpoint("ftp://127.0.0.1", "e").is_err());
        assert!(endpoint("https://user:pw@example.com", "e").is_err());
    }
}
