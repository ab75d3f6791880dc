"""Disambiguation of cites: add-names, add-givenname, year-suffix, disambiguate="true".

CSL 1.0.2, "Disambiguation" (https://docs.citationstyles.org/en/stable/specification.html#disambiguation):
cites that render identically are *ambiguous*; a style may resolve them, in this
order, by showing more names (``disambiguate-add-names``), by expanding given names
(``disambiguate-add-givenname`` with ``givenname-disambiguation-rule``), by a
year-suffix (``disambiguate-add-year-suffix``) and by ``disambiguate="true"`` branches.

The procedure is citeproc-js 2.4.63's (``CSL.Disambiguation``, ``CSL.Registry.NameReg``),
step for step, because real styles and the CSL test suite depend on its details:

* every item has an :class:`AmbigConfig`: per name list rendered in its cite (a
  *nameset*) the number of names shown and per name the level of its given name
  (0 none, 1 initials, 2 full); a year-suffix; a count of ``disambiguate="true"``
  tests to pass;
* items are grouped by their *ambiguous cite*: the cite in the subsequent position,
  without affixes or locator, rendered with that configuration;
* a group of several items is worked through by the methods the style allows:
  names (one more given-name level, then one more name, then the next nameset),
  year-suffix (in bibliography order, only if the group still clashes) and extra text
  (one more ``disambiguate="true"`` branch at a time);
* with a givenname-disambiguation-rule other than "by-cite", given names are expanded
  wherever a family name is shared with a different given name in any cite (the
  registry of names, :class:`NameRegistry`), ambiguous or not.

The configuration is read while a cite or entry renders (exporter.csl.ambiguity).
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from citeproc import Citation
from citeproc.source import VariableError

from .ambiguity import CONFIG_KEY, AmbigConfig, CiteAmbiguity, NameRegistry, Options
from .context import render_context
from .engine import ExporterCitationItem
from .labels import GENERATED_LABEL
from .markup import strip_markers
from .positions import SUBSEQUENT, CitePosition

_SUBSEQUENT = CitePosition(SUBSEQUENT, near_note=True)
_MAX_STEPS = 20000  # a guard: citeproc-js's loop always ends, this one must too


def suffix_for(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ''
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord('a') + rem) + out
    return out


# --- the disambiguation of one group (citeproc-js CSL.Disambiguation) -------------------
class _Group:
    """One run of CSL.Disambiguation over the items of one ambiguous cite."""

    def __init__(self, run: Run, keys: list[str]) -> None:
        self.run = run
        self.keys = keys
        self.modes = run.modes
        self.lists: list[list[Any]] = []
        self.base: AmbigConfig | None = None
        self.betterbase: AmbigConfig | None = None
        self.max_names: dict[str, list[int]] = {}
        self.namesets_max = -1
        self.names_max: int | None = None
        self.givens_max: int | None = None
        self.modeindex = 0
        self.gnameset = 0
        self.gname = 0
        self.clashes = [1, 0]
        self.listpos = 0
        self.init_givens = True
        self.partners: list[str] = []
        self.nonpartners: list[str] = []
        self.last_render: CiteAmbiguity | None = None

    # citeproc-js getCiteData
    def _cite_data(self, key: str, base: AmbigConfig | None) -> None:
        if key in self.max_names:
            return
        _, state = self.run.render(key, base)
        rendered = (state.request if state.request is not None else state.settings).clone()
        self.max_names[key] = list(state.names_max)
        registered = self.run.registry[key]
        registered.givens = [list(g) for g in state.settings.givens]
        self.namesets_max = len(registered.names) - 1
        if self.base is None:
            self.base = rendered
            self.betterbase = rendered.clone()
        if len(rendered.names) < len(self.base.names):
            self.base = rendered
        for i in range(len(rendered.names)):
            if i < len(self.base.names) and rendered.names[i] > self.base.names[i]:
                self.base.givens[i] = list(rendered.givens[i])
                self.base.names[i] = rendered.names[i]
                self.betterbase.names = list(self.base.names)
                self.betterbase.givens = list(self.base.givens)
                self.base.pad()
                self.betterbase.pad()
        self.betterbase.givens = [list(g) for g in self.base.givens]

    def init_vars(self) -> bool:
        keys = self.keys
        if not keys:
            return False
        self._cite_data(keys[0], None)
        if len(keys) > 1:
            bundles = [(self.max_names[keys[0]], keys[0])]
            for key in keys[1:]:
                self._cite_data(key, self.base)
                bundles.append((self.max_names[key], key))
            bundles.sort(key=lambda bundle: (bundle[0], self.run.item_ids[bundle[1]]))
            self.lists.append([self.base, [key for _, key in bundles]])
            first = self.lists[0][1][0]
        else:
            first = keys[0]
        self.names_max = (self.max_names[first] or [None])[0]
        self.base.pad()
        self.betterbase.pad()
        self.base.year_suffix = None
        self.base.disambiguate = 0
        self.betterbase.year_suffix = None
        self.betterbase.disambiguate = 0
        if self.run.options.rule == 'by-cite' and self.run.options.add_givenname:
            self.givens_max = 2
        return True

    def run_all(self) -> None:
        if not self.modes or not self.init_vars():
            return
        self.init_givens = True
        steps = 0
        while self.lists:
            self.gnameset = 0
            self.gname = 0
            self.clashes = [1, 0]
            while self.lists and self.lists[0][1]:
                steps += 1
                if steps > _MAX_STEPS:
                    return
                self.listpos = 0
                if self.base is None:
                    self.base = self.lists[0][0]
                maxed = self.increment()
                self.scan(self.lists[0])
                self.evaluate(maxed)
            self.lists = self.lists[1:]

    def _ambiguous_cite(self, key: str) -> str:
        text, state = self.run.render(key, self.base)
        self.last_render = state
        return text

    def scan(self, group: list[Any]) -> None:
        items = group[1]
        first = items[0]
        first_cite = self._ambiguous_cite(first)
        self.partners = [first]
        self.nonpartners = []
        clashes = 0
        for other in items[1:]:
            if self._ambiguous_cite(other) == first_cite:
                clashes += 1
                self.partners.append(other)
            else:
                self.nonpartners.append(other)
        self.clashes[0] = self.clashes[1]
        self.clashes[1] = clashes

    def evaluate(self, maxed: bool) -> None:
        getattr(self, '_' + self.modes[self.modeindex])(maxed)
        if maxed:
            if self.modeindex < len(self.modes) - 1:
                self.modeindex += 1
            else:
                self._set_list(self.listpos + 1, [self.base, []])

    def _set_list(self, index: int, value: list[Any]) -> None:
        if index < len(self.lists):
            self.lists[index] = value
        else:
            self.lists.append(value)

    def _register(self, key: str, config: AmbigConfig) -> None:
        self.run.registry[key] = config.clone()

    def _capture_step(self) -> None:
        base, better = self.base, self.betterbase
        if self.run.options.rule == 'by-cite' and base.givens:
            if (self.gnameset < len(base.givens)
                    and self.gname < len(base.givens[self.gnameset])):
                if len(better.givens) < len(base.givens):
                    better.givens = [list(g) for g in base.givens]
                while len(better.givens[self.gnameset]) <= self.gname:
                    better.givens[self.gnameset].append(0)
                better.givens[self.gnameset][self.gname] = base.givens[self.gnameset][self.gname]
        while len(better.names) <= self.gnameset:
            better.names.append(0)
        if self.gnameset < len(base.names):
            better.names[self.gnameset] = base.names[self.gnameset]

    def _names(self, maxed: bool) -> None:
        better = self.betterbase
        if self.clashes[1] == 0 and len(self.nonpartners) == 1:
            self._capture_step()
            self._register(self.nonpartners[0], better)
            self._register(self.partners[0], better)
            self.lists[self.listpos] = [better, []]
        elif self.clashes[1] == 0:
            self._capture_step()
            self._register(self.partners[0], better)
            self.lists[self.listpos] = [better, self.nonpartners]
            if self.nonpartners:
                self.init_givens = True
        elif len(self.nonpartners) == 1:
            self._capture_step()
            self._register(self.nonpartners[0], better)
            self.lists[self.listpos] = [better, self.partners]
        elif self.clashes[1] < self.clashes[0]:
            self._capture_step()
            self.lists[self.listpos] = [better, self.partners]
            self.lists.append([better, self.nonpartners])
        elif maxed:
            self.lists[self.listpos] = [better, self.nonpartners]
            self.lists.append([better, self.partners])
            if self.modeindex == len(self.modes) - 1:
                for key in self.partners:
                    self._register(key, better)
                self.lists[self.listpos] = [better, []]

    def _extra(self, maxed: bool) -> None:
        done = self.clashes[1] == 0 and len(self.nonpartners) < 2
        last = self.last_render
        count = last.disambiguate_count if last is not None else 0
        most = last.disambiguate_max if last is not None else 0
        if not done and (not self.base.disambiguate or count != most):
            self.modeindex = 0
            self.base.disambiguate = count
            self.betterbase.disambiguate = count
            if not self.base.disambiguate:
                self.init_givens = True
                self.base.disambiguate = 1
            else:
                self._names(False)
        elif done or count == most:
            if done or self.modeindex == len(self.modes) - 1:
                base = self.lists[self.listpos][0]
                for key in self.lists[self.listpos][1]:
                    self._register(key, base)
                self.lists[self.listpos] = [self.betterbase, []]
            else:
                self.modeindex = len(self.modes) - 1
                base = self.lists[self.listpos][0]
                base.disambiguate = 1
                for key in self.lists[self.listpos][1]:
                    self._register(key, base)

    def _years(self, maxed: bool) -> None:
        base = self.lists[self.listpos][0]
        keys: list[str] = []
        if self.clashes[1]:
            members = set(self.lists[self.listpos][1])
            keys = sorted(members, key=self.run.bibliography_order.__getitem__)
        for n, key in enumerate(keys):
            base.year_suffix = n
            self._register(key, base)
        self.lists[self.listpos] = [self.betterbase, []]

    def increment(self) -> bool:
        """citeproc-js incrementDisambig: one more step of the current method."""
        if self.init_givens:
            self.init_givens = False
            return False
        mode = self.modes[self.modeindex]
        base = self.base
        if mode == 'names':
            increment_names = self.givens_max is None
            increment_namesets = self.names_max is None
            if self.givens_max is not None:
                givens = base.givens[self.gnameset] if self.gnameset < len(base.givens) else None
                if (base.givens and givens is not None and self.gname < len(givens)
                        and givens[self.gname] < self.givens_max):
                    givens[self.gname] += 1
                else:
                    increment_names = True
            if self.names_max is not None and increment_names:
                if self.run.options.add_names:
                    increment_namesets = False
                    if self.gname < self.names_max:
                        while len(base.names) <= self.gnameset:
                            base.names.append(0)
                        base.names[self.gnameset] += 1
                        self.gname += 1
                    else:
                        increment_namesets = True
                else:
                    increment_namesets = True
            if increment_namesets and self.gnameset < self.namesets_max:
                self.gnameset += 1
                while len(base.names) <= self.gnameset:
                    base.names.append(0)
                base.names[self.gnameset] = 1
                self.gname = 0
            givens = base.givens[self.gnameset] if self.gnameset < len(base.givens) else None
            return ((self.namesets_max == -1 or self.gnameset == self.namesets_max)
                    and (not self.run.options.add_names or self.names_max is None
                         or self.gname == self.names_max)
                    and (self.givens_max is None or givens is None or self.gname >= len(givens)
                         or givens[self.gname] == self.givens_max))
        if mode == 'extra':
            base.disambiguate += 1
            self.betterbase.disambiguate += 1
        return False


# --- the run over a bibliography ----------------------------------------------------------
class Run:
    """Disambiguation of the items of one bibliography (the state exporter's element
    classes read while it renders: :func:`cite_ambiguity`)."""

    def __init__(self, style, bib, options: Options, modes: list[str],
                 identity: dict[str, Any] | None = None) -> None:
        self.style = style
        self.bib = bib
        self.options = options
        self.modes = modes
        demote = style.root.get('demote-non-dropping-particle', 'display-and-sort')
        self.names = NameRegistry(options, demote == 'never')
        self.registry: dict[str, AmbigConfig] = {}
        #: the ambiguous-cite rendering under way
        self.rendering: CiteAmbiguity | None = None
        self._memo: dict[tuple, tuple] = {}
        #: item key -> what its cite renders from (items with the same data render alike)
        self.identity = identity or {}
        self.item_ids = {item.key: n for n, item in enumerate(bib.items)}
        self.bibliography_order = self.item_ids

    def render(self, key: str, request: AmbigConfig | None) -> tuple[str, CiteAmbiguity]:
        """citeproc-js getAmbiguousCite: the cite of an item in the subsequent position,
        without affixes and locator, with the given configuration (None: the item's
        registered one, or a new one)."""
        if request is None:
            request = self.registry.get(key)
        # the rendering depends only on the item, the configuration and the names
        # registered: the same three give the same text and the same changes to the
        # configuration (the items of a group are rendered again and again)
        memo_key = (self.identity.get(key, key),
                    request.signature() if request is not None else None, self.names.version)
        hit = self._memo.get(memo_key)
        if hit is not None:
            text, settings, names_max, count, most = hit
            if request is not None:
                request.assign(settings)
            state = CiteAmbiguity(request, True)
            if request is None:
                state.settings = settings.clone()
            state.names_max = list(names_max)
            state.disambiguate_count, state.disambiguate_max = count, most
            return text, state
        text, state = self._render(key, request)
        self._memo[memo_key] = (text, state.settings.clone(), list(state.names_max),
                                state.disambiguate_count, state.disambiguate_max)
        return text, state

    def _render(self, key: str, request: AmbigConfig | None) -> tuple[str, CiteAmbiguity]:
        current = render_context()
        saved_rendering, saved_state = self.rendering, current.cite_ambiguity
        state = self.rendering = CiteAmbiguity(request, True)
        bib = self.bib
        saved_cites = bib._cites
        bib._cites = []
        item = ExporterCitationItem(key)
        item.__dict__['_position'] = _SUBSEQUENT
        citation = Citation([item])
        citation.bibliography = bib
        current.cite_ambiguity = None
        try:
            text = str(self.style.render_citation(citation, [], lambda c: None))
        except Exception:  # noqa: BLE001 - a cite that fails to render is no cite
            text = ''
        finally:
            current.cite_ambiguity = saved_state
            self.rendering = saved_rendering
            bib._cites = saved_cites
        return strip_markers(text), state


def _options(style) -> Options | None:
    citation = style.root.citation
    if citation is None:
        return None

    def flag(name: str) -> bool:
        return citation.get(name, 'false').lower() == 'true'

    return Options(
        add_names=flag('disambiguate-add-names'),
        add_givenname=flag('disambiguate-add-givenname'),
        add_year_suffix=flag('disambiguate-add-year-suffix'),
        rule=citation.get('givenname-disambiguation-rule', 'by-cite'),
        has_disambiguate=bool(style.root.xpath_search(
            './/cs:if[@disambiguate="true"] | .//cs:else-if[@disambiguate="true"]')),
    )


def item_identities(style, bib, prepared: list[dict]) -> dict[str, Any]:
    """Item key -> a value equal for items whose cites render alike: their data without
    the id (and their citation number, where the style prints one)."""
    numbered = bool(style.root.xpath_search('.//cs:text[@variable="citation-number"]'))
    numbers = {item.key: n for n, item in enumerate(bib.items)} if numbered else {}
    out = {}
    for item in prepared:
        data = json.dumps({k: v for k, v in item.items() if k != 'id'}, sort_keys=True,
                          default=str)
        key = str(item['id']).lower()
        out[key] = (data, numbers.get(key))
    return out


def disambiguate(style, bib, prepared: list[dict] | None = None) -> None:
    """Disambiguate the items of a registered bibliography (module docstring); each
    item's configuration is stored on its reference under :data:`CONFIG_KEY`.
    prepared: the items' CSL-JSON, to render items with the same data once."""
    options = _options(style)
    if options is None:
        return
    modes = []
    if options.add_names or (options.add_givenname and options.rule == 'by-cite'):
        modes.append('names')
    if options.add_year_suffix:
        modes.append('years')
    if options.has_disambiguate:
        modes.append('extra')
    if not modes and not options.add_givenname:
        return  # nothing in the style depends on ambiguity: no extra rendering
    current = render_context()
    run = Run(style, bib, options, modes,
              item_identities(style, bib, prepared) if prepared is not None else None)
    current.disambiguation = run
    # citeproc-js doinserts: each item's ambiguous cite, with the names registered so far
    groups: dict[str, list[str]] = defaultdict(list)
    for item in bib.items:
        text, state = run.render(item.key, None)
        run.registry[item.key] = state.settings.clone()
        if text:
            groups[text].append(item.key)
    if modes:
        for keys in groups.values():
            if len(keys) > 1:
                _Group(run, keys).run_all()
    label = style_has_citation_label(style)
    explicit = style_has_year_suffix_variable(style) or label
    for item in bib.items:
        config = run.registry.get(item.key)
        if config is None:
            continue
        item.reference[CONFIG_KEY] = config
        if config.year_suffix is not None:
            _set_suffix(item.reference, suffix_for(config.year_suffix), explicit, label)


def style_has_year_suffix_variable(style) -> bool:
    return bool(style.root.xpath_search('.//cs:text[@variable="year-suffix"]'))


def style_has_citation_label(style) -> bool:
    return bool(style.root.xpath_search('.//cs:text[@variable="citation-label"]'))


GENERATED_KEY = GENERATED_LABEL.replace('-', '_')


def _set_suffix(reference, suffix: str, explicit: bool, label: bool) -> None:
    reference['year_suffix'] = suffix
    if label:
        # a label style carries the year-suffix on its label ("[Have07a]"), as citeproc-js
        for key in ('citation_label', GENERATED_KEY):
            if dict.get(reference, key):
                reference[key] = str(dict.get(reference, key)) + suffix
                break
    if not explicit:
        try:
            issued = reference['issued']
        except VariableError:
            return
        target = issued.get('begin', issued) if isinstance(issued, dict) else None
        if target is not None and 'year' in target:
            target['year_suffix'] = suffix

