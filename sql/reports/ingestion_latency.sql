-- From the wire to the warehouse (009): per UTC day of publication and wire, how many
-- releases, and the p50 / p95 / max seconds from publication to loaded and from first seen
-- (in a feed, listing or sitemap, or by the feed watcher) to loaded. Read from the rollup the
-- loads keep, through its index in this order.
DROP VIEW IF EXISTS newswire.report_ingestion_latency;
CREATE VIEW newswire.report_ingestion_latency AS
SELECT day, wire, releases,
       round(p50_s::numeric, 1) AS p50_s, round(p95_s::numeric, 1) AS p95_s,
       round(max_s::numeric, 1) AS max_s, seen,
       round(seen_p50_s::numeric, 1) AS seen_p50_s, round(seen_p95_s::numeric, 1) AS seen_p95_s,
       round(seen_max_s::numeric, 1) AS seen_max_s
FROM newswire.rollup_ingestion_latency
ORDER BY day DESC, wire;
