"""Rich text and quotation marks in the strings a style renders, read as citeproc-js reads them.

CSL 1.0.2, Appendix VI "Rich Text Markup"
(https://docs.citationstyles.org/en/stable/specification.html#appendix-vi-rich-text-markup)
lets field values carry ``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
``<span style="font-variant:small-caps;">``, ``<span class="nocase">`` and
``<span class="nodecor">``; "Quotes" (#quotes) has straight quotation marks in the data
rendered with the locale's quotation marks.  citeproc-js 2.4.63 reads every string it
renders -- field values, cite prefixes and suffixes, ``cs:text value`` -- with one
parser, ``CSL.Util.FlipFlopper.processTags``; :func:`parse_rich_text` is that parser's
reading, step for step, producing exporter's intermediate markers
(:mod:`exporter.csl.markup`):

* the tags above (and ``<sc>``) become the *data* formatting markers, which flip
  against the formatting around them when serialised (``<i>`` inside italics is
  roman: ``markup.resolve_decorations``); ``nocase`` spans stay as written, for
  citeproc-py's CSL-JSON reader;
* a straight double or single quote after a space, at the start or after "(" opens a
  quotation, the locale's own open-quote and open-inner-quote characters too; the
  matching straight quote or locale close-quote closes it.  Quotations become quote
  markers, resolved to outer or inner marks by nesting (rules.punctuation.finalize);
* a single quote that opens nothing is an apostrophe (U+2019), as is a typographic
  apostrophe between letters ("don’t");
* a tag that is not closed, or closed out of order, is literal text.

Like citeproc-js's output queue (``CSL.Output.Queue.append``), a space before ":", ";",
"?", "!" or "»" and after "«" becomes a narrow no-break space (French typography).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .markup import (
    DATA_BOLD,
    DATA_ITALIC,
    DATA_SMALL_CAPS,
    NODECOR,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    QUOTE_OPEN_INNER,
    QUOTE_OPEN_SINGLE,
    QUOTE_OPEN_SINGLE_INNER,
    SUBSCRIPT,
    SUPERSCRIPT,
)

APOSTROPHE = '\u2019'
NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = '</span>'

# opener -> (kind, closer, marker pair); in citeproc-js's order (_nestingData)
_TAGS: dict[str, tuple[str, str, tuple[str, str] | None]] = {
    NOCASE_OPEN: ('nocase', '</span>', None),
    '<span class="nodecor">': ('tag', '</span>', NODECOR),
    '<span style="font-variant:small-caps;">': ('tag', '</span>', DATA_SMALL_CAPS),
    '<sc>': ('tag', '</sc>', DATA_SMALL_CAPS),
    '<i>': ('tag', '</i>', DATA_ITALIC),
    '<b>': ('tag', '</b>', DATA_BOLD),
    '<sup>': ('tag', '</sup>', SUPERSCRIPT),
    '<sub>': ('tag', '</sub>', SUBSCRIPT),
    ' "': ('quote', '"', None),
    " '": ('quote', "'", None),
    '("': ('quote', '"', None),
    "('": ('quote', "'", None),
}
_STRAIGHT = (' "', " '", '"', "'")
_SPACED_QUOTES = (' "', " '", '("', "('")

_ROMANESQUE = ('-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4'
               '\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a'
               '\u021b\u202a-\u202e')
_IN_WORD_APOSTROPHE = re.compile(f'([{_ROMANESQUE}])\u2019([{_ROMANESQUE}])')
_SMALL_CAPS_SPAN = re.compile(r'(<span)\s+(style="font-variant:)\s*(small-caps);?"[^>]*(>)')
_CLASS_SPAN = re.compile(r'(<span)\s+(class="no(?:case|decor)")[^>]*(>)')
_FRENCH_BEFORE = re.compile(' ([:;?!\u00bb])')
_SPACE_QUOTE = re.compile(r"\s+'")


class _Grammar:
    """The tags of one locale (its quotation marks are tags too)."""

    def __init__(self, quotes: tuple[str, str, str, str]) -> None:
        tags = dict(_TAGS)
        open_quote, close_quote, open_inner, close_inner = quotes
        if open_quote and close_quote and open_quote not in _STRAIGHT:
            tags[open_quote] = ('quote', close_quote, None)
        if open_inner and close_inner and open_inner not in _STRAIGHT:
            tags[open_inner] = ('quote', close_inner, None)
        self.tags = tags
        self.single = {open_inner} if open_inner not in _STRAIGHT else set()
        closers = list(dict.fromkeys(closer for _, closer, _ in tags.values()))
        alternatives = [re.escape(t) for t in list(tags) + closers]
        self.split = re.compile('(' + '|'.join(alternatives) + ')')
        self.openers = frozenset(tags)


@lru_cache(maxsize=16)
def _grammar(quotes: tuple[str, str, str, str]) -> _Grammar:
    return _Grammar(quotes)


@lru_cache(maxsize=16)
def _trigger(quotes: tuple[str, str, str, str]) -> re.Pattern:
    """What makes a value worth reading: a tag, a quotation mark, French spacing."""
    marks = ''.join(dict.fromkeys('<"\'\u2019' + ''.join(q for q in quotes if len(q) == 1)))
    return re.compile('[' + re.escape(marks) + ']| [:;?!\u00bb]|\u00ab ')


def _apostrophe_force(tag: str, following: str) -> str | None:
    if tag == "'":
        if following and following[0] not in ',.?:; ':
            return APOSTROPHE
    elif tag == " '" and following[:1] == ' ':
        return ' ' + APOSTROPHE
    return None


def french_spacing(value: str) -> str:
    """A space before ":;?!»" and after "«" as a narrow no-break space (citeproc-js)."""
    if ' ' not in value:
        return value
    return _FRENCH_BEFORE.sub('\u202f\\1', value).replace('\u00ab ', '\u00ab\u202f')


def parse_rich_text(value: str, quotes: tuple[str, str, str, str], *,
                    quotations: bool = True, serious: bool = True) -> str:
    """A string as citeproc-js renders it, in exporter's markers (module docstring).

    quotes: the locale's (open-quote, close-quote, open-inner-quote, close-inner-quote).
    quotations=False reads only the formatting tags (identifiers, numbers, URLs: their
    quotation marks and apostrophes are data).  serious=False: a leading straight single
    quote is no opener (citeproc-js's "notSerious" strings)."""
    if not value:
        return value
    if _trigger(quotes).search(value) is None:
        return value  # (most values: nothing to read)
    if quotations:
        value = french_spacing(value)
        if "'" in value:
            value = _SPACE_QUOTE.sub(" '", value)
            if serious and value.startswith("'"):
                value = ' ' + value
    if '<' not in value and not (quotations and any(q in value for q in ('"', "'", *quotes))):
        return value
    grammar = _grammar(quotes)
    leading_space = value.startswith(' ') and re.match(r"""^\s+['"]""", value) is None
    text = ' ' + _IN_WORD_APOSTROPHE.sub("\\1'\\2", value) if quotations else ' ' + value
    text = _SMALL_CAPS_SPAN.sub(r'\1 \2\3;"\4', text)
    text = _CLASS_SPAN.sub(r'\1 \2\3', text)
    pieces = grammar.split.split(text)
    strings = pieces[0::2]
    tags = pieces[1::2]
    if not quotations:
        # only the formatting tags are tags: quotation marks stay in the strings
        merged_strings = [strings[0]]
        merged_tags = []
        for tag, string in zip(tags, strings[1:]):
            if tag in grammar.tags and grammar.tags[tag][0] != 'quote' or tag.startswith('</'):
                merged_tags.append(tag)
                merged_strings.append(string)
            else:
                merged_strings[-1] += tag + string
        strings, tags = merged_strings, merged_tags
    if not tags:
        return value
    # a straight quote right after an opener opens a quotation too (citeproc-js
    # _doppelString: its index list counts openers only, kept as it is)
    forced_spaces: list[bool] = []
    for i in range(len(tags) - 1):
        if tags[i] in grammar.openers:
            if strings[i + 1] == '' and tags[i + 1] in ('"', "'"):
                tags[i + 1] = ' ' + tags[i + 1]
                forced_spaces.append(True)
            else:
                forced_spaces.append(False)

    def forced(index: int) -> bool:
        return 0 <= index < len(forced_spaces) and forced_spaces[index]

    stack: list[tuple[str, str, int]] = []  # (kind, closer, tag index)
    for i in range(len(tags)):
        tag = tags[i]
        apostrophe = _apostrophe_force(tag, strings[i + 1])
        if apostrophe:
            strings[i + 1] = apostrophe + strings[i + 1]
            tags[i] = ''
            continue
        fix = None
        while True:
            if tag in grammar.openers:
                kind, closer, _ = grammar.tags[tag]
                stack.append((kind, closer, i))
                fix = None
                break
            top = stack[-1] if stack else None
            if top is not None and tag == top[1]:
                stack.pop()  # (a nocase span is kept as written: citeproc-py reads it)
                fix = None
                break
            fix = top[2] if top is not None else i
            if tag == "'":
                strings[i + 1] = APOSTROPHE + strings[i + 1]
                tags[i] = ''
            else:
                failed = tags[fix]
                if forced(fix - 1):
                    failed = failed[1:]
                strings[fix + 1] = failed + strings[fix + 1]
                tags[fix] = ''
            if stack:
                if tag != "'":
                    stack.pop()
                    continue
            break
        if fix is not None:
            strings[i + 1] = tags[i] + strings[i + 1]
            tags[i] = ''
    for _, _, position in reversed(stack):  # tags never closed are text
        if tags[position] in (" '", "'"):
            strings[position + 1] = ' ' + APOSTROPHE + strings[position + 1]
        else:
            strings[position + 1] = tags[position] + strings[position + 1]
        tags[position] = ''
    # the tags left, with what stands between them
    kept_strings = [strings[0]]
    kept_tags: list[str] = []
    for i, tag in enumerate(tags):
        if tag:
            kept_tags.append(tag)
            kept_strings.append(strings[i + 1])
        else:
            kept_strings[-1] += strings[i + 1]
    for i, tag in enumerate(kept_tags):
        if tag in _SPACED_QUOTES and not (i >= 1 and forced(i - 1)):
            kept_strings[i] += tag[0]  # the space or bracket belongs to the text before
    out: list[str] = []
    first = kept_strings[0]
    for _ in range(2):  # citeproc-js: the first string loses the space it was given
        if first.startswith(' '):
            first = first[1:]
    out.append((' ' if leading_space else '') + first)
    # citeproc-js _setOuterQuoteForm: the first form of straight quotes in the string is
    # the outer one, the other the inner one; the locale's inner quote is inner
    first_double = next((tag in (' "', '("') for tag in kept_tags if tag in _SPACED_QUOTES), True)
    open_stack: list[str] = []
    for tag, string in zip(kept_tags, kept_strings[1:]):
        if tag in grammar.openers:
            kind, _, markers = grammar.tags[tag]
            if kind == 'nocase':
                out.append(NOCASE_OPEN)
                open_stack.append(NOCASE_CLOSE)
            elif kind == 'quote':
                if tag in (" '", "('"):
                    out.append(QUOTE_OPEN_SINGLE_INNER if first_double else QUOTE_OPEN_SINGLE)
                elif tag in (' "', '("'):
                    out.append(QUOTE_OPEN if first_double else QUOTE_OPEN_INNER)
                else:
                    out.append(QUOTE_OPEN_INNER if tag in grammar.single else QUOTE_OPEN)
                open_stack.append(QUOTE_CLOSE)
            else:
                out.append(markers[0])
                open_stack.append(markers[1])
        else:
            out.append(open_stack.pop() if open_stack else tag)
        out.append(string)
    return ''.join(out)
