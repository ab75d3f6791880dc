"""The command line: ``exporter convert`` and ``exporter formats``.

Exit status: 0 when every record converted; 1 when some records or inputs were bad (the good
ones are still written, each bad one is named on stderr as ``source:record N: reason``);
2 for a usage error. Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import Counter
import os
import signal
import sys
from typing import Any, Callable, Iterator, Sequence

from . import __version__
from .api import make_writer, read, write, write_with
from .model import Record
from .losses import label
from .problems import ExporterError, OutputError, Problem
from .progress import RecordProgress
from .registry import reader_class, reader_names, writer_class, writer_names

#: record IRIs of a store loaded without --base-iri: where `serve` puts them by default
SERVE_BASE_IRI = "http://127.0.0.1:8080/record/"

#: CLI flags that map to writer options (flag dest -> option name).
WRITER_OPTIONS = ("style", "locale", "markup", "base_iri", "mode", "clusters", "bibtex_encoding")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="exporter",
        description="Convert bibliographic records (VuFind, CSL-JSON, ...) to citation and linked-data formats.",
    )
    p.add_argument("--version", action="version", version=f"exporter {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("convert", help="convert records from one format to others")
    c.add_argument("inputs", nargs="*", metavar="INPUT", help="input files; none or - reads standard input")
    c.add_argument("-f", "--from", dest="from_format", metavar="FORMAT", help="input format (default: detected)")
    c.add_argument(
        "-t", "--to", required=True, metavar="FORMAT",
        help="output format; several separated by commas, or 'all' (then -o names a directory)",
    )
    c.add_argument("-o", "--output", metavar="PATH", help="output file (a directory for several formats); default: standard output")
    c.add_argument("--style", help="CSL style name or .csl file (citation); default apa")
    c.add_argument("--locale", help="CSL locale such as en-US, de-DE (citation)")
    c.add_argument("--markup", choices=("text", "html", "markdown", "rtf", "latex"), help="citation markup (default text)")
    c.add_argument("--mode", choices=("bibliography", "citation"),
                   help="citation: citations, one line per record (or per cluster of --clusters, in document order) instead of a bibliography")
    c.add_argument("--clusters", metavar="FILE", help="JSON list of a document's citation clusters, in order, for --mode citation: [[{\"id\": key, \"locator\": \"12\"}], ...], or [{\"cites\": [...], \"note\": N}, ...] with footnote numbers; repeated cites get ibid/subsequent forms")
    c.add_argument("--base-iri", dest="base_iri", metavar="IRI", help="base IRI for record IRIs (linked-data formats)")
    c.add_argument("--bibtex-encoding", dest="bibtex_encoding", choices=("utf-8", "ascii"), help="bibtex/biblatex: utf-8 (default, for biber) or ascii (LaTeX-encoded, for classic bibtex)")
    c.add_argument(
        "--report", metavar="FILE",
        help="write every problem as JSON lines: bad records, and per record what the output format could not hold",
    )
    c.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="show progress (records, records/s, time left) even when stderr is not a terminal")
    c.add_argument("--quiet", dest="progress", action="store_false", help="no progress display")

    d = sub.add_parser("dump", help="publish inputs as a linked-data dump: gzipped shards and a dataset description")
    d.add_argument("inputs", nargs="*", metavar="INPUT", help="input files (VuFind JSON lines, Solr responses, ...); - for stdin")
    d.add_argument("--store", metavar="FILE", help="dump the records of a store made by exporter load (instead of INPUT)")
    d.add_argument("--out", required=True, metavar="DIR", help="folder for the shards and the description")
    d.add_argument("-f", "--from", dest="from_format", metavar="FORMAT", help="input format (default: detected)")
    d.add_argument("--format", dest="formats", action="append", choices=("nt", "jsonld-lines", "ttl"),
                   help="shard format; repeat for several (default nt)")
    d.add_argument("--base-iri", dest="base_iri", metavar="IRI", default=None, help="base IRI for record IRIs")
    d.add_argument("--shard-records", type=int, default=None, metavar="N",
                   help="input records per shard (default: an eighth of the input, 1000 to 100000)")
    d.add_argument("--workers", type=int, default=1, metavar="N", help="parallel processes (or Dask workers for a local cluster)")
    d.add_argument("--engine", choices=("local", "dask"), default="local", help="run shards here or on a Dask cluster")
    d.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786); default: a local cluster")
    d.add_argument("--resume", action="store_true", help="keep the complete shards in DIR and write the rest")
    d.add_argument("--html", action="store_true",
                   help="also write one HTML page per record into DIR/html (4,096 subfolders)")
    d.add_argument("--html-styles", metavar="STYLES",
                   help="comma-separated CSL styles cited on each page (default apa,vancouver-nlm,ieee; "
                        "'' for none); implies --html")
    d.add_argument("--html-formats", metavar="FORMATS",
                   help="comma-separated writers whose files are offered beside each page (default "
                        "bibtex,ris,csl-json,jsonld,turtle,ntriples; '' for none); implies --html")
    d.add_argument("--compress-level", dest="compress_level", type=int, default=6, choices=range(10), metavar="N",
                   help="gzip level of the shards, 0 (none) to 9 (smallest), the same with every backend (default 6)")
    d.add_argument("--compress-backend", dest="compress_backend", choices=("auto", "zlib-ng", "gzip"), default="auto",
                   help="gzip library: zlib-ng (pip install 'exporter[fast]'; faster, at the same level) or "
                        "gzip (Python's zlib); default auto: zlib-ng when installed")
    d.add_argument("--title", help="dataset title for the description")
    d.add_argument("--publisher", help="publisher (your library) for the description")
    d.add_argument("--license", help="licence IRI of the data (default CC0 1.0)")
    d.add_argument("--download-base", dest="download_base", metavar="URL",
                   help="public address of DIR, for absolute download links (default: names relative to the description)")
    d.add_argument("--date", help="publication date for the description (default today)")
    d.add_argument("--progress", dest="progress", action="store_true", default=None, help="show progress even without a terminal")
    d.add_argument("--quiet", dest="progress", action="store_false", help="no progress display")

    sub.add_parser("formats", help="list the readers and writers")

    ld = sub.add_parser("load", help="load records into a store (SQLite) for exporter serve and dump --store")
    ld.add_argument("inputs", nargs="*", metavar="INPUT",
                    help="input files; - for stdin; none with --sparql: only rebuild the SPARQL store")
    ld.add_argument("--store", required=True, metavar="FILE", help="the store file (created when missing)")
    ld.add_argument("-f", "--from", dest="from_format", metavar="FORMAT", help="input format (default: detected)")
    ld.add_argument("--base-iri", dest="base_iri", metavar="IRI",
                    help="base IRI of record IRIs, kept in the store (default: the serving address + /record/)")
    ld.add_argument("--sparql", nargs="?", const="", default=None, metavar="DIR",
                    help="also build the SPARQL store (pyoxigraph) from the whole store, in DIR (default: STORE.oxigraph)")

    sv = sub.add_parser("serve", help="serve a store over HTTP: record IRIs with content negotiation, the dataset, SPARQL")
    sv.add_argument("--store", required=True, metavar="FILE", help="a store made by exporter load")
    sv.add_argument("--base-iri", dest="base_iri", metavar="IRI", help="base IRI of record IRIs (default: the store's, else http://HOST:PORT/record/)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    sv.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sv.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    sv.add_argument("--sparql", metavar="DIR", help="SPARQL store made by exporter load --sparql (default: STORE.oxigraph when present)")
    sv.add_argument("--dumps", metavar="DIR", help="a dump folder (exporter dump --store) to publish under /dumps/")
    sv.add_argument("--sparql-timeout", type=float, default=10.0, metavar="SECONDS", help="longest a query may run (default 10)")
    sv.add_argument("--sparql-max-bytes", type=int, default=10_000_000, metavar="N", help="largest SPARQL result in bytes (default 10000000)")
    sv.add_argument("--title", help="dataset title for the description")
    sv.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(signal, "SIGXFSZ"):
        # past a file-size limit (ulimit -f), a write fails with EFBIG, said in one line,
        # instead of the signal killing the process with a half-written file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        if args.command == "formats":
            return _formats()
        if args.command == "dump":
            return _dump(args)
        if args.command == "load":
            return _load(args)
        if args.command == "serve":
            return _serve(args)
        return _convert(args)
    except OutputError as exc:  # the environment refused (permissions, full disk, ...)
        print(f"exporter: {exc}", file=sys.stderr)
        return 1
    except ExporterError as exc:
        print(f"exporter: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # any other refusal of the environment, said in one line
        if isinstance(exc, BrokenPipeError):  # stdout closed early (| head): not an error of ours
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"exporter: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("exporter: interrupted", file=sys.stderr)
        return 130


def _formats() -> int:
    print("readers:")
    for name in reader_names():
        cls = reader_class(name)
        print(f"  {name:<12} {', '.join(cls.extensions):<24} {cls.media_type:<40} {cls.title}")
    print("writers:")
    for name in writer_names():
        cls = writer_class(name)
        print(f"  {name:<12} {', '.join(cls.extensions):<24} {cls.media_type:<40} {cls.title}")
    return 0


class _Problems:
    """Prints errors and warnings on stderr as they come; counts losses (facets a format
    cannot hold) and prints one summary line for them; writes everything to --report."""

    def __init__(self, report_path: str | None, say: Callable[[str], None] | None = None) -> None:
        self.errors = 0
        self.losses: dict[str, Counter[str]] = {}
        self._report = open(report_path, "w", encoding="utf-8") if report_path else None
        self._say = say or (lambda text: print(text, file=sys.stderr))

    def __call__(self, problem: Problem) -> None:
        if self._report:
            self._report.write(json.dumps(problem.as_dict(), ensure_ascii=False) + "\n")
        if problem.severity == "loss":
            self.losses.setdefault(problem.source, Counter()).update(problem.reason.split(", "))
            return
        if problem.severity == "error":
            self.errors += 1
        self._say(str(problem))

    def close(self, report_path: str | None) -> None:
        for fmt, counter in self.losses.items():
            # most frequent first; the first count says what the numbers count
            ranked = sorted(counter.items(), key=lambda fc: (-fc[1], label(fc[0])))
            words = ", ".join(
                f"{label(facet)} ({n} record{'s' if n != 1 else ''})" if i == 0 else f"{label(facet)} ({n})"
                for i, (facet, n) in enumerate(ranked))
            hint = f"listed in {report_path}" if report_path else "--report FILE lists them per record"
            print(f"exporter: {fmt} has no field for: {words} ({hint})", file=sys.stderr)
        if self._report:
            self._report.close()


def _records(inputs: list[str], from_format: str | None, problems: _Problems,
             progress: RecordProgress | None = None) -> Iterator[Record]:
    for source in inputs or ["-"]:
        try:
            for record in read(source, from_format, on_problem=problems):
                if progress is not None:
                    progress.add()
                yield record
        except ExporterError as exc:
            problems(Problem(source=source if source != "-" else "<stdin>", reason=str(exc).split(": ", 1)[-1]))


def _convert(args: argparse.Namespace) -> int:
    targets = writer_names() if args.to == "all" else [t.strip() for t in args.to.split(",") if t.strip()]
    options = {k: getattr(args, k) for k in WRITER_OPTIONS if getattr(args, k) is not None}
    if "clusters" in options:
        try:
            with open(options["clusters"], encoding="utf-8") as f:
                options["clusters"] = json.load(f)
        except (OSError, ValueError) as exc:
            raise ExporterError(f"{args.clusters}: cannot read clusters: {exc}") from exc
    if args.from_format:
        reader_class(args.from_format)  # unknown reader: usage error before reading
    if len(targets) == 1:
        fmt = targets[0]
        writer_opts = _options_for(fmt, options, strict=True)
        make_writer(fmt, **writer_opts)
    elif not args.output:
        raise ExporterError("several output formats need -o DIRECTORY")
    progress = _progress(args)
    problems = _Problems(args.report, say=progress.write)
    try:
        if len(targets) == 1:
            records = _records(args.inputs, args.from_format, problems, progress)
            first = next(records, None)
            if first is None and problems.errors and args.output:
                # nothing could be read (a mistyped input, say): the output file keeps what it held
                progress.write(f"exporter: nothing read; {args.output} left as it was")
            else:
                chained = records if first is None else itertools.chain([first], records)
                write(chained, fmt, args.output or "-", on_problem=problems, **writer_opts)
        else:
            os.makedirs(args.output, exist_ok=True)
            # read once, write every format: the records of one run are held in memory
            records = list(_records(args.inputs, args.from_format, problems, progress))
            stem = _stem(args.inputs)
            for fmt in targets:
                writer = make_writer(fmt, **_options_for(fmt, options, strict=False))
                path = os.path.join(args.output, stem + writer.file_suffix())
                write_with(writer, records, path, problems)
                progress.write(path)
    finally:
        progress.close()
    problems.close(args.report)
    return 1 if problems.errors else 0


def _progress(args: argparse.Namespace) -> RecordProgress:
    """The progress line of a conversion: its total estimated from the input files."""
    shown = RecordProgress.for_stderr(args.progress)
    if shown.enabled:
        from .ranges import estimate_inputs

        estimate = estimate_inputs(args.inputs or ["-"], args.from_format)
        if estimate:
            shown.total(estimate)
    return shown


def _names(text: str | None) -> list[str] | None:
    """A comma-separated option as names (None when the option is not given)."""
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def _dump(args: argparse.Namespace) -> int:
    from .linkeddata.dump import run_dump
    from .linkeddata.schemaorg import DEFAULT_BASE_IRI

    if bool(args.inputs) == bool(args.store):
        raise ExporterError("dump needs INPUT files or --store FILE (one of the two)")
    if args.store and not args.base_iri:
        from .store import RecordStore

        with RecordStore(args.store) as store:  # the IRIs serve gives the records
            args.base_iri = store.meta("base_iri") or SERVE_BASE_IRI
    result = run_dump(
        args.inputs, args.out, store=args.store, from_format=args.from_format, formats=args.formats or ["nt"],
        base_iri=args.base_iri or DEFAULT_BASE_IRI, shard_records=args.shard_records, workers=args.workers,
        engine=args.engine, scheduler=args.scheduler, resume=args.resume,
        html=args.html or args.html_styles is not None or args.html_formats is not None,
        html_styles=_names(args.html_styles), html_formats=_names(args.html_formats), progress=args.progress,
        compress_level=args.compress_level, compress_backend=args.compress_backend,
        description={k: getattr(args, k) for k in ("title", "publisher", "license", "download_base", "date")},
    )
    for problem in result.input_problems:
        print(str(problem), file=sys.stderr)
    for shard in result.shards:
        for warning in shard.get("warnings", []):
            print(f"{warning['source']}:record {warning['record']}: {warning['reason']} [warning]", file=sys.stderr)
    rate = result.records / result.seconds if result.seconds else 0
    print(
        f"exporter: dumped {result.records:,} record{'' if result.records == 1 else 's'} ({result.rejected:,} rejected) as {result.triples:,} triples "
        f"in {len(result.shards)} shard(s) to {args.out} in {result.seconds:.1f} s ({rate:,.0f} records/s)",
        file=sys.stderr,
    )
    return 1 if result.rejected else 0


def _load(args: argparse.Namespace) -> int:
    import time

    from .store import RecordStore, load

    if args.base_iri:
        from .formats.rdf import NTriplesWriter

        try:
            args.base_iri = NTriplesWriter(base_iri=args.base_iri).base_iri  # as the dumps check it
        except ValueError as exc:
            raise ExporterError(str(exc)) from exc
    if not args.inputs and args.sparql is None:
        raise ExporterError("load needs INPUT files (or --sparql, to build the SPARQL store of the store)")
    problems = _Problems(None)
    if args.inputs or args.base_iri:
        started = time.monotonic()
        result = load(args.inputs, args.store, from_format=args.from_format, report=problems, base_iri=args.base_iri)
        print(f"exporter: {result.records:,} records read into {args.store}, {result.written:,} added or changed "
              f"in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if args.sparql is not None:
        from .linkeddata.sparql import build_store

        folder = args.sparql or args.store + ".oxigraph"
        with RecordStore(args.store, create=True) as store:
            base = store.meta("base_iri") or SERVE_BASE_IRI
            started = time.monotonic()
            count = build_store(store, folder, base)
            store.set_meta("sparql_base_iri", base)  # serve warns when it gives other IRIs
        print(f"exporter: SPARQL store {folder}: {count:,} triples in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 1 if problems.errors else 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    sparql = args.sparql
    if sparql is None and os.path.isdir(args.store + ".oxigraph"):
        sparql = args.store + ".oxigraph"
    return serve(store=args.store, base_iri=args.base_iri, host=args.host, port=args.port, workers=args.workers,
                 sparql=sparql, dumps=args.dumps, sparql_timeout=args.sparql_timeout,
                 sparql_max_bytes=args.sparql_max_bytes, title=args.title, log_level=args.log_level)


def _options_for(fmt: str, options: dict[str, Any], strict: bool) -> dict[str, Any]:
    allowed = set(writer_class(fmt).option_names())
    if strict:
        wrong = [k for k in options if k not in allowed]
        if wrong:
            flags = ", ".join("--" + k.replace("_", "-") for k in wrong)
            raise ExporterError(f"{flags} does not apply to -t {fmt}")
    return {k: v for k, v in options.items() if k in allowed}


def _stem(inputs: list[str]) -> str:
    if len(inputs) == 1 and inputs[0] != "-":
        name = os.path.basename(inputs[0])
        for suffix in (".gz",):
            name = name.removesuffix(suffix)
        return os.path.splitext(name)[0]
    return "records"
