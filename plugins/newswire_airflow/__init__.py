"""The Airflow adapter: everything of newswire that imports Airflow (task functions, the
shared ingestion task chain, the asset, the quality checks, the failure notifier and the
"Newswire" UI page). The core package ``newswire`` imports no Airflow."""
