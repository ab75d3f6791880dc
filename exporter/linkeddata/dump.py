"""Whole-catalog linked-data dumps: gzipped shards, streamed, parallel, resumable, described.

The layout follows what national libraries publish (lobid, the DNB, id.loc.gov): numbered
gzipped shards (``part-00000.nt.gz``) beside a dataset description (VoID, DCAT and
schema:Dataset, in ``void.ttl`` and ``void.jsonld``). The work is split into shards of
``shard_records`` input records; each shard is one task that reads, maps and writes its
records, so the same task runs in this process, in a pool of local processes, or on a Dask
cluster, and always writes the same bytes:

* a shard is written under a temporary name and renamed when complete, then its sidecar
  (``part-00000.json``: counts, sizes, SHA-256, rejects) is written the same way; a shard
  without its sidecar is not finished, so a crash or Ctrl-C never leaves a shard that looks
  finished, and ``resume`` redoes exactly the unfinished ones;
* gzip members carry no name and no time, blank-node labels derive from record IRIs and the
  mapping emits triples in a fixed order: the same input gives byte-identical shards (for
  the same compression backend and level: zlib-ng when installed, else the standard
  library's zlib; ``compress_level`` 0-9 means what it means to gzip with both);
* a record that fails goes to ``rejects.jsonl`` (source, record number, line, reason, raw
  record) and is counted, never stopping the dump;
* every sidecar records the parameters and the input the shard was made from (formats, base
  IRI, shard size, pages, compression backend and level, and each input's name, size and
  modification time): ``resume`` refuses a folder made with other ones, instead of mixing
  stale shards into a new dump;
* one dump at a time per folder (an exclusive lock on ``DIR/.lock``); ``--out`` and its
  ``html`` folder are never followed through symbolic links, and temporary files are
  created exclusively, so a planted link is never written through;
* workers die with the process that started them (Linux: PR_SET_PDEATHSIG), and SIGTERM
  ends a dump as Ctrl-C does: one line, nothing incomplete under a final name.

Memory stays flat: the reader hands out one shard of raw input at a time and at most two
shards per worker are in flight.

The workers read the input themselves: the main process builds no Record for them. For
VuFind JSON lines it finds line ends; for every format whose reader cuts its files
(:mod:`exporter.ranges`: CSL-JSON and VuFind arrays and lines, RIS, BibTeX, MEDLINE, EndNote)
it finds where records start, on the bytes, and a shard's task is the byte ranges of its
records, which a worker reads with the same reader: the records, their numbers and the
problems, with their lines, are those of reading the whole file. Where a file cannot be
vouched for (damage, a layout the splitter does not know) it is read whole in the main
process from there on, as are gzipped files, standard input and formats that are not cut
(MARC, MODS, PubMed XML, EndNote XML), and those records are sent to the workers. A record's
number is its place in its file, rejected records included.

Without ``shard_records``, a shard holds about an eighth of the input's records (between
1,000 and 100,000; the count is estimated from the input's size and the size of its first
records), so that the same input is always cut into the same shards, whatever the number
of workers, and two to eight workers have work.

Progress (records done, records per second, time left) shows on a terminal, reported by the
workers as they go (exporter.progress); with Dask, per finished shard.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import os
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from ..model import Record
from ..problems import ExporterError, Problem
from ..progress import RecordProgress
from .schemaorg import DEFAULT_BASE_IRI, RecordIRIs, triples
from .terms import IRI

#: dump format -> (file suffix, media type, description)
FORMATS = {
    "nt": (".nt.gz", "application/n-triples", "N-Triples"),
    "jsonld-lines": (".jsonl.gz", "application/x-ndjson", "JSON-LD, one record per line"),
    "ttl": (".ttl.gz", "text/turtle", "Turtle"),
}
SHARD_STEM = "part-{:05d}"

#: gzip libraries for the shards: --compress-backend name -> (module with a GzipFile, the
#: package to install). "auto" is the first one installed; "gzip" (the standard library) always is
BACKENDS = {"zlib-ng": ("zlib_ng.gzip_ng", "zlib-ng"), "gzip": ("gzip", None)}
#: --compress-level: 0 (stored, no compression) to 9 (smallest), in gzip's terms for every backend
DEFAULT_COMPRESS_LEVEL = 6


@dataclasses.dataclass(frozen=True)
class DumpConfig:
    """What a shard task needs to know; picklable, so it travels to workers and clusters."""

    out: str
    formats: tuple[str, ...] = ("nt",)
    base_iri: str = DEFAULT_BASE_IRI
    params: str = "{}"  # JSON: what the shards are made from (see _params), kept in sidecars
    html: bool = False
    #: CSL styles of a page's "Cite" section, and the writers whose files are offered for download
    html_styles: tuple[str, ...] = ()
    html_formats: tuple[str, ...] = ()
    compress_backend: str = "gzip"  # a key of BACKENDS, resolved (never "auto")
    compress_level: int = DEFAULT_COMPRESS_LEVEL


@dataclasses.dataclass(frozen=True)
class Unit:
    """One input record, raw or read: ``payload`` is a JSON line (str) or a Record."""

    source: str
    number: int
    line: int | None
    payload: Any
    iri_segment: str | None = None  # the record's id in a store: its IRI is base + this


@dataclasses.dataclass(frozen=True)
class LineRef:
    """Where one JSON line is in a plain file: the main process only finds line boundaries."""

    path: str
    start: int
    end: int
    number: int
    line: int


@dataclasses.dataclass
class Segment:
    """Consecutive lines of one file, which the worker reads itself: a task carries byte
    offsets, not data, so memory stays small however large the shards."""

    path: str
    start: int
    end: int
    first_number: int
    first_line: int


@dataclasses.dataclass
class Range:
    """Consecutive records of one file, bytes ``start`` to ``end``, which the worker reads
    with the reader ``fmt`` (exporter.ranges.read_range)."""

    path: str
    fmt: str
    start: int
    end: int
    first_number: int
    first_line: int


class RecordAt(NamedTuple):
    """Record ``number`` of a file starts at ``offset`` (on ``line``): a shard may start
    there. A tuple: the main process makes one per record of a file it cuts."""

    path: str
    fmt: str
    offset: int
    number: int
    line: int


@dataclasses.dataclass(frozen=True)
class RangeStop:
    """The records of a file found by their starts end at ``offset``."""

    path: str
    offset: int


@dataclasses.dataclass
class ShardTask:
    index: int
    items: list[Unit | Segment | Range]

    def units(self, on_problem: Callable[[Problem], None] = lambda p: None) -> Iterator[Unit]:
        """The shard's records; the problems of reading its ranges go to ``on_problem``."""
        from ..ranges import read_range

        for item in self.items:
            if isinstance(item, Unit):
                yield item
                continue
            if isinstance(item, Range):
                for number, record in read_range(item.path, item.fmt, item.start, item.end, item.first_number,
                                                 item.first_line, on_problem):
                    yield Unit(item.path, number, None, record)
                continue
            with open(item.path, "rb") as f:
                f.seek(item.start)
                position = item.start
                i = 0
                while position < item.end:  # line by line: one record in memory at a time
                    raw = f.readline()
                    if not raw:
                        break
                    position += len(raw)
                    line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
                    yield Unit(item.path, item.first_number + i, item.first_line + i, line)
                    i += 1


