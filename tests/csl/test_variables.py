"""CSL 1.0.2 name and date variables (Appendix IV) render instead of crashing."""
from __future__ import annotations

import pytest

from exporter.csl import CitationProcessor

ITEM = {
    'id': 'c1', 'type': 'book', 'title': 'Compiled works',
    'compiler': [{'family': 'Smith', 'given': 'Ann'}],
    'chair': [{'family': 'Jones', 'given': 'Bo'}],
    'contributor': [{'family': 'Lee', 'given': 'Cy'}],
    'executive-producer': [{'family': 'Kim', 'given': 'Di'}],
    'guest': [{'family': 'Guest', 'given': 'Gil'}],
    'host': [{'family': 'Host', 'given': 'Hal'}],
    'available-date': {'date-parts': [[2019, 5]]},
    'issued': {'date-parts': [[2020]]}, 'publisher': 'P',
}

# styles of the kit that render these variables (and crashed with stock citeproc-py)
STYLES = ['apa', 'modern-language-association', 'chicago-author-date',
          'chicago-notes-bibliography', 'chicago-shortened-notes-bibliography',
          'turabian-author-date', 'turabian-notes-bibliography',
          'taylor-and-francis-chicago-author-date']


@pytest.mark.parametrize('style', STYLES)
def test_csl_1_0_2_name_variables_render(style):
    proc = CitationProcessor(style)
    entry = proc.bibliography([ITEM])[0]
    assert 'Guest' in entry
    assert proc.citations([ITEM], [[{'id': 'c1'}]])[0]


def test_compiler_and_chair_are_names():
    entry = CitationProcessor('apa').bibliography([ITEM])[0]
    assert 'A. Smith, Compiler' in entry and 'B. Jones, Chair' in entry
