-- 012: releases that correct another release, as PR Newswire issues them: a new release
-- titled "CORRECTION -- <original title>" whose body opens "In the news release, <title>,
-- issued <date> by <issuer> over PR Newswire, we are advised by the company that ..." and
-- ends with the complete corrected release. Each such release has a row here naming the
-- title it corrects, and the release it corrects once that release is loaded: the link is
-- made by whichever load comes second (newswire/warehouse/corrections.py), so a correction
-- loaded before its original is linked when the original arrives.

-- A title as compared for the link: case and runs of spaces ignored, its first 300
-- characters (an index key has a size limit; a title is at most 2,000 characters).
CREATE FUNCTION newswire.title_key(title text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
    SELECT left(lower(btrim(regexp_replace(title, '\s+', ' ', 'g'))), 300)
$$;

CREATE TABLE newswire.corrections (
    wire                text        NOT NULL,
    release_id          text        NOT NULL,   -- the CORRECTION release
    corrected_titles    text[]      NOT NULL,   -- title_key of the title it names (headline, body)
    corrects_wire       text,                   -- the release it corrects: NULL until loaded
    corrects_release_id text,
    linked_at           timestamptz,
    PRIMARY KEY (wire, release_id),
    FOREIGN KEY (wire, release_id) REFERENCES newswire.releases ON DELETE CASCADE,
    FOREIGN KEY (corrects_wire, corrects_release_id)
        REFERENCES newswire.releases (wire, release_id) ON DELETE SET NULL,
    CHECK ((corrects_wire, corrects_release_id) IS DISTINCT FROM (wire, release_id))
);
-- A release's page lists the corrections of it; a load reads the waiting ones (those whose
-- original is not loaded: corrects_release_id IS NULL) to compare their titles with its own.
CREATE INDEX corrections_corrects_idx ON newswire.corrections (corrects_wire, corrects_release_id);
-- A correction looks its original up by title.
CREATE INDEX releases_title_key_idx ON newswire.releases (newswire.title_key(title));
-- The links a load made (linked_at = the load transaction's now()): their alerts.
CREATE INDEX corrections_linked_at_idx ON newswire.corrections (linked_at);
