"""RDF terms as plain Python values, and their N-Triples spelling.

The mapping emits triples of these light terms rather than rdflib objects: the dump path
serializes them directly (an order of magnitude faster than going through an rdflib Graph),
and the Turtle, RDF/XML and JSON-LD writers turn the same triples into rdflib terms.

N-Triples: https://www.w3.org/TR/n-triples/. IRIs are checked and percent-encoded so that
data can never break out of ``<...>``; literals are escaped so it can never break out of
``"..."``.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple
from urllib.parse import quote

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


class IRI(str):
    """An absolute IRI, already made safe for ``<...>``."""

    __slots__ = ()


class BNode(str):
    """A blank node label (without ``_:``), unique within one output."""

    __slots__ = ()


class Literal(NamedTuple):
    value: str
    datatype: str | None = None  # full IRI; None for xsd:string
    lang: str | None = None


Term = IRI | BNode | Literal
Triple = tuple[IRI | BNode, IRI, Term]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# IRIREF forbids these, control characters and space (N-Triples grammar [8]); we also encode
# every other Unicode space, format character and lone surrogate, which parsers trip over.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]')


def make_iri(text: str) -> IRI | None:
    """``text`` as a safe absolute IRI (unsafe characters percent-encoded), or None when it
    is not an absolute IRI at all (a relative link, free text)."""
    text = text.strip()
    if not _SCHEME.match(text):
        return None
    return IRI(_IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe="", errors="replace"), text))


def iri_segment(text: str) -> str:
    """One path segment from data (a record id), percent-encoded."""
    return quote(text, safe="-._~!$&'()*+,;=:@", errors="replace")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LITERAL_UNSAFE = re.compile(r'["\\\n\r\t\b\f\x00-\x1f\x7f]')


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def escape_literal(text: str) -> str:
    # printable text has no control characters (nor DEL): then only " and \ need looking
    # for, which is 2-3x faster than the search on a long abstract
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    if _LITERAL_UNSAFE.search(text) is None:
        return text
    return _LITERAL_UNSAFE.sub(_escape_char, text)


_LANG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")


def nt_term(term: Term) -> str:
    if isinstance(term, IRI):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return nt_literal(*term)


def nt_literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal's N-Triples spelling (the fields of :class:`Literal`, in order)."""
    text = f'"{escape_literal(value)}"'
    if lang and _LANG.match(lang):
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^<{datatype}>"
    return text


def nt_line(s: IRI | BNode, p: IRI, o: Term) -> str:
    return f"{nt_term(s)} <{p}> {nt_term(o)} .\n"


def nt_document(triples: Iterable[tuple[IRI | BNode, IRI, Term]]) -> str:
    """The N-Triples lines of a group of triples (one record): node spellings are cached,
    since a record names itself and its parts many times."""
    nodes: dict[str, str] = {}
    out = []
    append = out.append
    for s, p, o in triples:
        st = nodes.get(s)
        if st is None:
            st = nodes[s] = f"<{s}>" if type(s) is IRI else f"_:{s}"
        pt = _PREDICATES.get(p)
        if pt is None:
            pt = _PREDICATES[p] = f"<{p}>"
        if type(o) is Literal:
            ot = nt_literal(*o)  # not nt_term: its type tests are known here
        else:
            ot = nodes.get(o)
            if ot is None:
                ot = nodes[o] = f"<{o}>" if type(o) is IRI else f"_:{o}"
        append(f"{st} {pt} {ot} .\n")
    return "".join(out)


_PREDICATES: dict[str, str] = {}
