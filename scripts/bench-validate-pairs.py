#!/usr/bin/env python3
"""Times `rtscope validate` of two builds against `jq -c .event.type` in paired rounds.

Usage: bench-validate-pairs.py AFTER_BIN BEFORE_BIN DATA_DIR [ROUNDS]

DATA_DIR holds the corpora `rtscope-bench` writes (small, webrtc, clean, voice, mixed, broken .jsonl).
Each round runs the after build, jq and the before build back to back on the same file, so a ratio
is taken between runs seconds apart: on a VM whose speed drifts from minute to minute, the median of
the per-round ratios moves far less than a ratio of two separately taken bests. Prints, per corpus
and output format, the median wall seconds and the median (and range) of jq / rtscope per round,
in wall time and in CPU time (user + system of the child, all threads). Output goes to /dev/null.
"""
import os
import resource
import statistics
import subprocess
import sys
import time

CASES = [
    ("small", ["--format", "json"]),
    ("webrtc", ["--format", "json"]),
    ("webrtc", []),
    ("clean", ["--format", "json"]),
    ("voice", ["--format", "json"]),
    ("mixed", ["--format", "json"]),
    ("broken", ["--format", "json"]),
    ("broken", []),
]


def run(argv):
    """Wall and CPU seconds of one run of argv."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    after_bin, before_bin, data = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    med = statistics.median
    for corpus, extra in CASES:
        path = os.path.join(data, corpus + ".jsonl")
        if not os.path.exists(path):
            continue
        commands = {
            "after": [after_bin, "validate", "-o", "/dev/null", *extra, path],
            "jq": ["jq", "-c", ".event.type", path],
            "before": [before_bin, "validate", "-o", "/dev/null", *extra, path],
        }
        times = {name: [] for name in commands}
        for _ in range(rounds):
            for name in ("after", "jq", "before"):
                times[name].append(run(commands[name]))

        def ratios(name, index):
            return [j[index] / r[index] for r, j in zip(times[name], times["jq"])]

        line = f"{corpus:7} {' '.join(extra) or 'text':14}"
        for name in ("after", "before"):
            wall, cpu = ratios(name, 0), ratios(name, 1)
            line += (
                f" | {name} {med([t[0] for t in times[name]]):.3f} s, jq/{name} {med(wall):.1f}x"
                f" ({min(wall):.1f}-{max(wall):.1f}), CPU {med(cpu):.1f}x"
            )
        line += f" | jq {med([t[0] for t in times['jq']]):.3f} s"
        print(line, flush=True)


if __name__ == "__main__":
    main()
