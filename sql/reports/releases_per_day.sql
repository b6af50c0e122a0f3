-- Releases per day (UTC) and wire, newest day first.
DROP VIEW IF EXISTS newswire.report_releases_per_day;
CREATE VIEW newswire.report_releases_per_day AS
SELECT (published_at AT TIME ZONE 'UTC')::date AS day,
       wire,
       count(*)                                AS releases,
       count(DISTINCT issuer_org_id)           AS issuers
FROM newswire.releases
WHERE published_at IS NOT NULL
GROUP BY 1, 2
ORDER BY 1 DESC, 2;
