#!/usr/bin/env python3
"""store.py [CFGC] -- the release loop's two timed claims (issue 21), against the Secret
Manager fake (tests/fakes/gcp_secret_manager.py) with 50 ms of latency on every API request:

  push:   120 changed secrets pushed by `cfgc secrets push prod --yes`   (aim: at most 2 s)
  status: `cfgc secrets status prod` over 1,000 secrets                 (aim: at most 2 s)

Each is run 3 times and every time printed. A scratch project is made in a temp folder (a key
from age-keygen, the values written through `cfgc secrets edit` with a scripted EDITOR), so
the setup is not timed. CFGC defaults to target/release/cfgc, else target/debug/cfgc; the fake
runs with target/test-venv's python (made by scripts/test).

    python3 benches/store.py
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = os.path.join(ROOT, "target/test-venv/bin/python3")
LATENCY_MS = int(os.environ.get("LATENCY_MS", "50"))


def cfgc_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "cfgc")
        if os.path.exists(path):
            return path
    sys.exit("build cfgc first: cargo build --release")


def start_fake():
    fake = subprocess.Popen(
        [PYTHON, os.path.join(ROOT, "tests/fakes/gcp_secret_manager.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    url = fake.stdout.readline().strip().removeprefix("listening on ")
    return fake, url


def admin(url, path, body):
    req = urllib.request.Request(f"{url}/_fake/{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")


def make_project(dir, n, url):
    subprocess.run(["age-keygen", "-o", f"{dir}/key.txt"], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", f"{dir}/key.txt"], check=True,
                            capture_output=True, text=True).stdout.strip()
    os.makedirs(f"{dir}/p/environments")
    os.makedirs(f"{dir}/p/schema")
    names = [f"SECRET_{i:04d}" for i in range(n)]
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {k: {"type": "string", "x-secret": True} for k in names}}
    open(f"{dir}/p/schema/env.schema.json", "w").write(json.dumps(schema))
    open(f"{dir}/p/environments/prod.yaml", "w").write("{}\n")
    open(f"{dir}/p/cfgc.toml", "w").write(f"""[project]
name = "bench"
schema = "schema/env.schema.json"

[environments.prod]
tier = "deployed"
layers = ["environments/prod.yaml"]
secrets = "environments/prod.secrets.yaml"
recipients = ["{public}"]
store = {{ kind = "gcp-secret-manager", project = "bench" }}
""")
    sa = admin(url, "service-account", {})
    open(f"{dir}/sa.json", "w").write(json.dumps(sa))
    env = dict(os.environ, CFGC_AGE_KEY_FILE=f"{dir}/key.txt",
               GOOGLE_APPLICATION_CREDENTIALS=f"{dir}/sa.json",
               CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER=url)
    env.pop("CI", None)
    return names, env


def set_all(cfgc, dir, names, round, env):
    """Every value changed at once, through `secrets edit` with a scripted editor."""
    values = "".join(f"{k}: value-{round}-{k}-0123456789\n" for k in names)
    open(f"{dir}/values.yaml", "w").write(values)
    script = f"{dir}/editor.sh"
    open(script, "w").write(f"#!/bin/sh\ncp {dir}/values.yaml \"$1\"\n")
    os.chmod(script, 0o755)
    subprocess.run([cfgc, "-C", f"{dir}/p", "secrets", "edit", "prod"], check=True,
                   env=dict(env, EDITOR=script, VISUAL=script), capture_output=True)


def timed(argv, env):
    start = time.perf_counter()
    before = os.times()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = os.times()
    if os.environ.get("SHOW_CPU"):
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        print(f"  cfgc CPU {cpu:.2f} s of {elapsed:.2f} s")
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def bench(cfgc, n, what):
    fake, url = start_fake()
    try:
        with tempfile.TemporaryDirectory() as dir:
            names, env = make_project(dir, n, url)
            set_all(cfgc, dir, names, 0, env)
            timed([cfgc, "-C", f"{dir}/p", "secrets", "push", "prod", "--yes", "--create", "-q"], env)
            admin(url, "latency", {"ms": LATENCY_MS})
            times = []
            for round in range(1, 4):
                if what == "push":
                    set_all(cfgc, dir, names, round, env)
                    argv = [cfgc, "-C", f"{dir}/p", "secrets", "push", "prod", "--yes", "-q"]
                else:
                    argv = [cfgc, "-C", f"{dir}/p", "secrets", "status", "prod", "-q"]
                times.append(timed(argv, env))
            shown = ", ".join(f"{t:.2f} s" for t in times)
            print(f"{what}: {n} secrets, {LATENCY_MS} ms per request: {shown} (best {min(times):.2f} s)")
    finally:
        fake.kill()
        fake.wait()


def main():
    cfgc = cfgc_path()
    print(f"cfgc: {cfgc}")
    bench(cfgc, 120, "push")
    bench(cfgc, 1000, "status")


if __name__ == "__main__":
    main()
