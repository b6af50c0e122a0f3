-- 009: latency from the wire to the warehouse (issue 15). A release's publication time is in
-- releases.published_at, its first fetch in release_versions (version 1, first_seen_at) and
-- its load in releases.first_loaded_at; what was missing is when we first saw it announced:
-- release_sightings keeps, per release, the earliest time a feed, listing page, news sitemap
-- or the feed watcher listed it, and where (per release: report_release_latency). The
-- distribution (report_ingestion_latency) reads a rollup per day and wire, kept by triggers
-- like those of 007, so it costs the same at 200 releases and at 1,000,000.

CREATE TABLE newswire.release_sightings (
    wire          text        NOT NULL,
    release_id    text        NOT NULL,
    first_seen_at timestamptz NOT NULL,
    first_seen_in text        NOT NULL,         -- the feed, listing or sitemap URL
    PRIMARY KEY (wire, release_id)
);

CREATE TABLE newswire.rollup_ingestion_latency (
    day         date   NOT NULL,                -- UTC day of publication
    wire        text   NOT NULL,
    releases    bigint NOT NULL,
    p50_s       double precision,               -- publication -> loaded, seconds
    p95_s       double precision,
    max_s       double precision,
    seen        bigint NOT NULL,                -- releases with a sighting
    seen_p50_s  double precision,               -- first seen -> loaded, seconds
    seen_p95_s  double precision,
    seen_max_s  double precision,
    PRIMARY KEY (day, wire)
);
CREATE INDEX rollup_ingestion_latency_order_idx
    ON newswire.rollup_ingestion_latency (day DESC, wire);

CREATE FUNCTION newswire.refresh_ingestion_latency(days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM newswire.rollup_ingestion_latency WHERE day = ANY(days);
    INSERT INTO newswire.rollup_ingestion_latency
        (day, wire, releases, p50_s, p95_s, max_s, seen, seen_p50_s, seen_p95_s, seen_max_s)
    SELECT (r.published_at AT TIME ZONE 'UTC')::date, r.wire, count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY l.published),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY l.published), max(l.published),
           count(s.first_seen_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY l.seen),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY l.seen), max(l.seen)
    FROM newswire.releases_on(days) r
    LEFT JOIN newswire.release_sightings s USING (wire, release_id)
    CROSS JOIN LATERAL (
        SELECT extract(epoch FROM r.first_loaded_at - r.published_at)::double precision,
               extract(epoch FROM r.first_loaded_at - s.first_seen_at)::double precision
    ) AS l(published, seen)
    GROUP BY 1, 2;
$$;

-- A release counts in the day of its publication: inserts, deletes and corrections that move
-- it to another time recompute those days (a sighting is recorded before its release loads).
CREATE FUNCTION newswire.latency_after_releases() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    published timestamptz[] := '{}';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(o.published_at) || array_agg(n.published_at), '{}')
        INTO published
        FROM old_rows o JOIN new_rows n USING (wire, release_id)
        WHERE o.published_at IS DISTINCT FROM n.published_at;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT coalesce(array_agg(published_at), '{}') INTO published FROM new_rows;
    ELSE
        SELECT coalesce(array_agg(published_at), '{}') INTO published FROM old_rows;
    END IF;
    PERFORM newswire.refresh_ingestion_latency(newswire.days_of(published));
    RETURN NULL;
END
$$;

CREATE TRIGGER latency_after_insert AFTER INSERT ON newswire.releases
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.latency_after_releases();
CREATE TRIGGER latency_after_update AFTER UPDATE ON newswire.releases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.latency_after_releases();
CREATE TRIGGER latency_after_delete AFTER DELETE ON newswire.releases
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.latency_after_releases();

-- The rebuild after a bulk load made with the triggers disabled covers this rollup too.
CREATE OR REPLACE FUNCTION newswire.refresh_rollups() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    days date[] := (SELECT newswire.days_of(array_agg(published_at)) FROM newswire.releases);
BEGIN
    PERFORM newswire.refresh_releases_per_day(days);
    PERFORM newswire.refresh_releases_per_industry_day(days);
    PERFORM newswire.refresh_ingestion_lag(days);
    PERFORM newswire.refresh_ticker_mentions(days);
    PERFORM newswire.refresh_ingestion_latency(days);
    PERFORM newswire.refresh_top_issuers(ARRAY(SELECT org_id FROM newswire.organizations));
    DELETE FROM newswire.row_counts;
    INSERT INTO newswire.row_counts (table_name, rows)
    SELECT 'releases', count(*) FROM newswire.releases
    UNION ALL SELECT 'release_versions', count(*) FROM newswire.release_versions
    UNION ALL SELECT 'organizations', count(*) FROM newswire.organizations;
END
$$;

-- Releases loaded before this migration: their days, once (they have no sightings).
SELECT newswire.refresh_ingestion_latency(ARRAY(
    SELECT DISTINCT (published_at AT TIME ZONE 'UTC')::date FROM newswire.releases
    WHERE published_at IS NOT NULL));
