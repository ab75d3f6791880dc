"""CSL-JSON: the data format of citeproc-js, Zotero, Mendeley and pandoc.

Spec: the CSL 1.0.2 variables (https://docs.citationstyles.org/en/stable/specification.html
#appendix-iv-variables) and the JSON schema ``csl-data.json`` v1.0
(https://github.com/citation-style-language/schema). The schema allows no keys of its own
invention, so what CSL has no variable for (rights, licence, provenance, extra fields) travels
in the schema's ``custom`` object, from which the reader takes it back: CSL-JSON round trips
are lossless.
"""

from __future__ import annotations

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
from .jsonio import iter_json

#: Record fields with a CSL variable of the same meaning: attribute -> CSL variable.
SIMPLE_FIELDS = {
    "short_title": "title-short",
    "publisher": "publisher",
    "place": "publisher-place",
    "edition": "edition",
    "series": "collection-title",
    "series_number": "collection-number",
    "number": "number",
    "genre": "genre",
    "medium": "medium",
    "event": "event-title",
    "event_place": "event-place",
    "abstract": "abstract",
    "language": "language",
}
DATE_FIELDS = {
    "issued": "issued",
    "online": "available-date",
    "accessed": "accessed",
    "original_date": "original-date",
    "event_date": "event-date",
}
CONTAINER_FIELDS = {
    "title": "container-title",
    "short_title": "container-title-short",
    "volume": "volume",
    "issue": "issue",
}
ID_FIELDS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN"}
SEASON_NAMES = {1: "spring", 2: "summer", 3: "autumn", 4: "winter"}


# -- Record -> CSL ------------------------------------------------------------------------


def csl_name(c: Contributor) -> dict[str, str]:
    if c.literal is not None:
        return {"literal": c.literal}
    out = {}
    for attr, key in (
        ("family", "family"),
        ("given", "given"),
        ("particle", "non-dropping-particle"),
        ("dropping_particle", "dropping-particle"),
        ("suffix", "suffix"),
    ):
        value = getattr(c, attr)
        if value:
            out[key] = value
    return out


def csl_date(d: DateValue) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.start is not None:
        parts = [d.start.parts()]
        if d.end is not None:
            parts.append(d.end.parts())
        out["date-parts"] = parts
        if d.start.season:
            out["season"] = d.start.season
        if d.circa:
            out["circa"] = True
    if d.literal:
        out["literal"] = d.literal
    return out


def to_csl(record: Record, key: str) -> dict[str, Any]:
    """One CSL-JSON item. ``key`` becomes its id."""
    item: dict[str, Any] = {"id": key, "type": record.type}
    if record.full_title:
        item["title"] = record.full_title
    for c in record.contributors:
        item.setdefault(c.role, []).append(csl_name(c))
    for attr, var in SIMPLE_FIELDS.items():
        value = getattr(record, attr)
        if value:
            item[var] = value
    for attr, var in DATE_FIELDS.items():
        value = getattr(record, attr)
        if value is not None:
            item[var] = csl_date(value)
    cont = record.container
    if cont:
        for attr, var in CONTAINER_FIELDS.items():
            value = getattr(cont, attr)
            if value:
                item[var] = value
        if cont.page_range:
            item["page"] = cont.page_range
        if cont.page_start:
            item["page-first"] = cont.page_start
        if cont.article_number and "number" not in item:
            item["number"] = cont.article_number
    for scheme, var in ID_FIELDS.items():
        values = record.ids(scheme)
        if values:
            item[var] = values[0] if scheme not in ("isbn", "issn") else " ".join(values)
    if record.url:
        item["URL"] = record.url
    if record.subjects:
        item["keyword"] = ", ".join(s.term for s in record.subjects)
    if record.notes:
        item["note"] = "\n".join(record.notes)
    if record.provenance and record.provenance.database:
        item["source"] = record.provenance.database
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
    if len(record.links) > 1 or any(link.relation or link.label for link in record.links):
        custom["links"] = [
            {k: v for k, v in (("url", link.url), ("relation", link.relation), ("label", link.label)) if v}
            for link in record.links
        ]
    others = [
        {"scheme": i.scheme, "value": i.value}
        for i in record.identifiers
        if i.scheme not in ID_FIELDS or (i.scheme not in ("isbn", "issn") and record.ids(i.scheme)[0] != i.value)
    ]
    if others:
        custom["identifiers"] = others
    if any(s.scheme for s in record.subjects) or any(", " in s.term for s in record.subjects):
        custom["subjects"] = [{"term": s.term, "scheme": s.scheme} if s.scheme else {"term": s.term} for s in record.subjects]
    cont = record.container
    if cont and cont.page_end and cont.pages:
        custom["page-end"] = cont.page_end
    if cont and cont.article_number and item.get("number") != cont.article_number:
        custom["article-number"] = cont.article_number
    elif cont and cont.article_number:
        custom["number-is-article-number"] = True
    if any(c.orcid or c.affiliations for c in record.contributors):
        custom["contributors"] = [
            {k: v for k, v in (("orcid", c.orcid), ("affiliations", list(c.affiliations))) if v}
            for c in record.contributors
        ]
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
        if prov:
            custom["provenance"] = prov
    if not record.key:
        custom["generated-id"] = True  # the reader then leaves Record.key empty again
    if record.extra:
        custom["extra"] = [[k, v] for k, v in record.extra]
    return custom


