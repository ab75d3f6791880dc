"""What a writer cannot hold: each record is described as a set of *facets* (the pieces of
information it has), each writer declares the facets its format carries, and the difference
is reported, so that nothing is dropped without a word.

Facet names are stable and readable: ``title``, ``contributor:editor``, ``date:online``,
``id:pmid``, ``rights:license``, ``provenance``, ``extra:vufind:building``, ...
"""

from __future__ import annotations

from typing import Callable, Iterable

from .model import Record

#: Every facet a record can have, except the open-ended ``id:*``, ``contributor:*`` and
#: ``extra:*`` families.
FIXED_FACETS = frozenset(
    """title subtitle short_title contributor:orcid contributor:affiliation container:title
    container:short_title container:volume container:issue container:pages
    container:article_number date:issued date:issued:day date:online date:accessed
    date:original date:event publisher place edition series series_number number genre
    medium event event_place physical_description link link:more abstract subject
    subject:scheme language rights:statement rights:license notes key provenance
    provenance:repairs""".split()
)
ALL = frozenset({"*"})


def facets(record: Record) -> set[str]:
    """The facets ``record`` has."""
    out: set[str] = set()
    add = out.add
    for name in ("title", "subtitle", "short_title", "publisher", "place", "edition", "series",
                 "series_number", "number", "genre", "medium", "event", "event_place",
                 "physical_description", "abstract", "language", "key"):
        if getattr(record, name):
            add(name)
    for c in record.contributors:
        add(f"contributor:{c.role}")
        if c.orcid:
            add("contributor:orcid")
        if c.affiliations:
            add("contributor:affiliation")
    cont = record.container
    if cont:
        for name in ("title", "short_title", "volume", "issue", "article_number"):
            if getattr(cont, name):
                add(f"container:{name}")
        if cont.page_range:
            add("container:pages")
    for name, attr in (("issued", "issued"), ("online", "online"), ("accessed", "accessed"),
                       ("original", "original_date"), ("event", "event_date")):
        if getattr(record, attr) is not None:
            add(f"date:{name}")
    if record.issued and record.issued.start and record.issued.start.day:
        add("date:issued:day")
    for ident in record.identifiers:
        add(f"id:{ident.scheme}")
    if record.links:
        add("link")
        if len(record.links) > 1:
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
    if record.notes:
        add("notes")
    if record.provenance:
        p = record.provenance
        if any((p.source_system, p.source_id, p.database, p.institution, p.collection, p.record_format)):
            add("provenance")
        if p.repairs:
            add("provenance:repairs")
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


def carried(*groups: Iterable[str]) -> frozenset[str]:
    return frozenset(f for g in groups for f in g)
