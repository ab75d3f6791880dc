"""HTML output escapes item data; style markup and CSL rich text stay markup.

CSL 1.0.2 Appendix VI "Rich Text Markup": only <i>, <b>, <sub>, <sup>,
<span style="font-variant:small-caps;"> and <span class="nocase"> in fields are markup.
"""
from __future__ import annotations

from exporter.csl import CitationProcessor

EVIL = {
    'id': 'x1', 'type': 'article-journal',
    'title': '<script>alert("x")</script> & <b>bold</b> <img src=x onerror=y> H<sub>2</sub>O',
    'author': [{'family': 'O<b>Brien', 'given': 'A & B'}],
    'container-title': 'Journal <i>of</i> Tests & Trials', 'issued': {'date-parts': [[2001]]},
}


def test_data_is_escaped_in_html():
    for style in ('apa', 'ieee', 'vancouver-nlm', 'chicago-author-date'):
        proc = CitationProcessor(style, markup='html')
        out = ' '.join(proc.bibliography([EVIL]) + proc.citations([EVIL], [[{'id': 'x1'}]]))
        assert '<script>' not in out and '<img' not in out
        assert '&lt;script&gt;' in out
        assert '&amp;' in out
        assert ' & ' not in out


def test_rich_text_and_style_markup_are_rendered():
    proc = CitationProcessor('apa', markup='html')
    entry = proc.bibliography([EVIL])[0]
    assert '<b>bold</b>' in entry
    assert 'H<sub>2</sub>O' in entry
    # italics inside the italic container title flip back to roman
    assert '<i>Journal <span style="font-style:normal;">of</span> Tests &amp; Trials</i>' in entry
    # unbalanced tag in a name is data, not markup
    assert 'O&lt;b&gt;Brien' in entry


def test_text_output_is_not_escaped():
    proc = CitationProcessor('apa', markup='text')
    entry = proc.bibliography([EVIL])[0]
    assert '<script>alert' in entry and ' & ' in entry
    assert '<b>' not in entry.replace('O<b>Brien', '')
    assert 'H2O' in entry


def test_nocase_span_is_not_output():
    item = {'id': 'n', 'type': 'book', 'title': '<span class="nocase">iPhone</span> apps',
            'issued': {'date-parts': [[2010]]}}
    out = CitationProcessor('chicago-author-date', markup='html').bibliography([item])[0]
    assert 'iPhone Apps' in out and 'nocase' not in out


def test_private_use_marker_characters_in_data_cannot_make_markup():
    item = {'id': 'p', 'type': 'book', 'title': 'A \ue000 B \ue002 C',
            'author': [{'family': 'X\ue004', 'given': 'Y'}], 'issued': {'date-parts': [[2001]]}}
    out = CitationProcessor('apa', markup='html').bibliography([item])[0]
    assert '<b>' not in out and '<sup>' not in out
    assert out.count('<i>') == out.count('</i>')
