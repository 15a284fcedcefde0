#!/usr/bin/env python3
"""Times `rtscope view` in a real terminal (tmux): first screen, whole file read, memory.

Usage: python3 scripts/bench-view.py RTSCOPE FILE [FILE...]

For each file: starts `rtscope view FILE` in a detached 120x40 tmux pane, polls the pane every
10 ms until the header shows the event count (the first screen), then until the header's
"reading N%" progress is gone (everything indexed and validated), and reads the process's peak
RSS (VmHWM) from /proc. Prints a Markdown table. Needs tmux.
"""
import os
import subprocess
import sys
import time

SOCKET = f"rtscope-bench-{os.getpid()}"
RUN = [0]


def socket_name():
    return f"{SOCKET}-{RUN[0]}"


def tmux(*args):
    return subprocess.run(["tmux", "-L", socket_name(), "-f", "/dev/null", *args], capture_output=True, text=True)


def pane():
    return tmux("capture-pane", "-p", "-t", "bench").stdout


def pid_of_view():
    out = tmux("list-panes", "-t", "bench", "-F", "#{pane_pid}").stdout.strip()
    return int(out) if out else None


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None


def start_server():
    # An undaemonized server started as a shell background job: on this machine a daemonizing
    # `tmux new-session -d` exits at once ("server exited unexpectedly").
    RUN[0] += 1
    subprocess.run(f"tmux -D -L {socket_name()} -f /dev/null </dev/null >/dev/null 2>&1 &", shell=True)
    for _ in range(200):
        probe = tmux("list-sessions")
        if "error connecting" not in probe.stderr and "no server" not in probe.stderr:
            return
        time.sleep(0.02)


def measure(rtscope, path):
    start_server()
    start = time.monotonic()
    tmux("new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", f"exec {rtscope} view {path}")
    first = full = None
    while time.monotonic() - start < 120:
        text = pane()
        header = text.splitlines()[0] if text else ""
        if first is None and " events " in header:
            first = time.monotonic() - start
        if first is not None and "reading" not in header:
            full = time.monotonic() - start
            break
        time.sleep(0.01)
    pid = pid_of_view()
    rss = peak_rss_kib(pid) if pid else None
    server = tmux("display-message", "-p", "#{pid}").stdout.strip()
    tmux("kill-server")
    if server.isdigit():
        try:
            os.kill(int(server), 9)
        except OSError:
            pass
    return first, full, rss


def main():
    rtscope, files = sys.argv[1], sys.argv[2:]
    print("| file | size | first screen | whole file read | peak RSS |")
    print("| --- | --- | --- | --- | --- |")
    for path in files:
        first, full, rss = measure(rtscope, path)
        size = os.path.getsize(path) / (1 << 20)
        fmt = lambda v: f"{v:.2f} s" if v is not None else "timeout"
        print(f"| {os.path.basename(path)} | {size:.0f} MiB | {fmt(first)} | {fmt(full)} | "
              f"{rss // 1024 if rss else '?'} MiB ({rss if rss else '?'} KiB) |")


if __name__ == "__main__":
    main()
