"""Reading JSON inputs record by record, with errors that name the record and the line.

Accepts one JSON value, a top-level array, a Solr response (``{"response": {"docs": [...]}}``)
or JSON lines (one value per line, or pretty-printed values one after another; RFC 8259
and https://jsonlines.org). A damaged record costs exactly itself; the reader
resynchronises at the next record boundary the layout defines:

* JSON lines: the next line. A line such as ``{broken`` is one error, and the next line is
  the next record (the layout is decided by the first record: complete on its first line).
* pretty-printed values: the next line that opens a value at column 0.
* arrays (top-level, or the docs of a Solr response): the next element. A broken element is
  skipped to the bracket that closes it, or, when it never closes, to the next line that
  opens an element at the same indentation; a missing comma between two good elements is
  a warning, and both are read.
* bytes that are not UTF-8 (read as lone surrogates, see :func:`exporter.api.open_text`)
  cost the record they are in.

Memory: JSON lines hold one line at a time; a top-level array, and the docs of a
pretty-printed wrapper, are read through a window of :data:`WINDOW` characters (an element
longer than that widens it while it is read), so an array of any length is held a window
at a time. A pretty-printed value that is not a wrapper is held whole.

Every step is linear in the input: line numbers are counted incrementally, and each
character is decoded or scanned a bounded number of times (an element that grows the
window is decoded again as often as the window doubles).
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, Generator, Iterable, Iterator, TextIO

from ..plugins import RecordSplitter
from ..problems import Problem

_WS = " \t\n\r"
# characters read from the stream at a time: 64 Ki keeps the buffer's strings small (at
# 1 Mi, glibc's heap fragmented on them: RSS grew with the input, 27 MB over 100,000 items)
WINDOW = 1 << 16
_MARGIN = 16  # what a value may still need past the buffer's end (the longest token: -Infinity, \uXXXX\uXXXX)
_decoder = json.JSONDecoder()
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_STRUCTURE = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'(?:[^"\\\n]|\\.)*"')
_DOCS_KEY = re.compile(r'"docs"\s*:\s*\[')


@dataclass(frozen=True, slots=True)
class JSONItem:
    value: Any
    number: int  # 1-based record number
    line: int  # line where the value starts


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _reason(exc: json.JSONDecodeError, text: str, start_line: int = 1, ends: str = "the input") -> str:
    """Why ``text`` (from line ``start_line``) does not decode; ``ends``: what ``text`` is,
    for a value cut off at its end (a JSON line is cut off where its line ends)."""
    if exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip()):
        return f"truncated JSON: {ends} ends inside a record"
    return f"invalid JSON: {exc.msg} (line {start_line + exc.lineno - 1}, column {exc.colno})"


def not_utf8(raw: str) -> str | None:
    """The reason a record's raw text is rejected for bytes that are not UTF-8, or None."""
    # a byte that is not UTF-8 was decoded to U+DC80..U+DCFF (surrogateescape), which UTF-8
    # cannot encode: encoding (C, ~1 µs for 2 kB) clears almost every record faster than
    # the search (~8 µs), which runs only when the encoding fails
    if raw.isascii():
        return None
    try:
        raw.encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    m = _NOT_UTF8.search(raw)
    if m is None:
        return None
    byte = ord(m.group()) - 0xDC00
    return f"not UTF-8: byte 0x{byte:02x} cannot be decoded; the record is skipped"


