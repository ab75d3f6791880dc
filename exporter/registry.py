"""Format registry: names -> lazily imported reader and writer classes.

Built-in formats and third-party plugins (entry points ``exporter.readers`` and
``exporter.writers``) go through the same lookup, in the manner of rdflib's ``plugin.get``.
Nothing is imported until a format is asked for, so reading RIS never imports rdflib or
citeproc. The registry also detects an input's format from its file extension, and by
sniffing the content where the extension is missing or ambiguous.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import PurePath

from .plugins import Reader, Writer
from .problems import ExporterError


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "reader" or "writer"
    target: str  # "package.module:Class"

    def load(self) -> type:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


_BUILTIN_READERS = {
    "vufind": "exporter.formats.vufind:VuFindSolrReader",
    "vufind-text": "exporter.formats.vufind:VuFindTextReader",
    "csl-json": "exporter.formats.csljson:CSLJSONReader",
    "bibtex": "exporter.formats.bibtex_reader:BibTeXReader",
    "biblatex": "exporter.formats.bibtex_reader:BibLaTeXReader",
    "ris": "exporter.formats.ris_reader:RISReader",
    "medline": "exporter.formats.medline:MedlineReader",
    "pubmed-xml": "exporter.formats.pubmedxml:PubMedXMLReader",
    "marc": "exporter.formats.marc:MARCReader",
    "marcxml": "exporter.formats.marc:MARCXMLReader",
    "marc-json": "exporter.formats.marc:MARCJSONReader",
    "mods": "exporter.formats.mods:MODSReader",
    "endnote": "exporter.formats.endnote:EndNoteReader",
    "endnote-xml": "exporter.formats.endnote:EndNoteXMLReader",
}

_BUILTIN_WRITERS = {
    "bibtex": "exporter.formats.bibtex:BibTeXWriter",
    "biblatex": "exporter.formats.bibtex:BibLaTeXWriter",
    "ris": "exporter.formats.ris:RISWriter",
    "csl-json": "exporter.formats.csljson:CSLJSONWriter",
    "citation": "exporter.formats.citation:CitationWriter",
    "jsonld": "exporter.formats.rdf:JSONLDWriter",
    "turtle": "exporter.formats.rdf:TurtleWriter",
    "ntriples": "exporter.formats.rdf:NTriplesWriter",
    "rdfxml": "exporter.formats.rdf:RDFXMLWriter",
    "marc": "exporter.formats.marc:MARCWriter",
    "marcxml": "exporter.formats.marc:MARCXMLWriter",
    "marc-json": "exporter.formats.marc:MARCJSONWriter",
    "mods": "exporter.formats.mods:MODSWriter",
    "endnote": "exporter.formats.endnote:EndNoteWriter",
    "refworks": "exporter.formats.endnote:RefWorksWriter",
    "oai-dc": "exporter.formats.mods:OAIDCWriter",
    "coins": "exporter.formats.coins:COinSWriter",
}


@cache
def _entries(kind: str) -> dict[str, Entry]:
    builtin = _BUILTIN_READERS if kind == "reader" else _BUILTIN_WRITERS
    found = {name: Entry(name, kind, target) for name, target in builtin.items()}
    for ep in entry_points(group=f"exporter.{kind}s"):
        # Built-ins win: a plugin cannot silently replace a core format.
        found.setdefault(ep.name, Entry(ep.name, kind, ep.value))
    return found


def reader_names() -> list[str]:
    return sorted(_entries("reader"))


def writer_names() -> list[str]:
    return sorted(_entries("writer"))


@cache
def reader_class(name: str) -> type[Reader]:
    return _load("reader", name)  # type: ignore[return-value]


@cache
def writer_class(name: str) -> type[Writer]:
    return _load("writer", name)  # type: ignore[return-value]


def _load(kind: str, name: str) -> type:
    entries = _entries(kind)
    key = name.lower()
    if key not in entries:
        known = ", ".join(sorted(entries))
        raise ExporterError(f"unknown {kind} format {name!r} (known: {known})")
    try:
        return entries[key].load()
    except (ImportError, AttributeError) as exc:
        raise ExporterError(f"the {kind} for {name!r} could not be loaded: {exc}") from exc


def detect_format(path: str | None, head: str) -> str:
    """The reader name for an input: among the readers claiming its extension, the first
    whose sniffer recognises the content; else any reader that recognises it; else the only
    reader claiming the extension (a .txt file may be a VuFind page or a PubMed export)."""
    names = reader_names()
    by_ext: list[str] = []
    if path and path != "-":
        suffixes = [s.lower() for s in PurePath(path).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes.pop()
        ext = suffixes[-1] if suffixes else ""
        by_ext = [n for n in names if ext and ext in reader_class(n).extensions]
    for name in by_ext + [n for n in names if n not in by_ext]:
        if reader_class(name).sniff(head):
            return name
    if len(by_ext) == 1:
        return by_ext[0]
    where = path if path and path != "-" else "standard input"
    raise ExporterError(
        f"{where}: cannot tell the input format; give --from "
        f"(readers: {', '.join(reader_names())})"
    )
