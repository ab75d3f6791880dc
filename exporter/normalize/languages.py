"""Language names and codes to BCP 47 (https://www.rfc-editor.org/info/bcp47).

Catalogues give English names ("English"), ISO 639-2 codes ("eng", MARC), names in other
languages ("Deutsch", "Français"), the special codes of ISO 639-2 ("und" Undetermined, "mul"
Multiple languages, "zxx" No linguistic content) or already BCP 47 ("en-GB"). Codes are
standardised by langcodes (https://github.com/rspeer/langcodes: ISO 639-2/B and /T to the
shortest subtag, deprecated subtags replaced, case fixed); the table below answers the common
English names without loading anything; other names are looked up with langcodes' name data
(the ``language_data`` package, the ``languages`` extra) when it is installed. A value that
is none of these is returned unchanged rather than guessed, and a list of several languages
("English; French") is never collapsed into one.
"""

from __future__ import annotations

import functools
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
_LOOKUP: dict[str, str] = {"undetermined": "und", "multiple languages": "mul",
                           "no linguistic content": "zxx"}
for row in _TABLE.replace("\n", "").split("|"):
    code, *names = row.split()
    for name in [code, *names]:
        _LOOKUP[name] = code

_BCP47 = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


def to_bcp47(value: str | None) -> str | None:
    if not value:
        return None
    return _to_bcp47(value.strip())


@functools.lru_cache(maxsize=4096)
def _to_bcp47(text: str) -> str | None:
    if not text:
        return None
    key = text.lower()
    if key in _LOOKUP:
        return _LOOKUP[key]
    import langcodes

    if _BCP47.match(text) and langcodes.tag_is_valid(text):
        return langcodes.standardize_tag(text)
    if re.search(r"[;,/]", text):  # several languages: not one tag
        return text
    try:
        found = langcodes.find(text)
        # find() also takes prefixes and near names ("Klingonish"): only the language's own
        # name, in English or in itself, counts
        names = {found.display_name("en").casefold(), found.display_name(found).casefold()}
    except (LookupError, ImportError, ModuleNotFoundError):  # no such name, or no name data
        return text
    return found.to_tag() if text.casefold() in names else text
