"""Page ranges: split "123-145" into start and end, and expand MEDLINE's abbreviated ends.

MEDLINE/PubMed print page ranges with the leading digits of the end page dropped
("1342-50" is 1342-1350; https://www.nlm.nih.gov/bsd/mms/medlineelements.html#pg).
A value that is not a single range ("S45-S52, 60", "e123 passim") is kept whole.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*(?:-+|–|—)\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*$")
_ANY_RANGE = re.compile(r"^\s*([^\s\-–—,]+)\s*(?:-+|–|—)\s*([^\s\-–—,]+)\s*$")


def split_pages(text: str | None, expand: bool = False) -> tuple[str | None, str | None, str | None]:
    """(start, end, whole): start and end for a single page or range, else the whole text.

    ``expand=True`` restores MEDLINE's abbreviated end pages ("1342-50" -> 1342, 1350).
    """
    if not text or not text.strip():
        return None, None, None
    m = _RANGE.match(text)
    if m:
        p1, start, s1, p2, end, s2 = m.groups()
        if expand and len(end) < len(start) and not p2:
            end = start[: len(start) - len(end)] + end
            p2 = p1
        return f"{p1}{start}{s1}", f"{p2}{end}{s2}", None
    m = _ANY_RANGE.match(text)
    if m:
        return m.group(1), m.group(2), None
    if re.fullmatch(r"\S+", text.strip()):
        return text.strip(), None, None
    return None, None, text.strip()
