"""exporter.formats.jsonio's reading as it was before it read through a window (commit
a76fd8d, the ranges splitter left out): a top-level array in one string, a pretty-printed
wrapper decoded whole. The oracle the windowed reader is compared with in
test_json_window.py; not used by the library."""

from __future__ import annotations

import io
import itertools
import json
import re
from typing import Iterable, Iterator, TextIO

# the helpers the windowed reader kept unchanged are the library's own
from exporter.formats.jsonio import (_DOCS_KEY, _STRING_REST, _STRUCTURE, _WS, JSONItem, _complete,
                                     _decode_all, _decoder, _reason, _skip_ws, not_utf8, records_in)
from exporter.problems import Problem



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


def iter_json(stream: TextIO, source: str, docs_key: str | None = None) -> Iterator[JSONItem | Problem]:
    """Yield each record-level JSON value of the input, or a Problem where one is broken.

    ``docs_key`` names the wrapper to unwrap ("response.docs" for Solr). JSON lines stream:
    memory holds one record at a time. A top-level array or a wrapper is read whole.
    """
    head = ""
    while True:  # whole lines, so that no line is split between the head and the rest
        chunk = stream.readline()
        if not chunk:
            break
        head += chunk
        if head.lstrip(_WS + "\ufeff"):
            break
    head = head.lstrip("\ufeff")
    stripped = head.lstrip(_WS)
    if not stripped:
        yield Problem(source=source, reason="empty input: no records")
        return
    if stripped[0] == "[":
        text = head + stream.read()
        yield from _iter_array(text, _skip_ws(text, 0), source, _Lines(text), 0)
        return
    if stripped[0] != "{":
        pos = len(head) - len(stripped)
        yield Problem(
            source=source,
            line=head.count("\n", 0, pos) + 1,
            reason=f"not JSON: expected an object or an array, found {stripped[:20].splitlines()[0]!r}",
        )
        return
    yield from _iter_values(itertools.chain(io.StringIO(head), stream), source, docs_key)


def _iter_values(lines: Iterable[str], source: str, docs_key: str | None) -> Iterator[JSONItem | Problem]:
    """JSON lines, or pretty-printed JSON values one after another, in bounded memory."""
    number = 0
    buf: list[str] = []
    start = 0
    json_lines: bool | None = None  # decided by the first record

    def broken(at: int, reason: str) -> Problem:
        nonlocal number
        number += 1
        return Problem(source=source, record=number, line=at, reason=reason)

    def decoded(text: str, at: int) -> Iterator[JSONItem | Problem]:
        nonlocal number
        bad = not_utf8(text)
        if bad:
            yield broken(at, bad)
            return
        try:
            values = _decode_all(text)
        except json.JSONDecodeError as exc:
            if docs_key and _DOCS_KEY.search(text):
                for item in _iter_wrapper(text, at, source, number):
                    number = max(number, (item.number if isinstance(item, JSONItem) else item.record) or 0)
                    yield item
                return
            yield broken(at + exc.lineno - 1, _reason(exc, text, at))
            return
        except RecursionError:
            yield broken(at, "JSON nested too deeply")
            return
        for value in values:
            for item in records_in(value, docs_key):
                number += 1
                yield JSONItem(item, number, at)

    for lineno, line in enumerate(lines, start=1):
        if not buf:
            stripped = line.strip()
            if not stripped:
                continue
            if json_lines is None:
                json_lines = stripped.startswith(("{", "[")) and stripped.endswith(("}", "]")) \
                    and _complete(stripped)
            if json_lines:
                yield from decoded(line, lineno)
                continue
            start = lineno
            buf.append(line)
            continue
        if line[:1] in "{[" and line[:1]:
            # a new top-level value opens at column 0 while the last one never closed
            yield from decoded("".join(buf), start)
            buf, start = [line], lineno
            continue
        buf.append(line)
        if line[:1] in "}]" and line[:1]:  # a top-level value closes at column 0
            text = "".join(buf)
            buf = []
            yield from decoded(text, start)
    if buf:
        yield from decoded("".join(buf), start)


def _iter_wrapper(text: str, first_line: int, source: str, number: int) -> Iterator[JSONItem | Problem]:
    """A wrapper (a Solr response) that does not decode whole: read its docs array element
    by element, so one broken document costs only itself."""
    m = _DOCS_KEY.search(text)
    assert m is not None
    lines = _Lines(text)
    for item in _iter_array(text, m.end() - 1, source, lines, number, ends_input=False):
        if isinstance(item, JSONItem):
            yield JSONItem(item.value, item.number, item.line + first_line - 1)
        else:
            yield Problem(source=item.source, record=item.record,
                          line=None if item.line is None else item.line + first_line - 1,
                          reason=item.reason, severity=item.severity)


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
    """What iter_json yielded for ``text``, read from one string."""
    return iter_json(io.StringIO(text), source)
