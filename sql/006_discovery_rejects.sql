-- 006: what discovery could not read (a feed moved, a challenge page, the site blocking us)
-- is recorded with the run, as a reject of stage 'discover'; it is never retried as a page.
ALTER TABLE newswire.rejects DROP CONSTRAINT rejects_stage_check;
ALTER TABLE newswire.rejects ADD CONSTRAINT rejects_stage_check
    CHECK (stage IN ('fetch', 'parse', 'store', 'discover'));
