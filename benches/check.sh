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
best() { python3 benches/best_of.py "$@"; }
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); cfgc $(git rev-parse --short HEAD)"
for envs in 250 500 1000; do
  printf 'check, %4d environments x 200 variables: %.3f s (best of 5)\n' "$envs" "$(best 5 "$work/p$envs" "$bin" check)"
done
printf 'check, 1000 environments, --identity (40 values decrypted each): %.3f s (best of 5)\n' \
  "$(best 5 "$work/p1000" "$bin" --identity key.txt check)"
printf 'check, bundled TaskPilot example:           %.4f s (best of 20)\n' "$(best 20 "$PWD" "$bin" check)"
