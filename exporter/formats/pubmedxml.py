"""PubMed XML reader (E-utilities efetch ``PubmedArticleSet``).

Spec: the PubMed DTD and its element descriptions,
https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd and
https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html.

Safety and memory:

* The input is cut into ``<PubmedArticle>`` / ``<PubmedBookArticle>`` pieces by a streaming
  scanner that reads 1 MB at a time, and each piece is parsed alone with the standard
  library's expat parser. A piece holds no DOCTYPE, so it cannot declare entities: no
  external entity is ever resolved, nothing is fetched from the network, and an entity
  bomb has nothing to expand. Entity declarations in the prolog (the DOCTYPE's internal
  subset) are refused with an error Problem; the articles that use them then fail alone.
  (``defusedxml`` is not needed for this design and is not a dependency. As a second line
  of defence, the expat bundled with Python 3.11 here, 2.5.0, itself refuses a billion-laughs
  document with "limit on input amplification factor ... breached".)
* Memory is bounded by the largest single article (a piece larger than
  ``max_article_chars`` is skipped with a Problem), not by the file.
* A malformed article is reported with its line, and the articles around it still read.

Inline markup in titles and abstracts (``<i>``, ``<b>``, ``<sup>``, ``<sub>``) is kept as
CSL rich-text markup; other tags keep only their text.
"""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TextIO

from ..model import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    PartialDate,
    Provenance,
    Record,
    Rights,
    Subject,
)
from ..normalize.dates import MONTHS, SEASONS, parse_medline_date
from ..normalize.identifiers import clean_doi, clean_isbn, clean_issn, clean_pmcid
from ..normalize.languages import to_bcp47
from ..normalize.names import dot_initials, nlm_title
from ..normalize.pages import split_pages
from ..normalize.text import decode_bytes
from ..plugins import Reader
from ..problems import Problem
from .medline import PUBLICATION_TYPES
from .xmlutil import XMLSplitter

# -- mapping tables -------------------------------------------------------------------------

#: ArticleId/ELocationID types -> identifier scheme.
ARTICLE_ID_SCHEMES: dict[str, str] = {"pubmed": "pmid", "doi": "doi", "pmc": "pmcid", "pmcid": "pmcid"}

#: ISSN types -> identifier scheme.
ISSN_SCHEMES: dict[str, str] = {"print": "issn", "electronic": "eissn"}

#: AuthorList Type -> role.
AUTHOR_LIST_ROLES: dict[str, str] = {"authors": "author", "editors": "editor"}

#: Inline elements kept as CSL rich-text markup.
INLINE_MARKUP: dict[str, tuple[str, str]] = {
    "i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"),
    "u": ("", ""), "mml:math": ("", ""),
}

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")

_START = re.compile(r"<(PubmedArticle|PubmedBookArticle)(?=[\s>])")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_CHUNK = 1 << 20


@dataclasses.dataclass
class Piece:
    text: str | None
    line: int
    problem: Problem | None = None
    is_article: bool = False  # a problem about one article (counted as a record)


def iter_pieces(stream: TextIO, source: str, max_chars: int) -> Iterator[Piece]:
    """The article elements of a PubmedArticleSet as text, each with its first line.

    When the stream turns out not to be UTF-8 and its bytes can be re-read, the input is
    decoded again with the declared fallback encodings (a warning says so) and the
    articles already given are skipped."""
    given = 0
    for piece in _pieces(stream, source, max_chars):
        if piece.problem is not None and piece.problem.reason == _NOT_UTF8:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None and buffer.seekable():
                buffer.seek(0)
                text, encoding = decode_bytes(buffer.read())
                yield Piece(None, 1, Problem(source=source, reason=f"input is not valid UTF-8; read as {encoding}", severity="warning"))
                for number, again in enumerate(_pieces(io.StringIO(text), source, max_chars)):
                    if number >= given:
                        yield again
                return
        if piece.text is not None:
            given += 1
        yield piece


_NOT_UTF8 = "input is not valid UTF-8; the rest was not read"


