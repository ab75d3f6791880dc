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
import re
import sys
import threading
from contextlib import contextmanager
from typing import IO, Any, Iterable, Iterator, TextIO

from .model import Record
from .normalize.identifiers import identifier_problem
from .problems import ExporterError, OutputError, Problem, ProblemHandler, raise_problem
from .registry import detect_format, reader_class, reader_names, writer_class

Source = str | os.PathLike[str] | IO[str] | IO[bytes]

_SNIFF_BYTES = 8192
_DATE_ATTRS = tuple(f.name for f in dataclasses.fields(Record) if f.type == "DateValue | None")
_UNDECODABLE = [0]  # bytes that were not UTF-8, decoded so far (any stream)


_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Whether the reader now decoding reads a format that may be in a legacy encoding (set
#: around each step of a reader in :func:`read`; JSON is UTF-8 by definition, RFC 8259 8.1)
_DECODING = threading.local()
_DECODING.legacy = True
_CUT_AT_END = re.compile("[\udc80-\udcff]{1,3}$")
_ODD = re.compile("[\udc80-\udcff\x00-\x08\x0e-\x1f]")  # undecodable, or controls text has not


def _keep_undecodable(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8, in a text that is UTF-8 (non-ASCII bytes decoded before the
    bad one), become lone surrogates (as "surrogateescape"): damage that costs the record it
    is in, not the file; readers and :func:`read` reject that record. With no UTF-8 before
    the bad byte the text is in another encoding (a Latin-1 export): the error is raised, and
    the readers that know such files decode them again with a fallback and a warning
    (exporter.normalize.text)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    if getattr(_DECODING, "legacy", True) and _NON_ASCII.search(exc.object, 0, exc.start) is None:
        raise exc
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

    @property
    def buffer(self) -> Any:
        """The bytes under the stream, for readers that decode it again from the start in
        a fallback encoding (exporter.normalize.text); AttributeError when there are none."""
        return self._rest.buffer  # type: ignore[attr-defined]

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            return self._buf.read() + self._rest.read()
        got = self._buf.read(size)
        return got if len(got) == size else got + self._rest.read(size - len(got))

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        limit = size is not None and size >= 0
        line = self._buf.readline(size) if limit else self._buf.readline()
        if line.endswith("\n") or self._buf.tell() < len(self._buf.getvalue()) or (limit and len(line) >= size):
            return line
        return line + (self._rest.readline(size - len(line)) if limit else self._rest.readline())

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
    path = os.fspath(source) if isinstance(source, (str, os.PathLike)) and str(source) != "-" else None
    # a file is looked at through its bytes, so that its text stream is still unread for the
    # reader (which may decode a file in another encoding again, from the start)
    head = _head_of_file(path) if path is not None else None
    undecodable = _UNDECODABLE[0]  # bytes kept as surrogates from here on belong to this input
    with open_text(source, encoding) as stream:
        try:
            if head is None:  # a stream: its head is decoded once, bad bytes kept for the records
                head = _read_head(stream)
                stream = _Peekable(head, stream)
            binary = _binary_start(head)
            if binary is not None and not _reads_bytes(format, head):
                handler(Problem(source=name, reason=binary))
                return
            if format is None:
                format = detect_format(path, head)
            reader = reader_class(format)()
            watch = _DamageWatch(stream, "\x00" in head)
            number = 0
            for item in _decoding(reader.read(watch, name), reader.legacy_encodings):
                if isinstance(item, Problem):
                    # a rejected record takes its number; a warning is about a record the
                    # reader yields next (or has yielded), which is numbered when it comes
                    if item.severity == "error" and item.record:
                        number = item.record
                    handler(item)
                    continue
                number += 1
                # bytes that are not UTF-8, or a NUL: looked for only once the input has shown one
                damaged = watch.nul or _UNDECODABLE[0] != undecodable
                byte = _undecodable_byte(item) if damaged else None
                if byte is not None:
                    what = "a NUL character (byte 0x00)" if byte == 0 else f"byte 0x{byte:02x}, which is not UTF-8,"
                    handler(Problem(source=name, record=number, raw=item.key,
                                    reason=f"{what} inside it; the record is skipped"))
                    continue
                for reason in value_problems(item):
                    handler(Problem(source=name, record=number, raw=item.key, severity="warning",
                                    reason=reason))
                yield item
        except UnicodeDecodeError as exc:
            handler(Problem(source=name, reason=f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); is it binary or in another encoding?"))


class _DamageWatch(io.TextIOBase):
    """The reader's stream, passed through, noting whether any text read holds a NUL (text
    never does; a record that holds one is rejected)."""

    def __init__(self, stream: TextIO, nul: bool = False) -> None:
        self._stream = stream
        self.nul = nul
        self.name = getattr(stream, "name", "<stream>")

    def readable(self) -> bool:
        return True

    def _seen(self, text: str) -> str:
        if not self.nul and "\x00" in text:
            self.nul = True
        return text

    def read(self, size: int | None = -1) -> str:
        return self._seen(self._stream.read(size))

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self._seen(self._stream.readline(size if size is not None else -1))

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        for line in self._stream:
            yield self._seen(line)

    def __getattr__(self, name: str) -> Any:  # buffer, encoding, ... of the stream under it
        return getattr(self._stream, name)


def _decoding(items: Iterator[Any], legacy: bool) -> Iterator[Any]:
    """The reader's items, each step decoding under the reader's encoding policy."""
    while True:
        before = getattr(_DECODING, "legacy", True)
        _DECODING.legacy = legacy
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            _DECODING.legacy = before
        yield item


def _read_head(stream: TextIO) -> str:
    """The first characters of a stream, bad bytes kept as surrogates (not raised: the
    format, and so its encoding policy, is not known yet)."""
    before = getattr(_DECODING, "legacy", True)
    _DECODING.legacy = False
    try:
        return stream.read(_SNIFF_BYTES)
    finally:
        _DECODING.legacy = before


def _head_of_file(path: str) -> str | None:
    """The first bytes of a file as text for sniffing (undecodable bytes as surrogates), or
    None when it cannot be opened (open_text then says why)."""
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read(_SNIFF_BYTES)
    except OSError:
        return None
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    if len(data) == _SNIFF_BYTES:  # a character cut at the end is not damage
        text = _CUT_AT_END.sub("", text)
    return text


def _reads_bytes(format: str | None, head: str) -> bool:
    """True when the input's reader takes bytes, not text (ISO 2709 MARC: its MARC-8 records
    are not UTF-8 and are decoded by the reader); such a reader says ``reads_bytes = True``."""
    try:
        names = [format] if format else reader_names()
        return any(getattr(reader_class(n), "reads_bytes", False) and (format or reader_class(n).sniff(head))
                   for n in names)
    except ExporterError:
        return False


_ISO_LIKE = re.compile(r"^-?\d{4}-\d{2}(-\d{2})?$")


def value_problems(record: Record) -> list[str]:
    """What a reader kept although it is not valid, for any reader (plugins too): an
    identifier with a wrong check digit, a date the calendar does not have (kept as text,
    never typed as a date in any output)."""
    out = [reason for i in record.identifiers
           if (reason := identifier_problem(i.scheme, i.value)) is not None]
    for attr in _DATE_ATTRS:
        value = getattr(record, attr)
        if value is not None and value.start is None and value.literal and _ISO_LIKE.match(value.literal):
            out.append(f"date {value.literal!r} is not in the calendar; kept as text")
    return out


def _binary_start(head: str) -> str | None:
    """Why the input is not text at all (NULs among its first 64 characters, or more than
    1 character in 10 undecodable or a control character), or None; text in another
    encoding, or a few bad bytes further in, is for the readers (a fallback decoding, or the
    record that holds them)."""
    if not head:
        return None
    odd = len(_ODD.findall(head))
    if head[:64].count("\x00") < 2 and odd * 10 <= len(head):
        return None
    first = next((i for i, ch in enumerate(head) if ch == "\x00" or "\udc80" <= ch <= "\udcff"), 0)
    ch = head[first]
    byte = ord(ch) - 0xDC00 if "\udc80" <= ch <= "\udcff" else ord(ch)
    offset = len(head[:first].encode("utf-8", "surrogateescape"))
    return f"not UTF-8 text (byte 0x{byte:02x} at offset {offset}); is it binary or in another encoding?"


_DAMAGE_CHARS = re.compile("[\x00\udc80-\udcff]")


def _undecodable_byte(value: Any) -> int | None:
    """The first byte kept as a lone surrogate, or a NUL, anywhere in a record, or None:
    text has neither, so either is damage that costs the record."""
    if isinstance(value, str):
        m = _DAMAGE_CHARS.search(value)
        if m is None:
            return None
        return 0 if m.group() == "\x00" else ord(m.group()) - 0xDC00
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
    if not getattr(writer, "keeps_ids_unique", False):
        records = _unique_keys(records, writer.name, handler)
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
            try:
                writer.write(records, out, handler)
                out.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from exc
            finally:
                out.detach()
            return None
        with atomic_text(path) as out_file:
            writer.write(records, out_file, handler)
        return None
    writer.write(records, destination, handler)  # type: ignore[arg-type]
    return None


@contextmanager
def atomic_text(path: str) -> Iterator[TextIO]:
    """A UTF-8 text file that appears under ``path`` only when written whole: the text goes
    to a temporary file beside it, which replaces ``path`` at the end (``os.replace`` is
    atomic). Interrupted, or on an error, ``path`` keeps what it held and the temporary
    file is removed. Environment errors become :class:`OutputError`."""
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(21, "Is a directory")
        # O_EXCL: never write through a file (or link) someone else put there
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    done = False
    try:
        # a 1 MiB buffer: one write call per MiB, not one per 8 KiB (N-Triples: 16 -> 10 µs a record)
        with open(fd, "w", encoding="utf-8", errors="replace", newline="", buffering=1 << 20) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        done = True
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if not done:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _unique_keys(records: Iterable[Record], writer_name: str, handler: ProblemHandler) -> Iterator[Record]:
    """Records whose source ids are unique in this output: a second record with the id of
    an earlier one is written as ``<id>-2`` (then ``-3``, ...) by every writer, and reported
    (the rule of :class:`exporter.normalize.keys.KeyAllocator`). The set of ids seen grows
    with the output; records without an id are left to each writer's own keys."""
    from .normalize.keys import KeyAllocator

    keys = KeyAllocator()
    for number, record in enumerate(records, start=1):
        if record.key is not None:
            key, renamed = keys.allocate(record)
            if renamed:
                handler(Problem(source=writer_name, record=number, severity="warning", reason=renamed))
                record = dataclasses.replace(record, key=key)
        yield record


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
    except (TypeError, ValueError, SyntaxError, OSError) as exc:
        # SyntaxError: lxml's XMLSyntaxError, for a --style that is not a CSL file
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
