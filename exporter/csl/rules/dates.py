"""Dates: localized date-part overrides and date ranges.

CSL 1.0.2, "Date" (https://docs.citationstyles.org/en/stable/specification.html#date):

* "Localized Date Formats": the ``cs:date-part`` children of a localized
  ``cs:date`` in the style override the formatting of the locale's date-parts.
  Stock citeproc-py implements this by *mutating* the locale's date-part
  elements, so one override leaks into every later date (and, with shared
  locale caches, into other styles).  Here the override is applied to a copy of
  the attributes for the duration of one rendering.
* "Date Ranges": the ``range-delimiter`` of the largest differing date-part
  (default: en dash) separates the two dates; date-parts that are the same in
  both are shown once ("November 5–7, 2008", "Jun.–Jul. 2006", "Dec. 2008–Jan.
  2009").  Stock citeproc-py crashes (TypeError) on most ranges and drops the
  year of same-year ranges.
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import DateRange, LiteralDate, VariableError

from ..context import render_context
from ..overrides import define, stock
from ..treememo import invalidate

EN_DASH = '\u2013'
GRANULARITY = ('year', 'month', 'day')


def _effective_attrib(part, context) -> dict:
    attrib = dict(part.attrib)
    if context is not None and context is not part and part.is_locale_date_part():
        for override in context.iterchildren():
            if getattr(override, 'get', None) and override.get('name') == part.get('name'):
                attrib.update(override.attrib)
                break
    return attrib


class _Overridden:
    """Temporarily give an lxml element other attributes (restored on exit)."""

    def __init__(self, element, attrib: dict) -> None:
        self.element, self.attrib = element, attrib

    # the memos derived from the element's attributes (exporter.csl.treememo) must not
    # survive either change

    def __enter__(self):
        self.saved = dict(self.element.attrib)
        if self.saved != self.attrib:
            self.element.attrib.clear()
            self.element.attrib.update(self.attrib)
            invalidate(self.element)
        return self.element

    def __exit__(self, *exc) -> None:
        try:
            if dict(self.element.attrib) != self.saved:
                self.element.attrib.clear()
                self.element.attrib.update(self.saved)
        finally:
            if self.saved != self.attrib:
                invalidate(self.element)


def _is_locale_date_part(self) -> bool:
    parent = self.getparent()
    return parent is not None and parent.is_locale_date()


_original_date_part_process = stock(model.Date_Part, 'process')


def _long_year(self, date) -> str:
    """citeproc-js's long year: the "bc" term after a year before 1, the "ad" term after
    years 1-499 (stock citeproc-py: up to 999, "999 AD")."""
    year = date.year
    if year < 0:
        return str(-year) + str(self.get_single_term(name='bc') or '')
    if 0 < year < 500:
        return str(year) + str(self.get_single_term(name='ad') or '')
    return str(year)


def date_part_process(self, date, context=None):
    # the override attributes are applied by date_part_render; never mutate here
    if self.get('name') == 'year' and self.get('form', 'long') == 'long' and isinstance(
            getattr(date, 'year', None), int):
        # (terms through the style's cs:date: its cs:locale may define "bc", APA: "B.C.E.")
        text = _long_year(context if context is not None else self, date)
    else:
        text = _original_date_part_process(self, date, None)
    # ids of the dates whose implicit year-suffix the entry or cite rendered already
    # (forgotten whenever a new entry or cite starts, RenderContext.start_entry)
    suffix_shown = render_context().suffix_shown
    if (self.get('name') == 'year' and 'year_suffix' in date and text
            and id(date) not in suffix_shown):
        # implicit year-suffix (CSL 1.0.2 "Disambiguation", see exporter.csl.disambiguation):
        # appended to the first rendered year of the entry or cite only
        suffix_shown.add(id(date))
        text = str(text) + date['year_suffix']
    return text


def date_part_render(self, date, context=None, strip_prefix=False, strip_suffix=False):
    attrib = _effective_attrib(self, context)
    if strip_prefix:
        attrib.pop('prefix', None)
    if strip_suffix:
        attrib.pop('suffix', None)
    if (attrib.get('name') == 'month' and attrib.get('form', '').startswith('numeric')
            and 'month' not in date and 'season' in date):
        # a season has no number: citeproc-js prints its term ("1999/Spring") where
        # stock citeproc-py asserted (apa-eu, bio-protocol, ... crashed on seasons)
        attrib['form'] = 'long'
    with _Overridden(self, attrib):
        try:
            text = date_part_process(self, date, context)
        except (VariableError, KeyError, AttributeError):
            return None
        if text is None or text == '':
            return None
        return self.markup(text)


def _date_has(date, name: str) -> bool:
    if name == 'month':
        return 'month' in date or 'season' in date
    return name in date


def render_single_date(self, date, show_parts=None, context=None, strip=None):
    parts = [p for p in self.iterchildren()
             if isinstance(p, model.Date_Part) and p.get('name') in show_parts
             and _date_has(date, p.get('name'))]
    rendered = [p.render(date, context) for p in parts]
    rendered = [r for r in rendered if r]
    if not rendered:
        return None
    return self.join(rendered)


def _value(date, name):
    if name == 'month':
        return date.get('month', ('season', date.get('season')))
    return date.get(name)


def render_date_range(self, date_range, show_parts=None, context=None):
    begin = date_range.begin
    try:
        end = date_range.end
    except VariableError:
        end = None
    if end is None:
        return render_single_date(self, begin, show_parts, context)
    if end.is_nil():
        # an open range ([[1987], [0]]): the first date and the range delimiter, as
        # citeproc-js prints it ("1987–")
        text = render_single_date(self, begin, show_parts, context)
        if text is None:
            return None
        year = next((p for p in self.iterchildren() if isinstance(p, model.Date_Part)
                     and p.get('name') == 'year'), None)
        dash = _effective_attrib(year, context).get('range-delimiter', EN_DASH) \
            if year is not None else EN_DASH
        return text + dash
    present = {p.get('name') for p in self.iterchildren() if isinstance(p, model.Date_Part)}
    show = [p for p in GRANULARITY if p in show_parts and p in present]
    largest = next((p for p in show if _value(begin, p) != _value(end, p)), None)
    if largest is None:
        return render_single_date(self, begin, show_parts, context)
    differing = set(GRANULARITY[GRANULARITY.index(largest):]) & set(show)

    parts = [p for p in self.iterchildren()
             if isinstance(p, model.Date_Part) and p.get('name') in show]
    idx = [i for i, p in enumerate(parts) if p.get('name') in differing]
    i0, i1 = min(idx), max(idx)
    delimiter_part = next(p for p in parts if p.get('name') == largest)
    range_delimiter = _effective_attrib(delimiter_part, context).get('range-delimiter',
                                                                     EN_DASH)

    def block(date, first_strip_prefix, last_strip_suffix):
        out = []
        block_parts = [p for p in parts[i0:i1 + 1] if _date_has(date, p.get('name'))]
        for n, p in enumerate(block_parts):
            r = p.render(date, context,
                         strip_prefix=first_strip_prefix and n == 0,
                         strip_suffix=last_strip_suffix and n == len(block_parts) - 1)
            if r:
                out.append(r)
        return self.join(out) if out else None

    pieces = []
    for p in parts[:i0]:
        if _date_has(begin, p.get('name')):
            r = p.render(begin, context)
            if r:
                pieces.append(r)
    begin_text = block(begin, False, True)
    end_text = block(end, True, False)
    if begin_text and end_text:
        pieces.append(begin_text + range_delimiter + end_text)
    elif begin_text or end_text:
        pieces.append(begin_text or end_text)
    for p in parts[i1 + 1:]:
        if _date_has(begin, p.get('name')):
            r = p.render(begin, context)
            if r:
                pieces.append(r)
    return self.join(pieces) if pieces else None


define(model.Date_Part, 'is_locale_date_part', _is_locale_date_part)
define(model.Date_Part, 'process', date_part_process)
define(model.Date_Part, 'render', date_part_render)
define(model.Date, 'render_single_date', render_single_date)
define(model.Date, 'render_date_range', render_date_range)


# --- literal dates ----------------------------------------------------------------------
# A date given as a literal ("Spring 2010", "forthcoming") has no parts.  citeproc-js
# 2.4.63 prints it where the year date-part would be printed, so a date element that
# shows no year (APA's month-day macro next to its year macro) prints nothing instead of
# printing the literal a second time ("(Year)", not "(Year, Year)").
def _shows_year(date_element, show_parts) -> bool:
    return 'year' in show_parts and any(
        getattr(part, 'get', None) and part.get('name') == 'year'
        for part in date_element.iterchildren())


def date_process(self, item, variable=None, show_parts=None, context=None, **kwargs):
    # stock citeproc.model.Date.process, with a literal date printed only with its year part
    if variable is None:
        variable = self.get('variable')
    if show_parts is None:
        show_parts = ['year', 'month', 'day']
    if context is None:
        context = self

    form = self.get('form')
    date_parts = self.get('date-parts')
    if not self.is_locale_date() and form is not None:
        localized_date = self.get_date(form)
        if date_parts is not None:
            show_parts = date_parts.split('-')
        return localized_date.render(item, variable,
                                     show_parts=show_parts, context=self)
    date_or_range = item.reference[variable.replace('-', '_')]
    if not date_or_range:
        text = None
    elif isinstance(date_or_range, LiteralDate):
        text = date_or_range.text if _shows_year(self, show_parts) else None
    elif isinstance(date_or_range, DateRange):
        text = self.render_date_range(date_or_range, show_parts, context)
    else:
        text = self.render_single_date(date_or_range, show_parts, context)
    if text is not None:
        style_context = context if self.is_locale_date() else self
        return style_context.wrap(text)
    return None


define(model.Date, 'process', date_process)

