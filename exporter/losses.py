"""What a writer cannot hold: each record is described as a set of *facets* (the pieces of
information it has), each writer says which facets it writes, and the difference is
reported, so that nothing is dropped without a word.

Facets are the one vocabulary shared by the model, the format tables and the loss report.
They are derived from the fields of :class:`~exporter.model.Record` (a new field is a new
facet without touching this module):

* a text field is its own name: ``title``, ``version``, ``call_number``;
* a date field is ``date:<name>``: ``date:issued``, ``date:online``, ``date:original``;
* container fields are ``container:<name>``, with ``container:pages`` for any page data;
* families: ``contributor:<role>``, ``id:<scheme>``, ``extra:<key>``;
* details: ``date:issued:day``, ``contributor:orcid``, ``contributor:affiliation``,
  ``link``/``link:more``, ``subject``/``subject:scheme``, ``rights:statement``,
  ``rights:license``, ``provenance``/``provenance:repairs``.

:func:`describe` turns facet names into the words of a loss line ("online date, licence").
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable

from .model import Container, DateValue, Record

_DATE_FIELDS = tuple(f.name for f in dataclasses.fields(Record) if f.type == "DateValue | None")
_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Record) if f.type == "str | None")
_TEXT_TUPLES = ("notes", "categories")
_CONTAINER_TEXT = tuple(f.name for f in dataclasses.fields(Container)
                        if f.name not in ("page_start", "page_end", "pages"))


def date_facet(attr: str) -> str:
    """``original_date`` -> ``date:original``; ``submitted`` -> ``date:submitted``."""
    return "date:" + attr.removesuffix("_date")


#: Every facet a record can have, except the open-ended ``id:*``, ``contributor:*`` and
#: ``extra:*`` families.
FIXED_FACETS = frozenset(
    (*_TEXT_FIELDS, *_TEXT_TUPLES, *(date_facet(d) for d in _DATE_FIELDS),
     *(f"container:{c}" for c in _CONTAINER_TEXT),
     "container:pages", "date:issued:day", "date:issued:qualifier", "contributor:orcid", "contributor:affiliation",
     "link", "link:more", "subject", "subject:scheme", "rights:statement", "rights:license",
     "provenance", "provenance:repairs", "original_script")
)
ALL = frozenset({"*"})


def facets(record: Record) -> set[str]:
    """The facets ``record`` has."""
    out: set[str] = set()
    add = out.add
    for name in _TEXT_FIELDS:
        if getattr(record, name):
            add(name)
    for name in _TEXT_TUPLES:
        if getattr(record, name):
            add(name)
    for name in _DATE_FIELDS:
        value: DateValue | None = getattr(record, name)
        if value is not None:
            add(date_facet(name))
    if record.issued and record.issued.start and record.issued.start.day:
        add("date:issued:day")
    if record.issued and (record.issued.circa or record.issued.uncertain or record.issued.edtf):
        add("date:issued:qualifier")
    for c in record.contributors:
        add(f"contributor:{c.role}")
        if c.orcid:
            add("contributor:orcid")
        if c.affiliations:
            add("contributor:affiliation")
    cont = record.container
    if cont:
        for name in _CONTAINER_TEXT:
            if getattr(cont, name):
                add(f"container:{name}")
        if cont.page_range:
            add("container:pages")
    for ident in record.identifiers:
        add(f"id:{ident.scheme}")
    if record.links:
        # "link" is the record's URL; "link:more" any other link (a related resource such as
        # a table of contents is never the URL, so a record with only such links has no "link")
        if record.url is not None:
            add("link")
        if len(record.links) > 1 or record.url is None:
            add("link:more")
    if record.subjects:
        add("subject")
        if any(s.scheme for s in record.subjects):
            add("subject:scheme")
    if record.rights:
        if record.rights.statement:
            add("rights:statement")
        if record.rights.license_url or record.rights.license_name:
            add("rights:license")
    if record.provenance:
        p = record.provenance
        if any((p.source_system, p.source_id, p.database, p.institution, p.collection, p.record_format)):
            add("provenance")
        if p.repairs:
            add("provenance:repairs")
    if record.original_script:
        add("original_script")
    for key, _ in record.extra:
        add(f"extra:{key}")
    return out


def lost(record: Record, carries: frozenset[str], extra_ok: Callable[[str], bool] | None = None) -> list[str]:
    """The facets of ``record`` that a format carrying ``carries`` cannot hold, sorted.
    ``family:*`` in ``carries`` covers a whole family (``id:*``, ``contributor:*``);
    ``extra_ok`` says which extra keys the format writes back (RIS: those that are tags)."""
    if "*" in carries:
        return []
    return sorted(
        f for f in facets(record)
        if f not in carries and f"{f.split(':', 1)[0]}:*" not in carries
        and not (extra_ok is not None and f.startswith("extra:") and extra_ok(f[6:]))
    )


class LossCheck:
    """:func:`lost` for one ``carries`` set, precomputed: only the fields whose facets the
    format cannot hold are looked at, and each open-ended family member (``id:<scheme>``,
    ``contributor:<role>``, ``extra:<key>``) is decided once. ``check(record)`` equals
    ``lost(record, carries, extra_ok)`` for every record (tests/test_losses.py)."""

    __slots__ = ("none", "text", "dates", "container", "pages", "flags", "links", "members", "carries", "extra_ok")

    def __init__(self, carries: frozenset[str], extra_ok: Callable[[str], bool] | None = None) -> None:
        self.carries, self.extra_ok = carries, extra_ok
        self.none = "*" in carries
        holds = self._holds
        self.text = tuple(n for n in (*_TEXT_FIELDS, *_TEXT_TUPLES) if not holds(n))
        self.dates = tuple((n, date_facet(n)) for n in _DATE_FIELDS if not holds(date_facet(n)))
        self.container = tuple(n for n in _CONTAINER_TEXT if not holds(f"container:{n}"))
        self.pages = not holds("container:pages")
        self.flags = frozenset(f for f in ("date:issued:day", "date:issued:qualifier", "contributor:orcid",
                                           "contributor:affiliation", "subject", "subject:scheme",
                                           "rights:statement", "rights:license", "provenance",
                                           "provenance:repairs", "original_script") if not holds(f))
        self.links = (not holds("link"), not holds("link:more"))
        #: family member facet -> whether it is lost, filled as members are met
        self.members: dict[str, bool] = {}

    def _holds(self, facet: str) -> bool:
        return facet in self.carries or f"{facet.split(':', 1)[0]}:*" in self.carries

    def _member_lost(self, facet: str) -> bool:
        known = self.members.get(facet)
        if known is None:
            known = not self._holds(facet) and not (
                self.extra_ok is not None and facet.startswith("extra:") and self.extra_ok(facet[6:]))
            if len(self.members) < 10_000:  # open-ended names from data: bounded
                self.members[facet] = known
        return known

    def __call__(self, record: Record) -> list[str]:
        if self.none:
            return []
        out = [n for n in self.text if getattr(record, n)]
        out.extend(facet for n, facet in self.dates if getattr(record, n) is not None)
        flags = self.flags
        if flags:
            issued = record.issued
            if issued is not None:
                if "date:issued:day" in flags and issued.start and issued.start.day:
                    out.append("date:issued:day")
                if "date:issued:qualifier" in flags and (issued.circa or issued.uncertain or issued.edtf):
                    out.append("date:issued:qualifier")
        member = self._member_lost
        for c in record.contributors:
            if member("contributor:" + c.role):
                out.append("contributor:" + c.role)
            if c.orcid and "contributor:orcid" in flags:
                out.append("contributor:orcid")
            if c.affiliations and "contributor:affiliation" in flags:
                out.append("contributor:affiliation")
        cont = record.container
        if cont:
            out.extend(f"container:{n}" for n in self.container if getattr(cont, n))
            if self.pages and cont.page_range:
                out.append("container:pages")
        for ident in record.identifiers:
            if member("id:" + ident.scheme):
                out.append("id:" + ident.scheme)
        if record.links:
            if self.links[0] and record.url is not None:
                out.append("link")
            if self.links[1] and (len(record.links) > 1 or record.url is None):
                out.append("link:more")
        if record.subjects and flags:
            if "subject" in flags:
                out.append("subject")
            if "subject:scheme" in flags and any(s.scheme for s in record.subjects):
                out.append("subject:scheme")
        if record.rights and flags:
            if "rights:statement" in flags and record.rights.statement:
                out.append("rights:statement")
            if "rights:license" in flags and (record.rights.license_url or record.rights.license_name):
                out.append("rights:license")
        if record.provenance and flags:
            p = record.provenance
            if "provenance" in flags and any((p.source_system, p.source_id, p.database, p.institution,
                                              p.collection, p.record_format)):
                out.append("provenance")
            if "provenance:repairs" in flags and p.repairs:
                out.append("provenance:repairs")
        if record.original_script and "original_script" in flags:
            out.append("original_script")
        for key, _ in record.extra:
            if member("extra:" + key):
                out.append("extra:" + key)
        if not out:
            return out
        return sorted(set(out))


def carried(*groups: Iterable[str]) -> frozenset[str]:
    return frozenset(f for g in groups for f in g)


#: Facet -> the words a user reads in a loss line; facets not listed read as their name
#: with "_" as a space ("call_number" -> "call number").
LABELS = {
    "date:issued": "date", "date:issued:day": "day of the date",
    "date:issued:qualifier": "date qualifier (approximate, uncertain, unspecified digits, open end)", "date:online": "online date",
    "date:accessed": "access date", "date:original": "original date", "date:event": "event date",
    "date:submitted": "submission date", "container:title": "container title",
    "container:short_title": "container short title", "container:pages": "pages",
    "container:article_number": "article number", "short_title": "short title",
    "series_number": "series number", "event": "event name", "physical_description": "extent",
    "contributor:orcid": "ORCID", "contributor:affiliation": "affiliation", "link": "URL",
    "link:more": "further URLs", "subject": "keywords", "subject:scheme": "keyword scheme",
    "rights:statement": "rights statement", "rights:license": "licence",
    "provenance": "source record", "provenance:repairs": "repairs made on reading",
    "key": "citation key", "annote": "annotation", "part": "part number",
    "original_script": "original-script forms (MARC 880)",
}
_ID_LABELS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN",
              "eissn": "eISSN", "oclc": "OCLC number", "lccn": "LCCN", "arxiv": "arXiv id",
              "urn": "URN", "local": "local id"}


def label(facet: str) -> str:
    """The words for one facet: ``date:online`` -> "online date", ``id:pmid`` -> "PMID",
    ``contributor:editor`` -> "editor", ``extra:vufind:building`` -> "vufind:building field"."""
    if facet in LABELS:
        return LABELS[facet]
    family, _, rest = facet.partition(":")
    if family == "id" and rest:
        return _ID_LABELS.get(rest, f"{rest} id")
    if family == "contributor" and rest:
        return rest.replace("-", " ")
    if family == "extra" and rest:
        return f"{rest} field"
    if family in ("date", "container") and rest:
        return rest.replace("_", " ").replace(":", " ")
    return facet.replace("_", " ")
