#!/usr/bin/env python3
"""Wall time of a command over N runs, process start included, for the benchmark
scripts. Usage: best_of.py N DIR CMD [ARG...]  (runs CMD in DIR, output discarded;
fails unless every run exits 0). Prints `best median worst`, in seconds."""
import statistics, subprocess, sys, time

n, cwd, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for _ in range(n):
    start = time.perf_counter()
    rc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - start)
    if rc != 0:
        sys.exit(f"best_of: `{' '.join(cmd)}` in {cwd} exited {rc}")
print(f"{min(times):.4f} {statistics.median(times):.4f} {max(times):.4f}")
