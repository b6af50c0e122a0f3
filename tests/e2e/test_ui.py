"""The "Newswire" page of the Airflow UI.

Fast: the plugin's FastAPI app with a test client, against a real warehouse holding a known
dataset, authenticated with real Airflow JWTs. Slow: a real `airflow standalone` serving the
plugin, driven by headless Chromium: log in, open the page inside the UI, read it, and save a
screenshot.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html

from newswire.warehouse.connection import connect
from tests.support.airflow import airflow_env, free_port, running_standalone
from tests.support.records import FETCHED_AT, correction_of, load, make_record

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ODD_TITLE = "Acme <b>&</b> Co. names a <script>chief</script>"


def seed(dsn: str) -> list[dict]:
    """Eight releases over three days (2025-02-17: 2, 02-18: 4, 02-19: 2), one of them with
    markup in its title, and one open fetch reject."""
    records = [make_record(i) for i in range(7)] + [make_record(7, title=ODD_TITLE)]
    load(dsn, "seed-run", records)
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO newswire.rejects (run_key, url, stage, reason, http_status)
                       VALUES ('seed-run', 'https://www.prnewswire.com/news-releases/gone.html',
                               'fetch', 'http_404', 404)""")
    return records


@pytest.fixture(scope="module")
def auth_manager(airflow_db):
    from airflow.api_fastapi.app import create_auth_manager

    return create_auth_manager()


@pytest.fixture
def viewer_token(auth_manager):
    """A real JWT of the simple auth manager for a user with the lowest role."""
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    return auth_manager.generate_jwt(SimpleAuthManagerUser(username="reader", role="VIEWER"))


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from newswire_airflow.ui.app import app

    with TestClient(app) as test_client:
        yield test_client


def get_page(client, token, monkeypatch, dsn):
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", dsn)
    return client.get("/", headers={"Authorization": f"Bearer {token}"})


