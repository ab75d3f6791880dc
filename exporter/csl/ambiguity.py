"""What a cite or entry reads of its disambiguation while it renders.

CSL 1.0.2, "Disambiguation" (https://docs.citationstyles.org/en/stable/specification.html#disambiguation),
as citeproc-js 2.4.63 implements it (see exporter.csl.disambiguation, which computes each
item's :class:`AmbigConfig`).  While a cite or bibliography entry renders, its
:class:`CiteAmbiguity` (:func:`cite_ambiguity`) says how many names each of its name
lists shows (:func:`nameset_shown`, citeproc-js _imposeNameConstraints), at which level
each given name is shown (:func:`given_levels`, citeproc-js _runDisambigNames with the
registry of names, :class:`NameRegistry`) and which ``disambiguate="true"`` tests pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .context import render_context

#: the key of an item's AmbigConfig on its citeproc-py reference
CONFIG_KEY = '_disambig'


@dataclass
class AmbigConfig:
    """citeproc-js's ambig config of one item (see the module docstring)."""

    names: list[int] = field(default_factory=list)
    givens: list[list[int]] = field(default_factory=list)
    year_suffix: int | None = None
    disambiguate: int = 0

    def signature(self) -> tuple:
        return (tuple(self.names), tuple(map(tuple, self.givens)), self.year_suffix,
                self.disambiguate)

    def assign(self, other: AmbigConfig) -> None:
        """Take the values of other (in place: the object may be shared)."""
        self.names[:] = other.names
        self.givens[:] = [list(g) for g in other.givens]
        self.year_suffix = other.year_suffix
        self.disambiguate = other.disambiguate

    def clone(self) -> AmbigConfig:
        return AmbigConfig(list(self.names), [list(g) for g in self.givens],
                           self.year_suffix, self.disambiguate)

    def pad(self) -> None:
        """citeproc-js padBase: a given-name level (0) for every name shown."""
        for i, count in enumerate(self.names):
            while len(self.givens) <= i:
                self.givens.append([])
            while len(self.givens[i]) < count:
                self.givens[i].append(0)


@dataclass
class Options:
    add_names: bool
    add_givenname: bool
    add_year_suffix: bool
    rule: str
    has_disambiguate: bool


class CiteAmbiguity:
    """What one cite or entry rendering reads and records: the configuration it renders
    with, the namesets it rendered and the disambiguate="true" tests it made."""

    __slots__ = ('ambiguous', 'disambiguate_count', 'disambiguate_max', 'names_max',
                 'nameset', 'request', 'settings')

    def __init__(self, request: AmbigConfig | None, ambiguous: bool) -> None:
        self.request = request
        self.settings = request if request is not None else AmbigConfig()
        self.ambiguous = ambiguous  # an ambiguous-cite rendering (citeproc-js suppress_decorations)
        self.nameset = 0
        self.names_max: list[int] = []
        self.disambiguate_count = 0
        self.disambiguate_max = 0

    def test_disambiguate(self, in_bibliography: bool) -> bool:
        """citeproc-js CSL.Attributes["@disambiguate"]: the first N tests are true."""
        if in_bibliography:
            if self.disambiguate_count < self.settings.disambiguate:
                self.disambiguate_count += 1
                return True
            return False
        self.disambiguate_max += 1
        if self.settings.disambiguate and self.disambiguate_count < self.settings.disambiguate:
            self.disambiguate_count += 1
            return True
        return False


def ambiguity_possible(item) -> bool:
    """Cheap: whether cite_ambiguity could be anything but None."""
    current = render_context()
    if current.cite_ambiguity is not None or current.disambiguation is not None:
        return True
    reference = getattr(item, 'reference', None)
    return reference is not None and CONFIG_KEY in reference


def in_bibliography(element, context) -> bool:
    """Whether the element renders for the bibliography (macros through their caller)."""
    try:
        layout = (context if context is not None else element).get_layout()
    except IndexError:
        return False
    return layout.getparent().tag.endswith('}bibliography')


