"""Streaming Turtle (https://www.w3.org/TR/turtle/) from the mapping's triples.

One block per subject (``<s> p o ; p o .``) with prefixed names where the local name allows
it. Unlike rdflib's pretty serializer it needs no graph in memory and its output depends only
on the input, so dump shards are byte-identical from run to run.
"""

from __future__ import annotations

import re
from typing import Iterable

from .schemaorg import BIBO, DCTERMS, SCHEMA
from .terms import RDF, XSD, BNode, IRI, Literal, Term, Triple, escape_literal

PREFIXES = {"schema": SCHEMA, "bibo": BIBO, "dcterms": DCTERMS, "rdf": RDF, "xsd": XSD}
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"
_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_names: dict[str, str] = {}


def _name(iri: str) -> str:
    """A prefixed name when the IRI is in a known namespace and its local part is simple."""
    cached = _names.get(iri)
    if cached is not None:
        return cached
    out = f"<{iri}>"
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            out = f"{prefix}:{iri[len(ns):]}"
            break
    if len(_names) < 10_000:  # predicates and classes: a small, fixed set
        _names[iri] = out
    return out


def _object(term: Term, verb: str) -> str:
    if type(term) is IRI:
        return _name(term) if verb == "a" else f"<{term}>"
    if type(term) is BNode:
        return f"_:{term}"
    assert isinstance(term, Literal)
    text = f'"{escape_literal(term.value)}"'
    if term.lang:
        return f"{text}@{term.lang}"
    if term.datatype:
        return f"{text}^^{_name(term.datatype)}"
    return text


def turtle_block(triples: Iterable[Triple]) -> str:
    """The triples of one record as Turtle statements, subjects in first-seen order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    spelled: dict[str, str] = {}
    for s, p, o in triples:
        if s not in spelled:
            spelled[s] = f"<{s}>" if type(s) is IRI else f"_:{s}"
        verb = "a" if p == RDF + "type" else _name(p)
        groups.setdefault(s, []).append((verb, _object(o, verb)))
    out = []
    for s, pairs in groups.items():
        parts: list[str] = []
        previous = None
        for verb, obj in pairs:
            if verb == previous:
                parts[-1] += f", {obj}"  # the same predicate again: an object list
            else:
                parts.append(f"{verb} {obj}")
            previous = verb
        body = " ;\n    ".join(parts)
        out.append(f"{spelled[s]} {body} .\n")
    return "".join(out) + "\n"
