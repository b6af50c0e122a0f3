# Sourced by the demo and `make up`: an Airflow home for this checkout under .newswire/,
# with this project's DAGs and plugins and no example DAGs.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
umask 077  # the state folder holds passwords, DSNs and page contents: the user's alone
export NEWSWIRE_HOME="${NEWSWIRE_HOME:-$ROOT/.newswire}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$NEWSWIRE_HOME/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$ROOT/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=False
# The API server (UI) of `make up` listens on this machine only; NEWSWIRE_UI_HOST=0.0.0.0
# publishes it on every interface.
export AIRFLOW__API__HOST="${NEWSWIRE_UI_HOST:-127.0.0.1}"
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p "$AIRFLOW_HOME"

# start_sample_site: serve the bundled sample site in the background unless
# PRNEWSWIRE_BASE_URL is set; sets SAMPLE_SITE_PID and exports PRNEWSWIRE_BASE_URL.
start_sample_site() {
    SAMPLE_SITE_PID=""
    if [ -n "${PRNEWSWIRE_BASE_URL:-}" ]; then
        echo "source site: $PRNEWSWIRE_BASE_URL"
        return
    fi
    local urlfile="$NEWSWIRE_HOME/sample-site.url"
    rm -f "$urlfile"
    newswire sample-site --port 0 "$@" > "$urlfile" &
    SAMPLE_SITE_PID=$!
    for _ in $(seq 100); do
        [ -s "$urlfile" ] && break
        sleep 0.1
    done
    PRNEWSWIRE_BASE_URL="$(head -n1 "$urlfile" | grep -o 'http://[^ ]*')"
    [ -n "$PRNEWSWIRE_BASE_URL" ] || { echo "sample site did not start" >&2; return 1; }
    export PRNEWSWIRE_BASE_URL
    echo "source site: the bundled sample site at $PRNEWSWIRE_BASE_URL"
}
