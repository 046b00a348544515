//! Host spellings for the loopback differential test (`loopback_node`): IPv4 numbers in every
//! radix, part count and padding; names with IDNA-mapped characters (full-width letters,
//! ideographic full stops, soft hyphens, capitals), percent-encoding, tabs and line breaks;
//! IPv6 forms; each in the shapes a config writes a URL or host in. The mutations are
//! drawn from a fixed seed, so every run tests the same corpus.

/// A small deterministic generator (xorshift64), enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ADDRESSES: &[u32] = &[
    0x7f00_0001, // 127.0.0.1
    0x7f09_0807, // 127.9.8.7
    0x7fff_ffff, // 127.255.255.255
    0x0000_0000, // 0.0.0.0
    0x8000_0001, // 128.0.0.1
    0x7eff_ffff, // 126.255.255.255
    0x0a01_0203, // 10.1.2.3
    0x0000_0001, // 0.0.0.1
];

const NAMES: &[&str] = &[
    "localhost",
    "api.localhost",
    "localhost.example.com",
    "example.com",
    "localhostx",
    "xlocalhost",
    "my-localhost",
    "local.host",
    "db.internal",
];

const IPV6: &[&str] = &[
    "[::1]",
    "[::]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::127.0.0.1]",
    "[::ffff:0.0.0.0]",
    "[::2]",
    "[fe80::1]",
    "[::ffff:10.0.0.1]",
    "[::1%25lo]",
    "[0::0:1]",
    "[::1:0]",
    "[2001:db8::1]",
    "::1",
    "::",
    "::ffff:127.0.0.1",
];

const SHAPES: &[&str] = &[
    "https://{}/",
    "http://{}:8080/x",
    "https:/{}/",
    "https:{}",
    "https:{}:8443",
    "https://user:pw@{}/",
    "HTTPS://{}",
    "wss://{}/socket",
    "https:\\\\{}\\x",
    "{}",
    "{}:6379",
    "user@{}",
    "redis://{}:6379/0",
    "postgres://u@{}/db",
    "amqp://{}",
    " https://{} ",
];

/// An IPv4 address as one to four parts, each in decimal, octal or hex, maybe padded with
/// zeros, maybe with a trailing dot: the forms WHATWG's IPv4 parser and `inet_aton` take.
fn ipv4(addr: u32, rng: &mut Rng) -> String {
    let parts = 1 + rng.below(4);
    let bytes = addr.to_be_bytes();
    let mut numbers: Vec<u64> = bytes[..parts - 1].iter().map(|&b| u64::from(b)).collect();
    let rest = &bytes[parts - 1..];
    numbers.push(rest.iter().fold(0u64, |n, &b| n << 8 | u64::from(b)));
    let zeros = ["", "0", "00", "0000000000000000"];
    let text: Vec<String> = numbers
        .iter()
        .map(|&n| match rng.below(4) {
            0 => format!("{n}"),
            1 => format!("0{}{n:o}", rng.pick(&zeros)),
            2 => format!("0x{}{n:x}", rng.pick(&zeros)),
            _ => format!("0X{}{n:X}", rng.pick(&zeros)),
        })
        .collect();
    let dot = if rng.below(5) == 0 { "." } else { "" };
    text.join(".") + dot
}

/// Full-width forms of ASCII letters, digits and punctuation (U+FF01–U+FF5E).
fn full_width(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01).unwrap_or(c),
        _ => c,
    }
}

fn percent(c: char, upper: bool) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| {
            if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// One mutation of a name or IPv4 text, at one character (or from it to the end).
fn mutate(host: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = host.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let at = rng.below(chars.len());
    let c = chars[at];
    let mut rest: String = chars[at + 1..].iter().collect();
    let middle = match (rng.below(9), c) {
        (0, _) => {
            rest = rest.chars().map(full_width).collect();
            full_width(c).to_string()
        }
        (1, '.') => ['\u{3002}', '\u{ff0e}', '\u{ff61}'][rng.below(3)].to_string(),
        (2, '.') => percent(['\u{3002}', '\u{ff0e}'][rng.below(2)], true),
        (3, _) => percent(c, rng.below(2) == 0),
        (4, _) => format!("{}{c}", ['\t', '\n', '\r'][rng.below(3)]),
        (5, _) => c.to_uppercase().collect(),
        // A soft hyphen: IDNA maps it to nothing.
        (6, _) => format!("\u{ad}{c}"),
        (7, _) => percent(full_width(c), false),
        _ => full_width(c).to_string(),
    };
    chars[..at].iter().collect::<String>() + &middle + &rest
}

/// Every spelling, in a fixed order.
pub fn corpus() -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut hosts: Vec<String> = Vec::new();
    for _ in 0..50 {
        for &addr in ADDRESSES {
            hosts.push(ipv4(addr, &mut rng));
        }
    }
    hosts.extend(NAMES.iter().map(|s| s.to_string()));
    hosts.extend(IPV6.iter().map(|s| s.to_string()));
    for _ in 0..3 {
        for name in NAMES {
            hosts.push(mutate(name, &mut rng));
        }
    }
    for _ in 0..150 {
        let addr = ADDRESSES[rng.below(ADDRESSES.len())];
        let text = ipv4(addr, &mut rng);
        hosts.push(mutate(&text, &mut rng));
    }
    for _ in 0..120 {
        let name = NAMES[rng.below(NAMES.len())];
        let once = mutate(name, &mut rng);
        hosts.push(mutate(&once, &mut rng));
    }
    let mut out = Vec::new();
    for host in &hosts {
        for _ in 0..4 {
            let shape = SHAPES[rng.below(SHAPES.len())];
            out.push(shape.replace("{}", host));
        }
    }
    out.sort();
    out.dedup();
    out
}
