-- The 50 most recently published releases.
DROP VIEW IF EXISTS newswire.report_latest_releases;
CREATE VIEW newswire.report_latest_releases AS
SELECT published_at, wire, issuer, title, url
FROM newswire.releases
ORDER BY published_at DESC NULLS LAST, wire, release_id
LIMIT 50;
