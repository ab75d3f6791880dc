"""Rich text and quotation marks in field values, read as citeproc-js reads them
(exporter.csl.flipflop, exporter.csl.markup.resolve_decorations).

The expected strings are citeproc-js 2.4.63's HTML output for the same titles and style
(a title plain, quoted and in italics), rendered with node and npm citeproc@2.4.63."""
from __future__ import annotations

import pytest

from exporter.csl import CitationProcessor

STYLE = '''<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id/><title/><updated>2009-08-10T04:49:00+09:00</updated></info>
  <citation><layout>
    <group delimiter=" | ">
      <text variable="title"/>
      <text variable="title" quotes="true"/>
      <text variable="title" font-style="italic"/>
    </group>
  </layout></citation>
</style>'''

# (title in the data, citeproc-js 2.4.63's HTML; its numeric character references written
# as the named ones exporter writes)
CASES = [
    ('He said "hi" to \'her\'',
     'He said “hi” to ‘her’ | “He said ‘hi’ to ‘her’” | <i>He said “hi” to ‘her’</i>'),
    ('\'single\' then "double"',
     '“single” then ‘double’ | “‘single’ then ‘double’” | <i>“single” then ‘double’</i>'),
    ("don't stop",
     'don’t stop | “don’t stop” | <i>don’t stop</i>'),
    ("The ’90s and the '80s",
     'The ’90s and the ’80s | “The ’90s and the ’80s” | <i>The ’90s and the ’80s</i>'),
    ('“curly” and ‘inner’',
     '“curly” and ‘inner’ | “‘curly’ and ‘inner’” | <i>“curly” and ‘inner’</i>'),
    ('<i>Nested <b>bold</b></i> end',
     '<i>Nested <b>bold</b></i> end | “<i>Nested <b>bold</b></i> end” | <i><span style="font-style:normal;">Nested <b>bold</b></span> end</i>'),
    ('Unclosed <i>tag',
     'Unclosed &lt;i&gt;tag | “Unclosed &lt;i&gt;tag” | <i>Unclosed &lt;i&gt;tag</i>'),
    ('Closed</i> tag',
     'Closed&lt;/i&gt; tag | “Closed&lt;/i&gt; tag” | <i>Closed&lt;/i&gt; tag</i>'),
    ('a <sc>Small</sc> b',
     'a <span style="font-variant:small-caps;">Small</span> b | “a <span style="font-variant:small-caps;">Small</span> b” | <i>a <span style="font-variant:small-caps;">Small</span> b</i>'),
    ('x <span class="nodecor">plain</span> y',
     'x plain y | “x plain y” | <i>x <span style="font-style:normal;">plain</span> y</i>'),
    ('Title: sub? yes!',
     'Title: sub? yes! | “Title: sub? yes!” | <i>Title: sub? yes!</i>'),
    ('« guillemets »',
     '«\u202fguillemets\u202f» | “«\u202fguillemets\u202f»” | <i>«\u202fguillemets\u202f»</i>'),
    ("('paren quote')",
     "('paren quote’) | “('paren quote’)” | <i>('paren quote’)</i>"),
    ('""double-empty""',
     '“‘double-empty’” | “‘“double-empty”’” | <i>“‘double-empty’”</i>'),
    ("Rock 'n' roll",
     'Rock “n” roll | “Rock ‘n’ roll” | <i>Rock “n” roll</i>'),
    ("O'Brien's 'work'",
     'O’Brien’s “work” | “O’Brien’s ‘work’” | <i>O’Brien’s “work”</i>'),
    ('<b><i>both</i></b>',
     '<b><i>both</i></b> | “<b><i>both</i></b>” | <i><b><span style="font-style:normal;">both</span></b></i>'),
    ('it\'s "a \'deep\' one" ok',
     'it’s “a ‘deep’ one” ok | “it’s ‘a “deep” one’ ok” | <i>it’s “a ‘deep’ one” ok</i>'),
    ('5\' 10" tall',
     '5’ 10" tall | “5’ 10" tall” | <i>5’ 10" tall</i>'),
    ('end quote"',
     'end quote" | “end quote"” | <i>end quote"</i>'),
    ('<span style="font-variant: small-caps">sc span</span>',
     '<span style="font-variant:small-caps;">sc span</span> | “<span style="font-variant:small-caps;">sc span</span>” | <i><span style="font-variant:small-caps;">sc span</span></i>'),
    ('  leading spaces',
     '\xa0 leading spaces | “\xa0 leading spaces” | <i>\xa0 leading spaces</i>'),
    ("'tis the season",
     '’tis the season | “’tis the season” | <i>’tis the season</i>'),
]


@pytest.fixture(scope='module')
def processor(tmp_path_factory):
    path = tmp_path_factory.mktemp('flipflop') / 'style.csl'
    path.write_text(STYLE, encoding='utf-8')
    return CitationProcessor(str(path), markup='html')


@pytest.mark.parametrize(('title', 'expected'), CASES)
def test_rich_text_and_quotes_as_citeproc_js(processor, title, expected):
    got, = processor.citations([{'id': 'a', 'type': 'book', 'title': title}], [[{'id': 'a'}]])
    assert got == expected


def test_cite_prefix_and_suffix_are_rich_text(processor):
    # (citeproc-js 2.4.63 gives the same string)
    got, = processor.citations(
        [{'id': 'a', 'type': 'book', 'title': 'T'}],
        [[{'id': 'a', 'prefix': '<i>see</i> "also" ', 'suffix': ' <sc>etc</sc>'}]])
    assert got == ('<i>see</i> “also” T | “T” | <i>T</i> '
                   '<span style="font-variant:small-caps;">etc</span>')
