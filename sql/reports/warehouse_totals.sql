-- One line: what the warehouse holds (row counts kept by the loads, 007; the rest indexed).
DROP VIEW IF EXISTS newswire.report_warehouse_totals;
CREATE VIEW newswire.report_warehouse_totals AS
SELECT (SELECT rows FROM newswire.row_counts WHERE table_name = 'releases')         AS releases,
       (SELECT rows FROM newswire.row_counts WHERE table_name = 'release_versions') AS versions,
       (SELECT rows FROM newswire.row_counts WHERE table_name = 'organizations')    AS organizations,
       (SELECT min(published_at) FROM newswire.releases)                 AS first_published,
       (SELECT max(published_at) FROM newswire.releases)                 AS last_published,
       (SELECT count(*) FROM newswire.rejects WHERE resolved_at IS NULL) AS open_rejects,
       (SELECT count(*) FROM newswire.ingestion_runs)                    AS runs;
