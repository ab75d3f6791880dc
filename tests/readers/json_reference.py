"""The array reader of exporter.formats.jsonio as it was before it read through a window
(commit a76fd8d): the whole input in one string. The oracle the windowed reader is compared
with in test_json_window.py; not used by the library."""

from __future__ import annotations

import json
import re
from typing import Iterator

from exporter.formats.jsonio import JSONItem, not_utf8
from exporter.problems import Problem

_WS = " \t\n\r"
_decoder = json.JSONDecoder()
_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'(?:[^"\\\n]|\\.)*"')


class _Lines:
    """Line numbers of positions in one text, counted forward from the last position asked
    (positions are asked in increasing order, so the whole text is counted once)."""

    __slots__ = ("text", "pos", "line")

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos >= self.pos:
            self.line += self.text.count("\n", self.pos, pos)
        else:  # rare: a position before the last one asked
            self.line -= self.text.count("\n", pos, self.pos)
        self.pos = pos
        return self.line


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _reason(exc: json.JSONDecodeError, text: str, start_line: int = 1) -> str:
    if exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip()):
        return "truncated JSON: the input ends inside a record"
    return f"invalid JSON: {exc.msg} (line {start_line + exc.lineno - 1}, column {exc.colno})"


def _element_end(text: str, pos: int) -> int | None:
    """The position after the value that opens at ``pos`` (``{`` or ``[``), found by its
    brackets (strings skipped, a string cut at a line end counts as closed there), or None
    when it never closes, or a bracket closes one of the other kind."""
    opened: list[str] = []
    i = pos
    n = len(text)
    while i < n:
        m = _STRUCTURE.search(text, i)
        if m is None:
            return None
        ch = m.group()
        i = m.end()
        if ch == '"':
            s = _STRING_REST.match(text, i)
            i = s.end() if s else text.find("\n", i) + 1 or n
            continue
        if ch in "[{":
            opened.append("]" if ch == "[" else "}")
            continue
        if not opened or opened.pop() != ch:
            return None
        if not opened:
            return i
    return None


def _indent(text: str, pos: int) -> str | None:
    """The whitespace before ``pos`` on its line, or None when other text precedes it."""
    prefix = text[text.rfind("\n", 0, pos) + 1:pos]
    return prefix if not prefix.strip() else None


def _next_element(text: str, pos: int, indent: str) -> int | None:
    """Where the next element opens: a line that starts with ``indent`` then ``{`` after
    ``pos``; None when there is none."""
    pattern = re.compile(r"\n" + re.escape(indent) + r"(?=[{\[])")
    m = pattern.search(text, pos)
    return m.end() if m else None


def _iter_array(text: str, pos: int, source: str, lines: _Lines, number: int,
                ends_input: bool = True) -> Iterator[JSONItem | Problem]:
    """The elements of the array that opens at ``pos``; a broken element is reported and
    skipped (see the module docstring)."""
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        number += 1
        line = lines.at(pos)
        if pos >= len(text):
            yield Problem(source=source, record=number, line=line, reason="truncated JSON: the input ends inside the list")
            return
        try:
            value, end = _decoder.raw_decode(text, pos)
            bad = not_utf8(text[pos:end])
            if bad:
                yield Problem(source=source, record=number, line=line, reason=bad)
            else:
                yield JSONItem(value, number, line)
        except (json.JSONDecodeError, RecursionError) as exc:
            if isinstance(exc, json.JSONDecodeError):  # the line where the damage is
                reason = _reason(exc, text)
                at = line if reason.startswith("truncated") else exc.lineno  # cut off: where it starts
                yield Problem(source=source, record=number, line=at, reason=reason)
            else:
                yield Problem(source=source, record=number, line=line, reason="JSON nested too deeply")
            # go on after the bracket that closes it, unless the next element at this one's
            # indentation opens first (a bracket is missing, or it never closes)
            end = _element_end(text, pos) if text[pos] in "{[" else None
            indent = _indent(text, pos)
            resume = _next_element(text, pos, indent) if indent is not None else None
            if resume is not None and (end is None or end > resume):
                pos = resume
                continue
            if end is None:
                return
        pos = _skip_ws(text, end)
        if pos >= len(text):
            yield Problem(source=source, record=number + 1, line=lines.at(pos), reason="truncated JSON: the input ends inside the list")
            return
        if text[pos] == "]":
            rest = _skip_ws(text, pos + 1)
            if ends_input and rest < len(text):
                yield Problem(source=source, line=lines.at(rest), reason="unexpected data after the end of the list")
            return
        if text[pos] in "{[":
            yield Problem(source=source, record=number + 1, line=lines.at(pos), severity="warning",
                          reason="a ',' is missing before this record; read as if it were there")
            continue
        if text[pos] != ",":
            yield Problem(source=source, record=number + 1, line=lines.at(pos), reason=f"invalid JSON: expected ',' or ']' between records, found {text[pos]!r}")
            return
        pos = _skip_ws(text, pos + 1)


def iter_array_whole(text: str, source: str) -> Iterator[JSONItem | Problem]:
    """What iter_json yielded for a top-level array ``text`` (BOM and leading blank lines as it took them)."""
    text = text.lstrip("\ufeff")
    return _iter_array(text, _skip_ws(text, 0), source, _Lines(text), 0)
