#!/usr/bin/env python3
"""How much longer a file where most events have a finding takes to validate than a clean one.

Usage: bench-findings-ratio.py DATA_DIR ROUNDS FORMAT BIN [BIN ...]

DATA_DIR holds `clean.jsonl`, `webrtc.jsonl` and `broken.jsonl` as `rtscope-bench --corpora
webrtc,clean,broken` writes them (the same session, 91 MiB each: clean has no finding, webrtc has
findings on about 5 % of its events, broken on nearly every event). In each round, each build
validates clean, webrtc and broken back to back (`validate --format FORMAT -o /dev/null`), so the
runs of a ratio are seconds apart: on a VM whose speed drifts from minute to minute, the median of
per-round ratios moves far less than a ratio of two separately taken medians. Prints per build the
median and range of the per-round broken / clean and broken / webrtc wall ratios, their median CPU
ratios (user + system, all threads), and the median wall, CPU and max RSS of each file.
"""
import os
import statistics
import subprocess
import sys
import time


def run(argv):
    """Wall seconds, CPU seconds and max RSS (KiB) of one run of argv."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    data, rounds, fmt, builds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    files = {name: os.path.join(data, name + ".jsonl") for name in ("clean", "webrtc", "broken")}
    results = {b: [] for b in builds}
    for _ in range(rounds):
        for b in builds:
            one = {}
            for name, path in files.items():
                one[name] = run([b, "validate", "--format", fmt, "-o", "/dev/null", path])
            results[b].append(one)
    med = statistics.median
    for b, rows in results.items():
        line = f"{fmt:5} {b}:"
        for base in ("clean", "webrtc"):
            ratios = sorted(r["broken"][0] / r[base][0] for r in rows)
            cpu = med(r["broken"][1] / r[base][1] for r in rows)
            line += f" broken/{base} per round {med(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f}), CPU {cpu:.2f}x;"
        for name in files:
            wall = med(r[name][0] for r in rows)
            cpus = med(r[name][1] for r in rows)
            rss = med(r[name][2] for r in rows) / 1024
            line += f" | {name} {wall:.3f} s, CPU {cpus:.2f} s, {rss:.0f} MiB"
        print(line)


if __name__ == "__main__":
    main()
