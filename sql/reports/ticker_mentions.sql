-- Ticker mentions per ISO week (UTC).
DROP VIEW IF EXISTS newswire.report_ticker_mentions;
CREATE VIEW newswire.report_ticker_mentions AS
SELECT date_trunc('week', r.published_at AT TIME ZONE 'UTC')::date AS week,
       t.exchange,
       t.symbol,
       count(*)                                                  AS releases
FROM newswire.release_tickers t
JOIN newswire.releases r USING (wire, release_id)
WHERE r.published_at IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1 DESC, releases DESC, 2, 3;
