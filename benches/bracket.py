#!/usr/bin/env python3
"""bracket.py ROUNDS "SLOW CMD" "FAST CMD" -- the ratio of a slow command to a fast one, read
within one stretch of the machine's speed.

compare.sh (hyperfine) runs the glue's minutes-long runs, then cfgc's second-long ones: on a
VM whose speed drifts over minutes the ratio is read across the drift. Here each run of the
slow command is bracketed by three runs of the fast one before and three after, and each
round prints the slow time, the fast median and their ratio. Used in BENCHMARKS.md:
  python3 benches/bracket.py 3 "$VENV/python $BENCH/pipeline-batched.py $W" \\
      "target/release/cfgc -C $W/cfgc plan --exit-code"
(with the environment compare.sh sets: PEERS, SOPS_AGE_KEY_FILE, CFGC_AGE_KEY_FILE).
"""
import shlex
import statistics
import subprocess
import sys
import time


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main():
    rounds = int(sys.argv[1])
    slow, fast = shlex.split(sys.argv[2]), shlex.split(sys.argv[3])
    for r in range(rounds):
        before = [timed(fast) for _ in range(3)]
        s = timed(slow)
        after = [timed(fast) for _ in range(3)]
        f = statistics.median(before + after)
        ms = [round(x * 1000) for x in before + after]
        print(f"round {r}: slow {s:.2f} s, fast median {f * 1000:.0f} ms {ms}: {s / f:.0f}x", flush=True)


if __name__ == "__main__":
    main()
