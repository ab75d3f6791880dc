"""CSL-JSON input preparation, done before citeproc-py sees the items.

CSL 1.0.2, Appendix IV "Variables" and Appendix VI "Rich Text Markup"
(https://docs.citationstyles.org/en/stable/specification.html#appendix-iv-variables).

* Item ids: citeproc-py lowercases ids, so two ids differing only in case would
  collide.  Items get internal keys (``_i0``, ``_i1`` ...) and callers keep theirs.
* Rich text and quotation marks: the HTML-like markup CSL allows in fields and straight
  quotes become private-use markers, read as citeproc-js reads them
  (:mod:`exporter.csl.flipflop`, :mod:`exporter.csl.markup`); everything else stays
  literal data.  Marker characters already present in the data are removed first, so
  data can never produce markup.
* Numbers given as JSON numbers ("volume": 5) are strings in CSL-JSON terms.
* An item without "type" is rendered as "article" (a generic CSL type).
* "citation-label", unless the item has one, is generated as citeproc-js does
  (:mod:`exporter.csl.labels`), for label styles ("[AcOu09]").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .flipflop import parse_rich_text
from .labels import GENERATED_LABEL, citation_label
from .markup import strip_markers
from .normalize import LITERAL_FIELDS, normalize_item

#: the quotation marks of en-US (open, close, open-inner, close-inner)
EN_US_QUOTES = ('\u201c', '\u201d', '\u2018', '\u2019')


def internal_key(index: int) -> str:
    return f'_i{index}'


def prepare_items(items: Iterable[Mapping[str, Any]],
                  quotes: tuple[str, str, str, str] = EN_US_QUOTES,
                  ) -> tuple[list[dict], dict[str, str]]:
    """Return (items for citeproc-py, {caller id: internal key}); quotes: the locale's
    quotation marks, which are read as quotation marks in the data too."""
    prepared: list[dict] = []
    keys: dict[str, str] = {}
    for index, item in enumerate(items):
        if 'id' not in item:
            raise ValueError(f'CSL-JSON item #{index} has no "id"')
        caller_id = str(item['id'])
        if caller_id in keys:
            raise ValueError(f'duplicate CSL-JSON item id {caller_id!r}')
        key = internal_key(index)
        keys[caller_id] = key
        data = _markup_fields(item, quotes)
        data['id'] = key
        if not data.get('citation-label'):
            # rendered by <text variable="citation-label"/>, but not an item variable in
            # conditions (<if variable="citation-label"> is false, as in citeproc-js)
            data[GENERATED_LABEL] = citation_label(item)
        prepared.append(normalize_item(data))
    return prepared, keys


def _text(value: str, quotes: tuple[str, str, str, str], quotations: bool = True) -> str:
    return parse_rich_text(strip_markers(value), quotes, quotations=quotations)


def _markup_fields(item: Mapping[str, Any], quotes: tuple[str, str, str, str]) -> dict:
    out: dict = {}
    for field, value in item.items():
        if isinstance(value, bool):
            out[field] = value
        elif isinstance(value, (int, float)) and field != 'id':
            out[field] = _text(str(value), quotes, False)
        elif isinstance(value, str) and field not in ('id', 'type', 'language'):
            out[field] = _text(value, quotes, field not in LITERAL_FIELDS)
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            out[field] = [{k: _text(v, quotes) if isinstance(v, str) else v
                           for k, v in name.items()} for name in value]
        else:
            out[field] = value
    out.setdefault('type', 'article')
    return out
