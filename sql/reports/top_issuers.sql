-- Issuers (normalized organizations) by number of releases, from the rollup the loads keep
-- (007).
DROP VIEW IF EXISTS newswire.report_top_issuers;
CREATE VIEW newswire.report_top_issuers AS
SELECT issuer, releases, first_release, latest_release
FROM newswire.rollup_top_issuers
ORDER BY releases DESC, issuer;
