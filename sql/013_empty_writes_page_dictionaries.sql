-- 013: the raw archive in zstd against dictionaries.
--
-- (This migration also made every rollup trigger function return at once on a statement that
-- wrote no row; those functions now live in sql/functions/rollup_triggers.sql, re-applied
-- whenever that file changes.)

-- The raw archive in zstd against a dictionary: a real page of the same host fetched the same
-- month (see newswire/warehouse/archive.py for why). Pages archived before keep their gzip
-- body until `newswire db recompress-archive` rewrites them in place; a page has exactly one
-- body at every moment.
CREATE TABLE newswire.page_dictionaries (
    dictionary_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host          text  NOT NULL,
    month         date  NOT NULL,               -- first day of the (UTC) month it serves
    sha256        text  NOT NULL,               -- of content
    content       bytea NOT NULL,               -- a page of that host, as fetched
    UNIQUE (host, month)
);
ALTER TABLE newswire.raw_pages
    ALTER COLUMN body_gzip DROP NOT NULL,
    ADD COLUMN body_zstd bytea,
    ADD COLUMN dictionary_id integer REFERENCES newswire.page_dictionaries,
    ADD CONSTRAINT raw_pages_one_body CHECK (num_nonnulls(body_gzip, body_zstd) = 1);
