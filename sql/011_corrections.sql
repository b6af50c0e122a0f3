-- 011: corrections at the speed of new releases.
--
-- release_listings: what a feed item or a listing card last said of a release (a fingerprint
-- of its title, link, time and guid), per kind of listing; discovery fetches a loaded release
-- again when the fingerprint changes. changed_at is when we first saw it listed this way.
CREATE TABLE newswire.release_listings (
    wire        text        NOT NULL,
    release_id  text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('feed', 'card')),
    fingerprint text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (wire, release_id, kind)
);

-- page_validators: the ETag and Last-Modified each release page (by the URL fetched) last
-- answered with, so a re-check asks with If-None-Match / If-Modified-Since and an unchanged
-- page costs a 304; checked_at orders a re-check's pages, least recently checked first.
-- Kept only as long as a re-check may ask (pruned by checked_at); a run that fails forgets
-- those it saved, since its pages may not be loaded.
CREATE TABLE newswire.page_validators (
    url           text PRIMARY KEY,
    etag          text,
    last_modified text,
    fetched_at    timestamptz NOT NULL,         -- the last 200
    checked_at    timestamptz NOT NULL,         -- the last answer, 200 or 304
    run_key       text NOT NULL                 -- the run that saved them (forgotten if it fails)
);
CREATE INDEX page_validators_checked_at_idx ON newswire.page_validators (checked_at);

-- When each version was loaded (the merge's transaction time); NULL for versions loaded
-- before this migration.
ALTER TABLE newswire.release_versions ADD COLUMN loaded_at timestamptz;
ALTER TABLE newswire.release_versions ALTER COLUMN loaded_at SET DEFAULT now();
-- The corrections, newest first (report_correction_latency reads them through it).
CREATE INDEX release_versions_corrections_idx
    ON newswire.release_versions (loaded_at DESC NULLS LAST) WHERE version > 1;
