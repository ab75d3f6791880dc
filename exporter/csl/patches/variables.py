"""CSL 1.0.2 variables unknown to citeproc-py 0.11.1.

CSL 1.0.2, Appendix IV "Variables" (https://docs.citationstyles.org/en/stable/specification.html#appendix-iv-variables):
1.0.2 added name variables (chair, compiler, contributor, curator, director,
editor-translator, executive-producer, guest, host, narrator, organizer,
performer, producer, reviewed-author, script-writer, series-creator) and the date
variable available-date.  citeproc-py's CSL-JSON reader parses any variable it
does not list as a string, so a style that renders e.g. ``<names
variable="compiler">`` crashed (AttributeError) on an item with such a name --
8 of the 32 kit styles (apa, modern-language-association, the chicago and
turabian family, taylor-and-francis-chicago-author-date).  The lists are
extended in place (the reader and the Reference class read them at call time).
"""
from __future__ import annotations

import citeproc

NAME_VARIABLES_1_0_2 = (
    'chair', 'compiler', 'contributor', 'curator', 'director', 'editor_translator',
    'executive_producer', 'guest', 'host', 'narrator', 'organizer', 'performer',
    'producer', 'reviewed_author', 'script_writer', 'series_creator',
)
DATE_VARIABLES_1_0_2 = ('available_date',)

for _name in NAME_VARIABLES_1_0_2:
    if _name not in citeproc.NAMES:
        citeproc.NAMES.append(_name)
for _name in DATE_VARIABLES_1_0_2:
    if _name not in citeproc.DATES:
        citeproc.DATES.append(_name)
for _name in NAME_VARIABLES_1_0_2 + DATE_VARIABLES_1_0_2:
    if _name not in citeproc.VARIABLES:
        citeproc.VARIABLES.append(_name)

# --- strip-periods on a number -------------------------------------------------------
# CSL 1.0.2 "Formatting", strip-periods applies to any rendered text.  citeproc-py keeps
# citation-number as an int, so <text variable="citation-number" strip-periods="true">
# (revista-da-sociedade-brasileira-de-medicina-tropical) raised AttributeError.
from citeproc import model  # noqa: E402

_original_strip_periods = model.StrippedPeriods.strip_periods


# strip-periods on a cs:text that calls a macro strips the periods of the text the macro
# renders, not of the affixes inside it, as citeproc-js 2.4.63 does ("AB c." for a macro
# <text variable="title" suffix="."/> on "A.B. c"; journal-of-biomedical-materials-
# research-part-a keeps "World Dev." so; 19 styles set it on a macro call).
_strip_inside: list[bool] = []


def strip_periods(self, string):
    if isinstance(string, int):
        string = str(string)
    if 'macro' in self.attrib:
        return string  # applied inside the macro (see text_render_strip)
    if _strip_inside and _strip_inside[-1] and string is not None:
        return string.replace('.', '')
    return _original_strip_periods(self, string)


model.StrippedPeriods.strip_periods = strip_periods

_original_text_render = model.Text.render


def text_render_strip(self, *args, **kwargs):
    if 'macro' not in self.attrib:
        return _original_text_render(self, *args, **kwargs)
    inside = self.get('strip-periods', 'false').lower() == 'true' or bool(
        _strip_inside and _strip_inside[-1])
    _strip_inside.append(inside)
    try:
        return _original_text_render(self, *args, **kwargs)
    finally:
        _strip_inside.pop()


model.Text.render = text_render_strip
