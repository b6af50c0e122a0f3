"""Airflow processes of the tests' own (standalone, Celery workers)."""

import os
import sys
from pathlib import Path

from tests.support import ROOT


def airflow_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of an Airflow process of its own: this shell's environment without
    its AIRFLOW* settings, an isolated home, this project's DAGs and plugins, no examples."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}:{env['PATH']}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        }
    )
    env.update(settings)
    return env
