#!/usr/bin/env python3
"""interleave.py ROUNDS "CMD A" "CMD B" ... -- wall time of short commands, interleaved.

Each round runs every command once, in turn (posix_spawn and wait4, stdout and stderr to
/dev/null), so a machine whose speed drifts over minutes slows them all alike; hyperfine
runs one command's runs back to back. Ten warm-up rounds are not counted. Prints, per
command, the median, 25th percentile and minimum wall time, and the median CPU time
(user + system, from wait4).

Used for the example's start-up in BENCHMARKS.md, for instance:
  python3 benches/interleave.py 300 "$OLD -C $OLD_TREE check" "target/release/cfgc check"
"""
import os
import shlex
import statistics
import sys
import time

WARM_UP = 10


def main():
    rounds = int(sys.argv[1])
    commands = [shlex.split(c) for c in sys.argv[2:]]
    devnull = os.open(os.devnull, os.O_WRONLY)
    quiet = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    wall = [[] for _ in commands]
    cpu = [[] for _ in commands]
    for r in range(rounds + WARM_UP):
        for i, argv in enumerate(commands):
            start = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=quiet)
            _, status, usage = os.wait4(pid, 0)
            elapsed = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"interleave.py: `{shlex.join(argv)}` failed")
            if r >= WARM_UP:
                wall[i].append(elapsed)
                cpu[i].append(usage.ru_utime + usage.ru_stime)
    for name, times, used in zip(sys.argv[2:], wall, cpu):
        times.sort()
        print(
            f"{name[-45:]:45} median {statistics.median(times) * 1e3:6.2f} ms"
            f"  p25 {times[len(times) // 4] * 1e3:6.2f}  min {times[0] * 1e3:6.2f}"
            f"  cpu {statistics.median(used) * 1e3:6.2f}"
        )


if __name__ == "__main__":
    main()
