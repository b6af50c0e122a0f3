-- 010: which layer gave each field, the source a run declared, and template drift (issue 19).
--
-- A record says which extraction layer gave each of its fields (field_sources: {field: layer},
-- layer 'rules' for the wire's own rules, else a fallback: 'jsonld', 'meta', 'headings',
-- 'text'). Each version keeps it in its record; the current row keeps it in a column, and the
-- fields that came from a fallback in another (fallback_fields, indexed where not empty), so
-- "which releases were parsed by fallbacks" is one index scan.

CREATE FUNCTION newswire.fallback_fields(sources jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(field ORDER BY field), '{}')
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(sources) = 'object' THEN sources
                              ELSE '{}'::jsonb END) AS s(field, layer)
    WHERE layer <> 'rules'
$$;

ALTER TABLE newswire.releases
    ADD COLUMN field_sources jsonb NOT NULL DEFAULT '{}',   -- '{}': parsed before 010
    ADD COLUMN fallback_fields text[]
        GENERATED ALWAYS AS (newswire.fallback_fields(field_sources)) STORED;
CREATE INDEX releases_fallback_parsed_idx ON newswire.releases (wire, release_id)
    WHERE fallback_fields <> '{}';

-- The source the fetching run read a page as (its wire and the base URL of the site, the
-- wire's own or a mirror), so that `newswire reparse` reads it the same way. NULL: archived
-- before 010, re-parsed as it was parsed then.
ALTER TABLE newswire.raw_pages
    ADD COLUMN declared_wire text,
    ADD COLUMN declared_site text;

-- Template drift: how many of a run's parsed pages needed a fallback for a field the wire's
-- rules normally give, which such fields, and whether that share passed the threshold.
ALTER TABLE newswire.ingestion_runs
    ADD COLUMN fallback_parsed integer NOT NULL DEFAULT 0,
    ADD COLUMN drift_fields text[] NOT NULL DEFAULT '{}',
    ADD COLUMN template_drift boolean NOT NULL DEFAULT false;
