"""JSON-LD 1.1 (https://www.w3.org/TR/json-ld11/) from the mapping's triples.

Each record becomes one node object with the nodes it owns (its fragment IRIs and blank
nodes) embedded, compacted against a fixed context, the way schema.org markup is written
by hand. The context is inlined, so the output parses offline; its terms are the schema.org
names (``@vocab``) plus the ``bibo:`` and ``dcterms:`` prefixes.
"""

from __future__ import annotations

from typing import Any, Iterable

from .schemaorg import BIBO, DCTERMS, SCHEMA
from .terms import RDF, XSD, BNode, IRI, Literal, Term, Triple

CONTEXT: dict[str, Any] = {
    "@vocab": SCHEMA,
    "bibo": BIBO,
    "dcterms": DCTERMS,
    "xsd": XSD,
    "bibo:authorList": {"@container": "@list", "@type": "@id"},
}
_FIRST, _REST, _NIL, _TYPE = RDF + "first", RDF + "rest", RDF + "nil", RDF + "type"


def compact_iri(iri: str) -> str:
    """Predicate and class IRIs as context terms; a small fixed set, so cached."""
    term = _COMPACT.get(iri)
    if term is not None:
        return term
    term = iri
    if iri.startswith(SCHEMA):
        term = iri[len(SCHEMA):]
    else:
        for prefix, ns in (("bibo", BIBO), ("dcterms", DCTERMS), ("xsd", XSD)):
            if iri.startswith(ns):
                term = f"{prefix}:{iri[len(ns):]}"
                break
    if len(_COMPACT) < 10_000:
        _COMPACT[iri] = term
    return term


_COMPACT: dict[str, str] = {}


def _literal(lit: Literal) -> Any:
    if lit.lang:
        return {"@value": lit.value, "@language": lit.lang}
    if lit.datatype:
        return {"@value": lit.value, "@type": compact_iri(lit.datatype)}
    return lit.value


def record_tree(root: IRI, triples: Iterable[Triple]) -> dict[str, Any]:
    """The record's node object with its own nodes embedded."""
    by_subject: dict[str, list[tuple[str, Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    owned = {k for k in by_subject if isinstance(k, BNode) or k.startswith(root + "#")}

    def node(subject: str) -> dict[str, Any]:
        out: dict[str, Any] = {} if isinstance(subject, BNode) else {"@id": subject}
        for p, o in by_subject.get(subject, []):
            if p == _TYPE:
                types = out.setdefault("@type", [])
                types.append(compact_iri(o))
                continue
            key = compact_iri(p)
            if key == "bibo:authorList":
                # list members are referenced by IRI (the context types them as @id)
                out[key] = list(_list_items(o))
                continue
            value: Any
            if isinstance(o, Literal):
                value = _literal(o)
            elif o in owned and o not in embedded:
                embedded.add(o)
                value = node(o)
            else:
                value = {"@id": o}
            if key in out:
                if not isinstance(out[key], list):
                    out[key] = [out[key]]
                out[key].append(value)
            else:
                out[key] = value
        if "@type" in out and len(out["@type"]) == 1:
            out["@type"] = out["@type"][0]
        return out

    def _list_items(head: Term) -> list[str]:
        items = []
        while isinstance(head, BNode):
            cell = dict(by_subject.get(head, []))
            items.append(cell[_FIRST])
            head = cell[_REST]
        return items

    embedded: set[str] = set()
    return node(root)