def cite_ambiguity(item, bibliography: bool) -> CiteAmbiguity | None:
    """The CiteAmbiguity of the cite or entry being rendered (made on first use), or None
    when nothing in the rendering depends on disambiguation.  bibliography: whether an
    entry renders (in_bibliography)."""
    current = render_context()
    state = current.cite_ambiguity
    if state is not None:
        return state
    run = current.disambiguation
    if run is not None and run.rendering is not None:
        state = run.rendering  # an ambiguous-cite rendering of the disambiguation
    else:
        try:
            config = dict.get(item.reference, CONFIG_KEY)
        except AttributeError:
            config = None
        if config is None and run is None:
            return None
        if config is not None and bibliography:
            # citeproc-js renders entries with "disambig_override": the names shown come
            # from the disambiguation only with add-names, the given names only with
            # add-givenname (and only then is there a request)
            options = run.options if run is not None else None
            entry = AmbigConfig(disambiguate=config.disambiguate)
            if options is not None and options.add_names:
                entry.names = list(config.names)
            request = None
            if options is not None and options.add_givenname:
                entry.givens = [list(g) for g in config.givens]
                request = entry
            state = CiteAmbiguity(request, False)
            state.settings = entry
        else:
            # a final rendering reads the item's configuration and never changes it
            state = CiteAmbiguity(config.clone() if config is not None else None, False)
    current.cite_ambiguity = state
    return state


# --- the registry of names (citeproc-js CSL.Registry.NameReg) ------------------------
_SPACES = re.compile(r'\s+')


def _strip_periods(text: str | None) -> str:
    return _SPACES.sub(' ', (text or '').replace('.', ' ')).rstrip()


_LOWER_SUFFIX = re.compile(r'[,!]* ([^,]+)$')


class NameRegistry:
    """The names rendered in the cites of the bibliography, by family name, initials
    and given name (citeproc-js CSL.Registry.NameReg)."""

    def __init__(self, options: Options, demote_never: bool) -> None:
        self.options = options
        self.demote_never = demote_never
        # pkey -> ikey -> set of skeys
        self.names: dict[str, dict[str, set[str]]] = {}
        #: changes whenever a name is registered that was not (renderings are memoised
        #: with it, exporter.csl.disambiguation.Run.render)
        self.version = 0
        self._keys: dict[int, tuple] = {}
        self._added: set[tuple[int, int]] = set()

    def keys(self, item_key: str, name) -> tuple[str, str, str]:
        memo = self._keys.get(id(name))
        if memo is not None and memo[0] is name and memo[1] == item_key:
            return memo[2]
        keys = self._make_keys(item_key, name)
        self._keys[id(name)] = (name, item_key, keys)  # (the name kept alive: ids stay unique)
        return keys

    def _make_keys(self, item_key: str, name) -> tuple[str, str, str]:
        from .rules.names import initialize_given
        family = str(name.get('family') or '')
        pkey = _strip_periods(family)
        ndp = name.get('non-dropping-particle')
        if self.demote_never and ndp and family:
            pkey = f'{pkey} {ndp}'
        skey = _strip_periods(str(name.get('given') or ''))
        m = _LOWER_SUFFIX.search(skey)
        if m and m.group(1) == m.group(1).lower():
            skey = skey[:m.start()]
        ikey = initialize_given(skey, '%s') if skey else ''
        if self.options.rule == 'by-cite':
            pkey = item_key + pkey
        return pkey, ikey, skey

    def add(self, item_key: str, name, index: int) -> None:
        if self.options.rule.startswith('primary-') and index != 0:
            return
        added = (id(name), index)
        if added in self._added:
            return
        self._added.add(added)
        pkey, ikey, skey = self.keys(item_key, name)
        if not pkey:
            return
        ikeys = self.names.get(pkey)
        if ikeys is None:
            ikeys = self.names[pkey] = {}
            self.version += 1
        if ikey:
            skeys = ikeys.get(ikey)
            if skeys is None:
                skeys = ikeys[ikey] = set()
                self.version += 1
            if skey and skey not in skeys:
                skeys.add(skey)
                self.version += 1

    def level(self, item_key: str, name, index: int, request_base: int, form: str,
              initials: str | None) -> int:
        """citeproc-js evalname: the given-name level this name asks for."""
        pkey, ikey, _ = self.keys(item_key, name)
        param = 0 if form == 'short' else (1 if initials is not None else 2)
        ikeys = self.names.get(pkey)
        if ikeys is None or ikey not in ikeys:
            return param
        options = self.options
        rule = options.rule
        if rule == 'by-cite' and param <= request_base:
            return request_base
        if not options.add_givenname:
            return param
        if rule.startswith('primary-name') and index > 0:
            return param
        if rule in ('by-cite', 'all-names', 'primary-name'):
            if len(ikeys) > 1:
                param = 1
            if len(ikeys[ikey]) > 1 or (len(ikeys) > 1 and initials is None):
                param = 2
        elif rule in ('all-names-with-initials', 'primary-name-with-initials'):
            param = 1 if len(ikeys) > 1 else 0
        return param


