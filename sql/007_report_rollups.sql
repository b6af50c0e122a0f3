-- 007: rollups the report views read, so a report costs what it shows rather than a scan of
-- the whole warehouse (issue 14). Each rollup is recomputed, for the days (or issuers) a write
-- touched, by statement-level triggers on the tables it is computed from: a merge, a
-- correction that moves a release to another day or issuer, a delete, a reparse all keep them
-- equal to a from-scratch aggregate, in the writing transaction. Writers are serialized (the
-- merge lock), so the delete-and-insert of a day's rows never races.

CREATE TABLE newswire.rollup_releases_per_day (
    day      date   NOT NULL,
    wire     text   NOT NULL,
    releases bigint NOT NULL,
    issuers  bigint NOT NULL,                   -- distinct issuer organizations
    PRIMARY KEY (day, wire)
);
CREATE INDEX rollup_releases_per_day_order_idx
    ON newswire.rollup_releases_per_day (day DESC, wire);

CREATE TABLE newswire.rollup_releases_per_industry_day (
    day      date   NOT NULL,
    industry text   NOT NULL,
    releases bigint NOT NULL,
    PRIMARY KEY (day, industry)
);
CREATE INDEX rollup_releases_per_industry_day_order_idx
    ON newswire.rollup_releases_per_industry_day (day DESC, releases DESC, industry);

CREATE TABLE newswire.rollup_ingestion_lag (
    day        date     NOT NULL PRIMARY KEY,
    releases   bigint   NOT NULL,
    median_lag interval,
    max_lag    interval
);

CREATE TABLE newswire.rollup_ticker_mentions (
    week     date   NOT NULL,                   -- Monday of the ISO week (UTC)
    exchange text   NOT NULL,
    symbol   text   NOT NULL,
    releases bigint NOT NULL,
    PRIMARY KEY (week, exchange, symbol)
);
CREATE INDEX rollup_ticker_mentions_order_idx
    ON newswire.rollup_ticker_mentions (week DESC, releases DESC, exchange, symbol);

CREATE TABLE newswire.rollup_top_issuers (
    org_id         bigint NOT NULL PRIMARY KEY REFERENCES newswire.organizations,
    issuer         text   NOT NULL,             -- organizations.name
    releases       bigint NOT NULL,
    first_release  timestamptz,
    latest_release timestamptz
);
CREATE INDEX rollup_top_issuers_order_idx
    ON newswire.rollup_top_issuers (releases DESC, issuer);

-- Row counts of the big tables (warehouse_totals), kept by the same triggers.
CREATE TABLE newswire.row_counts (
    table_name text   NOT NULL PRIMARY KEY,
    rows       bigint NOT NULL
);

-- The releases published on the given UTC days (a range scan of the published_at index per day).
CREATE FUNCTION newswire.releases_on(days date[]) RETURNS SETOF newswire.releases
LANGUAGE sql STABLE AS $$
    SELECT r.*
    FROM unnest(days) AS d(day)
    JOIN newswire.releases r
      ON r.published_at >= d.day::timestamp AT TIME ZONE 'UTC'
     AND r.published_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
$$;

