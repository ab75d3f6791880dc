"""Licences: find a Creative Commons licence in a rights statement and name it.

Names follow Creative Commons' own short forms ("CC BY 4.0", "CC BY-NC-ND 3.0", "CC0 1.0");
URLs are canonicalised to https://creativecommons.org/... with a trailing slash.
"""

from __future__ import annotations

import re

_CC_URL = re.compile(
    r"https?://(?:www\.)?creativecommons\.org/"
    r"(licenses/(by(?:-nc)?(?:-nd|-sa)?)/(\d\.\d)|publicdomain/(zero|mark)/(\d\.\d))"
    r"(?:/[a-z]{2})?/?",
    re.I,
)
_ANY_URL = re.compile(r"https?://[^\s)\]>\"']+")


def find_license(text: str | None) -> tuple[str | None, str | None]:
    """(canonical licence URL, short name) found in ``text``, else (None, None)."""
    if not text:
        return None, None
    m = _CC_URL.search(text)
    if not m:
        return None, None
    if m.group(2):
        kind, version = m.group(2).lower(), m.group(3)
        return f"https://creativecommons.org/licenses/{kind}/{version}/", f"CC {kind.upper()} {version}"
    kind, version = m.group(4).lower(), m.group(5)
    name = "CC0" if kind == "zero" else "Public Domain Mark"
    return f"https://creativecommons.org/publicdomain/{kind}/{version}/", f"{name} {version}"


def license_from_url(url: str) -> tuple[str | None, str | None]:
    found = find_license(url)
    return found if found[0] else (url, None)


def first_url(text: str) -> str | None:
    m = _ANY_URL.search(text)
    return m.group(0).rstrip(".,;") if m else None
