-- One line: what the warehouse holds.
SELECT (SELECT count(*) FROM newswire.releases)                             AS releases,
       (SELECT count(DISTINCT issuer) FROM newswire.releases)               AS issuers,
       (SELECT min(published_at) FROM newswire.releases)                    AS first_published,
       (SELECT max(published_at) FROM newswire.releases)                    AS last_published,
       (SELECT count(*) FROM newswire.rejects WHERE resolved_at IS NULL)    AS open_rejects,
       (SELECT count(*) FROM newswire.ingestion_runs)                       AS runs;
