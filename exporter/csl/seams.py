"""The characters at the seams of citeproc-py's rendered strings, read cheaply.

citeproc-py renders into ``str``, ``String`` / ``NoCase`` (str subclasses) and
``MixedString`` (a list of such pieces whose ``str()`` joins them).  Deciding what
happens at a seam (citeproc.string.normalize_seam) or whether a piece is empty
only needs its first or last character; these helpers read them without building
``str()`` of a whole MixedString.  Results are exactly those of ``str(text)[-1:]``,
``str(text)[:1]`` and the stock normalize_seam.
"""
from __future__ import annotations

from citeproc.string import SEAM_PUNCTUATION, MixedString, NoCase, String, _strip_first_char

_PLAIN = frozenset({str, String, NoCase})  # str() of these is their own text


def last_char(text) -> str:
    """str(text)[-1:]"""
    if type(text) in _PLAIN:
        return text[-1:]
    if isinstance(text, MixedString):
        for piece in reversed(text):  # the list's pieces (MixedString[i] is str-based)
            char = piece[-1:] if type(piece) in _PLAIN else last_char(piece)
            if char:
                return char
        return ''
    return str(text)[-1:]


def first_char(text) -> str:
    """str(text)[:1]"""
    if type(text) in _PLAIN:
        return text[:1]
    if isinstance(text, MixedString):
        for piece in list.__iter__(text):
            char = piece[:1] if type(piece) in _PLAIN else first_char(piece)
            if char:
                return char
        return ''
    return str(text)[:1]


def normalize_seam(left, other):
    """citeproc.string.normalize_seam: other without its first character if that
    would double a space or a punctuation mark after left."""
    last = left[-1:] if type(left) in _PLAIN else last_char(left)
    if not last:
        return other
    first = other[:1] if type(other) in _PLAIN else first_char(other)
    if not first:
        return other
    if first == last and (first == ' ' or first in SEAM_PUNCTUATION):
        return _strip_first_char(other)
    return other


def nonempty(text) -> bool:
    """text is not None and str(text) != ''"""
    if text is None:
        return False
    if type(text) in _PLAIN:
        return text != ''
    return first_char(text) != ''


def join(items, delimiter=''):
    """citeproc.string.join, reading only the seams (normalize_seam above): the stock
    function builds str() of everything joined so far at each seam."""
    items = iter(items)
    try:
        output = next(items)
    except StopIteration:
        return String('')
    for item in items:
        output = output + normalize_seam(output, delimiter)
        output = output + normalize_seam(output, item)
    return output
