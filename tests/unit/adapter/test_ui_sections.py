"""The Newswire page's sections (``newswire_airflow.ui.app.SECTIONS``): each entry names a
partial and a report that exist, and every partial in ``templates/`` is shown by a section
(or is a page or the shared macros), so a section is one entry and one partial."""

import re

from newswire.warehouse.reports import report_names
from newswire_airflow.ui.app import SECTIONS
from tests.support import ROOT

TEMPLATES = ROOT / "plugins" / "newswire_airflow" / "ui" / "templates"


def test_every_section_has_its_partial_and_reads_a_report_or_a_query():
    for section in SECTIONS:
        assert (TEMPLATES / section.template).is_file(), section.template
        assert bool(section.report) != (section.query is not None), section
        if section.report:
            assert section.report in report_names() and section.limit >= 1, section


def test_every_partial_is_one_sections():
    """Every partial but the macros and those the other pages include (the release page's)."""
    elsewhere = {
        name
        for page in TEMPLATES.glob("[!_]*.html")
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', page.read_text(encoding="utf-8"))
    }
    partials = {path.name for path in TEMPLATES.glob("_*.html")} - elsewhere - {"_macros.html"}
    templates = [section.template for section in SECTIONS]
    assert sorted(templates) == sorted(partials)  # each partial shown once


def test_the_overview_shows_the_sections_through_one_loop():
    overview = (TEMPLATES / "overview.html").read_text(encoding="utf-8")
    assert overview.count("{% include") == 1 and "{% include section.template %}" in overview
