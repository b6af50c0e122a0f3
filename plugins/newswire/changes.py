"""What changed between two versions of a release record (a correction): the fields that
differ, old and new, and the body compared paragraph by paragraph, with the words that
changed inside a changed paragraph.

The result is plain data (strings and kinds) for a page to show as text; nothing here is
markup. The comparison is bounded: bodies are compared on their first ``MAX_BODY_CHARS``
characters, and a changed stretch longer than ``MAX_WORD_DIFF_TOKENS`` words is shown as
removed and added paragraphs rather than word by word (``difflib`` is quadratic at worst).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from newswire.record import RELEASE_FIELDS

MAX_BODY_CHARS = 100_000
MAX_WORD_DIFF_TOKENS = 4_000
CONTEXT = 1  # unchanged paragraphs shown around a change (the rest are counted)
# Fields compared one by one; the body is compared apart, the hash always differs and which
# layer gave a field is provenance, not content.
FIELDS = tuple(
    f for f in RELEASE_FIELDS if f not in ("body_text", "content_sha256", "field_sources")
)

_TOKENS = re.compile(r"\s+|\S+")


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Paragraph:
    """One row of the body's comparison. ``kind``: "same", "removed", "added", "changed"
    (``parts`` hold its words as (kind, text), kind "same", "removed" or "added") or
    "skipped" (``text`` says how many unchanged paragraphs are not shown)."""

    kind: str
    text: str = ""
    parts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Changes:
    fields: list[FieldChange]
    body: list[Paragraph]  # empty when the body did not change
    truncated: bool  # a body was longer than MAX_BODY_CHARS: only its start was compared


def as_text(value) -> str:
    """A record value as one line of text: lists joined with ", ", tickers as EXCHANGE:SYMBOL."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(
            f"{item.get('exchange')}:{item.get('symbol')}" if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def compare(old: dict, new: dict) -> Changes:
    """What changed from record ``old`` to record ``new``."""
    fields = [
        FieldChange(name, as_text(old.get(name)), as_text(new.get(name)))
        for name in FIELDS
        if old.get(name) != new.get(name)
    ]
    old_body, new_body = old.get("body_text") or "", new.get("body_text") or ""
    truncated = max(len(old_body), len(new_body)) > MAX_BODY_CHARS
    body = []
    if old_body != new_body:
        body = compare_paragraphs(
            _paragraphs(old_body[:MAX_BODY_CHARS]), _paragraphs(new_body[:MAX_BODY_CHARS])
        )
    return Changes(fields, body, truncated)


def compare_paragraphs(old: list[str], new: list[str]) -> list[Paragraph]:
    """Paragraphs removed, added and changed (word by word), with ``CONTEXT`` unchanged
    paragraphs around each change and the rest counted."""
    rows: list[Paragraph] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            head = same[:CONTEXT] if n else []
            tail = same[-CONTEXT:] if n < len(opcodes) - 1 else []
            if len(same) <= len(head) + len(tail) + 1:  # no skipping a single paragraph
                rows += [Paragraph("same", text) for text in same]
                continue
            rows += [Paragraph("same", text) for text in head]
            skipped = len(same) - len(head) - len(tail)
            plural = "s" if skipped > 1 else ""
            rows.append(Paragraph("skipped", f"{skipped} unchanged paragraph{plural}"))
            rows += [Paragraph("same", text) for text in tail]
        elif tag == "replace":
            rows += _changed(old[i1:i2], new[j1:j2])
        else:
            rows += [Paragraph("removed", text) for text in old[i1:i2]]
            rows += [Paragraph("added", text) for text in new[j1:j2]]
    return rows


def _changed(old: list[str], new: list[str]) -> list[Paragraph]:
    old_words, new_words = _TOKENS.findall("\n".join(old)), _TOKENS.findall("\n".join(new))
    if max(len(old_words), len(new_words)) > MAX_WORD_DIFF_TOKENS:
        return [Paragraph("removed", t) for t in old] + [Paragraph("added", t) for t in new]
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("same", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(new_words[j1:j2])))
    return [Paragraph("changed", parts=parts)]


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
