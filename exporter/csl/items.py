"""CSL-JSON input preparation, done before citeproc-py sees the items.

CSL 1.0.2, Appendix IV "Variables" and Appendix VI "Rich Text Markup"
(https://docs.citationstyles.org/en/stable/specification.html#appendix-iv-variables).

* Item ids: citeproc-py lowercases ids, so two ids differing only in case would
  collide.  Items get internal keys (``_i0``, ``_i1`` ...) and callers keep theirs.
* Rich text and quotation marks: the HTML-like markup CSL allows in fields and straight
  quotes become private-use markers, read as citeproc-js reads them
  (:mod:`exporter.csl.flipflop`, :mod:`exporter.csl.markup`); everything else stays
  literal data.  Marker characters already present in the data are removed first, so
  data can never produce markup.
* Names: particles and suffixes written in the family and given names are split off as
  citeproc-js does (:func:`parse_name`): {"family": "van Gogh"} has the non-dropping
  particle "van", {"given": "John, Jr."} the suffix "Jr."; a family name in double quotes
  is taken as it is, without them.
* Numbers given as JSON numbers ("volume": 5) are strings in CSL-JSON terms.
* An item without "type" is rendered as "article" (a generic CSL type).
* "citation-label", unless the item has one, is generated as citeproc-js does
  (:mod:`exporter.csl.labels`), for label styles ("[AcOu09]").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
import re
from typing import Any

from .flipflop import parse_rich_text
from .labels import GENERATED_LABEL, citation_label
from .markup import strip_markers
from .normalize import LITERAL_FIELDS, normalize_item

#: the quotation marks of en-US (open, close, open-inner, close-inner)
EN_US_QUOTES = ('\u201c', '\u201d', '\u2018', '\u2019')


def internal_key(index: int) -> str:
    return f'_i{index}'


def prepare_items(items: Iterable[Mapping[str, Any]],
                  quotes: tuple[str, str, str, str] = EN_US_QUOTES,
                  ) -> tuple[list[dict], dict[str, str]]:
    """Return (items for citeproc-py, {caller id: internal key}); quotes: the locale's
    quotation marks, which are read as quotation marks in the data too."""
    prepared: list[dict] = []
    keys: dict[str, str] = {}
    for index, item in enumerate(items):
        if 'id' not in item:
            raise ValueError(f'CSL-JSON item #{index} has no "id"')
        caller_id = str(item['id'])
        if caller_id in keys:
            raise ValueError(f'duplicate CSL-JSON item id {caller_id!r}')
        key = internal_key(index)
        keys[caller_id] = key
        data = _markup_fields(item, quotes)
        data['id'] = key
        if not data.get('container-title-short') and data.get('journalAbbreviation'):
            # citeproc-js retrieveItem: Zotero's journalAbbreviation is the short form
            data['container-title-short'] = data['journalAbbreviation']
        if not data.get('citation-label'):
            # rendered by <text variable="citation-label"/>, but not an item variable in
            # conditions (<if variable="citation-label"> is false, as in citeproc-js)
            data[GENERATED_LABEL] = citation_label(item)
        prepared.append(normalize_item(data))
    return prepared, keys


def _text(value: str, quotes: tuple[str, str, str, str], quotations: bool = True) -> str:
    return parse_rich_text(strip_markers(value), quotes, quotations=quotations)


def _markup_fields(item: Mapping[str, Any], quotes: tuple[str, str, str, str]) -> dict:
    out: dict = {}
    for field, value in item.items():
        if isinstance(value, bool):
            out[field] = value
        elif isinstance(value, (int, float)) and field != 'id':
            out[field] = _text(str(value), quotes, False)
        elif isinstance(value, str) and field not in ('id', 'type', 'language'):
            out[field] = _text(value, quotes, field not in LITERAL_FIELDS)
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            out[field] = [{k: _text(v, quotes) if isinstance(v, str) else v
                           for k, v in parse_name(name).items()} for name in value]
        else:
            out[field] = value
    out.setdefault('type', 'article')
    return out


# --- names (citeproc-js CSL.NameOutput._parseName and CSL.parseParticles) ----------------
_PARTICLE_GIVEN = re.compile("^([^ ]+(?:\u02bb |\u2019 | |' ) *)(.+)$", re.DOTALL)
_PARTICLE_FAMILY = re.compile("^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$", re.DOTALL)
_PARTICLE_FIRST_CHAR = re.compile("^[-'\u02bb\u2019\\s]*(.).*$", re.DOTALL)
_SUFFIX_COMMA = re.compile(r'(\s*,!*\s*)')
_PARTICLE_SEPARATORS = " -'\u2019\u02bb"


def _split_particles(value: str, given: bool) -> tuple[str, list[str]]:
    """(the name without its particles, the particles): leading lowercase words of a
    family name, trailing ones of a given name (citeproc-js splitParticles)."""
    if not any(c in value for c in _PARTICLE_SEPARATORS):
        return value, []  # one word: no particle (most names)
    original = value
    particles: list[str] = []
    text = value[::-1] if given else value
    pattern = _PARTICLE_GIVEN if given else _PARTICLE_FAMILY
    m = pattern.match(text)
    while m:
        word = m.group(1)[::-1] if given else m.group(1)
        first = _PARTICLE_FIRST_CHAR.sub('\\1', word)
        if not first or first.upper() == first:
            break
        if given:
            particles.append(original[-len(word):])
            original = original[:-len(word)]
        else:
            particles.append(original[:len(word)])
            original = original[len(word):]
        text = m.group(2)
        m = pattern.match(text)
    if given:
        particles.reverse()
        for i in range(1, len(particles)):
            if particles[i].startswith(' '):
                particles[i - 1] += ' '
        particles = [p[1:] if p.startswith(' ') else p for p in particles]
        rest = original[:len(text)]
    else:
        rest = original[-len(text):] if text else ''
    return rest, particles


def _trim_last(text: str) -> str:
    last = text[-1:]
    text = text.strip()
    if last == ' ' and text[-1:] in ("'", '\u2019'):
        text += ' '
    return text


def parse_name(name: Mapping[str, Any]) -> dict:
    """A CSL-JSON name with its particles and suffix split off, as citeproc-js reads names
    (unless "parse-names" is false, or the family name is in double quotes: then it is
    the family name, without them).  Only names with a family and a given name and no
    non-dropping-particle are parsed."""
    name = dict(name)
    if name.get('family') and not name.get('given') and name.get('isInstitution'):
        # Zotero's flag for an organisation written as a family name (citeproc-js _parseName)
        name['literal'] = name.pop('family')
        name.pop('isInstitution')
        return name
    parse = name.get('parse-names')
    if parse is not None and not parse:
        return name
    family = name.get('family')
    given = name.get('given')
    if not isinstance(family, str) or not isinstance(given, str) or not given:
        if isinstance(family, str) and len(family) > 1 and family[0] == family[-1] == '"':
            name['family'] = family[1:-1]
        return name
    if len(family) > 1 and family[0] == family[-1] == '"':
        name['family'] = family[1:-1]
        return name
    if name.get('non-dropping-particle') or not family or name.get('static-particles'):
        return name
    rest, particles = _split_particles(family, False)
    name['family'] = rest
    ndp = _trim_last(''.join(particles))
    if ndp:
        name['non-dropping-particle'] = ndp
    if not name.get('suffix') and ',' in given:
        m = _SUFFIX_COMMA.search(given)
        if m:
            index = m.start(1)
            suffix = given[index + len(m.group(1)):]
            comma = re.sub(r'\s*', '', given[index:index + len(m.group(1))])
            if suffix.replace('.', '') == 'et al' and not name.get('dropping-particle'):
                name['dropping-particle'] = suffix
                name['comma-dropping-particle'] = ','
            else:
                if len(comma) == 2:
                    name['comma-suffix'] = True
                name['suffix'] = suffix
            given = given[:index]
    rest, particles = _split_particles(given, True)
    name['given'] = rest
    dp = ''.join(particles).strip()
    if dp:
        name['dropping-particle'] = dp
    return name
