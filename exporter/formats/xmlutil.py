"""XML in and out for the library formats (MARCXML, MODS, OAI-DC).

Out: text and attribute values escaped for XML 1.0 (https://www.w3.org/TR/xml/#charsets):
characters XML 1.0 forbids (C0 controls other than tab, LF and CR; lone surrogates;
U+FFFE/U+FFFF) are replaced by U+FFFD and counted, so the writer can report them; they are
never written. CR is written as ``&#13;`` (and tab and LF in attributes as character
references) because a parser normalises the literal characters away (XML 1.0 sections 2.11
and 3.3.3): the value read back is the value written.

In: :func:`iter_elements` streams an XML document with defusedxml's parser (no entity
expansion, no DTD retrieval, no network: https://github.com/tiran/defusedxml), yielding each
finished element whose local name is asked for, namespaced or not, and freeing it after use.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections.abc import Iterator
from typing import IO, Any, TextIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import iterparse

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


class Escaper:
    """Escapes values for XML 1.0 and counts the forbidden characters it replaced."""

    __slots__ = ("replaced",)

    def __init__(self) -> None:
        self.replaced = 0

    def clean(self, value: str) -> str:
        """The value with forbidden characters replaced by U+FFFD (counted)."""
        if _FORBIDDEN.search(value):
            value, count = _FORBIDDEN.subn("\ufffd", value)
            self.replaced += count
        return value

    def text(self, value: str) -> str:
        return self.clean(value).translate(_TEXT_ESCAPES)

    def attr(self, value: str) -> str:
        return self.clean(value).translate(_ATTR_ESCAPES)


def forbidden_count(value: str) -> int:
    return len(_FORBIDDEN.findall(value))


class BytesView:
    """A binary view of a text stream read with ``surrogateescape``-style decoding: the
    bytes of the input come back unchanged (undecodable bytes included)."""

    def __init__(self, stream: TextIO | IO[Any]) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size if size and size > 0 else -1)
        if isinstance(chunk, bytes):
            return chunk
        return chunk.encode("utf-8", "surrogateescape")


@functools.lru_cache(maxsize=1024)
def local_name(tag: str) -> str:
    """``{namespace}name`` -> ``name`` (cached: documents use few tags, many times)."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


class XMLInputError(ValueError):
    """Input that is not well-formed XML, or that declares entities; the message says where."""


@dataclass(frozen=True)
class Damaged:
    """In place of a record element: the record where the document stops being well-formed
    (cut off, a tag broken); the reader reports it, and the records after it still come."""

    line: int | None
    reason: str


def iter_elements(stream: TextIO, names: frozenset[str]) -> Iterator[tuple[Any, int]]:
    """Each finished element whose local name is in ``names`` (in any namespace, or none),
    with its 1-based ordinal; its memory is freed once the caller is done with it, so memory
    stays flat. Raises XMLInputError for a document that declares entities, or that is not
    well-formed when its bytes cannot be read again.

    Where a document stops being well-formed and its bytes can be read again (a file, or a
    seekable stream), the record the damage is in comes as :class:`Damaged`, and the records
    after it come from lxml's recovering parser (no entities, no network), which reads on
    past the damage; that recovery holds the whole document in memory."""
    source = BytesView(stream)
    number = 0
    root: Element | None = None
    try:
        for event, elem in iterparse(source, events=("start", "end"), forbid_dtd=False,
                                     forbid_entities=True, forbid_external=True):
            if event == "start":
                if root is None:
                    root = elem
                continue
            if local_name(elem.tag) not in names:
                continue
            number += 1
            yield elem, number
            elem.clear()
            if root is not elem and root is not None:
                root.clear()  # the finished records are dropped: memory stays flat
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = f"not well-formed XML at line {line}, column {column}: {exc}"
        data = _reread(stream)
        if data is None:
            raise XMLInputError(reason) from None
        yield from _recover(data, names, number, line, reason)
    except DefusedXmlException as exc:
        raise XMLInputError(f"refused: the document declares entities or a DTD to fetch ({exc})") from None


def _reread(stream: TextIO) -> bytes | None:
    """All the bytes of a stream whose bytes can be read again from the start, or None."""
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None or not buffer.seekable():
            return None
        buffer.seek(0)
        return buffer.read()
    except (OSError, ValueError, AttributeError):
        return None


def _recover(data: bytes, names: frozenset[str], given: int, error_line: int | None,
             reason: str) -> Iterator[tuple[Any, int]]:
    """The records after the first ``given`` ones, from lxml's recovering parse.

    Records come in the order their elements end, as in the first pass, so the first
    ``given`` are those already given. A record left open, which the parser closed around
    the records after it, is the damaged one (its start line is where the damage is); when
    none is, it is the record holding ``error_line``."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    ended = [] if root is None else [
        el for _, el in etree.iterwalk(root, events=("end",))
        if isinstance(el.tag, str) and local_name(el.tag) in names]
    def holds_records(el: Any) -> bool:
        return any(isinstance(d.tag, str) and local_name(d.tag) in names for d in el.iterdescendants())

    rest = ended[given:]
    open_ones = [i for i, el in enumerate(rest) if holds_records(el)]
    if open_ones:
        damaged = set(open_ones)
    else:
        damaged = {max((i for i, el in enumerate(rest)
                        if error_line is not None and (el.sourceline or 0) <= error_line), default=0)}
    number = given
    if not rest:
        yield Damaged(error_line, reason), number + 1
        return
    for i, el in enumerate(rest):
        number += 1
        yield (Damaged(el.sourceline if open_ones else error_line, reason) if i in damaged else el), number