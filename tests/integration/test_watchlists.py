"""Watchlists on a real warehouse: what the load matches (tickers, issuers normalized, the
full-text query), once per (release, watchlist); what the warehouse refuses, in SQL and
through the real `newswire watchlist` command; claiming pending alerts."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from newswire.warehouse import runs, watchlists
from newswire.warehouse.loading import merge_staged, stage
from newswire.warehouse.watchlists import MAX_ATTEMPTS, Watchlist, WatchlistError
from tests.support.postgres import as_superuser
from tests.support.records import load, make_record, staged

NEWSWIRE = str(Path(sys.executable).with_name("newswire"))
ALERTS = """SELECT w.name, a.release_id, a.matched FROM newswire.alerts a
            JOIN newswire.watchlists w USING (watchlist_id) ORDER BY 1, 2"""


def rid(i: int) -> str:
    return make_record(i)["release_id"]


def test_a_ticker_watchlist_alerts_each_release_naming_it_once(warehouse, query):
    watchlists.add(warehouse, Watchlist("wday", tickers=["nasdaq:wday"], webhook_conn_id="hook"))
    load(warehouse, "r1", [make_record(i) for i in range(6)])  # even ones name NASDAQ:WDAY
    expected = [("wday", rid(i), "ticker NASDAQ:WDAY") for i in (0, 2, 4)]
    assert query(warehouse, ALERTS) == expected
    # The same releases again, then a correction of an alerted one: nothing new.
    load(warehouse, "r2", [make_record(i) for i in range(6)])
    load(warehouse, "r3", [make_record(2, title="CORRECTION: Release number 2")])
    assert query(warehouse, ALERTS) == expected
    # A correction that makes a release match for the first time alerts once.
    load(warehouse, "r4", [make_record(3, tickers=[{"exchange": "NASDAQ", "symbol": "WDAY"}])])
    assert query(warehouse, ALERTS) == sorted([*expected, ("wday", rid(3), "ticker NASDAQ:WDAY")])


def test_an_issuer_matches_any_spelling_of_the_organization(warehouse, query):
    watchlists.add(warehouse, Watchlist("workday", issuers=["WORKDAY"], email_to=["a@b.example"]))
    # ISSUERS cycle: "Workday Inc.", "Workday, Inc.", "Global Times", "Zoë Industries GmbH"
    load(warehouse, "r1", [make_record(i) for i in range(4)])
    assert query(warehouse, ALERTS) == [
        ("workday", rid(0), "issuer Workday Inc."),
        ("workday", rid(1), "issuer Workday, Inc."),
    ]


def test_a_query_matches_as_newswire_search_does(warehouse, query):
    watchlists.add(warehouse, Watchlist("n3", query='"number 3" -zebra', webhook_conn_id="h"))
    watchlists.add(warehouse, Watchlist("both", ["NYSE:XYZ"], ["Zoë Industries"], "number 3", "h"))
    load(warehouse, "r1", [make_record(i) for i in range(8)])
    assert query(warehouse, ALERTS) == [
        ("both", rid(3), "issuer Zoë Industries GmbH; query number 3"),
        ("both", rid(7), "issuer Zoë Industries GmbH"),
        ("n3", rid(3), 'query "number 3" -zebra'),
    ]


def test_a_watchlist_at_its_limits_costs_the_load_its_size_once_not_per_release(
    warehouse, pg_server, query
):
    """A watchlist with 500 issuers and a 1,000-character query: the load normalizes its
    issuers and parses its query once, not once per release (before: 500 normalizations per
    release loaded, 10 s for a 1,000-release load). Counted by the server, not timed."""
    issuers = [f"Watched Issuer Number {n}, Inc." for n in range(500)]
    words = " OR ".join(f"wd{n}" for n in range(100))
    watchlists.add(
        warehouse,
        Watchlist("big", issuers=issuers, query=words, webhook_conn_id="hook"),
    )
    batch = [make_record(i, issuer=issuers[7] if i == 3 else None) for i in range(40)]
    # Counted as the superuser: track_functions is the administrator's setting.
    with psycopg2.connect(as_superuser(pg_server, warehouse)) as conn, conn.cursor() as cur:
        runs.open_run(cur, "limits", "test")
        stage(cur, "limits", staged(batch))
        cur.execute("SET track_functions = 'all'")
        merge_staged(cur, "limits")
        cur.execute(
            "SELECT calls FROM pg_stat_xact_user_functions WHERE funcname = 'normalize_org_name'"
        )
        (calls,) = cur.fetchone()
    conn.close()
    # Twice per release for the batch's organizations, once per watched issuer.
    assert calls <= 2 * len(batch) + len(issuers)
    assert query(warehouse, ALERTS) == [("big", rid(3), f"issuer {issuers[7]}")]


def test_releases_loaded_before_a_watchlist_do_not_alert_it(warehouse, query):
    load(warehouse, "r1", [make_record(0)])
    watchlists.add(warehouse, Watchlist("late", ["NASDAQ:WDAY"], webhook_conn_id="h"))
    load(warehouse, "r2", [make_record(0, title="CORRECTION"), make_record(2)])
    assert query(warehouse, ALERTS) == [("late", rid(2), "ticker NASDAQ:WDAY")]


@pytest.mark.parametrize(
    "values, message",
    [
        ("('a b', '{NASDAQ:X}', 'h', NULL)", "watchlist name 'a b': use 1-63 letters"),
        ("('x', '{WDAY}', 'h', NULL)", "ticker 'WDAY' is not EXCHANGE:SYMBOL"),
        ("('x', '{}', 'h', NULL)", "give at least one ticker, issuer or query"),
        ("('x', '{NASDAQ:X}', NULL, NULL)", "deliver to a webhook connection"),
        ("('x', '{NASDAQ:X}', 'h', '{a@b.example}')", "one of the two"),
        ("('x', '{NASDAQ:X}', NULL, '{not-an-address}')", "'not-an-address' is not an e-mail"),
        ("('x', '{NASDAQ:X}', 'bad id!', NULL)", "'bad id!' is not an Airflow connection id"),
    ],
)
def test_a_bad_row_written_in_sql_is_refused_with_a_clear_message(warehouse, values, message):
    conn = psycopg2.connect(warehouse)
    try:
        with pytest.raises(psycopg2.errors.CheckViolation, match=message), conn.cursor() as cur:
            cur.execute(
                "INSERT INTO newswire.watchlists (name, tickers, webhook_conn_id, email_to)"
                f" VALUES {values}"
            )
    finally:
        conn.close()


def test_a_query_of_stop_words_only_is_refused(warehouse):
    with pytest.raises(WatchlistError, match="query 'the and' has no searchable words"):
        watchlists.add(warehouse, Watchlist("x", query="the and", webhook_conn_id="h"))


def test_pending_alerts_are_locked_one_at_a_time_and_bounded(warehouse, query):
    watchlists.add(warehouse, Watchlist("wday", ["NASDAQ:WDAY"], webhook_conn_id="h"))
    load(warehouse, "r1", [make_record(i) for i in range(4)])  # alerts for 0 and 2
    status = "SELECT release_id, status, attempts, last_error FROM newswire.alerts ORDER BY 1"

    # A second delivery running meanwhile skips the locked alert and takes the next one.
    first = watchlists.pending_alerts(warehouse, limit=10)
    held = next(first)
    assert (held.alert.title, held.alert.tickers) == ("Release number 0", ["NASDAQ:WDAY"])
    others = [d.alert.release_id for d in watchlists.pending_alerts(warehouse, limit=10)]
    assert (held.alert.release_id, others) == (rid(0), [rid(2)])  # left without an outcome
    held.failed("HTTP 500")
    first.close()
    assert query(warehouse, status) == [
        (rid(0), "pending", 1, "HTTP 500"),
        (rid(2), "pending", 0, None),  # rolled back: still pending, no attempt counted
    ]

    for _ in range(MAX_ATTEMPTS - 1):  # the last attempt gives up
        given_up = [d.failed("HTTP 500") for d in watchlists.pending_alerts(warehouse, limit=1)]
    assert given_up == [True]
    assert query(warehouse, status)[0] == (rid(0), "failed", MAX_ATTEMPTS, "HTTP 500")
    for delivery in watchlists.pending_alerts(warehouse, limit=10):
        delivery.sent()
    assert query(warehouse, status)[1][1:] == ("sent", 1, None)
    assert [d for d in watchlists.pending_alerts(warehouse, limit=10)] == []


# -- the command --------------------------------------------------------------------------
def newswire(*args: str, dsn: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSWIRE_DSN": dsn}
    return subprocess.run(
        [NEWSWIRE, "watchlist", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_watchlist_add_list_remove(warehouse, query):
    added = newswire(
        "add",
        "wday",
        "--ticker",
        "NASDAQ:WDAY",
        "--issuer",
        "Workday Inc.",
        "--webhook",
        "hook",
        dsn=warehouse,
    )
    assert (added.returncode, added.stdout, added.stderr) == (0, "watchlist wday declared\n", "")
    assert newswire("add", "mail", "--query", "earnings", "--email", "a@b.example", "--email",
                    "c@d.example", dsn=warehouse).returncode == 0  # fmt: skip
    load(warehouse, "r1", [make_record(0)])

    listed = newswire("list", dsn=warehouse)
    assert listed.returncode == 0, listed.stderr
    header, _, mail, wday = listed.stdout.splitlines()
    assert header.split()[:2] == ["name", "tickers"]
    assert mail.split() == ["mail", "earnings", "a@b.example,", "c@d.example", "0/0/0"]
    assert wday.startswith("wday  NASDAQ:WDAY  Workday Inc.") and "0/1/0" in wday
    assert wday.endswith("Release number 0")

    redeclared = newswire("add", "mail", "--issuer", "Acme", "--email", "x@y.example", "--replace",
                          dsn=warehouse)  # fmt: skip
    assert redeclared.stdout == "watchlist mail redeclared\n"
    assert query(warehouse, "SELECT issuers, query, email_to FROM newswire.watchlists"
                 " WHERE name = 'mail'") == [(["Acme"], None, ["x@y.example"])]  # fmt: skip

    removed = newswire("remove", "wday", dsn=warehouse)
    assert (removed.returncode, removed.stdout) == (0, "watchlist wday removed\n")
    assert query(warehouse, "SELECT count(*) FROM newswire.alerts") == [(0,)]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["add", "x", "--ticker", "WDAY", "--webhook", "h"], 1,
         "newswire watchlist add: watchlist x: ticker 'WDAY' is not EXCHANGE:SYMBOL"
         " (e.g. NASDAQ:WDAY)"),
        (["add", "x", "--webhook", "h"], 1,
         "newswire watchlist add: watchlist x: give at least one ticker, issuer or query"),
        (["add", "x", "--query", "q"], 2,
         "newswire watchlist add: error: one of the arguments --webhook --email is required"
         " (see newswire watchlist add --help)"),
        (["add", "dup", "--query", "q", "--webhook", "h"], 1,
         "newswire watchlist add: a watchlist 'dup' exists already (--replace redeclares it)"),
        (["remove", "nope"], 1, "newswire watchlist remove: no watchlist 'nope'"),
    ],
)  # fmt: skip
def test_watchlist_errors_are_one_line(warehouse, args, code, message):
    watchlists.add(warehouse, Watchlist("dup", query="q", webhook_conn_id="h"))
    result = newswire(*args, dsn=warehouse)
    assert (result.returncode, result.stderr, result.stdout) == (code, message + "\n", "")


def test_watchlist_on_a_warehouse_without_tables_says_to_migrate(empty_db):
    result = newswire("list", dsn=empty_db)
    assert result.returncode == 1
    assert result.stderr == (
        "newswire watchlist list: the warehouse has no tables yet:"
        " run `newswire db migrate` first\n"
    )


def test_the_old_spelling_watch_is_refused_with_the_new_one():
    """`watch` named both the feed watcher and the watchlists: the command is `watchlist`."""
    result = subprocess.run(
        [NEWSWIRE, "watch", "add", "x", "--query", "q"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("newswire watch: renamed: type `newswire watchlist add x --query q`\n")
