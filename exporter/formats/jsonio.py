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

Every step is linear in the input: line numbers are counted incrementally, and each
character is decoded or scanned a bounded number of times.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, TextIO

from ..plugins import RecordSplitter
from ..problems import Problem

_WS = " \t\n\r"
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


def not_utf8(raw: str) -> str | None:
    """The reason a record's raw text is rejected for bytes that are not UTF-8, or None."""
    m = _NOT_UTF8.search(raw)
    if m is None:
        return None
    byte = ord(m.group()) - 0xDC00
    return f"not UTF-8: byte 0x{byte:02x} cannot be decoded; the record is skipped"


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
        body = _array_body(chunk, first, last)
        if body is None:
            return False
        values = _loads(b"[" + body + b"]")
        return values is not None and len(values) == count

    def frame(self, data: bytes, first: bool, last: bool) -> bytes:
        if self.mode != "array":
            return data
        # brackets on the lines of the first and last element: no line moves
        head = b"" if first else b"["
        if last:
            return head + data
        body = data.rstrip(_WS_BYTES)
        return head + body[:-1] + data[len(body):] + b"]"


def _array_body(chunk: bytes, first: bool, last: bool) -> bytes | None:
    """The elements of a run of an array, without the array's brackets and the comma
    after the last one; None when they are not there."""
    body = chunk
    if first:
        body = body.removeprefix(b"\xef\xbb\xbf").lstrip(_WS_BYTES)
        if not body.startswith(b"["):
            return None
        body = body[1:]
    body = body.rstrip(_WS_BYTES)
    closing = b"]" if last else b","
    if not body.endswith(closing):
        return None
    return body[:-1]


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None
