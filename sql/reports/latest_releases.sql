-- The 50 most recently published releases (wire and release_id: the Newswire page links them;
-- corrected: a release of its own corrects it, "CORRECTION -- <title>", see 012).
DROP VIEW IF EXISTS newswire.report_latest_releases;
CREATE VIEW newswire.report_latest_releases AS
SELECT published_at, wire, release_id, issuer, title, url,
       EXISTS (SELECT 1 FROM newswire.corrections c
               WHERE (c.corrects_wire, c.corrects_release_id) = (r.wire, r.release_id)) AS corrected
FROM newswire.releases r
ORDER BY published_at DESC NULLS LAST, wire, release_id
LIMIT 50;
