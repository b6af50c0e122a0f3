-- Each release from the wire to the warehouse (009): published -> first seen (when and where:
-- the feed, listing page or sitemap that first listed it, or none) -> first fetched ->
-- loaded, newest publication first (through releases_latest_idx, in this order).
DROP VIEW IF EXISTS newswire.report_release_latency;
CREATE VIEW newswire.report_release_latency AS
SELECT r.published_at, r.wire, r.release_id, s.first_seen_at, s.first_seen_in,
       v.first_seen_at AS fetched_at, r.first_loaded_at AS loaded_at
FROM newswire.releases r
LEFT JOIN newswire.release_sightings s USING (wire, release_id)
LEFT JOIN newswire.release_versions v
       ON (v.wire, v.release_id, v.version) = (r.wire, r.release_id, 1)
ORDER BY r.published_at DESC NULLS LAST, r.wire, r.release_id;
