-- Releases per day (UTC) and wire, newest day first (from the rollup the loads keep, 007).
DROP VIEW IF EXISTS newswire.report_releases_per_day;
CREATE VIEW newswire.report_releases_per_day AS
SELECT day, wire, releases, issuers
FROM newswire.rollup_releases_per_day
ORDER BY day DESC, wire;
