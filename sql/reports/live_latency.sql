-- From the wire to the warehouse for live releases only, per wire, over the last 7 days: a
-- release is live when it was published after the warehouse's first ingestion run started
-- (it could be loaded as it came out); one published before was backfilled from the archive,
-- and its publication -> loaded time says how old the archive is, not how fast the pipeline
-- is. The target is the README's: p95 under 90 seconds. Reads the releases of those 7 days
-- through the index on published_at.
DROP VIEW IF EXISTS newswire.report_live_latency;
CREATE VIEW newswire.report_live_latency AS
WITH recent AS (
    SELECT r.wire, r.published_at >= first.started_at AS live,
           extract(epoch FROM r.first_loaded_at - r.published_at)::double precision AS s
    FROM newswire.releases r
    CROSS JOIN (SELECT min(started_at) AS started_at FROM newswire.ingestion_runs) first
    WHERE r.published_at >= now() - interval '7 days'
)
SELECT wire, count(*) FILTER (WHERE live) AS live_releases,
       count(*) FILTER (WHERE NOT live) AS backfilled_releases,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FILTER (WHERE live)::numeric, 1)
           AS p50_s,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY s) FILTER (WHERE live)::numeric, 1)
           AS p95_s,
       round(max(s) FILTER (WHERE live)::numeric, 1) AS max_s,
       90 AS target_p95_s,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY s) FILTER (WHERE live) < 90 AS target_met
FROM recent
GROUP BY wire
ORDER BY wire;
