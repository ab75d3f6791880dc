"""Ordinal numbers: "1st", "2nd", "3." from the locale's ordinal terms.

CSL 1.0.2 "Ordinal Suffixes" (https://docs.citationstyles.org/en/stable/specification.html#ordinal-suffixes)
and "Locale Fallback" (#locale-fallback), as described at :func:`to_ordinal`.  Stock
citeproc-py's module function ``citeproc.model.to_ordinal`` (called by
``Number.format_number`` and ``Date_Part.process``) only knew the English suffixes;
exporter's ``Number`` and ``Date_Part`` classes call :func:`to_ordinal` instead.
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import VariableError

from ..overrides import define
from ..treememo import memo

# --- ordinals ---------------------------------------------------------------------------
# CSL 1.0.2 "Ordinal Suffixes" (#ordinal-suffixes) and "Locale Fallback": the ordinal
# terms of a locale form a set -- the first locale in the fallback chain that defines
# any ordinal term is used on its own ("3." in German, never German "." mixed with
# the English "rd").  Within it: "ordinal-NN" for the whole number (00-99), then the
# last digit ("ordinal-0N", unless limited by match="whole-number"), then "ordinal".
_XML_NS = '{http://purl.org/net/xbiblio/csl}'


_ordinal_memo = memo()


def _ordinal_terms(locale) -> dict[str, object]:
    # the ordinal terms of a locale element (static): memoised, to_ordinal only reads them
    try:
        return _ordinal_memo[locale]
    except KeyError:
        terms = _ordinal_memo[locale] = _read_ordinal_terms(locale)
        return terms


def _read_ordinal_terms(locale) -> dict[str, object]:
    terms = locale.find(f'{_XML_NS}terms')
    if terms is None:
        return {}
    return {t.get('name'): t for t in terms.iterchildren(f'{_XML_NS}term')
            if (t.get('name') or '').startswith('ordinal') and t.get('form') in (None, 'long')}


def to_ordinal(number, context):
    root = context.get_root()
    locales = getattr(root, 'locales', None) or [root]
    n = int(number)
    for locale in locales:
        terms = _ordinal_terms(locale)
        if not terms:
            continue
        candidates = []
        if n < 100:
            candidates.append((f'ordinal-{n:02d}', None))
        else:
            candidates.append((f'ordinal-{n % 100:02d}', 'last-two-digits'))
        candidates.append((f'ordinal-{n % 10:02d}', 'last-digit'))
        for name, how in candidates:
            term = terms.get(name)
            if term is None:
                continue
            match = term.get('match', 'last-two-digits' if int(name[-2:]) > 9 else 'last-digit')
            if how == 'last-digit' and match == 'whole-number' and n != int(name[-2:]):
                continue
            if how == 'last-digit' and (n % 100) in (11, 12, 13) and f'ordinal-{n % 100:02d}' not in terms and match != 'last-digit':
                continue
            return str(number) + str(term.single)
        if 'ordinal' in terms:
            return str(number) + str(terms['ordinal'].single)
    return str(number)


def number_format_number(self, number):
    # stock citeproc.model.Number.format_number, with exporter's to_ordinal
    form = self.get('form', 'numeric')
    try:
        number = int(number)
    except ValueError:
        return number
    if form == 'numeric':
        text = str(number)
    elif form == 'ordinal' or form == 'long-ordinal' and number > 10:
        text = to_ordinal(number, self)
    elif form == 'long-ordinal':
        text = self.get_single_term(name=f'long-ordinal-{number:02}')
    elif form == 'roman':
        text = model.romanize(number).lower()
    return text


def date_part_process(self, date, context=None):
    # stock citeproc.model.Date_Part.process, with exporter's to_ordinal
    name = self.get('name')
    attrib = self.attrib

    if context is None:
        context = self
    try:
        expr = f'./cs:date-part[@name="{name}"]'
        attrib.update(dict(context.xpath_search(expr)[0].attrib))
    except (AttributeError, IndexError):
        pass

    if name == 'day':
        form = self.get('form', 'numeric')
        if (form == 'ordinal'
            and self.get_locale_option('limit-day-ordinals-to-day-1')
                .lower() == 'true'
                and date.day > 1):
            form = 'numeric'

        if form == 'numeric':
            text = date.day
        elif form == 'numeric-leading-zeros':
            text = f'{date.day:02}'
        elif form == 'ordinal':
            text = to_ordinal(date.day, context)
    elif name == 'month':
        form = self.get('form', 'long')
        try:
            index = date.month
            term = 'month'
        except VariableError:
            index = date.season
            term = 'season'

        if form == 'long' or form == 'short':
            text = context.get_single_term(name=f'{term}-{index:02}',
                                           form='short' if form == 'short' else None)
        else:
            assert term == 'month'
            if form == 'numeric':
                text = f'{index}'
            elif form == 'numeric-leading-zeros':
                text = f'{index:02}'
    elif name == 'year':
        form = self.get('form', 'long')
        if form == 'long':
            text = str(abs(date.year))
            if date.year < 0:
                text += context.get_single_term(name='bc')
            elif date.year < 1000:
                text += context.get_single_term(name='ad')
        elif form == 'short':
            text = str(date.year)[-2:]

    return text


define(model.Number, 'format_number', number_format_number)
define(model.Date_Part, 'process', date_part_process)
