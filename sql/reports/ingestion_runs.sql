-- The latest ingestion runs with their counts.
DROP VIEW IF EXISTS newswire.report_ingestion_runs;
CREATE VIEW newswire.report_ingestion_runs AS
SELECT run_key, status, started_at, finished_at - started_at AS duration, discovered, fetched,
       loaded_new, loaded_updated, unchanged, rejected
FROM newswire.ingestion_runs
ORDER BY started_at DESC
LIMIT 100;
