-- The parser's issue-3 fields: the wire's subject tags, the dateline's date and the body's
-- word count. Existing rows get them on their next load or `newswire reparse`.
ALTER TABLE newswire.releases
    ADD COLUMN subjects      text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN dateline_date date,
    ADD COLUMN word_count    integer NOT NULL DEFAULT 0;

CREATE INDEX releases_subjects_idx ON newswire.releases USING gin (subjects);
