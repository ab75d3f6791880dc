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
from ..overrides import define, stock


def collation_key(value: str) -> str:
    text = strip_markers(value)
    decomposed = unicodedata.normalize('NFKD', text)
    base = ''.join(c for c in decomposed if not unicodedata.combining(c))
    base = base.replace('\u2019', '').replace("'", '')
    return base.casefold()


_original_sort_keys = stock(model.Key, 'sort_keys')


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


define(model.Key, 'sort_keys', sort_keys)


# CSL 1.0.2 "Sorting": names in a sort key rendered through a macro are in sort order
# ("name-as-sort-order" all) and, with demote-non-dropping-particle="sort-only", with
# the particle demoted -- also when the names are reached through nested macros
# (<text macro=.../> inside the key's macro).  Stock citeproc-py dropped the sort
# options at every nested cs:text macro call.
_original_text_process = stock(model.Text, 'process')


def text_process(self, item, context=None, **kwargs):
    sort_options = kwargs.get('sort_options')
    if sort_options is None or 'macro' not in self.attrib:
        return _original_text_process(self, item, context=context, **kwargs)
    if context is None:
        context = self
    try:
        language = item.reference.language[:2]
    except Exception:  # noqa: BLE001 - no language variable
        language = self.get_root().get('default-locale', 'en')[:2]
    text = self.get_macro(self.get('macro')).render(item, context, sort_options=sort_options)
    return text, language


define(model.Text, 'process', text_process)
