-- The trigger functions that keep the report rollups (migrations 007 and 009) equal to a
-- from-scratch aggregate inside the writing transaction. Repeatable: `newswire db migrate`
-- re-applies this file whenever it changes, so a change is an edit here, not a migration that
-- restates a function whole.
--
-- PostgreSQL fires a statement-level trigger for every statement, also one that wrote no row:
-- each function returns at once when its transition tables are empty, so a merge that wrote
-- nothing (an empty run) pays for no rollup.

CREATE OR REPLACE FUNCTION newswire.rollups_after_releases() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_facts newswire.release_facts[] := '{}';
    new_facts newswire.release_facts[] := '{}';
    gone newswire.release_facts[];
    came newswire.release_facts[];
    days date[];
BEGIN
    -- A statement that wrote no row changes no rollup: return before reading anything.
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;
    ELSIF NOT EXISTS (SELECT FROM old_rows) THEN  -- an UPDATE has as many old rows as new
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT coalesce(array_agg((wire, release_id, published_at, issuer_org_id)
                                  ::newswire.release_facts), '{}')
        INTO old_facts FROM old_rows;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT coalesce(array_agg((wire, release_id, published_at, issuer_org_id)
                                  ::newswire.release_facts), '{}')
        INTO new_facts FROM new_rows;
    END IF;
    gone := ARRAY(SELECT f::newswire.release_facts FROM (
                      SELECT * FROM unnest(old_facts) EXCEPT SELECT * FROM unnest(new_facts)) f);
    came := ARRAY(SELECT f::newswire.release_facts FROM (
                      SELECT * FROM unnest(new_facts) EXCEPT SELECT * FROM unnest(old_facts)) f);

    days := newswire.days_of(ARRAY(SELECT published_at FROM unnest(gone)
                                   UNION ALL SELECT published_at FROM unnest(came)));
    PERFORM newswire.refresh_releases_per_day(days);
    PERFORM newswire.refresh_releases_per_industry_day(days);
    PERFORM newswire.refresh_ingestion_lag(days);
    PERFORM newswire.refresh_ticker_mentions(days);

    -- Issuers by deltas (the INSERT and UPDATE triggers of one upsert both apply theirs); an
    -- issuer's first or latest release is looked up again only when that release left it.
    INSERT INTO newswire.rollup_top_issuers AS t
        (org_id, issuer, releases, first_release, latest_release)
    SELECT o.org_id, o.name, count(*), min(c.published_at), max(c.published_at)
    FROM unnest(came) c JOIN newswire.organizations o ON o.org_id = c.issuer_org_id
    GROUP BY o.org_id, o.name
    ON CONFLICT (org_id) DO UPDATE SET
        releases = t.releases + EXCLUDED.releases,
        first_release = least(t.first_release, EXCLUDED.first_release),
        latest_release = greatest(t.latest_release, EXCLUDED.latest_release);
    UPDATE newswire.rollup_top_issuers t SET releases = t.releases - g.releases
    FROM (SELECT issuer_org_id, count(*) AS releases FROM unnest(gone) GROUP BY 1) g
    WHERE t.org_id = g.issuer_org_id;
    UPDATE newswire.rollup_top_issuers t
    SET first_release = b.first_release, latest_release = b.latest_release
    FROM (SELECT DISTINCT g.issuer_org_id
          FROM unnest(gone) g JOIN newswire.rollup_top_issuers t ON t.org_id = g.issuer_org_id
          WHERE g.published_at IN (t.first_release, t.latest_release)) moved,
         LATERAL (SELECT min(r.published_at) AS first_release,
                         max(r.published_at) AS latest_release
                  FROM newswire.releases r WHERE r.issuer_org_id = moved.issuer_org_id) b
    WHERE t.org_id = moved.issuer_org_id;
    DELETE FROM newswire.rollup_top_issuers
    WHERE org_id IN (SELECT issuer_org_id FROM unnest(gone)) AND releases = 0;

    PERFORM newswire.count_rows('releases',
                                cardinality(new_facts)::bigint - cardinality(old_facts));
    RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION newswire.rollups_after_release_children() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    published timestamptz[] := '{}';
    removed bigint := 0;
    added bigint := 0;
BEGIN
    -- A statement that wrote no row changes no rollup: return before reading anything.
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;
    ELSIF NOT EXISTS (SELECT FROM old_rows) THEN  -- an UPDATE has as many old rows as new
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT published || array_agg(r.published_at), count(*) INTO published, removed
        FROM old_rows c LEFT JOIN newswire.releases r USING (wire, release_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT published || array_agg(r.published_at), count(*) INTO published, added
        FROM new_rows c LEFT JOIN newswire.releases r USING (wire, release_id);
    END IF;
    IF TG_TABLE_NAME = 'release_versions' THEN
        PERFORM newswire.refresh_ingestion_lag(newswire.days_of(published));
        PERFORM newswire.count_rows('release_versions', added - removed);
    ELSIF TG_TABLE_NAME = 'release_tickers' THEN
        PERFORM newswire.refresh_ticker_mentions(newswire.days_of(published));
    ELSE
        PERFORM newswire.refresh_releases_per_industry_day(newswire.days_of(published));
    END IF;
    RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION newswire.count_organizations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;
    PERFORM newswire.count_rows('organizations', (SELECT count(*) FROM new_rows));
    RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION newswire.latency_after_releases() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    published timestamptz[] := '{}';
BEGIN
    -- A statement that wrote no row changes no rollup: return before reading anything.
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;
    ELSIF NOT EXISTS (SELECT FROM old_rows) THEN  -- an UPDATE has as many old rows as new
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(o.published_at) || array_agg(n.published_at), '{}')
        INTO published
        FROM old_rows o JOIN new_rows n USING (wire, release_id)
        WHERE o.published_at IS DISTINCT FROM n.published_at;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT coalesce(array_agg(published_at), '{}') INTO published FROM new_rows;
    ELSE
        SELECT coalesce(array_agg(published_at), '{}') INTO published FROM old_rows;
    END IF;
    PERFORM newswire.refresh_ingestion_latency(newswire.days_of(published));
    RETURN NULL;
END
$$;
