-- One line: what the warehouse holds.
DROP VIEW IF EXISTS newswire.report_warehouse_totals;
CREATE VIEW newswire.report_warehouse_totals AS
SELECT (SELECT count(*) FROM newswire.releases)                          AS releases,
       (SELECT count(*) FROM newswire.release_versions)                  AS versions,
       (SELECT count(*) FROM newswire.organizations)                     AS organizations,
       (SELECT min(published_at) FROM newswire.releases)                 AS first_published,
       (SELECT max(published_at) FROM newswire.releases)                 AS last_published,
       (SELECT count(*) FROM newswire.rejects WHERE resolved_at IS NULL) AS open_rejects,
       (SELECT count(*) FROM newswire.ingestion_runs)                    AS runs;
