"""Table text on an earnings-release page, against text written by hand: each row one line,
cells cleaned and joined by `` | ``, a ``<br>`` or a source newline inside a cell a space,
empty cells no column (a spacer or layout cell), rows with no text dropped."""

import lxml.html
from lxml import etree

from newswire.parsing import parse_release
from newswire.parsing.text import blocks

# One statement in the markup the wire uses for them (title row across the table, <br> line
# breaks followed by source newlines, empty spacer cells holding a lone <br>, figures in
# p > span, a spacer row) and the shapes a stranger's markup adds (th, nbsp, a hair space, a
# zero-width space, a split span, a footnote mark, an entity, a newline inside a label).
_STATEMENT = """
<table class="prntbl" border="0" cellspacing="0" cellpadding="0">
  <tr><td class="prngen2" colspan="4"><p class="prnml4"><span class="prnews_span"><b>Acme Corp.
    and Subsidiaries<br class="dnr"/>
    CONDENSED STATEMENTS OF EARNINGS<br class="dnr"/>(In millions)</b></span></p></td></tr>
  <tr>
    <td class="prngen24"><br class="dnr"/></td>
    <td><p><span><b><u>Three Months Ended<br class="dnr"/>
    March 31,</u></b></span></p></td>
    <td class="prngen24"><br class="dnr"/></td>
    <th>Change vs.
       Prior</th>
  </tr>
  <tr><td><br/></td><td> </td><td>&nbsp;</td><td></td></tr>
  <tr>
    <td><p class="prnml4"><span class="prnews_span">Net&nbsp;sales</span></p></td>
    <td><p><span>$&nbsp;4,479</span></p></td><td><br class="dnr"/></td>
    <td><p><span>(12.5)&#8202;%</span></p></td>
  </tr>
  <tr>
    <td>Cost of goods sold<sup>(1)</sup></td><td>2,&#8203;691</td><td></td><td>&#8212;</td>
  </tr>
  <tr>
    <td>Gross
        profit</td><td><span>1,</span><span>788</span></td><td></td><td>Fav. &amp; Unfav.</td>
  </tr>
</table>"""

_STATEMENT_TEXT = (
    "Acme Corp. and Subsidiaries CONDENSED STATEMENTS OF EARNINGS (In millions)\n"
    "Three Months Ended March 31, | Change vs. Prior\n"
    "Net sales | $ 4,479 | (12.5) %\n"
    "Cost of goods sold(1) | 2,691 | —\n"
    "Gross profit | 1,788 | Fav. & Unfav."
)
_TABLES = 12  # as many statements as a real earnings release carries


def _earnings_page() -> bytes:
    statements = "\n".join(
        f"<p>Statement {n}:</p>\n<div class='table-responsive'>{_STATEMENT}</div>"
        for n in range(1, _TABLES + 1)
    )
    return (
        "<html><body><article class='news-release'><header class='release-header'>"
        "<h1>Acme Reports First Quarter 2025 Results</h1></header>"
        "<section class='release-body container'><div class='row'><div class='col-lg-10'>\n"
        "<p>NEW YORK, May 1, 2025 /PRNewswire/ -- Acme reported\n   its results.<br>"
        "Sales rose.</p>\n"
        f"{statements}\n"
        "<p>SOURCE Acme Corp.</p></div></div></section></article></body></html>"
    ).encode()


def test_every_cell_of_a_table_heavy_page_reads_as_written():
    record = parse_release(_earnings_page())
    expected = ["Acme reported its results.\nSales rose."] + [
        block for n in range(1, _TABLES + 1) for block in (f"Statement {n}:", _STATEMENT_TEXT)
    ]
    assert record["body_text"].split("\n\n") == expected
    assert record["source_org"] == "Acme Corp."


def test_the_walk_gives_the_tree_back_as_it_found_it():
    """The walk marks each <br> in the tree while it reads it; the header fields read after
    it (a subtitle inside the body, say) must not see the mark."""
    body = lxml.html.fragment_fromstring(
        "<div><p class='subtitle'>Up<br>4%</p><table><tr><td>1<br/>\n2</td><td><br></td></tr>"
        "</table><p>a<br>b<br></p></div>"
    )
    before = etree.tostring(body)
    assert blocks(body) == ["Up\n4%", "1 2", "a\nb"]
    assert etree.tostring(body) == before


def test_the_walks_line_break_mark_cannot_come_from_a_page():
    """U+FDD0 marks a <br> while the walk reads the tree; a page that carries one (Unicode
    keeps it for a program's own use) has it dropped like a control character."""
    page = _earnings_page()
    marked = page.replace(b"Acme reported", "Acme\ufdd0 reported".encode())
    assert marked != page
    assert parse_release(marked) == parse_release(page)
