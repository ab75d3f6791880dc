"""Locale terms, labels and number variables.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Terms" (#terms): a missing term form falls back -- "symbol" to "short",
  "verb-short" to "verb", and "short"/"verb" to the long form ("Spring" for
  ``season-01`` when a style asks for the short month form).
* "Label" (#label): ``cs:label`` renders only when its variable is non-empty
  (stock citeproc-py printed "p." for items without pages).
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

_FALLBACK = {'symbol': 'short', 'verb-short': 'verb', 'short': None, 'verb': None}
_original_get_term = model.CitationStylesElement.get_term


def get_term(self, name, form=None, fallback_locale=True, zero_padded=False):
    term = _original_get_term(self, name, form, fallback_locale, zero_padded)
    while term is None and form in _FALLBACK:
        form = _FALLBACK[form]
        term = _original_get_term(self, name, form, fallback_locale, zero_padded)
    return term


model.CitationStylesElement.get_term = get_term

# --- cs:label ------------------------------------------------------------------
_original_label_process = model.Label.process


def label_process(self, item, variable=None, plural=None, context=None, **kwargs):
    if variable is None:
        var = self.get('variable')
        if var == 'locator':
            if not item.has_locator:
                return None
        else:
            try:
                value = item.reference[var.replace('-', '_')]
            except VariableError:
                return None
            if value is None or str(value) == '':
                return None
    return _original_label_process(self, item, variable, plural, context, **kwargs)


model.Label.process = label_process

# --- numeric ranges in cs:text ---------------------------------------------------
NUMBER_VARIABLES = frozenset({
    'issue', 'volume', 'number', 'chapter-number', 'collection-number', 'edition',
    'number-of-pages', 'number-of-volumes', 'supplement', 'part-number', 'printing',
    'citation-number'})
_RANGE = re.compile(r'^\s*([A-Za-z]*\d+[A-Za-z]*)\s*[-\u2013]\s*([A-Za-z]*\d+[A-Za-z]*)\s*$')
_original_text_variable = model.Text._variable


def text_variable(self, item, context):
    text = _original_text_variable(self, item, context)
    variable = self.get('variable')
    if text is not None and variable in NUMBER_VARIABLES:
        m = _RANGE.match(str(text))
        if m:
            return type(text)(m.group(1) + '\u2013' + m.group(2)) \
                if isinstance(text, str) else m.group(1) + '\u2013' + m.group(2)
    return text


model.Text._variable = text_variable

# --- page ranges ------------------------------------------------------------------


def abbreviate_range(first: str, last: str, range_format: str | None) -> str:
    """The second number of a page range in the given page-range-format."""
    if not range_format or range_format == 'expanded':
        return last
    m1 = re.fullmatch(r'([^\d]*)(\d+)', first)
    m2 = re.fullmatch(r'([^\d]*)(\d+)', last)
    if not (m1 and m2) or (m2.group(1) and m2.group(1) != m1.group(1)):
        return last
    prefix, f, l = m1.group(1), m1.group(2), m2.group(2)
    if len(f) != len(l) or int(l) <= int(f):
        return last
    common = 0
    while common < len(f) and f[common] == l[common]:
        common += 1
    first_number = int(f)
    if range_format in ('chicago', 'chicago-15', 'chicago-16'):
        if first_number < 100 or first_number % 100 == 0:
            return prefix + l if m2.group(1) else l
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


model.FormatNumber._format_last_page = format_last_page