def _pieces(stream: TextIO, source: str, max_chars: int) -> Iterator[Piece]:
    """The scanner: ``buffer[pos:]`` is the text not yet given, ``line`` the line at ``pos``.
    Positions move forward; the buffer is cut only when more text is read, so that many
    small articles in one chunk cost linear time."""
    buffer = ""
    pos = 0
    line = 1
    prolog_checked = False
    eof = False
    found = 0
    search_from = 0  # where to look for the open article's end tag in ``buffer``

    def read_more() -> Piece | None:
        nonlocal buffer, pos, eof, search_from
        try:
            chunk = stream.read(_CHUNK)
        except UnicodeDecodeError:
            return Piece(None, line, Problem(source=source, line=line, reason=_NOT_UTF8))
        if isinstance(chunk, bytes):
            chunk = chunk.decode("utf-8", errors="replace")
        if not chunk:
            eof = True
        search_from = max(0, search_from - pos)
        buffer = buffer[pos:] + chunk
        pos = 0
        return None

    while True:
        if not eof and len(buffer) - pos < _CHUNK:
            problem = read_more()
            if problem is not None:
                yield problem
                return
        m = _START.search(buffer, pos)
        if not prolog_checked and (m or eof or len(buffer) - pos > _CHUNK):
            prolog = buffer[pos: m.start()] if m else buffer[pos:]
            prolog_checked = True
            if "\x00" in prolog or (not m and "<" not in prolog):
                yield Piece(None, 1, Problem(source=source, line=1, reason="not XML: no PubmedArticleSet found"))
                return
            if _ENTITY_DECL.search(prolog):
                yield Piece(None, 1, Problem(source=source, line=1, reason="the DOCTYPE declares entities; refused (no entity is expanded), articles using them cannot be read"))
        if m is None:
            if eof:
                if found == 0:
                    yield Piece(None, line, Problem(source=source, reason="no PubmedArticle or PubmedBookArticle element found"))
                return
            keep_from = max(pos, len(buffer) - 40)  # a tail that may hold the start of a tag
            line += buffer.count("\n", pos, keep_from)
            pos = keep_from
            problem = read_more()
            if problem is not None:
                yield problem
                return
            continue
        tag = m.group(1)
        end_tag = f"</{tag}>"
        end = buffer.find(end_tag, max(m.end(), search_from))
        if end < 0:
            start_line = line + buffer.count("\n", pos, m.start())
            if eof:
                yield Piece(None, start_line, Problem(source=source, line=start_line, reason=f"{tag} is not closed: input truncated", raw=buffer[m.start():m.start() + 500]), is_article=True)
                return
            if len(buffer) - m.start() > max_chars:
                yield Piece(None, start_line, Problem(source=source, line=start_line, reason=f"{tag} is larger than {max_chars} characters; skipped"), is_article=True)
                buffer, line, eof = _skip_past(stream, buffer, m.start(), end_tag, start_line)
                pos = search_from = 0
                continue
            line = start_line
            pos = m.start()
            search_from = max(m.end(), len(buffer) - len(end_tag))
            problem = read_more()
            if problem is not None:
                yield problem
                return
            continue
        search_from = 0
        start_line = line + buffer.count("\n", pos, m.start())
        following = _START.search(buffer, m.end(), end)
        if following is not None:
            # the next article starts before this one ends: this one was cut off (a harvest
            # interrupted mid-write); it costs itself, and the next one is read as it is
            yield Piece(None, start_line, Problem(
                source=source, line=start_line, raw=buffer[m.start():m.start() + 500],
                reason=f"{tag} is not closed before the next article starts: truncated"), is_article=True)
            line = start_line + buffer.count("\n", m.start(), following.start())
            pos = following.start()
            continue
        stop = end + len(end_tag)
        found += 1
        yield Piece(buffer[m.start():stop], start_line)
        line = start_line + buffer.count("\n", m.start(), stop)
        pos = stop


def _skip_past(stream: TextIO, buffer: str, start: int, end_tag: str, line: int) -> tuple[str, int, bool]:
    """Read past the end of an oversized article, keeping none of it; ``line`` is its start."""
    tail = ""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return "", line, True
        text = tail + chunk
        pos = text.find(end_tag)
        if pos >= 0:
            stop = pos + len(end_tag)
            return text[stop:], line + text.count("\n", 0, stop), False
        line += text[: -len(end_tag)].count("\n")
        tail = text[-len(end_tag):]


# -- elements to record ---------------------------------------------------------------------


