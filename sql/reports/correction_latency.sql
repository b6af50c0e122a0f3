-- Each correction from the wire to the warehouse (011): a release's version 2, 3, ... with
-- when its feed item or listing card was first seen changed after the version before was
-- fetched (none when the re-check found it), when the changed page was fetched and when the
-- version was loaded, newest first (through release_versions_corrections_idx).
DROP VIEW IF EXISTS newswire.report_correction_latency;
CREATE VIEW newswire.report_correction_latency AS
SELECT v.loaded_at, v.wire, v.release_id, v.version, v.record->>'title' AS title,
       seen.changed_at AS listing_changed_at, v.first_seen_at AS fetched_at,
       round(extract(epoch FROM v.loaded_at - seen.changed_at)::numeric, 1) AS seen_to_loaded_s
FROM newswire.release_versions v
LEFT JOIN LATERAL (
    SELECT max(l.changed_at) AS changed_at FROM newswire.release_listings l
    JOIN newswire.release_versions before
      ON (before.wire, before.release_id, before.version) = (v.wire, v.release_id, v.version - 1)
    WHERE (l.wire, l.release_id) = (v.wire, v.release_id)
      AND l.changed_at > before.first_seen_at AND l.changed_at <= v.first_seen_at
) seen ON true
WHERE v.version > 1
ORDER BY v.loaded_at DESC NULLS LAST, v.wire, v.release_id, v.version;
