#!/usr/bin/env bash
# make up: Airflow's components (as `airflow standalone` runs them) for this checkout in the
# background, with Airflow's metadata in the embedded PostgreSQL (so LocalExecutor runs tasks
# in parallel), sized to the machine's cores, nothing listening beyond the UI's address, the
# output in a rotated log and every file private to the user (umask 077). The warehouse
# connection and source Variable set, and the sample site as the source unless
# PRNEWSWIRE_BASE_URL is set, publishing live (a release every NEWSWIRE_LIVE_EVERY seconds,
# default 5-20; NEWSWIRE_LIVE_EVERY=off keeps it still). `make down` stops all of it.
set -euo pipefail
source "$(dirname "$0")/airflow-env.sh"
cd "$ROOT"
PIDS="$NEWSWIRE_HOME/up.pids"
UI_PORT="${NEWSWIRE_UI_PORT:-8080}"
if [ -s "$PIDS" ]; then
    echo "already up (see $PIDS); run 'make down' first" >&2
    exit 1
fi
chmod -R go-rwx "$NEWSWIRE_HOME"  # what an older make up left readable (new files: umask 077)

DSN="$(newswire db dsn)"
newswire db migrate
if [ -z "${NEWSWIRE_DSN:-}" ]; then
    META="$(newswire db dsn --database airflow)"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${META/postgresql:/postgresql+psycopg2:}"
fi
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
# LocalExecutor forks `parallelism` workers up front (Airflow's default 32): 4 per core here.
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-$((4 * $(nproc)))}"
export AIRFLOW__API__WORKERS="${AIRFLOW__API__WORKERS:-1}"
# Task logs hold page contents and DSN errors; Airflow chmods them 0664/0775 unless told.
export AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FILE_PERMISSIONS=0o600
export AIRFLOW__LOGGING__FILE_TASK_HANDLER_NEW_FOLDER_PERMISSIONS=0o700
export AIRFLOW__API__PORT="$UI_PORT"
export AIRFLOW__API__BASE_URL="http://localhost:$UI_PORT"
export AIRFLOW_CONN_NEWSWIRE_WAREHOUSE="$DSN"

if [ -z "${PRNEWSWIRE_BASE_URL:-}" ]; then
    # setsid: the site outlives this script, in its own process group for `make down`.
    urlfile="$NEWSWIRE_HOME/sample-site.url"
    rm -f "$urlfile"
    live=()
    [ "${NEWSWIRE_LIVE_EVERY:-5-20}" = off ] || live=(--live-every "${NEWSWIRE_LIVE_EVERY:-5-20}")
    # --state: a restart serves what it published and continues after the highest id.
    setsid newswire sample-site --port 0 "${live[@]}" --state "$NEWSWIRE_HOME/sample-site" \
        > "$urlfile" 2> "$NEWSWIRE_HOME/sample-site.log" &
    echo "sample-site $!" >> "$PIDS"
    for _ in $(seq 100); do [ -s "$urlfile" ] && break; sleep 0.1; done
    PRNEWSWIRE_BASE_URL="$(grep -o 'http://[^ ]*' "$urlfile" | head -n1)"

    # A stand-in for a chat's incoming webhook, and a watchlist that alerts it (the README's
    # "Watching alerts fire"): each alert is a line of $NEWSWIRE_HOME/alerts.log.
    alerts="$NEWSWIRE_HOME/alerts.log"
    rm -f "$alerts"
    setsid python -m newswire_sample_site.webhook_sink > "$alerts" 2>&1 &
    echo "webhook-sink $!" >> "$PIDS"
    for _ in $(seq 100); do [ -s "$alerts" ] && break; sleep 0.1; done
    hook="$(head -n1 "$alerts")"
    export AIRFLOW_CONN_NEWSWIRE_DEMO_WEBHOOK="{\"conn_type\": \"generic\", \"password\": \"$hook\"}"
    export NEWSWIRE_LOOPBACK_WEBHOOKS=1  # the stand-in is on this machine: allow it, for this only
    newswire watchlist add demo --ticker HKEX:2288 --ticker NASDAQ:FBRK \
        --webhook newswire_demo_webhook --replace
fi
export AIRFLOW_VAR_PRNEWSWIRE_BASE_URL="$PRNEWSWIRE_BASE_URL"
echo "source site: $PRNEWSWIRE_BASE_URL"

# `make shell` (or `source .newswire/env`): newswire and airflow by hand against all this.
export -p | grep -E '^declare -x (AIRFLOW_|NEWSWIRE_|PRNEWSWIRE_|PATH=)' > "$NEWSWIRE_HOME/env"

airflow db migrate > "$NEWSWIRE_HOME/airflow-db-migrate.log" 2>&1 \
    || { tail -n 30 "$NEWSWIRE_HOME/airflow-db-migrate.log" >&2; exit 1; }
# The components `airflow standalone` starts, started here because standalone cannot skip the
# scheduler's and triggerer's log servers (ports 8793 and 8794), which Airflow binds to every
# interface whatever the UI's address. They are not needed: on one machine the API server
# reads the task and trigger logs from the log folder they share.
setsid bash -c '{
    airflow scheduler --skip-serve-logs &
    airflow dag-processor &
    airflow api-server &
    airflow triggerer --skip-serve-logs &
    wait
} 2>&1 | python scripts/rotate_log.py "$NEWSWIRE_HOME/standalone.log"' < /dev/null > /dev/null 2>&1 &
echo "airflow $!" >> "$PIDS"
echo "starting Airflow (log: $NEWSWIRE_HOME/standalone.log, rotated at 10 MB) ..."
for _ in $(seq 180); do
    curl -fsS "http://localhost:$UI_PORT/api/v2/monitor/health" > /dev/null 2>&1 && break
    sleep 1
done
curl -fsS "http://localhost:$UI_PORT/api/v2/monitor/health" > /dev/null \
    || { echo "Airflow did not come up; see $NEWSWIRE_HOME/standalone.log" >&2; exit 1; }
# The pool newswire_http caps concurrent HTTP work on the source site; its name and size are
# in newswire_airflow.pools. Tasks in a pool that does not exist would never be scheduled.
python -m newswire_airflow.pools > /dev/null
airflow dags reserialize > /dev/null 2>&1 || true
airflow dags unpause newswire_quality > /dev/null
airflow dags unpause prnewswire_ingest > /dev/null
airflow dags unpause prnewswire_watch > /dev/null
airflow dags unpause prnewswire_recheck > /dev/null
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
echo
echo "Airflow UI:    http://localhost:$UI_PORT"
echo "Newswire page: http://localhost:$UI_PORT/plugin/newswire"
echo "login:         $(python3 -c 'import json,sys; [print(u, "/", p) for u, p in json.load(open(sys.argv[1])).items()]' "$PASSWORDS")"
echo "prnewswire_ingest and prnewswire_recheck (corrections of the last 48 hours, conditional"
echo "GETs) are unpaused: their first runs start now, then every 15 minutes;"
echo "newswire_quality checks each load. prnewswire_watch is unpaused: its feed watcher (in the"
echo "triggerer) polls the feed every 30 s and each new release is loaded within a minute;"
echo "the site's releases: tail -f $NEWSWIRE_HOME/sample-site.url; the watchlist 'demo' alerts"
echo "on those of HKEX:2288 and NASDAQ:FBRK: tail -f $NEWSWIRE_HOME/alerts.log. Stop everything with: make down"
