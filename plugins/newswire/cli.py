"""The ``newswire`` command: parse, ingest, reparse, db, report, search, watchlist, sample-site."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newswire import settings, wires


class CommandError(Exception):
    """A failure the user can act on: :func:`main` prints it on one line and exits 1."""


class UsageError(CommandError):
    """Arguments that cannot go together or a setting the command cannot use: one line like
    argparse's own errors, exit 2."""


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (libpq's messages span lines)."""
    return " ".join(str(exc).split())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sample-site"]:  # its options belong to the tool, parsed by it
        return _cmd_sample_site(argv[1:])
    if argv[:1] and argv[0] in RENAMED:
        typed = " ".join(["newswire", RENAMED[argv[0]], *argv[1:]])
        print(f"newswire {argv[0]}: renamed: type `{typed}`", file=sys.stderr)
        return 2
    import psycopg2

    parser = _build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the subcommand's own parser, so the message names it
        args.usage.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        args.usage.error(str(exc))
    except CommandError as exc:
        print(f"{args.usage.prog}: {exc}", file=sys.stderr)
        return 1
    except psycopg2.Error as exc:  # the warehouse went away mid-command (a restart, a kill)
        print(f"{args.usage.prog}: lost the warehouse: {_one_line(exc)}", file=sys.stderr)
        return 1


# Old spellings of commands, refused with the new one for a release: "watch" named both the
# feed watcher (the <source>_watch DAGs) and the watchlists this command declares.
RENAMED = {"watch": "watchlist"}


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line (``newswire ingest: error: ...``) and exit 2, no usage dump."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_defaults(usage=self)  # the deepest parser's wins: errors name the subcommand

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(value: str) -> int:
    """``--limit``, ``--workers``: a whole number of at least 1."""
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return int(value)


def _day(value: str) -> date:
    """A calendar day, ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2025-02-01, not {value!r} ({exc})"
        ) from None


def _site_url(value: str) -> str:
    """``--base-url``: an http(s) URL read the way the fetcher reads it (one parser decides)."""
    from newswire.fetching.allowlist import HostNotAllowed, parse

    try:
        parse(value)
    except HostNotAllowed as exc:
        raise argparse.ArgumentTypeError(
            f"expected a site such as https://www.prnewswire.com, not {value!r} ({exc.reason})"
        ) from None
    return value


def _ticker(value: str) -> str:
    """``--ticker``: ``SYMBOL`` or ``EXCHANGE:SYMBOL``, neither part empty."""
    exchange, colon, symbol = value.strip().rpartition(":")
    if not symbol or (colon and not exchange):
        raise argparse.ArgumentTypeError(
            f"expected a ticker such as WDAY or NASDAQ:WDAY, not {value!r}"
        )
    return value.strip()


def _database_name(value: str) -> str:
    if not 0 < len(value.encode()) < 64:
        raise argparse.ArgumentTypeError("a database name has 1 to 63 bytes")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newswire", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser(
        "parse", help="parse release pages (files, directories or URLs) into JSON"
    )
    parse.add_argument(
        "pages",
        metavar="FILE_OR_URL",
        nargs="+",
        help="a page file, a directory of *.html pages, or a URL",
    )
    parse.add_argument("--json", action="store_true", help="compact JSON (one line per page)")
    parse.add_argument(
        "--jsonl",
        action="store_true",
        help="one JSON object per line (the default for several pages)",
    )
    parse.add_argument(
        "--source",
        choices=sorted(wires.BY_NAME),
        help="read the pages as this wire's: files, and pages fetched from its site"
        " (--base-url), are its pages unless they state their own URL on another site",
    )
    parse.add_argument(
        "--base-url",
        help="with --source, the source's site, e.g. a mirror (default: $<SOURCE>_BASE_URL,"
        " else the source's real site)",
    )
    parse.set_defaults(handler=_cmd_parse)

    ingest = commands.add_parser("ingest", help="discover, fetch, parse and load new releases")
    ingest.add_argument(
        "--source",
        default=wires.DEFAULT_SOURCE,
        choices=sorted(wires.BY_NAME),
        help=f"the wire to ingest (default {wires.DEFAULT_SOURCE})",
    )
    ingest.add_argument(
        "--base-url",
        type=_site_url,
        help="source site (default: $<SOURCE>_BASE_URL, e.g. $PRNEWSWIRE_BASE_URL, else the"
        " source's real site)",
    )
    ingest.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")
    ingest.add_argument("--limit", type=_positive_int, help="at most N new releases")
    ingest.add_argument(
        "--max-rps",
        type=float,
        help="requests per second per host (default: 1 for real sites, no limit on loopback)",
    )
    ingest.add_argument(
        "--since",
        type=_day_or_time,
        help="backfill: releases published from DATE (UTC; walks the listing pages)",
    )
    ingest.add_argument(
        "--until",
        type=_window_end,
        help="backfill: releases published before DATE (a date means its end)",
    )
    ingest.add_argument(
        "--feed",
        action="append",
        metavar="PATH",
        help="feed path to poll (repeatable; default: $NEWSWIRE_FEEDS, else the main feed)",
    )
    ingest.add_argument(
        "--workers", type=_positive_int, default=4, help="concurrent fetches (default 4)"
    )
    ingest.add_argument(
        "--max-failed-share",
        type=float,
        help="fail the run when more than this share of pages failed "
        "(default: $NEWSWIRE_MAX_FAILED_SHARE, else 0.2)",
    )
    ingest.set_defaults(handler=_cmd_ingest)

    db = commands.add_parser("db", help="warehouse administration")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    for name, handler, text in (
        ("migrate", _cmd_db_migrate, "apply pending migrations from sql/"),
        ("dsn", _cmd_db_dsn, "print the warehouse DSN (starts the embedded server if used)"),
        ("stop", _cmd_db_stop, "stop the embedded server"),
        (
            "recompress-archive",
            _cmd_db_recompress_archive,
            "rewrite raw pages archived in gzip into zstd, in place (resumable)",
        ),
    ):
        sub = db_commands.add_parser(name, help=text)
        if name != "stop":
            sub.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")
        if name == "dsn":
            sub.add_argument(
                "--database",
                type=_database_name,
                help="another database on the embedded server "
                "(e.g. Airflow's metadata for `make up`)",
            )
        sub.set_defaults(handler=handler)

    report = commands.add_parser("report", help="print warehouse reports")
    report.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="report names (default: releases_per_day top_issuers; --list shows all)",
    )
    report.add_argument(
        "--limit", type=_positive_int, default=20, help="rows per report (default 20)"
    )
    report.add_argument("--list", action="store_true", help="list the reports")
    report.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")
    report.set_defaults(handler=_cmd_report)

    reparse = commands.add_parser(
        "reparse", help="re-run the parser over stored raw pages (no network) and merge the results"
    )
    reparse.add_argument("--since", type=_day, help="pages fetched since DATE")
    reparse.add_argument("--wire", help="only releases of this wire (e.g. prnewswire)")
    reparse.add_argument(
        "--fallback-only",
        action="store_true",
        help="only releases with a field read by a fallback layer (after the rules are updated)",
    )
    reparse.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")
    reparse.add_argument(
        "--workers", type=_positive_int, help="parser processes (default: all cores)"
    )
    reparse.set_defaults(handler=_cmd_reparse)

    search = commands.add_parser("search", help="full-text search over the warehouse")
    search.add_argument("query", help='words, "a phrase", -excluded, or')
    search.add_argument("--since", type=_day, help="published since DATE")
    search.add_argument("--until", type=_day, help="published until DATE")
    search.add_argument(
        "--ticker", type=_ticker, help="only releases naming this ticker (WDAY or NASDAQ:WDAY)"
    )
    search.add_argument("--issuer", help="only releases of this issuer (any spelling of its name)")
    search.add_argument(
        "--recent", action="store_true", help="newest matches first (default: best ranked)"
    )
    search.add_argument("--limit", type=_positive_int, default=20, help="at most N (default 20)")
    search.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")
    search.set_defaults(handler=_cmd_search)

    _add_watchlist_commands(commands)

    # Listed for --help only: main() hands `newswire sample-site ...` to the tool itself.
    commands.add_parser(
        "sample-site",
        help="serve the sample wire on loopback (a development"
        " tool; `newswire sample-site --help`)",
    )
    return parser


WATCHLIST_HELP = """Watchlists: when a newly loaded release names one of a watchlist's tickers,
OR comes from one of its issuers (any spelling: case, punctuation and Inc./Ltd. are ignored), OR
matches its query (the search of `newswire search`), the load records one alert for that
release and watchlist, and the alerting task of the ingestion DAGs delivers it to the
watchlist's webhook (an Airflow connection whose password is the webhook URL: Slack or Teams
incoming webhooks) or e-mail addresses (SMTP, the connection smtp_default). A release alerts
a watchlist once; only releases first loaded after the watchlist was added alert it. The
same in SQL: INSERT INTO newswire.watchlists (name, tickers, webhook_conn_id) VALUES
('wday', '{NASDAQ:WDAY}', 'alerts_slack');"""


def _add_watchlist_commands(commands) -> None:
    watchlist = commands.add_parser(
        "watchlist",
        help="watchlists: alerts when a release names a ticker, issuer or query",
        description=WATCHLIST_HELP,
    )
    watchlist_commands = watchlist.add_subparsers(dest="watchlist_command", required=True)
    add = watchlist_commands.add_parser(
        "add",
        help="declare a watchlist",
        description=WATCHLIST_HELP,
        epilog="example: newswire watchlist add wday --ticker NASDAQ:WDAY --issuer 'Workday Inc.'"
        " --query 'earnings guidance' --webhook alerts_slack",
    )
    add.add_argument("name", help="its name: 1-63 letters, digits, '.', '_' or '-'")
    add.add_argument(
        "--ticker",
        action="append",
        default=[],
        metavar="EXCHANGE:SYMBOL",
        help="a ticker, e.g. NASDAQ:WDAY (repeatable)",
    )
    add.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="NAME",
        help="an issuer, any spelling (repeatable)",
    )
    add.add_argument("--query", help='a full-text query: words, "a phrase", -excluded, or')
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--webhook",
        metavar="CONN_ID",
        help="deliver to the webhook of this Airflow connection (its password is the URL)",
    )
    where.add_argument(
        "--email",
        action="append",
        metavar="ADDRESS",
        help="deliver by e-mail to this address (repeatable; SMTP connection smtp_default)",
    )
    add.add_argument("--replace", action="store_true", help="redeclare the watchlist of that name")
    add.set_defaults(handler=_cmd_watchlist_add)
    listing = watchlist_commands.add_parser(
        "list", help="the watchlists, their alert counts and newest alerts"
    )
    listing.set_defaults(handler=_cmd_watchlist_list)
    remove = watchlist_commands.add_parser("remove", help="remove a watchlist and its alerts")
    remove.add_argument("name")
    remove.set_defaults(handler=_cmd_watchlist_remove)
    for sub in (add, listing, remove):
        sub.add_argument("--dsn", help="warehouse (default: $NEWSWIRE_DSN, else embedded)")


def _cmd_watchlist_add(args) -> int:
    from newswire.warehouse.watchlists import Watchlist, WatchlistError, add

    watchlist = Watchlist(args.name, args.ticker, args.issuer, args.query, args.webhook, args.email)
    try:
        add(_migrated_warehouse_dsn(args.dsn), watchlist, replace=args.replace)
    except WatchlistError as exc:
        raise CommandError(str(exc)) from None
    print(f"watchlist {args.name} {'declared' if not args.replace else 'redeclared'}")
    return 0


def _cmd_watchlist_list(args) -> int:
    from newswire.warehouse.connection import connect
    from newswire.warehouse.watchlists import overview

    with connect(_migrated_warehouse_dsn(args.dsn)) as conn:
        watchlists = overview(conn, recent=3)
    rows = [
        (
            w["name"],
            " ".join(w["tickers"]),
            "; ".join(w["issuers"]),
            w["query"],
            w["webhook_conn_id"] or ", ".join(w["email_to"]),
            f"{w['sent']}/{w['pending']}/{w['failed']}",
            w["alerts"][0]["title"] if w["alerts"] else None,
        )
        for w in watchlists
    ]
    columns = ["name", "tickers", "issuers", "query", "deliver to", "sent/pending/failed"]
    print(format_table([*columns, "newest alert"], rows))
    return 0


def _cmd_watchlist_remove(args) -> int:
    from newswire.warehouse.watchlists import WatchlistError, remove

    try:
        remove(_migrated_warehouse_dsn(args.dsn), args.name)
    except WatchlistError as exc:
        raise CommandError(str(exc)) from None
    print(f"watchlist {args.name} removed")
    return 0


def _cmd_sample_site(argv: list[str]) -> int:
    """Hand over to the sample site's own command line, imported only now: it is a
    development tool (the ``newswire-sample-site`` distribution in ``sample_site/``), not
    part of the product."""
    try:
        from newswire_sample_site import server
    except ImportError:
        print(
            "newswire sample-site: the sample site is a development tool and is not installed"
            " here; in a checkout: pip install -e ./sample_site",
            file=sys.stderr,
        )
        return 2
    site = _Parser(prog="newswire sample-site", description="serve the sample wire on loopback")
    server.add_arguments(site)
    args = site.parse_args(argv)
    try:
        return server.run_from_args(args) or 0
    except OSError as exc:  # the address is taken or cannot be bound
        print(
            f"newswire sample-site: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1


def warehouse_dsn(explicit: str | None = None) -> str:
    """``--dsn``, else ``NEWSWIRE_DSN``, else the embedded development server (started on
    first use and reused), announced on stderr so nobody mistakes it for a real warehouse.
    A DSN given is tried first: one that cannot log in is a :class:`CommandError`."""
    import psycopg2

    dsn = explicit or os.environ.get("NEWSWIRE_DSN")
    if not dsn:
        return embedded_dsn()
    try:
        psycopg2.connect(dsn, connect_timeout=10).close()
    except psycopg2.Error as exc:
        raise CommandError(f"cannot connect to the warehouse: {_one_line(exc)}") from None
    return dsn


def _migrated_warehouse_dsn(explicit: str | None) -> str:
    """:func:`warehouse_dsn`, for commands that read the warehouse's tables."""
    from newswire.warehouse.migrations import current_version

    dsn = warehouse_dsn(explicit)
    if current_version(dsn) == 0:
        raise CommandError("the warehouse has no tables yet: run `newswire db migrate` first")
    return dsn


