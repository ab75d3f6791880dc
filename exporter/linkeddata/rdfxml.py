"""RDF/XML (https://www.w3.org/TR/rdf-syntax-grammar/) written straight from the mapping's
triples: one ``rdf:Description`` per subject, in the order the mapping emits them.

Written by hand rather than by rdflib because it streams, and because it is deterministic:
rdflib's flat serializer orders subjects by hash (different bytes on each run) and its
"pretty-xml" one sometimes writes an rdf:List cell twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from .schemaorg import BIBO, DCTERMS, SCHEMA
from .terms import IRI, RDF, BNode, Literal, Triple

NAMESPACES = {"rdf": RDF, "schema": SCHEMA, "bibo": BIBO, "dcterms": DCTERMS}
HEADER = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF\n" + "".join(
    f"  xmlns:{prefix}=\"{ns}\"\n" for prefix, ns in NAMESPACES.items()
) + ">\n"
FOOTER = "</rdf:RDF>\n"


def qname(iri: str) -> str:
    for prefix, ns in NAMESPACES.items():
        if iri.startswith(ns) and iri[len(ns):].replace("_", "a").isalnum():
            return f"{prefix}:{iri[len(ns):]}"
    raise ValueError(f"no XML name for predicate {iri}")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    # XML 1.0 cannot hold most control characters at all; \r must be a reference to survive
    # (one regex pass: a long abstract is not walked character by character)
    return escape(_NOT_XML.sub("", text)).replace("\r", "&#13;")


def _subject_attr(node: IRI | BNode) -> str:
    if isinstance(node, BNode):
        return f"rdf:nodeID={quoteattr(node)}"
    return f"rdf:about={quoteattr(node)}"


def write_record(triples: Iterable[Triple], stream: TextIO) -> None:
    """The triples of one record, grouped by subject in first-seen order."""
    groups: dict[str, list[tuple[IRI, object]]] = {}
    subjects: dict[str, IRI | BNode] = {}
    for s, p, o in triples:
        groups.setdefault(s, []).append((p, o))
        subjects.setdefault(s, s)
    out = []
    for key, props in groups.items():
        out.append(f"  <rdf:Description {_subject_attr(subjects[key])}>\n")
        for p, o in props:
            name = qname(p)
            if isinstance(o, IRI):
                out.append(f"    <{name} rdf:resource={quoteattr(o)}/>\n")
            elif isinstance(o, BNode):
                out.append(f"    <{name} rdf:nodeID={quoteattr(o)}/>\n")
            else:
                assert isinstance(o, Literal)
                attrs = ""
                if o.lang:
                    attrs = f" xml:lang={quoteattr(o.lang)}"
                elif o.datatype:
                    attrs = f" rdf:datatype={quoteattr(o.datatype)}"
                out.append(f"    <{name}{attrs}>{_xml_text(o.value)}</{name}>\n")
        out.append("  </rdf:Description>\n")
    stream.write("".join(out))
