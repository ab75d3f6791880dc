"""XML in and out for the library formats (MARCXML, MODS, OAI-DC).

Out: text and attribute values escaped for XML 1.0 (https://www.w3.org/TR/xml/#charsets):
characters XML 1.0 forbids (C0 controls other than tab, LF and CR; lone surrogates;
U+FFFE/U+FFFF) are replaced by U+FFFD and counted, so the writer can report them; they are
never written. CR is written as ``&#13;`` (and tab and LF in attributes as character
references) because a parser normalises the literal characters away (XML 1.0 sections 2.11
and 3.3.3): the value read back is the value written.

In: :func:`iter_elements` streams an XML document with the standard library's expat parser
(its C ElementTree), yielding each finished element whose local name is asked for,
namespaced or not, and freeing it after use. A document that declares entities is refused
before the declaration reaches the parser (every chunk is searched for ``<!ENTITY`` first),
so nothing is expanded; expat fetches no external DTD or entity, and the network is never
used. (This is what defusedxml's parser guarded; its handlers are Python's, and parsing
10,000 MARCXML records took 0.86 s with it, 0.59 s without. As a second line of defence,
expat 2.5 refuses a billion-laughs document itself.)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TextIO
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from ..plugins import RecordSplitter

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
    past the damage, reading the document again chunk by chunk (memory: one record)."""
    source = BytesView(stream)
    number = 0
    root: Element | None = None
    parser = XMLPullParser(events=("start", "end"))
    tail = b""
    try:
        while True:
            chunk = source.read(1 << 16)
            if not chunk:
                parser.close()
                break
            if _ENTITY_DECLARATION in tail + chunk:  # tail: a declaration cut by the chunk's start
                raise XMLInputError("refused: the document declares entities (<!ENTITY); none is expanded")
            tail = chunk[-len(_ENTITY_DECLARATION):]
            parser.feed(chunk)
            for event, elem in parser.read_events():
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
        for event, elem in parser.read_events():  # what closing the parser finished
            if event == "end" and local_name(elem.tag) in names:
                number += 1
                yield elem, number
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = f"not well-formed XML at line {line}, column {column}: {exc}"
        chunks = _reread(stream)
        if chunks is None:
            raise XMLInputError(reason) from None
        yield from _recover(chunks, names, number, line, reason)


_ENTITY_DECLARATION = b"<!ENTITY"


def _reread(stream: TextIO) -> Iterator[bytes] | None:
    """The bytes of a stream that can be read again from the start, in chunks; or None."""
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None or not buffer.seekable():
            return None
        buffer.seek(0)
    except (OSError, ValueError, AttributeError):
        return None
    return iter(lambda: buffer.read(_CHUNK), b"")


_CHUNK = 1 << 20


