"""Formatted citations in any CSL style (https://citationstyles.org), via exporter.csl.

The bibliography is sorted by the style, so this writer holds all records before it writes:
it does not stream. In text markup each entry is one line (newlines inside an entry are
folded); in HTML each entry is a ``<div class="csl-entry">`` inside ``<div class="csl-bib-body">``,
with every character from the data escaped. RTF is a whole document, one paragraph per entry
(non-ASCII as \\uN); LaTeX is a fragment for ``\\input``, one paragraph per entry, specials escaped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable, TextIO

from ..model import Record
from ..normalize.keys import KeyAllocator
from ..plugins import Writer
from ..problems import ExporterError, Problem, ProblemHandler, raise_problem
from .csljson import to_csl

MARKUPS = ("text", "html", "markdown", "rtf", "latex")
#: RTF document around the entries: one paragraph per entry (data is escaped by exporter.csl)
RTF_HEAD = "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n"


@dataclasses.dataclass
class CitationWriter(Writer):
    """A bibliography in a CSL style. Holds every record: styles sort the whole list."""

    name = "citation"
    title = "formatted bibliography in any CSL style (--style, --locale, --markup)"
    extensions = (".citation.txt", ".txt")
    media_type = "text/plain"
    carries = frozenset({"*"})  # a rendering, not a data format: the style decides what shows
    keeps_ids_unique = True  # its KeyAllocator renames and reports as the API would

    style: str = "apa"
    locale: str | None = None
    markup: str = "text"
    #: "bibliography", or "citation": citation clusters, one line each
    mode: str = "bibliography"
    #: for mode "citation": a document's citation clusters in document order, each a list
    #: of cites {"id", "locator"?, "label"?, "prefix"?, "suffix"?} whose ids are record keys
    #: (as in the CSL-JSON output), or {"cites": [...], "note": N} with the number of the
    #: footnote it is in (0: the running text; default: cluster number in note styles).
    #: Repeated cites get their positions (note styles print "Ibid." and short forms).
    #: Default: one cluster per record.
    clusters: list | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("bibliography", "citation"):
            raise ValueError(f"mode must be bibliography or citation, not {self.mode!r}")
        if self.markup not in MARKUPS:
            raise ValueError(f"markup must be one of {', '.join(MARKUPS)}, not {self.markup!r}")
        from ..csl import (  # citeproc is imported only here
            CitationProcessor,
            LocaleNotFound,
            StyleNotFound,
            read_clusters,
        )

        if self.clusters is not None:
            read_clusters(self.clusters)  # malformed clusters: ValueError before anything is read

        try:
            self._processor = CitationProcessor(self.style, locale=self.locale, markup=self.markup)
        except (StyleNotFound, LocaleNotFound) as exc:
            raise ExporterError(str(exc)) from exc
        except (OSError, ValueError) as exc:
            raise ExporterError(f"style {self.style!r}: {exc}") from exc
        if self.mode == "bibliography" and not self._processor.has_bibliography:
            raise ExporterError(f"style {self.style!r} defines no bibliography, only citations: "
                                f"use --mode citation")

    def file_suffix(self) -> str:
        return {"html": ".citation.html", "markdown": ".citation.md", "rtf": ".citation.rtf",
                "latex": ".citation.tex"}.get(self.markup, ".citation.txt")

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        if self._processor.locale_note:
            report(Problem(source="locale", severity="warning", reason=self._processor.locale_note))
        keys = KeyAllocator()
        items = []
        for number, record in enumerate(records, start=1):
            key, renamed = keys.allocate(record)
            if renamed:
                report(Problem(source=self.name, record=number, severity="warning", reason=renamed))
            items.append(to_csl(record, key))
        if self.mode == "citation":
            clusters = self.clusters if self.clusters is not None else [[{"id": item["id"]}] for item in items]
            if self.clusters is not None and items:
                from ..csl import unknown_ids

                for number, cid in unknown_ids(items, clusters):
                    report(Problem(source="clusters", reason=f"cluster {number} cites {cid!r}, which is not the key of any record (printed as {cid + '?'!r})"))
            self._write_entries(self._processor.citations(items, clusters) if items else [], stream)
            return
        entries: list[str] = []
        if items:
            failed: set[str] = set()
            try:
                pairs = self._processor.bibliography_entries(items)
            except Exception:  # noqa: BLE001 - a style bug must not lose the other records
                pairs = self._one_by_one(items, report, failed)
            entries = [entry for _, entry in pairs]
            self._report_omitted(items, pairs, failed, report)
        if self.markup == "html":
            stream.write('<div class="csl-bib-body">\n')
            for entry in entries:
                stream.write(f'  <div class="csl-entry">{_one_line(entry)}</div>\n')
            stream.write("</div>\n")
        else:
            self._write_entries(entries, stream)

    def _write_entries(self, entries: list[str], stream: TextIO) -> None:
        if self.markup == "rtf":
            stream.write(RTF_HEAD)
            for entry in entries:
                stream.write(f"{{\\pard {_one_line(entry)}\\par}}\n")
            stream.write("}\n")
        elif self.markup == "latex":
            stream.write("\n\n".join(_one_line(entry) for entry in entries) + ("\n" if entries else ""))
        else:
            for entry in entries:
                stream.write(_one_line(entry) + "\n")


    def _one_by_one(self, items: list[dict], report: ProblemHandler, failed: set[str]) -> list[tuple[str, str]]:
        """Render each item alone, so that one item the engine cannot format is reported
        and the others are still written (sorted as a group is then no longer possible)."""
        pairs: list[tuple[str, str]] = []
        for number, item in enumerate(items, start=1):
            try:
                pairs.extend(self._processor.bibliography_entries([item]))
            except Exception as exc:  # noqa: BLE001
                failed.add(item["id"])
                report(Problem(source=f"style {self.style}", record=number, reason=f"cannot format {item['id']}: {type(exc).__name__}: {exc}"))
        return pairs

    def _report_omitted(self, items: list[dict], pairs: list[tuple[str, str]], failed: set[str],
                        report: ProblemHandler) -> None:
        """A style may render a record as nothing (chicago-notes-bibliography leaves unpublished
        manuscripts out of the bibliography, CMOS18 14.114); citeproc-js then omits the entry,
        and so do we, but the record is reported, not silently lost."""
        written = {key for key, _ in pairs} | failed
        for number, item in enumerate(items, start=1):
            if item["id"] not in written:
                report(Problem(source=f"style {self.style}", record=number, severity="warning",
                               reason=f"{item['id']}: the style leaves this record out of its bibliography (it renders as nothing)"))


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()

