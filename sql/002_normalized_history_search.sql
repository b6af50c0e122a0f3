-- 002: normalized organizations, tickers and industries; every content version of a release;
-- full-text search; the read-only analyst role. Existing rows are carried over.

-- Organizations (issuers and SOURCE organizations) under one normalized name, so
-- "Workday Inc." and "Workday, Inc." are one organization.
CREATE FUNCTION newswire.normalize_org_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
    SELECT nullif(regexp_replace(
        btrim(regexp_replace(lower(name), '[[:space:][:punct:]’‘“”«»–—·]+', ' ', 'g')),
        '( (inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|sa|ag|se|nv|gmbh|lp|llp))+$',
        ''), '')
$$;

CREATE TABLE newswire.organizations (
    org_id          bigserial PRIMARY KEY,
    name            text NOT NULL,              -- the name as first seen
    normalized_name text NOT NULL UNIQUE,
    first_seen_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE newswire.releases
    ADD COLUMN issuer_org_id bigint REFERENCES newswire.organizations,
    ADD COLUMN source_org_id bigint REFERENCES newswire.organizations;
CREATE INDEX releases_issuer_org_idx ON newswire.releases (issuer_org_id);

CREATE TABLE newswire.release_tickers (
    wire       text NOT NULL,
    release_id text NOT NULL,
    exchange   text NOT NULL,
    symbol     text NOT NULL,
    position   smallint NOT NULL,               -- order of appearance in the release
    PRIMARY KEY (wire, release_id, exchange, symbol),
    FOREIGN KEY (wire, release_id) REFERENCES newswire.releases ON DELETE CASCADE
);
CREATE INDEX release_tickers_symbol_idx ON newswire.release_tickers (exchange, symbol);

CREATE TABLE newswire.industries (
    industry_id serial PRIMARY KEY,
    name        text NOT NULL UNIQUE
);

CREATE TABLE newswire.release_industries (
    wire        text NOT NULL,
    release_id  text NOT NULL,
    industry_id integer NOT NULL REFERENCES newswire.industries,
    PRIMARY KEY (wire, release_id, industry_id),
    FOREIGN KEY (wire, release_id) REFERENCES newswire.releases ON DELETE CASCADE
);
CREATE INDEX release_industries_industry_idx ON newswire.release_industries (industry_id);

-- Every distinct content version of a release. An unchanged re-fetch adds nothing; a
-- corrected release adds version n+1 and updates newswire.releases.
CREATE TABLE newswire.release_versions (
    wire           text NOT NULL,
    release_id     text NOT NULL,
    version        integer NOT NULL,
    content_sha256 text NOT NULL,
    record         jsonb NOT NULL,              -- the parsed record of this version
    parser_version text NOT NULL,
    raw_page_id    bigint REFERENCES newswire.raw_pages,
    first_seen_at  timestamptz NOT NULL,        -- fetch time of the page that first had it
    PRIMARY KEY (wire, release_id, version),
    UNIQUE (wire, release_id, content_sha256),
    FOREIGN KEY (wire, release_id) REFERENCES newswire.releases ON DELETE CASCADE
);

-- Carry existing rows over.
INSERT INTO newswire.organizations (name, normalized_name)
SELECT DISTINCT ON (newswire.normalize_org_name(name)) name, newswire.normalize_org_name(name)
FROM (SELECT issuer AS name FROM newswire.releases
      UNION ALL SELECT source_org FROM newswire.releases) names
WHERE newswire.normalize_org_name(name) IS NOT NULL
ORDER BY newswire.normalize_org_name(name), name;

UPDATE newswire.releases r SET
    issuer_org_id = (SELECT org_id FROM newswire.organizations
                     WHERE normalized_name = newswire.normalize_org_name(r.issuer)),
    source_org_id = (SELECT org_id FROM newswire.organizations
                     WHERE normalized_name = newswire.normalize_org_name(r.source_org));

INSERT INTO newswire.release_tickers (wire, release_id, exchange, symbol, position)
SELECT DISTINCT ON (r.wire, r.release_id, t.exchange, t.symbol)
       r.wire, r.release_id, t.exchange, t.symbol, t.position
FROM newswire.releases r,
     ROWS FROM (jsonb_to_recordset(r.tickers) AS (exchange text, symbol text))
         WITH ORDINALITY AS t(exchange, symbol, position)
ORDER BY r.wire, r.release_id, t.exchange, t.symbol, t.position;

INSERT INTO newswire.industries (name)
SELECT DISTINCT unnest(industries) FROM newswire.releases ORDER BY 1;

INSERT INTO newswire.release_industries (wire, release_id, industry_id)
SELECT DISTINCT r.wire, r.release_id, i.industry_id
FROM newswire.releases r, unnest(r.industries) AS n(name)
JOIN newswire.industries i ON i.name = n.name;

INSERT INTO newswire.release_versions
    (wire, release_id, version, content_sha256, record, parser_version, raw_page_id, first_seen_at)
SELECT wire, release_id, 1, content_sha256,
       jsonb_build_object(
           'release_id', release_id, 'url', url, 'wire', wire, 'title', title,
           'subtitle', subtitle, 'issuer', issuer,
           'published_at', to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
           'dateline_location', dateline_location, 'source_org', source_org,
           'tickers', tickers, 'industries', to_jsonb(industries), 'language', language,
           'body_text', body_text, 'contacts', contacts, 'images', to_jsonb(images)),
       parser_version, raw_page_id, fetched_at
FROM newswire.releases;

ALTER TABLE newswire.releases DROP COLUMN tickers, DROP COLUMN industries;
ALTER TABLE newswire.releases ADD COLUMN version integer NOT NULL DEFAULT 1;

-- Full-text search over title (weight A), subtitle (B) and body (C).
ALTER TABLE newswire.releases ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(body_text, '')), 'C')
) STORED;
CREATE INDEX releases_search_idx ON newswire.releases USING gin (search);

-- The raw archive keeps the response headers that matter for conditional GET and debugging.
ALTER TABLE newswire.raw_pages ADD COLUMN headers jsonb NOT NULL DEFAULT '{}';

-- The window a run covered (null for "whatever is new").
ALTER TABLE newswire.ingestion_runs
    ADD COLUMN window_start timestamptz,
    ADD COLUMN window_end   timestamptz;

-- The read-only role for analysts: SELECT on every table and view of the schema, now and
-- later. It cannot log in; grant it to real users (see README, "The warehouse").
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'newswire_reader') THEN
        CREATE ROLE newswire_reader NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA newswire TO newswire_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA newswire TO newswire_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA newswire GRANT SELECT ON TABLES TO newswire_reader;
