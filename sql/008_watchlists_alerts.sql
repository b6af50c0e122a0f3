-- 008 (009 once issue 15A's 008 is merged): watchlists and the alerts they raise.
--
-- A watchlist names what an analyst follows (tickers, issuers, a full-text query: a release
-- matches when it names one of the tickers, OR comes from one of the issuers, OR matches the
-- query) and where its alerts go (an Airflow connection holding a webhook URL, OR a list of
-- e-mail addresses). Analysts may edit it in SQL: the trigger below refuses a bad row with a
-- message that says what is wrong.
CREATE TABLE newswire.watchlists (
    watchlist_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    tickers         text[] NOT NULL DEFAULT '{}',   -- 'EXCHANGE:SYMBOL', as release_tickers
    issuers         text[] NOT NULL DEFAULT '{}',   -- any spelling: matched normalized
    query           text,                           -- websearch_to_tsquery('english', query)
    webhook_conn_id text,                           -- an Airflow connection: the webhook URL
    email_to        text[],                         -- or these addresses (SMTP)
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION newswire.check_watchlist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad text;
BEGIN
    IF NEW.name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'watchlist name %: use 1-63 letters, digits, ".", "_" or "-"',
            quote_literal(NEW.name) USING ERRCODE = 'check_violation';
    END IF;
    NEW.tickers := ARRAY(SELECT DISTINCT upper(btrim(t)) FROM unnest(NEW.tickers) t ORDER BY 1);
    SELECT t INTO bad FROM unnest(NEW.tickers) t
    WHERE t !~ '^[A-Z][A-Z0-9 .&-]{0,19}:[A-Z0-9][A-Z0-9.-]{0,14}$' LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'watchlist %: ticker % is not EXCHANGE:SYMBOL (e.g. NASDAQ:WDAY)',
            NEW.name, quote_literal(bad) USING ERRCODE = 'check_violation';
    END IF;
    SELECT i INTO bad FROM unnest(NEW.issuers) i WHERE newswire.normalize_org_name(i) IS NULL LIMIT 1;
    IF bad IS NOT NULL OR array_position(NEW.issuers, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'watchlist %: issuer % has no name left once case, punctuation and'
            ' legal suffixes are ignored', NEW.name, quote_nullable(bad)
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.query := nullif(btrim(NEW.query), '');
    IF NEW.query IS NOT NULL AND numnode(websearch_to_tsquery('english', NEW.query)) = 0 THEN
        RAISE EXCEPTION 'watchlist %: query % has no searchable words (only stop words?)',
            NEW.name, quote_literal(NEW.query) USING ERRCODE = 'check_violation';
    END IF;
    IF cardinality(NEW.tickers) + cardinality(NEW.issuers) = 0 AND NEW.query IS NULL THEN
        RAISE EXCEPTION 'watchlist %: give at least one ticker, issuer or query', NEW.name
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.email_to := nullif(NEW.email_to, '{}');
    IF (NEW.webhook_conn_id IS NULL) = (NEW.email_to IS NULL) THEN
        RAISE EXCEPTION 'watchlist %: deliver to a webhook connection (webhook_conn_id) or to'
            ' e-mail addresses (email_to), one of the two', NEW.name
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.webhook_conn_id !~ '^[A-Za-z0-9_.-]{1,250}$' THEN
        RAISE EXCEPTION 'watchlist %: webhook_conn_id % is not an Airflow connection id',
            NEW.name, quote_literal(NEW.webhook_conn_id) USING ERRCODE = 'check_violation';
    END IF;
    SELECT e INTO bad FROM unnest(NEW.email_to) e
    WHERE e IS NULL OR e !~ '^[^@[:space:],<>"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$' LIMIT 1;
    IF bad IS NOT NULL OR array_position(NEW.email_to, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'watchlist %: % is not an e-mail address', NEW.name, quote_nullable(bad)
            USING ERRCODE = 'check_violation';
    END IF;
    IF cardinality(NEW.email_to) > 50 OR cardinality(NEW.tickers) > 500
       OR cardinality(NEW.issuers) > 500 OR length(NEW.query) > 1000 THEN
        RAISE EXCEPTION 'watchlist %: at most 500 tickers, 500 issuers, 50 addresses and a'
            ' 1,000-character query', NEW.name USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER watchlists_check BEFORE INSERT OR UPDATE ON newswire.watchlists
    FOR EACH ROW EXECUTE FUNCTION newswire.check_watchlist();

-- One alert per (watchlist, release), made by the load that first makes the release a match
-- (see newswire/warehouse/watchlists.py), then delivered by the alerting task of the
-- ingestion DAGs: pending -> sent, or failed after MAX_ATTEMPTS deliveries that failed.
CREATE TABLE newswire.alerts (
    alert_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    watchlist_id bigint NOT NULL REFERENCES newswire.watchlists ON DELETE CASCADE,
    wire         text NOT NULL,
    release_id   text NOT NULL,
    matched      text NOT NULL,                  -- what matched, e.g. 'ticker NASDAQ:WDAY'
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    FOREIGN KEY (wire, release_id) REFERENCES newswire.releases ON DELETE CASCADE,
    UNIQUE (watchlist_id, wire, release_id)
);
CREATE INDEX alerts_pending_idx ON newswire.alerts (alert_id) WHERE status = 'pending';
CREATE INDEX alerts_release_idx ON newswire.alerts (wire, release_id);
CREATE INDEX alerts_recent_idx ON newswire.alerts (watchlist_id, created_at DESC);
