"""Locale terms, labels and number variables.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Terms" (#terms): a missing term form falls back -- "symbol" to "short",
  "verb-short" to "verb", and "short"/"verb" to the long form ("Spring" for
  ``season-01`` when a style asks for the short month form).
* "Label" (#label): the spec renders ``cs:label`` only for a non-empty variable;
  citeproc-js renders the singular term anyway ("page" for an empty locator or
  number-of-pages) and relies on implicit group suppression, which drops a group
  whose variables are all empty -- so "(3 vol)" in harvard-cite-them-right, from
  ``<group><text variable="number-of-volumes"/><label variable="volume"/></group>``
  on an item without a volume.  We do as citeproc-js; the term does not count as
  a rendered variable.  "number-of-*" variables are plural when greater than one
  ("vols.").
* "Choose", ``is-numeric``: numbers with affixes and range/list separators.
* "Number" / Appendix IV numeric variables (#numbers): a numeric range in a
  number variable rendered with ``cs:text`` uses an en dash ("7(3–4)"), as for
  ``cs:number``.
* Appendix V "Page Range Formats" (#appendix-v-page-range-formats): expanded,
  minimal, minimal-two, chicago(-15) and chicago-16 (stock citeproc-py's
  common-prefix computation is wrong, e.g. 1–16 came out as 1–6).
"""
from __future__ import annotations

import re

from citeproc import model
from citeproc.source import VariableError

from ..overrides import define, stock
from ..seams import join

_FALLBACK = {'symbol': 'short', 'verb-short': 'verb', 'short': None, 'verb': None}
_original_get_term = stock(model.CitationStylesElement, 'get_term')


def _lookup(element, name, form, fallback_locale, zero_padded):
    try:
        return _original_get_term(element, name, form, fallback_locale, zero_padded)
    except IndexError:
        # An element inside a style's own cs:locale (a localized date format there) looked
        # the term up in that cs:locale only, and raised when it lacked it ("season-01" in
        # instituto-de-pesquisas-tecnologicas).  CSL 1.0.2 "Locale Fallback": go on with
        # the style's other locales and the locale files.
        style = getattr(element.get_root(), 'style', None)
        if style is None:
            return None
        return _original_get_term(style, name, form, fallback_locale, zero_padded)


def get_term(self, name, form=None, fallback_locale=True, zero_padded=False):
    term = _lookup(self, name, form, fallback_locale, zero_padded)
    while term is None and form in _FALLBACK:
        form = _FALLBACK[form]
        term = _lookup(self, name, form, fallback_locale, zero_padded)
    return term


define(model.CitationStylesElement, 'get_term', get_term)

# --- cs:label ------------------------------------------------------------------
_original_label_process = stock(model.Label, 'process')


def label_process(self, item, variable=None, plural=None, context=None, **kwargs):
    if variable is None:
        var = self.get('variable')
        if var == 'locator':
            if not item.has_locator:
                return _empty_label(self, 'page')
        else:
            try:
                value = item.reference[var.replace('-', '_')]
            except VariableError:
                value = None
            if value is None or str(value) == '':
                return _empty_label(self, _LABEL_TERM.get(var, var))
        if plural is None and var.startswith('number-of'):
            # "number-of-*" variables are plural when greater than one (stock
            # citeproc-py looked them up on the cite instead of the item and raised)
            try:
                plural = int(str(value)) > 1
            except ValueError:
                plural = False
    return _original_label_process(self, item, variable, plural, context, **kwargs)


define(model.Label, 'process', label_process)

_LABEL_TERM = {'number-of-pages': 'page'}


def _empty_label(label, term):
    # singular, unless plural="always" ("pp." in united-nations-framework-convention-...)
    if label.get('plural') == 'always':
        return label.get_plural_term(term, form=_form(label))
    return label.get_single_term(term, form=_form(label))


def _form(label):
    form = label.get('form', 'long')
    return None if form == 'long' else form

# --- is-numeric ------------------------------------------------------------------
# CSL 1.0.2 "Choose", is-numeric (#choose): numbers with optional letter prefixes or
# suffixes ("D2", "2b", "S45"), separated by "-", ",", "&" (and, like citeproc-js,
# "/" as in "4/2012").  Stock citeproc-py accepted a single number only.
_NUMERIC = re.compile(r'^\s*[A-Za-z]*\d+[A-Za-z]*(?:\s*(?:[-,&/\u2013]|and)\s*[A-Za-z]*\d+[A-Za-z]*)*\s*$')


def is_numeric(self, item):
    results = []
    for var in self.get('is-numeric').split():
        try:
            value = item.reference[var.replace('-', '_')]
        except VariableError:
            results.append(False)
            continue
        results.append(bool(_NUMERIC.match(str(value))))
    return results


