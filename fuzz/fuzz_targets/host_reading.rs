//! cfgc's host reading (`validate::formats::loopback`) against the `url` crate's own host
//! parser (`url::Host::parse`, the WHATWG host parser): a host that `url::Host` reads one
//! way must be read the same way by cfgc in every shape it accepts (`https://HOST/`, a
//! non-special `redis://HOST/`, a bare `HOST`), and "local" must follow from the host
//! alone. It must also never panic, whatever the text.
#![no_main]

use cfgc::loopback::{host_of, is_local, is_local_host};
use libfuzzer_sys::fuzz_target;
use url::Host;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Any text: the answer is the host's, and nothing panics.
    assert_eq!(
        is_local(text),
        host_of(text).is_some_and(|h| is_local_host(&h)),
        "is_local disagrees with its own host for {text:?}"
    );
    // A host alone: what the WHATWG host parser makes of it, cfgc must make of it in a URL.
    if !is_host_text(text) {
        return;
    }
    let expected = Host::parse(text).ok();
    for shape in [format!("https://{text}/"), format!("redis://{text}/x")] {
        assert_eq!(
            host_of(&shape),
            expected,
            "cfgc reads the host of {shape:?} otherwise than url::Host reads {text:?}"
        );
        let local = expected.as_ref().is_some_and(is_local_host);
        assert_eq!(is_local(&shape), local, "loopback differs for {shape:?}");
    }
    // Bare: a bare IPv6 address is read as one (url::Host wants brackets), the rest as a host.
    if text.parse::<std::net::Ipv6Addr>().is_err() {
        assert_eq!(host_of(text), expected, "bare {text:?}");
    }
});

/// Text the URL parser would read as exactly one host: no delimiter of the authority or
/// the path, nothing it strips (controls, spaces, tabs, line breaks), not empty.
fn is_host_text(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(|c: char| c <= ' ' || "/\\?#@:[]".contains(c))
}
