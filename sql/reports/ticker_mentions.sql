-- Ticker mentions per ISO week (UTC), from the rollup the loads keep (007).
DROP VIEW IF EXISTS newswire.report_ticker_mentions;
CREATE VIEW newswire.report_ticker_mentions AS
SELECT week, exchange, symbol, releases
FROM newswire.rollup_ticker_mentions
ORDER BY week DESC, releases DESC, exchange, symbol;
