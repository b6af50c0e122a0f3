"""What changed between two versions of a release record (newswire.changes)."""

from newswire import changes
from newswire.changes import Paragraph, compare
from tests.support.records import make_record

BODY = "First paragraph.\n\nSecond paragraph says 10 million.\n\nThird.\n\nFourth.\n\nFifth."


def test_a_correction_shows_changed_fields_and_the_changed_words():
    old = make_record(1, body_text=BODY)
    new = make_record(
        1,
        title="Release number 1 (corrected)",
        tickers=[{"exchange": "NYSE", "symbol": "ACME"}],
        body_text=BODY.replace("10 million", "12 million"),
    )
    result = compare(old, new)
    assert [(c.field, c.old, c.new) for c in result.fields] == [
        ("title", "Release number 1", "Release number 1 (corrected)"),
        ("tickers", "", "NYSE:ACME"),
    ]
    assert result.body == [
        Paragraph("same", "First paragraph."),
        Paragraph(
            "changed",
            parts=[
                ("same", "Second paragraph says "),
                ("removed", "10"),
                ("added", "12"),
                ("same", " million."),
            ],
        ),
        Paragraph("same", "Third."),
        Paragraph("skipped", "2 unchanged paragraphs"),
    ]
    assert not result.truncated


def test_added_and_removed_paragraphs_and_an_unchanged_body():
    old = make_record(1, body_text="One.\n\nTwo.")
    new = make_record(1, body_text="One.\n\nTwo.\n\nA correction was added.")
    assert compare(old, new).body == [
        Paragraph("same", "One."),
        Paragraph("same", "Two."),
        Paragraph("added", "A correction was added."),
    ]
    assert compare(new, old).body[-1] == Paragraph("removed", "A correction was added.")
    same_body = compare(old, make_record(1, body_text="One.\n\nTwo.", issuer="Someone"))
    assert same_body.body == [] and [c.field for c in same_body.fields] == ["issuer"]


def test_the_comparison_is_bounded(monkeypatch):
    monkeypatch.setattr(changes, "MAX_BODY_CHARS", 20)
    monkeypatch.setattr(changes, "MAX_WORD_DIFF_TOKENS", 3)
    old = make_record(1, body_text="alpha beta gamma delta and what follows is not compared")
    new = make_record(1, body_text="alpha BETA gamma delta and the rest is not compared either")
    result = compare(old, new)
    assert result.truncated
    # 20 characters, more than 3 tokens: shown as a removed and an added paragraph
    assert result.body == [
        Paragraph("removed", "alpha beta gamma del"),
        Paragraph("added", "alpha BETA gamma del"),
    ]
