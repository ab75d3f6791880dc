"""RDF/XML (https://www.w3.org/TR/rdf-syntax-grammar/) written straight from the mapping's
triples: one ``rdf:Description`` per subject, in the order the mapping emits them.

Written by hand rather than by rdflib because it streams, and because it is deterministic:
rdflib's flat serializer orders subjects by hash (different bytes on each run) and its
"pretty-xml" one sometimes writes an rdf:List cell twice.
"""

from __future__ import annotations

import re
from typing import Iterable, TextIO
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr as _quoteattr

from .schemaorg import BIBO, DCTERMS, SCHEMA
from .terms import RDF, BNode, IRI, Literal, Triple

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


#: What XML 1.0 cannot hold at all, not even as a character reference (production [2] Char:
#: https://www.w3.org/TR/xml/#charsets): C0 controls but tab and line ends, lone surrogates,
#: U+FFFE and U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` with each character XML 1.0 cannot hold replaced by U+FFFD, and how many."""
    if NOT_XML.search(text) is None:
        return text, 0
    return NOT_XML.subn("\ufffd", text)


class _Escaper:
    """Escapes the text and attributes of one record, counting what it had to replace."""

    __slots__ = ("replaced",)

    def __init__(self) -> None:
        self.replaced = 0

    def _safe(self, text: str) -> str:
        cleaned, n = xml_safe(text)
        self.replaced += n
        return cleaned

    def text(self, text: str) -> str:
        # \r must be a reference to survive an XML parser's line-end normalisation
        return escape(self._safe(text)).replace("\r", "&#13;")

    def attr(self, text: str) -> str:
        return _quoteattr(self._safe(text))


def _subject_attr(node: IRI | BNode, esc: _Escaper) -> str:
    if isinstance(node, BNode):
        return f"rdf:nodeID={esc.attr(node)}"
    return f"rdf:about={esc.attr(node)}"


def write_record(triples: Iterable[Triple], stream: TextIO) -> int:
    """The triples of one record, grouped by subject in first-seen order; returns how many
    characters XML 1.0 cannot hold were replaced by U+FFFD (the caller reports them)."""
    esc = _Escaper()
    groups: dict[str, list[tuple[IRI, object]]] = {}
    subjects: dict[str, IRI | BNode] = {}
    for s, p, o in triples:
        groups.setdefault(s, []).append((p, o))
        subjects.setdefault(s, s)
    out = []
    for key, props in groups.items():
        out.append(f"  <rdf:Description {_subject_attr(subjects[key], esc)}>\n")
        for p, o in props:
            name = qname(p)
            if isinstance(o, IRI):
                out.append(f"    <{name} rdf:resource={esc.attr(o)}/>\n")
            elif isinstance(o, BNode):
                out.append(f"    <{name} rdf:nodeID={esc.attr(o)}/>\n")
            else:
                assert isinstance(o, Literal)
                attrs = ""
                if o.lang:
                    attrs = f" xml:lang={esc.attr(o.lang)}"
                elif o.datatype:
                    attrs = f" rdf:datatype={esc.attr(o.datatype)}"
                out.append(f"    <{name}{attrs}>{esc.text(o.value)}</{name}>\n")
        out.append("  </rdf:Description>\n")
    stream.write("".join(out))
    return esc.replaced