def iter_json(stream: TextIO, source: str, docs_key: str | None = None,
              window: int | None = None) -> Iterator[JSONItem | Problem]:
    """Yield each record-level JSON value of the input, or a Problem where one is broken.

    ``docs_key`` names the wrapper to unwrap ("response.docs" for Solr). JSON lines stream:
    memory holds one record at a time. A top-level array, and the docs of a pretty-printed
    wrapper, are read through a window of ``window`` characters (an element longer than
    that widens it while it is read); :data:`WINDOW` when not given.
    """
    window = max(1, window or WINDOW)
    head = ""
    while True:  # lines up to the first text, a window at most (a compact array is one line)
        chunk = stream.readline(window)
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
        w = _Window(stream, head, window)
        yield from _iter_array(w, len(head) - len(stripped), source, 0)
        return
    if stripped[0] != "{":
        pos = len(head) - len(stripped)
        yield Problem(
            source=source,
            line=head.count("\n", 0, pos) + 1,
            reason=f"not JSON: expected an object or an array, found {stripped[:20].splitlines()[0]!r}",
        )
        return
    if docs_key and not _complete_first_line(head):
        # a pretty-printed wrapper (or one line longer than the head): its docs through a window
        yield from _iter_wrapped(stream, head, source, docs_key, window)
        return
    yield from _iter_values(_lines_from(head, stream), source, docs_key)


def _lines_from(text: str, stream: TextIO) -> Iterator[str]:
    """The lines of ``text`` and then of the stream, the line ``text`` ends in made whole."""
    if text and not text.endswith("\n"):
        text += stream.readline()
    return itertools.chain(io.StringIO(text), stream)


def _complete_first_line(head: str) -> bool:
    """Whether the head's first text line is whole in it and one complete JSON value (the
    input is JSON lines, as :func:`_iter_values` decides it)."""
    for line in io.StringIO(head):
        stripped = line.strip()
        if stripped:
            return line.endswith("\n") and stripped.endswith(("}", "]")) and _complete(stripped)
    return False


def _iter_values(lines: Iterable[str], source: str, docs_key: str | None, first_line: int = 1,
                 number: int = 0) -> Iterator[JSONItem | Problem]:
    """JSON lines, or pretty-printed JSON values one after another, in bounded memory; the
    lines start at line ``first_line`` of the input, after ``number`` records."""
    buf: list[str] = []
    start = 0
    json_lines: bool | None = None  # decided by the first record

    def broken(at: int, reason: str) -> Problem:
        nonlocal number
        number += 1
        return Problem(source=source, record=number, line=at, reason=reason)

    def decoded(text: str, at: int, one_line: bool = False) -> Iterator[JSONItem | Problem]:
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
            if one_line:  # the line is the record: named by it, whatever the error's position
                yield broken(at, _reason(exc, text, at, ends="the line"))
            else:
                yield broken(at + exc.lineno - 1, _reason(exc, text, at))
            return
        except RecursionError:
            yield broken(at, "JSON nested too deeply")
            return
        for value in values:
            for item in records_in(value, docs_key):
                number += 1
                yield JSONItem(item, number, at)

    for lineno, line in enumerate(lines, start=first_line):
        if not buf:
            stripped = line.strip()
            if not stripped:
                continue
            if json_lines is None:
                json_lines = stripped.startswith(("{", "[")) and stripped.endswith(("}", "]")) \
                    and _complete(stripped)
            if json_lines:
                yield from decoded(line, lineno, one_line=True)
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


def _complete(text: str) -> bool:
    try:
        _decode_all(text)
        return True
    except (json.JSONDecodeError, RecursionError):
        return False


def _decode_all(text: str) -> list[Any]:
    out = []
    pos = _skip_ws(text, 0)
    while pos < len(text):
        value, end = _decoder.raw_decode(text, pos)
        out.append(value)
        pos = _skip_ws(text, end)
    return out


def records_in(value: Any, docs_key: str | None) -> list[Any]:
    """The records one JSON value holds: the docs of a wrapper such as a Solr response, or itself."""
    if docs_key and isinstance(value, dict):
        docs = _unwrap(value, docs_key)
        if isinstance(docs, list):
            return docs
    return [value]


def _unwrap(value: dict, path: str) -> Any:
    cur: Any = value
    for key in path.split("."):
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return cur


class _Broken(Exception):
    """The wrapper around the docs does not parse where it is read (see _iter_wrapped)."""


class _Count:
    __slots__ = ("number", "streamed")

    def __init__(self) -> None:
        self.number, self.streamed = 0, False