def rich_text(elem: ET.Element | None) -> str | None:
    """An element's text with inline markup kept as CSL rich text, whitespace collapsed."""
    if elem is None:
        return None
    parts: list[str] = [elem.text or ""]
    for child in elem:
        open_, close = INLINE_MARKUP.get(child.tag, ("", ""))
        parts.append(f"{open_}{rich_text(child) or ''}{close}")
        parts.append(child.tail or "")
    text = " ".join("".join(parts).split())
    return text or None


def _text(elem: ET.Element | None, path: str) -> str | None:
    found = elem.find(path) if elem is not None else None
    if found is None:
        return None
    text = " ".join("".join(found.itertext()).split())
    return text or None


def pub_date(elem: ET.Element | None) -> DateValue | None:
    """PubDate/ArticleDate/BookDocument dates: Year, Month (number or name), Day, Season, or
    a MedlineDate text ("1998 Dec-1999 Jan")."""
    if elem is None:
        return None
    medline = _text(elem, "MedlineDate")
    if medline:
        return parse_medline_date(medline)
    year = _text(elem, "Year")
    if not year or not year.isdigit():
        return None
    month_text = (_text(elem, "Month") or "").lower()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    day_text = _text(elem, "Day") or ""
    season = SEASONS.get((_text(elem, "Season") or "").lower())
    try:
        if month:
            return DateValue(start=PartialDate(int(year), month, int(day_text) if day_text.isdigit() else None))
        return DateValue(start=PartialDate(int(year), season=season))
    except ValueError:
        return DateValue(start=PartialDate(int(year)))


def _author(elem: ET.Element, role: str) -> Contributor | None:
    affiliations = tuple(a for a in (_text(ai, "Affiliation") for ai in elem.findall("AffiliationInfo")) if a)
    orcid = None
    for ident in elem.findall("Identifier"):
        if (ident.get("Source") or "").upper() == "ORCID" and ident.text:
            orcid = ident.text.strip().rsplit("/", 1)[-1]
    collective = rich_text(elem.find("CollectiveName"))
    if collective:
        return Contributor(literal=collective, role=role, affiliations=affiliations)
    family = _text(elem, "LastName")
    if not family:
        return None
    given = dot_initials(_text(elem, "ForeName")) or dot_initials(_text(elem, "Initials"), run_together=True)
    return Contributor(family=family, given=given, suffix=_text(elem, "Suffix"), role=role, orcid=orcid, affiliations=affiliations)


def _contributors(root: ET.Element) -> tuple[Contributor, ...]:
    people: list[Contributor] = []
    for author_list in root.iter("AuthorList"):
        role = AUTHOR_LIST_ROLES.get((author_list.get("Type") or "authors").lower(), "author")
        for elem in author_list.findall("Author"):
            if (elem.get("ValidYN") or "Y") != "Y":
                continue
            person = _author(elem, role)
            if person is not None:
                people.append(person)
    return tuple(people)


def _abstract(elem: ET.Element | None) -> str | None:
    if elem is None:
        return None
    sections = []
    for part in elem.findall("AbstractText"):
        text = rich_text(part)
        if not text:
            continue
        label = part.get("Label")
        sections.append(f"{label}: {text}" if label else text)
    return "\n".join(sections) or None


def _mesh(root: ET.Element) -> list[Subject]:
    """MeSH headings as MEDLINE writes them ("Chromatium/*enzymology"): descriptor, then
    qualifiers, a star before each major topic; so both PubMed formats give the same terms."""
    out: list[Subject] = []
    for heading in root.iter("MeshHeading"):
        descriptor = heading.find("DescriptorName")
        if descriptor is None or not (descriptor.text or "").strip():
            continue
        parts = [_starred(descriptor)]
        parts += [_starred(q) for q in heading.findall("QualifierName") if (q.text or "").strip()]
        out.append(Subject("/".join(parts), "mesh"))
    return out


def _starred(elem: ET.Element) -> str:
    text = " ".join((elem.text or "").split())
    return f"*{text}" if elem.get("MajorTopicYN") == "Y" else text


