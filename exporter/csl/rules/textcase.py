"""Text-case transformations.

CSL 1.0.2, "Text-case" (https://docs.citationstyles.org/en/stable/specification.html#text-case):

* ``title``: (English items only) lowercase words are capitalized, except stop
  words, which stay lowercase unless they are the first word or follow a colon.
  The stop words are citeproc-js's ``CSL.SKIP_WORDS`` (the specification's list and
  "about", "above", "et", "de", "von", "van" ...: "Biochimica et Biophysica Acta").
  Words containing uppercase letters are left alone -- also when the whole string is
  in capitals ("PLOS ONE", "JAMA"): the specification lowercases such a string first,
  citeproc-js 2.4.63 does not, and neither do we.  Each part of a hyphenated compound
  counts as a word ("Self-Reported", "Cross-Sectional").
* ``capitalize-first`` / ``capitalize-all``: the first character of the first /
  every word is capitalized *if the word is lowercase* ("arXiv" stays).
* ``uppercase``, ``lowercase``, ``sentence``: as in the specification.  Formatting markup at the start of a
  word is skipped ("<i>word</i>" -> "<i>Word</i>"; stock citeproc-py tried to
  uppercase the markup), and text in ``<span class="nocase">`` is never changed
  (Appendix VI).
"""
from __future__ import annotations

import re

from citeproc import model
from citeproc.string import MixedString, NoCase, String

from ..labels import SKIP_WORDS
from ..markup import (
    _MARKER_RE,
    DATA_SMALL_CAPS,
    MARKERS,
    NODECOR,
    QUOTE_OPEN_SINGLE,
    QUOTE_OPEN_SINGLE_INNER,
    SUBSCRIPT,
    SUPERSCRIPT,
)
from ..overrides import define, stock
from ..treememo import attrs

STOP_WORDS = SKIP_WORDS  # citeproc-js CSL.SKIP_WORDS, its skip-words for title case

_WORD = re.compile(r'\S+')
_WORD_PARTS = re.compile('[-/\u2013\u2014]')  # citeproc-js splits words at hyphens, slashes, dashes


def _segments(text) -> list[tuple[str, bool]]:
    """(string, is_nocase) pieces of a String / MixedString / str."""
    if isinstance(text, MixedString):
        return [(str(s), isinstance(s, NoCase)) for s in text]
    return [(str(text), isinstance(text, NoCase))]


def _rebuild(chars: list[str], flags: list[bool]) -> MixedString | String:
    if chars and (True not in flags if not flags[0] else False not in flags):
        # one kind of piece only (the usual case): the loop below makes one piece
        return NoCase(''.join(chars)) if flags[0] else String(''.join(chars))
    out: list = []
    buf = ''
    current = None
    for ch, flag in zip(chars, flags):
        if current is not None and flag != current:
            out.append(NoCase(buf) if current else String(buf))
            buf = ''
        buf += ch
        current = flag
    if buf:
        out.append(NoCase(buf) if current else String(buf))
    if len(out) == 1:
        return out[0]
    return MixedString(out)


def _first_letter(chars: list[str], start: int, end: int) -> int | None:
    for i in range(start, end):
        if chars[i].isalnum():
            return i
        if chars[i] not in MARKERS and chars[i] not in '([{\u201c\u2018"\'¿¡':
            return None
    return None


_case_memo: dict[tuple[str, str], str] = {}


def apply_case(text, text_case: str):
    if type(text) in (str, String):
        # plain text (no nocase piece): the result depends on the text and the case only
        key = (str(text), text_case)
        done = _case_memo.get(key)
        if done is not None:
            return String(done)
        result = _apply_case(text, text_case)
        if type(result) is String and len(_case_memo) < 65536:
            _case_memo[key] = str(result)  # (a result with protected pieces is not kept)
        return result
    return _apply_case(text, text_case)


