-- Sources whose latest finished run found template drift: more than NEWSWIRE_DRIFT_SHARE of
-- its parsed pages needed a fallback layer for a field the wire's rules normally give (those
-- fields in drift_fields). Empty when all is well; a run without drift clears its source.
DROP VIEW IF EXISTS newswire.report_template_drift;
CREATE VIEW newswire.report_template_drift AS
SELECT source, run_key, finished_at, fallback_parsed,
       loaded_new + loaded_updated + unchanged AS parsed, drift_fields
FROM (SELECT DISTINCT ON (source) *
      FROM newswire.ingestion_runs
      WHERE status <> 'running'
      ORDER BY source, finished_at DESC) latest
WHERE template_drift
ORDER BY finished_at DESC;