def article_to_record(root: ET.Element) -> tuple[Record, list[str]]:
    warnings: list[str] = []
    extra: list[tuple[str, str]] = []
    identifiers: list[Identifier] = []

    def add(scheme: str, value: str | None) -> None:
        if not value:
            return
        cleaned = {"doi": clean_doi, "pmcid": clean_pmcid, "issn": clean_issn, "eissn": clean_issn, "isbn": clean_isbn}.get(scheme, str.strip)(value)
        if cleaned and Identifier(scheme, cleaned) not in identifiers:
            identifiers.append(Identifier(scheme, cleaned))

    citation = root.find("MedlineCitation")
    book_doc = root.find("BookDocument")
    base = citation if citation is not None else book_doc
    if base is None:
        raise ValueError(f"{root.tag} has neither MedlineCitation nor BookDocument")
    add("pmid", _text(base, "PMID"))
    article = base.find("Article") if citation is not None else book_doc
    if article is None:
        raise ValueError("MedlineCitation has no Article")
    journal = article.find("Journal")
    title = nlm_title(rich_text(article.find("ArticleTitle")))
    vernacular = nlm_title(rich_text(article.find("VernacularTitle")))
    original_title = None
    if not title and vernacular:
        title = vernacular
    elif vernacular:
        # the title in the article's own language; ArticleTitle is its English translation
        original_title = vernacular

    container = None
    issued = None
    publisher = place = None
    if journal is not None:
        rtype = "article-journal"
        for issn in journal.findall("ISSN"):
            add(ISSN_SCHEMES.get((issn.get("IssnType") or "print").lower(), "issn"), issn.text)
        issue_elem = journal.find("JournalIssue")
        issued = pub_date(issue_elem.find("PubDate") if issue_elem is not None else None)
        start, end, pages = split_pages(_text(article, "Pagination/MedlinePgn"), expand=True)
        if not (start or pages):
            start, end = _text(article, "Pagination/StartPage"), _text(article, "Pagination/EndPage")
        container = Container(
            title=_text(journal, "Title"),
            short_title=_text(journal, "ISOAbbreviation") or _text(base, "MedlineJournalInfo/MedlineTA"),
            volume=_text(issue_elem, "Volume"),
            issue=_text(issue_elem, "Issue"),
            page_start=start,
            page_end=end,
            pages=pages,
        )
    else:  # a book or a book chapter (PubmedBookArticle)
        book = article.find("Book")
        book_title = rich_text(book.find("BookTitle")) if book is not None else None
        rtype = "chapter" if title and book_title else "book"
        if rtype == "book":
            title = title or book_title
        else:
            container = Container(title=book_title)
        issued = pub_date(book.find("PubDate") if book is not None else None)
        publisher = _text(book, "Publisher/PublisherName")
        place = _text(book, "Publisher/PublisherLocation")
        for isbn in (book.findall("Isbn") if book is not None else []):
            add("isbn", isbn.text)
    for eloc in article.findall("ELocationID"):
        scheme = ARTICLE_ID_SCHEMES.get((eloc.get("EIdType") or "").lower())
        if scheme and (eloc.get("ValidYN") or "Y") == "Y":
            add(scheme, eloc.text)
        elif eloc.text:
            extra.append((f"ELocationID:{eloc.get('EIdType')}", eloc.text.strip()))
    for aid in root.iter("ArticleId"):
        if aid.text is None:
            continue
        scheme = ARTICLE_ID_SCHEMES.get((aid.get("IdType") or "").lower())
        if scheme:
            add(scheme, aid.text)
        elif not any(v == aid.text.strip() for _, v in extra):
            extra.append((f"ArticleId:{aid.get('IdType')}", aid.text.strip()))
    # references cite other articles: their ArticleIds are not this article's
    identifiers = [i for i in identifiers if i in _own_ids(root, identifiers)]
    linking = clean_issn(_text(base, "MedlineJournalInfo/ISSNLinking") or "")
    if linking and not any(i.value == linking for i in identifiers):
        add("issn", linking)  # the ISSN-L is one of the journal's ISSNs

    languages = [to_bcp47(lang.text.strip()) for lang in article.findall("Language") if lang.text]
    for other in languages[1:]:
        extra.append(("Language", other or ""))
    subjects = _mesh(base)
    subjects += [Subject(" ".join(k.itertext()).strip(), "keyword") for k in base.iter("Keyword") if "".join(k.itertext()).strip()]
    pub_types = [p.text.strip() for p in article.iter("PublicationType") if p.text]
    subjects += [Subject(p, "publication-type") for p in pub_types]
    for p in pub_types:
        mapped = PUBLICATION_TYPES.get(p.lower())
        if mapped and mapped not in ("article-journal",) and rtype == "article-journal":
            rtype = mapped
            break
    online = None
    for date_elem in article.findall("ArticleDate"):
        if (date_elem.get("DateType") or "Electronic") == "Electronic":
            online = pub_date(date_elem)
    copyright_text = _text(article, "Abstract/CopyrightInformation")
    if issued is None:
        warnings.append("no publication date")
    elif issued.literal:
        warnings.append(f"date {issued.literal!r} is not a date; kept as text")
    pmid = next((i.value for i in identifiers if i.scheme == "pmid"), None)
    record = Record(
        type=rtype,
        title=title,
        contributors=_contributors(article if citation is not None else root),
        container=container,
        issued=issued,
        online=online,
        publisher=publisher,
        place=place,
        identifiers=tuple(identifiers),
        abstract=_abstract(article.find("Abstract")),
        subjects=tuple(subjects),
        language=languages[0] if languages else None,
        rights=Rights(statement=copyright_text) if copyright_text else None,
        provenance=Provenance(source_system="PubMed", source_id=pmid, database="PubMed", record_format="PubMed XML"),
        original_title=original_title,
        extra=tuple((f"pubmed:{key}", value) for key, value in extra),
    )
    return record, warnings


