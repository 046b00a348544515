#!/usr/bin/env bash
# issue7.sh [CFGC] [WORKDIR] -- every figure of issue 7's "Speed and memory" targets, in one run:
#   1. the shared compare.sh at 1,000 environments x 200 variables x 40 secrets: `plan --exit-code`,
#      `apply --yes` and `check` against the batched glue and check-jsonschema, interleaved by hyperfine,
#      and plan's peak RSS;
#   2. the same at 100 x 200 x 40 (same V and S: the growth target, 100 -> 1,000);
#   3. peak RSS of `plan` and `check` at both sizes (best of 3, /usr/bin/time);
#   4. the bundled example's `check` and `plan` (hyperfine, 10 warm-ups, 100 runs).
# Defaults: CFGC=target/release/cfgc (build it first: cargo build --release), WORKDIR=/work/bench.
# The workloads are generated on first use (a few minutes each) and reused: WORKDIR/n1000 and
# WORKDIR/growth/n100. PEERS (default ~/.cache/cfgc-bench) holds the glue's tools and the age key.
# The machine may be shared: the script prints the load average before and after; compare the ratios
# within one run, not absolute times across runs.
set -eu
cd "$(dirname "$0")/.."
CFGC=$(readlink -f "${1:-target/release/cfgc}")
WD=${2:-/work/bench}
COMPARE=${COMPARE:-../shared/bench/compare.sh}
[ -f "$COMPARE" ] || COMPARE=/work/shared/bench/compare.sh
export PEERS=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/cfgc-bench}
export CFGC_AGE_KEY_FILE=$PEERS/keys/key.txt
[ -x "$CFGC" ] || { echo "no $CFGC: run cargo build --release" >&2; exit 2; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB; $(. /etc/os-release && echo "$PRETTY_NAME"); $(rustc --version)"
echo "cfgc: $CFGC ($(git rev-parse --short HEAD 2>/dev/null || echo '?')); $(date -u +%F)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The workloads' secrets hold `$` before letters ("characters that need escaping in a .env
# file", gen.py), which the `dotenv` format refuses since it also serves dotenv-expand
# (issue 9). Nothing expands the workload's .env (the glue writes it literally), so its
# output is declared `dotenv-literal`: generated here as compare.sh would, then switched.
H=$(dirname "$COMPARE"); L=${BENCH_VENV:-$PEERS/venv-bench-lean}/bin
[ -x "$PEERS/venv/bin/sops" ] || bash "$H/setup.sh" >/dev/null
for spec in "$WD/n1000 1000" "$WD/growth/n100 100"; do
  set -- $spec
  [ -f "$1/schema.json" ] || "$L/python" "$H/gen.py" "$2" 200 40 "$1" >/dev/null
  [ -f "$1/cfgc/cfgc.toml" ] || "$L/python" "$H/mkproject.py" "$1" "$CFGC" >/dev/null
  sed -i 's/^format = "dotenv"$/format = "dotenv-literal"/' "$1/cfgc/cfgc.toml"
done

bash "$COMPARE" "$CFGC" "$WD" "1000,200,40"
bash "$COMPARE" "$CFGC" "$WD/growth" "100,200,40"

# Peak RSS in MiB, best of 3 (RSS hardly varies; the best drops a run disturbed by the machine).
rss() { for _ in 1 2 3; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | head -1 | awk '{printf "%.1f", $1/1024}'; }
for w in "$WD/n1000/cfgc" "$WD/growth/n100/cfgc"; do
  echo "peak RSS $(basename "$(dirname "$w")"): plan $(rss "$CFGC" -C "$w" plan) MiB, check $(rss "$CFGC" -C "$w" check) MiB"
done

# The example finds its own development key (cfgc.toml); the workloads' key is not its.
env -u CFGC_AGE_KEY_FILE hyperfine -N -w 10 -r 100 "$CFGC check" "$CFGC plan" 2>/dev/null | grep -E 'Benchmark|Time|Range'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
