"""The pipeline: discovery, fetching, parsing and the warehouse strung together, with no
SQL of its own.

* :mod:`newswire.pipeline.ingestion`: discover -> fetch and parse -> load, as steps that
  ``newswire ingest`` runs in a row and the Airflow tasks run one each;
* :mod:`newswire.pipeline.reparsing`: the current parser over the raw archive.
"""

from newswire.pipeline.ingestion import (
    FETCH_WORKERS,
    RECHECK_DAYS,
    STAGE_BATCH,
    TooManyFailures,
    discover_step,
    fetch_step,
    ingest,
    load_step,
    mark_failed,
    new_run_key,
    recheck,
    recheck_step,
)
from newswire.pipeline.reparsing import reparse
from newswire.warehouse.runs import RunSummary

__all__ = [
    "FETCH_WORKERS",
    "RECHECK_DAYS",
    "STAGE_BATCH",
    "RunSummary",
    "TooManyFailures",
    "discover_step",
    "fetch_step",
    "ingest",
    "load_step",
    "mark_failed",
    "new_run_key",
    "recheck",
    "recheck_step",
    "reparse",
]
