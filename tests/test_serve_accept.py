"""The Accept parser and negotiation of exporter.serve.accept (RFC 9110 12.5.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.serve.accept import AcceptError, MediaRange, Variant, negotiate, parse_accept

VARIANTS = [
    Variant("text/html", "html"),
    Variant("text/turtle", "turtle"),
    Variant("application/ld+json", "jsonld"),
    Variant("application/x-bibtex", "bibtex"),
    Variant("text/x-bibliography", "citation", selectors=frozenset({"style", "locale"})),
]


@pytest.mark.parametrize(("header", "ranges"), [
    ("text/turtle", [("text", "turtle", (), 1.0)]),
    ("Text/Turtle;q=0.5", [("text", "turtle", (), 0.5)]),
    ("*/*", [("*", "*", (), 1.0)]),
    ("text/*;q=0.3, */*;q=0.1", [("text", "*", (), 0.3), ("*", "*", (), 0.1)]),
    ("text/x-bibliography; style=apa; locale=en-US",
     [("text", "x-bibliography", (("style", "apa"), ("locale", "en-US")), 1.0)]),
    ('text/x-bibliography; style="a,b;c"; q=0.9', [("text", "x-bibliography", (("style", "a,b;c"),), 0.9)]),
    ('a/b; p="x\\"y"', [("a", "b", (("p", 'x"y'),), 1.0)]),
    ("a/b;q=1.000", [("a", "b", (), 1.0)]),
    ("a/b;q=0", [("a", "b", (), 0.0)]),
    ("a/b;q=0.5;ext=1", [("a", "b", (), 0.5)]),  # accept-ext after q: not a media type parameter
    ("a/b , , c/d", [("a", "b", (), 1.0), ("c", "d", (), 1.0)]),
    ("", []),
])
def test_parse_accept(header: str, ranges: list[tuple]) -> None:
    assert [(r.type, r.subtype, r.params, r.q) for r in parse_accept(header)] == ranges


@pytest.mark.parametrize("header", [
    "garbage", "text/", "/html", "text/html;q=2", "text/html;q=0.1234", "text/html;q=abc",
    "*/html", "text/html junk", "text/html;q", 'text/html; p="unterminated', "a/b;;q=1x",
    "x/y," * 100, "a/" + "b" * 5000,
])
def test_malformed_accept_is_an_error(header: str) -> None:
    with pytest.raises(AcceptError):
        parse_accept(header)


@pytest.mark.parametrize(("header", "key", "params"), [
    (None, "html", {}),
    ("*/*", "html", {}),
    ("text/turtle", "turtle", {}),
    ("application/x-bibtex;q=0.9, text/turtle;q=0.8", "bibtex", {}),
    ("text/*;q=0.5, application/ld+json", "jsonld", {}),
    ("text/*", "html", {}),  # ties go to the server's order
    ("text/*, text/html;q=0", "turtle", {}),  # the specific range wins for text/html
    ("*/*;q=0.1, application/ld+json;q=0.2", "jsonld", {}),
    ("text/x-bibliography; style=apa; locale=en-US", "citation", {"style": "apa", "locale": "en-US"}),
    ("text/x-bibliography;style=ieee", "citation", {"style": "ieee"}),
    ("text/turtle; charset=utf-8", "turtle", {}),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", {}),  # a browser
    ("application/ld+json; profile=\"http://www.w3.org/ns/json-ld#compacted\"", None, None),
    ("image/png", None, None),
    ("text/turtle;q=0, text/html;q=0, */*;q=0", None, None),
])
def test_negotiate(header: str | None, key: str | None, params: dict | None) -> None:
    chosen = negotiate(header, VARIANTS)
    if key is None:
        assert chosen is None
    else:
        assert chosen is not None
        assert (chosen[0].key, chosen[1]) == (key, params)


def test_most_specific_range_sets_the_quality() -> None:
    ranges = parse_accept("text/*;q=0.2, text/turtle;q=0.9, */*;q=0.5")
    assert [r.specificity for r in ranges] == [1, 2, 0]
    assert isinstance(ranges[0], MediaRange)
    assert negotiate("text/*;q=0.2, text/turtle;q=0.9, */*;q=0.5", VARIANTS)[0].key == "turtle"
    # html gets text/*'s 0.2, not */*'s 0.5; so JSON-LD (0.5 from */*) beats it
    assert negotiate("text/*;q=0.2, */*;q=0.5", VARIANTS)[0].key == "jsonld"


@given(st.text(max_size=200))
def test_any_header_parses_or_raises_accept_error(header: str) -> None:
    try:
        negotiate(header, VARIANTS)
    except AcceptError:
        pass
