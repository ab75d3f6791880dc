"""Sorting keys.

CSL 1.0.2, "Sorting" (https://docs.citationstyles.org/en/stable/specification.html#sorting):
sort keys are compared as text, not as formatted output, so formatting and
quotation markers are removed from keys rendered through macros.  Keys are
compared the way citeproc-js compares them (ICU's ``localeCompare`` at its primary level,
ignoring punctuation, numbers by value): accents, case, spaces and punctuation are
ignored ("Élise" sorts with "Elise", not after "Z"; "[F]linders" with "Flinders").
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from citeproc import model

from ..markup import strip_markers
from .vocabulary import DATES
from ..overrides import define, stock


_DIGITS = re.compile(r'\d+')


@lru_cache(maxsize=65536)
def _ignorable(char: str) -> bool:
    # ICU's "variable" characters, which ignorePunctuation skips: spaces and punctuation
    return unicodedata.category(char)[0] in 'PZ' or char in '\t\n\r\x0b\x0c'


def _number(m: re.Match) -> str:
    digits = m.group().lstrip('0') or '0'
    return chr(0x30 + min(len(digits), 60)) + digits  # shorter numbers sort first


def collation_key(value: str) -> str:
    """A key that orders as citeproc-js 2.4.63 compares sort keys: localeCompare with
    sensitivity "base", ignorePunctuation and numeric (CSL.getSortCompare) -- accents,
    case, spaces and punctuation ignored, numbers by value ("2" before "10")."""
    text = strip_markers(value)
    decomposed = unicodedata.normalize('NFKD', text)
    base = ''.join(c for c in decomposed if not unicodedata.combining(c) and not _ignorable(c))
    return _DIGITS.sub(_number, base.casefold()).replace('|', '\x01')


def key_string(text: str) -> str:
    """A rendered sort key as citeproc-js keeps it: its spaces are the sort separator,
    and it ends with one ("A Hansen" -> "A|Hansen|", which sorts before "Ab|...")."""
    return text.replace(' ', '|') + '|'


_original_sort_keys = stock(model.Key, 'sort_keys')


def sort_keys(self, items, context):
    variable = self.get('variable')
    if variable is not None and variable.replace('-', '_') in DATES:
        # citeproc-js CSL.dateAsSortKey; a literal date ("forthcoming") gives no key
        name = variable.replace('-', '_')
        return [date_sort_key(item.reference.get(name), ('year', 'month', 'day'))
                for item in items]
    keys = _original_sort_keys(self, items, context)
    out = []
    for key in keys:
        if key is None or isinstance(key, (int, float)):
            out.append(key)
        else:
            text = str(key)
            out.append(collation_key(key_string(text)) if text else None)
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


# --- dates in sort keys -------------------------------------------------------------------
# citeproc-js 2.4.63 (CSL.dateAsSortKey, "macro-has-date"): a sort key given by a macro that
# contains a cs:date is the date as a number only -- "1YYYYMMDD" for the date and again for
# the end of a range, a year before 1 as "0" + (9999 - year) -- whatever else the macro
# prints; the parts the cs:date does not show (date-parts="year", or a cs:date with a year
# date-part only) are "00".  A macro whose dates are empty
# gives no key (sorted last).  So "100 BC-7-13" sorts before "44 BC" and "(n.d.)" after
# every year.
from ..context import render_context  # noqa: E402 - beside the rule that uses it
from ..treememo import children  # noqa: E402

_has_date: dict[int, tuple[object, bool]] = {}


def macro_has_date(macro) -> bool:
    """Whether a cs:macro holds a cs:date (not through the macros it calls)."""
    hit = _has_date.get(id(macro))
    if hit is not None and hit[0] is macro:
        return hit[1]
    result = any(str(el.tag).endswith('}date') for el in macro.iter())
    _has_date[id(macro)] = (macro, result)
    return result


def _year_key(year: int) -> str:
    return f'0{9999 - abs(year):04d}' if year < 0 else f'1{year:04d}'


def date_sort_key(date, parts: tuple[str, ...]) -> str | None:
    """citeproc-js's sort key of a CSL date (None when it has no year)."""
    from citeproc.source import DateRange, LiteralDate
    if date is None or isinstance(date, LiteralDate):
        return None
    begin, end = (date.begin, date.get('end')) if isinstance(date, DateRange) else (date, None)
    try:
        year = int(begin.get('year', 0) or 0)
    except (TypeError, ValueError):
        return None
    if not year:
        return None

    def one(d) -> str:
        def part(name: str) -> int:
            if d is None or name not in parts:
                return 0
            try:
                return int(d.get(name, 0) or 0)
            except (TypeError, ValueError):
                return 0
        return _year_key(part('year')) + f'{part("month"):02d}{part("day"):02d}'
    return one(begin) + one(end)


