"""Reading JSON inputs record by record, with errors that name the record and the line.

Accepts one JSON value, a top-level array, a Solr response (``{"response": {"docs": [...]}}``)
or JSON lines (one value per line, or several values one after another). Array elements are
decoded one at a time, so a file truncated in its middle still yields every complete record
before the break and then one error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, TextIO

from ..problems import Problem

_WS = " \t\n\r"
_decoder = json.JSONDecoder()

#: Nesting deeper than this is refused: json's recursive decoder would otherwise crash.
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class JSONItem:
    value: Any
    number: int  # 1-based record number
    line: int  # line where the value starts


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _depth_ok(text: str, start: int, end: int) -> bool:
    depth = 0
    in_string = False
    escape = False
    for ch in text[start:end]:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _reason(exc: json.JSONDecodeError, text: str) -> str:
    if exc.pos >= len(text.rstrip()):
        return "truncated JSON: the input ends inside a record"
    return f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"


def iter_json(stream: TextIO, source: str, docs_key: str | None = None) -> Iterator[JSONItem | Problem]:
    """Yield each record-level JSON value of the input, or a Problem where one is broken.

    ``docs_key`` names the wrapper to unwrap ("response.docs" for Solr).
    """
    text = stream.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield Problem(source=source, reason="empty input: no records")
        return
    number = 0
    first = text[pos]
    if first == "[":
        yield from _iter_array(text, pos, source)
        return
    if first not in "{":
        yield Problem(
            source=source,
            line=_line_of(text, pos),
            reason=f"not JSON: expected an object or an array, found {text[pos:pos + 20].splitlines()[0]!r}",
        )
        return
    # one or more top-level values: a single document, a Solr response, or JSON lines
    while pos < len(text):
        number += 1
        line = _line_of(text, pos)
        try:
            value, end = _decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(source=source, record=number, line=line, reason=_reason(exc, text))
            # resynchronise on the next line that starts a value (JSON lines)
            nxt = text.find("\n{", pos + 1)
            if nxt < 0:
                return
            pos = _skip_ws(text, nxt)
            continue
        except RecursionError:
            yield Problem(source=source, record=number, line=line, reason="JSON nested too deeply")
            return
        if not _depth_ok(text, pos, end):
            yield Problem(source=source, record=number, line=line, reason=f"JSON nested deeper than {MAX_DEPTH} levels")
        elif docs_key and isinstance(value, dict) and _unwrap(value, docs_key) is not None:
            docs = _unwrap(value, docs_key)
            if not isinstance(docs, list):
                yield Problem(source=source, record=number, line=line, reason=f"'{docs_key}' is not a list")
            else:
                for doc in docs:
                    yield JSONItem(doc, number, line)
                    number += 1
                number -= 1
        else:
            yield JSONItem(value, number, line)
        pos = _skip_ws(text, end)


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
        if _depth_ok(text, pos, end):
            yield JSONItem(value, number, line)
        else:
            yield Problem(source=source, record=number, line=line, reason=f"JSON nested deeper than {MAX_DEPTH} levels")
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