# -- the per-shard work (runs anywhere) ------------------------------------------------------


def _create_exclusive(path: Path) -> int:
    """A new file descriptor for ``path``: a stale temporary file is removed first, and the
    file is created exclusively without following links, so that nothing planted under a
    temporary name (a symbolic link to a file elsewhere) is ever written through."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)


def _gzip_writer(path: Path, config: DumpConfig) -> tuple[Any, Any]:
    gzip_file = gzip_class(config.compress_backend)
    raw = open(_create_exclusive(path), "wb")
    # no file name and mtime 0 in the gzip header: same input, backend and level, same bytes
    gz = gzip_file(filename="", mode="wb", fileobj=raw, compresslevel=config.compress_level, mtime=0)
    return raw, io.TextIOWrapper(gz, encoding="utf-8", errors="replace", newline="")


def gzip_class(backend: str) -> Any:
    """The GzipFile class of ``backend`` (a key of :data:`BACKENDS`); a clear error when its
    package is not installed here (a Dask worker may lack what the main process has)."""
    import importlib

    module, package = BACKENDS[backend]
    try:
        return importlib.import_module(module).GzipFile
    except ImportError as exc:
        raise ExporterError(f"--compress-backend {backend} needs the package {package}, not installed here: "
                            f"pip install 'exporter[fast]' (or use --compress-backend gzip)") from exc


def resolve_backend(backend: str | None) -> str:
    """``backend`` checked, or for None / "auto" the first of :data:`BACKENDS` installed."""
    if backend in (None, "auto"):
        for name in BACKENDS:
            try:
                gzip_class(name)
            except ExporterError:
                continue
            return name
    if backend not in BACKENDS:
        raise ExporterError(f"unknown --compress-backend {backend!r} (auto, {', '.join(BACKENDS)})")
    gzip_class(backend)
    return backend


def _records_of(unit: Unit) -> Iterator[Record]:
    if isinstance(unit.payload, Record):
        yield unit.payload
        return
    from ..formats.jsonio import records_in
    from ..formats.vufind import doc_to_record

    for doc in records_in(json.loads(unit.payload), "response.docs"):
        yield doc_to_record(doc)


def write_shard(task: ShardTask, config: DumpConfig) -> dict[str, Any]:
    """Map and write one shard in every configured format; return its sidecar data."""
    from .jsonld import CONTEXT, record_tree
    from .terms import nt_document
    from .turtle import HEADER, turtle_block

    out = Path(config.out)
    stem = SHARD_STEM.format(task.index)
    writers = {}
    for fmt in config.formats:
        tmp = out / f".{stem}{FORMATS[fmt][0]}.tmp"
        writers[fmt] = (tmp, *_gzip_writer(tmp, config))
    if "ttl" in writers:
        writers["ttl"][2].write(HEADER)
    iris = RecordIRIs(config.base_iri)
    records = triples_count = 0
    rejects: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    problems: list[Problem] = []  # the reader's, for records of ranges read here
    context_json = json.dumps(CONTEXT, separators=(",", ":"))
    report = _progress_sink
    reported = time.monotonic()
    pages = _PageWriter(out, config, warnings) if config.html else None
    for unit in task.units(problems.append):
        if report is not None and time.monotonic() - reported >= 0.25:
            report(task.index, records)
            reported = time.monotonic()
        try:
            mapped = list(_records_of(unit))
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            rejects.append(_reject(unit, _reason(exc)))
            continue
        for record in mapped:
            records += 1
            if unit.iri_segment is not None:  # from a store: ids are unique there already
                iri, changed = IRI(config.base_iri + unit.iri_segment), False
            else:
                iri, changed = iris.allocate(record, unit.number)
            if changed:
                warnings.append({"source": unit.source, "record": unit.number,
                                 "reason": f"another record in this shard has the same id; written as <{iri}>"})
            ts = list(triples(record, config.base_iri, unit.number, iri))
            triples_count += len(ts)
            if "nt" in writers:
                writers["nt"][2].write(nt_document(ts))
            if "jsonld-lines" in writers:
                tree = record_tree(iri, ts)
                body = json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
                writers["jsonld-lines"][2].write('{"@context":' + context_json + "," + body[1:] + "\n")
            if "ttl" in writers:
                writers["ttl"][2].write(turtle_block(ts))
            if pages is not None:
                pages.add(unit, iri, record, ts)
    if pages is not None:
        pages.flush()
    files: dict[str, dict[str, Any]] = {}
    for fmt, (tmp, raw, text) in writers.items():
        text.close()
        raw.close()
        final = out / f"{stem}{FORMATS[fmt][0]}"
        files[final.name] = {"format": fmt, "bytes": tmp.stat().st_size, "sha256": _sha256(tmp)}
        os.replace(tmp, final)
    read_errors = sum(1 for p in problems if p.severity == "error")
    sidecar = {"shard": task.index, "records": records, "triples": triples_count,
               "rejected": len(rejects) + read_errors, "files": files, "rejects": rejects, "warnings": warnings,
               "problems": [p.as_dict() for p in problems], "params": json.loads(config.params)}
    _atomic_write(out / f"{stem}.json", json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n")
    if report is not None:
        report(task.index, records)
    return sidecar


#: where write_shard reports (shard index, records done so far), in this process; set in
#: the workers of a local pool, and in the main process for a dump without workers
_progress_sink: Callable[[int, int], None] | None = None


#: the default downloads beside each HTML page: writer name -> file suffix (what
#: pages.download_links gives for pages.DEFAULT_FORMATS: each writer's first extension)
PAGE_DOWNLOADS = {"bibtex": ".bib", "ris": ".ris", "csl-json": ".csl.json", "jsonld": ".jsonld",
                  "turtle": ".ttl", "ntriples": ".nt"}
#: pages are spread over this many subfolders of ``html`` (see :func:`page_folder`)
PAGE_FOLDER_DIGITS = 3


def page_folder(stem: str) -> str:
    """The subfolder of ``html`` that holds the page ``stem`` and its downloads: the first
    three hex digits of the SHA-256 of the stem (UTF-8), so 4,096 folders share the pages
    evenly whatever the ids look like, and a page's place depends on its id alone (a
    million records make about 1,700 files per folder, with the default downloads)."""
    return hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:PAGE_FOLDER_DIGITS]


def page_path(name: str) -> str:
    """Where, under ``html``, the page of the record whose IRI is base + ``name`` is:
    ``"3fa/pubmed-7919701.html"``."""
    stem = page_stem(name)
    return f"{page_folder(stem)}/{stem}.html"


class _PageWriter:
    """The HTML pages of one shard, with the record in each download format beside each page.

    Records are collected and written in batches of :attr:`BATCH` (100): the citations of a batch
    are rendered style by style (:func:`exporter.linkeddata.pages.citation_entries`), and
    the writers are made once per shard. A record costs only itself: a style that cannot
    render it leaves that citation out, a writer that cannot write it leaves that download
    out (and its link), each with a warning in the shard's sidecar."""

    BATCH = 100  # at ~5 ms a page, a batch takes about half a second: progress still moves every second

    def __init__(self, out: Path, config: DumpConfig, warnings: list[dict[str, Any]]) -> None:
        from ..api import make_writer

        self.root = out / "html"
        self.root.mkdir(exist_ok=True)
        self.config = config
        self.warnings = warnings
        from .pages import download_links

        # each download's file suffix: its link for a page stem of ""
        self.suffixes = {d.format: d.href for d in download_links("", config.html_formats)}
        self.writers = {name: make_writer(name) for name in config.html_formats
                        if name not in ("jsonld", "turtle", "ntriples")}
        self.pending: list[tuple[Unit, str, Record, list[Any]]] = []
        self.folders: set[str] = set()

    def add(self, unit: Unit, iri: str, record: Record, ts: list[Any]) -> None:
        self.pending.append((unit, iri, record, ts))
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        entries = self._citations(batch)
        for (unit, iri, record, ts), citations in zip(batch, entries):
            self._write(unit, iri, record, ts, citations)

    def _citations(self, batch: list[tuple[Unit, str, Record, list[Any]]]) -> list[dict[str, str]]:
        from .pages import citation_entries

        styles = self.config.html_styles
        try:
            return citation_entries([record for _, _, record, _ in batch], styles)
        except Exception:  # noqa: BLE001 - some record of the batch: find it, style by style
            pass
        out = []
        for unit, _, record, _ in batch:
            row: dict[str, str] = {}
            for style in styles:
                try:
                    row.update(citation_entries([record], (style,))[0])
                except Exception as exc:  # noqa: BLE001 - any failure of the CSL engine costs this citation only
                    self._warn(unit, f"page without its {style} citation: {type(exc).__name__}: {exc}")
            out.append(row)
        return out

    def _warn(self, unit: Unit, reason: str) -> None:
        self.warnings.append({"source": unit.source, "record": unit.number, "reason": reason})

    def _download(self, fmt: str, iri: str, record: Record, ts: list[Any]) -> str:
        from ..api import write_with
        from .jsonld import CONTEXT, record_tree
        from .terms import nt_document
        from .turtle import HEADER, turtle_block

        if fmt == "jsonld":
            return json.dumps({"@context": CONTEXT, **record_tree(IRI(iri), ts)}, ensure_ascii=False, indent=2) + "\n"
        if fmt == "turtle":
            return HEADER + turtle_block(ts)
        if fmt == "ntriples":
            return nt_document(ts)
        return write_with(self.writers[fmt], [record]) or ""

    def _write(self, unit: Unit, iri: str, record: Record, ts: list[Any], citations: dict[str, str]) -> None:
        from .pages import render_page  # noqa: PLC0415 - HTML support is loaded only when asked for

        base = self.config.base_iri
        name = iri[len(base):] if iri.startswith(base) else iri
        stem = page_stem(name)
        sub = page_folder(stem)
        folder = self.root / sub
        if sub not in self.folders:
            folder.mkdir(exist_ok=True)
            self.folders.add(sub)
        links: dict[str, str] = {}
        for fmt in self.config.html_formats:
            try:
                text = self._download(fmt, iri, record, ts)
            except (ExporterError, ValueError, TypeError, KeyError) as exc:
                self._warn(unit, f"page without its {fmt} download: {exc}")
                continue
            links[fmt] = stem + self.suffixes[fmt]
            _atomic_write(folder / links[fmt], text)
        _atomic_write(folder / f"{stem}.html",
                      render_page(record, base, record_iri=iri, links=links, styles=self.config.html_styles,
                                  formats=tuple(links), citations=citations, statements=ts))


