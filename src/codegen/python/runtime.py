# ---------------------------------------------------------------------------------------
# The loader: the same for every project; what is above is this project's.
#
# Hosts, read as cfgc's `loopback` module reads them: by Ada (`ada-url`), the WHATWG URL
# parser Node's `URL` uses, as cfgc's `url` crate does.


_SPECIAL = ("http", "https", "ws", "wss", "ftp", "file")
_BREAKS = "\t\n\r"


def _clean(item: str) -> str:
    item = item.strip("".join(chr(c) for c in range(0x21)))
    return "".join(c for c in item if c not in _BREAKS)


def _without_zone(text: str) -> str:
    open_ = text.find("[")
    if open_ < 0:
        return text
    close = text.find("]", open_)
    if close < 0:
        return text
    zone = text.find("%", open_, close)
    return text if zone < 0 else text[:zone] + text[close:]


def _bare_ipv6(text: str):
    try:
        return _ipaddress.IPv6Address(text.split("%")[0])
    except ValueError:
        return None


def _scheme(text: str):
    scheme, sep, rest = text.partition(":")
    ok = sep and scheme[:1].isascii() and scheme[:1].isalpha() and all(
        c.isascii() and (c.isalnum() or c in "+-.") for c in scheme
    )
    return (scheme, rest) if ok else None


def _host(url: str):
    try:
        parsed = _ada.URL(url)
    except ValueError:
        return None
    return parsed.hostname or None


def _named_host(authority: str):
    end = min([i for i in (authority.find(c) for c in "/?#\\") if i >= 0], default=len(authority))
    authority = authority[:end]
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("[") and "]" in host_port:
        host = host_port[: host_port.index("]") + 1]
    else:
        host = host_port.split(":")[0]
    return _host("http://" + host) if host else None


def _host_of(item: str):
    text = _without_zone(_clean(item))
    if not text:
        return None
    ip = _bare_ipv6(text)
    if ip is not None:
        return "[" + str(ip) + "]"
    found = _scheme(text)
    if found and found[0].lower() in _SPECIAL:
        url, authority = text, found[1].lstrip("/\\")
    elif found and found[1].startswith("//"):
        url, authority = "http:" + found[1], found[1][2:]
    else:
        url, authority = "http://" + text, text
    if _ada.check_url(url):
        return _host(url)
    return _named_host(authority)


def _is_local_host(host: str) -> bool:
    if host.startswith("["):
        ip = _ipaddress.IPv6Address(host[1:-1])
        v4 = ip.ipv4_mapped or (ip.packed[:12] == bytes(12) and _ipaddress.IPv4Address(ip.packed[12:]))
        return ip.is_loopback or ip == _ipaddress.IPv6Address("::") or bool(
            v4 and (v4.is_loopback or int(v4) == 0)
        )
    try:
        v4 = _ipaddress.IPv4Address(host)
        return v4.is_loopback or int(v4) == 0
    except ValueError:
        name = host.lower().removesuffix(".")
        return name == "localhost" or name.endswith(".localhost")


def _is_local(item: str) -> bool:
    host = _host_of(item)
    return host is not None and _is_local_host(host)


def _any_item(s: str, test) -> bool:
    joined = "".join(c for c in s if c not in _BREAKS)
    items = _re.split("[, ]", joined)
    if any(c in s for c in _BREAKS):
        items += _re.split("[, \t\n\r]", s)
    return any(test(i) for i in items if i)


def names_local(s: str) -> bool:
    """Whether a value names this machine anywhere (cfgc's `loopback` rule)."""
    return _any_item(s, _is_local)


def _is_plain_http(item: str) -> bool:
    return _ada.check_url(item) and _ada.URL(item).protocol == "http:"


def is_plain_http(s: str) -> bool:
    """Whether a value holds a plain http URL (cfgc's `plain-http` rule)."""
    return _any_item(s, _is_plain_http)

# --- cfgc runtime: the model's checks, read as `cfgc check` reads them ---

_JSON_NUMBER = _re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_INTEGER = _re.compile(r"-?(?:0|[1-9][0-9]*)")
_DURATION = _re.compile(r"(?:[0-9]+(?:ms|s|m|h|d|w))+")
_PORT = _re.compile(r"\+?[0-9]+")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = _re.compile(_OCTET + r"(?:\." + _OCTET + r"){3}")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = _re.compile(_ATOM + r"(?:\." + _ATOM + r")*")
_LABEL = _re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# ECMA-262's \s: its white space and line terminators.
_ECMA_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"


class _Bad(Exception):
    """Why a value fails, in words that never repeat the value."""


def _parse_scalar(kind: str, text: str):
    if kind == "string":
        return text
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise _Bad("is not `true` or `false`")
    value = float(text) if _JSON_NUMBER.fullmatch(text) else _math.nan
    if not _math.isfinite(value):
        raise _Bad("is not a number")
    if kind == "integer":
        # Digits alone: cfgc refuses a float where the schema wants an integer, even a
        # whole one (`4.0`, `8.08e3`), so that a value renders as it was written.
        if not _INTEGER.fullmatch(text):
            raise _Bad("is not an integer (digits alone, without `.` or an exponent)")
        return int(text)
    return value