def _iter_wrapped(stream: TextIO, head: str, source: str, docs_key: str,
                  window: int) -> Iterator[JSONItem | Problem]:
    """The first value of pretty-printed JSON values when ``docs_key`` may name a wrapper's
    docs (a Solr response): the value is parsed member by member through a window, and the
    array at ``docs_key`` element by element as :func:`_iter_array` reads a top-level array,
    so a response of any size is held a window at a time. The other members are decoded
    (they are small), and a value without the docs is one record, as before.

    Until the docs begin the window keeps all it has read: when the value breaks there (or
    is not an object of members) the input is read as :func:`_iter_values` reads it, from
    the start. Past the docs, a break ends the value at the next line opening at column 0
    with a bracket (as _iter_values would have ended it). The input after the value goes on
    to _iter_values: more values, one after another."""
    w = _Window(stream, head, window)
    w.hold = 0
    pos = w.skip_ws(0)
    start = w.line(pos)
    count = _Count()
    try:
        value, pos = yield from _members(w, pos, docs_key.split("."), source, count)
    except _Broken as broken:
        if not count.streamed:
            yield from _iter_values(_lines_from(w.buf, stream), source, docs_key)
            return
        pos = _value_end(w, broken.args[0])
    else:
        if not count.streamed:
            for item in records_in(value, docs_key):
                count.number += 1
                yield JSONItem(item, count.number, start)
    if pos is None:
        return
    w.hold = None
    line = w.line(pos)
    yield from _iter_values(_lines_from(w.buf[pos:], stream), source, docs_key, line, count.number)


def _members(w: _Window, pos: int, path: list[str], source: str,
             count: _Count) -> Generator[JSONItem | Problem, None, tuple[dict, int]]:
    """The object that opens at ``pos``: its members decoded, but the one named by the
    path's first key followed down (an object), or read element by element (an array, at
    the path's last key). Returns the object and where it ends; raises _Broken."""
    out: dict[str, Any] = {}
    pos = w.skip_ws(pos + 1)
    if pos < len(w.buf) and w.buf[pos] == "}":
        return out, pos + 1
    while True:
        if pos >= len(w.buf) or w.buf[pos] != '"':
            raise _Broken(pos)
        pos, key, end, exc = w.decode(pos)
        if exc is not None or (not count.streamed and not_utf8(w.buf[pos:end])):
            raise _Broken(pos)
        pos = w.skip_ws(end)
        if pos >= len(w.buf) or w.buf[pos] != ":":
            raise _Broken(pos)
        pos = w.skip_ws(pos + 1)
        if pos >= len(w.buf):
            raise _Broken(pos)
        ch = w.buf[pos]
        if key == path[0] and ch == "[" and len(path) == 1:
            count.streamed = True
            w.hold = None
            closed, end, count.number = yield from _iter_array(w, pos, source, count.number, ends_input=False)
            if not closed:
                raise _Broken(end)
            out[key] = []
        elif key == path[0] and ch == "{" and len(path) > 1:
            out[key], end = yield from _members(w, pos, path[1:], source, count)
        else:
            pos, out[key], end, exc = w.decode(pos)
            if exc is not None or (not count.streamed and not_utf8(w.buf[pos:end])):
                raise _Broken(pos)  # not UTF-8 before the docs: the value is one broken record, as before
        pos = w.skip_ws(end)
        if pos >= len(w.buf):
            raise _Broken(pos)
        ch = w.buf[pos]
        if ch == "}":
            return out, pos + 1
        if ch != ",":
            raise _Broken(pos)
        pos = w.skip_ws(pos + 1)


_VALUE_EDGE = re.compile(r"\n[\[\]{}]")


def _value_end(w: _Window, pos: int) -> int | None:
    """Where a value broken past its docs ends: after the next line that starts with a
    closing bracket, or at the next line that starts with an opening one; None at the end."""
    while True:
        m = _VALUE_EDGE.search(w.buf, pos)
        if m is not None:
            if m.group()[1] in "{[":
                return m.start() + 1
            nl = w.buf.find("\n", m.end())
            while nl < 0 and not w.eof:
                w.read()
                nl = w.buf.find("\n", m.end())
            return nl + 1 if nl >= 0 else len(w.buf)
        if w.eof:
            return None
        pos = max(pos, len(w.buf) - 1)
        pos -= w.trim(pos)
        w.read()


