#!/usr/bin/env bash
# Benchmark `cfgc check` on generated projects (release build), and show how
# it grows with the number of environments. Rerun: bash benches/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/cfgc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for envs in 250 500 1000; do
  python3 benches/gen_project.py "$work/p$envs" "$envs" 200 40
done
run() { # best of N wall-clock runs, in seconds
  local dir=$1 n=$2 best=999
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s.%N); (cd "$dir" && "$bin" check >/dev/null); e=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $e - $s))")
  done
  echo "$best"
}
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for envs in 250 500 1000; do
  printf 'check, %4d environments x 200 variables: %.3f s (best of 5)\n' "$envs" "$(run "$work/p$envs" 5)"
done
printf 'check, bundled TaskPilot example:           %.4f s (best of 20)\n' "$(run "$PWD" 20)"