def embedded_dsn(database: str = "newswire", *, announce: bool = False) -> str:
    """The DSN of ``database`` on the embedded server, started if needed. Which server it is
    goes to stderr when ``announce`` is set, else once per terminal session (the first
    command of a new login or terminal window says it, the next ones do not)."""
    from newswire.warehouse.embedded import (
        EmbeddedPostgres,
        EmbeddedPostgresError,
        postgres_bin_path,
    )

    server = EmbeddedPostgres(settings.home() / "postgres")
    try:
        dsn = server.ensure_running(database)
    except EmbeddedPostgresError as exc:
        raise CommandError(f"the embedded PostgreSQL: {exc}") from None
    if announce or _first_in_this_session(server.root / "announced-session"):
        print(
            f"newswire: NEWSWIRE_DSN is not set: using the embedded development PostgreSQL in"
            f" {server.datadir}\nnewswire: open it with: {postgres_bin_path() / 'psql'}"
            ' "$(newswire db dsn)"',
            file=sys.stderr,
        )
    return dsn


def _first_in_this_session(marker: Path) -> bool:
    """Whether this terminal session (its session id) has not been here before; records it."""
    session = str(os.getsid(0))
    try:
        if marker.read_text(encoding="utf-8") == session:
            return False
    except OSError:
        pass
    try:
        with os.fdopen(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(session)
    except OSError:
        pass  # a read-only state folder: say it every time
    return True


def _cmd_parse(args) -> int:
    from newswire.fetching.client import FetchError
    from newswire.parsing import DeclaredSource, ParseError

    if args.base_url and not args.source:
        raise CommandError("--base-url needs --source: the site of which source?")
    declared = None
    if args.source:
        declared = DeclaredSource(args.source, settings.base_url(args.base_url, args.source))
    pages = list(_page_locations(args.pages))
    if not pages:
        raise CommandError(f"no pages (*.html, *.htm) in {' '.join(args.pages)}")
    one_object = len(pages) == 1 and not args.jsonl
    failed = 0
    for page in pages:
        try:
            record = _parse_one(page, declared)
        except ParseError as exc:
            print(
                f"newswire parse: {page}: cannot parse ({exc.reason}): {exc.detail}",
                file=sys.stderr,
            )
            failed += 1
            continue
        except (OSError, FetchError) as exc:
            print(f"newswire parse: {page}: {exc}", file=sys.stderr)
            failed += 1
            continue
        pretty = one_object and not args.json
        print(
            json.dumps(record, ensure_ascii=False, indent=2 if pretty else None), flush=not pretty
        )
    if len(pages) > 1:
        print(f"newswire parse: {len(pages) - failed} parsed, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _page_locations(locations: list[str]):
    """URLs and files as given; a directory stands for its *.html / *.htm files, sorted."""
    for location in locations:
        path = Path(location)
        if not _is_url(location) and path.is_dir():
            yield from (
                str(p)
                for p in sorted(path.rglob("*"))
                if p.suffix.lower() in (".html", ".htm") and p.is_file()
            )
        else:
            yield location


def _is_url(location: str) -> bool:
    return location.partition(":")[0].lower() in ("http", "https")


def _parse_one(location: str, declared) -> dict:
    """The record of a file or URL, read as ``declared``'s page (a DeclaredSource or None)."""
    from newswire.fetching.client import FetchError, PoliteClient
    from newswire.parsing import ParseError, parse_release
    from newswire.parsing.document import MAX_PAGE_BYTES

    if _is_url(location):
        try:
            parts = urlsplit(location)
            if not parts.hostname or parts.port == 0:  # .port raises on a bad port
                raise ValueError("no host name or port")
        except ValueError as exc:
            raise FetchError("invalid_url", str(exc)) from None
        origin = f"{parts.scheme}://{parts.netloc}"
        with PoliteClient(origin) as client:
            page = client.get(location)
        return parse_release(page.content, page.url, http_charset=page.charset, declared=declared)
    with open(location, "rb") as handle:  # /dev/zero is a file too: read no more than the cap
        content = handle.read(MAX_PAGE_BYTES + 1)
    if len(content) > MAX_PAGE_BYTES:
        raise ParseError("too_large", f"more than {MAX_PAGE_BYTES} bytes, the limit")
    return parse_release(content, None, declared=declared)


def _cmd_ingest(args) -> int:
    from newswire.discovery.discover import DiscoveryError
    from newswire.pipeline import TooManyFailures, ingest
    from newswire.warehouse.migrations import migrate

    _ordered_window(args.since, args.until)
    base = settings.base_url(args.base_url, args.source)
    try:
        _site_url(base)
    except argparse.ArgumentTypeError as exc:  # from $<SOURCE>_BASE_URL
        raise UsageError(f"${wires.get(args.source).base_url_env}: {exc}") from None
    dsn = warehouse_dsn(args.dsn)
    migrate(dsn)
    try:
        summary = ingest(
            dsn,
            base,
            limit=args.limit,
            max_rps=args.max_rps,
            since=args.since,
            until=args.until,
            feeds=tuple(args.feed) if args.feed else None,
            workers=args.workers,
            max_failed_share=args.max_failed_share,
            source=args.source,
            say=lambda message: print(f"newswire ingest: {message}", file=sys.stderr, flush=True),
        )
    except DiscoveryError as exc:
        print(f"newswire ingest: discovery failed on {base}: {exc}", file=sys.stderr)
        return 1
    except TooManyFailures as exc:
        print(f"newswire ingest: {exc}", file=sys.stderr)
        return 1
    print(summary.as_text())
    return 0


def _day_or_time(value: str) -> datetime:
    """A date ("2025-02-01", midnight UTC) or an ISO time; naive values are UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2025-02-01 or a time such as 2025-02-01T09:30Z,"
            f" not {value!r} ({exc})"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _window_end(value: str) -> datetime:
    """Like :func:`_day_or_time`, but a bare date means the end of that day."""
    end = _day_or_time(value)
    if len(value.strip()) != 10:
        return end
    try:
        return end + timedelta(days=1)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)  # the end of 9999-12-31


def _ordered_window(since, until) -> None:
    """A window that ends before it starts is a usage error, not an empty answer."""
    if since and until and since > until:
        raise UsageError(f"--since {since.isoformat()} is after --until {until.isoformat()}")


def _cmd_db_migrate(args) -> int:
    from newswire.warehouse.migrations import current_version, migrate

    dsn = warehouse_dsn(args.dsn)
    applied = migrate(dsn)
    for migration in applied:
        print(f"applied {migration.path.name}")
    print(
        f"warehouse schema at version {current_version(dsn)}"
        + ("" if applied else " (nothing to apply)")
    )
    return 0


def _cmd_db_recompress_archive(args) -> int:
    from newswire.warehouse.archive import recompress

    print(f"recompressed {recompress(_migrated_warehouse_dsn(args.dsn)):,} raw pages")
    return 0


def _cmd_db_dsn(args) -> int:

    if args.database or not (args.dsn or os.environ.get("NEWSWIRE_DSN")):  # asked: said
        print(embedded_dsn(args.database or "newswire", announce=True))
    else:
        print(warehouse_dsn(args.dsn))
    return 0


def _cmd_db_stop(args) -> int:
    from newswire.warehouse.embedded import EmbeddedPostgres

    stopped = EmbeddedPostgres(settings.home() / "postgres").stop()
    print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
    return 0


def _cmd_reparse(args) -> int:
    from newswire.pipeline import reparse
    from newswire.warehouse.migrations import migrate

    dsn = warehouse_dsn(args.dsn)
    migrate(dsn)
    summary = reparse(
        dsn,
        since=args.since,
        wire=args.wire,
        workers=args.workers,
        fallback_only=args.fallback_only,
    )
    print(summary.as_text().replace("discovered", "pages"))
    return 0


def _cmd_search(args) -> int:
    from newswire.warehouse.search import search

    if not args.query.strip():
        raise UsageError("give words to search for, e.g. newswire search 'earnings guidance'")
    _ordered_window(args.since, args.until)
    rows = search(
        _migrated_warehouse_dsn(args.dsn),
        args.query,
        since=args.since,
        until=args.until,
        ticker=args.ticker,
        issuer=args.issuer,
        order="recent" if args.recent else "rank",
        limit=args.limit,
    )
    print(
        format_table(
            ["published_at", "issuer", "title", "url", "rank", "corrected"],
            [(*row[:4], f"{row.rank:.3f}", "corrected" if row.corrected else "") for row in rows],
        )
    )
    if not rows:
        print("newswire search: no release matches", file=sys.stderr)
    return 0 if rows else 1


def _cmd_report(args) -> int:
    from newswire.warehouse.reports import report_names

    if args.list:
        print("\n".join(report_names()))
        return 0
    unknown = sorted(set(args.names) - set(report_names()))
    if unknown:
        print(
            f"newswire report: no report {', '.join(unknown)}; "
            f"available: {', '.join(report_names())}",
            file=sys.stderr,
        )
        return 2
    print_reports(_migrated_warehouse_dsn(args.dsn), args.names or DEFAULT_REPORTS, args.limit)
    return 0


DEFAULT_REPORTS = ("releases_per_day", "top_issuers")


def print_reports(dsn: str, names, limit: int = 20) -> None:
    from newswire.warehouse.connection import connect
    from newswire.warehouse.reports import run_report

    with connect(dsn) as conn:
        for name in names:
            columns, rows = run_report(dsn, name, limit, conn=conn)
            print(f"== {name.replace('_', ' ')}")
            print(format_table(columns, rows))
            print()


def display_width(text: str) -> int:
    """Columns a terminal uses for ``text``: wide East Asian characters take two."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
        for c in text
    )


def format_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = [
        "  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
