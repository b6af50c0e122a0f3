-- Issuers (normalized organizations) by number of releases.
DROP VIEW IF EXISTS newswire.report_top_issuers;
CREATE VIEW newswire.report_top_issuers AS
SELECT o.name                 AS issuer,
       count(*)               AS releases,
       min(r.published_at)    AS first_release,
       max(r.published_at)    AS latest_release
FROM newswire.releases r
JOIN newswire.organizations o ON o.org_id = r.issuer_org_id
GROUP BY o.org_id, o.name
ORDER BY releases DESC, issuer;