def _iter_wrapper(text: str, first_line: int, source: str, number: int) -> Iterator[JSONItem | Problem]:
    """A wrapper (a Solr response) that does not decode whole: read its docs array element
    by element, so one broken document costs only itself."""
    m = _DOCS_KEY.search(text)
    assert m is not None
    w = _Window(io.StringIO(), text)
    for item in _iter_array(w, m.end() - 1, source, number, ends_input=False):
        if isinstance(item, JSONItem):
            yield JSONItem(item.value, item.number, item.line + first_line - 1)
        else:
            yield Problem(source=item.source, record=item.record,
                          line=None if item.line is None else item.line + first_line - 1,
                          reason=item.reason, severity=item.severity)


# -- arrays, read through a window ---------------------------------------------------------------


class _Window:
    """A bounded part of a stream, as text: ``buf`` holds the input from some point on, and
    grows by reading at least ``size`` characters at a time. Positions are indices into
    ``buf``; :meth:`trim` drops what has been read and says by how much positions move.

    Line numbers are counted forward from the last position asked, across trims, so the
    input is counted once; ``line0`` and ``col0`` are the line of ``buf[0]`` and the
    characters of that line already dropped (for the columns of decoding errors). A line's
    leading whitespace is kept with it when a trim would cut it off (indentation decides
    where a broken element's successor opens). ``peak`` is the longest ``buf`` has been."""

    __slots__ = ("stream", "buf", "size", "eof", "line0", "col0", "lpos", "lline", "peak", "hold")

    def __init__(self, stream: TextIO, head: str, size: int = WINDOW) -> None:
        self.stream, self.buf, self.size = stream, head, max(1, size)
        self.eof = False
        self.line0, self.col0 = 1, 0
        self.lpos, self.lline = 0, 1
        self.peak = len(head)
        self.hold: int | None = None  # no trim beyond this position while it is set

    def line(self, pos: int) -> int:
        if pos >= self.lpos:
            self.lline += self.buf.count("\n", self.lpos, pos)
        else:  # rare: a position before the last one asked
            self.lline -= self.buf.count("\n", pos, self.lpos)
        self.lpos = pos
        return self.lline

    def read(self, n: int = 0) -> bool:
        """Read ``n`` more characters (at least ``size``); False at the end of the input."""
        if self.eof:
            return False
        data = self.stream.read(max(n, self.size))
        if not data:
            self.eof = True
            return False
        self.buf += data
        if len(self.buf) > self.peak:
            self.peak = len(self.buf)
        return True

    def trim(self, pos: int) -> int:
        """Drop the text before ``pos`` (but not the indentation of its line); the number
        of characters dropped, which every position held must be moved back by."""
        buf = self.buf
        if self.hold is not None:
            pos = min(pos, self.hold)
        nl = buf.rfind("\n", 0, pos)
        cut = pos
        if (nl >= 0 or self.col0 == 0) and not buf[nl + 1:pos].strip(_WS):
            cut = nl + 1  # keep the line's indentation (col0 > 0: text precedes on that line)
        if cut <= 0:
            return 0
        self.line0 = self.line(cut)
        nl = buf.rfind("\n", 0, cut)
        self.col0 = cut - nl - 1 if nl >= 0 else self.col0 + cut
        self.buf = buf[cut:]
        self.lpos -= cut
        return cut

    def more(self, pos: int) -> int:
        """Trim at ``pos`` and read as much again as is held from it (so a value longer than
        the window costs linear time); ``pos`` moved."""
        pos -= self.trim(pos)
        self.read(len(self.buf) - pos)
        return pos

    def ahead(self, pos: int) -> int:
        """``pos`` moved, with at least a window of text from it unless the input ends."""
        if not self.eof and len(self.buf) - pos < self.size:
            pos -= self.trim(pos)
            self.read()
        return pos

    def skip_ws(self, pos: int) -> int:
        while True:
            buf = self.buf
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            if pos < n or self.eof:
                return pos
            pos -= self.trim(pos)
            self.read()

    def decode(self, pos: int) -> tuple[int, Any, int, BaseException | None]:
        """(pos moved, value, end) of the JSON value at ``pos``, or (pos, None, 0, the
        error); reads on while the end of the buffer may be what cuts the value short."""
        while True:
            buf = self.buf
            try:
                value, end = _decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._cut(exc):
                    return pos, None, 0, exc
            except RecursionError as exc:
                return pos, None, 0, exc
            else:
                if self.eof or end <= len(buf) - _MARGIN:  # a number could go on past the end
                    return pos, value, end, None
            pos = self.more(pos)

    def _cut(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may be the end of the buffer: a string or the text after the
        error's position reaching it."""
        if exc.msg.startswith("Unterminated"):
            return True
        buf, i = self.buf, exc.pos
        while i < len(buf) and buf[i] in _WS:
            i += 1
        return i >= len(buf) - _MARGIN

    def reason(self, exc: json.JSONDecodeError) -> tuple[str, int | None]:
        """The reason for a decoding error of ``buf`` (as :func:`_reason` gives it for the
        whole input) and the line of the damage, or None when the input is cut off."""
        if exc.msg.startswith("Unterminated") or (self.eof and exc.pos >= _rstripped(self.buf)):
            return "truncated JSON: the input ends inside a record", None
        line = self.line0 + exc.lineno - 1
        col = exc.colno + (self.col0 if exc.lineno == 1 else 0)
        return f"invalid JSON: {exc.msg} (line {line}, column {col})", line

    def indent(self, pos: int) -> str | None:
        """The whitespace before ``pos`` on its line, or None when other text precedes it."""
        nl = self.buf.rfind("\n", 0, pos)
        if nl < 0 and self.col0:
            return None  # a trim dropped the start of the line, and it held text (see trim)
        prefix = self.buf[nl + 1:pos]
        return prefix if not prefix.strip() else None

    def resync(self, pos: int, indent: str | None) -> tuple[str, int]:
        """Where to go on after the broken element at ``pos``: ("end", after the bracket
        that closes it), unless the next line opening an element at ``indent`` comes first
        (("next", where it opens)); ("stop", where the scan stopped) when neither is there."""
        closes = self.buf[pos] in "{["
        state, i, end = ("open", pos, None) if closes else ("broken", pos, None)
        opened: list[str] = []
        pattern = re.compile(r"\n" + re.escape(indent) + r"(?=[{\[])") if indent is not None else None
        j = pos  # where the search for the next element goes on
        while True:
            if state == "open":
                state, i, end = _scan(self.buf, i, opened, self.eof)
            if pattern is not None:
                m = pattern.search(self.buf, j)
                if m is not None:
                    resume = m.end()
                    return ("end", end) if end is not None and end <= resume else ("next", resume)
                j = max(j, len(self.buf) - len(indent) - 1)  # type: ignore[arg-type]
            if end is not None:
                return "end", end
            if self.eof or (state == "broken" and pattern is None):
                return "stop", min(i, len(self.buf))
            held = min(i, j) if state == "open" else j
            if pattern is None:
                held = i
            cut = self.trim(held)
            i, j = i - cut, max(0, j - cut)
            self.read()


def _rstripped(text: str) -> int:
    """len(text.rstrip(_WS)), without copying the text."""
    n = len(text)
    while n and text[n - 1] in _WS:
        n -= 1
    return n


def _scan(text: str, i: int, opened: list[str], eof: bool) -> tuple[str, int, int | None]:
    """:func:`_element_end` from ``i`` with the brackets ``opened`` so far, over a buffer:
    ("closed", i, end), ("broken", i, None) when a bracket closes one of the other kind or
    the input ends, or ("open", i, None) where to go on when more text is read."""
    n = len(text)
    while True:
        m = _STRUCTURE.search(text, i)
        if m is None:
            return ("broken" if eof else "open"), n, None
        ch = m.group()
        k = m.end()
        if ch == '"':
            s = _STRING_REST.match(text, k)
            if s is not None:
                i = s.end()
                continue
            nl = text.find("\n", k)
            if nl >= 0:
                i = nl + 1  # a string cut at a line end counts as closed there
                continue
            if eof:
                return "broken", n, None
            return "open", m.start(), None  # the string may close in the text to come
        i = k
        if ch in "[{":
            opened.append("]" if ch == "[" else "}")
            continue
        if not opened or opened.pop() != ch:
            return "broken", i, None
        if not opened:
            return "closed", i, i


def _iter_array(w: _Window, pos: int, source: str, number: int,
                ends_input: bool = True) -> Generator[JSONItem | Problem, None, tuple[bool, int, int]]:
    """The elements of the array that opens at ``pos`` in the window; a broken element is
    reported and skipped (see the module docstring). Returns whether the array closed, where
    reading stopped (after its "]", or where it is cut off or broken past reading on) and
    the last record number."""
    pos = w.skip_ws(pos + 1)
    if pos < len(w.buf) and w.buf[pos] == "]":
        return True, pos + 1, number
    while True:
        number += 1
        pos = w.ahead(pos)
        line = w.line(pos)
        if pos >= len(w.buf):
            yield Problem(source=source, record=number, line=line, reason="truncated JSON: the input ends inside the list")
            return False, pos, number
        pos, value, end, exc = w.decode(pos)
        if exc is None:
            bad = not_utf8(w.buf[pos:end])
            if bad:
                yield Problem(source=source, record=number, line=line, reason=bad)
            else:
                yield JSONItem(value, number, line)
        else:
            if isinstance(exc, json.JSONDecodeError):  # the line where the damage is
                reason, at = w.reason(exc)
                yield Problem(source=source, record=number, line=line if at is None else at, reason=reason)
            else:
                yield Problem(source=source, record=number, line=line, reason="JSON nested too deeply")
            # go on after the bracket that closes it, unless the next element at this one's
            # indentation opens first (a bracket is missing, or it never closes)
            kind, end = w.resync(pos, w.indent(pos))
            if kind == "stop":
                return False, end, number
            if kind == "next":
                pos = end
                continue
        pos = w.skip_ws(end)
        buf = w.buf
        if pos >= len(buf):
            yield Problem(source=source, record=number + 1, line=w.line(pos), reason="truncated JSON: the input ends inside the list")
            return False, pos, number
        ch = buf[pos]
        if ch == "]":
            if ends_input:
                rest = w.skip_ws(pos + 1)
                if rest < len(w.buf):
                    yield Problem(source=source, line=w.line(rest), reason="unexpected data after the end of the list")
                return True, rest, number
            return True, pos + 1, number
        if ch in "{[":
            yield Problem(source=source, record=number + 1, line=w.line(pos), severity="warning",
                          reason="a ',' is missing before this record; read as if it were there")
            continue
        if ch != ",":
            yield Problem(source=source, record=number + 1, line=w.line(pos), reason=f"invalid JSON: expected ',' or ']' between records, found {ch!r}")
            return False, pos, number
        pos = w.skip_ws(pos + 1)


# -- cutting a file into ranges of records (exporter.ranges) -----------------------------------

_WS_BYTES = b" \t\r\n"
_NONBLANK_LINE = re.compile(rb"^[ \t]*[^ \t\r\n]", re.M)


class JSONSplitter(RecordSplitter):
    """Cuts JSON inputs for :mod:`exporter.ranges`, in the two layouts :func:`iter_json`
    reads element by element, as the file's start decides them:

    * a top-level array whose elements are objects each opening a line with the first
      element's indentation (``json.dump(..., indent=N)``, or one element per line); a run
      of elements is regular when, between brackets, it decodes as exactly that many values
      (so no element is broken, none is missing its comma, and nothing follows the array);
    * JSON lines: a run of lines is regular when each line is one object (not a wrapper
      such as a Solr response, which holds several records).

    Anything else (one value, pretty-printed values one after another, a compact array) is
    read whole. The ranges of an array are framed by brackets to read alone.
    """

    def __init__(self, docs_key: str | None = None) -> None:
        self.docs_key = docs_key
        self.mode: str | None = None
        self._element = b"{"  # how an element of an array starts its line

    def layout(self, head: bytes) -> bool:
        text = head.removeprefix(b"\xef\xbb\xbf")
        body = text.lstrip(_WS_BYTES)
        if body.startswith(b"["):
            after = body[1:]
            element = after.lstrip(_WS_BYTES)
            if not element.startswith(b"{"):
                return False
            gap = after[:len(after) - len(element)]
            if b"\n" not in gap:
                return False  # the first element shares the bracket's line
            indent = gap[gap.rfind(b"\n") + 1:]
            if indent.strip(b" \t"):
                return False
            self.mode = "array"
            self._element = indent + b"{"
            return True
        if body.startswith(b"{"):
            line = body.split(b"\n", 1)[0].strip()
            try:
                if not (line.endswith(b"}") and isinstance(json.loads(line), dict)):
                    return False
            except (ValueError, RecursionError):
                return False  # pretty-printed values one after another: read whole
            self.mode = "lines"
            return True
        return False

    def starts(self, text: bytes) -> list[int]:
        if self.mode == "array":
            from ..ranges import line_starts

            return line_starts(text, self._element)
        return [m.start() for m in _NONBLANK_LINE.finditer(text)]

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        if self.mode == "lines":
            if first:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
            lines = [line.strip() for line in chunk.split(b"\n") if line.strip()]
            if len(lines) != count or not all(line.startswith(b"{") and line.endswith(b"}") for line in lines):
                return False
            values = _loads(b"[" + b",".join(lines) + b"]")
            return values is not None and len(values) == count and all(
                isinstance(v, dict) and records_in(v, self.docs_key) == [v] for v in values)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.regular_text(text, chunk, count, first, last)

    def regular_text(self, text: str, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        if self.mode == "lines":
            return self.regular(chunk, count, first, last)
        bounds = _array_body(text, first, last)
        return bounds is not None and _count_values(text, *bounds) == count

    def frame(self, data: bytes, first: bool, last: bool) -> bytes:
        if self.mode != "array":
            return data
        # brackets on the lines of the first and last element: no line moves
        head = b"" if first else b"["
        if last:
            return head + data
        body = data.rstrip(_WS_BYTES)
        return head + body[:-1] + data[len(body):] + b"]"


def _array_body(text: str, first: bool, last: bool) -> tuple[int, int] | None:
    """Where the elements of a run of an array are in ``text``, without the array's
    brackets and the comma after the last one (start, end); None when they are not there.
    Positions, not a copy: a run is a megabyte."""
    start, end = 0, len(text)
    if first:
        if text.startswith("\ufeff"):
            start = 1
        while start < end and text[start] in _WS:
            start += 1
        if not text.startswith("[", start):
            return None
        start += 1
    while end > start and text[end - 1] in _WS:
        end -= 1
    if end == start or text[end - 1] != ("]" if last else ","):
        return None
    return start, end - 1


_SCAN_VALUE = json.JSONDecoder().scan_once
_SKIP_WS = re.compile(r"[ \t\n\r]*").match


def _count_values(body: str, start: int = 0, end: int | None = None) -> int | None:
    """How many JSON values ``body[start:end]`` holds, separated by commas (what
    ``json.loads`` of ``"[" + body[start:end] + "]"`` would hold), or None when it is not
    such a list. One value at a time, in place: no copy of the run between brackets (2.5
    against 4.2 ms a MB)."""
    if end is None:
        end = len(body)
    at = _SKIP_WS(body, start, end).end()
    if at == end:
        return 0
    count = 0
    try:
        while True:
            _, at = _SCAN_VALUE(body, at)
            if at > end:
                return None  # the value runs past the run
            count += 1
            at = _SKIP_WS(body, at, end).end()
            if at == end:
                return count
            if body[at] != ",":
                return None
            at = _SKIP_WS(body, at + 1, end).end()
    except (StopIteration, ValueError, RecursionError):
        return None


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None
