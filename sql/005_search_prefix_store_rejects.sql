-- 005: a release of any size can be stored, and a page that cannot be stored is a reject.
--
-- The search vector indexes the body's first 100,000 characters: a tsvector holds at most
-- 1 MB of lexemes, and a long filing's body (big tables) passed that, so its row, and with
-- it the whole merge, failed. 100,000 characters are at most 400 kB of UTF-8, which stays
-- under the limit with the title and subtitle whatever the text (measured: under 500 kB
-- for 100,000 characters of distinct four-byte words). The whole body stays in body_text.
-- PostgreSQL 16 cannot change a generated column's expression: the column is re-added.
ALTER TABLE newswire.releases DROP COLUMN search;
ALTER TABLE newswire.releases ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') ||
    setweight(to_tsvector('english', left(coalesce(body_text, ''), 100000)), 'C')
) STORED;
CREATE INDEX releases_search_idx ON newswire.releases USING gin (search);

-- 'store': a page that was fetched and parsed but whose record the warehouse refused
-- (no release id, a value it cannot hold, a database error on that one row).
ALTER TABLE newswire.rejects DROP CONSTRAINT rejects_stage_check;
ALTER TABLE newswire.rejects ADD CONSTRAINT rejects_stage_check
    CHECK (stage IN ('fetch', 'parse', 'store'));
