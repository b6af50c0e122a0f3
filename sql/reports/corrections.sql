-- Releases that correct another release ("CORRECTION -- <title>", 012), newest first: the
-- release they correct, or NULL while it is not loaded (the link is made when it is).
DROP VIEW IF EXISTS newswire.report_corrections;
CREATE VIEW newswire.report_corrections AS
SELECT r.published_at, c.wire, c.release_id, r.title,
       c.corrects_release_id, o.title AS corrects_title, o.published_at AS corrects_published_at,
       c.linked_at
FROM newswire.corrections c
JOIN newswire.releases r USING (wire, release_id)
LEFT JOIN newswire.releases o
       ON (o.wire, o.release_id) = (c.corrects_wire, c.corrects_release_id)
ORDER BY r.published_at DESC NULLS LAST, c.wire, c.release_id;
