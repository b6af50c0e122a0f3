-- 001: the warehouse schema: releases, the raw archive, rejects and ingestion runs.
-- Applied by `newswire db migrate` in one transaction and recorded in
-- newswire.schema_migrations.

CREATE TABLE newswire.ingestion_runs (
    run_key        text PRIMARY KEY,            -- Airflow run_id, or cli__<time> for `newswire ingest`
    source         text NOT NULL,               -- the base URL discovered from
    dag_run_id     text,                        -- set when Airflow runs it
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'success', 'failed')),
    discovered     integer NOT NULL DEFAULT 0,
    fetched        integer NOT NULL DEFAULT 0,
    loaded_new     integer NOT NULL DEFAULT 0,
    loaded_updated integer NOT NULL DEFAULT 0,
    unchanged      integer NOT NULL DEFAULT 0,
    rejected       integer NOT NULL DEFAULT 0
);

-- Every distinct page body fetched, gzip-compressed: enough to re-parse without re-fetching.
CREATE TABLE newswire.raw_pages (
    raw_page_id    bigserial PRIMARY KEY,
    url            text NOT NULL,
    http_status    integer NOT NULL,
    content_type   text,
    fetched_at     timestamptz NOT NULL,
    sha256         text NOT NULL,               -- of the uncompressed bytes
    body_gzip      bytea NOT NULL,
    UNIQUE (url, sha256)
);

-- The current version of each release: one row per (wire, release_id).
CREATE TABLE newswire.releases (
    wire              text NOT NULL,
    release_id        text NOT NULL,
    url               text NOT NULL,
    title             text NOT NULL,
    subtitle          text,
    issuer            text,
    published_at      timestamptz,
    dateline_location text,
    source_org        text,
    tickers           jsonb NOT NULL DEFAULT '[]',   -- [{"exchange": "NASDAQ", "symbol": "WDAY"}]
    industries        text[] NOT NULL DEFAULT '{}',
    language          text,
    body_text         text NOT NULL,
    contacts          text,
    images            text[] NOT NULL DEFAULT '{}',
    content_sha256    text NOT NULL,               -- of the parsed record: changes when the release does
    parser_version    text NOT NULL,
    raw_page_id       bigint REFERENCES newswire.raw_pages,
    fetched_at        timestamptz NOT NULL,        -- when the loaded version was fetched
    first_loaded_at   timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (wire, release_id)
);
CREATE INDEX releases_published_at_idx ON newswire.releases (published_at DESC);
CREATE INDEX releases_issuer_idx ON newswire.releases (issuer);

-- Parsed releases waiting for the load step of their run (the DAG passes no HTML or
-- records through XCom: fetch writes here, load merges from here in one transaction).
CREATE TABLE newswire.staged_releases (
    run_key        text NOT NULL REFERENCES newswire.ingestion_runs ON DELETE CASCADE,
    wire           text NOT NULL,
    release_id     text NOT NULL,
    record         jsonb NOT NULL,
    content_sha256 text NOT NULL,
    parser_version text NOT NULL,
    raw_page_id    bigint REFERENCES newswire.raw_pages,
    fetched_at     timestamptz NOT NULL,
    fetch_url      text NOT NULL,               -- the URL it was fetched from (may differ from record.url)
    PRIMARY KEY (run_key, wire, release_id)
);

-- Pages that could not be fetched or parsed: nothing is lost silently.
CREATE TABLE newswire.rejects (
    reject_id      bigserial PRIMARY KEY,
    run_key        text REFERENCES newswire.ingestion_runs ON DELETE SET NULL,
    url            text NOT NULL,
    stage          text NOT NULL CHECK (stage IN ('fetch', 'parse')),
    reason         text NOT NULL,               -- short code: http_404, timeout, missing_title ...
    detail         text,
    http_status    integer,
    raw_page_id    bigint REFERENCES newswire.raw_pages,
    rejected_at    timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,                 -- set when the same URL later loads
    UNIQUE (run_key, url)                       -- a retried task updates its reject, not adds one
);
CREATE INDEX rejects_open_idx ON newswire.rejects (url) WHERE resolved_at IS NULL;