define(model.If, '_is_numeric', is_numeric)

# --- numeric ranges in cs:text ---------------------------------------------------
NUMBER_VARIABLES = frozenset({
    'issue', 'volume', 'number', 'chapter-number', 'collection-number', 'edition',
    'number-of-pages', 'number-of-volumes', 'supplement', 'part-number', 'printing',
    'citation-number'})
_RANGE = re.compile(r'^\s*([A-Za-z]*\d+[A-Za-z]*)\s*[-\u2013]\s*([A-Za-z]*\d+[A-Za-z]*)\s*$')
_original_text_variable = stock(model.Text, '_variable')


def text_variable(self, item, context):
    variable = self.get('variable')
    if variable == 'locator' and item.has_locator and item.locator.label == 'page':
        # CSL 1.0.2 Appendix V: page-range-format applies to page locators too
        return self._process(str(item.locator.identifier), 'page')
    text = _original_text_variable(self, item, context)
    if text is not None and variable in NUMBER_VARIABLES:
        m = _RANGE.match(str(text))
        if m:
            # the style's page-range-delimiter term, if it defines one (citeproc-js
            # uses it for every numeric range), else an en dash
            dash = str(self.get_single_term('page-range-delimiter') or '\u2013')
            return type(text)(m.group(1) + dash + m.group(2)) \
                if isinstance(text, str) else m.group(1) + dash + m.group(2)
    return text


define(model.Text, '_variable', text_variable)

# --- page ranges ------------------------------------------------------------------


def abbreviate_range(first: str, last: str, range_format: str | None) -> str:
    """The second number of a page range in the given page-range-format."""
    if not range_format or range_format == 'expanded':
        return last
    m1 = re.fullmatch(r'([^\d]*)(\d+)', first)
    m2 = re.fullmatch(r'([^\d]*)(\d+)', last)
    if not (m1 and m2) or (m2.group(1) and m2.group(1) != m1.group(1)):
        return last
    f, l = m1.group(2), m2.group(2)  # noqa: E741 - first and last page digits
    if len(f) != len(l) or int(l) <= int(f):
        return last
    common = 0
    while common < len(f) and f[common] == l[common]:
        common += 1
    first_number = int(f)
    if range_format in ('chicago', 'chicago-15', 'chicago-16'):
        if first_number < 100 or first_number % 100 == 0:
            return l  # a prefix shared with the first number is not repeated ("S45–52")
        if first_number % 100 < 10:
            range_format = 'minimal'
        elif range_format != 'chicago-16' and len(f) == 4 and common < 2:
            return l
        else:
            range_format = 'minimal-two'
    if range_format == 'minimal':
        return l[common:] if common < len(l) else l
    if range_format == 'minimal-two':
        return l[min(common, len(l) - 2):] if len(l) > 2 else l
    return last


def format_last_page(self, first, last):
    return abbreviate_range(str(first), str(last),
                            self.get_root().get_option('page-range-format'))


define(model.FormatNumber, '_format_last_page', format_last_page)

# The page ranges themselves, as citeproc-js 2.4.63 reads them (CSL.Util.PageRangeMangler):
# a range is two numbers with the same prefix ("N110 - N5", "8n11564-8n1568"); an
# abbreviated second number is expanded first ("110-5" is 110-115), then the
# page-range-format applies ("N110–N115" expanded, "n11564–8" minimal, "S45–52"
# chicago; without page-range-format the range is printed as given).  Two numbers with different
# prefixes are no range, with or without a page-range-format: they are printed as given,
# joined by a hyphen without spaces ("N110-P5", "110-N6", "R583-6").  Other values (roman numerals, single numbers) as before.
_PREFIXED_NUMBER = re.compile(r'((?:.*\D)?)(\d+)')
_stock_process = stock(model.FormatNumber, '_process')


def _page_range(self, first: str, last: str, range_format: str | None, delimiter):
    m1, m2 = _PREFIXED_NUMBER.fullmatch(first), _PREFIXED_NUMBER.fullmatch(last)
    if m1 is None or m2 is None:
        return None  # not numbers: the stock way
    if m1.group(1) != m2.group(1):
        return first + '-' + last  # no range, with or without page-range-format
    if not range_format:
        return None  # printed as given (with the range delimiter): the stock way
    f, l = m1.group(2), m2.group(2)  # noqa: E741 - first and last page digits
    if len(l) < len(f):
        l = f[:len(f) - len(l)] + l  # noqa: E741
    if range_format == 'expanded':
        return join((first, m2.group(1) + l), delimiter)
    return join((first, abbreviate_range(f, l, range_format)), delimiter)


