"""Normalisation of CSL-JSON values before citeproc-py sees them.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* CSL-JSON dates (schema csl-data.json): a "raw" date string ("2001-02-03",
  "2001-02/2001-05") is turned into "date-parts"; a "season" given as a word
  ("Spring") becomes its number (1-4), as the season-01..04 terms expect.

Rich text and quotation marks in string values are read by exporter.csl.flipflop
(exporter.csl.items); :data:`LITERAL_FIELDS` are the fields whose quotation marks are data.
"""
from __future__ import annotations

import re

# fields whose values are identifiers, numbers or URLs: their quotes and apostrophes are data
LITERAL_FIELDS = frozenset({
    'id', 'type', 'language', 'URL', 'DOI', 'ISBN', 'ISSN', 'PMID', 'PMCID', 'page',
    'page-first', 'volume', 'issue', 'number', 'edition', 'locator', 'citation-key',
    'number-of-pages', 'number-of-volumes', 'chapter-number', 'collection-number',
    'version', 'call-number', 'archive_location', 'archive-location',
})


_SEASONS = {'spring': 1, 'summer': 2, 'autumn': 3, 'fall': 3, 'winter': 4}
_RAW_DATE = re.compile(r'^\s*(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$')


def normalize_date(value: dict) -> dict:
    value = dict(value)
    if not value.get('date-parts') and isinstance(value.get('raw'), str):
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
    return item
