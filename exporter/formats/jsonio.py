"""Reading JSON inputs record by record, with errors that name the record and the line.

Accepts one JSON value, a top-level array, a Solr response (``{"response": {"docs": [...]}}``)
or JSON lines (one value per line, or several values one after another). JSON lines are read
line by line, so memory stays flat however long the file; a broken line is reported and the
next line read. Array elements are decoded one at a time, so a file truncated in its middle
still yields every complete record before the break and then one error.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, TextIO

from ..problems import Problem

_WS = " \t\n\r"
_decoder = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class JSONItem:
    value: Any
    number: int  # 1-based record number
    line: int  # line where the value starts


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _reason(exc: json.JSONDecodeError, text: str) -> str:
    if exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip()):
        return "truncated JSON: the input ends inside a record"
    return f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"


def iter_json(stream: TextIO, source: str, docs_key: str | None = None) -> Iterator[JSONItem | Problem]:
    """Yield each record-level JSON value of the input, or a Problem where one is broken.

    ``docs_key`` names the wrapper to unwrap ("response.docs" for Solr). JSON lines stream:
    memory holds one record at a time. A top-level array is read whole.
    """
    head = ""
    while True:
        chunk = stream.read(4096)
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
        yield from _iter_array(text, _skip_ws(text, 0), source)
        return
    if stripped[0] != "{":
        pos = len(head) - len(stripped)
        yield Problem(
            source=source,
            line=_line_of(head, pos),
            reason=f"not JSON: expected an object or an array, found {stripped[:20].splitlines()[0]!r}",
        )
        return
    yield from _iter_values(itertools.chain(io.StringIO(head), stream), source, docs_key)


def _iter_values(lines: Iterable[str], source: str, docs_key: str | None) -> Iterator[JSONItem | Problem]:
    """JSON lines, or JSON values one after another over several lines, in bounded memory."""
    number = 0
    buf: list[str] = []
    start = 0
    single_line = False
    for lineno, line in enumerate(lines, start=1):
        if not buf:
            if not line.strip():
                continue
            start = lineno
            stripped = line.strip()
            single_line = stripped.startswith("{") and stripped.endswith("}")
        buf.append(line)
        if not line.rstrip().endswith(("}", "]")):
            continue
        text = "".join(buf)
        try:
            values = _decode_all(text)
        except json.JSONDecodeError as exc:
            if single_line:  # a JSON-lines record that is broken: report it, go on
                number += 1
                yield Problem(source=source, record=number, line=start, reason=_reason(exc, text))
                buf = []
            continue  # an object spread over lines, not complete yet
        except RecursionError:
            number += 1
            yield Problem(source=source, record=number, line=start, reason="JSON nested too deeply")
            buf = []
            continue
        buf = []
        for value in values:
            for item in records_in(value, docs_key):
                number += 1
                yield JSONItem(item, number, start)
    if buf:
        text = "".join(buf)
        number += 1
        try:
            _decode_all(text)
            reason = "truncated JSON: the input ends inside a record"
        except json.JSONDecodeError as exc:
            reason = _reason(exc, text)
        except RecursionError:
            reason = "JSON nested too deeply"
        yield Problem(source=source, record=number, line=start, reason=reason)


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


def _iter_array(text: str, pos: int, source: str) -> Iterator[JSONItem | Problem]:
    pos = _skip_ws(text, pos + 1)
    number = 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        number += 1
        line = _line_of(text, pos)
        if pos >= len(text):
            yield Problem(source=source, record=number, line=line, reason="truncated JSON: the input ends inside the list")
            return
        try:
            value, end = _decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(source=source, record=number, line=line, reason=_reason(exc, text))
            return
        except RecursionError:
            yield Problem(source=source, record=number, line=line, reason="JSON nested too deeply")
            return
        yield JSONItem(value, number, line)
        pos = _skip_ws(text, end)
        if pos >= len(text):
            yield Problem(source=source, record=number + 1, line=_line_of(text, pos), reason="truncated JSON: the input ends inside the list")
            return
        if text[pos] == "]":
            rest = _skip_ws(text, pos + 1)
            if rest < len(text):
                yield Problem(source=source, line=_line_of(text, rest), reason="unexpected data after the end of the list")
            return
        if text[pos] != ",":
            yield Problem(source=source, record=number + 1, line=_line_of(text, pos), reason=f"invalid JSON: expected ',' or ']' between records, found {text[pos]!r}")
            return
        pos = _skip_ws(text, pos + 1)
