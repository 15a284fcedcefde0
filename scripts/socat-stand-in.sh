#!/usr/bin/env bash
# A baseline for rtscope-proxy-bench: stands in for `rtscope record` with socat, a plain TCP relay
# that does no WebSocket or JSON work at all. With SOCAT_DUMP=1 it also writes both directions
# to files (socat -r/-R), i.e. a recorder whose only work per frame is the kernel's.
#
#   apt-get install socat
#   SOCAT_DUMP=1 .build/release/rtscope-proxy-bench --rtscope scripts/socat-stand-in.sh --rounds 5 --gib 0.05
#   .build/release/rtscope-proxy-bench --rtscope scripts/socat-stand-in.sh --rounds 5 --gib 0.05
#
# Takes the arguments the bench gives rtscope (record --upstream ws://127.0.0.1:PORT/… --listen
# 127.0.0.1:PORT --out DIR --quiet). The CPU column reads 0: socat forks a child per connection,
# and the bench reads the parent's CPU time.
set -euo pipefail
up="" listen="" out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --upstream) up="$2"; shift 2 ;;
        --listen) listen="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) shift ;;
    esac
done
upstream_port=$(sed -E 's|^ws://127\.0\.0\.1:([0-9]+)/.*$|\1|' <<<"$up")
listen_port=${listen##*:}
mkdir -p "$out"
dump=()
if [ "${SOCAT_DUMP:-0}" = 1 ]; then dump=(-r "$out/client-to-server.bin" -R "$out/server-to-client.bin"); fi
exec socat -b 1048576 "${dump[@]}" "TCP-LISTEN:$listen_port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$upstream_port"
