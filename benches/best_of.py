#!/usr/bin/env python3
"""Best-of-N wall time of a command, process start included, for the benchmark
scripts. Usage: best_of.py N DIR CMD [ARG...]  (runs CMD in DIR, output discarded;
fails unless every run exits 0). Prints the best time in seconds and, on stderr,
the median and worst."""
import statistics, subprocess, sys, time

n, cwd, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(n):
    start = time.perf_counter()
    rc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - start)
    if rc != 0:
        sys.exit(f"best_of: `{' '.join(cmd)}` in {cwd} exited {rc}")
print(f"{min(times):.4f}")
print(f"  (best of {n}: {min(times):.4f} s, median {statistics.median(times):.4f} s, worst {max(times):.4f} s)", file=sys.stderr)
