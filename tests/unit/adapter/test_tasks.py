"""The task functions (``newswire_airflow.tasks``) and the failure notifier: no wire is
privileged, so whatever reads a source site is told which source."""

import inspect

import pytest

from newswire_airflow import tasks
from newswire_airflow.notifications.failure_summary import FailureSummaryNotifier

SOURCE_TASKS = ["discover_new", "discover_window", "discover_recent", "discover_watched", "fetch"]


@pytest.mark.parametrize("name", SOURCE_TASKS)
def test_every_task_that_reads_a_source_site_requires_the_source(name):
    source = inspect.signature(getattr(tasks, name).function).parameters["source"]
    assert source.default is inspect.Parameter.empty


def test_the_site_helper_of_a_source_requires_it():
    source = inspect.signature(tasks.source_base_url).parameters["source"]
    assert source.default is inspect.Parameter.empty


def test_a_failure_summary_names_a_source_only_when_given_one(monkeypatch):
    """A DAG of no one source (``newswire_quality``) reads no source's site; an ingestion
    DAG's summary names its own."""
    monkeypatch.setenv("AIRFLOW_VAR_NEWSWIRECA_BASE_URL", "http://127.0.0.1:9/ca")

    class Dag:
        dag_id = "some_dag"

    context = {"dag": Dag(), "run_id": "manual__1"}
    plain = FailureSummaryNotifier("the log of run {run_id}.").summary(context)
    assert plain.endswith("Look at the log of run manual__1.")
    of_a_source = FailureSummaryNotifier("site {source}.", source="newswireca").summary(context)
    assert of_a_source.endswith("Look at site http://127.0.0.1:9/ca.")


def test_batches_cover_every_url_once_in_at_most_max_batches():
    urls = [f"https://example.com/{i}.html" for i in range(1000)]
    batches = tasks.make_batches.function(urls)
    assert len(batches) == tasks.MAX_BATCHES
    assert [u for batch in batches for u in batch] == urls
    assert tasks.make_batches.function([]) == []
