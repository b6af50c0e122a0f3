"""Exchange:symbol pairs ("(NASDAQ: WDAY)", "(TSX: ABC; NYSE: ABC)", "NASDAQ-NMS:CTSH").

Exchange names are normalized through :data:`EXCHANGES`, one table for every wire. A pair
only counts when a known exchange name is followed by a colon and a symbol, so index
names ("NASDAQ-100 Index") and ordinary parentheses never give a ticker.
"""

from __future__ import annotations

import re

# spelling on the page (lowercase, spaces collapsed) -> normalized exchange name
EXCHANGES = {
    "nasdaq": "NASDAQ",
    "nasdaqgs": "NASDAQ",
    "nasdaqgm": "NASDAQ",
    "nasdaqcm": "NASDAQ",
    "nasdaq-nms": "NASDAQ",
    "nasdaq-gs": "NASDAQ",
    "nasdaq global select": "NASDAQ",
    "nasdaq global market": "NASDAQ",
    "nasdaq capital market": "NASDAQ",
    "nasdaq-sc": "NASDAQ",
    "nyse": "NYSE",
    "new york stock exchange": "NYSE",
    "nyse american": "NYSE American",
    "nyse mkt": "NYSE American",
    "nyse amex": "NYSE American",
    "amex": "NYSE American",
    "nyse arca": "NYSE Arca",
    "tsx": "TSX",
    "tse": "TSX",
    "tsxv": "TSXV",
    "tsx-v": "TSXV",
    "tsx venture": "TSXV",
    "cse": "CSE",
    "neo": "NEO",
    "cboe canada": "NEO",
    "lse": "LSE",
    "aim": "LSE AIM",
    "ebr": "EBR",
    "euronext brussels": "EBR",
    "euronext paris": "EPA",
    "epa": "EPA",
    "euronext": "Euronext",
    "otc": "OTC",
    "otcqx": "OTCQX",
    "otcqb": "OTCQB",
    "otc pink": "OTC Pink",
    "otcbb": "OTC",
    "otc markets": "OTC",
    "pink": "OTC Pink",
    "hkex": "HKEX",
    "hkse": "HKEX",
    "sehk": "HKEX",
    "sse": "SSE",
    "szse": "SZSE",
    "asx": "ASX",
    "fwb": "FWB",
    "xetra": "FWB",
    "frankfurt": "FWB",
    "six": "SIX",
    "tase": "TASE",
    "krx": "KRX",
    "tyo": "TYO",
    "nse": "NSE",
    "bse": "BSE",
    "bmv": "BMV",
    "b3": "B3",
    "bovespa": "B3",
    "jse": "JSE",
    "sgx": "SGX",
    "ose": "OSE",
    "omx": "Nasdaq Nordic",
}
_NAMES = sorted(EXCHANGES, key=len, reverse=True)
_EXCHANGE = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in _NAMES)
# An exchange, a colon, a symbol: "NASDAQ: WDAY", "NYSE:DATA", "HKEX: 2288", "TSX: ABC.UN"
_PAIR = re.compile(
    rf"(?<![\w-])(?P<exchange>{_EXCHANGE})\s*:\s*(?P<symbol>[A-Z0-9][A-Za-z0-9]{{0,7}}(?:[.\-][A-Z0-9]{{1,4}})?)(?![\w-])",
    re.I,
)
# a parenthesis that holds at least one pair: "(NASDAQ: WDAY)", "(LSE: X; NASDAQ: Y)"
_PARENS = re.compile(r"\(([^()]{3,200})\)")


def normalize_exchange(name: str) -> str | None:
    return EXCHANGES.get(" ".join(name.lower().split()))


def find_tickers(text: str) -> list[dict]:
    """Pairs inside parentheses of running text, in order, without duplicates."""
    found: list[dict] = []
    for parens in _PARENS.finditer(text or ""):
        _add_pairs(parens.group(1), found)
    return found


def tickers_from_keywords(keywords: str) -> list[dict]:
    """Exchange-coded tickers of a keywords list: "Cognizant, NASDAQ-NMS:CTSH"."""
    found: list[dict] = []
    for item in (keywords or "").split(","):
        m = _PAIR.fullmatch(item.strip())
        if m:
            _add_pairs(item, found)
    return found


def _add_pairs(text: str, found: list[dict]) -> None:
    for m in _PAIR.finditer(text):
        exchange = normalize_exchange(m["exchange"])
        symbol = m["symbol"]
        if exchange is None or not _looks_like_symbol(symbol):
            continue
        pair = {"exchange": exchange, "symbol": symbol.upper()}
        if pair not in found:
            found.append(pair)


def _looks_like_symbol(symbol: str) -> bool:
    # Symbols are written in capitals or digits; "Nasdaq: the market" is prose.
    return symbol.isdigit() or symbol[0].isupper() and symbol.upper() == symbol
