-- How long after publication releases were first fetched, per publication day.
DROP VIEW IF EXISTS newswire.report_ingestion_lag;
CREATE VIEW newswire.report_ingestion_lag AS
SELECT (r.published_at AT TIME ZONE 'UTC')::date                           AS day,
       count(*)                                                            AS releases,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.first_seen_at - r.published_at) AS median_lag,
       max(v.first_seen_at - r.published_at)                               AS max_lag
FROM newswire.releases r
JOIN newswire.release_versions v ON (v.wire, v.release_id, v.version) = (r.wire, r.release_id, 1)
WHERE r.published_at IS NOT NULL
GROUP BY 1
ORDER BY 1 DESC;
