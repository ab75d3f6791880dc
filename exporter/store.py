"""The record store: a catalogue of records in one SQLite file, for ``exporter serve`` and
``exporter dump --store``.

One row per record: its id (the last segment of its IRI, as a dump would mint it), the
Record serialised compactly, a SHA-256 content hash and a last-modified time. SQLite is in the
standard library (https://www.sqlite.org/lang_upsert.html for the upsert used here).

The serialisation is generic over the dataclasses of :mod:`exporter.model`: a dataclass becomes
a JSON object of its fields that differ from their defaults, tuples become arrays, and decoding
walks the type hints back (``typing.get_type_hints``), so a field added to the model needs no
change here, and a row written before the field existed decodes with the field's default. The
JSON is zlib-compressed; the hash is over the uncompressed canonical JSON (keys sorted).

Loading streams: records are read, encoded and written in batches (``executemany``, one
transaction per batch), so memory is flat however large the input. It is idempotent: the
upsert rewrites a row only when its hash changed, so loading the same input twice leaves the
same store, hashes and last-modified times. It is resumable: every finished batch is committed,
and running the same command again after an interruption completes the load. Two records of
one load with the same id are both kept: the second becomes ``id-2`` (as in a dump) and is
reported, never a silent overwrite. Records already in the store and absent from the input
stay: a load adds and updates, it never deletes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from . import model
from .model import Record
from .problems import ExporterError, Problem

__all__ = ["RecordStore", "StoredRecord", "decode", "encode", "load", "record_id"]

SCHEMA_VERSION = "1"
BATCH_RECORDS = 1000
#: union arms that are dataclasses get a tag only when a union has more than one of them
TYPE_TAG = "@type"


# -- the generic codec -------------------------------------------------------------------------


def to_plain(value: Any) -> Any:
    """A dataclass instance (or a value inside one) as JSON-ready data: objects without
    the fields that hold their default, arrays for tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in _init_fields(type(value)):
            item = getattr(value, f.name)
            if _is_default(f, item):
                continue
            out[f.name] = to_plain(item)
        if len(_union_dataclasses_containing(type(value))) > 1:
            out[TYPE_TAG] = type(value).__name__
        return out
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    return value


def from_plain(data: Any, hint: Any) -> Any:
    """Rebuild a value of type ``hint`` from :func:`to_plain` output."""
    return _decoder(hint)(data)


Decoder = Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