def _own_ids(root: ET.Element, identifiers: list[Identifier]) -> set[Identifier]:
    """The identifiers not taken from the ReferenceList (which lists cited works)."""
    cited: set[Identifier] = set()
    for ref in root.iter("Reference"):
        for aid in ref.iter("ArticleId"):
            scheme = ARTICLE_ID_SCHEMES.get((aid.get("IdType") or "").lower())
            if scheme and aid.text:
                cited.add(Identifier(scheme, aid.text.strip()))
    own: set[Identifier] = set()
    data = root.find("PubmedData") or root.find("PubmedBookData")
    for aid in (data.findall("ArticleIdList/ArticleId") if data is not None else []):
        scheme = ARTICLE_ID_SCHEMES.get((aid.get("IdType") or "").lower())
        if scheme and aid.text:
            own.add(Identifier(scheme, aid.text.strip()))
    return {i for i in identifiers if i not in cited or i in own}


class PubMedXMLReader(Reader):
    """PubMed XML (efetch ``PubmedArticleSet``): articles and book articles, streamed."""

    name = "pubmed-xml"
    title = "PubMed XML (E-utilities efetch)"
    extensions = (".xml",)
    media_type = "application/xml"

    max_article_chars: int = 200_000_000

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        number = 0
        for piece in iter_pieces(stream, source, self.max_article_chars):
            if piece.problem is not None:
                if piece.is_article:
                    number += 1
                    yield dataclasses.replace(piece.problem, record=number)
                else:
                    yield piece.problem
                continue
            number += 1
            try:
                root = ET.fromstring(piece.text)  # type: ignore[arg-type]
            except ET.ParseError as exc:
                line = piece.line + (exc.position[0] - 1 if exc.position else 0)
                yield Problem(source=source, record=number, line=line, reason=f"malformed XML: {exc}", raw=(piece.text or "")[:500])
                continue
            except UnicodeEncodeError as exc:  # bytes that were not UTF-8 (kept as surrogates)
                byte = ord(exc.object[exc.start]) - 0xDC00
                line = piece.line + (piece.text or "").count("\n", 0, exc.start)
                yield Problem(source=source, record=number, line=line,
                              reason=f"not UTF-8: byte 0x{byte:02x} cannot be decoded; the record is skipped")
                continue
            try:
                record, warnings = article_to_record(root)
            except RecursionError:
                yield Problem(source=source, record=number, line=piece.line, reason="elements nested too deeply to read")
                continue
            except (ValueError, TypeError, AttributeError) as exc:
                yield Problem(source=source, record=number, line=piece.line, reason=str(exc))
                continue
            for w in warnings:
                yield Problem(source=source, record=number, line=piece.line, reason=w, severity="warning")
            yield record

    @classmethod
    def record_splitter(cls) -> XMLSplitter:
        return XMLSplitter("PubmedArticleSet", ARTICLE_TAGS)

    @classmethod
    def sniff(cls, head: str) -> bool:
        return "<PubmedArticleSet" in head or "<PubmedArticle>" in head or "<PubmedBookArticle" in head