def format_number_process(self, value, variable):
    if variable != 'page':
        return _stock_process(self, value, variable)
    if '\\-' in str(value):
        # an escaped hyphen is a hyphen, and the value no range (citeproc-js)
        return str(value).replace('\\-', '-')
    range_format = self.get_root().get_option('page-range-format')
    page_range_delimiter = self.get_single_term(name='page-range-delimiter')
    range_delimiter = page_range_delimiter or self.unicode_character('EN DASH')

    def number_or_range(text):
        numbers = text.replace('\u2013', '-').split('-')
        if len(numbers) == 2:
            first, last = (number.strip() for number in numbers)
            ranged = _page_range(self, first, last, range_format, range_delimiter)
            if ranged is not None:
                return ranged
        return _stock_process(self, text, variable)

    # the locale's "and" symbol, as citeproc-js joins "213 & 235" (default "&")
    amp_delimiter = ' ' + str(self.get_single_term('and', form='symbol')
                              or self.unicode_character('AMPERSAND')) + ' '
    return join((join((number_or_range(part) for part in comma_part.split('&')), amp_delimiter)
                 for comma_part in str(value).split(',')), delimiter=', ')


define(model.FormatNumber, '_process', format_number_process)

# --- plural detection -------------------------------------------------------------
# CSL 1.0.2 "Label", plural="contextual": plural when the variable holds several
# numbers (a range or a list).  "4/2012" is one report number, not two.
# As citeproc-js decides it: the value starts with two numbers joined by a range or list
# separator ("1-2", "i-ix", "3, 5", "7 & 8", "213, and 235", "213 et 235", "367-368, fig.
# 333"), each maybe with letters ("S45-S52"); "1, fol. 186, 8 April 1544", "Michaelson-
# Morely", "4/2012" and an escaped hyphen ("3\-B") are one locator.
_NUMBER_ITEM = r'(?:[A-Za-z]*\d+(?:[A-Za-z]+\d*)*|[ivxlcdm]+|[IVXLCDM]+)(?![\w.])'
define(model.Label, 'RE_MULTIPLE_NUMBERS', re.compile(
    rf'^\s*{_NUMBER_ITEM}(?:\s*(?<!\\)[-\u2013,&]\s*|,?\s+[^\s\d.]+\s+){_NUMBER_ITEM}'))

# --- terms new in CSL 1.0.1/1.0.2 ------------------------------------------------------
# "page-range-delimiter" and "year-range-delimiter" default to an en dash when the
# locale file does not define them (CSL 1.0.2, Appendix II "Terms").
_DEFAULT_TERMS = {'page-range-delimiter': '\u2013', 'year-range-delimiter': '\u2013'}
_original_get_single_term = stock(model.CitationStylesElement, 'get_single_term')


def get_single_term(self, name, *args, **kwargs):
    text = _original_get_single_term(self, name, *args, **kwargs)
    if not text and name in _DEFAULT_TERMS:
        from citeproc.string import String
        return String(_DEFAULT_TERMS[name])
    return text


define(model.CitationStylesElement, 'get_single_term', get_single_term)

# --- cs:number with hyphenated variable names ---------------------------------------------
# CSL 1.0.2 "Number" (#number): any number variable, e.g. "number-of-volumes".  Stock
# citeproc-py looked up "number-of-volumes" instead of its "number_of_volumes" key.
_original_number_process = stock(model.Number, 'process')


def number_process(self, item, context=None, **kwargs):
    variable = self.get('variable')
    if variable and '-' in variable and variable not in ('page-first',):
        value = item.reference[variable.replace('-', '_')]
        return self._process(value, variable)
    return _original_number_process(self, item, context=context, **kwargs)


define(model.Number, 'process', number_process)



# --- locale options ------------------------------------------------------------------
# CSL 1.0.2 "Locale Fallback": an option comes from the first locale that sets it.
# Stock citeproc-py took the first cs:style-options element it found and, when that
# element did not set the option, answered the default ("false") instead of going on:
# a style's <locale><style-options limit-day-ordinals-to-day-1="true"/></locale> turned
# off the en-US locale file's punctuation-in-quote="true" (anabases,
# institut-francais-darcheologie-orientale-en).
def locale_get_option(self, name):
    options = self.find('cs:style-options', self.nsmap)
    if options is None or name not in options.attrib:
        raise IndexError(name)
    return options.get(name)


def get_locale_option(self, name):
    root = self.get_root()
    locales = getattr(root, 'locales', None)
    for locale in (locales if locales is not None else [root]):
        try:
            return locale_get_option(locale, name)
        except IndexError:
            continue
    return model.Locale._default_options.get(name)


define(model.Locale, 'get_option', locale_get_option)
define(model.CitationStylesElement, 'get_locale_option', get_locale_option)
