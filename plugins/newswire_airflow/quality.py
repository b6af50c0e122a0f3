"""The data-quality checks of the ``newswire_quality`` DAG, as common-sql check specs.

``SQLColumnCheckOperator`` takes the column mapping and ``SQLTableCheckOperator`` the table
checks (each ``check_statement`` is a boolean SQL expression, here over aggregates, so each
check is one row). Statements may use the DAG's params through Jinja: the operators render
their SQL at run time. Kept out of the DAG file so the checks are read and changed in one
place; this module is imported when the DAG is parsed and must stay cheap (data only).
"""

RELEASES_TABLE = "newswire.releases"
RUNS_TABLE = "newswire.ingestion_runs"
DRIFT_TABLE = "newswire.report_template_drift"

# Defaults of the DAG params.
RECENT_HOURS = 24  # a release must have been fetched within this many hours
MAX_REJECT_SHARE = 0.2  # the pipeline's own default for failing a run (NEWSWIRE_MAX_FAILED_SHARE)

RELEASE_COLUMN_CHECKS = {
    "title": {"null_check": {"equal_to": 0}},
    "release_id": {"null_check": {"equal_to": 0}},
    "url": {"null_check": {"equal_to": 0}},
}

RELEASE_TABLE_CHECKS = {
    # Clocks differ a little between the wire and us: an hour of skew is allowed.
    "no_future_published_at": {
        "check_statement": "count(*) FILTER (WHERE published_at > now() + interval '1 hour') = 0",
    },
    # The primary key forbids duplicates; the check keeps that promise visible and guards
    # against a schema change that drops it.
    "no_duplicate_release_ids": {
        "check_statement": "count(*) = count(DISTINCT (wire, release_id))",
    },
    "recent_data_present": {
        "check_statement": "coalesce(max(fetched_at) > now() - interval '1 hour' * "
        "{{ params.recent_hours }}, false)",
    },
}

# Pages that failed (fetch or parse) among all pages the runs of the last day attempted.
RUN_TABLE_CHECKS = {
    "reject_share_under_threshold": {
        "check_statement": "coalesce(sum(rejected)::numeric / nullif(sum(loaded_new + "
        "loaded_updated + unchanged + rejected), 0), 0) "
        "<= {{ params.max_reject_share }}",
        "partition_clause": "started_at > now() - interval '1 day'",
    },
}

# Template drift: no source's latest run had more than NEWSWIRE_DRIFT_SHARE of its pages
# parsed by fallback layers for a field the rules normally give (the report lists those that
# had, with the fields).
DRIFT_CHECKS = {
    "no_template_drift": {"check_statement": "count(*) = 0"},
}

# The end of the DAG's failure summary (see FailureSummaryNotifier).
WHERE_TO_LOOK = (
    "the failed check task's log: it lists every check with its result. The checks are in "
    "plugins/newswire_airflow/quality.py; the offending rows are in newswire.releases (titles, "
    "published_at, ids, fetched_at), newswire.ingestion_runs and newswire.rejects (reject "
    "share) or newswire.report_template_drift (template drift: the wire changed its page "
    "template; update the parser's rules, then run `newswire reparse --fallback-only`). "
    "Data that fails a check is already in the warehouse: fix the cause, then re-run the check."
)
