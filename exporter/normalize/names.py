"""Personal names: parse "Family, Given" and repair what catalogues get wrong.

The inverted form follows BibTeX's "von Last, Jr, First" convention
(https://www.tug.org/texinfohtml/bibtex.html and Tame the BeaST §11). Catalogue data adds
its own damage, repaired here and reported so that provenance can say what was changed:

* initials that slipped in front of the family name: "J. Singer, Sara" is Sara J. Singer
  (seen in PubMed-derived VuFind records, where the middle initial was stored first).
"""

from __future__ import annotations

import re

from ..model import Contributor

# Lowercase words that start a family name: "van", "de la", "von der", "d'".
_PARTICLE = re.compile(r"^(?:(?:[a-z][a-z'’]*|d[’'])\s+)+")
_INITIALS_FIRST = re.compile(r"^((?:[A-Z]\.\s*(?:-\s*)?)+)\s*(\S.*)$")


def parse_inverted(text: str, role: str = "author") -> tuple[Contributor, str | None]:
    """Parse "Family, Given" or "Family, Jr, Given" (or a name without a comma).

    Returns the contributor and, when a repair was made, a sentence describing it.
    """
    text = " ".join(text.split())
    family, comma, given = text.partition(",")
    repair = None
    if not comma:
        return _parse_natural(text, role), None
    if "," in given:
        parts = [p.strip() for p in text.split(",")]
        family, suffix, given = parts[0], parts[1], ", ".join(parts[2:])
    else:
        family, suffix, given = family.strip(), None, given.strip()
    # the patterns are tried only where their first characters are there: an ASCII capital
    # and "." (_INITIALS_FIRST), an ASCII lowercase letter (_PARTICLE); most names have neither
    m = _INITIALS_FIRST.match(family) if family[1:2] == "." and "A" <= family[:1] <= "Z" else None
    if m and given and " " not in m.group(2):
        initials = " ".join(m.group(1).split())
        repair = f"name {text!r} read as family {m.group(2)!r}, given {given + ' ' + initials!r}"
        family, given = m.group(2), f"{given} {initials}"
    particle = None
    pm = _PARTICLE.match(family) if "a" <= family[:1] <= "z" else None
    if pm and pm.end() < len(family):
        particle, family = pm.group(0).strip(), family[pm.end():]
    return (
        Contributor(
            family=family or None,
            given=given or None,
            particle=particle,
            suffix=suffix or None,
            role=role,
        ),
        repair,
    )


def _parse_natural(text: str, role: str) -> Contributor:
    """"Given Family" order: the last word is the family name, lowercase words before it
    are particles. A single word is a family name alone."""
    words = text.split()
    if len(words) == 1:
        return Contributor(family=words[0], role=role)
    # the family name starts at the first lowercase particle after the first word
    for i, w in enumerate(words[1:-1], start=1):
        if w[0].islower():
            return Contributor(
                family=words[-1],
                given=" ".join(words[:i]),
                particle=" ".join(words[i:-1]),
                role=role,
            )
    return Contributor(family=words[-1], given=" ".join(words[:-1]), role=role)


def name_key(text: str) -> str:
    """Lowercase letters and digits only: how VuFind's work keys spell a name."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


_BARE_INITIAL = re.compile(r"(?<![\w.])([A-Z])(?=\s|$|-)")


def dot_initials(given: str | None, run_together: bool = False) -> str | None:
    """Initials with periods: NLM data omits them ("Peter O", "J Paul" -> "Peter O.", "J. Paul").

    ``run_together=True`` also splits MEDLINE's abbreviated initials ("JM" -> "J. M.");
    use it only where the whole value is known to be initials (MEDLINE ``AU``).
    """
    if not given:
        return given
    if run_together and re.fullmatch(r"[A-Z]{1,4}", given):
        return " ".join(f"{c}." for c in given)
    return _BARE_INITIAL.sub(r"\1.", given)


def nlm_title(title: str | None) -> str | None:
    """An NLM article title without the period NLM ends every title with
    (https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html#articletitle);
    an ellipsis or an abbreviation's period ("et al.") is kept only when doubled."""
    if not title:
        return title
    if title.endswith(".") and not title.endswith(".."):
        return title[:-1].rstrip()
    return title