class CSLJSONWriter(Writer):
    """A CSL-JSON array, one item per record, written as records arrive."""

    name = "csl-json"
    title = "CSL-JSON (citeproc-js, Zotero, pandoc)"
    extensions = (".json", ".csl.json")
    media_type = "application/vnd.citationstyles.csl+json"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        keys = KeyAllocator()
        stream.write("[")
        first = True
        for record in records:
            item = to_csl(record, keys.key(record))
            text = json.dumps(item, ensure_ascii=False, indent=2)
            stream.write(("\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
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
    if parts:
        try:
            dates = [PartialDate(*[int(p) for p in dp[:3]]) for dp in parts if dp and dp[0] not in ("", None)]
        except (TypeError, ValueError) as exc:
            raise ItemError(f"field '{key}': bad date-parts {parts!r}") from exc
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


def _names(item: dict[str, Any]) -> tuple[Contributor, ...]:
    out = []
    for role in [r for r in item if r in ROLES]:
        names = item[role]
        if not isinstance(names, list):
            raise ItemError(f"field '{role}' must be a list of names")
        for n in names:
            if not isinstance(n, dict):
                raise ItemError(f"field '{role}' must be a list of name objects")
            if n.get("literal"):
                out.append(Contributor(literal=str(n["literal"]), role=role))
            else:
                out.append(
                    Contributor(
                        family=n.get("family") or None,
                        given=n.get("given") or None,
                        particle=n.get("non-dropping-particle") or None,
                        dropping_particle=n.get("dropping-particle") or None,
                        suffix=n.get("suffix") or None,
                        role=role,
                    )
                )
    return tuple(out)


def from_csl(item: Any) -> Record:
    if not isinstance(item, dict):
        raise ItemError("a CSL-JSON item must be an object")
    ctype = item.get("type")
    if not isinstance(ctype, str) or ctype not in RECORD_TYPES:
        raise ItemError(f"unknown or missing type {ctype!r}")
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    contributors = _names(item)
    extra_c = custom.get("contributors")
    if isinstance(extra_c, list) and len(extra_c) == len(contributors):
        contributors = tuple(_with_extra(c, e) for c, e in zip(contributors, extra_c))
    title = _str(item, "title")
    subtitle = None
    if custom.get("subtitle") and title:
        title, subtitle = custom.get("title-main"), custom["subtitle"]
    identifiers: list[Identifier] = []
    for scheme, var in ID_FIELDS.items():
        value = _str(item, var)
        if value:
            values = value.split() if scheme in ("isbn", "issn") else [value]
            identifiers.extend(Identifier(scheme, v) for v in values)
    for extra_id in custom.get("identifiers", []):
        identifiers.append(Identifier(extra_id["scheme"], extra_id["value"]))
    if custom.get("links"):
        links = tuple(Link(link["url"], link.get("relation"), link.get("label")) for link in custom["links"])
    else:
        url = _str(item, "URL")
        links = (Link(url),) if url else ()
    if custom.get("subjects"):
        subjects = tuple(Subject(s["term"], s.get("scheme")) for s in custom["subjects"])
    else:
        kw = _str(item, "keyword")
        subjects = tuple(Subject(k.strip()) for k in kw.split(",") if k.strip()) if kw else ()
    page = _str(item, "page")
    number = _str(item, "number")
    article_number = custom.get("article-number")
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
    simple = {attr: _str(item, var) for attr, var in SIMPLE_FIELDS.items()}
    simple["number"] = number
    note = _str(item, "note")
    return Record(
        type=ctype,
        title=title,
        subtitle=subtitle,
        contributors=contributors,
        container=container,
        **{attr: parse_csl_date(item.get(var), var) for attr, var in DATE_FIELDS.items()},
        **simple,
        physical_description=custom.get("physical-description"),
        identifiers=tuple(identifiers),
        links=links,
        subjects=subjects,
        rights=rights,
        notes=tuple(note.split("\n")) if note else (),
        key=None if custom.get("generated-id") else _str(item, "id"),
        provenance=prov,
        extra=tuple((k, v) for k, v in custom.get("extra", [])),
    )


def _with_extra(c: Contributor, e: dict[str, Any]) -> Contributor:
    return replace(c, orcid=e.get("orcid"), affiliations=tuple(e.get("affiliations", ())))


def _container(item: dict[str, Any], page: str | None, page_end: str | None, article_number: str | None) -> Container | None:
    values = {attr: _str(item, var) for attr, var in CONTAINER_FIELDS.items()}
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
    if not any(values.values()) and not page and not article_number:
        return None
    return Container(page_start=start, page_end=end, pages=pages, article_number=article_number, **values)


class CSLJSONReader(Reader):
    """CSL-JSON: one item or a list of items."""

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
    def sniff(cls, head: str) -> bool:
        stripped = head.lstrip("\ufeff \t\r\n")
        return stripped.startswith(("{", "[")) and any(
            k in head for k in ('"date-parts"', '"container-title"', '"citation-key"', '"type": "article-journal"', '"DOI"')
        ) and '"response"' not in head
