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
from itertools import compress
from operator import attrgetter
from typing import Callable, Iterable

from .model import ROLES, Container, Record

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

# text fields, tuples of text and dates: each a facet when truthy (a DateValue always is)
_PLAIN_FACETS = (*_TEXT_FIELDS, *_TEXT_TUPLES, *_DATE_FIELDS)
_plain_values = attrgetter(*_PLAIN_FACETS)
_DATE_FACETS = {name: date_facet(name) for name in _DATE_FIELDS}
_ROLE_FACETS = {role: f"contributor:{role}" for role in ROLES}


def facets(record: Record) -> set[str]:
    """The facets ``record`` has."""
    # the plain fields in C passes (attrgetter, compress): a record has some 50 of them
    out: set[str] = set(compress(_PLAIN_FACETS, _plain_values(record)))
    add = out.add
    for name in _DATE_FACETS.keys() & out:
        out.discard(name)
        add(_DATE_FACETS[name])
    if record.issued and record.issued.start and record.issued.start.day:
        add("date:issued:day")
    if record.issued and (record.issued.circa or record.issued.uncertain or record.issued.edtf):
        add("date:issued:qualifier")
    for c in record.contributors:
        add(_ROLE_FACETS.get(c.role) or f"contributor:{c.role}")
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
    """:func:`lost` for one ``carries`` set, each facet's verdict (held or lost) decided once
    and remembered. It reads the record's facets with :func:`facets`, the one statement of
    what a record has: a copy of those rules specialised per writer was measured 3-4 µs a
    record faster (of ~250), not worth a second copy that could drift. ``check(record)``
    equals ``lost(record, carries, extra_ok)`` (tests/test_losses.py)."""

    __slots__ = ("carries", "extra_ok", "none", "verdicts", "answers")

    def __init__(self, carries: frozenset[str], extra_ok: Callable[[str], bool] | None = None) -> None:
        self.carries, self.extra_ok = carries, extra_ok
        self.none = "*" in carries
        #: facet -> lost?; bounded, since id schemes, roles and extra keys come from data
        self.verdicts: dict[str, bool] = {}
        #: a record's facets -> what of them is lost: a catalogue's records come in a few
        #: hundred shapes, so most records are one lookup (bounded like the verdicts)
        self.answers: dict[frozenset[str], tuple[str, ...]] = {}

    def _lost(self, facet: str) -> bool:
        verdict = self.verdicts.get(facet)
        if verdict is None:
            carries, extra_ok = self.carries, self.extra_ok
            verdict = (facet not in carries and f"{facet.split(':', 1)[0]}:*" not in carries
                       and not (extra_ok is not None and facet.startswith("extra:") and extra_ok(facet[6:])))
            if len(self.verdicts) < 10_000:
                self.verdicts[facet] = verdict
        return verdict

    def __call__(self, record: Record) -> list[str]:
        if self.none:
            return []
        shape = frozenset(facets(record))
        answer = self.answers.get(shape)
        if answer is None:
            verdict = self._lost
            answer = tuple(sorted(f for f in shape if verdict(f)))
            if len(self.answers) < 10_000:
                self.answers[shape] = answer
        return list(answer)


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
