"""Releases that correct another release (``newswire.corrections``, migration 012).

PR Newswire corrects a release in place (a new version of it, the same id) or by a new
release titled "CORRECTION -- <original title>", whose body opens "In the news release,
<title>, issued <date> by <issuer> over PR Newswire, we are advised by the company that ..."
and ends with the complete corrected release. :func:`link_corrections` runs inside the
load's merge transaction (:func:`~newswire.warehouse.loading.merge_staged`), on the batch it
just merged:

1. every release of the batch titled "CORRECTION -- ..." gets a row naming the title it
   corrects (the headline's, and the body's "In the news release, <title>, issued" when it
   differs), unless one of its own earlier versions had that title (a correction made in
   place, with a new title, is a version, not a link);
2. every correction still waiting whose title is the batch's, and every correction of the
   batch, is linked to the release of that title on the same wire: the one of the same
   issuer first, then the newest published at or before the correction.

So the link is made by whichever of the two loads comes second; a load reads its own
corrections, the waiting ones and the releases of the titles they name, each through an
index. Titles are compared by ``newswire.title_key``: case and runs of spaces ignored.
"""

from __future__ import annotations

# 1. The batch's corrections, rewritten for each current row the batch replaced.
_FORGET = """
DELETE FROM newswire.corrections c USING _batch b
WHERE (c.wire, c.release_id) = (b.wire, b.release_id) AND b.replaces AND NOT b.inserted
"""
_RECORD = r"""
INSERT INTO newswire.corrections (wire, release_id, corrected_titles)
SELECT r.wire, r.release_id, t.keys
FROM _batch b
JOIN newswire.releases r USING (wire, release_id)
CROSS JOIN LATERAL (SELECT ARRAY(
    SELECT DISTINCT k FROM unnest(ARRAY[
        newswire.title_key((regexp_match(r.title,
            '^\s*correction\s*(?:--|-|–|—)\s*(.+)$', 'i'))[1]),
        newswire.title_key(btrim((regexp_match(left(r.body_text, 3000),
            'in the news release,\s*([^\n]+?),\s*issued\s', 'i'))[1], ' "“”'))
    ]) k WHERE k <> '' ORDER BY k) AS keys) t
WHERE b.replaces
  AND r.title ~* '^\s*correction\s*(--|-|–|—)'
  AND NOT EXISTS (
      SELECT 1 FROM newswire.release_versions v
      WHERE (v.wire, v.release_id) = (r.wire, r.release_id)
        AND newswire.title_key(v.record->>'title') = ANY (t.keys))
ORDER BY r.wire, r.release_id
"""
# 2. Links: the corrections of the batch, then those waiting for a title of the batch (two
#    statements, so that each reads its corrections through an index: the primary key, and
#    the waiting ones, corrects_release_id IS NULL). The original is looked up by the index
#    on its title.
_LINK = """
UPDATE newswire.corrections c
SET corrects_wire = o.wire, corrects_release_id = o.release_id, linked_at = now()
FROM newswire.releases fix
CROSS JOIN LATERAL (
    SELECT o.wire, o.release_id
    FROM newswire.releases o
    WHERE newswire.title_key(o.title) = ANY ((
              SELECT w.corrected_titles FROM newswire.corrections w
              WHERE (w.wire, w.release_id) = (fix.wire, fix.release_id))::text[])
      AND o.wire = fix.wire AND (o.wire, o.release_id) <> (fix.wire, fix.release_id)
    ORDER BY o.issuer_org_id IS NOT DISTINCT FROM fix.issuer_org_id DESC,
             o.published_at <= fix.published_at DESC NULLS LAST,
             o.published_at DESC NULLS LAST, o.release_id
    LIMIT 1
) o
WHERE (fix.wire, fix.release_id) = (c.wire, c.release_id)
  AND c.corrects_release_id IS NULL
  AND {which}
"""
_OF_THE_BATCH = "(c.wire, c.release_id) IN (SELECT wire, release_id FROM _batch WHERE replaces)"
_WAITING_FOR_THE_BATCH = """c.corrected_titles && ARRAY(
      SELECT newswire.title_key(r.title)
      FROM _batch b JOIN newswire.releases r USING (wire, release_id)
      WHERE b.replaces)"""


def link_corrections(cur) -> int:
    """Record the merge's batch's corrections and link those whose corrected release is
    loaded (inside the merge's transaction, before ``_batch`` is dropped); returns how many
    links were made. A warehouse whose schema predates migration 012 has none."""
    cur.execute("SELECT to_regclass('newswire.corrections')")
    if cur.fetchone()[0] is None:
        return 0
    cur.execute(_FORGET)
    cur.execute(_RECORD)
    linked = 0
    for which in (_OF_THE_BATCH, _WAITING_FOR_THE_BATCH):
        cur.execute(_LINK.format(which=which))
        linked += cur.rowcount
    return linked
