"""COinS: an OpenURL 1.0 ContextObject in KEV form inside ``<span class="Z3988">``.

Spec: https://web.archive.org/web/2019/http://ocoins.info/ (COinS 1.0) and ANSI/NISO Z39.88-2004
(the KEV formats ``info:ofi/fmt:kev:mtx:journal``, ``book``, ``dissertation``, ``patent``
and ``dc``). Zotero's COinS translator finds every ``span.Z3988`` whose ``title`` holds
such a ContextObject and reads it with ``Zotero.Utilities.parseContextObject``: it needs
``ctx_ver=Z39.88-2004`` and ``rft_val_fmt``, takes ``rft.genre`` for the item type,
``rft.au``/``rft.aulast``+``rft.aufirst`` for authors, ``rft_id=info:doi/...`` for the DOI.

The KEV is percent-encoded (RFC 3986, space as ``%20``) and then HTML-escaped as an
attribute value; the span's text is the title, for readers without the plugin.
"""

from __future__ import annotations

from html import escape
from typing import ClassVar, Iterable, TextIO
from urllib.parse import quote

from ..model import Record
from ..plugins import Writer
from ..problems import ProblemHandler, raise_problem

#: record type -> (metadata format, rft.genre); the first entry is used for every other type
FORMATS: dict[str, tuple[str, str]] = {
    "article-journal": ("journal", "article"), "article-magazine": ("journal", "article"),
    "article-newspaper": ("journal", "article"), "article": ("journal", "preprint"),
    "review": ("journal", "article"), "periodical": ("journal", "journal"),
    "paper-conference": ("book", "proceeding"), "book": ("book", "book"),
    "chapter": ("book", "bookitem"), "report": ("book", "report"),
    "thesis": ("dissertation", ""), "patent": ("patent", ""),
}
#: what each metadata format carries (the writer's per-record answer to ``lost``)
_COMMON = frozenset({"title", "subtitle", "contributor:author", "date:issued", "date:issued:day",
                     "id:doi", "id:pmid", "id:oclc", "link"})
FORMAT_CARRIES: dict[str, frozenset[str]] = {
    "journal": _COMMON | {"container:title", "container:volume", "container:issue", "container:pages",
                          "id:isbn", "id:issn"},
    "book": _COMMON | {"container:title", "container:volume", "container:issue", "container:pages",
                       "publisher", "place", "edition", "series", "id:isbn", "id:issn"},
    "dissertation": _COMMON | {"publisher", "place", "edition", "series", "genre", "id:isbn", "id:issn",
                               "container:volume", "container:issue", "container:pages"},
    "patent": _COMMON | {"id:isbn", "id:issn", "container:volume", "container:issue", "container:pages"},
    "dc": _COMMON | {"publisher", "language", "abstract", "subject"},
}
CARRIES = frozenset().union(*FORMAT_CARRIES.values())


def _q(value: str) -> str:
    return quote(" ".join(value.split()), safe="")


def context_object(record: Record) -> str:
    """The record as an OpenURL 1.0 KEV ContextObject (not yet HTML-escaped)."""
    fmt, genre = FORMATS.get(record.type, ("dc", ""))
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}")]
    for ident in record.identifiers:
        if ident.scheme == "doi":
            pairs.append(("rft_id", f"info:doi/{ident.value}"))
        elif ident.scheme == "pmid":
            pairs.append(("rft_id", f"info:pmid/{ident.value}"))
        elif ident.scheme == "oclc":
            pairs.append(("rft_id", f"info:oclcnum/{ident.value}"))
    if record.url:
        pairs.append(("rft_id", record.url))
    if genre:
        pairs.append(("rft.genre", genre))
    title = record.full_title or ""
    c = record.container
    date = record.issued.iso() if record.issued else None
    if fmt == "dc":
        pairs.append(("rft.title", title))
        pairs += [("rft.creator", a.sort_name()) for a in record.contributors if a.role == "author"]
        pairs += [("rft.publisher", record.publisher or ""), ("rft.date", date or ""),
                  ("rft.type", record.type), ("rft.language", record.language or ""),
                  ("rft.description", record.abstract or "")]
        pairs += [("rft.subject", s.term) for s in record.subjects]
    else:
        if fmt == "journal":
            pairs += [("rft.atitle", title), ("rft.jtitle", c.title if c and c.title else "")]
        elif record.type in ("chapter", "paper-conference"):
            pairs += [("rft.atitle", title), ("rft.btitle", c.title if c and c.title else "")]
        elif fmt == "book":
            pairs.append(("rft.btitle", title))
        else:
            pairs.append(("rft.title", title))
        if c:
            pairs += [("rft.volume", c.volume or ""), ("rft.issue", c.issue or "")]
            if c.page_start:
                pairs += [("rft.spage", c.page_start), ("rft.epage", c.page_end or "")]
            elif c.page_range:
                pairs.append(("rft.pages", c.page_range))
        pairs.append(("rft.date", date or ""))
        for a in record.contributors:
            if a.role != "author":
                continue
            if a.literal:
                pairs.append(("rft.aucorp" if fmt != "dissertation" else "rft.au", a.literal))
            else:
                pairs += [("rft.aulast", " ".join(p for p in (a.particle, a.family) if p)),
                          ("rft.aufirst", a.given or "")] if a is record.authors[0] else [("rft.au", a.sort_name())]
        if fmt in ("book", "dissertation"):
            pairs += [("rft.pub" if fmt == "book" else "rft.inst", record.publisher or ""),
                      ("rft.place", record.place or ""), ("rft.edition", record.edition or ""),
                      ("rft.series", record.series or "")]
        if fmt == "dissertation" and record.genre:
            pairs.append(("rft.degree", record.genre))
        pairs += [("rft.isbn", v) for v in record.ids("isbn")]
        pairs += [("rft.issn", v) for v in record.ids("issn")]
    return "&".join(f"{k}={_q(v)}" for k, v in pairs if v and v.strip())


def coins_span(record: Record, text: str | None = None) -> str:
    """The ``<span class="Z3988">`` for one record, HTML-escaped."""
    shown = escape(" ".join((record.full_title if text is None else text).split())) if (text or record.full_title) else ""
    return f'<span class="Z3988" title="{escape(context_object(record), quote=True)}">{shown}</span>'


class COinSWriter(Writer):
    """One COinS span per record, one per line (HTML snippets to paste into a page)."""

    name = "coins"
    title = "COinS (OpenURL 1.0 ContextObjects in HTML spans)"
    extensions = (".coins.html",)
    media_type = "text/html"
    carries: ClassVar[frozenset[str]] = CARRIES

    def lost(self, record: Record) -> list[str]:
        """Per record: the ContextObject format of the record's type decides what it holds."""
        from ..losses import lost

        return lost(record, FORMAT_CARRIES[FORMATS.get(record.type, ("dc", ""))[0]])

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for record in records:
            stream.write(coins_span(record) + "\n")
