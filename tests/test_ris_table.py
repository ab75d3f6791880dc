"""The RIS table (exporter.formats.ris_table), checked row by row in both directions.

The row test is generated from the table: for every row the writer uses, in every RIS type
the writer emits, a record holding only that facet (of a record type written as that RIS
type) must write the row's tag and read back to the same value, and ``lost()`` must not
name the facet. The loss of the facets RIS cannot hold is checked the same way.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import read, write
from exporter.formats.ris import RISWriter, ris_lines
from exporter.formats.ris_table import (
    LOSSY_TYPES,
    READ_TYPES,
    ROWS,
    SPEC_TAGS,
    TYPES,
    read_rows,
    write_rows,
)
from exporter.losses import facets
from exporter.model import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Provenance,
    Record,
    Subject,
)

#: One record type written as each RIS type (the one that reads back, where there is one).
RECORD_TYPE_OF: dict[str, str] = {}
for _record_type, _ty in TYPES.items():
    if TYPES.get(READ_TYPES[_ty]) == _ty:
        RECORD_TYPE_OF[_ty] = READ_TYPES[_ty]
    else:
        RECORD_TYPE_OF.setdefault(_ty, _record_type)

_DAY = DateValue(PartialDate(2019, 5, 23))


def sample(facet: str, codec: str) -> tuple[dict, object]:
    """Record fields holding only ``facet``, and the value to find again after reading."""
    family, _, name = facet.partition(":")
    if family == "contributor":
        person = Contributor(family="Doe", given="Jane", role=name)
        return {"contributors": (person,)}, ("Doe", "Jane", name)
    if family == "container" and name == "pages":
        return {"container": Container(page_start="5", page_end="9")}, "5-9"
    if family == "container":
        return {"container": Container(**{name: "Value 12"})}, "Value 12"
    if family == "date":
        attr = {"issued": "issued", "online": "online", "accessed": "accessed"}[name]
        return {attr: _DAY}, "2019-05-23"
    if family == "id":
        value = {"isbn": "9780306406157", "issn": "0006-2960", "doi": "10.1000/xyz.1",
                 "pmid": "12345678", "pmcid": "PMC123456"}[name]
        return {"identifiers": (Identifier(name, value),)}, value
    special: dict[str, tuple[dict, object]] = {
        "link": ({"links": (Link("https://example.org/a"),)}, "https://example.org/a"),
        "subject": ({"subjects": (Subject("Term", "keyword"),)}, ("Term",)),
        "notes": ({"notes": ("A note",)}, ("A note",)),
        "language": ({"language": "de"}, "de"),
        "provenance": ({"provenance": Provenance(database="Example DB", institution="Example Inc.")},
                       ("Example DB", "Example Inc.")),
        "number_of_pages": ({"number_of_pages": "250"}, "250"),
        "edition": ({"edition": "2nd"}, "2nd"),
        "number": ({"number": "TR-42"}, "TR-42"),
    }
    if facet in special:
        return special[facet]
    return {facet: "Sample value"}, "Sample value"


def found(record: Record, facet: str) -> object:
    family, _, name = facet.partition(":")
    if family == "contributor":
        return next(((c.family, c.given, c.role) for c in record.contributors if c.role == name), None)
    if family == "container":
        cont = record.container
        return None if cont is None else (cont.page_range if name == "pages" else getattr(cont, name))
    if family == "date":
        value = getattr(record, {"issued": "issued", "online": "online", "accessed": "accessed"}[name])
        return value.iso() if value else None
    if family == "id":
        return record.first_id(name)
    if facet == "link":
        return record.url
    if facet == "subject":
        return record.keywords
    if facet == "notes":
        return record.notes
    if facet == "provenance":
        p = record.provenance
        return (p.database, p.institution) if p else None
    return getattr(record, facet)


#: Codecs that write one facet over several tags (all their rows are used).
SPLIT_CODECS = {"issued", "pages", "database", "institution"}


def used_rows(ty: str) -> list:
    """The rows the writer uses for a record holding one facet: the first writable row of
    each facet (a later row of the same facet is its fallback when another facet took the
    tag), and every row of the codecs that write a facet over several tags."""
    seen: set[str] = set()
    out = []
    for row in write_rows(ty):
        if row.facet not in seen or row.codec in SPLIT_CODECS:
            out.append(row)
        seen.add(row.facet)
    return out


def _cases() -> list[tuple[str, str]]:
    cases = []
    for ty in sorted(set(TYPES.values())):
        for row in used_rows(ty):
            if row.facet != "id:eissn":  # written as an ISSN: checked below as a loss
                cases.append((ty, f"{row.tag}:{row.facet}"))
    return cases


@pytest.mark.parametrize("ty, row_id", _cases())
def test_every_row_both_ways(ty: str, row_id: str) -> None:
    tag, facet = row_id.split(":", 1)
    (row,) = [r for r in used_rows(ty) if r.tag == tag and r.facet == facet]
    fields, expected = sample(facet, row.codec)
    record = Record(type=RECORD_TYPE_OF[ty], **fields)
    lines = ris_lines(record)
    assert (("TY", ty) in lines) and any(t == tag for t, _ in lines), lines
    assert facet not in RISWriter().lost(record)
    (back,) = list(read(io.StringIO(write([record], "ris")), "ris"))
    assert found(back, facet) == expected, write([record], "ris")
    assert facet in facets(back)


def test_written_tags_are_spec_tags_and_read_back_as_written() -> None:
    for ty in set(TYPES.values()):
        for row in write_rows(ty):
            assert row.tag in SPEC_TAGS, row
            assert read_rows(ty)[row.tag].reads


def test_each_row_names_a_known_codec_and_direction() -> None:
    from exporter.formats.ris import WRITE_CODECS
    from exporter.formats.ris_reader import READ_CODECS

    for row in ROWS:
        assert row.direction in ("both", "read", "write"), row
        if row.reads and row.codec != "lone_sp":  # lone_sp: read by the "pages" group
            assert row.codec in READ_CODECS, row
        if row.writes and row.codec != "name":
            assert row.codec in WRITE_CODECS, row


def test_type_maps_are_one_map_and_its_reverse() -> None:
    # the writer's map and the reader's agree on every type that has a RIS type of its own
    for record_type, ty in TYPES.items():
        if record_type not in LOSSY_TYPES:
            assert READ_TYPES[ty] == record_type
    assert READ_TYPES["MUSIC"] == "musical_score" and TYPES["musical_score"] == "MUSIC"
    # the types RIS cannot tell apart, written down so that a change is seen
    assert LOSSY_TYPES == {"broadcast", "collection", "entry", "event", "interview",
                           "performance", "post", "review", "review-book", "treaty"}


@pytest.mark.parametrize("record_type", sorted(set(TYPES) - LOSSY_TYPES))
def test_type_round_trip(record_type: str) -> None:
    (back,) = list(read(io.StringIO(write([Record(type=record_type, title="T")], "ris")), "ris"))
    assert back.type == record_type


def test_edition_of_an_article_with_an_online_date_is_reported_lost() -> None:
    both = Record(type="article-journal", title="T", edition="2nd", online=_DAY)
    assert "edition" in RISWriter().lost(both)
    assert "date:online" not in RISWriter().lost(both)
    (back,) = list(read(io.StringIO(write([both], "ris")), "ris"))
    assert back.online is not None and back.online.iso() == "2019-05-23"
    # without an online date the edition has ET to itself
    alone = Record(type="article-journal", title="T", edition="2nd")
    assert RISWriter().lost(alone) == []
    (back,) = list(read(io.StringIO(write([alone], "ris")), "ris"))
    assert back.edition == "2nd" and back.online is None
    # an edition that reads as a date cannot go there
    datelike = Record(type="article-journal", title="T", edition="2019")
    assert "edition" in RISWriter().lost(datelike)


def test_key_is_written_as_id_and_read_back() -> None:
    record = Record(type="book", title="T", key="doe2019")
    assert ("ID", "doe2019") in ris_lines(record)
    (back,) = list(read(io.StringIO(write([record], "ris")), "ris"))
    assert back.key == "doe2019"


def test_only_ris_extras_of_spec_tags_are_written_back() -> None:
    record = Record(type="article-journal", title="T", extra=(
        ("ris:LB", "label"), ("ris:M2", "not in the spec"), ("medline:DA", "20031223"),
        ("medline:SO", "J. 2003"), ("wos:CR", "Smith J, 2001, NATURE"), ("vufind:building", "Main")))
    tags = [t for t, _ in ris_lines(record)]
    assert "LB" in tags and not {"M2", "DA", "SO", "CR"} & set(tags)
    assert RISWriter().lost(record) == ["extra:medline:DA", "extra:medline:SO", "extra:ris:M2",
                                        "extra:vufind:building", "extra:wos:CR"]


def test_role_without_a_tag_is_written_as_contributor_and_reported() -> None:
    record = Record(type="thesis", title="T", contributors=(Contributor(family="Doe", role="illustrator"),))
    assert ("A3", "Doe,") in ris_lines(record)  # THES: A3 is a contributor (EndNote's "Advisor")
    assert "contributor:illustrator" in RISWriter().lost(record)


def test_eissn_is_written_as_an_issn_and_its_kind_reported() -> None:
    record = Record(type="article-journal", title="T", identifiers=(Identifier("eissn", "1524-4539"),))
    assert ("SN", "1524-4539") in ris_lines(record)
    assert RISWriter().lost(record) == ["id:eissn"]


def test_pages_of_a_book_a_lone_start_page_is_reported() -> None:
    count = Record(type="book", title="T", number_of_pages="250")
    assert ("SP", "250") in ris_lines(count) and RISWriter().lost(count) == []
    lone = Record(type="book", title="T", container=Container(page_start="7"))
    assert RISWriter().lost(lone) == ["container:pages"]  # it would read back as a page count
    (back,) = list(read(io.StringIO(write([lone], "ris")), "ris"))
    assert back.number_of_pages is None


# -- generated records: what lost() does not name comes back ---------------------------------

_words = st.text(alphabet=st.characters(categories=["L", "Nd"]), min_size=1, max_size=8)
_TEXT_FACETS = ["edition", "number", "series", "series_number", "genre", "medium", "call_number",
                "archive_location", "section", "version", "number_of_pages", "number_of_volumes",
                "scale", "dimensions", "reviewed_title", "annote", "authority", "references",
                "status", "event", "event_place", "place", "publisher", "short_title", "subtitle",
                "physical_description", "original_title"]
_ROLES = ["author", "editor", "translator", "collection-editor", "director", "composer",
          "performer", "producer", "recipient", "illustrator", "contributor", "interviewer"]


@st.composite
def _any_record(draw) -> Record:
    fields = {name: draw(_words) for name in draw(st.lists(st.sampled_from(_TEXT_FACETS), max_size=6, unique=True))}
    people = tuple(Contributor(family=draw(_words), given=draw(_words), role=draw(st.sampled_from(_ROLES)))
                   for _ in range(draw(st.integers(0, 3))))
    container = draw(st.one_of(st.none(), st.builds(
        Container, title=st.one_of(st.none(), _words), short_title=st.one_of(st.none(), _words),
        volume=st.one_of(st.none(), _words), issue=st.one_of(st.none(), _words),
        page_start=st.one_of(st.none(), st.from_regex(r"[1-9][0-9]{0,3}", fullmatch=True)),
        article_number=st.one_of(st.none(), _words))))
    day = st.builds(lambda y, m: DateValue(PartialDate(y, m, 1 if m else None)), st.integers(1500, 2100),
                    st.one_of(st.none(), st.integers(1, 12)))
    return Record(type=draw(st.sampled_from(sorted(TYPES))), title=draw(_words), contributors=people,
                  container=container, issued=draw(st.one_of(st.none(), day)),
                  online=draw(st.one_of(st.none(), day)), accessed=draw(st.one_of(st.none(), day)),
                  key=draw(st.one_of(st.none(), _words)), **fields)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_any_record())
def test_generated_records_lose_only_what_lost_names(record: Record) -> None:
    (back,) = list(read(io.StringIO(write([record], "ris")), "ris"))
    silent = facets(record) - facets(back) - set(RISWriter().lost(record))
    assert not silent, (silent, write([record], "ris"))


def test_the_table_prints_as_markdown() -> None:
    from exporter.formats.ris_table import describe

    assert len(describe().splitlines()) == len(ROWS) + 2
