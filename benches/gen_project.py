#!/usr/bin/env python3
"""Generate a cfgc project of ENVS environments x VARS variables (+ SECRETS
encrypted secrets per environment) for benchmarks. Deterministic plain files
(same args, same bytes); the secrets files are encrypted to DIR/key.txt, an age
identity made on the first run (benches/gen_secrets.rs, through the library).
Usage: gen_project.py DIR [ENVS] [VARS] [SECRETS]"""
import json, os, subprocess, sys

out = sys.argv[1]
envs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
nvars = int(sys.argv[3]) if len(sys.argv) > 3 else 200
nsecrets = int(sys.argv[4]) if len(sys.argv) > 4 else 40

os.makedirs(f"{out}/environments", exist_ok=True)
os.makedirs(f"{out}/schema", exist_ok=True)

kinds = ["url", "enum", "int", "duration", "str", "list"]
props, required = {}, []
for i in range(nvars):
    name, kind = f"VAR_{i:03}", kinds[i % len(kinds)]
    if kind == "url":
        props[name] = {"type": "string", "format": "url"}
    elif kind == "enum":
        props[name] = {"enum": ["debug", "info", "warn", "error"]}
    elif kind == "int":
        props[name] = {"type": "integer", "minimum": 1, "maximum": 65535}
    elif kind == "duration":
        props[name] = {"type": "string", "format": "duration"}
    elif kind == "str":
        props[name] = {"type": "string", "pattern": "^[a-z0-9-]+$"}
    else:
        props[name] = {"type": "array", "items": {"type": "string", "format": "url"}}
    required.append(name)
for i in range(nsecrets):
    props[f"SECRET_{i:02}"] = {"type": "string", "x-secret": True}
    required.append(f"SECRET_{i:02}")
url_vars = [n for n, s in props.items() if s.get("format") == "url"]
schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": props,
    "required": required,
    "allOf": [{
        "description": "deployed tiers use https and no localhost",
        "if": {"properties": {"$tier": {"const": "deployed"}}, "required": ["$tier"]},
        "then": {"properties": {n: {"allOf": [{"format": "https-url"}, {"format": "no-localhost"}]} for n in url_vars}},
    }],
}
with open(f"{out}/schema/env.schema.json", "w") as f:
    json.dump(schema, f, indent=1)

def value(i, kind, e):
    return {
        "url": f"https://svc{i}.env{e}.example.com/api",
        "enum": "info",
        "int": str(1000 + i),
        "duration": "15m",
        "str": f"name-{i}-{e}",
        "list": f"\n  - https://a{i}.example.com\n  - https://b{e}.example.com",
    }[kind]

with open(f"{out}/environments/base.yaml", "w") as f:
    for i in range(nvars):
        f.write(f"VAR_{i:03}: {value(i, kinds[i % len(kinds)], 'base')}\n")

secret_files = []
for e in range(envs):
    with open(f"{out}/environments/env{e:04}.yaml", "w") as f:
        for i in range(nvars):
            f.write(f"VAR_{i:03}: {value(i, kinds[i % len(kinds)], e)}\n")
    secret_files.append({
        "path": os.path.abspath(f"{out}/environments/env{e:04}.secrets.yaml"),
        "environment": f"env{e:04}",
        "values": {f"SECRET_{i:02}": f"secret-{e}-{i}-0123456789abcdefghij" for i in range(nsecrets)},
    })

# Secrets files in cfgc's format, through the library (one process for all files).
spec = f"{out}/secrets-spec.json"
with open(spec, "w") as f:
    json.dump({"key_file": os.path.abspath(f"{out}/key.txt"), "files": secret_files}, f)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
recipient = subprocess.run(
    ["cargo", "bench", "--quiet", "--bench", "gen_secrets", "--", "--spec", os.path.abspath(spec)],
    cwd=root, check=True, stdout=subprocess.PIPE, text=True,
).stdout.strip().splitlines()[-1]
os.remove(spec)

lines = ["[project]", 'name = "bench"', 'schema = "schema/env.schema.json"', ""]
for e in range(envs):
    lines += [
        f"[environments.env{e:04}]",
        f'tier = "{"deployed" if e % 2 else "local"}"',
        f'layers = ["environments/base.yaml", "environments/env{e:04}.yaml"]',
        f'secrets = "environments/env{e:04}.secrets.yaml"',
        f'recipients = ["{recipient}"]',
        "",
    ]
with open(f"{out}/cfgc.toml", "w") as f:
    f.write("\n".join(lines))
