"""The failure notifier of the newswire DAGs: when a DAG run fails, one paragraph in the log
that says which run, which tasks failed, which did not run because of them, and where to
look first. The ingestion DAGs' notifier also marks the run's ingestion run failed in the
warehouse, so its row does not stay 'running'.

DAG callbacks run in the DAG processor, so the paragraph is in its log (and, under
``dag.test()``, in the test's). Imported when a DAG file is parsed: the pipeline is
imported only when a notification is sent.
"""

from __future__ import annotations

import logging

from airflow.sdk import BaseNotifier

log = logging.getLogger(__name__)

# The end of the failure summary of the ingestion DAGs (ingest, backfill, recheck, watch).
INGESTION_WHERE_TO_LOOK = (
    "the failed task's log (Airflow UI: the DAG run, then the task, then Logs); the run's "
    "row in newswire.ingestion_runs (run_key = the run id, now marked failed) and its pages "
    "that failed: SELECT stage, reason, count(*) FROM newswire.rejects WHERE run_key = "
    "'{run_id}' GROUP BY 1, 2. Check the source site ({source}) and the connection "
    "newswire_warehouse. Clearing the failed tasks re-runs them safely: fetch and load are "
    "idempotent."
)


class FailureSummaryNotifier(BaseNotifier):
    """A DAG's ``on_failure_callback``.

    ``where_to_look`` is the end of the paragraph, a ``str.format`` template that may use
    ``{run_id}``, and ``{source}`` (the site of ``source``, a name of
    :data:`newswire.wires`) in the DAGs of one source; with
    ``mark_ingestion_run_failed`` the ingestion run whose key is the DAG run id is marked
    failed first."""

    def __init__(
        self,
        where_to_look: str = "the failed tasks' logs in the Airflow UI.",
        *,
        mark_ingestion_run_failed: bool = False,
        source: str | None = None,
    ):
        super().__init__()
        self.where_to_look = where_to_look
        self.mark_ingestion_run_failed = mark_ingestion_run_failed
        self.source = source

    def render_template_fields(self, context, jinja_env=None) -> None:
        """Nothing to render: this notifier has no template fields. Skipping the template
        environment also keeps ``dag.test()`` working: Airflow 3.3.2 hands DAG callbacks
        there the scheduler's serialized DAG, which has none."""

    def notify(self, context) -> None:
        if self.mark_ingestion_run_failed:
            _mark_ingestion_run_failed(context["run_id"])
        log.error("%s", self.summary(context))

    def summary(self, context) -> str:
        from newswire_airflow.tasks import run_window, source_base_url

        dag_id, run_id = context["dag"].dag_id, context["run_id"]
        where = {"run_id": run_id}
        if self.source is not None:  # a DAG of one source: its site
            where["source"] = source_base_url(self.source)
        states = _task_states(context)
        failed = sorted(task for task, state in states.items() if state == "failed")
        not_run = sorted(task for task, state in states.items() if state == "upstream_failed")
        start, end = run_window(context) if "dag_run" in context else (None, None)
        return (
            f"newswire: DAG {dag_id} run {run_id} FAILED "
            f"({context.get('reason') or 'no reason given'})"
            + (f", data interval {start.isoformat()} .. {end.isoformat()}" if start != end else "")
            + f". Failed tasks: {', '.join(failed) or 'none recorded'}"
            + (f"; not run because of them: {', '.join(not_run)}" if not_run else "")
            + ". Look at "
            + self.where_to_look.format(**where)
        )


def _mark_ingestion_run_failed(run_id: str) -> None:
    from newswire.pipeline import mark_failed
    from newswire_airflow.hooks.warehouse import warehouse_dsn

    try:
        mark_failed(warehouse_dsn(), run_id)
    except Exception:  # the warehouse may be what failed: the summary must still be logged
        log.exception("could not mark ingestion run %s failed in the warehouse", run_id)


def _task_states(context) -> dict[str, str]:
    """{task (``task_map-index`` when mapped): state} of the failed run.

    Asked through the callback context's task instance (the Task SDK's public
    ``TaskInstance.get_task_states``), which the DAG processor answers. Airflow 3.3.2 offers
    no public way in two cases: a context without a task instance (Airflow gives only the
    DAG, the run id and the reason when no task ran: nothing is known), and ``dag.test()``,
    which runs DAG callbacks in-process without the supervisor channel the query goes
    through; then only the task that failed the run is known."""
    ti = context.get("ti")
    if ti is None:
        return {}
    try:
        return ti.get_task_states(dag_id=ti.dag_id, run_ids=[ti.run_id]).get(ti.run_id, {})
    except Exception as exc:  # no channel (dag.test): see the docstring
        log.info("task states of run %s not available (%r): naming the failed task", ti.run_id, exc)
    return {ti.task_id + (f"_{ti.map_index}" if ti.map_index >= 0 else ""): "failed"}
