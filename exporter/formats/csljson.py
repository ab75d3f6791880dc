"""CSL-JSON: the data format of citeproc-js, Zotero, Mendeley and pandoc.

Spec: the CSL 1.0.2 variables (https://docs.citationstyles.org/en/stable/specification.html
#appendix-iv-variables) and the JSON schema ``csl-data.json`` v1.0
(https://github.com/citation-style-language/schema). The schema allows no keys of its own
invention, so what CSL has no variable for (rights, licence, provenance, extra fields) travels
in the schema's ``custom`` object, from which the reader takes it back: CSL-JSON round trips
are lossless.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from typing import Any, Iterable, Iterator, TextIO

from ..model import (
    RECORD_TYPES,
    ROLES,
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Provenance,
    Record,
    Rights,
    Subject,
)
from ..normalize.dates import parse_date
from ..normalize.keys import KeyAllocator
from ..plugins import Reader, Writer
from ..problems import Problem, ProblemHandler, raise_problem
from .jsonio import JSONSplitter, iter_json

# -- the mapping: one table per kind of variable, read and written from the same rows ------
#
# Every CSL 1.0.2 variable of the CSL-JSON schema has a row here or a named special case
# below (title, page, number, keyword, note, URL, source, id, categories, custom). A key the
# reader finds in neither is kept in ``Record.extra`` as ``("csl:<key>", value)`` and written
# back: as a top-level variable where the schema has one (citation-label, locator, ...), else
# in ``custom.extra``. Nothing is dropped.

#: CSL text variables the Record holds in a slot of the same meaning: CSL -> attribute.
TEXT_VARIABLES = {
    "title-short": "short_title",
    "publisher": "publisher",
    "publisher-place": "place",
    "edition": "edition",
    "collection-title": "series",
    "collection-number": "series_number",
    "genre": "genre",
    "medium": "medium",
    "event-title": "event",
    "event-place": "event_place",
    "abstract": "abstract",
    "language": "language",
    "annote": "annote",
    "archive": "archive",
    "archive_collection": "archive_collection",
    "archive_location": "archive_location",
    "archive-place": "archive_place",
    "authority": "authority",
    "call-number": "call_number",
    "chapter-number": "chapter_number",
    "dimensions": "dimensions",
    "division": "division",
    "jurisdiction": "jurisdiction",
    "number-of-pages": "number_of_pages",
    "number-of-volumes": "number_of_volumes",
    "original-publisher": "original_publisher",
    "original-publisher-place": "original_publisher_place",
    "original-title": "original_title",
    "part": "part",
    "part-title": "part_title",
    "printing": "printing",
    "references": "references",
    "reviewed-genre": "reviewed_genre",
    "reviewed-title": "reviewed_title",
    "scale": "scale",
    "section": "section",
    "status": "status",
    "supplement": "supplement",
    "version": "version",
    "volume-title": "volume_title",
    "volume-title-short": "volume_title_short",
}
#: CSL date variables: CSL -> attribute.
DATE_VARIABLES = {
    "issued": "issued",
    "available-date": "online",
    "accessed": "accessed",
    "original-date": "original_date",
    "event-date": "event_date",
    "submitted": "submitted",
}
#: CSL variables of the container: CSL -> Container attribute.
CONTAINER_VARIABLES = {
    "container-title": "title",
    "container-title-short": "short_title",
    "volume": "volume",
    "issue": "issue",
}
#: CSL identifier variables: scheme -> CSL (ISBN and ISSN may hold several, space-separated).
ID_VARIABLES = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN"}
#: Keys read as another variable and never written (Zotero's and citeproc-js's spellings,
#: and CSL 1.0.1's "event").
READ_ALIASES = {"shortTitle": "title-short", "journalAbbreviation": "container-title-short",
                "event": "event-title"}
#: Name object keys: CSL -> Contributor attribute.
NAME_PARTS = {"family": "family", "given": "given", "non-dropping-particle": "particle",
              "dropping-particle": "dropping_particle", "suffix": "suffix"}
NAME_FLAGS = {"comma-suffix": "comma_suffix", "static-ordering": "static_ordering"}
#: Variables handled by the named special cases below.
SPECIAL_KEYS = frozenset("""id type title page page-first number article-number keyword note
    URL source categories custom citation-key""".split())
SEASON_NAMES = {1: "spring", 2: "summer", 3: "autumn", 4: "winter"}
_SCHEMA_SCALARS = frozenset("""citation-label citation-number first-reference-note-number
    locator year-suffix""".split())  # schema variables no slot holds: kept in extra, written back


# -- Record -> CSL ------------------------------------------------------------------------


def csl_name(c: Contributor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if c.literal is not None:
        out["literal"] = c.literal
    else:
        for key, attr in NAME_PARTS.items():
            value = getattr(c, attr)
            if value:
                out[key] = value
    for key, attr in NAME_FLAGS.items():
        if getattr(c, attr):
            out[key] = True
    return out


def role_order(contributors: tuple[Contributor, ...]) -> list[int]:
    """The indexes of ``contributors`` in the order a CSL item lists them: role by role, each
    role at its first appearance, the order within a role kept (the reader builds them in
    this order)."""
    roles = list(dict.fromkeys(c.role for c in contributors))
    return [i for role in roles for i, c in enumerate(contributors) if c.role == role]


def csl_date(d: DateValue) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.start is not None:
        parts = [d.start.parts()]
        if d.end is not None:
            parts.append(d.end.parts())
        out["date-parts"] = parts
        if d.start.season:
            out["season"] = d.start.season
        if d.circa or d.uncertain:
            out["circa"] = True  # CSL has one notion for both (is-uncertain-date)
    if d.literal:
        out["literal"] = d.literal
    if d.edtf or d.uncertain:
        out["raw"] = d.iso()  # the exact EDTF, which date-parts and circa cannot say
    return out


def to_csl(record: Record, key: str) -> dict[str, Any]:
    """One CSL-JSON item. ``key`` becomes its id."""
    item: dict[str, Any] = {"id": key, "type": record.type}
    if record.full_title:
        item["title"] = record.full_title
    for i in role_order(record.contributors):
        c = record.contributors[i]
        item.setdefault(c.role, []).append(csl_name(c))
    for var, attr in TEXT_VARIABLES.items():
        value = getattr(record, attr)
        if value:
            item[var] = value
    for var, attr in DATE_VARIABLES.items():
        value = getattr(record, attr)
        if value is not None:
            item[var] = csl_date(value)
    if record.number:
        item["number"] = record.number
    cont = record.container
    if cont:
        for var, attr in CONTAINER_VARIABLES.items():
            value = getattr(cont, attr)
            if value:
                item[var] = value
        if cont.page_range:
            item["page"] = cont.page_range
        if cont.page_start:
            item["page-first"] = cont.page_start  # styles test it; citeproc-py does not derive it
        if cont.article_number and "number" not in item and cont.article_number != cont.page_range:
            # CSL 1.0.2 has no article-number: it goes in "number" (as Zotero writes it),
            # unless the page already holds it (BioMed Central's "page": "17"), where
            # styles would print it twice ("4, Article 17" where citeproc-js prints "4, 17");
            # custom "article-number" keeps it for the round trip
            item["number"] = cont.article_number
    for scheme, var in ID_VARIABLES.items():
        values = record.ids(scheme)
        if values:
            item[var] = values[0] if scheme not in ("isbn", "issn") else " ".join(values)
    if record.url:
        item["URL"] = record.url
    if record.subjects:
        item["keyword"] = ", ".join(s.term for s in record.subjects)
    if record.notes:
        item["note"] = "\n".join(record.notes)
    if record.categories:
        item["categories"] = list(record.categories)
    if record.provenance and record.provenance.database:
        item["source"] = record.provenance.database
    for k, v in record.extra:
        var = k[4:] if k.startswith("csl:") else None
        if var in _SCHEMA_SCALARS and var not in item:
            item[var] = v
    custom = _custom(record, item)
    if custom:
        item["custom"] = custom
    return item


def _custom(record: Record, item: dict[str, Any]) -> dict[str, Any]:
    """What CSL has no variable for, so that reading the item back loses nothing."""
    custom: dict[str, Any] = {}
    if record.subtitle:
        custom["title-main"] = record.title
        custom["subtitle"] = record.subtitle
    if record.rights:
        custom["rights"] = {
            k: v
            for k, v in (
                ("statement", record.rights.statement),
                ("license", record.rights.license_url),
                ("license-name", record.rights.license_name),
            )
            if v
        }
    if record.links != _standard_links(item):
        custom["links"] = [
            {k: v for k, v in (("url", link.url), ("relation", link.relation), ("label", link.label)) if v is not None}
            for link in record.links
        ]
    if record.identifiers != _standard_identifiers(item):
        custom["identifiers"] = [{"scheme": i.scheme, "value": i.value} for i in record.identifiers]
    if record.subjects != _standard_subjects(item):
        custom["subjects"] = [{"term": s.term, "scheme": s.scheme} if s.scheme else {"term": s.term} for s in record.subjects]
    if record.notes != _standard_notes(item):
        custom["notes"] = list(record.notes)
    cont = record.container
    if cont and cont.page_end and cont.pages:
        custom["page-end"] = cont.page_end
    if cont and cont.article_number and item.get("number") != cont.article_number:
        custom["article-number"] = cont.article_number
    elif cont and cont.article_number:
        custom["number-is-article-number"] = True
    order = role_order(record.contributors)
    grouped = [record.contributors[i] for i in order]
    if any(c.orcid or c.affiliations for c in grouped):
        # in the item's order (role by role), so each entry lines up with its name object
        custom["contributors"] = [
            {k: v for k, v in (("orcid", c.orcid), ("affiliations", list(c.affiliations))) if v}
            for c in grouped
        ]
    if order != list(range(len(order))):
        # roles interleaved (author, editor, author): where each name stands in the record
        custom["contributor-order"] = order
    if record.physical_description:
        custom["physical-description"] = record.physical_description
    if record.provenance:
        prov = {
            k: v
            for k, v in (
                ("source-system", record.provenance.source_system),
                ("source-id", record.provenance.source_id),
                ("database", record.provenance.database),
                ("institution", record.provenance.institution),
                ("collection", record.provenance.collection),
                ("record-format", record.provenance.record_format),
                ("repairs", list(record.provenance.repairs)),
            )
            if v
        }
        if prov and prov != {"database": item.get("source")}:  # more than "source" says
            custom["provenance"] = prov
    if not record.key:
        custom["generated-id"] = True  # the reader then leaves Record.key empty again
    if record.original_script:
        custom["original-script"] = [[facet, text] for facet, text in record.original_script]
    extra = [[k, v] for k, v in record.extra
             if not (k.startswith("csl:") and k[4:] in _SCHEMA_SCALARS and item.get(k[4:]) == v)]
    if extra:
        custom["extra"] = extra
    return custom


class CSLJSONWriter(Writer):
    """A CSL-JSON array, one item per line, written as records arrive (one item per line
    keeps the file diffable and greppable, and lets json's C encoder do the work)."""

    name = "csl-json"
    title = "CSL-JSON (citeproc-js, Zotero, pandoc)"
    extensions = (".csl.json", ".json")
    media_type = "application/vnd.citationstyles.csl+json"
    carries = frozenset({"*"})  # what CSL has no variable for travels in "custom"
    keeps_ids_unique = True  # its KeyAllocator renames and reports as the API would

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        keys = KeyAllocator()
        stream.write("[")
        first = True
        for number, record in enumerate(records, start=1):
            key, renamed = keys.allocate(record)
            if renamed:
                report(Problem(source=self.name, record=number, severity="warning", reason=renamed))
            item = to_csl(record, key)
            text = json.dumps(item, ensure_ascii=False)
            stream.write(("\n" if first else ",\n") + text)
            first = False
        stream.write("\n]\n" if not first else "]\n")


# -- CSL -> Record ------------------------------------------------------------------------


class ItemError(ValueError):
    pass


def _str(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ItemError(f"field '{key}' must be a string or a number")
    return str(value)


def parse_csl_date(value: Any, key: str) -> DateValue | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_date(value)
    if not isinstance(value, dict):
        raise ItemError(f"field '{key}' must be a date object or a string")
    parts = value.get("date-parts")
    season = value.get("season")
    circa = bool(value.get("circa"))
    literal = value.get("literal")
    raw = value.get("raw")
    if isinstance(raw, str) and (parts or literal):
        exact = parse_date(raw)  # our own "raw" beside date-parts: the EDTF they cannot say
        if exact is not None and (exact.edtf or exact.uncertain):
            return exact
    if parts:
        try:
            numbers = [[int(p) for p in dp[:3]] for dp in parts if dp and dp[0] not in ("", None)]
        except (TypeError, ValueError) as exc:
            raise ItemError(f"field '{key}': bad date-parts {parts!r}") from exc
        try:
            dates = [PartialDate(*n) for n in numbers]
        except ValueError:
            # a day the calendar does not have (2022-02-29): kept as the text it was, never typed
            text = "/".join("-".join(f"{v:02d}" if i else f"{v:04d}" for i, v in enumerate(n)) for n in numbers)
            return DateValue(literal=literal or text)
        if dates:
            start = dates[0]
            if season and start.month is None:
                try:
                    s = int(season)
                except (TypeError, ValueError):
                    s = {v: k for k, v in SEASON_NAMES.items()}.get(str(season).lower())
                if s and 1 <= s <= 4:
                    start = PartialDate(start.year, season=s)
            return DateValue(start=start, end=dates[1] if len(dates) > 1 else None, circa=circa, literal=literal)
    if value.get("raw"):
        return parse_date(value["raw"])
    if literal:
        return DateValue(literal=str(literal))
    return None


def _names(item: dict[str, Any]) -> list[Contributor]:
    """The name variables, role by role in the item's key order (see :func:`role_order`)."""
    out = []
    for role in [r for r in item if r in ROLES]:
        names = item[role]
        if not isinstance(names, list):
            raise ItemError(f"field '{role}' must be a list of names")
        for n in names:
            if not isinstance(n, dict):
                raise ItemError(f"field '{role}' must be a list of name objects")
            flags = {attr: bool(n.get(key)) for key, attr in NAME_FLAGS.items()}
            if n.get("literal"):
                out.append(Contributor(literal=str(n["literal"]), role=role, **flags))
            else:
                parts = {attr: _name_part(n, key, role) for key, attr in NAME_PARTS.items()}
                out.append(Contributor(role=role, **parts, **flags))
    return out


def _name_part(name: dict[str, Any], key: str, role: str) -> str | None:
    value = name.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ItemError(f"field '{role}': name part '{key}' must be a string")
    return str(value)


def _contributors(item: dict[str, Any], custom: dict[str, Any]) -> tuple[Contributor, ...]:
    """Names with the ORCIDs and affiliations ``custom`` keeps, back in the record's order."""
    names = _names(item)
    extra_c = custom.get("contributors")
    if isinstance(extra_c, list) and len(extra_c) == len(names):
        names = [_with_extra(c, e) if isinstance(e, dict) else c for c, e in zip(names, extra_c)]
    order = custom.get("contributor-order")
    if isinstance(order, list) and sorted(order) == list(range(len(names))):
        placed: list[Contributor | None] = [None] * len(names)
        for c, position in zip(names, order):
            placed[position] = c
        names = placed  # type: ignore[assignment]
    return tuple(names)


def _text_value(value: Any) -> str:
    """An unknown key's value as text: strings and numbers as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@functools.cache
def _known_keys() -> frozenset[str]:
    """The keys an item may have that are not kept as ``csl:`` extras."""
    return frozenset(SPECIAL_KEYS | TEXT_VARIABLES.keys() | DATE_VARIABLES.keys()
                     | CONTAINER_VARIABLES.keys() | set(ID_VARIABLES.values()) | ROLES)


def from_csl(item: Any) -> Record:
    if not isinstance(item, dict):
        raise ItemError("a CSL-JSON item must be an object")
    ctype = item.get("type")
    if not isinstance(ctype, str) or ctype not in RECORD_TYPES:
        raise ItemError(f"unknown or missing type {ctype!r}")
    item = {READ_ALIASES.get(k, k): v for k, v in item.items()
            if not (k in READ_ALIASES and READ_ALIASES[k] in item)}
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    title = _str(item, "title")
    subtitle = None
    if custom.get("subtitle") and title:
        title, subtitle = custom.get("title-main"), custom["subtitle"]
    if isinstance(custom.get("identifiers"), list):
        identifiers = tuple(Identifier(i["scheme"], i["value"]) for i in custom["identifiers"])
    else:
        identifiers = _standard_identifiers(item)
    if isinstance(custom.get("links"), list):
        links = tuple(Link(link["url"], link.get("relation"), link.get("label")) for link in custom["links"])
    else:
        links = _standard_links(item)
    if isinstance(custom.get("subjects"), list):
        subjects = tuple(Subject(s["term"], s.get("scheme")) for s in custom["subjects"])
    else:
        subjects = _standard_subjects(item)
    notes = tuple(custom["notes"]) if isinstance(custom.get("notes"), list) else _standard_notes(item)
    page = _str(item, "page")
    number = _str(item, "number")
    article_number = custom.get("article-number") or _str(item, "article-number")
    if custom.get("number-is-article-number"):
        article_number, number = number, None
    container = _container(item, page, custom.get("page-end"), article_number)
    rights = None
    if isinstance(custom.get("rights"), dict):
        r = custom["rights"]
        rights = Rights(r.get("statement"), r.get("license"), r.get("license-name"))
    prov = None
    p = custom.get("provenance")
    if isinstance(p, dict):
        prov = Provenance(
            source_system=p.get("source-system"),
            source_id=p.get("source-id"),
            database=p.get("database"),
            institution=p.get("institution"),
            collection=p.get("collection"),
            record_format=p.get("record-format"),
            repairs=tuple(p.get("repairs", ())),
        )
    elif _str(item, "source"):
        prov = Provenance(database=_str(item, "source"))
    categories = item.get("categories")
    if categories is not None and not (isinstance(categories, list)
                                       and all(isinstance(c, str) for c in categories)):
        raise ItemError("field 'categories' must be a list of strings")
    extra = [(k, v) for k, v in custom.get("extra", []) if isinstance(k, str)]
    original_script = tuple((f, t) for f, t in custom.get("original-script", []) if isinstance(f, str))
    known = _known_keys()
    texts: dict[str, str | None] = {}
    dates: dict[str, DateValue | None] = {}
    for key, value in item.items():  # the item's own keys, not every variable CSL has
        if key in TEXT_VARIABLES:
            texts[TEXT_VARIABLES[key]] = _str(item, key)
        elif key in DATE_VARIABLES:
            dates[DATE_VARIABLES[key]] = parse_csl_date(value, key)
        elif key not in known and value is not None and value != "":
            extra.append((f"csl:{key}", _text_value(value)))
    citation_key = _str(item, "citation-key")
    if citation_key and citation_key != _str(item, "id"):
        extra.append(("csl:citation-key", citation_key))
    return Record(
        type=ctype,
        title=title,
        subtitle=subtitle,
        contributors=_contributors(item, custom),
        container=container,
        **dates,
        **texts,
        number=number,
        physical_description=custom.get("physical-description"),
        categories=tuple(categories or ()),
        identifiers=identifiers,
        links=links,
        subjects=subjects,
        rights=rights,
        notes=notes,
        key=None if custom.get("generated-id") else _str(item, "id"),
        provenance=prov,
        extra=tuple(extra),
        original_script=original_script,
    )


def _standard_identifiers(item: dict[str, Any]) -> tuple[Identifier, ...]:
    """The identifiers CSL's own variables carry (ISBN and ISSN may hold several)."""
    out: list[Identifier] = []
    for scheme, var in ID_VARIABLES.items():
        value = _str(item, var)
        if value:
            values = value.split() if scheme in ("isbn", "issn") else [value]
            out.extend(Identifier(scheme, v) for v in values)
    return tuple(out)


def _standard_subjects(item: dict[str, Any]) -> tuple[Subject, ...]:
    kw = _str(item, "keyword")
    return tuple(Subject(k.strip()) for k in kw.split(",") if k.strip()) if kw else ()


def _standard_notes(item: dict[str, Any]) -> tuple[str, ...]:
    note = _str(item, "note")
    return tuple(note.split("\n")) if note else ()


def _standard_links(item: dict[str, Any]) -> tuple[Link, ...]:
    url = _str(item, "URL")
    return (Link(url),) if url else ()


def _with_extra(c: Contributor, e: dict[str, Any]) -> Contributor:
    return replace(c, orcid=e.get("orcid"), affiliations=tuple(e.get("affiliations", ())))


def _container(item: dict[str, Any], page: str | None, page_end: str | None, article_number: str | None) -> Container | None:
    values = {attr: _str(item, var) for var, attr in CONTAINER_VARIABLES.items()}
    start = end = pages = None
    if page:
        first, sep, last = page.partition("-") if "-" in page else page.partition("–")
        if sep and first.strip() and last.strip() and "," not in page:
            start, end = first.strip(), last.strip()
        elif not sep and "," not in page:
            start = page.strip()
        else:
            pages = page
            start = _str(item, "page-first")
            end = page_end
    elif _str(item, "page-first"):
        start = _str(item, "page-first")  # the first page alone: written back as the page too
    if not any(values.values()) and not start and not pages and not article_number:
        return None
    return Container(page_start=start, page_end=end, pages=pages, article_number=article_number, **values)


class CSLJSONReader(Reader):
    """CSL-JSON: one item or a list of items."""

    legacy_encodings = False  # JSON is UTF-8 (RFC 8259 section 8.1)
    name = "csl-json"
    title = "CSL-JSON (one item or a list)"
    extensions = (".json", ".csl.json", ".csljson")
    media_type = "application/vnd.citationstyles.csl+json"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        for it in iter_json(stream, source):
            if isinstance(it, Problem):
                yield it
                continue
            try:
                yield from_csl(it.value)
            except (ItemError, ValueError, TypeError, KeyError) as exc:
                yield Problem(source=source, record=it.number, line=it.line, reason=str(exc))

    @classmethod
    def record_splitter(cls) -> JSONSplitter:
        return JSONSplitter()

    @classmethod
    def sniff(cls, head: str) -> bool:
        stripped = head.lstrip("\ufeff \t\r\n")
        return stripped.startswith(("{", "[")) and any(
            k in head for k in ('"date-parts"', '"container-title"', '"citation-key"', '"type": "article-journal"', '"DOI"')
        ) and '"response"' not in head