def parse(ty: dict, text: str):
    """The typed value of a variable's text, as `cfgc exec` wrote it (lists joined by `,`)."""
    if ty["kind"] != "list":
        return _parse_scalar(ty["item"], text)
    items = []
    for n, item in enumerate(text.split(",") if text else []):
        try:
            items.append(_parse_scalar(ty["item"], item))
        except _Bad as e:
            raise _Bad(f"item {n + 1}: {e}") from None
    return items


def _hostname(s: str) -> bool:
    if not s or len(s) > 253 or s.endswith("."):
        return False
    return all(
        _LABEL.fullmatch(label) and not (len(label) >= 4 and label[2:4] == "--")
        for label in s.split(".")
    )


def _email(s: str) -> bool:
    local, at, domain = s.rpartition("@")
    return bool(local) and len(local) <= 64 and bool(_DOT_ATOM.fullmatch(local)) and _hostname(domain)


def _url_host(s: str):
    if not _ada.check_url(s):
        return None
    return _ada.URL(s)


def _format_problem(fmt: str, s: str):
    if fmt in ("url", "https-url"):
        url = _url_host(s)
        ok = url is not None and bool(url.hostname)
        ok = ok and (fmt == "url" or url.protocol == "https:")
        return None if ok else _FORMAT_WORDS[fmt]
    ok = {
        "no-localhost": lambda: not names_local(s),
        "duration": lambda: bool(_DURATION.fullmatch(s)),
        "port": lambda: bool(_PORT.fullmatch(s)) and not s.startswith("0") and 1 <= int(s) <= 65535,
        "email": lambda: _email(s),
        "hostname": lambda: _hostname(s),
        "ipv4": lambda: bool(_IPV4.fullmatch(s)),
    }[fmt]()
    return None if ok else _FORMAT_WORDS[fmt]


_FORMAT_WORDS = {
    "url": "is not an absolute URL with a host",
    "https-url": "is not an `https://` URL",
    "no-localhost": "is not a host or URL that is not this machine (localhost, 127.0.0.0/8, ::1, 0.0.0.0, ::)",
    "duration": "is not a duration such as `15m` or `1h30m` (units ms, s, m, h, d, w)",
    "port": "is not a TCP port from 1 to 65535",
    "email": "is not an email address",
    "hostname": "is not a hostname",
    "ipv4": "is not an IPv4 address",
}


