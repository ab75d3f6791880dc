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

from ..markup import LEFT_MARGIN, RIGHT_INLINE
from ..overrides import define, stock
from ..seams import join, nonempty
from ..treememo import attrs


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
        first, rest = rendered[0], [text for text in rendered[1:] if str(text)]
        # the layout's prefix opens the first field and its suffix closes the rest, as in
        # citeproc-js (<layout prefix="["><text variable="citation-number" suffix="] "/>
        # gives "[1] Achterberg F ...", nist-technical-publication-journal-of-research-of-nist)
        first = self.get('prefix', '') + str(first)
        text = LEFT_MARGIN[0] + str(first) + LEFT_MARGIN[1]
        if rest:  # (nothing after the first field: no right-inline part, no suffix)
            rest_text = (str(self.format(join(rest, self.get('delimiter', ''))))
                         + self.get('suffix', ''))
            text += RIGHT_INLINE[0] + str(rest_text) + RIGHT_INLINE[1]
        output_items.append(text)
    return output_items


_original_render_bibliography = stock(model.Layout, 'render_bibliography')
define(model.Layout, 'render_bibliography', render_bibliography)


# --- display ----------------------------------------------------------------------
# CSL 1.0.2 "Display" (#display): display="block", "left-margin", "right-inline" and
# "indent" set parts of a bibliographic entry apart.  Stock citeproc-py ignored the
# attribute, so "Aaberg, Nils" (a block) ran into "1997–1999" and the title
# (american-anthropological-association and 96 other styles).  As in citeproc-js 2.4.63,
# display applies to the children of the bibliography's cs:layout (cs:choose is
# transparent); inside a group it is ignored.  The part is enclosed in markers that
# exporter.csl.markup turns into <div class="csl-block"> ... in HTML and into line
# breaks (and the space before a right-inline part) in text.
from ..markup import BLOCK, INDENT  # noqa: E402 - beside the rule that uses it

DISPLAY = {'block': BLOCK, 'indent': INDENT, 'left-margin': LEFT_MARGIN,
           'right-inline': RIGHT_INLINE}
_TRANSPARENT = frozenset({'choose', 'if', 'else-if', 'else'})
_at_layout: dict[int, tuple[object, bool]] = {}


def _local(element) -> str:
    return str(element.tag).rsplit('}', 1)[-1]


def at_layout_level(element) -> bool:
    """True for an element whose nearest non-cs:choose ancestor is the bibliography layout."""
    hit = _at_layout.get(id(element))
    if hit is not None and hit[0] is element:
        return hit[1]
    parent = element.getparent()
    while parent is not None and _local(parent) in _TRANSPARENT:
        parent = parent.getparent()
    result = (parent is not None and _local(parent) == 'layout'
              and _local(parent.getparent()) == 'bibliography')
    _at_layout[id(element)] = (element, result)
    return result


def _with_display(render):
    def wrapper(self, *args, **kwargs):
        text = render(self, *args, **kwargs)
        display = attrs(self).get('display')
        if display is None or not nonempty(text):
            return text
        pair = DISPLAY.get(display)
        if pair is None or not at_layout_level(self):
            return text
        return pair[0] + str(text) + pair[1]
    wrapper.__wrapped__ = render
    return wrapper


def install_display() -> None:
    """Wrap the render methods (called once, after every other rule module defined its methods)."""
    for cls in (model.Group, model.Text, model.Names, model.Date, model.Number, model.Label):
        define(cls, 'render', _with_display(stock(cls, 'render')))
