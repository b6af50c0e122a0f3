#!/usr/bin/env bash
# make down: stop what `make up` started (whole process groups) and the embedded PostgreSQL.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NEWSWIRE_HOME="${NEWSWIRE_HOME:-$ROOT/.newswire}"
PIDS="$NEWSWIRE_HOME/up.pids"
if [ -s "$PIDS" ]; then
    while read -r name pid; do
        kill -TERM -- "-$pid" 2>/dev/null && echo "stopping $name (process group $pid)"
    done < "$PIDS"
    for _ in $(seq 30); do
        alive=0
        while read -r name pid; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done < "$PIDS"
        [ $alive = 0 ] && break
        sleep 1
    done
    while read -r name pid; do kill -KILL -- "-$pid" 2>/dev/null; done < "$PIDS"
    rm -f "$PIDS"
fi
if [ -x "$ROOT/.venv/bin/newswire" ]; then
    "$ROOT/.venv/bin/newswire" db stop
fi
