"""The Airflow adapter: everything of newswire that imports Airflow, laid out as Airflow's
providers are: ``tasks`` (the task functions the DAG files call), ``hooks/`` (the warehouse
through the Postgres provider's hook), ``notifications/`` (the failure summary and the
webhook notifier), ``triggers/`` (the feed watcher), ``assets``, ``pools``, ``quality`` (the
common-sql checks), ``alerting`` (delivering the watchlists' alerts) and ``ui/`` (the
"Newswire" page). The core package ``newswire`` imports no Airflow."""
