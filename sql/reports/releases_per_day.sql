-- Releases per day (UTC) over the last 30 days that have data.
SELECT (published_at AT TIME ZONE 'UTC')::date AS day,
       count(*)                                AS releases,
       count(DISTINCT issuer)                  AS issuers
FROM newswire.releases
WHERE published_at IS NOT NULL
GROUP BY 1
ORDER BY 1 DESC
LIMIT 30;
