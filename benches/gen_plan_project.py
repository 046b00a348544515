#!/usr/bin/env python3
"""Generate the `cfgc plan` benchmark project: ENVS environments shaped like the bundled
TaskPilot example, each with its 3 outputs (nginx.conf, cloudbuild.yaml, .env) and 40
encrypted secrets, all decryptable with one age identity (DIR/key.txt, made on the first run).

The example's schema, templates, outputs and policies are reused as they are, with two
changes: 32 more secrets (`EXTRA_SECRET_00`..`31`, besides the example's 8) and the
cloudbuild output enabled in every environment. Every environment is `deployed` (the
strictest rules and the nginx policy apply), with its own domain, project and keys.

For the glue-script baseline (benches/plan_baseline.py) it also writes, per environment,
the plaintext secrets as YAML under DIR/baseline/plain/ (for `sops encrypt`).

Usage: gen_plan_project.py DIR [ENVS]"""
import hashlib, json, os, re, shutil, subprocess, sys

out = sys.argv[1]
envs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTRA = 32

os.makedirs(f"{out}/environments", exist_ok=True)
os.makedirs(f"{out}/schema", exist_ok=True)
os.makedirs(f"{out}/baseline/plain", exist_ok=True)
shutil.copytree(f"{root}/templates", f"{out}/templates", dirs_exist_ok=True)

# The example's schema, with 32 more secrets.
with open(f"{root}/schema/env.schema.json") as f:
    schema = json.load(f)
for i in range(EXTRA):
    schema["properties"][f"EXTRA_SECRET_{i:02}"] = {
        "description": "Benchmark filler secret.",
        "type": "string",
        "minLength": 16,
        "x-secret": True,
    }
    schema["required"].append(f"EXTRA_SECRET_{i:02}")
with open(f"{out}/schema/env.schema.json", "w") as f:
    json.dump(schema, f, indent=1)
secret_names = sorted(n for n, p in schema["properties"].items() if p.get("x-secret"))
assert len(secret_names) == 40, secret_names

# The example's base layer, with a Secret Manager version for every secret (the
# cloudbuild template pins each one).
with open(f"{root}/environments/base.yaml") as f:
    base = f.read()
base += "SECRET_VERSIONS:\n" + "".join(f"  {n}: {1 + i % 3}\n" for i, n in enumerate(secret_names))
with open(f"{out}/environments/base.yaml", "w") as f:
    f.write(base)


def h(e, name, n):
    """Deterministic filler of n hex digits."""
    return hashlib.sha256(f"{e}/{name}".encode()).hexdigest()[:n]


def secrets_of(e):
    name = f"env{e:04}"
    values = {
        "DATABASE_URL": f"postgresql://app:{h(e, 'db', 24)}@db.{name}.example.com:5432/taskpilot",
        "JWT_SECRET": h(e, "jwt", 48),
        "COMPOSIO_API_KEY": "cmp_" + h(e, "composio", 32),
        "KLAVIS_API_KEY": "klv_" + h(e, "klavis", 32),
        "OPENROUTER_API_KEY": "sk-or-v1-" + h(e, "openrouter", 48),
        "CLAUDE_API_KEY": "sk-ant-api03-" + h(e, "claude", 48),
        "AWS_ACCESS_KEY_ID": "AKIA" + h(e, "akid", 16).upper(),
        "AWS_SECRET_ACCESS_KEY": h(e, "aws", 40),
    }
    for i in range(EXTRA):
        values[f"EXTRA_SECRET_{i:02}"] = h(e, f"extra{i}", 40)
    assert sorted(values) == secret_names
    return values


secret_files = []
for e in range(envs):
    name = f"env{e:04}"
    domain = f"app.{name}.example.com"
    with open(f"{out}/environments/{name}.yaml", "w") as f:
        f.write(f"""# Generated: one deployed TaskPilot environment.
NODE_ENV: production
FRONTEND_URL: https://{domain}
API_BASE_URL: https://{domain}
PUBLIC_DOMAIN: {domain}
CORS_ALLOWED_ORIGINS:
  - https://{domain}
  - https://www.{name}.example.com
TLS_CERTIFICATE_PATH: /etc/letsencrypt/live/{domain}/fullchain.pem
TLS_CERTIFICATE_KEY_PATH: /etc/letsencrypt/live/{domain}/privkey.pem
SENTRY_DSN: https://{h(e, "sentry", 16)}@o450000.ingest.sentry.io/{4500000 + e}
GCP_PROJECT_NUMBER: "{100000000000 + e}"
GCP_PROJECT_ID: taskpilot-{name}
CLOUD_RUN_SERVICE: taskpilot-{name}
IMAGE_REPOSITORY: europe-west1-docker.pkg.dev/taskpilot-{name}/taskpilot/api
CLOUD_RUN_MIN_INSTANCES: 1
CLOUD_RUN_MAX_INSTANCES: 20
""")
    values = secrets_of(e)
    secret_files.append({
        "path": os.path.abspath(f"{out}/environments/{name}.secrets.yaml"),
        "environment": name,
        "values": values,
    })
    with open(f"{out}/baseline/plain/{name}.yaml", "w") as f:
        f.write("".join(f"{k}: {json.dumps(v)}\n" for k, v in values.items()))

# cfgc's secrets files, through the library (one process for all files).
spec = f"{out}/secrets-spec.json"
with open(spec, "w") as f:
    json.dump({"key_file": os.path.abspath(f"{out}/key.txt"), "files": secret_files}, f)
recipient = subprocess.run(
    ["cargo", "bench", "--quiet", "--bench", "gen_secrets", "--", "--spec", os.path.abspath(spec)],
    cwd=root, check=True, stdout=subprocess.PIPE, text=True,
).stdout.strip().splitlines()[-1]
os.remove(spec)

# The example's outputs and policies, the cloudbuild output in every environment.
with open(f"{root}/cfgc.toml") as f:
    example = f.read()
tail = example[example.index("[outputs."):]
tail = re.sub(r"(?m)^environments = \[.*\]\n", "", tail)
lines = ["[project]", 'name = "plan-bench"', 'schema = "schema/env.schema.json"', ""]
for e in range(envs):
    name = f"env{e:04}"
    lines += [
        f"[environments.{name}]",
        'tier = "deployed"',
        f'layers = ["environments/base.yaml", "environments/{name}.yaml"]',
        f'secrets = "environments/{name}.secrets.yaml"',
        f'recipients = ["{recipient}"]',
        "",
    ]
with open(f"{out}/cfgc.toml", "w") as f:
    f.write("\n".join(lines) + "\n" + tail)
