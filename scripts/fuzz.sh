#!/usr/bin/env bash
# Coverage-guided fuzzing of everything that parses: the reader, the importers, the validator and a
# headless timeline render (Sources/rtscope-fuzz), with libFuzzer, for a bounded time.
#
# usage: scripts/fuzz.sh [SECONDS]   (default 60; CI runs it with its own budget)
#
# Seeds: the bundled recordings, the reader and import fixtures, and every saved regression input
# (Tests/Fuzz/regressions). A crash or a hang (over 10 s on one input) stops the run with exit 1,
# prints the stack and leaves the input in the work folder it names; save it under
# Tests/Fuzz/regressions/ with a name that says what broke, fix the bug, and `swift test` replays it
# from then on (FuzzRegressionTests). Nothing is written into the repository by this script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

echo "== fuzz: building (release, -sanitize=fuzzer) into .build-fuzz"
swift build -c release --product rtscope-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library 2>&1 | tail -n 3
binary=$(swift build -c release --scratch-path .build-fuzz --show-bin-path)/rtscope-fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/rtscope-fuzz.XXXXXX")
mkdir -p "$work/corpus" "$work/seeds"
cp recordings/*.jsonl Tests/RealtimeRecordingTests/Fixtures/*.jsonl Tests/RealtimeRecordingTests/Fixtures/imports/* \
    Tests/Fuzz/regressions/* "$work/seeds/"

echo "== fuzz: ${seconds} s over $(ls "$work/seeds" | wc -l) seeds (work folder $work)"
set +e
# The Swift runtime's own crash handler would stop libFuzzer from saving the input: turn it off.
SWIFT_BACKTRACE=enable=no timeout $((seconds + 120)) "$binary" "$work/corpus" "$work/seeds" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 > "$work/log" 2>&1
status=$?
set -e
grep -E '^#[0-9]+.*(DONE|pulse)|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$work/log" | tail -n 6 || true
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (exit $status): the input is saved as:"
    ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
    grep -E 'Fatal error|deadly signal|ERROR: libFuzzer' "$work/log" | head -n 5
    grep -E '^ +#[0-9]+ .* in .*(Realtime|Timeline|rtscope)' "$work/log" | head -n 12
    exit 1
fi
rm -rf "$work"
echo "fuzz: no crash, no hang"
