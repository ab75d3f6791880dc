"""The library API: read, write, convert.

    >>> from exporter import read, write
    >>> records = list(read("examples/seed-solr.json"))
    >>> print(write(records, "ris"))          # doctest: +SKIP

Sources and destinations are paths, ``"-"`` (standard input/output) or open file objects
(text or binary). Records stream from reader to writer; nothing holds a whole file of records
unless the writer needs it (see each writer's docstring).
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import io
import os
import sys
from contextlib import contextmanager
from typing import IO, Any, Iterable, Iterator, TextIO

from .model import Record
from .problems import ExporterError, Problem, ProblemHandler, raise_problem
from .registry import detect_format, reader_class, reader_names, writer_class

Source = str | os.PathLike[str] | IO[str] | IO[bytes]

_SNIFF_BYTES = 8192
_UNDECODABLE = [0]  # bytes that were not UTF-8, decoded so far (any stream)


def _keep_undecodable(exc: UnicodeError) -> tuple[str, int]:
    """A byte that is not UTF-8 becomes a lone surrogate (as "surrogateescape"), so that it
    costs the record it is in, not the file: readers and :func:`read` reject that record."""
    _UNDECODABLE[0] += 1
    return codecs.lookup_error("surrogateescape")(exc)


codecs.register_error("exporter-undecodable", _keep_undecodable)
_ERRORS = "exporter-undecodable"


def _source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return "<stdin>" if str(source) == "-" else os.fspath(source)
    return getattr(source, "name", None) or "<stream>"


@contextmanager
def open_text(source: Source, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text stream for a path, ``-`` or a file object; BOM-tolerant, gzip-aware."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path == "-":
            yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors=_ERRORS, newline="")
            return
        try:
            if path.endswith(".gz"):
                stream: TextIO = gzip.open(path, "rt", encoding="utf-8-sig", errors=_ERRORS, newline="")
            else:
                stream = open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                              errors=_ERRORS, newline="")
        except OSError as exc:
            raise ExporterError(f"{path}: cannot open: {exc.strerror or exc}") from exc
        with stream:
            yield stream
        return
    if isinstance(source, io.TextIOBase) or hasattr(source, "encoding"):
        yield source  # type: ignore[misc]
        return
    yield io.TextIOWrapper(source, encoding="utf-8-sig", errors=_ERRORS, newline="")  # type: ignore[arg-type]


class _Peekable(io.TextIOBase):
    """A text stream whose first chunk has been read for sniffing, then replayed."""

    def __init__(self, head: str, rest: TextIO) -> None:
        self._buf = io.StringIO(head)
        self._rest = rest
        self.name = getattr(rest, "name", "<stream>")

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            return self._buf.read() + self._rest.read()
        got = self._buf.read(size)
        return got if len(got) == size else got + self._rest.read(size - len(got))

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = self._buf.readline()
        if line.endswith("\n") or self._buf.tell() < len(self._buf.getvalue()):
            return line
        return line + self._rest.readline()

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def read(
    source: Source,
    format: str | None = None,
    *,
    on_problem: ProblemHandler | None = None,
    encoding: str = "utf-8",
) -> Iterator[Record]:
    """Read records from ``source``; the format is detected when not given.

    A record that cannot be read is passed to ``on_problem`` as a :class:`Problem` and
    reading goes on; without a handler, the first bad record raises :class:`RecordError`.
    """
    handler = on_problem or raise_problem
    name = _source_name(source)
    with open_text(source, encoding) as stream:
        try:
            head = stream.read(_SNIFF_BYTES)
            binary = _binary_start(head)
            if binary is not None and not _reads_bytes(format, head):
                handler(Problem(source=name, reason=binary))
                return
            if format is None:
                format = detect_format(name if isinstance(source, (str, os.PathLike)) else None, head)
            stream = _Peekable(head, stream)
            reader = reader_class(format)()
            undecodable = _UNDECODABLE[0]
            number = 0
            for item in reader.read(stream, name):
                if isinstance(item, Problem):
                    number = item.record or number
                    handler(item)
                    continue
                number += 1
                if _UNDECODABLE[0] != undecodable:  # the input has bytes that are not UTF-8
                    byte = _undecodable_byte(item)
                    if byte is not None:
                        handler(Problem(source=name, record=number, raw=item.key, reason=(
                            f"not UTF-8: byte 0x{byte:02x} cannot be decoded; the record is skipped")))
                        continue
                yield item
        except UnicodeDecodeError as exc:
            handler(Problem(source=name, reason=f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); is it binary or in another encoding?"))


def _reads_bytes(format: str | None, head: str) -> bool:
    """True when the input's reader takes bytes, not text (ISO 2709 MARC: its MARC-8 records
    are not UTF-8 and are decoded by the reader); such a reader says ``reads_bytes = True``."""
    try:
        names = [format] if format else reader_names()
        return any(getattr(reader_class(n), "reads_bytes", False) and (format or reader_class(n).sniff(head))
                   for n in names)
    except ExporterError:
        return False


def _binary_start(head: str) -> str | None:
    """Why the input is not text at all (undecodable bytes or NULs at its start, or in more
    than 1 of 100 characters), or None; a few bad bytes further in cost only their records."""
    bad = [i for i, ch in enumerate(head) if "\udc80" <= ch <= "\udcff" or ch == "\x00"]
    if not bad or (bad[0] >= 64 and len(bad) * 100 < len(head)):
        return None
    ch = head[bad[0]]
    byte = 0 if ch == "\x00" else ord(ch) - 0xDC00
    return (f"not UTF-8 text (byte 0x{byte:02x} at offset {len(head[:bad[0]].encode('utf-8', 'surrogateescape'))}); "
            "is it binary or in another encoding?")


def _undecodable_byte(value: Any) -> int | None:
    """The first byte kept as a lone surrogate anywhere in a record, or None."""
    if isinstance(value, str):
        for ch in value:
            if "\udc80" <= ch <= "\udcff":
                return ord(ch) - 0xDC00
        return None
    if isinstance(value, tuple):
        values: Iterable[Any] = value
    elif dataclasses.is_dataclass(value):
        values = (getattr(value, f.name) for f in dataclasses.fields(value))
    else:
        return None
    for v in values:
        found = _undecodable_byte(v)
        if found is not None:
            return found
    return None


def write(
    records: Iterable[Record],
    format: str,
    destination: str | os.PathLike[str] | IO[str] | None = None,
    *,
    on_problem: ProblemHandler | None = None,
    **options: Any,
) -> str | None:
    """Write records in ``format``; returns the text when no destination is given.

    ``options`` are the writer's options (``style``, ``locale``, ``markup`` for citations,
    ``base_iri`` for linked data); an option the writer does not have is an error.
    """
    return write_with(make_writer(format, **options), records, destination, on_problem)


def write_with(
    writer: Any,
    records: Iterable[Record],
    destination: str | os.PathLike[str] | IO[str] | None = None,
    on_problem: ProblemHandler | None = None,
) -> str | None:
    """Like :func:`write`, with a writer already made (and its options already checked)."""
    handler = on_problem or raise_problem
    if on_problem is not None and getattr(writer, "carries", None) is not None:
        records = _watch_losses(records, writer, on_problem)
    if destination is None:
        buf = io.StringIO()
        writer.write(records, buf, handler)
        return buf.getvalue()
    if isinstance(destination, (str, os.PathLike)):
        path = os.fspath(destination)
        if path == "-":
            # lone surrogates (from JSON "\ud800" escapes) cannot be UTF-8: "?" rather than a crash
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace", newline="")
            writer.write(records, out, handler)
            out.flush()
            out.detach()
            return None
        try:
            with open(path, "w", encoding="utf-8", errors="replace", newline="") as out_file:
                writer.write(records, out_file, handler)
        except OSError as exc:
            raise ExporterError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        return None
    writer.write(records, destination, handler)  # type: ignore[arg-type]
    return None


def _watch_losses(records: Iterable[Record], writer: Any, handler: ProblemHandler) -> Iterator[Record]:
    """Pass records through, reporting for each what ``writer`` cannot hold."""
    for number, record in enumerate(records, start=1):
        missing = writer.lost(record)
        if missing:
            ident = record.key or (record.provenance.source_id if record.provenance else None)
            handler(Problem(source=writer.name, record=number, severity="loss",
                            reason=", ".join(missing), raw=ident))
        yield record


def make_writer(format: str, **options: Any) -> Any:
    cls = writer_class(format)
    allowed = cls.option_names()
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        have = ", ".join(allowed) or "none"
        raise ExporterError(f"option {', '.join(unknown)} does not apply to {format} (its options: {have})")
    try:
        return cls(**options)
    except (TypeError, ValueError) as exc:
        raise ExporterError(f"{format}: {exc}") from exc


def convert(
    source: Source,
    to: str,
    destination: str | os.PathLike[str] | IO[str] | None = None,
    *,
    from_format: str | None = None,
    on_problem: ProblemHandler | None = None,
    **options: Any,
) -> str | None:
    """Read ``source`` and write it as ``to``: ``convert("seed.json", "bibtex")``."""
    writer = make_writer(to, **options)  # bad options fail before anything is read
    return write_with(writer, read(source, from_format, on_problem=on_problem), destination, on_problem)
