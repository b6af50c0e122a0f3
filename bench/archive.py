"""The raw archive's codec, measured before it is chosen (issue 21): bytes per page and
time to read a page back, gzip-6 (the archive before migration 013) beside zstd alone and
zstd with a raw-content dictionary made of another page of the same wire and template (the
navigation, scripts and footer every page of a template repeats). A page is never its own
dictionary: each is compressed against each other page of its template in turn, and each
pair is reported. Every compressed page is read back and compared with the original bytes
(sha256).

Pages: the real pages of ``../shared/fixtures/real/`` (skipped when absent), grouped by the
template their label gives (``tests/fixtures/labels/pages.tsv``). Three 2026 pages were
reassembled with navigation and footer taken from one of them (see their notes there): a
pair of two of them overstates what a dictionary saves, a pair with a byte-exact page of
the template (``prnewswire_2016_hackerrank``, ``prnewswire_2023_workday``) does not.

    python bench/archive.py --out bench/results/archive.json
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import time
from itertools import groupby
from pathlib import Path

from common import ROOT, write_results

REAL = ROOT.parent / "shared" / "fixtures" / "real"  # third-party: never committed
LABELS = ROOT / "tests" / "fixtures" / "labels" / "pages.tsv"
ZSTD_LEVELS = (3, 19)
READS = 20  # decompressions timed per page and codec


def _read_ms(decompress, blob: bytes) -> float:
    start = time.perf_counter()
    for _ in range(READS):
        decompress(blob)
    return 1000 * (time.perf_counter() - start) / READS


def _checked(decompress, blob: bytes, page: bytes) -> bytes:
    if hashlib.sha256(decompress(blob)).digest() != hashlib.sha256(page).digest():
        raise AssertionError("a page did not read back byte-exact")
    return blob


def measure_page(page: bytes, others: dict[str, bytes]) -> dict:
    """One page: bytes and read time of each codec (with each other page as dictionary)."""
    import zstandard

    result = {"bytes": len(page)}
    blob = _checked(gzip.decompress, gzip.compress(page, 6), page)
    result["gzip6"] = {"bytes": len(blob), "read_ms": _read_ms(gzip.decompress, blob)}
    for level in ZSTD_LEVELS:
        plain = zstandard.ZstdDecompressor().decompress
        blob = _checked(plain, zstandard.ZstdCompressor(level=level).compress(page), page)
        result[f"zstd{level}"] = {"bytes": len(blob), "read_ms": _read_ms(plain, blob)}
        by_dictionary = {}
        for name, other in others.items():
            dictionary = zstandard.ZstdCompressionDict(
                other, dict_type=zstandard.DICT_TYPE_RAWCONTENT
            )
            compressor = zstandard.ZstdCompressor(level=level, dict_data=dictionary)
            read = zstandard.ZstdDecompressor(dict_data=dictionary).decompress
            blob = _checked(read, compressor.compress(page), page)
            by_dictionary[name] = {"bytes": len(blob), "read_ms": _read_ms(read, blob)}
        if others:
            result[f"zstd{level}+page_dict"] = by_dictionary
    return result


def templates() -> dict[str, str]:
    """Each real page's template, as its label gives it."""
    with open(LABELS, newline="") as f:
        return {row["file"]: row["template"] for row in csv.DictReader(f, delimiter="\t")}


def run() -> dict:
    if not REAL.is_dir():
        return {"skipped": f"{REAL} is absent (third-party fixtures live in ../shared/)"}
    template = templates()
    pages = {p.name: p.read_bytes() for p in sorted(REAL.glob("*.html"))}
    result = {"pages": {}, "vs_gzip6_zstd19_page_dict": {}}
    by_template = sorted(pages, key=lambda name: template[name])
    for _template, names in groupby(by_template, key=lambda name: template[name]):
        names = list(names)
        for name in names:
            others = {o: pages[o] for o in names if o != name}
            measured = result["pages"][name] = measure_page(pages[name], others)
            gzip6 = measured["gzip6"]["bytes"]
            result["vs_gzip6_zstd19_page_dict"][name] = {
                dictionary: round(gzip6 / figures["bytes"], 1)
                for dictionary, figures in measured.get("zstd19+page_dict", {}).items()
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    write_results(args.out, run())


if __name__ == "__main__":
    main()