_PAGE_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
_PAGE_STEM_MAX = 120


def page_stem(name: str) -> str:
    """The file name (without suffix) of a record's page: collision-free and bounded.

    Each character outside ``A-Za-z0-9-_.`` is written as ``~`` and the two hex digits of
    each of its UTF-8 bytes, so distinct ids give distinct names (``a/b`` is ``a~2Fb``,
    ``a_2Fb`` stays itself); a name longer than 120 characters keeps its first 100 and ends
    with ``~~`` and 16 hex digits of its SHA-256 (``~~`` never occurs in an escaped name,
    since every ``~`` there is followed by a hex digit). A leading dot is escaped too, so no
    page is a hidden file.
    """
    out = "".join(ch if ch in _PAGE_SAFE else "".join(f"~{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
                  for ch in name) or "~"
    if out.startswith("."):
        out = "~2E" + out[1:]
    if len(out) > _PAGE_STEM_MAX:
        cut = out[:100]
        escape = cut.rfind("~", len(cut) - 2)  # not inside a "~XX"
        out = (cut[:escape] if escape >= 0 else cut) + "~~" + \
            hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return out


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    return str(exc) or type(exc).__name__


def _reject(unit: Unit, reason: str) -> dict[str, Any]:
    raw = unit.payload if isinstance(unit.payload, str) else repr(unit.payload)
    row = {"source": unit.source, "record": unit.number, "reason": reason, "raw": raw[:100_000]}
    if unit.line is not None:
        row["line"] = unit.line
    return row


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(_create_exclusive(tmp), "w", encoding="utf-8", errors="replace", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


# -- reading the input into shard tasks -------------------------------------------------------


def _is_json_lines(path: str) -> bool:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as f:  # type: ignore[operator]
        for line in f:
            if line.strip():
                stripped = line.strip()
                return stripped.startswith("{") and stripped.endswith("}")
    return False


def iter_units(inputs: list[str], from_format: str | None, problems: Callable[[Problem], None],
               progress: Callable[[int], None]) -> Iterator[Unit | LineRef | RecordAt | RangeStop]:
    """Every input record: where it is (a line of VuFind JSON lines, a record start of a file
    its reader cuts), or the Record read here."""
    from ..ranges import Cut, find_cuts, read_from
    from ..registry import detect_format, reader_class

    for path in inputs:
        if path == "-":
            fmt = from_format or "vufind"
        else:
            if not os.path.exists(path):
                problems(Problem(source=path, reason="cannot open: No such file or directory"))
                continue
            with open(path, "rb") as f:
                head = f.read(8192).decode("utf-8", errors="replace")
            try:
                fmt = from_format or detect_format(path, head)
            except ExporterError as exc:
                problems(Problem(source=path, reason=str(exc).split(": ", 1)[-1]))
                continue
        if fmt == "vufind" and path != "-" and _is_json_lines(path):
            yield from (_line_refs(path, progress) if not path.endswith(".gz") else _raw_lines(path, progress))
            continue
        try:
            reader = reader_class(fmt)
        except ExporterError as exc:
            problems(Problem(source=path, reason=str(exc)))
            continue
        splitter = reader.record_splitter() if path != "-" and not path.endswith(".gz") else None
        number, line, at = 1, 1, 0
        if splitter is not None:
            for cut in find_cuts(path, splitter, reader.legacy_encodings):
                if isinstance(cut, Cut):
                    progress(cut.offset - at)
                    at = cut.offset
                    yield RecordAt(path, fmt, cut.offset, cut.number, cut.line)
                    continue
                if cut.offset > 0:
                    yield RangeStop(path, cut.offset)
                number, line = cut.number, cut.line
                if cut.offset >= os.path.getsize(path):
                    number = 0  # cut through: nothing is left to read here
        if number:
            # read here: the whole file, its records from ``number`` on (all of them, but
            # where the cuts stopped)
            for n, record in read_from(path, fmt, number, line, problems):
                yield Unit(path, n, None, record)
        if path != "-":
            progress(os.path.getsize(path) - at)


def store_units(path: str | os.PathLike[str]) -> Iterator[Unit]:
    """Every record of a record store (exporter.store), in id order, with its id."""
    from ..store import RecordStore

    with RecordStore(path) as store:
        for number, stored in enumerate(store, start=1):
            yield Unit(os.fspath(path), number, None, stored.record, stored.id)


def _line_refs(path: str, progress: Callable[[int], None]) -> Iterator[LineRef]:
    number = 0
    offset = 0
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            start, offset = offset, offset + len(raw)
            progress(len(raw))
            if not raw.strip():
                continue
            number += 1
            yield LineRef(path, start, offset, number, lineno)


def _raw_lines(path: str, progress: Callable[[int], None]) -> Iterator[Unit]:
    """Lines of a gzipped file (no seeking into gzip): sent to the workers as data."""
    opener = gzip.open if path.endswith(".gz") else open
    number = 0
    with opener(path, "rb") as f:  # type: ignore[operator]
        for lineno, raw in enumerate(f, start=1):
            progress(len(raw))
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            number += 1
            yield Unit(path, number, lineno, line.lstrip("\ufeff"))


def iter_tasks(units: Iterable[Unit | LineRef | RecordAt | RangeStop], shard_records: int) -> Iterator[ShardTask]:
    """Shards of ``shard_records`` input records; runs of adjacent lines become Segments,
    runs of records found by their starts Ranges. A shard is handed out when the record
    after its last one comes (a Range ends where that record starts)."""
    batch: list[Unit | Segment | Range] = []
    count = 0
    index = 0
    open_range: Range | None = None
    for unit in units:
        if isinstance(unit, RangeStop):
            assert open_range is not None and open_range.path == unit.path
            open_range.end = unit.offset
            open_range = None
            continue
        if count >= shard_records:
            if open_range is not None:
                assert isinstance(unit, RecordAt) and unit.path == open_range.path
                open_range.end = unit.offset
                open_range = None
            yield ShardTask(index, batch)
            index += 1
            batch = []
            count = 0
        if isinstance(unit, RecordAt):
            if open_range is None:
                open_range = Range(unit.path, unit.fmt, unit.offset, -1, unit.number, unit.line)
                batch.append(open_range)
        elif isinstance(unit, LineRef):
            last = batch[-1] if batch else None
            if isinstance(last, Segment) and last.path == unit.path and last.end == unit.start:
                last.end = unit.end
            else:
                batch.append(Segment(unit.path, unit.start, unit.end, unit.number, unit.line))
        else:
            batch.append(unit)
        count += 1
    assert open_range is None, "a file's record starts end with a RangeStop"
    if batch:
        yield ShardTask(index, batch)


# -- running it --------------------------------------------------------------------------------


@dataclasses.dataclass
class DumpResult:
    records: int
    rejected: int
    triples: int
    shards: list[dict[str, Any]]
    seconds: float
    input_problems: list[Problem]


#: Without --shard-records: about this many shards, within these bounds of records per shard
TARGET_SHARDS = 8
SHARD_RECORDS_BOUNDS = (1_000, 100_000)


def estimated_records(inputs: list[str], from_format: str | None,
                      store: str | os.PathLike[str] | None = None) -> int | None:
    """About how many records the inputs hold (exporter.ranges.estimate_inputs; a store's
    count), from the inputs alone, so the same every run; None for standard input."""
    if store is not None:
        from ..store import RecordStore

        with RecordStore(store) as opened:
            return len(opened)
    from ..ranges import estimate_inputs

    return estimate_inputs(inputs, from_format)


def choose_shard_records(estimate: int | None) -> int:
    """Records per shard for an input of about ``estimate`` records: an eighth of it, within
    :data:`SHARD_RECORDS_BOUNDS` (the upper bound when the size is not known)."""
    low, high = SHARD_RECORDS_BOUNDS
    if estimate is None:
        return high
    return max(low, min(high, -(-estimate // TARGET_SHARDS)))


def run_dump(
    inputs: list[str],
    out: str | os.PathLike[str],
    *,
    from_format: str | None = None,
    formats: Iterable[str] = ("nt",),
    base_iri: str = DEFAULT_BASE_IRI,
    shard_records: int | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    html: bool = False,
    html_styles: Iterable[str] | None = None,
    html_formats: Iterable[str] | None = None,
    progress: bool | None = None,
    description: dict[str, str] | None = None,
    store: str | os.PathLike[str] | None = None,
    compress_level: int = DEFAULT_COMPRESS_LEVEL,
    compress_backend: str | None = None,
) -> DumpResult:
    """Dump ``inputs`` as linked data into the folder ``out``; see the module docstring.
    Without ``shard_records`` the shard size is chosen from the inputs (:func:`choose_shard_records`).

    With ``html``, each record also gets a page, ``html/<folder>/<stem>.html`` (see
    :func:`page_path`), citing it in ``html_styles`` (CSL style names or paths; default
    :data:`~exporter.linkeddata.pages.DEFAULT_STYLES`, none with ``[]``) and with the record
    beside it in each writer of ``html_formats`` (default
    :data:`~exporter.linkeddata.pages.DEFAULT_FORMATS`).

    Shards are compressed at ``compress_level`` (0-9, as gzip's) with ``compress_backend``
    (a key of :data:`BACKENDS`; None or "auto": zlib-ng when installed, else the standard
    library); both are recorded with the other parameters, for ``resume`` to check."""
    formats = tuple(dict.fromkeys(formats))
    styles, page_formats = _page_options(html_styles, html_formats) if html else ((), ())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExporterError(f"unknown dump format {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    estimate = estimated_records(inputs, from_format, store)
    if shard_records is None:
        shard_records = choose_shard_records(estimate)
    if shard_records < 1 or workers < 1:
        raise ExporterError("--shard-records and --workers must be at least 1")
    if isinstance(compress_level, bool) or not isinstance(compress_level, int) or not 0 <= compress_level <= 9:
        raise ExporterError(f"--compress-level must be 0 (no compression) to 9 (smallest), not {compress_level!r}")
    compress_backend = resolve_backend(compress_backend)
    from ..formats.rdf import NTriplesWriter

    try:
        base_iri = NTriplesWriter(base_iri=base_iri).base_iri  # the same validation as convert
    except ValueError as exc:
        raise ExporterError(str(exc)) from exc
    out_dir = Path(out)
    if out_dir.is_symlink():
        raise ExporterError(f"{out_dir} is a symbolic link; give the folder it points to")
    out_dir.mkdir(parents=True, exist_ok=True)
    if (out_dir / "html").is_symlink():
        raise ExporterError(f"{out_dir / 'html'} is a symbolic link; a dump writes only inside {out_dir}")
    params = _params([os.fspath(store)] if store is not None else inputs, formats, base_iri, shard_records, html,
                     compress_backend, compress_level)
    if html:
        params["html_styles"], params["html_formats"] = list(styles), list(page_formats)
    with _DumpLock(out_dir), _terminate_on_sigterm():
        _check_out_dir(out_dir, resume, params)
        config = DumpConfig(out=str(out_dir.resolve()), formats=formats, base_iri=base_iri, html=html,
                            params=json.dumps(params, sort_keys=True), html_styles=styles,
                            html_formats=page_formats, compress_backend=compress_backend,
                            compress_level=compress_level)
        return _run(inputs, out_dir, config, from_format, shard_records, workers, engine, scheduler,
                    resume, RecordProgress.for_stderr(progress, estimate), description, store)


def _run(inputs: list[str], out_dir: Path, config: DumpConfig, from_format: str | None,
         shard_records: int, workers: int, engine: str, scheduler: str | None, resume: bool,
         bar: RecordProgress, description: dict[str, str] | None,
         store: str | os.PathLike[str] | None) -> DumpResult:
    formats = config.formats

    input_problems: list[Problem] = []
    started = time.monotonic()
    units = store_units(store) if store is not None else iter_units(inputs, from_format, input_problems.append,
                                                                    lambda n: None)
    tasks = iter_tasks(units, shard_records)

    done: dict[int, dict[str, Any]] = {}

    def collect(sidecar: dict[str, Any]) -> None:
        done[sidecar["shard"]] = sidecar
        bar.part(sidecar["shard"], sidecar["records"])

    todo = _skip_finished(tasks, out_dir, formats, collect) if resume else tasks
    try:
        if engine == "dask":
            _run_dask(todo, config, workers, scheduler, collect)
        elif engine == "local":
            _run_local(todo, config, workers, collect, bar)
        else:
            raise ExporterError(f"unknown engine {engine!r} (local or dask)")
    finally:
        bar.close()

    shards = [done[i] for i in sorted(done)]
    _write_rejects(out_dir, shards, input_problems)
    read_problems = [Problem(**p) for s in shards for p in s.get("problems", [])]
    result = DumpResult(
        records=sum(s["records"] for s in shards),
        rejected=sum(s["rejected"] for s in shards) + sum(1 for p in input_problems if p.severity == "error"),
        triples=sum(s["triples"] for s in shards),
        shards=shards,
        seconds=time.monotonic() - started,
        input_problems=input_problems + read_problems,
    )
    from .description import write_description

    write_description(out_dir, result, config, description or {})
    return result


def _page_options(styles: Iterable[str] | None,
                  formats: Iterable[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The pages' styles and download writers, checked before any shard is written."""
    from ..registry import writer_class
    from .pages import DEFAULT_FORMATS, DEFAULT_STYLES, citation_entries

    chosen_styles = tuple(dict.fromkeys(DEFAULT_STYLES if styles is None else styles))
    chosen_formats = tuple(dict.fromkeys(DEFAULT_FORMATS if formats is None else formats))
    for name in chosen_formats:
        try:
            writer_class(name)
        except ExporterError as exc:
            raise ExporterError(f"--html-formats: {exc}") from None
    for style in chosen_styles:
        try:
            citation_entries([], (style,))
        except Exception as exc:  # noqa: BLE001 - an unknown or broken style, reported by the CSL layer
            raise ExporterError(f"--html-styles: {style}: {exc}") from None
    return chosen_styles, chosen_formats


def _params(inputs: list[str], formats: tuple[str, ...], base_iri: str, shard_records: int,
            html: bool, compress_backend: str = "gzip",
            compress_level: int = DEFAULT_COMPRESS_LEVEL) -> dict[str, Any]:
    """What a dump's shards are made from; a resumed dump must have the same. An input is
    known by its name, size and modification time (hashing every input on every run would
    cost as much reading as the dump)."""
    files = []
    for path in inputs:
        if path == "-" or not os.path.exists(path):
            files.append({"name": path})
            continue
        st = os.stat(path)
        files.append({"name": os.path.abspath(path), "bytes": st.st_size, "mtime_ns": st.st_mtime_ns})
    return {"formats": sorted(formats), "base_iri": base_iri, "shard_records": shard_records,
            "html": html, "inputs": files, "compress_backend": compress_backend, "compress_level": compress_level}


#: what the sidecars of dumps made before these parameters were recorded were made with
_LEGACY_PARAMS = {"compress_backend": "gzip", "compress_level": 6}


def _check_out_dir(out_dir: Path, resume: bool, params: dict[str, Any]) -> None:
    existing = sorted(out_dir.glob("part-*"))
    if existing and not resume:
        raise ExporterError(f"{out_dir} already holds a dump ({existing[0].name}, ...): use --resume to finish it, or another folder")
    if resume:
        wanted = json.loads(json.dumps(params))
        if any(i["name"] == "-" for i in params["inputs"]):
            raise ExporterError("--resume needs input files: what standard input held cannot be checked")
        for sidecar_path in sorted(out_dir.glob("part-*.json")):
            try:
                made = json.loads(sidecar_path.read_text(encoding="utf-8")).get("params")
            except (OSError, ValueError):
                continue  # an unreadable sidecar: that shard is redone
            if isinstance(made, dict):
                made = {**_LEGACY_PARAMS, **made}
            if made != wanted:
                what = sorted(k for k in wanted if (made or {}).get(k) != wanted[k]) if made else ["all"]
                made_with = f" (its shards: --compress-backend {made.get('compress_backend')} --compress-level " \
                            f"{made.get('compress_level')})" if made and set(what) & set(_LEGACY_PARAMS) else ""
                raise ExporterError(
                    f"{out_dir}: {sidecar_path.name} was made with other {', '.join(what)}{made_with} than this "
                    f"dump; --resume needs the same input files, --format, --base-iri, "
                    f"--shard-records, --html, --html-styles, --html-formats, --compress-level and "
                    f"--compress-backend (or dump into another folder)")
    for tmp in out_dir.glob(".part-*.tmp"):
        tmp.unlink()  # left by an interrupted run: never a finished shard


class _DumpLock:
    """One dump at a time in a folder: an exclusive advisory lock on ``DIR/.lock``, held for
    the whole run and released by the system if the process dies."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".lock"
        self.fd: int | None = None

    def __enter__(self) -> "_DumpLock":
        import fcntl

        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except OSError as exc:
            raise ExporterError(f"{self.path}: cannot lock the dump folder: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
            os.close(self.fd)
            raise ExporterError(f"{self.path.parent} is being written by another dump"
                                f"{f' (process {holder})' if holder else ''}; wait for it, or use another folder") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock; the file stays (removing it would race)


class _terminate_on_sigterm:
    """SIGTERM ends the dump as Ctrl-C does (KeyboardInterrupt: one line, temporary files
    only), in the main thread; elsewhere, or when a handler is already set, it changes nothing."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.previous = None
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            self.previous = signal.signal(signal.SIGTERM, _raise_interrupt)

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """Worker initializer: on Linux, the kernel sends SIGTERM to the worker when the dump
    that started it dies, even by SIGKILL, so no worker outlives it."""
    import signal

    # the dump's own SIGTERM handler (forked into the worker) would turn the signal into an
    # exception, which the pool's worker loop catches and sends back: a worker must just end
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass  # not Linux: workers end when their pipe closes


def _skip_finished(tasks: Iterable[ShardTask], out_dir: Path, formats: tuple[str, ...],
                   collect: Callable[[dict[str, Any]], None]) -> Iterator[ShardTask]:
    for task in tasks:
        sidecar_path = out_dir / f"{SHARD_STEM.format(task.index)}.json"
        if sidecar_path.exists():
            sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
            have = {f["format"] for f in sidecar["files"].values()}
            if have == set(formats) and all((out_dir / name).exists() for name in sidecar["files"]):
                collect(sidecar)
                continue
        yield task


def _run_local(tasks: Iterable[ShardTask], config: DumpConfig, workers: int,
               collect: Callable[[dict[str, Any]], None], bar: RecordProgress) -> None:
    global _progress_sink
    if workers == 1:
        _progress_sink = bar.part if bar.enabled else None
        try:
            for task in tasks:
                collect(write_shard(task, config))
        finally:
            _progress_sink = None
        return
    from concurrent.futures import ProcessPoolExecutor

    queue = listener = None
    if bar.enabled:  # the workers report as they go, through a queue a thread here reads
        import multiprocessing
        import threading

        queue = multiprocessing.get_context().SimpleQueue()
        listener = threading.Thread(target=_listen, args=(queue, bar), name="exporter-dump-progress", daemon=True)
        listener.start()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(queue,))
    try:
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(pool.submit(write_shard, task, config))
            while len(pending) >= 2 * workers:  # bounded: tasks are small (offsets), memory flat
                collect(pending.popleft().result())
        while pending:
            collect(pending.popleft().result())
    except BaseException:
        # interrupted or failed: stop the workers now rather than wait for their shards
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        if queue is not None:
            queue.put(None)
    pool.shutdown()
    if listener is not None:
        listener.join(timeout=5)


def _start_worker(queue: Any) -> None:
    """Worker initializer: die with the dump, report progress through ``queue`` (or not)."""
    global _progress_sink
    _die_with_parent()
    _progress_sink = None if queue is None else (lambda shard, done: queue.put((shard, done)))


def _listen(queue: Any, bar: RecordProgress) -> None:
    while (message := queue.get()) is not None:
        bar.part(*message)


def _run_dask(tasks: Iterable[ShardTask], config: DumpConfig, workers: int, scheduler: str | None,
              collect: Callable[[dict[str, Any]], None]) -> None:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ExporterError("--engine dask needs Dask: pip install 'exporter[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        slots = 2 * max(workers, len(client.scheduler_info().get("workers", {})) or 1)
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(client.submit(write_shard, task, config, pure=False))
            while len(pending) >= slots:
                collect(pending.popleft().result())
        while pending:
            collect(pending.popleft().result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_rejects(out_dir: Path, shards: list[dict[str, Any]], input_problems: list[Problem]) -> None:
    rows = [json.dumps(p.as_dict(), ensure_ascii=False) for p in input_problems if p.severity == "error"]
    for s in shards:  # the problems of reading a shard's ranges, then its records' rejects
        rows += [json.dumps(p, ensure_ascii=False) for p in s.get("problems", []) if p.get("severity") == "error"]
        rows += [json.dumps(r, ensure_ascii=False) for r in s["rejects"]]
    _atomic_write(out_dir / "rejects.jsonl", "".join(row + "\n" for row in rows))