def _apply_case(text, text_case: str):
    segs = _segments(text)
    chars: list[str] = []
    flags: list[bool] = []
    for s, nocase in segs:
        chars.extend(s)
        flags.extend([nocase] * len(s))
    plain = ''.join(chars)
    if _UNCASED_OPEN.search(plain):
        _protect_uncased(chars, flags)

    def upper(i):
        if not flags[i]:
            chars[i] = chars[i].upper()

    def lower(i):
        if not flags[i]:
            chars[i] = chars[i].lower()

    if text_case == 'uppercase':
        chars = [ch if flag else ch.upper() for ch, flag in zip(chars, flags)]
    elif text_case == 'lowercase':
        chars = [ch if flag else ch.lower() for ch, flag in zip(chars, flags)]
    elif text_case == 'capitalize-first':
        m = _WORD.search(plain)
        if m and _is_lower_word(m.group()):
            i = _first_letter(chars, m.start(), m.end())
            if i is not None:
                upper(i)
    elif text_case == 'capitalize-all':
        for m in _WORD.finditer(plain):
            if not _is_lower_word(m.group()):
                continue
            i = _first_letter(chars, m.start(), m.end())
            if i is not None:
                upper(i)
    elif text_case == 'sentence':
        is_upper = plain.isupper()
        for m in _WORD.finditer(plain):
            word = m.group()
            if is_upper or not word.isupper():
                start, end = m.start(), m.end()
                chars[start:end] = [ch if flag else ch.lower()
                                    for ch, flag in zip(chars[start:end], flags[start:end])]
        i = _first_letter(chars, 0, len(chars))
        if i is not None:
            upper(i)
    elif text_case == 'title':
        _title_case(chars, flags, plain)
    return _rebuild(chars, flags)


# citeproc-js (CSL.Output.Formatters, _tagParams): text in <sc>, <sup>, <sub> and
# <span class="nodecor"> of the data is never changed by text-case (like nocase)
_UNCASED = {DATA_SMALL_CAPS[0]: DATA_SMALL_CAPS[1], SUPERSCRIPT[0]: SUPERSCRIPT[1],
            SUBSCRIPT[0]: SUBSCRIPT[1], NODECOR[0]: NODECOR[1]}
_UNCASED_OPEN = re.compile('[' + re.escape(''.join(_UNCASED)) + ']')


def _protect_uncased(chars: list[str], flags: list[bool]) -> None:
    closing: list[str] = []
    for i, ch in enumerate(chars):
        if ch in _UNCASED:
            closing.append(_UNCASED[ch])
        elif closing and ch == closing[-1]:
            closing.pop()
        elif closing:
            flags[i] = True


def _is_lower_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.islower() for c in letters)


_QUOTE_START = frozenset("'" + QUOTE_OPEN_SINGLE + QUOTE_OPEN_SINGLE_INNER)


# what citeproc-js's title case treats as tags between strings of words: quotes,
# punctuation, brackets and formatting (CSL.Output.Formatters rexStr)
_JS_TAG = re.compile('[\u2018\u2019\u201c\u201d"\'\u2013\u2014/.,;?!:\\[\\]()' + re.escape(MARKERS) + '-]')
_GREEK_LETTER = re.compile('[\u0370-\u03ff]')
_PUNCTUATION = '.,;:!?()[]{}"\'\u2018\u2019\u201c\u201d'


