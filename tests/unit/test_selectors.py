"""The parser's CSS selectors are compiled by a translator of its own, cheaper on large pages
than cssselect's (newswire.parsing.document: one walk per tag for a group, an element known
by an attribute found through it). It must select exactly what cssselect's own translation
selects, in the same order: checked here for every selector of the parser and for made-up
ones of every shape the rewrite touches or must leave alone."""

import pytest
from lxml import etree
from lxml.cssselect import CSSSelector, LxmlHTMLTranslator

from newswire.parsing import document, globenewswire, prnewswire
from newswire_sample_site.releases import generate_releases
from newswire_sample_site.render import render_release_page
from tests.support.corpus import real_pages
from tests.support.template_changes import rename_classes

MADE_UP = (
    "[x]",
    "#a",
    "[x=v]",
    "[x][y]",
    "#a.b",
    "[x|='en']",
    "[x^=a][y$=b]",
    "[x*=c] [z~=d]",
    "[x] span, [y]",
    "*[data-k=v] em",
    "div [x] > p",
    "[x]:first-child",
    "[x]:nth-child(2)",
    "li:nth-of-type(2) [x]",
    "* + [x]",
    "[x] + p",
    "p ~ [x]",
    "[a][b=c]:not([d])",
    ":not([x]) > b",
    "[x!=v]",
    "p.a, p.b, span.c, div.d p",
)
# Every shape above has an element that matches it and one that does not.
MARKUP = (
    '<html><body><div x="1" id="a" class="b" b="c" y="q"><p x="2" class="a">a</p>'
    '<span x="3" a="1" b="c" class="c"><b>k</b></span><p class="b">z</p>'
    '<ul><li x="en-us"><em>m</em></li><li data-k="v" x="">n<em x="v">o</em></li></ul>'
    '<i z="d e" x="ac" y="ab">w<span z="d">s</span></i><div class="d"><p d="1">q</p></div>'
    '<section x="s"><p>t</p></section></div><b>free</b></body></html>'
)


def _parser_selectors() -> list[tuple[str, CSSSelector]]:
    found = []
    for module in (prnewswire, globenewswire, document):
        for name, value in vars(module).items():
            values = value if isinstance(value, list) else [value]
            found += [
                (f"{module.__name__}.{name}", v) for v in values if isinstance(v, CSSSelector)
            ]
    return found


def _pages() -> list:
    pages = [etree.fromstring(MARKUP, etree.HTMLParser())]
    for rel in generate_releases(24, seed=5):
        page = render_release_page(rel).encode()
        pages += [document.load(page).root, document.load(rename_classes(page)).root]
    for real in real_pages():
        if real.path.exists():  # third-party pages, beside the checkout when there
            page = real.path.read_bytes()
            pages += [document.load(page).root, document.load(rename_classes(page)).root]
    return pages


PAGES = _pages()
SELECTORS = _parser_selectors() + [(css, document.css(css)) for css in MADE_UP]


@pytest.mark.parametrize("name, selector", SELECTORS, ids=[name for name, _ in SELECTORS])
def test_the_translator_selects_what_cssselect_selects(name, selector):
    reference = etree.XPath(LxmlHTMLTranslator().css_to_xpath(selector.css))
    for root in PAGES:
        assert selector(root) == reference(root), f"{name}: {selector.path}"


def test_the_made_up_selectors_each_select_something_and_not_everything():
    root = PAGES[0]
    every = len(root.xpath("//*"))
    for css in MADE_UP:
        assert 0 < len(document.css(css)(root)) < every, css
