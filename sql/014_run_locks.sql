-- 014: one command-line run per source at a time. `newswire ingest` (and a re-check from the
-- command line) holds its source's row FOR UPDATE for the whole run: a second run of the same
-- source waits for it, and the run that holds the row knows that every other command-line
-- run of its source still marked 'running' was left so by a process that died (a kill, a
-- PostgreSQL restart): it closes them and removes their staged rows. Runs of Airflow (with a
-- dag_run_id) are closed by their DAG's failure callback instead. A row lock, unlike an
-- advisory lock, needs UPDATE on the table: the read-only newswire_reader cannot hold it.

CREATE TABLE newswire.run_locks (
    source text PRIMARY KEY  -- ingestion_runs.source: the base URL of the site
);
