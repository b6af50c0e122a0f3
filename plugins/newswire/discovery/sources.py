"""The sources by name, as the Airflow adapter and the DAG files read them: the wire
declarations of :mod:`newswire.wires` (one module per wire), not copies of them."""

from newswire.wires import BY_NAME as SOURCES
from newswire.wires import get

__all__ = ["SOURCES", "get"]
