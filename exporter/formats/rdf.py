"""Linked-data writers: JSON-LD, Turtle, N-Triples and RDF/XML, all from one schema.org
mapping (exporter.linkeddata.schemaorg).

N-Triples, JSON-LD and RDF/XML stream record by record without rdflib. Turtle is written
by rdflib from a Graph of every record: it holds all records in memory (use N-Triples for
whole catalogs).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Iterable, Iterator, TextIO

from ..linkeddata.schemaorg import (
    DEFAULT_BASE_IRI,
    LITERAL_PROPERTIES,
    NAMED_PROPERTIES,
    RecordIRIs,
    triples,
)
from ..linkeddata.terms import IRI, make_iri, nt_document
from ..model import Record
from ..plugins import Writer
from ..problems import Problem, ProblemHandler, raise_problem


#: What the schema.org mapping holds (exporter.losses facets); the rest is reported as lost.
RDF_CARRIES = frozenset(  # frozen as a whole: a frozenset | dict keys is a plain set
    """title subtitle short_title contributor:* container:title container:short_title
    container:volume container:issue container:pages container:article_number date:issued
    date:issued:day date:issued:qualifier date:online date:event publisher place edition series series_number number
    genre event event_place physical_description id:* link link:more abstract subject language
    rights:statement rights:license notes key provenance number_of_pages date:submitted""".split()
    + [*LITERAL_PROPERTIES, *NAMED_PROPERTIES]
)


@dataclasses.dataclass
class _RDFWriter(Writer):
    carries = RDF_CARRIES
    keeps_ids_unique = True  # RecordIRIs renames and reports a second record with an earlier id
    base_iri: str = DEFAULT_BASE_IRI

    def __post_init__(self) -> None:
        iri = make_iri(self.base_iri)
        if iri is None or iri != self.base_iri.strip():
            raise ValueError(f"base IRI must be an absolute IRI without spaces or <>\"{{}}|\\^`: {self.base_iri!r}")
        if not iri.endswith(("/", "#", ":")):
            iri = IRI(iri + "/")
        self.base_iri = iri

    def record_triples(self, records: Iterable[Record], report: ProblemHandler) -> Iterator[tuple[IRI, Iterator]]:
        """(record IRI, its triples) for each record, IRIs unique within this output."""
        iris = RecordIRIs(self.base_iri)
        for number, record in enumerate(records, start=1):
            iri, changed = iris.allocate(record, number)
            if changed:
                report(Problem(source=self.name, record=number, severity="warning",
                               reason=f"another record has the same id; written as <{iri}>"))
            yield iri, triples(record, self.base_iri, number, iri)


@dataclasses.dataclass
class NTriplesWriter(_RDFWriter):
    """N-Triples, streamed, one record's triples after another."""

    name = "ntriples"
    title = "N-Triples (schema.org)"
    extensions = (".nt",)
    media_type = "application/n-triples"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for _, ts in self.record_triples(records, report):
            stream.write(nt_document(ts))


@dataclasses.dataclass
class JSONLDWriter(_RDFWriter):
    """JSON-LD: one ``@graph`` with a node object per record, streamed."""

    name = "jsonld"
    title = "JSON-LD (schema.org)"
    extensions = (".jsonld",)
    media_type = "application/ld+json"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        from ..linkeddata.jsonld import CONTEXT, record_tree

        stream.write('{\n  "@context": ' + json.dumps(CONTEXT, indent=2).replace("\n", "\n  ") + ',\n  "@graph": [')
        first = True
        for root, ts in self.record_triples(records, report):
            tree = record_tree(root, ts)
            text = json.dumps(tree, ensure_ascii=False, indent=2)
            stream.write(("\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
            first = False
        stream.write("\n  ]\n}\n" if not first else "]\n}\n")


@dataclasses.dataclass
class TurtleWriter(_RDFWriter):
    """Turtle, streamed: one block per subject, record after record, written by the same
    code as the dump's Turtle shards (exporter.linkeddata.turtle), so memory stays flat and
    time linear; the graph is the N-Triples writer's."""

    name = "turtle"
    title = "Turtle (schema.org)"
    extensions = (".ttl",)
    media_type = "text/turtle"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        from ..linkeddata.turtle import HEADER, turtle_block

        stream.write(HEADER)
        for _, ts in self.record_triples(records, report):
            stream.write(turtle_block(ts))


@dataclasses.dataclass
class RDFXMLWriter(_RDFWriter):
    """RDF/XML, streamed, one rdf:Description per node."""

    name = "rdfxml"
    title = "RDF/XML (schema.org)"
    extensions = (".rdf",)
    media_type = "application/rdf+xml"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        from ..linkeddata.rdfxml import FOOTER, HEADER, write_record

        stream.write(HEADER)
        for number, (_, ts) in enumerate(self.record_triples(records, report), start=1):
            replaced = write_record(ts, stream)
            if replaced:
                report(Problem(source=self.name, record=number, severity="warning", reason=(
                    f"{replaced} character(s) XML 1.0 cannot hold (control characters, U+FFFE, "
                    "U+FFFF) written as U+FFFD")))
        stream.write(FOOTER)
