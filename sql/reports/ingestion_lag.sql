-- How long after publication releases were first fetched, per publication day (from the
-- rollup the loads keep, 007).
DROP VIEW IF EXISTS newswire.report_ingestion_lag;
CREATE VIEW newswire.report_ingestion_lag AS
SELECT day, releases, median_lag, max_lag
FROM newswire.rollup_ingestion_lag
ORDER BY day DESC;