# --- what the names of a cite read (exporter.csl.rules.names) ---------------------------
def nameset_shown(state: CiteAmbiguity, pos: int, count: int, et_al_min: int | None,
                  et_al_use_first: int, et_al_use_last: bool) -> int:
    """How many names of the nameset at ``pos`` are shown (citeproc-js
    _imposeNameConstraints), recorded in the rendering's settings."""
    request = state.request
    requested = request.names[pos] if request is not None and pos < len(request.names) else 0
    et_al_min = et_al_min or 0
    shown = et_al_min
    if state.ambiguous:
        if requested:
            shown = requested
        elif et_al_min and count >= et_al_min:
            shown = et_al_use_first
    else:
        if requested > et_al_use_first:
            shown = count if count < et_al_min else requested
        elif et_al_min and count >= et_al_min:
            shown = et_al_use_first
        if et_al_use_last and shown > et_al_min - 2:
            shown = et_al_min - 2
    sane = et_al_min >= et_al_use_first
    if not (sane and count > shown):
        shown = count
    settings = state.settings
    while len(settings.names) <= pos:
        settings.names.append(0)
    settings.names[pos] = shown
    settings.pad()
    return shown


def given_levels(state: CiteAmbiguity, item_key: str, pos: int, names: list,
                 form: str, initials: str | None) -> list[int]:
    """The given-name level of each name of the nameset at ``pos`` (citeproc-js
    _runDisambigNames), recorded in the rendering's settings."""
    run = render_context().disambiguation
    settings = state.settings
    while len(settings.givens) <= pos:
        settings.givens.append([])
    givens = settings.givens[pos]
    options = run.options if run is not None else None
    registry = run.names if run is not None else None
    levels = []
    for i, name in enumerate(names):
        if not name.get('given') and not name.get('family'):
            levels.append(2)
            continue
        if registry is not None:
            registry.add(item_key, name, i)

        def evaluate(base: int) -> int:
            if registry is None:
                return 0 if form == 'short' else (1 if initials is not None else 2)
            return registry.level(item_key, name, i, base, form, initials)

        if i >= len(givens):
            givens.extend([0] * (i - len(givens)))
            givens.append(evaluate(0))
        if state.request is not None:
            value = givens[i]
            if (value == 1 and options is not None and options.rule == 'by-cite'
                    and (initials is None or not name.get('given'))):
                value = 2
            param = value
            if options is not None and options.add_givenname and name.get('given'):
                param = evaluate(param)
        else:
            param = evaluate(0)
        givens[i] = param
        levels.append(param)
    return levels
