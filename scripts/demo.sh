#!/usr/bin/env bash
# make demo: embedded PostgreSQL, migrations, the sample site, one real run of the
# prnewswire_ingest DAG (`airflow dags test`), then the report. Safe to run again: a second
# run loads nothing twice.
set -euo pipefail
source "$(dirname "$0")/airflow-env.sh"
cd "$ROOT"

echo "== warehouse"
DSN="$(newswire db dsn)"   # prints where the data lives and how to open it with psql
export NEWSWIRE_DSN="${NEWSWIRE_DSN:-$DSN}"  # the later commands reuse it quietly
newswire db migrate

echo "== source"
start_sample_site
trap '[ -n "$SAMPLE_SITE_PID" ] && kill "$SAMPLE_SITE_PID" 2>/dev/null || true' EXIT

echo "== airflow dags test prnewswire_ingest (AIRFLOW_HOME=$AIRFLOW_HOME)"
export AIRFLOW_CONN_NEWSWIRE_WAREHOUSE="$DSN"
airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1 \
    || { tail -n 30 "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
airflow dags test prnewswire_ingest > "$AIRFLOW_HOME/dags-test.log" 2>&1 \
    || { tail -n 60 "$AIRFLOW_HOME/dags-test.log"; exit 1; }
grep -o 'run [^ ]*: discovered.*' "$AIRFLOW_HOME/dags-test.log" | tail -n1 || true
echo "(full log: $AIRFLOW_HOME/dags-test.log)"

echo "== what landed"
newswire report
newswire report warehouse_totals
