-- The 50 most recently published releases (wire and release_id: the Newswire page links them).
DROP VIEW IF EXISTS newswire.report_latest_releases;
CREATE VIEW newswire.report_latest_releases AS
SELECT published_at, wire, release_id, issuer, title, url
FROM newswire.releases
ORDER BY published_at DESC NULLS LAST, wire, release_id
LIMIT 50;