CREATE FUNCTION newswire.refresh_releases_per_day(days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM newswire.rollup_releases_per_day WHERE day = ANY(days);
    INSERT INTO newswire.rollup_releases_per_day (day, wire, releases, issuers)
    SELECT (published_at AT TIME ZONE 'UTC')::date, wire, count(*), count(DISTINCT issuer_org_id)
    FROM newswire.releases_on(days)
    GROUP BY 1, 2;
$$;

CREATE FUNCTION newswire.refresh_releases_per_industry_day(days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM newswire.rollup_releases_per_industry_day WHERE day = ANY(days);
    INSERT INTO newswire.rollup_releases_per_industry_day (day, industry, releases)
    SELECT (r.published_at AT TIME ZONE 'UTC')::date, i.name, count(*)
    FROM newswire.releases_on(days) r
    JOIN newswire.release_industries ri USING (wire, release_id)
    JOIN newswire.industries i USING (industry_id)
    GROUP BY 1, 2;
$$;

CREATE FUNCTION newswire.refresh_ingestion_lag(days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM newswire.rollup_ingestion_lag WHERE day = ANY(days);
    INSERT INTO newswire.rollup_ingestion_lag (day, releases, median_lag, max_lag)
    SELECT (r.published_at AT TIME ZONE 'UTC')::date, count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY v.first_seen_at - r.published_at),
           max(v.first_seen_at - r.published_at)
    FROM newswire.releases_on(days) r
    JOIN newswire.release_versions v
      ON (v.wire, v.release_id, v.version) = (r.wire, r.release_id, 1)
    GROUP BY 1;
$$;

-- Tickers are counted per ISO week: every week that holds one of the days is recomputed.
CREATE FUNCTION newswire.refresh_ticker_mentions(days date[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    mondays date[] := ARRAY(SELECT DISTINCT d - extract(isodow FROM d)::integer + 1
                            FROM unnest(days) AS d);
BEGIN
    DELETE FROM newswire.rollup_ticker_mentions WHERE week = ANY(mondays);
    INSERT INTO newswire.rollup_ticker_mentions (week, exchange, symbol, releases)
    SELECT date_trunc('week', r.published_at AT TIME ZONE 'UTC')::date, t.exchange, t.symbol,
           count(*)
    FROM newswire.releases_on(ARRAY(SELECT m + n FROM unnest(mondays) AS m,
                                                      generate_series(0, 6) AS n)) r
    JOIN newswire.release_tickers t USING (wire, release_id)
    GROUP BY 1, 2, 3;
END
$$;

CREATE FUNCTION newswire.refresh_top_issuers(orgs bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM newswire.rollup_top_issuers WHERE org_id = ANY(orgs);
    INSERT INTO newswire.rollup_top_issuers
        (org_id, issuer, releases, first_release, latest_release)
    SELECT o.org_id, o.name, count(*), min(r.published_at), max(r.published_at)
    FROM newswire.organizations o
    JOIN newswire.releases r ON r.issuer_org_id = o.org_id
    WHERE o.org_id = ANY(orgs)
    GROUP BY o.org_id, o.name;
$$;

CREATE FUNCTION newswire.count_rows(name text, delta bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE newswire.row_counts SET rows = rows + delta WHERE table_name = name AND delta <> 0;
$$;

-- The UTC days of a set of releases (NULL published_at has no day).
CREATE FUNCTION newswire.days_of(published timestamptz[]) RETURNS date[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT (p AT TIME ZONE 'UTC')::date), '{}')
    FROM unnest(published) AS p
    WHERE p IS NOT NULL
$$;

-- Trigger functions: one per table, for INSERT (new_rows), UPDATE (old_rows and new_rows)
-- and DELETE (old_rows) statements. Transition tables exist only for their events, so each
-- function reads old_rows / new_rows only where TG_OP has them.
-- What the rollups read of a release.
CREATE TYPE newswire.release_facts AS (
    wire text, release_id text, published_at timestamptz, issuer_org_id bigint);

-- A release counts out of its old day and issuer and into its new ones only when one of them
-- changed: a correction that keeps both touches no rollup. An issuer's count moves by the
-- releases added and removed, without a scan of its history.
CREATE FUNCTION newswire.rollups_after_releases() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_facts newswire.release_facts[] := '{}';
    new_facts newswire.release_facts[] := '{}';
    gone newswire.release_facts[];
    came newswire.release_facts[];
    days date[];
BEGIN
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

-- For the rows of a child table (release_versions, release_tickers, release_industries):
-- the days of their releases.
CREATE FUNCTION newswire.rollups_after_release_children() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    published timestamptz[] := '{}';
    removed bigint := 0;
    added bigint := 0;
BEGIN
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

CREATE FUNCTION newswire.count_organizations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM newswire.count_rows('organizations', (SELECT count(*) FROM new_rows));
    RETURN NULL;
END
$$;

CREATE TRIGGER rollups_after_insert AFTER INSERT ON newswire.releases
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_releases();
CREATE TRIGGER rollups_after_update AFTER UPDATE ON newswire.releases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_releases();
CREATE TRIGGER rollups_after_delete AFTER DELETE ON newswire.releases
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_releases();

CREATE TRIGGER rollups_after_insert AFTER INSERT ON newswire.release_versions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_update AFTER UPDATE ON newswire.release_versions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_delete AFTER DELETE ON newswire.release_versions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();

CREATE TRIGGER rollups_after_insert AFTER INSERT ON newswire.release_tickers
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_update AFTER UPDATE ON newswire.release_tickers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_delete AFTER DELETE ON newswire.release_tickers
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();

CREATE TRIGGER rollups_after_insert AFTER INSERT ON newswire.release_industries
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_update AFTER UPDATE ON newswire.release_industries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();
CREATE TRIGGER rollups_after_delete AFTER DELETE ON newswire.release_industries
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.rollups_after_release_children();

CREATE TRIGGER count_after_insert AFTER INSERT ON newswire.organizations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newswire.count_organizations();

-- The latest releases in the report's order (published_at DESC NULLS LAST, then the key):
-- the index on published_at DESC (nulls first) cannot serve it.
CREATE INDEX releases_latest_idx
    ON newswire.releases (published_at DESC NULLS LAST, wire, release_id);

-- Every rollup and count from scratch: carries existing rows over below, and rebuilds them
-- after a bulk load made with the triggers disabled (bench/scale.py).
CREATE FUNCTION newswire.refresh_rollups() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    days date[] := (SELECT newswire.days_of(array_agg(published_at)) FROM newswire.releases);
BEGIN
    PERFORM newswire.refresh_releases_per_day(days);
    PERFORM newswire.refresh_releases_per_industry_day(days);
    PERFORM newswire.refresh_ingestion_lag(days);
    PERFORM newswire.refresh_ticker_mentions(days);
    PERFORM newswire.refresh_top_issuers(ARRAY(SELECT org_id FROM newswire.organizations));
    DELETE FROM newswire.row_counts;
    INSERT INTO newswire.row_counts (table_name, rows)
    SELECT 'releases', count(*) FROM newswire.releases
    UNION ALL SELECT 'release_versions', count(*) FROM newswire.release_versions
    UNION ALL SELECT 'organizations', count(*) FROM newswire.organizations;
END
$$;

-- `newswire search --ticker WDAY` (no exchange) looks tickers up by symbol alone.
CREATE INDEX release_tickers_symbol_only_idx ON newswire.release_tickers (symbol);

-- Carry existing rows over.
SELECT newswire.refresh_rollups();