_previous_macro_render = stock(model.Macro, 'render')


def macro_render_dates(self, item, context=None, sort_options=None):
    if sort_options is None or not macro_has_date(self):
        return _previous_macro_render(self, item, context=context, sort_options=sort_options)
    current = render_context()
    if current.date_sort_keys is not None:  # a macro called inside one: its dates count
        return _previous_macro_render(self, item, context=context, sort_options=sort_options)
    keys: list[str] = []
    saved = current.date_sort_keys
    current.date_sort_keys = keys
    try:
        _previous_macro_render(self, item, context=context, sort_options=sort_options)
    finally:
        current.date_sort_keys = saved
    return ''.join(keys) or None


define(model.Macro, 'render', macro_render_dates)
_previous_date_render = stock(model.Date, 'render')


def date_render_key(self, item, *args, **kwargs):
    keys = render_context().date_sort_keys
    if keys is None:
        return _previous_date_render(self, item, *args, **kwargs)
    if self.get('form') is not None:  # a localized date: the parts it asks for
        parts = tuple((self.get('date-parts') or 'year-month-day').split('-'))
    else:  # the parts it has (citeproc-js this.dateparts)
        parts = tuple(part.get('name') for part in children(self) if part.get('name'))
    try:
        date = item.reference.get(self.get('variable', '').replace('-', '_'))
    except AttributeError:
        date = None
    key = date_sort_key(date, parts)
    if key is not None:
        keys.append(key)
        return key  # (so that a group holding the date is not suppressed)
    return None


define(model.Date, 'render', date_render_key)


# citeproc-js leaves the label of a cs:names out of sort keys ("Doe, John ed." sorts with
# "Doe, John"; CSL test suite sort_DropNameLabelInSort).
_previous_label_render = stock(model.Label, 'render')


def label_render_unsorted(self, item, *args, **kwargs):
    if kwargs.get('sort_options') is not None and isinstance(self.getparent(), model.Names):
        return None
    return _previous_label_render(self, item, *args, **kwargs)


define(model.Label, 'render', label_render_unsorted)


# citeproc-js sorts <key variable="author"/> by the names as its sort keys render them
# (sort_key_name: "family|given particles"), joined by ", ", with the et-al options of
# the key (names-min, names-use-first), else those of the bibliography or citation and
# the style, and without "et al.".
def _inherited(key, name: str):
    value = key.get(name.replace('et-al', 'names'))
    if value is None:
        area = key.getparent().getparent()  # cs:sort -> cs:bibliography / cs:citation
        value = area.get(name) if area is not None else None
        if value is None:
            value = key.get_root().get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def key_format_name(self, item, variable):
    from .names import sort_key_name
    names = item.reference.get(variable)
    if names is None:
        return None
    demote = self.get_root().get('demote-non-dropping-particle', 'display-and-sort').lower()
    et_al_min = _inherited(self, 'et-al-min')
    et_al_use_first = _inherited(self, 'et-al-use-first')
    if et_al_min and et_al_use_first and len(names) >= et_al_min >= et_al_use_first:
        names = names[:et_al_use_first]
    output = []
    for name in names:
        given, family, dp, ndp, suffix = name.parts()
        if family is None and given is None:
            output.append(str(name.get('literal', '')))
            continue
        output.append(sort_key_name(given, family, dp, ndp, suffix, demote))
    return ', '.join(output)


define(model.Key, '_format_name', key_format_name)
