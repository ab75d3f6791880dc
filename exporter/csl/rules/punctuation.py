"""Quotation marks and punctuation at the seams between rendered pieces.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Quotes" (#quotes): ``quotes="true"`` encloses the output in the locale's
  ``open-quote``/``close-quote`` terms; quotes nested inside use
  ``open-inner-quote``/``close-inner-quote`` (inner and outer alternate).
* "Locale Options", ``punctuation-in-quote`` (#punctuation-in-quote): when
  "true" (en-US), a comma or period that follows a closing quotation mark is
  moved inside it (“Title,”).  Stock citeproc-py reads the option and ignores it.
* "Affixes"/"Delimiter" and citeproc-js's punctuation rules: a period directly
  after a "?", "!", ".", ";" or ":" (also across closing markup or quotes) is
  dropped ("happiness?." -> "happiness?", "U.S.." -> "U.S.", "2001;." -> "2001;").
"""
from __future__ import annotations

import re

from citeproc import model

from ..markup import (
    BLOCK,
    CLOSERS,
    INDENT,
    LEFT_MARGIN,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    QUOTE_OPEN_INNER,
    QUOTE_OPEN_SINGLE,
    QUOTE_OPEN_SINGLE_INNER,
    RIGHT_INLINE,
)
from ..overrides import define
from ..treememo import attrs


def quote(self, string):
    if attrs(self).get('quotes', 'false').lower() == 'true':
        string = QUOTE_OPEN + string + QUOTE_CLOSE
    return string


define(model.Quoted, 'quote', quote)

# closing markers punctuation looks through (formatting, quotes, display blocks)
_MARKS = re.escape(CLOSERS + QUOTE_CLOSE + BLOCK[1] + INDENT[1] + RIGHT_INLINE[1] + BLOCK[0] + INDENT[0]
                   + LEFT_MARGIN[1] + RIGHT_INLINE[0])  # ("1." + ". Title": one period)
_MOVE_IN = re.compile(f'([{_MARKS}]*{QUOTE_CLOSE}[{_MARKS}]*)([.,])')
_DOUBLED_PERIOD = re.compile(f'(?<!\\.)([.?!;:][{_MARKS}]*)\\.(?!\\.)')
# two periods (a suffix and the layout's) after "?" or "!": both go ("day!.." -> "day!")
_PERIODS_AFTER_QUERY = re.compile(f'([?!][{_MARKS}]*)\\.\\.(?!\\.)')
_PUNCT_AFTER_QUERY = re.compile(f'([?!])([{_MARKS}]*)([.,])')
_PERIOD_MOVED_AFTER_QUERY = re.compile(f'([?!])([{_MARKS}]*)\\.(?=[{_MARKS}]*{QUOTE_CLOSE})')
# citeproc-js's punctuation merging (CSL.Output.Queue.adjust; CSL test suite
# punctuation_FullMonty*): a colon after ";", "!" or "?" is dropped ("semicolon; colon"),
# and "!" or "?" after ":" or ";" replaces it ("colon! exclamation")
_COLON_AFTER_STOP = re.compile(f'([;!?][{_MARKS}]*):')
_QUERY_AFTER_COLON = re.compile(f'[:;]([{_MARKS}]*)([!?])')
_QUOTE_MARKERS = re.compile(f'([{QUOTE_OPEN}{QUOTE_OPEN_INNER}{QUOTE_CLOSE}])')
_ANY_QUOTE = re.compile(f'[{QUOTE_OPEN}{QUOTE_CLOSE}{QUOTE_OPEN_INNER}{QUOTE_OPEN_SINGLE}'
                        f'{QUOTE_OPEN_SINGLE_INNER}]')


def finalize(text: str, quotes: tuple[str, str, str, str], punctuation_in_quote: bool) -> str:
    """Resolve quotation markers and fix punctuation in a fully rendered string.

    quotes: (open-quote, close-quote, open-inner-quote, close-inner-quote).
    """
    if punctuation_in_quote and QUOTE_CLOSE in text:
        text = _MOVE_IN.sub(lambda m: m.group(2) + m.group(1), text)
        # moved inside after "?"/"!": a period is dropped (“Lottery?”), a comma kept
        text = _PERIOD_MOVED_AFTER_QUERY.sub(r'\1\2', text)
    text = _PERIODS_AFTER_QUERY.sub(r'\1', text)
    text = _DOUBLED_PERIOD.sub(r'\1', text)
    text = _COLON_AFTER_STOP.sub(r'\1', text)
    text = _QUERY_AFTER_COLON.sub(r'\1\2', text)
    if _ANY_QUOTE.search(text):
        text = text.replace(QUOTE_OPEN_SINGLE, QUOTE_OPEN).replace(
            QUOTE_OPEN_SINGLE_INNER, QUOTE_OPEN_INNER)
        out = []
        # citeproc-js (CSL.Util.FlipFlopper TagReg): a quotation inside another takes the
        # other form; one at the top takes its own (outer, or inner for QUOTE_OPEN_INNER)
        inner_stack: list[bool] = []
        for piece in _QUOTE_MARKERS.split(text):  # text between markers, and the markers
            if piece in (QUOTE_OPEN, QUOTE_OPEN_INNER):
                inner = (not inner_stack[-1]) if inner_stack else piece == QUOTE_OPEN_INNER
                inner_stack.append(inner)
                out.append(quotes[2] if inner else quotes[0])
            elif piece == QUOTE_CLOSE:
                inner = inner_stack.pop() if inner_stack else False
                out.append(quotes[3] if inner else quotes[1])
            else:
                out.append(piece)
        text = ''.join(out)
    return text
