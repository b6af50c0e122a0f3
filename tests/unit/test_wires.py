"""A wire is declared once (``newswire.wires``, one module per wire) and everything else
follows from that declaration: which wire a URL or page is, the parser reading it, the hosts
the client may contact, the sources of the command line and of discovery, the environment
variables of its site and feeds, and the sample site's wires."""

import ast
import dataclasses
import importlib
import inspect
import json
import subprocess
import sys
import textwrap

import pytest

from newswire import cli, pipeline, settings, wires
from newswire.discovery.items import Discovered
from newswire.fetching.allowlist import AllowList
from newswire.parsing import DeclaredSource, choose_wire, parse_release, wire_for_url
from newswire.parsing.document import load
from newswire.pipeline import watching
from newswire_sample_site import server
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from tests.support import ROOT

NAMES = ("globenewswire", "newswireca", "prnewswire")


def test_each_wire_is_one_module_naming_a_parser_and_a_renderer_that_exist():
    assert sorted(wire.name for wire in wires.all()) == list(NAMES)
    for wire in wires.all():
        assert importlib.import_module(f"newswire.wires.{wire.name}").WIRE is wire
        parser = wire.parser_module()
        assert callable(parser.parse) and callable(parser.looks_like)
        assert not hasattr(parser, "WIRES"), f"{wire.parser} declares hosts of its own"
        if wire.sample_renderer:
            renderer = importlib.import_module(wire.sample_renderer)
            assert renderer.RSS_PATH and renderer.LISTING_PATH
            assert callable(renderer.render_release_page)


def test_no_other_module_of_the_core_or_the_sample_sites_server_names_a_wire():
    """The wire's name as a string appears in its declaration only: no module keeps a list,
    a dict or a default of its own (docstrings and comments are prose). Before the registry,
    the core named one 23 times in 11 modules."""
    found = []
    server_py = ROOT / "sample_site" / "newswire_sample_site" / "server.py"
    for path in [*sorted((ROOT / "plugins" / "newswire").rglob("*.py")), server_py]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in NAMES
                and id(node) not in docstrings
            ):
                found.append(f"{path.relative_to(ROOT)}: {node.value}")
    declared = [f"plugins/newswire/wires/{name}.py: {name}" for name in NAMES]
    assert sorted(found) == sorted(declared)


def test_urls_hosts_sources_and_sample_site_agree_with_the_declarations():
    for wire in wires.all():
        for host in wire.hosts:
            assert wire_for_url(f"https://{host}/x") == wire.name
            assert wire_for_url(f"https://news.{host}/x") == wire.name
            assert AllowList(f"https://{host}").hosts == frozenset(wire.hosts)
        assert wires.get(wire.name) is wires.BY_NAME[wire.name] is wire
        assert DeclaredSource(wire.name, wire.base_url).source == wire.name
    assert wire_for_url("https://evil-prnewswire.com/x") is None
    with_renderer = tuple(wire.name for wire in wires.all() if wire.sample_renderer)
    assert server.served_wires() == with_renderer == ("globenewswire", "prnewswire")
    choices = _source_choices()
    assert choices == {"parse": sorted(NAMES), "ingest": sorted(NAMES)}


def _source_choices() -> dict:
    parser = cli._build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    return {
        name: next(a for a in commands[name]._actions if a.dest == "source").choices
        for name in ("parse", "ingest")
    }


def test_markup_that_narrows_another_wires_is_tried_first():
    """newswire.ca's pages are PR Newswire's 2017 template with a /CNW/ dateline: read by
    markup alone (a file), such a page is newswire.ca's, a plain one PR Newswire's."""
    html = """<html><head><meta name="description" content="OTTAWA, 7 April 2017 /CNW/ - Acme">
    </head><body><div class="release-body"><p>OTTAWA, 7 April 2017 /CNW/ - Acme.</p></div>
    </body></html>"""
    assert wires.get("newswireca").narrows == "prnewswire"
    assert choose_wire(load(html))[1] == "newswireca"
    assert choose_wire(load(html.replace("/CNW/", "/PRNewswire/")))[1] == "prnewswire"


