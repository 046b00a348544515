#!/usr/bin/env bash
# Benchmark `cfgc check` on generated projects (release build), and show how
# it grows with the number of environments. Rerun: bash benches/check.sh
#
# Projects: benches/gen_project.py, N environments x 200 variables (two layers each,
# URL/enum/int/duration/pattern/list checks, an if/then rule on the tier) + 40 secrets per
# environment in cfgc's encrypted format. `check` runs keyless (secret names only, what CI
# does); the last line adds `--identity` (every value decrypted and checked too).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/cfgc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for envs in 250 500 1000; do
  python3 benches/gen_project.py "$work/p$envs" "$envs" 200 40
done
# One line: LABEL, then best of N wall-clock runs (median and worst alongside).
row() {
  local label=$1 n=$2 b m w
  shift
  read -r b m w < <(python3 benches/best_of.py "$@")
  printf '%-66s %.4f s  (best of %d; median %.4f, worst %.4f)\n' "$label" "$b" "$n" "$m" "$w"
}
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); cfgc $(git rev-parse --short HEAD)"
for envs in 250 500 1000; do
  row "check, $envs environments x 200 variables:" 5 "$work/p$envs" "$bin" check
done
row "check, 1000 environments, --identity (40 values decrypted each):" 5 "$work/p1000" "$bin" --identity key.txt check
row "check, bundled TaskPilot example:" 20 "$PWD" "$bin" check
