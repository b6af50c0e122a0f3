-- The issuers with the most releases, with their latest release time.
SELECT coalesce(issuer, '(unknown)') AS issuer,
       count(*)                      AS releases,
       max(published_at)             AS latest
FROM newswire.releases
GROUP BY 1
ORDER BY releases DESC, issuer
LIMIT 15;
