"""HTTP proactive content negotiation: the ``Accept`` header, RFC 9110 section 12.5.1
(https://www.rfc-editor.org/rfc/rfc9110#name-accept).

``Accept = #( media-range [ weight ] )``, ``media-range = ( "*/*" / type "/*" / type "/"
subtype ) *( OWS ";" OWS parameter )``, ``weight = OWS ";" OWS "q=" qvalue`` with ``qvalue =
( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )``; parameter values are tokens or quoted
strings (which may hold commas and semicolons). A variant's quality is the q of the most
specific range that matches it (``text/turtle`` over ``text/*`` over ``*/*``; a range whose
parameters a variant does not have does not match it); ties go to the server's order.

Parameters that select a rendering rather than restrict a type (``style`` and ``locale`` of
``text/x-bibliography``, as in DOI content negotiation,
https://citation.crosscite.org/docs.html) are given back to the caller with the chosen
variant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["AcceptError", "MediaRange", "negotiate", "parse_accept"]

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_TOKEN_RE = re.compile(_TOKEN)
_PARAM_RE = re.compile(rf"\s*;\s*({_TOKEN})\s*=\s*({_TOKEN}|{_QUOTED})")
_RANGE_RE = re.compile(rf"\s*({_TOKEN})/({_TOKEN})")
_QVALUE_RE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\Z")
MAX_HEADER = 4096
MAX_RANGES = 64


class AcceptError(ValueError):
    """A malformed Accept header (a client error: 400)."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()
    q: float = 1.0
    order: int = 0

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2 + len(self.params)

    def param(self, name: str) -> str | None:
        for key, value in self.params:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Variant:
    """Something the server can send: a media type and the parameters it carries."""

    media_type: str
    key: str  # the caller's name for it
    params: frozenset[tuple[str, str]] = frozenset()
    #: parameters that select a rendering: any value matches, and the value is handed back
    selectors: frozenset[str] = field(default_factory=frozenset)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; raises :class:`AcceptError` when malformed."""
    if len(header) > MAX_HEADER:
        raise AcceptError(f"Accept header longer than {MAX_HEADER} characters")
    ranges: list[MediaRange] = []
    pos = 0
    text = header
    while pos < len(text):
        # skip empty list elements (RFC 9110 5.6.1: recipients accept "a, , b")
        while pos < len(text) and text[pos] in " \t,":
            pos += 1
        if pos >= len(text):
            break
        m = _RANGE_RE.match(text, pos)
        if not m:
            raise AcceptError(f"malformed Accept header at {text[pos:pos + 20]!r}")
        mtype, subtype = m.group(1).lower(), m.group(2).lower()
        if mtype == "*" and subtype != "*":
            raise AcceptError(f"malformed media range {mtype}/{subtype}")
        pos = m.end()
        params: list[tuple[str, str]] = []
        q = 1.0
        seen_q = False
        while True:
            pm = _PARAM_RE.match(text, pos)
            if not pm:
                break
            name, value = pm.group(1).lower(), pm.group(2)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            pos = pm.end()
            if name == "q":
                if not _QVALUE_RE.match(value):
                    raise AcceptError(f"bad q-value {value!r} (0 to 1, at most three decimals)")
                q = float(value)
                seen_q = True
            elif not seen_q:  # parameters after q are accept-extensions: ignored (RFC 7231)
                params.append((name, value))
        rest = pos
        while rest < len(text) and text[rest] in " \t":
            rest += 1
        if rest < len(text) and text[rest] != ",":
            raise AcceptError(f"malformed Accept header at {text[rest:rest + 20]!r}")
        pos = rest
        ranges.append(MediaRange(mtype, subtype, tuple(params), q, len(ranges)))
        if len(ranges) > MAX_RANGES:
            raise AcceptError(f"more than {MAX_RANGES} media ranges in Accept")
    return ranges


def _matches(r: MediaRange, variant: Variant) -> bool:
    vtype, _, vsub = variant.media_type.partition("/")
    if r.type != "*" and r.type != vtype:
        return False
    if r.subtype != "*" and r.subtype != vsub:
        return False
    for name, value in r.params:
        if name in variant.selectors or name == "charset" and value.lower() == "utf-8":
            continue
        if (name, value) not in variant.params:
            return False
    return True


def negotiate(header: str | None, variants: Sequence[Variant]) -> tuple[Variant, dict[str, str]] | None:
    """The best variant for an Accept header and the selector parameters the client gave
    for it; None when nothing is acceptable (406). No header accepts anything: the first
    variant. Raises :class:`AcceptError` for a malformed header."""
    if header is None or not header.strip():
        return (variants[0], {}) if variants else None
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen: tuple[Variant, dict[str, str]] | None = None
    for index, variant in enumerate(variants):
        matching = [r for r in ranges if _matches(r, variant)]
        if not matching:
            continue
        top = max(matching, key=lambda r: (r.specificity, -r.order))
        if top.q <= 0:
            continue
        rank = (top.q, -index)
        if best is None or rank > best:
            best = rank
            chosen = (variant, {k: v for k, v in top.params if k in variant.selectors})
    return chosen
