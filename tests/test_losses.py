"""Loss reports: what each writer cannot hold is named, per record."""

from __future__ import annotations

import pytest

from exporter import Contributor, Record, convert, writer_names
from exporter.api import make_writer
from exporter.losses import FIXED_FACETS, facets, lost
from exporter.model import Identifier


def test_seed_facets(seed):
    assert facets(seed) == {
        "title", "contributor:author", "container:title", "date:issued", "date:online", "publisher",
        "id:doi", "id:pmid", "id:pmcid", "link", "link:more", "abstract", "subject", "subject:scheme",
        "language", "rights:statement", "rights:license", "provenance", "provenance:repairs",
    }


def test_every_facet_name_is_known(seed):
    for f in facets(seed):
        assert f in FIXED_FACETS or f.split(":")[0] in ("id", "contributor", "extra")


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("bibtex", ["date:online", "link:more", "provenance", "provenance:repairs", "rights:license", "subject:scheme"]),
        ("biblatex", ["date:online", "link:more", "provenance", "provenance:repairs", "rights:license", "subject:scheme"]),
        ("ris", ["provenance", "provenance:repairs", "rights:license", "rights:statement", "subject:scheme"]),
        ("csl-json", []),
        ("citation", []),
        ("jsonld", ["provenance:repairs", "subject:scheme"]),
    ],
)
def test_seed_losses_per_format(seed, fmt, expected):
    assert make_writer(fmt).lost(seed) == expected  # what the API reports for this record


def test_wildcards_cover_families():
    r = Record(title="t", contributors=(Contributor(family="A", role="illustrator"),),
               identifiers=(Identifier("oclc", "123"),), extra=(("vufind:building", "Library A"),))
    assert lost(r, make_writer("ntriples").carries) == ["extra:vufind:building"]
    # only bibtex: extras are BibTeX fields; other formats' extras are reported (issue 9 conventions)
    assert lost(r, make_writer("bibtex").carries) == ["contributor:illustrator", "extra:vufind:building", "id:oclc"]


def test_every_builtin_writer_declares_what_it_carries():
    for name in writer_names():
        assert make_writer(name).carries is not None, name


def test_api_reports_losses_only_with_a_handler(tmp_path):
    from support import SEED_SOLR

    problems = []
    convert(SEED_SOLR, "ris", on_problem=problems.append)
    assert [(p.severity, p.source, p.record, p.raw) for p in problems] == [("loss", "ris", 1, "pubmed-7919701")]
    assert convert(SEED_SOLR, "ris").startswith("TY  - JOUR")  # no handler: nothing raised


def test_every_record_field_is_a_facet():
    """A field the model gains is a field writers can lose: facets() must see it, or no
    writer would report it (a new kind of field needs a sample here, and a rule there)."""
    import dataclasses

    from exporter.model import Container, DateValue, Link, Provenance, Rights, Subject
    samples = {
        "str | None": "x", "DateValue | None": DateValue(literal="x"), "tuple[str, ...]": ("x",),
        "tuple[Contributor, ...]": (Contributor(family="F"),), "Container | None": Container(volume="1"),
        "tuple[Identifier, ...]": (Identifier("doi", "10.1/x"),), "tuple[Link, ...]": (Link("https://x"),),
        "tuple[Subject, ...]": (Subject("s"),), "Rights | None": Rights(statement="r"),
        "Provenance | None": Provenance(source_system="s"), "tuple[tuple[str, str], ...]": (("k", "v"),),
    }
    bare = facets(Record(type="book"))
    for field in dataclasses.fields(Record):
        if field.name == "type":
            continue
        assert field.type in samples, f"Record.{field.name}: add a sample for {field.type}"
        record = Record(type="book", **{field.name: samples[field.type]})
        assert facets(record) - bare, f"Record.{field.name} is no facet: writers cannot report losing it"


def test_the_precomputed_check_of_each_writer_equals_lost_on_every_corpus_record():
    """LossCheck (issue 14) answers as lost() does, for every writer and every record read
    from the bundled examples and the shared corpus (where present), and for made-up
    carries sets that hold families, single facets and everything."""
    import dataclasses

    from support import EXAMPLES, corpus_files, read_corpus

    from exporter.losses import LossCheck

    records = [r for path in [*sorted(EXAMPLES.glob("*")), *corpus_files()] for r in read_corpus(path)]
    records.append(dataclasses.replace(records[0], extra=(("zz-unknown", "1"), ("N1", "x")), original_script="x"))
    assert len(records) > 50
    checks = [(make_writer(name).carries, getattr(make_writer(name), "carries_extra", None)) for name in writer_names()]
    checks += [(frozenset({"id:*", "title"}), None), (frozenset({"contributor:*", "date:*"}), lambda k: k == "N1"),
               (frozenset({"*"}), None), (frozenset(), None)]
    compared = 0
    for carries, extra_ok in checks:
        if carries is None:
            continue
        check = LossCheck(carries, extra_ok)
        for record in records:
            assert check(record) == lost(record, carries, extra_ok), (sorted(carries)[:5], record.key)
            compared += 1
    assert compared > 500