def _recover(chunks: Iterable[bytes], names: frozenset[str], given: int, error_line: int | None,
             reason: str) -> Iterator[tuple[Any, int]]:
    """The records after the ``given`` ones already read, where the document stops being
    well-formed: it is cut where each record's start tag is, and each piece is parsed alone
    (lxml, no entities, no network) inside the document's root start tag, for its
    namespaces. A piece that does not parse is a damaged record, reported at its start line.
    The document is read again chunk by chunk: memory holds one record and one chunk.

    The records given before are the first ``given`` pieces that parse, in document order:
    before the damage, and, where a record was left open, the records after it that closed
    (a streaming parser reads them as children of the open one)."""
    from lxml import etree

    alternatives = b"|".join(re.escape(n.encode()) for n in sorted(names))
    start_tag = re.compile(rb"<((?:[\w.-]+:)?(?:" + alternatives + rb"))(?=[\s>/])")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    wrap_open = wrap_close = b""
    pending = b""  # from the start tag of the record being gathered (or the document start)
    line = 1  # the line pending starts on
    started = False  # pending begins with a record's start tag
    to_skip, number, reported = given, given, False

    def piece_result(piece: bytes, tag: bytes) -> Any:
        close = b"</" + tag + b">"
        cut = piece.rfind(close)
        if cut < 0:
            return None
        try:
            parsed = etree.fromstring(wrap_open + piece[:cut + len(close)] + wrap_close, parser=parser)
        except etree.XMLSyntaxError:
            return None
        return next((el for el in parsed.iter() if isinstance(el.tag, str) and local_name(el.tag) in names), None)

    chunks = iter(chunks)
    done = False
    while not done:
        chunk = next(chunks, None)
        done = chunk is None
        if chunk:
            pending += chunk.replace(b"\x00", "\ufffd".encode())  # a NUL: U+FFFD in its piece
        if not started and not wrap_open:
            first = start_tag.search(pending)
            root = re.search(rb"<(?![?!])([^\s>/]+)[^>]*>", pending)
            if root is not None and (first is None or root.start() < first.start()):
                wrap_open, wrap_close = root.group(0), b"</" + root.group(1) + b">"
        # every piece that ends before the last start tag found is whole; near the end of
        # what is read so far, a start tag may still be cut by the chunk boundary
        limit = len(pending) if done else max(0, len(pending) - 512)
        starts = [m for m in start_tag.finditer(pending, 1 if started else 0) if m.start() < limit]
        if not started:
            if not starts:
                if done:
                    break
                keep = max(0, len(pending) - 512)  # text before the first record
                line += pending.count(b"\n", 0, keep)
                pending = pending[keep:]
                continue
            line += pending.count(b"\n", 0, starts[0].start())
            pending = pending[starts[0].start():]
            started = True
            starts = [m for m in start_tag.finditer(pending, 1) if m.start() < (len(pending) if done else max(0, len(pending) - 512))]
        ends = [m.start() for m in starts] + ([len(pending)] if done else [])
        at = 0
        for end in ends:
            piece = pending[at:end]
            tag = start_tag.match(piece)
            element = piece_result(piece, tag.group(1)) if tag else None
            if element is not None and to_skip > 0:
                to_skip -= 1  # read before the damage was found
            else:
                number += 1
                if element is None:
                    reported = True
                    yield Damaged(line, reason), number
                else:
                    yield element, number
            line += piece.count(b"\n")
            at = end
        pending = pending[at:]
    if not reported:  # the damage is outside every record (text before the root, say)
        yield Damaged(error_line, reason), number + 1


def read_xml_records(stream: TextIO, source: str, names: frozenset[str],
                     to_record: Callable[[Any], Any], label: str) -> Iterator[Any]:
    """The Records (or Problems) of an XML document of records: each record element through
    ``to_record``; a damaged record, a record ``to_record`` rejects (ValueError, TypeError)
    and a document that cannot be read each give one Problem naming the record."""
    from ..problems import Problem

    number = 0
    try:
        for elem, number in iter_elements(stream, names):
            if isinstance(elem, Damaged):
                yield Problem(source=source, record=number, line=elem.line, reason=elem.reason)
                continue
            try:
                yield to_record(elem)
            except (ValueError, TypeError) as exc:
                yield Problem(source=source, record=number, reason=f"{label} record: {exc}")
    except XMLInputError as exc:
        yield Problem(source=source, record=number + 1, reason=str(exc))
        return
    if number == 0:
        yield Problem(source=source, reason=f"no {label} <{'>, <'.join(sorted(names))}> elements")


# -- cutting a document into ranges of records (exporter.ranges) --------------------------------

_DECLARATION = re.compile(rb'\A<\?xml\s[^<>]*\?>')
# a document type declaration without an internal subset (PubMed's names its DTD): it
# declares nothing, and expat fetches nothing
_DOCTYPE = re.compile(rb'\s*<!DOCTYPE\s[^<>\[\]]*>')
# a processing instruction with no "<" inside (PubMed writes <?nihms?>): it hides no tag
_PI = re.compile(rb"<\?(?![Xx][Mm][Ll][\s?])[A-Za-z_][\w.:-]*(?:\s[^<>?]*)?\?>")
_ENCODING = re.compile(rb'encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')
_START_TAG = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)(?:\s[^<>]*)?>")
_REFERENCE = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _prologue_end(text: bytes) -> int | None:
    """Where the XML declaration and a document type declaration without an internal
    subset end (0 without either); None when the declaration names an encoding other than
    UTF-8."""
    at = 0
    decl = _DECLARATION.match(text)
    if decl is not None:
        enc = _ENCODING.search(decl.group())
        if enc is not None and enc.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
        at = decl.end()
    doctype = _DOCTYPE.match(text, at)
    return doctype.end() if doctype is not None else at


def _qualified(prefix: bytes | None, name: bytes) -> bytes:
    return prefix + b":" + name if prefix else name


