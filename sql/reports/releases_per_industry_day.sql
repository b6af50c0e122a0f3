-- Releases per day (UTC) and industry (a release with two industries counts in both).
DROP VIEW IF EXISTS newswire.report_releases_per_industry_day;
CREATE VIEW newswire.report_releases_per_industry_day AS
SELECT (r.published_at AT TIME ZONE 'UTC')::date AS day,
       i.name                                    AS industry,
       count(*)                                  AS releases
FROM newswire.releases r
JOIN newswire.release_industries ri USING (wire, release_id)
JOIN newswire.industries i USING (industry_id)
WHERE r.published_at IS NOT NULL
GROUP BY 1, 2
ORDER BY 1 DESC, releases DESC, industry;