def test_the_page_needs_an_airflow_login(client, auth_manager, warehouse, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer not-a-token"}).status_code == 403


def test_an_expired_login_is_asked_to_log_in_again(client, auth_manager, warehouse, monkeypatch):
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    expired = auth_manager.generate_jwt(
        SimpleAuthManagerUser(username="reader", role="VIEWER"), expiration_time_in_seconds=-3600
    )
    assert client.get("/", headers={"Authorization": f"Bearer {expired}"}).status_code == 401


def test_page_shows_the_warehouse(client, viewer_token, warehouse, monkeypatch):
    records = seed(warehouse)
    response = get_page(client, viewer_token, monkeypatch, warehouse)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = html.fromstring(response.text)
    assert page.findtext(".//h1") == "Newswire warehouse"
    totals = page.find(".//p[@class='totals']").text_content()
    assert "8 releases (8 versions) from 3 organizations" in totals

    bars = page.findall(".//svg[@id='releases-per-day']/rect")  # the days that have releases
    counts = [(bar.get("data-day"), int(bar.get("data-releases"))) for bar in bars]
    assert counts == [("2025-02-17", 2), ("2025-02-18", 4), ("2025-02-19", 2)]

    links = page.findall(".//table[@id='latest-releases']//a")
    newest_first = sorted(records, key=lambda r: r["published_at"], reverse=True)
    assert [(a.text_content(), a.get("href")) for a in links] == [
        (r["title"], f"releases/prnewswire/{r['release_id']}") for r in newest_first
    ]
    assert page.find(".//form[@role='search']").get("action") == "search"
    assert ODD_TITLE not in response.text  # shown as text, not as markup

    tables = {h2.text_content().split(" (")[0]: h2.getnext() for h2 in page.findall(".//h2")}
    rejects = [
        [td.text_content() for td in tr.findall("td")]
        for tr in tables["Rejects by reason"].findall(".//tbody/tr")
    ]
    assert [row[:4] for row in rejects] == [["fetch", "http_404", "1", "1"]]
    lag = [
        [td.text_content() for td in tr.findall("td")]
        for tr in tables["Ingestion lag"].findall(".//tbody/tr")
    ]
    assert [(row[0], row[1]) for row in lag] == [
        ("2025-02-19", "2"),
        ("2025-02-18", "4"),
        ("2025-02-17", "2"),
    ]
    assert all(row[2].endswith(" h") or " d" in row[2] for row in lag)  # published long ago
    latency = [
        [td.text_content() for td in tr.findall("td")]
        for tr in page.findall(".//table[@id='ingestion-latency']/tbody/tr")
    ]
    assert [(row[0], row[1], row[2], row[6]) for row in latency] == [
        ("2025-02-19", "prnewswire", "2", "0"),
        ("2025-02-18", "prnewswire", "4", "0"),
        ("2025-02-17", "prnewswire", "2", "0"),
    ]
    # published in 2025, loaded now: durations as people read them ("321 d 9 h"), not seconds
    assert all(re.fullmatch(r"\d+ d( \d+ h)?", cell) for row in latency for cell in row[3:6])


def test_the_ui_session_cookie_is_enough(client, viewer_token, warehouse, monkeypatch):
    """The UI's iframe sends no Authorization header, only the session cookie."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    client.cookies.set("_token", viewer_token)
    response = client.get("/")
    assert response.status_code == 200
    totals = html.fromstring(response.text).find(".//p[@class='totals']").text_content()
    assert totals == "No releases yet. Ingestion runs: 0. Open rejects: 0."


def test_an_unreadable_warehouse_gives_a_503_that_says_why(
    client, viewer_token, empty_db, monkeypatch
):
    response = get_page(client, viewer_token, monkeypatch, empty_db)
    assert response.status_code == 503
    assert "newswire db migrate" in response.text and "report_warehouse_totals" in response.text
    for path in ("/search?q=acme", "/releases/prnewswire/302000001"):
        response = client.get(path, headers={"Authorization": f"Bearer {viewer_token}"})
        assert response.status_code == 503
        assert "newswire db migrate" in response.text and "newswire.releases" in response.text


def test_a_missing_connection_gives_a_503_that_says_so(client, viewer_token, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", raising=False)
    response = client.get("/", headers={"Authorization": f"Bearer {viewer_token}"})
    assert response.status_code == 503
    assert "<code>newswire_warehouse</code> is not set" in response.text


# -- the analyst pages: search, and a release with its versions ----------------------------
# Release 1 of `seed`, corrected a day later: a new title, a ticker, an image (and a hostile
# "image"), its first paragraph changed and a paragraph with markup added.
CORRECTION = {
    "title": "Release number 1 (corrected)",
    "body_text": (
        "NEW YORK, Feb. 17, 2025 /PRNewswire/ -- Body of release 1, revised.\n\n"
        "Second paragraph.\n\n<img src=x onerror=alert(1)> Revenue was $12 million."
    ),
    "tickers": [{"exchange": "NYSE", "symbol": "ACME"}],
    "images": ["javascript:alert(1)", "https://cdn.example.com/logo.png"],
}


def correct(dsn: str) -> dict:
    corrected = make_record(1, **CORRECTION)
    load(dsn, "correction", [corrected], fetched=FETCHED_AT + timedelta(days=1))
    return corrected


def get(client, token, monkeypatch, dsn, path):
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", dsn)
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def rows_of(page, table_id: str) -> list[list[str]]:
    return [
        [td.text_content() for td in tr.findall("td")]
        for tr in page.findall(f".//table[@id='{table_id}']/tbody/tr")
    ]


def test_the_analyst_pages_need_an_airflow_login(client, auth_manager, warehouse, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_NEWSWIRE_WAREHOUSE", warehouse)
    assert client.get("/search?q=release").status_code == 401
    assert client.get("/releases/prnewswire/302000001").status_code == 401


def test_search_page_finds_filters_and_links_releases(client, viewer_token, warehouse, monkeypatch):
    seed(warehouse)
    correct(warehouse)

    def hits(path: str) -> list[list[str]]:
        response = get(client, viewer_token, monkeypatch, warehouse, path)
        assert response.status_code == 200, response.text
        assert ODD_TITLE not in response.text  # shown as text, not as markup
        return rows_of(html.fromstring(response.text), "search-results")

    newest = hits("/search?q=body+release&order=recent&limit=50")
    assert [row[3] for row in newest] == [ODD_TITLE] + [
        f"Release number {i}" for i in (6, 5, 4, 3, 2)
    ] + ["Release number 1 (corrected)", "Release number 0"]
    page = html.fromstring(
        get(client, viewer_token, monkeypatch, warehouse, "/search?q=revised").text
    )
    (link,) = page.findall(".//table[@id='search-results']//a")
    assert (link.text, link.get("href")) == (CORRECTION["title"], "releases/prnewswire/302000001")
    assert page.find(".//input[@name='q']").get("value") == "revised"

    assert [row[3] for row in hits("/search?q=body&ticker=NYSE:ACME")] == [CORRECTION["title"]]
    assert hits("/search?q=body&ticker=NASDAQ:ACME") == []
    assert len(hits("/search?q=body&issuer=workday+inc")) == 4  # 0, 1, 4, 5: two spellings
    until = hits("/search?q=body&until=2025-02-17&order=recent")  # 14:00 and 20:00 that day
    assert [row[3] for row in until] == [CORRECTION["title"], "Release number 0"]
    assert len(hits("/search?q=body&since=2025-02-18&until=2025-02-18")) == 4
    assert (
        "No release matches."
        in get(client, viewer_token, monkeypatch, warehouse, "/search?q=nothing+like+this").text
    )
    assert "Type words" in get(client, viewer_token, monkeypatch, warehouse, "/search").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=body&since=2025-13-01", "since is not a date: write it as YYYY-MM-DD"),
        ("q=body&since=2025-02-19&until=2025-02-18", "since is after until"),
        ("q=" + "x" * 201, "q is longer than 200 characters"),
        ("q=body&ticker=" + "T" * 31, "ticker is longer than 30 characters"),
        ("q=body&limit=100000", "limit must be one of 20, 50, 100"),
        ("q=body&order=random()", "order must be one of rank, recent"),
    ],
)
def test_search_page_refuses_inputs_it_cannot_use(
    client, viewer_token, warehouse, monkeypatch, query, message
):
    response = get(client, viewer_token, monkeypatch, warehouse, f"/search?{query}")
    assert response.status_code == 400
    alert = html.fromstring(response.text).find(".//p[@role='alert']").text_content()
    assert alert == f"Cannot search: {message}."


def test_search_page_shows_what_was_typed_as_text(client, viewer_token, warehouse, monkeypatch):
    typed = '"><script>alert(1)</script>'
    response = client.get(
        "/search",
        params={"q": typed, "since": "soon"},
        headers={"Authorization": f"Bearer {viewer_token}"},
    )
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text
    assert html.fromstring(response.text).find(".//input[@name='q']").get("value") == typed


def test_release_page_shows_fields_versions_and_what_a_correction_changed(
    client, viewer_token, warehouse, monkeypatch
):
    seed(warehouse)
    correct(warehouse)
    response = get(client, viewer_token, monkeypatch, warehouse, "/releases/prnewswire/302000001")
    assert response.status_code == 200, response.text
    assert "<img src=x" not in response.text  # the body's markup is text
    assert 'href="javascript:' not in response.text
    page = html.fromstring(response.text)
    assert page.findtext(".//h2[@id='release-title']") == CORRECTION["title"]
    fields = page.find(".//dl[@id='release-fields']")
    values = dict(
        zip(
            [dt.text_content() for dt in fields.findall("dt")],
            [dd.text_content() for dd in fields.findall("dd")],
        )
    )
    assert values["Tickers"] == "NYSE:ACME"
    assert values["Issuer"] == "Workday, Inc."
    assert values["Published"] == "2025-02-17 20:00 UTC"
    assert (values["Dateline"], values["Dateline date"]) == ("NEW YORK", "2025-02-17")
    assert values["Industries"] == "Computer Software"
    hrefs = [a.get("href") for a in fields.iter("a")]
    assert hrefs == [make_record(1)["url"], "https://cdn.example.com/logo.png"]  # no javascript:
    assert page.find(".//div[@id='release-body']").text_content() == CORRECTION["body_text"]

    versions = rows_of(page, "release-versions")
    assert [(row[0], row[1]) for row in versions] == [
        ("2 (current)", "2026-01-02 00:00 UTC"),
        ("1", "2026-01-01 00:00 UTC"),
    ]
    assert page.findtext(".//h2[@id='changes']") == "What changed in version 2 (from version 1)"
    changed = {row[0]: (row[1], row[2]) for row in rows_of(page, "changed-fields")}
    assert changed["title"] == ("Release number 1", CORRECTION["title"])
    assert changed["tickers"] == ("", "NYSE:ACME")
    assert changed["images"] == ("", "javascript:alert(1), https://cdn.example.com/logo.png")
    body = page.find(".//div[@id='body-changes']")
    assert [p.get("class") for p in body.findall("p")] == [
        "text changed",
        "text same",
        "text added",
    ]
    assert [d.text for d in body.iter("del")] == ["1."]
    assert [i.text for i in body.iter("ins")] == [
        "1, revised.",
        "<img src=x onerror=alert(1)> Revenue was $12 million.",
    ]

    first = get(
        client, viewer_token, monkeypatch, warehouse, "/releases/prnewswire/302000001?version=1"
    )
    assert first.status_code == 200 and 'id="changes"' not in first.text
    links = html.fromstring(first.text).findall(".//table[@id='release-versions']//a")
    assert [a.get("href") for a in links] == ["?version=2"]


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/releases/prnewswire/999", 404, "holds no release prnewswire / 999"),
        ("/releases/no-such-wire/302000001", 404, "holds no release no-such-wire / 302000001"),
        ("/releases/prnewswire/" + "9" * 101, 404, "holds no release"),
        ("/releases/prnewswire/302000001?version=3", 400, "version must be a number from 1 to 2"),
        ("/releases/prnewswire/302000001?version=-1", 400, "version must be a number from 1 to 2"),
        ("/releases/prnewswire/302000001?version=%C2%B2", 400, "version must be a number"),
        ("/releases/prnewswire/302000001?version=" + "9" * 5000, 400, "version must be a number"),
    ],
)
def test_release_page_of_an_unknown_release_or_version(
    client, viewer_token, warehouse, monkeypatch, path, status, text
):
    seed(warehouse)
    correct(warehouse)
    response = get(client, viewer_token, monkeypatch, warehouse, path)
    assert response.status_code == status
    assert text in html.fromstring(response.text).find(".//p[@role='alert']").text_content()


def test_a_correction_release_and_the_release_it_corrects_link_each_other(
    client, viewer_token, warehouse, monkeypatch
):
    records = seed(warehouse)
    fix = correction_of(records[2], 20)  # "CORRECTION -- Release number 2", published later
    load(warehouse, "fix", [fix])

    def page(path):
        response = get(client, viewer_token, monkeypatch, warehouse, path)
        assert response.status_code == 200, response.text
        return html.fromstring(response.text)

    corrected = page("/releases/prnewswire/302000002").find(".//div[@id='release-corrected-by']")
    (link,) = corrected.findall("a")
    assert (link.text, link.get("href")) == (fix["title"], "../../releases/prnewswire/302000020")
    corrects = page("/releases/prnewswire/302000020").find(".//p[@id='release-corrects']")
    (link,) = corrects.findall("a")
    assert (link.text, link.get("href")) == (
        "Release number 2",
        "../../releases/prnewswire/302000002",
    )
    assert page("/releases/prnewswire/302000003").find(".//*[@id='release-corrected-by']") is None

    marked = {
        row[3] for row in rows_of(page("/"), "latest-releases") if row[3].endswith(" corrected")
    }
    assert marked == {"Release number 2 corrected"}
    hits = rows_of(page("/search?q=release+number+2"), "search-results")
    assert [row[3] for row in hits if row[3].endswith(" corrected")] == [
        "Release number 2 corrected"
    ]


def test_search_results_show_passages_tickers_and_the_number_of_matches(
    client, viewer_token, warehouse, monkeypatch
):
    seed(warehouse)
    load(warehouse, "odd", [make_record(9, body_text="A <b>Second</b> paragraph\x02 of nine.")])
    response = get(client, viewer_token, monkeypatch, warehouse, "/search?q=second+paragraph")
    assert response.status_code == 200, response.text
    page = html.fromstring(response.text)
    assert page.findtext(".//p[@id='search-matches']").startswith("9 matches;")
    results = page.find(".//table[@id='search-results']")
    marks = {mark.text for mark in results.iter("mark")}
    assert marks == {"Second", "paragraph"}
    rows = {row[3]: row for row in rows_of(page, "search-results")}
    assert rows["Release number 0"][5] == "NASDAQ:WDAY" and rows["Release number 1"][5] == ""
    assert "Second paragraph" in rows["Release number 0"][4]
    assert "<b>Second</b>" not in response.text  # the body's markup is text
    passage = rows["Release number 9"][4]  # its control character cannot forge a mark
    assert "paragraph of nine" in passage and "\x02" not in passage


def test_live_releases_latency_is_shown_apart_from_backfilled_ones_against_the_target(
    client, viewer_token, warehouse, monkeypatch
):
    from newswire.warehouse import runs

    now = datetime.now(UTC)
    with connect(warehouse) as conn, conn.cursor() as cur:
        runs.open_run(cur, "first-run", "test")  # the warehouse's first run, a day ago
        cur.execute("UPDATE newswire.ingestion_runs SET started_at = %s", (now - timedelta(1),))
    at = {
        0: now - timedelta(days=2),
        1: now - timedelta(seconds=20),
        2: now - timedelta(seconds=40),
    }
    load(warehouse, "r", [make_record(i, published_at=at[i].isoformat()) for i in at])
    page = html.fromstring(get(client, viewer_token, monkeypatch, warehouse, "/").text)
    [[wire, live, p50, p95, most, target, backfilled]] = rows_of(page, "live-latency")
    assert (wire, live, backfilled) == ("prnewswire", "2", "1")  # release 0: from the archive
    for shown in (p50, p95, most):
        assert re.fullmatch(r"\d+\.\d s", shown) and 20 <= float(shown[:-2]) < 60
    assert target == "1 min 30 s: met"

    load(warehouse, "late", [make_record(3, published_at=(now - timedelta(hours=3)).isoformat())])
    page = html.fromstring(get(client, viewer_token, monkeypatch, warehouse, "/").text)
    [[_, live, _, p95, most, target, _]] = rows_of(page, "live-latency")
    assert (live, target) == ("3", "1 min 30 s: missed")
    assert re.fullmatch(r"\d h( \d+ min)?", most) and most.startswith("3 h"), most


def test_each_alert_shows_publication_to_sent(client, auth_manager, warehouse, monkeypatch):
    planted_watchlists(warehouse)
    with connect(warehouse) as conn, conn.cursor() as cur:
        cur.execute(
            """UPDATE newswire.alerts a SET status = 'sent',
                      sent_at = r.published_at + interval '95 seconds'
               FROM newswire.releases r WHERE (r.wire, r.release_id) = (a.wire, a.release_id)"""
        )
    page = html.fromstring(
        get(client, token_of(auth_manager, "VIEWER"), monkeypatch, warehouse, "/").text
    )
    tables = page.findall(".//section[@id='watchlists']/table")
    headings = [th.text_content() for th in tables[0].findall(".//th")]
    delays = [
        [td.text_content() for td in tr.findall("td")][headings.index("Published to sent")]
        for table in tables
        for tr in table.findall("tbody/tr")
    ]
    assert delays == ["1 min 35 s", "1 min 35 s"]


# -- who may see what: the auth manager decides, for each page --------------------------
PAGES = ("/", "/search?q=body", "/releases/prnewswire/302000001")


def token_of(auth_manager, role: str | None) -> str:
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    return auth_manager.generate_jwt(SimpleAuthManagerUser(username=f"u-{role}", role=role))


@pytest.mark.parametrize("path", PAGES)
def test_a_user_the_auth_manager_refuses_the_view_gets_403(
    client, auth_manager, warehouse, monkeypatch, path
):
    seed(warehouse)
    no_role = token_of(auth_manager, None)  # logged in, but allowed nothing
    assert get(client, no_role, monkeypatch, warehouse, path).status_code == 403
    viewer = token_of(auth_manager, "VIEWER")
    assert get(client, viewer, monkeypatch, warehouse, path).status_code == 200


def planted_watchlists(dsn: str) -> None:
    """Two watchlists (a webhook, e-mail) with an alert each that failed with an error that
    quotes a receiver, and a ``javascript:`` URL planted on the alerted release."""
    from newswire.warehouse import watchlists
    from newswire.warehouse.watchlists import Watchlist

    watchlists.add(dsn, Watchlist("hook", ["NASDAQ:WDAY"], webhook_conn_id="secret_hook_conn"))
    watchlists.add(dsn, Watchlist("mail", ["NASDAQ:WDAY"], email_to=["desk@corp.example"]))
    load(dsn, "r1", [make_record(0)])
    with connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE newswire.alerts SET last_error = 'HTTP 500: internal-admin-token'")
        cur.execute("UPDATE newswire.releases SET url = 'javascript:alert(document.cookie)'")


def watchlists_section(response) -> str:
    assert response.status_code == 200, response.text
    return response.text[response.text.index('<section id="watchlists">') :]


def test_delivery_targets_and_errors_are_shown_only_to_who_may_read_connections(
    client, auth_manager, warehouse, monkeypatch
):
    planted_watchlists(warehouse)
    secrets = ("secret_hook_conn", "desk@corp.example", "internal-admin-token")
    viewer = watchlists_section(
        get(client, token_of(auth_manager, "VIEWER"), monkeypatch, warehouse, "/")
    )
    assert not [secret for secret in secrets if secret in viewer]
    assert "Alerts: 0 sent, 1 pending, 0 failed." in viewer  # the rest is shown
    for role in ("OP", "ADMIN"):
        token = token_of(auth_manager, role)
        section = watchlists_section(get(client, token, monkeypatch, warehouse, "/"))
        assert [secret for secret in secrets if secret in section] == list(secrets)


def test_a_planted_javascript_url_is_not_a_link_on_the_page(
    client, viewer_token, warehouse, monkeypatch
):
    planted_watchlists(warehouse)
    section = watchlists_section(get(client, viewer_token, monkeypatch, warehouse, "/"))
    assert "javascript:" not in section
    assert "Release number 0" in section  # the title is shown, as text


# -- in a real Airflow, in a real browser -------------------------------------------------
@pytest.fixture
def standalone(warehouse):
    """`airflow standalone` (SQLite metadata, isolated home, this project's DAGs and plugins)
    with the warehouse connection set; stopped with its whole process group afterwards."""
    home = Path(tempfile.mkdtemp(prefix="newswire-standalone-"))
    port = free_port()
    env = airflow_env(
        home,
        **{
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
            # Its log servers get free ports too, so a `make up` on this machine is no obstacle.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW_CONN_NEWSWIRE_WAREHOUSE": warehouse,
        },
    )
    try:
        with running_standalone(env, home, timeout=240) as base_url:
            passwords = json.loads(
                (home / "simple_auth_manager_passwords.json.generated").read_text()
            )
            yield base_url, "admin", passwords["admin"]
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"headless Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}): "
            "`make test` installs the Debian packages chromium and chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1100",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def open_newswire_page(browser, wait, base_url: str, user: str, password: str):
    """Log in to the Airflow UI and open the Newswire page from its navigation; the page's
    iframe element."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(base_url + "/")
    wait.until(ec.presence_of_element_located((By.NAME, "username"))).send_keys(user)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    nav = wait.until(ec.element_to_be_clickable((By.XPATH, "//a[normalize-space()='Newswire']")))
    nav.click()
    return wait.until(ec.presence_of_element_located((By.TAG_NAME, "iframe")))


def test_newswire_page_inside_the_airflow_ui(browser, warehouse, standalone, tmp_path, capsys):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    records = seed(warehouse)
    base_url, user, password = standalone
    wait = WebDriverWait(browser, 60)

    frame = open_newswire_page(browser, wait, base_url, user, password)
    assert frame.get_attribute("src") == f"{base_url}/newswire/"
    browser.switch_to.frame(frame)
    wait.until(ec.presence_of_element_located((By.ID, "latest-releases")))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "8 releases (8 versions)" in text
    links = browser.find_elements(By.CSS_SELECTOR, "#latest-releases a")
    assert sorted((a.text, a.get_attribute("href")) for a in links) == sorted(
        (r["title"], f"{base_url}/newswire/releases/prnewswire/{r['release_id']}") for r in records
    )
    bars = browser.find_elements(By.CSS_SELECTOR, "#releases-per-day rect[data-releases]")
    assert sum(int(bar.get_attribute("data-releases")) for bar in bars) == 8
    assert "http_404" in text
    browser.switch_to.default_content()

    screenshot = tmp_path / "newswire-page-in-airflow-ui.png"
    assert browser.save_screenshot(str(screenshot))
    with capsys.disabled():
        print(f"\nscreenshot of the Newswire page in the Airflow UI: {screenshot}")


def test_search_and_a_corrected_release_inside_the_airflow_ui(
    browser, warehouse, standalone, tmp_path, capsys
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    seed(warehouse)
    correct(warehouse)
    base_url, user, password = standalone
    wait = WebDriverWait(browser, 60)

    browser.switch_to.frame(open_newswire_page(browser, wait, base_url, user, password))

    box = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form[role=search] input")))
    box.send_keys("revised", Keys.ENTER)
    link = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#search-results a")))
    assert link.text == CORRECTION["title"]
    assert link.get_attribute("href") == f"{base_url}/newswire/releases/prnewswire/302000001"
    link.click()

    heading = wait.until(ec.presence_of_element_located((By.ID, "changes")))
    assert heading.text == "What changed in version 2 (from version 1)"
    assert browser.find_element(By.ID, "release-title").text == CORRECTION["title"]
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#body-changes del")] == ["1."]
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#body-changes ins")] == [
        "1, revised.",
        "<img src=x onerror=alert(1)> Revenue was $12 million.",
    ]
    rows = browser.find_elements(By.CSS_SELECTOR, "#release-versions tbody tr")
    assert [row.text.split()[0] for row in rows] == ["2", "1"]
    screenshot = tmp_path / "newswire-release-page-in-airflow-ui.png"
    browser.execute_script("arguments[0].scrollIntoView()", heading)
    browser.switch_to.default_content()
    assert browser.save_screenshot(str(screenshot))
    with capsys.disabled():
        print(f"\nscreenshot of a corrected release in the Airflow UI: {screenshot}")


def test_the_page_warns_of_template_drift_while_a_source_has_it(
    client, viewer_token, warehouse, monkeypatch
):
    seed(warehouse)  # every field from the rules: no warning
    page = html.fromstring(get_page(client, viewer_token, monkeypatch, warehouse).text)
    assert page.find(".//div[@id='template-drift']") is None
    rules = make_record(20)["field_sources"]
    drifted = [make_record(i, field_sources={**rules, "title": "meta"}) for i in range(20, 23)]
    load(warehouse, "drifted-run", drifted)
    page = html.fromstring(get_page(client, viewer_token, monkeypatch, warehouse).text)
    warning = page.find(".//div[@id='template-drift']").text_content()
    assert "drifted-run" in warning and "3 of 3 pages needed a fallback layer for title" in warning
    load(warehouse, "fixed-run", [make_record(i) for i in range(20, 23)])  # the rules updated
    page = html.fromstring(get_page(client, viewer_token, monkeypatch, warehouse).text)
    assert page.find(".//div[@id='template-drift']") is None


def test_release_page_shows_which_layer_gave_each_field(
    client, viewer_token, warehouse, monkeypatch
):
    rules = make_record(1)["field_sources"]
    load(warehouse, "run", [make_record(1, field_sources={**rules, "issuer": "jsonld"})])
    response = get(client, viewer_token, monkeypatch, warehouse, "/releases/prnewswire/302000001")
    rows = rows_of(html.fromstring(response.text), "field-sources")
    assert ["issuer", "jsonld (fallback)"] in rows and ["title", "rules"] in rows
    assert [field for field, _ in rows] == sorted(rules)
