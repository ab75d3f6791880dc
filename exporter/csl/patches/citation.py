"""Citations: cite order, cite collapsing and cite grouping.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Sorting" (#sorting): cites in a citation are sorted by the ``cs:sort`` of
  ``cs:citation``; without one they keep the order given.  Stock citeproc-py
  first re-ordered them by bibliography order.
* "Citation-specific Options", ``collapse`` (#cite-grouping, #cite-collapsing):
  - "citation-number": a run of three or more consecutive citation numbers
    collapses to a range ("61–63");
  - "year", "year-suffix", "year-suffix-ranged": consecutive cites with the
    same names are grouped and the names are printed once; the cites of a
    group are joined with ``cite-group-delimiter`` (default ", "):
    "(Haverkamp, 2003, 2007b)".
* "Choose" (#choose), ``disambiguate="true"``: true only for cites that are
  still ambiguous (see exporter.csl.disambiguation).  Stock citeproc-py
  ignored the attribute, so the branch was always taken.  The values of one
  ``type`` test are alternatives (an item has exactly one type), as in citeproc-js.
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import VariableError

from ..markup import strip_markers
from ..treememo import attrs

EN_DASH = '\u2013'


_capture: list[list[str]] = []  # first non-empty cs:names output of the cite being rendered
capture_names = _capture  # also used for subsequent-author-substitute (exporter.csl)
_original_names_render = model.Names.render


def names_render(self, *args, **kwargs):
    text = _original_names_render(self, *args, **kwargs)
    if _capture and not _capture[-1] and text is not None and str(text):
        _capture[-1].append(str(text))
    return text


model.Names.render = names_render


def render_citation(self, citation, callback):
    citation_el = self.getparent()
    good_cites = [cite for cite in citation.cites if not cite.is_bad()]
    bad_cites = [cite for cite in citation.cites if cite.is_bad()]
    if citation_el.sort is not None:
        good_cites = citation_el.sort.sort(good_cites, self)
    rendered = []  # (item, text)
    for item in good_cites:
        self.repressed = {}
        prefix = item.get('prefix', '')
        suffix = item.get('suffix', '')
        _capture.append([])
        try:
            output = self.render_children(item)
        except VariableError:
            output = None
        finally:
            names = _capture.pop()
        if output is not None:
            rendered.append((item, prefix + output + suffix, names[0] if names else None))
            citation_el.cites.append(item)
    collapse = citation_el.get('collapse')
    if collapse == 'citation-number':
        out = _collapse_numbers(rendered)
    elif collapse in ('year', 'year-suffix', 'year-suffix-ranged'):
        group_delimiter = citation_el.get('cite-group-delimiter', ', ')
        out = _group_by_names(self, rendered, group_delimiter)
    else:
        out = [text for _, text, _ in rendered]
    for item in bad_cites:
        callback_value = callback(item)
        out.append(callback_value or f'{item.key}?')
    text = self.join(out) if out else None
    if text is None:
        return None
    return self.format(self.wrap(text))


def _collapse_numbers(rendered):
    out = []
    i = 0
    while i < len(rendered):
        j = i
        while (j + 1 < len(rendered) and _plain_number(rendered[j + 1])
               and _plain_number(rendered[j])
               and rendered[j + 1][0].number == rendered[j][0].number + 1):
            j += 1
        if j - i >= 2:
            out.append(rendered[i][1] + EN_DASH + rendered[j][1])
            i = j + 1
        else:
            out.append(rendered[i][1])
            i += 1
    return out


def _plain_number(entry) -> bool:
    item, text, _ = entry
    return (not item.has_locator and not item.get('prefix') and not item.get('suffix')
            and strip_markers(str(text)).strip('[]()., ') == str(item.number))


def _group_by_names(layout, rendered, group_delimiter):
    out = []
    last_names = None
    for item, text, names in rendered:
        text_str = str(text)
        if (names and names == last_names and out and not item.get('prefix')
                and text_str.startswith(names)):
            rest = text_str[len(names):].lstrip(' ,;:')
            out[-1] = out[-1] + group_delimiter + rest
        else:
            out.append(text)
            last_names = names if names and text_str.startswith(names) else None
    return out


model.Layout.render_citation = render_citation

# --- disambiguate="true" -------------------------------------------------------------
def if_render(self, item, context=None, delimiter='', **kwargs):
    results = []
    attrib = attrs(self)
    if 'type' in attrib:
        # an item has one type, so the values of a type test are alternatives
        # (citeproc-js): <if type="thesis manuscript"> is true for a thesis
        results.append(any(self._type(item)))
    if 'variable' in attrib:
        results += self._variable(item)
    if 'is-numeric' in attrib:
        results += self._is_numeric(item)
    if 'is-uncertain-date' in attrib:
        results += self._is_uncertain_date(item)
    if 'locator' in attrib:
        results += self._locator(item)
    if 'position' in self.attrib:
        results += self._position(item, context)
    if 'disambiguate' in attrib:
        try:
            ambiguous = bool(item.reference.get('_ambiguous', False))
        except (AttributeError, VariableError):
            ambiguous = False
        wanted = self.get('disambiguate').lower() == 'true'
        results.append(ambiguous if wanted else not ambiguous)
    match = attrib.get('match', 'all')
    if match == 'any':
        result = any(results)
    elif match == 'none':
        result = not any(results)
    else:
        result = all(results)
    if not result:
        raise model.ConditionFailed
    return self.render_children(item, context=context, delimiter=delimiter, **kwargs)


model.If.render = if_render