def ecma_pattern(source: str):
    """An ECMA-262 pattern of the model's subset as Python's `re` reads the same text."""
    out, i, in_class = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            e = source[i + 1]
            i += 2
            table = {
                "d": "0-9", "w": "A-Za-z0-9_", "s": _ECMA_SPACE,
            }
            if e in table:
                out.append(table[e] if in_class else "[" + table[e] + "]")
            elif e in "DWS":
                if in_class:
                    raise ValueError("a negated class escape inside a class")
                out.append("[^" + table[e.lower()] + "]")
            elif e == "v":
                out.append("\\x0b")
            else:
                out.append("\\" + e)
            continue
        if in_class:
            in_class = c != "]"
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if source[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
        elif c == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
        elif c == "$":
            out.append("\\Z")
        else:
            out.append(c)
        i += 1
    return _re.compile("".join(out))


_PATTERNS: dict = {}


def _pattern(source: str):
    if source not in _PATTERNS:
        _PATTERNS[source] = ecma_pattern(source)
    return _PATTERNS[source]


def _number_problems(checks: dict, v) -> list:
    out = []
    if "minimum" in checks and v < checks["minimum"]:
        out.append(f"is below the minimum {_json(checks['minimum'])}")
    if "maximum" in checks and v > checks["maximum"]:
        out.append(f"is above the maximum {_json(checks['maximum'])}")
    if "exclusiveMinimum" in checks and v <= checks["exclusiveMinimum"]:
        out.append(f"is not above {_json(checks['exclusiveMinimum'])}")
    if "exclusiveMaximum" in checks and v >= checks["exclusiveMaximum"]:
        out.append(f"is not below {_json(checks['exclusiveMaximum'])}")
    return out


def _string_problems(checks: dict, v: str) -> list:
    out = []
    if "minLength" in checks and len(v) < checks["minLength"]:
        out.append(f"is shorter than {checks['minLength']} character(s)")
    if "maxLength" in checks and len(v) > checks["maxLength"]:
        out.append(f"is longer than {checks['maxLength']} character(s)")
    if "pattern" in checks and not _pattern(checks["pattern"]).search(v):
        out.append(f"does not match the pattern {_json(checks['pattern'])}")
    if "format" in checks:
        why = _format_problem(checks["format"], v)
        if why:
            out.append(why)
    return out


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def problems(checks: dict, v) -> list:
    """Every check of `checks` that the typed value `v` fails, in words."""
    out = []
    if isinstance(v, list):
        if "minItems" in checks and len(v) < checks["minItems"]:
            out.append(f"has fewer than {checks['minItems']} item(s)")
        if "maxItems" in checks and len(v) > checks["maxItems"]:
            out.append(f"has more than {checks['maxItems']} item(s)")
        if checks.get("uniqueItems") and len({_json(i) for i in v}) != len(v):
            out.append("has an item twice")
        for n, item in enumerate(v):
            out += [f"item {n + 1} {w}" for w in problems(checks.get("items") or {}, item)]
        return out
    if "enum" in checks and not any(_same(v, a) for a in checks["enum"]):
        out.append("is not one of the allowed values (" + ", ".join(_json(a) for a in checks["enum"]) + ")")
    if isinstance(v, bool):
        pass
    elif isinstance(v, (int, float)):
        out += _number_problems(checks, v)
    elif isinstance(v, str):
        out += _string_problems(checks, v)
    return out


def _json(v) -> str:
    return _jsonlib.dumps(v, ensure_ascii=False)

# --- cfgc runtime: one environment, as `cfgc check` judges it ---


def _holds(test: dict, env: dict, values: dict) -> bool:
    subject = test["subject"]
    if subject["kind"] == "env":
        value = env["name"]
    elif subject["kind"] == "tier":
        value = env["tier"]
    elif subject["name"] in values:
        value = values[subject["name"]]
    else:
        return test["if_absent"]
    return test["values"] is None or any(_same(value, a) for a in test["values"])


def _guardrails(env: dict, var: dict, text: str, malformed: bool, found: list) -> None:
    """A deployed tier's built-in rules, on every string of a non-secret variable, as
    `cfgc check` reads them: a number or boolean is not a string, unless it is not of its
    type (then `cfgc check` holds a string)."""
    rules = env["deployed"]
    if rules is None or var["secret"] or (var["ty"]["item"] != "string" and not malformed):
        return
    name, tier = var["name"], env["tier"]
    strings = text.split(",") if var["ty"]["kind"] == "list" else [text]
    if name not in rules["loopbackAllowed"] and any(names_local(s) for s in strings):
        found.append((name, f"points at a loopback or unspecified host in the deployed tier `{tier}`"))
    if name not in rules["plainHttpAllowed"] and any(is_plain_http(s) for s in strings):
        found.append((name, f"is a plain http URL in the deployed tier `{tier}`"))


def _checked(var: dict, checks: dict, value, found: list, why: str = "") -> None:
    words = problems(checks, value)
    if words and var["secret"]:
        # Which rule a secret breaks, and how, would tell something about its value (as
        # `cfgc check` names no rule for a decrypted value): one finding, no rule.
        found.append((var["name"], "does not satisfy the schema (its rules are not named: it is a secret)"))
        return
    found += [(var["name"], w + why) for w in words]


_UNKNOWN = (
    "names no environment of this project; set it to one of "
    + ", ".join(e["name"] for e in MODEL["environments"])
    + " (`cfgc exec ENV -- …` sets it)"
)


def check_environment(texts_in: Mapping, env_name) -> tuple:
    """The typed values of the app's variables in the environment `env_name`, and every
    problem found as (variable, words): never a value."""
    envs = {e["name"]: e for e in MODEL["environments"]}
    if not env_name:
        return {}, [(ENV_VARIABLE, _UNKNOWN)]
    if env_name not in envs:
        return {}, [(ENV_VARIABLE, _UNKNOWN)]
    env = envs[env_name]
    found: list = []
    # Each set variable's value as parsed, or its text where it is not of its type (a
    # rule's `if` then compares the text, as `cfgc check` compares the string it holds).
    values, typed, malformed = {}, {}, set()
    for var in MODEL["variables"]:
        name = var["name"]
        text = texts_in.get(name)
        if text is None:
            text = var.get("default")
        if text is None:
            if var["required"]:
                found.append((name, "is required but not set"))
            continue
        try:
            value = parse(var["ty"], text)
        except _Bad as e:
            _guardrails(env, var, text, True, found)
            found.append((name, str(e)))
            values[name] = text
            malformed.add(name)
            continue
        _guardrails(env, var, text, False, found)
        values[name] = typed[name] = value
        _checked(var, var["checks"], value, found)
    by_name = {v["name"]: v for v in MODEL["variables"]}
    for rule in MODEL["rules"]:
        if not all(_holds(t, env, values) for t in rule["when"]):
            continue
        why = f" ({rule['description'] or 'schema rule ' + rule['pointer']})"
        for name in rule["then"]["required"]:
            if name not in values:
                found.append((name, "is required in this environment" + why))
        for name, checks in rule["then"]["checks"]:
            if name in typed:
                _checked(by_name[name], checks, typed[name], found, why)
    return typed, found


class ConfigError(Exception):
    """The environment does not satisfy the schema: every problem, by variable, no value."""

    def __init__(self, env_name, found: list):
        self.environment = env_name
        self.problems = list(found)
        where = f" for the environment `{env_name}`" if env_name else ""
        lines = "".join(f"\n  - {name}: {words}" for name, words in self.problems)
        super().__init__(f"invalid configuration{where} ({len(self.problems)} problem(s)):{lines}")
