-- Releases per day (UTC) and industry (a release with two industries counts in both), from
-- the rollup the loads keep (007).
DROP VIEW IF EXISTS newswire.report_releases_per_industry_day;
CREATE VIEW newswire.report_releases_per_industry_day AS
SELECT day, industry, releases
FROM newswire.rollup_releases_per_industry_day
ORDER BY day DESC, releases DESC, industry;