def _title_case(chars: list[str], flags: list[bool], plain: str) -> None:
    # without markers in the text, the marker filters below keep every character
    has_markers = _MARKER_RE.search(plain) is not None
    first = True
    # citeproc-js capitalises the word before the first tag when that tag is a hyphen,
    # whatever it is ("An IEEE Standard for X-Rays"), and a stop word that ends the title
    # ("The Things We Think Of"); see _capitalise_last_stop_word
    tag = _JS_TAG.search(plain)
    hyphen_at = tag.start() if tag is not None and tag.group() == '-' else -1
    last: tuple[int, int, str] | None = None  # (start, length, bare text) of the last word
    for m in _WORD.finditer(plain):
        word = m.group()
        core = ''.join(c for c in word if c not in MARKERS) if has_markers else word
        # each part between hyphens, slashes or dashes is a word of its own
        pos = m.start()
        for n, part in enumerate(_WORD_PARTS.split(word)):
            part_start = pos
            pos += len(part) + 1
            letters = part if part.isalpha() else ''.join(c for c in part if c.isalpha())
            bare = (''.join(c for c in part if c not in MARKERS) if has_markers else part).strip(
                _PUNCTUATION)
            if bare:
                last = (part_start, len(part), bare)
            if not letters:
                continue
            if not letters.islower():
                continue  # has capitals: leave it alone
            if part_start + len(part) == hyphen_at:
                # (citeproc-js never capitalises a lone Greek letter: "β-Carotine")
                if not _GREEK_LETTER.fullmatch(letters):
                    i = _first_letter(chars, part_start, part_start + len(part))
                    if i is not None and not flags[i]:
                        chars[i] = chars[i].upper()
                continue
            visible = (''.join(c for c in part if c not in MARKERS or c in _QUOTE_START)
                       if has_markers else part)
            if not (first and n == 0):
                # citeproc-js leaves single lowercase letters ("p < 0.05") and words
                # after a straight single quote in the data (‘ability Grouping’) alone
                if len(letters) == 1 and len(visible.strip('.,;:!?()')) == 1:
                    continue
                if visible[:1] in _QUOTE_START and n == 0:
                    continue
            is_stop = bare.lower() in STOP_WORDS and not (first and n == 0)
            if is_stop and '-' not in core:
                continue
            if is_stop and n > 0:
                continue
            i = _first_letter(chars, part_start, part_start + len(part))
            if i is not None and not flags[i]:
                chars[i] = chars[i].upper()
        first = core.rstrip(MARKERS).endswith((':', '?', '!'))
    if last is not None:
        _capitalise_last_stop_word(chars, flags, *last)
    if True in flags:
        _capitalise_after_nocase(chars, flags)


def _capitalise_after_nocase(chars: list[str], flags: list[bool]) -> None:
    """citeproc-js 2.4.63 title-cases the text right after a nocase span as a word of
    its own ("<span class="nocase">F</span>rench" -> "FRench")."""
    for i in range(1, len(chars)):
        if flags[i] or not flags[i - 1]:
            continue
        end = i
        while end < len(chars) and not flags[end] and not chars[end].isspace():
            end += 1
        fragment = ''.join(c for c in chars[i:end] if c not in MARKERS)
        letters = ''.join(c for c in fragment if c.isalpha())
        if letters and letters.islower() and fragment.lower() not in STOP_WORDS:
            j = _first_letter(chars, i, end)
            if j is not None:
                chars[j] = chars[j].upper()


def _capitalise_last_stop_word(chars: list[str], flags: list[bool], start: int, length: int,
                               bare: str) -> None:
    """citeproc-js 2.4.63 ("Specially capitalize the last word"): a stop word of two
    letters or more that ends the title is capitalised ("A Place to Live In")."""
    if len(bare) > 1 and bare.islower() and bare in STOP_WORDS:
        i = _first_letter(chars, start, start + length)
        if i is not None and not flags[i]:
            chars[i] = chars[i].upper()


def case(self, text, language=None):
    text_case = attrs(self).get('text-case')
    if text_case is None or not text:
        return text
    if 'macro' in self.attrib:
        # citeproc-js 2.4.63 applies text-case only where text is rendered (a variable,
        # value or term; a date, label, number or name-part); on a cs:text that calls a
        # macro it has no effect (<text macro="author" text-case="uppercase"/> leaves
        # "Aaberg N." as is in anthropologie-et-societes; 205 styles set it there)
        return text
    if text_case == 'title' and language not in (None, '', 'en'):
        return text  # title case applies to English items only
    return apply_case(text, text_case)


define(model.TextCased, 'case', case)


# CJK scripts have no italic forms: citeproc-js does not italicise CJK text through the
# font-style of the cs:text element that renders it (<text variable="container-title"
# font-style="italic"/> gives "地理学报"), while italics set on an enclosing cs:group
# still apply (APA 7: "<i>地理学报</i>").
from ..markup import is_cjk_text  # noqa: E402 - beside the rule that uses it
from .dates import _Overridden  # noqa: E402

_original_text_markup = stock(model.Text, 'markup')


def text_markup(self, text, language):
    if (text and attrs(self).get('font-style') in ('italic', 'oblique')
            and is_cjk_text(str(text))):
        attrib = dict(self.attrib)
        del attrib['font-style']
        with _Overridden(self, attrib):
            return _original_text_markup(self, text, language)
    return _original_text_markup(self, text, language)


define(model.Text, 'markup', text_markup)