@cache
def _decoder(hint: Any) -> Decoder:
    """A decoding function for one type hint, built once: decoding a record then costs
    a few dict lookups per field instead of re-reading the type hints."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        classes = [a for a in arms if dataclasses.is_dataclass(a)]
        if not classes and all(_decoder(a) is _identity for a in arms):
            return _identity
        by_name = {c.__name__: _decoder(c) for c in classes}
        others = [(a, _decoder(a)) for a in arms if a not in classes]

        def union(data: Any) -> Any:
            if data is None:
                return None
            if isinstance(data, dict) and classes:
                return by_name[data[TYPE_TAG]](data) if len(classes) > 1 else by_name[classes[0].__name__](data)
            for arm, decode_arm in others:
                if _matches(data, arm):
                    return decode_arm(data)
            return data
        return union
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            if item is _identity:
                return tuple
            return lambda data: tuple(item(v) for v in data)
        items = [_decoder(a) for a in args]
        return lambda data: tuple(d(v) for v, d in zip(data, items, strict=True))
    if dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        fields = {f.name: _decoder(hints[f.name]) for f in _init_fields(hint)}

        def build(data: dict[str, Any]) -> Any:
            return hint(**{name: fields[name](value) for name, value in data.items() if name in fields})
        return build
    return _identity


def _matches(data: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint) or hint
    if origin is tuple:
        return isinstance(data, list)
    if isinstance(origin, type):
        return isinstance(data, origin) and not (origin is int and isinstance(data, bool))
    return True


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


@cache
def _init_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


def _is_default(f: dataclasses.Field, value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return value == f.default
    if f.default_factory is not dataclasses.MISSING:
        return value == f.default_factory()
    return False


@cache
def _union_dataclasses_containing(cls: type) -> tuple[type, ...]:
    """The largest set of dataclasses that share a union with ``cls`` anywhere in the model."""
    widest: tuple[type, ...] = (cls,)
    for candidate in _model_dataclasses():
        for hint in _hints(candidate).values():
            for union in _unions(hint):
                classes = tuple(a for a in typing.get_args(union) if dataclasses.is_dataclass(a))
                if cls in classes and len(classes) > len(widest):
                    widest = classes
    return widest


def _unions(hint: Any) -> Iterator[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        yield hint
    for arg in typing.get_args(hint):
        if arg is not Ellipsis:
            yield from _unions(arg)


@cache
def _model_dataclasses() -> tuple[type, ...]:
    return tuple(v for v in vars(model).values() if isinstance(v, type) and dataclasses.is_dataclass(v))


def canonical_json(record: Record) -> str:
    return json.dumps(to_plain(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode(record: Record) -> bytes:
    """The stored form of a record: zlib-compressed canonical JSON."""
    return zlib.compress(canonical_json(record).encode("utf-8", "surrogatepass"), 6)


def decode(body: bytes) -> Record:
    data = json.loads(zlib.decompress(body).decode("utf-8", "surrogatepass"))
    return from_plain(data, Record)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_id(record: Record, number: int) -> str:
    """The id a dump gives the record (the last segment of its IRI), percent-encoded."""
    from .linkeddata.schemaorg import record_iri

    return record_iri(record, "", number)


# -- the store ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StoredRecord:
    id: str
    record: Record
    hash: str
    modified: float  # seconds since the epoch


class RecordStore:
    """An SQLite record store; safe to open read-only from several processes at once."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False) -> None:
        self.path = os.fspath(path)
        if not create and not os.path.isfile(self.path):
            raise ExporterError(f"{self.path}: no such store (make one with exporter load)")
        try:
            if create:
                self._db = sqlite3.connect(self.path, check_same_thread=False)
                self._db.executescript(_SCHEMA)
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                self._db.commit()
            else:
                uri = "file:" + _uri_path(self.path) + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            version = self.meta("schema")
        except sqlite3.DatabaseError as exc:
            raise ExporterError(f"{self.path}: not a record store ({exc})") from exc
        if version != SCHEMA_VERSION:
            raise ExporterError(f"{self.path}: not a record store of this exporter (schema {version!r})")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> typing.Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM records").fetchone()[0]

    def get(self, record_id: str) -> StoredRecord | None:
        row = self._db.execute("SELECT id, body, hash, modified FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return None
        return StoredRecord(row[0], decode(row[1]), row[2], row[3])

    def body(self, record_id: str) -> bytes | None:
        """The stored (encoded) record, for :func:`decode`."""
        row = self._db.execute("SELECT body FROM records WHERE id = ?", (record_id,)).fetchone()
        return row[0] if row else None

    def head(self, record_id: str) -> tuple[str, float] | None:
        """(hash, last-modified) without decoding the record."""
        return self._db.execute("SELECT hash, modified FROM records WHERE id = ?", (record_id,)).fetchone()

    def __iter__(self) -> Iterator[StoredRecord]:
        """Every record in id order, read in pages so that memory stays flat."""
        after = ""
        while True:
            rows = self._db.execute(
                "SELECT id, body, hash, modified FROM records WHERE id > ? ORDER BY id LIMIT ?",
                (after, BATCH_RECORDS)).fetchall()
            if not rows:
                return
            for row in rows:
                yield StoredRecord(row[0], decode(row[1]), row[2], row[3])
            after = rows[-1][0]

    def last_modified(self) -> float | None:
        return self._db.execute("SELECT max(modified) FROM records").fetchone()[0]

    # -- loading ------------------------------------------------------------------------------

    def load(self, records: Iterable[Record], *, report: Callable[[Problem], None],
             source: str = "input", now: Callable[[], float] = time.time) -> LoadResult:
        """Add or update ``records``; see the module docstring."""
        result = LoadResult()
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY) WITHOUT ROWID")
        batch: list[tuple[int, Record]] = []
        for number, record in enumerate(records, start=1):
            batch.append((number, record))
            if len(batch) >= BATCH_RECORDS:
                self._write_batch(batch, result, report, source, now())
                batch = []
        if batch:
            self._write_batch(batch, result, report, source, now())
        return result

    def new_load(self) -> None:
        """Forget the ids of the previous load (duplicates are detected within one load)."""
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("DELETE FROM seen")
        self._db.commit()

    def _write_batch(self, batch: list[tuple[int, Record]], result: LoadResult,
                     report: Callable[[Problem], None], source: str, stamp: float) -> None:
        rows = []
        with self._db:  # one transaction per batch
            for number, record in batch:
                wanted = record_id(record, number)
                rid = self._unique_id(wanted)
                if rid != wanted:
                    report(Problem(source=source, record=number, severity="warning",
                                   reason=f"another record of this load has the id {wanted!r}; stored as {rid!r}"))
                text = canonical_json(record)
                rows.append((rid, zlib.compress(text.encode("utf-8", "surrogatepass"), 6), content_hash(text), stamp))
                result.records += 1
            before = self._db.total_changes
            self._db.executemany(_UPSERT, rows)
            result.written += self._db.total_changes - before

    def _unique_id(self, wanted: str) -> str:
        rid = wanted
        n = 1
        while self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (rid,)).rowcount == 0:
            n += 1
            rid = f"{wanted}-{n}"
        return rid


@dataclasses.dataclass
class LoadResult:
    records: int = 0  # records read
    written: int = 0  # rows added or changed (the others were already in the store, unchanged)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,      -- SHA-256 of the canonical JSON
    modified REAL NOT NULL,  -- last time the content changed, seconds since the epoch
    body BLOB NOT NULL       -- zlib(canonical JSON of the Record); last, so that reading
                             -- hash and modified does not read the body's overflow pages
) WITHOUT ROWID;
"""

# an unchanged record keeps its row, and so its last-modified time
_UPSERT = """
INSERT INTO records (id, body, hash, modified) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET body = excluded.body, hash = excluded.hash, modified = excluded.modified
WHERE records.hash != excluded.hash
"""


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def load(inputs: list[str], store_path: str | os.PathLike[str], *, from_format: str | None = None,
         report: Callable[[Problem], None], base_iri: str | None = None) -> LoadResult:
    """Read ``inputs`` into the store at ``store_path`` (created when missing)."""
    from .api import read

    def records(source: str) -> Iterator[Record]:
        try:
            yield from read(source, from_format, on_problem=report)
        except ExporterError as exc:
            report(Problem(source=source, reason=str(exc).split(": ", 1)[-1]))

    total = LoadResult()
    with RecordStore(store_path, create=True) as store:
        if base_iri:
            store.set_meta("base_iri", base_iri)
        store.new_load()
        for source in inputs:
            result = store.load(records(source), report=report, source=source)
            total.records += result.records
            total.written += result.written
    return total