def test_the_declaration_names_the_variables_of_its_site_and_feeds(monkeypatch):
    for wire in wires.all():
        assert settings.base_url(None, wire.name) == wire.base_url
        monkeypatch.setenv(wire.base_url_env, f"http://127.0.0.1:9/{wire.name}/")
        assert settings.base_url(None, wire.name) == f"http://127.0.0.1:9/{wire.name}"
        assert settings.base_url("https://mirror.example", wire.name) == "https://mirror.example"
    assert wires.get("prnewswire").base_url_env == "PRNEWSWIRE_BASE_URL"  # public
    monkeypatch.setenv("NEWSWIRE_FEEDS", "/rss/a.rss")  # PR Newswire's older name
    assert settings.feeds("prnewswire") == ("/rss/a.rss",)
    assert settings.feeds("globenewswire") == wires.get("globenewswire").feeds


@pytest.mark.parametrize(
    "function",
    [
        pipeline.ingest,
        pipeline.recheck,
        pipeline.discover_step,
        pipeline.recheck_step,
        pipeline.fetch_step,
        watching.watched_step,
        watching.poll_feed,
        settings.base_url,
        settings.feeds,
        Discovered,
    ],
)
def test_the_source_is_always_named_never_assumed(function):
    assert inspect.signature(function).parameters["source"].default is inspect.Parameter.empty


def test_the_command_line_default_source_is_the_registrys():
    parser = cli._build_parser()
    assert parser.parse_args(["ingest"]).source == wires.DEFAULT_SOURCE == "prnewswire"


def test_reading_the_declarations_loads_no_parser_lxml_or_http_stack():
    script = textwrap.dedent(
        """
        import json, sys
        from newswire import wires
        names = [wire.name for wire in wires.all()]
        assert wires.get("globenewswire").release_id(
            "/news-release/2026/07/14/3326655/0/en/x.html") == "3326655"
        heavy = ("lxml", "bs4", "urllib3", "requests", "feedparser", "psycopg2",
                 "newswire.parsing", "newswire.fetching", "newswire_sample_site", "airflow")
        print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


ACMEWIRE = '''
"""A wire on the Cision platform, read with PR Newswire's parser."""
from newswire.wires import Listing, Wire, get, register

WIRE = register(
    Wire(
        name="acmewire",
        hosts=("www.acmewire.test", "acmewire.test"),
        base_url="https://www.acmewire.test",
        base_url_env="ACMEWIRE_BASE_URL",
        feeds=("/rss/all.rss",),
        feeds_env=("NEWSWIRE_ACMEWIRE_FEEDS",),
        listing=Listing("/news/"),
        release_path=get("prnewswire").release_path,
        parser="newswire.parsing.prnewswire",
        rule_fields=("title",),
        sample_renderer="newswire_sample_site.globe",
    )
)
'''


def test_a_wire_declared_in_one_module_is_picked_up_everywhere(tmp_path, monkeypatch):
    """A new wire's one module, and nothing else edited: its pages are parsed as its, its
    hosts allowed, its name a source of discovery, the command line and the sample site."""
    (tmp_path / "acmewire.py").write_text(ACMEWIRE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ACMEWIRE_BASE_URL", "http://127.0.0.1:9")
    try:
        importlib.import_module("acmewire")
        rel = generate_releases(1, seed=3)[0]
        page = render_release_page(rel).replace("www.prnewswire.com", "www.acmewire.test")
        url = "https://www.acmewire.test" + rel.path
        record = parse_release(page.encode(), url)
        assert (record["wire"], record["release_id"]) == ("acmewire", rel.release_id)
        assert wire_for_url(url) == "acmewire"
        assert AllowList("https://www.acmewire.test").hosts == {
            "www.acmewire.test",
            "acmewire.test",
        }
        assert wires.get("acmewire").listing_url("https://x", 2) == (
            "https://x/news/?page=2&pagesize=100"
        )
        assert settings.base_url(None, "acmewire") == "http://127.0.0.1:9"
        assert "acmewire" in _source_choices()["ingest"]
        assert "acmewire" in server.served_wires()
        assert wires.rule_fields()["acmewire"] == ("title",)
        with pytest.raises(ValueError, match="declared twice"):
            wires.register(dataclasses.replace(wires.get("acmewire")))  # a second module
    finally:
        wires.BY_NAME.pop("acmewire", None)
        sys.modules.pop("acmewire", None)
