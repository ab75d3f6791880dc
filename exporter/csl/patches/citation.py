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
        out = _group_by_names(self, rendered, citation_el, collapse)
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


def _group_by_names(layout, rendered, citation_el, collapse):
    """Cite grouping and year / year-suffix collapsing, with citeproc-js's delimiters.

    Cites with the same names as the preceding cite print the names once.  With
    ``collapse="year-suffix"`` (``"year-suffix-ranged"``), a cite whose year equals the
    preceding one's shows its year-suffix only ("2000a,b"; ranged: "2000a–c"), joined by
    ``year-suffix-delimiter`` (default: the layout delimiter).

    Delimiters follow citeproc-js (``CSL.getSpliceDelimiter``).  With
    ``after-collapse-delimiter``, it goes after a cite with a locator, after the last cite
    of a collapsed group, and between two cites that are not collapsed (except with
    ``collapse="year-suffix"``); inside a group the layout delimiter applies
    ("(Haverkamp 2003; 2007a)" in iso690-author-date, whose layout delimiter is "; ").
    Without it, cites inside a group are joined by ``cite-group-delimiter`` (default ", "
    in in-text styles; in note styles citeproc-js uses the layout delimiter) and groups by
    the layout delimiter.
    """
    after_collapse = citation_el.get('after-collapse-delimiter')
    layout_delimiter = layout.get('delimiter', '')
    group_delimiter = citation_el.get('cite-group-delimiter')
    if group_delimiter is None:  # citeproc-js: ", " in in-text styles, else the layout's
        in_text = citation_el.getparent().get('class') == 'in-text'
        group_delimiter = ', ' if in_text else layout_delimiter
    suffix_delimiter = citation_el.get('year-suffix-delimiter', layout_delimiter)
    by_suffix = collapse in ('year-suffix', 'year-suffix-ranged')
    pieces = []  # [text, collapsed, item, year base for suffix collapsing, suffix-only]
    last_names = None
    for item, text, names in rendered:
        text_str = str(text)
        collapsed = bool(names and names == last_names and pieces and not item.get('prefix')
                         and text_str.startswith(names))
        if not collapsed:
            last_names = names if names and text_str.startswith(names) else None
            pieces.append([text, False, item, _year_base(item, text_str, names), False])
            continue
        rest = text_str[len(names):].lstrip(' ,;:')
        if not strip_markers(rest).strip():
            continue  # only the names, which the group already shows (citeproc-js)
        base = _year_base(item, rest, None)
        previous = pieces[-1]
        if by_suffix and base is not None and previous[3] is not None and base[0] == previous[3][0]:
            pieces.append([base[1], True, item, base, True])
        else:
            pieces.append([rest, True, item, base, False])
    out = ''
    k = 0
    while k < len(pieces):
        text, collapsed, item, base, _ = pieces[k]
        if k > 0:
            prev_collapsed = pieces[k - 1][1]
            last_locator = pieces[k - 1][2].has_locator
            if after_collapse is not None:
                if last_locator or (prev_collapsed and not collapsed) or (
                        not prev_collapsed and not collapsed and collapse != 'year-suffix'):
                    delimiter = after_collapse
                else:
                    delimiter = layout_delimiter
            else:
                delimiter = group_delimiter if collapsed else layout_delimiter
            out += delimiter
        end = k + 1
        while end < len(pieces) and pieces[end][4]:
            end += 1
        if end == k + 1:
            out += str(text)
            k += 1
            continue
        # a year followed by cites that show their year-suffix only
        letters = [base[1]] + [str(piece[0]) for piece in pieces[k + 1:end]]
        runs = _suffix_runs(letters, collapse == 'year-suffix-ranged')
        first = runs[0]
        out += str(text) + (EN_DASH + letters[first[1]] if first[1] > first[0] else '')
        for start, stop in runs[1:]:
            out += suffix_delimiter + letters[start] + (EN_DASH + letters[stop] if stop > start else '')
        k = end
    return [out] if pieces else []


def _year_base(item, text: str, names):
    """(text without its year-suffix, the suffix) for a plain author-year cite, else None."""
    try:
        suffix = item.reference.get('year_suffix')
    except (AttributeError, VariableError):
        suffix = None
    if not suffix or item.has_locator or item.get('prefix') or item.get('suffix'):
        return None
    rest = text[len(names):] if names and text.startswith(names) else text
    core = strip_markers(rest).strip(" ,;:")
    if not core.endswith(suffix):
        return None
    return core[:-len(suffix)], suffix


def _suffix_runs(letters: list[str], ranged: bool) -> list[tuple[int, int]]:
    """(first, last) index of each printed unit: with ranges, 3 or more consecutive letters
    make one unit "a–c" (as citeproc-js's NumericBlob ranges); otherwise one per letter."""
    runs = []
    i = 0
    while i < len(letters):
        j = i
        if ranged:
            while j + 1 < len(letters) and _next_letter(letters[j]) == letters[j + 1]:
                j += 1
        if j - i >= 2:
            runs.append((i, j))
            i = j + 1
        else:
            runs.append((i, i))
            i += 1
    return runs


def _next_letter(letter) -> str:
    letter = str(letter)
    return chr(ord(letter) + 1) if len(letter) == 1 and letter < 'z' else ''


model.Layout.render_citation = render_citation

# --- disambiguate="true" -------------------------------------------------------------
def if_render(self, item, context=None, delimiter='', **kwargs):
    results = []
    if 'type' in self.attrib:
        # an item has one type, so the values of a type test are alternatives
        # (citeproc-js): <if type="thesis manuscript"> is true for a thesis
        results.append(any(self._type(item)))
    if 'variable' in self.attrib:
        results += self._variable(item)
    if 'is-numeric' in self.attrib:
        results += self._is_numeric(item)
    if 'is-uncertain-date' in self.attrib:
        results += self._is_uncertain_date(item)
    if 'locator' in self.attrib:
        results += self._locator(item)
    if 'position' in self.attrib:
        results += self._position(item, context)
    if 'disambiguate' in self.attrib:
        try:
            ambiguous = bool(item.reference.get('_ambiguous', False))
        except (AttributeError, VariableError):
            ambiguous = False
        wanted = self.get('disambiguate').lower() == 'true'
        results.append(ambiguous if wanted else not ambiguous)
    match = self.get('match', 'all')
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
