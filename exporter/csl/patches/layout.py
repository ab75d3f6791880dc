"""Bibliography layout: second-field-align.

CSL 1.0.2, "Whitespace" (#whitespace): with ``second-field-align`` ("flush" or
"margin") the first field of each entry (typically the citation number) is set
apart from the rest of the entry.  citeproc-js renders it as a
``csl-left-margin`` block followed by a ``csl-right-inline`` block; in plain text
that is "[1] Rest of entry".  Stock citeproc-py simply concatenates, "[1]Rest".
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import VariableError
from citeproc.string import join

from ..markup import LEFT_MARGIN, RIGHT_INLINE


def _render_child(child, item):
    try:
        if isinstance(child, model.Choose):
            return child.render(item, delimiter='')
        return child.render(item)
    except VariableError:
        return None


def render_bibliography(self, citation_items):
    bibliography = self.getparent()
    align = bibliography.get('second-field-align')
    if not align:
        return _original_render_bibliography(self, citation_items)
    output_items = []
    for item in citation_items:
        self.repressed = {}
        rendered = [text for text in (_render_child(child, item)
                                      for child in self.iterchildren()) if text is not None]
        if not rendered:
            continue
        first, rest = rendered[0], rendered[1:]
        rest_text = self.format(self.wrap(join(rest, self.get('delimiter', ''))))
        text = (LEFT_MARGIN[0] + str(first) + LEFT_MARGIN[1]
                + RIGHT_INLINE[0] + str(rest_text) + RIGHT_INLINE[1])
        output_items.append(text)
    return output_items


_original_render_bibliography = model.Layout.render_bibliography
model.Layout.render_bibliography = render_bibliography
