"""The served documents (exporter.serve.formats): one per registered writer, and the fast
linked-data renderers give the writers' graphs."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import isomorphic
from support import SEED_SOLR

from exporter import read, write, writer_names
from exporter.registry import writer_class
from exporter.serve.formats import FAST, by_extension, document_formats, find_format, render

BASE = "https://catalog.example.edu/record/"
PARSERS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def test_every_writer_is_served() -> None:
    served = {f.name for f in document_formats()}
    assert served == {"html"} | {n for n in writer_names() if writer_class(n).extensions}
    extensions = [f.extension for f in document_formats()]
    assert len(extensions) == len(set(extensions))
    negotiable = [f.media_type for f in document_formats() if f.negotiable]
    assert len(negotiable) == len(set(negotiable))
    # a shared media type reaches the preferred writer; the other keeps its extension
    assert find_format("bib").name == "bibtex" and find_format(".biblatex.bib").name == "biblatex"
    assert [f.name for f in document_formats() if f.media_type == "application/x-bibtex" and f.negotiable] == ["bibtex"]
    assert by_extension()[0][0] == max(extensions, key=len)


@pytest.mark.parametrize("name", sorted(FAST))
def test_fast_renderers_give_the_writers_graph(name: str) -> None:
    records = list(read(SEED_SOLR))
    records.append(records[0].__class__(type="book", title='Odd "quotes" </script> & \\ \n lines', key="odd"))
    for record in records:
        iri = BASE + ("odd" if record.key == "odd" else "pubmed-7919701")  # the IRIs the writer mints
        fast = render(find_format(name), record, BASE, iri)
        expected = write([record], name, base_iri=BASE)
        got = rdflib.Graph().parse(data=fast, format=PARSERS[name])
        want = rdflib.Graph().parse(data=expected, format=PARSERS[name])
        assert len(got) >= 2 and isomorphic(got, want)