class XMLSplitter(RecordSplitter):
    """Cuts an XML document of records for exporter.ranges: a root element (``root``, its
    local name) whose children are the records (``record``; a run that is well-formed
    inside the root's tags has them nowhere else), each opening a line with the first
    one's indentation, as our writers and most exports lay them out. A range reads
    alone inside the root's start tag (for its namespaces) and end tag, put on its first
    and last lines so that no line moves.

    A run of records is regular when it is UTF-8 without markup declarations, comments,
    CDATA sections, processing instructions holding "<", or references to entities (so
    that every other "<" opens a tag), holds no record start tag but the ones that open its
    lines (none inside another: an OAI-PMH response, whose ``record`` holds a MARC
    ``record``, is read whole), and is well-formed inside the root's tags. The document
    must declare no encoding but UTF-8. ``needs``: local names of which each
    record must hold an element to count (a MARCXML reader skips a ``record`` without a
    leader or fields, and a range of only such would read as "no records")."""

    def __init__(self, root: str, record: str | tuple[str, ...], needs: Iterable[str] = ()) -> None:
        self.root = root
        self.records = (record,) if isinstance(record, str) else record
        self._names = b"(?:" + b"|".join(re.escape(n.encode()) for n in self.records) + b")"
        names = b"|".join(re.escape(n.encode()) for n in needs)
        self.needs = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:" + names + rb")[\s>/]") if names else None
        self._any_record = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?" + self._names + rb"[\s>/]")
        self._root_tag = b""  # the root's start tag, on one line
        self._root_end = b""
        self._starts: re.Pattern[bytes] | None = None  # a record start after a line end
        self._first: re.Pattern[bytes] | None = None  # the same at the text's start

    def layout(self, head: bytes) -> bool:
        text = head.removeprefix(b"\xef\xbb\xbf")
        at = _prologue_end(text)
        if at is None:
            return False
        root = _START_TAG.search(text, at)
        if root is None or text[at:root.start()].strip() or root.group(2) != self.root.encode():
            return False  # anything before the root (a comment, a doctype) is read whole
        record = _START_TAG.search(text, root.end())
        if record is None or record.group(2).decode() not in self.records or text[root.end():record.start()].strip():
            return False
        line_start = text.rfind(b"\n", 0, record.start()) + 1
        indent = text[line_start:record.start()]
        if line_start <= root.start() or indent.strip(b" \t"):
            return False  # the first record shares the root's line
        start = re.escape(indent + b"<" + _qualified(record.group(1), b"")) + self._names + rb"[\s>]"
        # after a line end, not "^" with re.M: a literal to search for is several times faster
        self._starts, self._first = re.compile(rb"\n" + start), re.compile(start)
        self._root_tag = re.sub(rb"[\r\n\t]", b" ", root.group())
        self._root_end = b"</" + _qualified(root.group(1), self.root.encode()) + b">"
        return True

    def starts(self, text: bytes) -> list[int]:
        assert self._starts is not None and self._first is not None
        found = [0] if self._first.match(text) else []
        found += [m.start() + 1 for m in self._starts.finditer(text)]
        return found

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        body = chunk[_prologue_end(chunk) or 0:] if first else chunk
        if b"<!" in body or _REFERENCE.search(body) or (b"<?" in body and body.count(b"<?") != len(_PI.findall(body))):
            return False
        # with no comments, CDATA or processing instructions holding "<", each other "<"
        # opens a tag: the record start tags anywhere are the ones at line starts (no record
        # holds another, none hides elsewhere), and the run, inside the root, is well-formed
        # (expat, C only)
        if len(self._any_record.findall(body)) != count or not _well_formed(self.frame(chunk, first, last)):
            return False
        if self.needs is not None:  # each record has a child the reader counts it by
            starts = self.starts(chunk)
            return all(self.needs.search(chunk, a, b) for a, b in zip(starts, [*starts[1:], len(chunk)]))
        return True

    def frame(self, data: bytes, first: bool, last: bool) -> bytes:
        # the root's tags on the first line and after the last: no line moves
        return (b"" if first else self._root_tag) + data + (b"" if last else self._root_end)


def _well_formed(document: bytes) -> bool:
    import xml.parsers.expat

    try:
        xml.parsers.expat.ParserCreate().Parse(document, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True
