"""Deterministic sample releases and the true record of each.

Release ``i`` depends only on ``(seed, i)``: it is drawn from ``random.Random(f"{seed}:{i}")``
(its body from ``f"{seed}:{i}:body"``, recomputed whenever needed), so it is the same whatever
``count`` is, and generating 100,000 releases stays cheap.

The body is kept as data (:class:`Block` of :class:`Run`) that both the renderer and
:attr:`SampleRelease.expected` read, so the true record is computed from the generator's own
inputs, never by parsing the HTML.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

from newswire.record import content_sha256, sourced_from
from newswire_sample_site import vocabulary as vocab
from newswire_sample_site.vocabulary import Issuer

ET = ZoneInfo("America/New_York")
CANONICAL_ORIGIN = "https://www.prnewswire.com"
MEDIA_ORIGIN = "https://mma.prnewswire.com"
FIRST_ID = 302_000_000
ID_STRIDE = 7  # release i takes an id in [FIRST_ID + 7i, FIRST_ID + 7i + 6]: unique, not guessable
WINDOW_START = date(2024, 11, 1)  # generated releases fall in 2024-11-01 .. 2025-10-31 (ET)
WINDOW_DAYS = 365  # the default archive depth; a deeper archive starts earlier, same end
WINDOW_END = WINDOW_START + timedelta(days=WINDOW_DAYS)
# Hours 04..20 ET never meet a DST change (those happen at 02:00), so every time exists once.
_HOURS = (4, 5, 6, 7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16, 16, 17, 18, 19, 20)
_GOLDEN = 0.6180339887498949
_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEED_FILE = Path(__file__).parent / "data" / "seed_release_global_times.txt"
_DATELINE = re.compile(
    r"^(?P<location>.+?), (?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}) "
    r"(?P<wire>/PRNewswire[^/]*/) (?P<dash>--|—) (?P<lead>.+)$"
)

GLOBAL_TIMES = Issuer(
    "Global Times",
    "Global Times",
    "global-times",
    "globaltimes.cn",
    "",
    (("BEIJING",),),
    ("Artificial Intelligence", "Publishing & Information Services"),
)


class Run(NamedTuple):
    """A piece of paragraph text and how it is marked up.

    kind: ``text``; ``person`` / ``location`` / ``chron`` (the ``xn-*`` spans);
    ``dl-location`` / ``dl-chron`` (the same, wrapped in ``span.legendSpanClass``: the dateline);
    ``link`` (``href`` set); ``ticker`` (an ``a.ticket-symbol``)."""

    kind: str
    text: str
    href: str | None = None


class Block(NamedTuple):
    """One body block. kind: ``p`` (content: runs), ``heading`` / ``wcag-heading`` (a string),
    ``ul`` (item strings), ``table`` (rows of cell strings; a newline in a cell is a ``<br>``,
    a row of one cell spans the table)."""

    kind: str
    content: tuple

    def truth(self) -> str:
        if self.kind == "p":
            return clean("".join(run.text for run in self.content))
        if self.kind == "ul":
            return "\n".join("- " + clean(item) for item in self.content)
        if self.kind == "table":  # an empty cell (a spacer or layout cell) is no column,
            rows = ([clean(cell) for cell in row] for row in self.content)  # a row of them no
            return "\n".join(" | ".join(c for c in cells if c) for cells in rows if any(cells))
        return clean(self.content)


def clean(text: str) -> str:
    """The truth whitespace rule: NFC, runs of whitespace (NBSP included) become one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-' ("Zoë & Co." -> "zoe-co")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def ap_date(day: date) -> str:
    """A dateline date in AP style: "Feb. 19, 2025", "June 3, 2025"."""
    return f"{_AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class SampleRelease:
    index: int
    seed: int
    release_id: str
    topic: str  # "seed", "names", "results", "launch", "partner", "conference", "office", "award"
    subject: str  # the topic's person, product, partner, conference, city or award
    detail: str  # a second topic word (role, goal, quarter ...), may be ""
    title: str
    subtitles: tuple[str, ...]
    subtitle_dash: bool  # render subtitles as "- text" (the dash is not part of the truth)
    issuer: Issuer
    published: datetime  # aware, America/New_York, whole minutes
    day_first: bool  # visible time "25 Apr, 2025, 03:39 ET" instead of "Apr 25, 2025, 03:39 ET"
    locations: tuple[str, ...]  # dateline cities, joined by " and "
    wire_tag: str  # "/PRNewswire/" or "/PRNewswire-USNewswire/"
    dash: str  # "--" or "—"
    industries: tuple[str, ...]
    contacts: tuple[str, ...] | None  # the contact block's lines, label first
    logo: str | None
    gallery: tuple[tuple[str, str], ...]  # (image URL, caption)
    nfd_names: bool  # person names are written decomposed (NFD) in the HTML
    corrects: SampleRelease | None = None  # a "CORRECTION --" release: the release it corrects

    # -- identity ---------------------------------------------------------------------------
    @cached_property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def path(self) -> str:
        return f"/news-releases/{self.slug}-{self.release_id}.html"

    @property
    def url(self) -> str:
        """The canonical URL the page states (og:url, link rel=canonical), whoever serves it."""
        return CANONICAL_ORIGIN + self.path

    # -- time -------------------------------------------------------------------------------
    @property
    def published_utc(self) -> datetime:
        return self.published.astimezone(UTC)

    @property
    def visible_time(self) -> str:
        p, month = self.published, _MONTHS[self.published.month - 1]  # not %b: locale-free
        if self.day_first:
            return f"{p.day} {month}, {p.year}, {p:%H:%M} ET"
        return f"{month} {p.day}, {p.year}, {p:%H:%M} ET"

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return self.published_utc, self.release_id

    # -- derived fields ---------------------------------------------------------------------
    @property
    def dateline_location(self) -> str:
        return " and ".join(self.locations)

    @property
    def dateline_date(self) -> str:
        return ap_date(self.published.date())

    @property
    def source_org(self) -> str:
        return self.issuer.source_org

    @property
    def tickers(self) -> tuple[tuple[str, str], ...]:
        return self.issuer.tickers

    @property
    def images(self) -> list[str]:
        return ([self.logo] if self.logo else []) + [url for url, _ in self.gallery]

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The body, recomputed on each use (cheap) so that 100,000 releases held by a
        server do not keep 100,000 bodies in memory."""
        if self.corrects is not None:
            return _correction_blocks(self)
        return _seed_blocks() if self.topic == "seed" else _generated_blocks(self)

    @property
    def body_text(self) -> str:
        """The body as the parser must give it: the dateline ("BEIJING, Feb. 19, 2025
        /PRNewswire/ -- ") is not part of it, it goes to ``dateline_location``."""
        first, *rest = (block.truth() for block in self.blocks)
        lead = first.split(f"{self.wire_tag} {self.dash} ", 1)[1]
        return "\n\n".join((lead, *rest))

    @property
    def description(self) -> str:
        """The teaser of meta description / og:description / RSS: the lead from the wire tag
        on, cut at a word boundary like the real site ("/PRNewswire/ -- Workday, Inc. ...")."""
        lead = self.blocks[0].truth()
        lead = lead[lead.find(self.wire_tag) :]
        if len(lead) <= 160:
            return lead
        return lead[:160].rsplit(" ", 1)[0] + "..."

    @property
    def expected(self) -> dict:
        """The true record (keys of ``newswire.record.RELEASE_FIELDS``), from the inputs."""
        record = {
            "release_id": self.release_id,
            "url": self.url,
            "wire": "prnewswire",
            "title": clean(self.title),
            "subtitle": "\n".join(clean(s) for s in self.subtitles) or None,
            "issuer": self.issuer.name,
            "published_at": self.published_utc.isoformat(),
            "dateline_location": self.dateline_location,
            "source_org": self.source_org,
            "tickers": [{"exchange": e, "symbol": s} for e, s in self.tickers],
            "industries": list(self.industries),
            "language": "en",
            "body_text": self.body_text,
            "contacts": "\n".join(self.contacts) if self.contacts else None,
            "images": self.images,
            "subjects": [],
            "dateline_date": self.published.date().isoformat(),
            "word_count": len(self.body_text.split()),
        }
        record["content_sha256"] = content_sha256(record)
        record["field_sources"] = sourced_from(record)  # the known template: every field by rules
        return record


def generate_releases(
    count: int = 120, seed: int = 7, days: int = WINDOW_DAYS
) -> list[SampleRelease]:
    """Releases 0 .. count-1 over the ``days`` before WINDOW_END (the archive's depth);
    release 0 is the Global Times seed release."""
    phase = random.Random(f"{seed}:phase").random()
    start = WINDOW_END - timedelta(days=days)
    return [
        _seed_release(seed) if i == 0 else _generated_release(i, seed, phase, start, days)
        for i in range(count)
    ]


def live_release(index: int, seed: int, published: datetime) -> SampleRelease:
    """Release ``index`` (one after the archive's), published at ``published``: what the
    live site publishes, to the second (``published`` is the moment it went out)."""
    phase = random.Random(f"{seed}:phase").random()
    rel = _generated_release(index, seed, phase, WINDOW_START, WINDOW_DAYS)
    return replace(rel, published=published.astimezone(ET).replace(microsecond=0))


def corrected(rel: SampleRelease) -> SampleRelease:
    """``rel`` as the wire re-issues it with a correction (same id, a new title)."""
    return replace(rel, title=f"CORRECTION -- {rel.title.removeprefix('CORRECTION -- ')}")


CORRECTION_SENTENCE = "The figures above were reviewed by the company's auditors."


def correction_release(original: SampleRelease, index: int, published: datetime) -> SampleRelease:
    """Release ``index``, published at ``published``, correcting ``original`` as PR Newswire
    does with a release of its own: titled "CORRECTION -- <original title>", its body opens
    "In the news release, <title>, issued <date> by <issuer> over PR Newswire, we are advised
    by the company that ..." and ends with the complete corrected release."""
    own_id = live_release(index, original.seed, published)
    return replace(
        original,
        index=index,
        release_id=own_id.release_id,
        title=f"CORRECTION -- {original.title}",
        subtitles=(),
        published=published.astimezone(ET).replace(microsecond=0),
        locations=original.locations[:1],
        logo=None,
        gallery=(),
        corrects=original,
    )


def _correction_blocks(rel: SampleRelease) -> tuple[Block, ...]:
    original = rel.corrects
    issued = original.published
    notice = (
        f"In the news release, {original.title}, issued {issued.day:02d}-"
        f"{_MONTHS[issued.month - 1]}-{issued.year} by {original.issuer.name} over PR Newswire, "
        "we are advised by the company that a sentence was missing from the second "
        "paragraph. The complete, corrected release follows:"
    )
    body = list(original.blocks)
    if body[1].kind == "p":
        body[1] = Block("p", (*body[1].content, Run("text", f" {CORRECTION_SENTENCE}")))
    lead = [Run("dl-location", location) for location in rel.locations[:1]] + [
        Run("text", ", "),
        Run("dl-chron", rel.dateline_date),
        Run("text", f" {rel.wire_tag} {rel.dash}\u00a0{notice}"),
    ]
    return (Block("p", tuple(lead)), *body)


# -- the seed release ---------------------------------------------------------------------


@cache
def _seed_lines() -> tuple[str, ...]:
    return tuple(
        line.strip() for line in _SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    )


@cache
def _seed_dateline() -> re.Match:
    match = _DATELINE.match(_seed_lines()[0])
    if not match:
        raise ValueError(f"{_SEED_FILE.name}: first line is not a dateline paragraph")
    return match


@cache
def _seed_blocks() -> tuple[Block, ...]:
    """The seed file's paragraphs (without the SOURCE line), the first split into its
    dateline spans; its text is kept exactly, em dash and all."""
    d = _seed_dateline()
    first = Block(
        "p",
        (
            Run("dl-location", d["location"]),
            Run("text", ", "),
            Run("dl-chron", d["date"]),
            Run("text", f" {d['wire']} {d['dash']} {d['lead']}"),
        ),
    )
    rest = [Block("p", (Run("text", line),)) for line in _seed_lines()[1:-1]]
    return (first, *rest)


def _seed_release(seed: int) -> SampleRelease:
    rng = random.Random(f"{seed}:0")
    d = _seed_dateline()
    if _seed_lines()[-1] != f"SOURCE {GLOBAL_TIMES.source_org}":
        raise ValueError(f"{_SEED_FILE.name}: last line is not 'SOURCE {GLOBAL_TIMES.source_org}'")
    return SampleRelease(
        index=0,
        seed=seed,
        release_id=str(FIRST_ID + rng.randrange(ID_STRIDE)),
        topic="seed",
        subject="",
        detail="",
        title="“250 million” generative AI users show the confidence of Chinese innovation",
        subtitles=(),
        subtitle_dash=False,
        issuer=GLOBAL_TIMES,
        published=datetime(2025, 2, 19, 8, 0, tzinfo=ET),
        day_first=False,
        locations=(d["location"],),
        wire_tag=d["wire"],
        dash=d["dash"],
        industries=GLOBAL_TIMES.industries,
        contacts=None,
        logo=None,
        gallery=(),
        nfd_names=False,
    )


# -- generated releases -------------------------------------------------------------------


def _generated_release(
    index: int, seed: int, phase: float, start: date, days: int
) -> SampleRelease:
    rng = random.Random(f"{seed}:{index}")
    release_id = str(FIRST_ID + ID_STRIDE * index + rng.randrange(ID_STRIDE))
    issuer = rng.choice(vocab.ISSUERS)
    # A golden-ratio walk over the archive: any few consecutive releases spread over the
    # seasons, so winter (EST) and summer (EDT) times both occur even for small counts.
    day = start + timedelta(days=int((phase + index * _GOLDEN) % 1.0 * days))
    published = datetime.combine(day, time(rng.choice(_HOURS), rng.randrange(60)), tzinfo=ET)
    topic, subject, detail, title = _topic(rng, issuer, published)
    n_subtitles = rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
    return SampleRelease(
        index=index,
        seed=seed,
        release_id=release_id,
        topic=topic,
        subject=subject,
        detail=detail,
        title=title,
        subtitles=tuple(rng.sample(vocab.SUBTITLES, n_subtitles)),
        subtitle_dash=rng.random() < 0.5,
        issuer=issuer,
        published=published,
        day_first=rng.random() < 0.1,
        locations=rng.choice(issuer.locations),
        wire_tag="/PRNewswire-USNewswire/" if issuer.usnewswire else "/PRNewswire/",
        dash=rng.choice(("--", "--", "—")),
        industries=tuple(
            rng.sample(issuer.industries, rng.randint(1, min(3, len(issuer.industries))))
        ),
        contacts=_contacts(rng, issuer) if rng.random() < 0.85 else None,
        logo=_logo_url(issuer) if rng.random() < 0.5 else None,
        gallery=_gallery(rng, issuer, subject, detail, topic) if rng.random() < 0.3 else (),
        nfd_names=rng.random() < 0.15,
    )


def _topic(rng: random.Random, issuer: Issuer, published: datetime) -> tuple[str, str, str, str]:
    """(topic, subject, detail, title) of a generated release."""
    topics = ["names", "launch", "partner", "conference", "office", "award"]
    if issuer.tickers:
        topics.append("results")
    topic = rng.choice(topics)
    short = issuer.short
    if topic == "names":
        person, role = rng.choice(vocab.PEOPLE), rng.choice(vocab.ROLES)
        return topic, person, role, f"{short} Names {person} Chief {role} Officer"
    if topic == "results":
        quarter = rng.choice(vocab.QUARTERS)
        year = str(published.year - (quarter == "Fourth Quarter"))
        return topic, quarter, year, f"{short} Reports {quarter} {year} Financial Results"
    if topic == "launch":
        product = rng.choice(vocab.PRODUCTS)
        return topic, product, "", f"{short} Launches {product}"
    if topic == "partner":
        partner = rng.choice([i for i in vocab.ISSUERS if i is not issuer]).short
        goal_title, goal = rng.choice(vocab.GOALS)
        joiner = rng.choice((" and ", " & "))
        return topic, partner, goal, f"{short}{joiner}{partner} Partner to {goal_title}"
    if topic == "conference":
        conference = rng.choice(vocab.CONFERENCES)
        return topic, conference, "", f"{short} to Present at the {conference}"
    if topic == "office":
        city = rng.choice(vocab.CITIES)
        return topic, city, "", f"{short} Opens New Office in {city}"
    year = str(published.year)
    return topic, "Best Place to Work", year, f"{short} Named a “Best Place to Work” for {year}"


def _contacts(rng: random.Random, issuer: Issuer) -> tuple[str, ...]:
    label = rng.choice(
        (
            "Media Contact:",
            "Media Contact:",
            "Media Contacts:",
            "MEDIA CONTACT:",
            "Press Contact:",
            "Investor Contact:",
        )
    )
    person = rng.choice(vocab.PEOPLE)
    agency = (rng.choice(vocab.AGENCIES),) if rng.random() < 0.3 else ()
    email = f"{slugify(person).replace('-', '.')}@{issuer.domain}"
    phone = f"+1 ({rng.randint(201, 989)}) 555-{rng.randint(100, 199):04d}"
    return (label, person, *agency, email, phone)


def _file_stem(issuer: Issuer) -> str:
    """The ASCII stem of an issuer's image names: "mirai-tech" -> "Mirai_Tech"."""
    return "_".join(word.capitalize() for word in issuer.slug.split("-"))


def _logo_url(issuer: Issuer) -> str:
    """One logo per issuer (same media number in every release, like the real site)."""
    number = 1_700_000 + zlib.crc32(issuer.slug.encode()) % 100_000
    return f"{MEDIA_ORIGIN}/media/{number}/{_file_stem(issuer)}_Logo.jpg"


def _gallery(
    rng: random.Random, issuer: Issuer, subject: str, detail: str, topic: str
) -> tuple[tuple[str, str], ...]:
    figures = []
    for n in range(rng.randint(1, 2)):
        kind = rng.choice(("Photo", "Product", "Team", "Event"))
        number = 2_000_000 + rng.randrange(800_000)
        url = f"{MEDIA_ORIGIN}/media/{number}/{_file_stem(issuer)}_{kind}_{n + 1}.jpg"
        if topic == "names" and n == 0:
            caption = f"{subject}, Chief {detail} Officer, {issuer.short}"
        else:
            caption = f"{subject} (PRNewsfoto/{issuer.short})"
        figures.append((url, caption))
    return tuple(figures)


# -- generated bodies ---------------------------------------------------------------------


def _generated_blocks(rel: SampleRelease) -> tuple[Block, ...]:
    rng = random.Random(f"{rel.seed}:{rel.index}:body")
    issuer, short = rel.issuer, rel.issuer.short
    fill = {
        "short": short,
        "city": rng.choice(vocab.CITIES),
        "product": rng.choice(vocab.PRODUCTS),
        "goal": rng.choice(vocab.GOALS)[1],
    }

    def sentences(n: int) -> str:
        return " ".join(s.format(**fill) for s in rng.sample(vocab.SENTENCES, n))

    blocks = [
        _dateline_paragraph(rel, rng),
        Block("p", (Run("text", sentences(rng.randint(2, 3))),)),
        _quote_paragraph(rng, short, fill),
    ]
    if rel.topic == "results" or rng.random() < 0.15:
        blocks += [
            Block("p", (Run("text", "Selected results (in millions, except per-share data):"),)),
            _results_table(rng, rel),
        ]
    if rng.random() < 0.3:
        items = rng.sample(vocab.HIGHLIGHTS, rng.randint(3, 4))
        blocks += [
            Block("p", (Run("text", f"{short} highlights:"),)),
            Block("ul", tuple(item.format(**fill) for item in items)),
        ]
    if rng.random() < 0.5:
        blocks.append(
            Block(
                "p",
                (
                    Run("text", f"{short} also opened an office in "),
                    Run("location", fill["city"]),
                    Run("text", " on "),
                    Run("chron", ap_date(rel.published.date())),
                    Run("text", ". " + sentences(1)),
                ),
            )
        )
    if any(exchange == "NASDAQ" for exchange, _ in issuer.tickers) and rng.random() < 0.5:
        # "NASDAQ-100" is an index, not a listing: a trap for ticker extraction.
        blocks.append(
            Block(
                "p",
                (Run("text", f"{short} is a component of the NASDAQ-100 Index and the S&P 500."),),
            )
        )
    heading = "heading" if rng.random() < 0.5 else "wcag-heading"
    blocks += [
        Block(heading, f"About {issuer.name}"),
        Block(
            "p",
            (
                Run("text", f"{issuer.name} is {issuer.descriptor}. For more information, visit "),
                Run("link", f"www.{issuer.domain}", f"https://www.{issuer.domain}/"),
                Run("text", "."),
            ),
        ),
    ]
    if issuer.tickers and rng.random() < 0.3:
        blocks += [
            Block(heading, "Forward-Looking Statements"),
            Block(
                "p",
                (
                    Run(
                        "text",
                        "This press release contains forward-looking statements "
                        "that involve risks and uncertainties; actual results "
                        "may differ materially.",
                    ),
                ),
            ),
        ]
    if rel.topic == "results":
        blocks += _financial_statements(rel)
    return tuple(blocks)


def _dateline_paragraph(rel: SampleRelease, rng: random.Random) -> Block:
    """``<LOCATION>, <date> /PRNewswire/ --&nbsp;<issuer> (NASDAQ: <ticker>), ... announced ...``"""
    runs = []
    for n, location in enumerate(rel.locations):
        if n:
            runs.append(Run("text", " and "))
        runs.append(Run("dl-location", location))
    runs += [
        Run("text", ", "),
        Run("dl-chron", rel.dateline_date),
        Run("text", f" {rel.wire_tag} {rel.dash}\u00a0"),
        Run("link", rel.issuer.name, _outbound(rng, f"https://www.{rel.issuer.domain}/", rel)),
    ]
    for n, (exchange, symbol) in enumerate(rel.tickers):
        runs += [Run("text", (" (" if n == 0 else "; ") + f"{exchange}: "), Run("ticker", symbol)]
    if rel.tickers:
        runs.append(Run("text", ")"))
    runs.append(Run("text", f", {rel.issuer.descriptor}, today announced "))
    runs += _announcement(rel)
    return Block("p", tuple(runs))


def _announcement(rel: SampleRelease) -> list[Run]:
    subject, detail = rel.subject, rel.detail
    if rel.topic == "names":
        effective = ap_date(rel.published.date() + timedelta(days=30))
        return [
            Run("text", "the appointment of "),
            Run("person", subject),
            Run("text", f" as chief {detail.lower()} officer, effective "),
            Run("chron", effective),
            Run("text", "."),
        ]
    if rel.topic == "results":
        text = f"financial results for its {subject.lower()} of fiscal {detail}."
    elif rel.topic == "launch":
        text = f"the general availability of {subject}."
    elif rel.topic == "partner":
        text = f"a partnership with {subject} to {detail}."
    elif rel.topic == "conference":
        text = f"that its executives will present at the {subject}."
    elif rel.topic == "office":
        text = f"the opening of a new office in {subject}."
    else:
        text = f"that it has been named a “{subject}” for {detail}."
    return [Run("text", text)]


def _outbound(rng: random.Random, url: str, rel: SampleRelease) -> str:
    """Outbound links are often wrapped by the wire's click tracker (c212.net)."""
    if rng.random() < 0.5:
        return url
    return (
        f"https://c212.net/c/link/?t=0&l=en&o={rel.release_id[-7:]}-1"
        f"&h={zlib.crc32(url.encode()):x}&u={quote(url, safe='')}&a={quote(rel.issuer.name)}"
    )


def _quote_paragraph(rng: random.Random, short: str, fill: dict) -> Block:
    words = rng.choice(vocab.QUOTES).format(**fill)
    opening, closing = rng.choice((("“", "”"), ('"', '"')))
    person = rng.choice(vocab.PEOPLE)
    role = f"Chief {rng.choice(vocab.ROLES)} Officer"
    return Block(
        "p",
        (
            Run("text", f"{opening}{words[:-1]},{closing} said "),
            Run("person", person),
            Run("text", f", {role} at {short}."),
        ),
    )


def _results_table(rng: random.Random, rel: SampleRelease) -> Block:
    year, quarter = rel.published.year, rng.randint(1, 4)
    revenue = rng.randint(200, 4000) + rng.randint(0, 9) / 10
    income = round(revenue * rng.uniform(0.05, 0.2), 1)
    eps = rng.randint(10, 250) / 100
    growth = rng.uniform(1.03, 1.25)
    return Block(
        "table",
        (
            ("Metric", f"Q{quarter} {year}", f"Q{quarter} {year - 1}"),
            ("Revenue", f"${revenue:,.1f}", f"${revenue / growth:,.1f}"),
            ("Net income", f"${income:,.1f}", f"${income / growth:,.1f}"),
            ("Diluted EPS", f"${eps:.2f}", f"${eps / growth:.2f}"),
        ),
    )


_PERIOD_ENDS = {  # quarter -> (its last day, the months of the year to date)
    "First Quarter": ("March 31", "Three"),
    "Second Quarter": ("June 30", "Six"),
    "Third Quarter": ("September 30", "Nine"),
    "Fourth Quarter": ("December 31", "Twelve"),
}


def _financial_statements(rel: SampleRelease) -> list[Block]:
    """The tables that close an earnings release, one per :data:`vocab.STATEMENTS` (a
    dozen, two hundred rows, about 1,500 cells, like a real one): a title row across the
    table, column headings, section rows, line items, empty spacer cells and rows. Drawn
    from a stream of their own, so the rest of the body is the same with or without them."""
    rng = random.Random(f"{rel.seed}:{rel.index}:statements")
    year, (day, months) = int(rel.detail), _PERIOD_ENDS[rel.subject]
    headings = {
        "periods": [
            (
                "",
                f"Three Months Ended\n{day},",
                "",
                "",
                "",
                f"{months} Months Ended\n{day},",
                "",
                "",
            ),
            ("", str(year), "", str(year - 1), "", str(year), "", str(year - 1)),
        ],
        "balance": [("", f"{day}, {year}", "", f"December 31, {year - 1}")],
        "notes": [],
    }
    tables = []
    for title, columns, lines in vocab.STATEMENTS:
        head = headings[columns]
        width = len(head[0]) if head else 2
        rows = [
            (
                f"{rel.issuer.name} and Subsidiaries\n{title.upper()}"
                "\n(In millions of dollars, except per-share data)\n(Unaudited)",
            ),
            *head,
        ]
        dollars = True  # the first figure of a section carries the dollar sign
        for n, line in enumerate(lines, 1):
            if columns == "notes":
                rows.append((f"({n})", line))
            elif not line or line.endswith(":"):
                rows.append((line,) + ("",) * (width - 1))
                dollars = True
            else:
                cells = [""] * (width - 1)  # figures with an empty spacer column between
                cells[::2] = [_figure(rng, dollars) for _ in cells[::2]]
                rows.append((line, *cells))
                dollars = False
        tables.append(Block("table", tuple(rows)))
    return tables


def _figure(rng: random.Random, dollars: bool) -> str:
    """A figure as printed in a statement: "$ 1,234", "(56)" (negative), "—" (none)."""
    roll = rng.random()
    if roll < 0.06:
        return "—"
    figure = f"{rng.randint(1, 9999):,}"
    figure = f"({figure})" if roll < 0.25 else figure
    return f"$\u00a0{figure}" if dollars else figure
