"""Normalisation of CSL-JSON values before citeproc-py sees them.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Quotes" (#quotes) and Appendix VI "Rich Text Markup": straight quotation marks
  in field values are quotation marks, rendered with the locale's quote terms.
  Like citeproc-js, a pair of straight double or single quotes becomes a
  quotation (outer or inner marks are chosen later by nesting depth, see
  :mod:`exporter.csl.rules.punctuation`), and any other straight single quote
  is an apostrophe, rendered as the typographic apostrophe U+2019.
* CSL-JSON dates (schema csl-data.json): a "raw" date string ("2001-02-03",
  "2001-02/2001-05") is turned into "date-parts"; a "season" given as a word
  ("Spring") becomes its number (1-4), as the season-01..04 terms expect.
"""
from __future__ import annotations

import re

from .markup import MARKERS, QUOTE_CLOSE, QUOTE_OPEN, QUOTE_OPEN_SINGLE

APOSTROPHE = '\u2019'
# fields whose values are identifiers, numbers or URLs: never touched
_LITERAL_FIELDS = frozenset({
    'id', 'type', 'language', 'URL', 'DOI', 'ISBN', 'ISSN', 'PMID', 'PMCID', 'page',
    'page-first', 'volume', 'issue', 'number', 'edition', 'locator', 'citation-key',
    'number-of-pages', 'number-of-volumes', 'chapter-number', 'collection-number',
    'version', 'call-number', 'archive_location', 'archive-location',
})
_OPEN_BEFORE = frozenset(' \t\n([{\u2014\u2013-/')


def _classify(value: str, index: int) -> str:
    """'open', 'close', 'inner' (between letters) or 'other' for the quote at index."""
    before = value[index - 1] if index > 0 else ' '
    after = value[index + 1] if index + 1 < len(value) else ' '
    if before in MARKERS and index > 1:
        before = value[index - 2]
    if before.isalnum() and after.isalnum():
        return 'inner'
    if (before in _OPEN_BEFORE or index == 0) and not after.isspace():
        return 'open'
    if not before.isspace():
        return 'close'
    return 'other'


def smart_quotes(value: str) -> str:
    """Straight quotes -> quotation markers / typographic apostrophes."""
    if '"' not in value and "'" not in value:
        return value
    chars = list(value)
    for quote in ('"', "'"):
        positions = [i for i, c in enumerate(chars) if c == quote]
        open_at = None
        for i in positions:
            kind = _classify(value, i)
            if kind == 'open' and open_at is None:
                open_at = i
            elif kind in ('close', 'other') and open_at is not None:
                chars[open_at] = QUOTE_OPEN if quote == '"' else QUOTE_OPEN_SINGLE
                chars[i] = QUOTE_CLOSE
                open_at = None
            elif quote == "'":
                chars[i] = APOSTROPHE
        if open_at is not None and quote == "'":
            chars[open_at] = APOSTROPHE
    return ''.join(chars)


_SEASONS = {'spring': 1, 'summer': 2, 'autumn': 3, 'fall': 3, 'winter': 4}
_RAW_DATE = re.compile(r'^\s*(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$')


def normalize_date(value: dict) -> dict:
    value = dict(value)
    if 'date-parts' not in value and isinstance(value.get('raw'), str):
        parts = []
        for piece in value['raw'].split('/')[:2]:
            m = _RAW_DATE.match(piece)
            if not m:
                parts = []
                break
            parts.append([int(g) for g in m.groups() if g])
        if parts:
            value['date-parts'] = parts
        else:
            value.setdefault('literal', value['raw'])
    season = value.get('season')
    if isinstance(season, str):
        if season.strip().isdigit():
            value['season'] = int(season)
        elif season.strip().lower() in _SEASONS:
            value['season'] = _SEASONS[season.strip().lower()]
        else:
            del value['season']
    return value


def normalize_item(item: dict) -> dict:
    for field, value in list(item.items()):
        if isinstance(value, dict) and ('date-parts' in value or 'raw' in value
                                        or 'season' in value or 'literal' in value):
            item[field] = normalize_date(value)
            continue
        if field in _LITERAL_FIELDS:
            continue
        if isinstance(value, str):
            item[field] = smart_quotes(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            item[field] = [{k: smart_quotes(v) if isinstance(v, str) else v
                            for k, v in name.items()} for name in value]
    return item
