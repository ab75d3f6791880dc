"""Language names and codes to BCP 47 (https://www.rfc-editor.org/info/bcp47).

Catalogues give English names ("English"), ISO 639-2 codes ("eng", MARC) or already BCP 47
("en-GB"). The table covers the languages of most scholarly catalogues; an unknown value is
returned unchanged rather than guessed.
"""

from __future__ import annotations

import re

# name, ISO 639-2/B, ISO 639-2/T (when different) -> ISO 639-1
_TABLE = """
en english eng|fr french fre fra|de german ger deu|es spanish spa|it italian ita|
pt portuguese por|nl dutch dut nld|sv swedish swe|da danish dan|no norwegian nor|
nb bokmal nob|nn nynorsk nno|fi finnish fin|is icelandic ice isl|pl polish pol|
cs czech cze ces|sk slovak slo slk|hu hungarian hun|ro romanian rum ron|bg bulgarian bul|
hr croatian hrv|sr serbian srp|sl slovenian slv|uk ukrainian ukr|ru russian rus|
el greek gre ell|tr turkish tur|ar arabic ara|he hebrew heb|fa persian per fas|
hi hindi hin|bn bengali ben|ur urdu urd|zh chinese chi zho|ja japanese jpn|ko korean kor|
vi vietnamese vie|th thai tha|id indonesian ind|ms malay may msa|la latin lat|
ca catalan cat|eu basque baq eus|gl galician glg|cy welsh wel cym|ga irish gle|
et estonian est|lv latvian lav|lt lithuanian lit|af afrikaans afr|sw swahili swa|
eo esperanto epo|mt maltese mlt|sq albanian alb sqi|mk macedonian mac mkd|hy armenian arm hye|
ka georgian geo kat|ta tamil tam|te telugu tel
"""
_LOOKUP: dict[str, str] = {}
for row in _TABLE.replace("\n", "").split("|"):
    code, *names = row.split()
    for name in [code, *names]:
        _LOOKUP[name] = code

_BCP47 = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


def to_bcp47(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip()
    key = text.lower()
    if key in _LOOKUP:
        return _LOOKUP[key]
    if _BCP47.match(text):
        primary, *rest = text.split("-")
        primary = _LOOKUP.get(primary.lower(), primary.lower())
        return "-".join([primary, *(r.upper() if len(r) == 2 else r for r in rest)])
    return text
