"""The "Newswire" page of the Airflow UI: a small FastAPI app that Airflow's API server
mounts (see ``plugins/newswire_airflow_plugin.py``) and the UI shows in its navigation."""
