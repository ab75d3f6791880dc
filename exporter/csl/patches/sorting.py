"""Sorting keys.

CSL 1.0.2, "Sorting" (https://docs.citationstyles.org/en/stable/specification.html#sorting):
sort keys are compared as text, not as formatted output, so formatting and
quotation markers are removed from keys rendered through macros.  Keys are
compared the way a locale-aware collation (citeproc-js uses ICU via
``localeCompare``) does at its primary level: accents and case are ignored
("Élise" sorts with "Elise", not after "Z").
"""
from __future__ import annotations

import unicodedata

from citeproc import model

from ..markup import strip_markers


def collation_key(value: str) -> str:
    text = strip_markers(value)
    decomposed = unicodedata.normalize('NFKD', text)
    base = ''.join(c for c in decomposed if not unicodedata.combining(c))
    base = base.replace('\u2019', '').replace("'", '')
    return base.casefold()


_original_sort_keys = model.Key.sort_keys


def sort_keys(self, items, context):
    keys = _original_sort_keys(self, items, context)
    out = []
    for key in keys:
        if key is None or isinstance(key, (int, float)):
            out.append(key)
        else:
            text = str(key)
            out.append(collation_key(text) if text else None)
    return out


model.Key.sort_keys = sort_keys
