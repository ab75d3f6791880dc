"""Dates as catalogues write them: ISO 8601 and EDTF levels 0-1, "2021 Mar 5", "Spring 2020",
"2019/2020", "c1999". Anything else is kept as a literal, never guessed.
"""

from __future__ import annotations

import re

from ..model import DateValue, PartialDate

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}

_ISO = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_WORDS = re.compile(r"^(\d{4})(?:\s+([A-Za-z]+)\.?)?(?:\s+(\d{1,2}))?$")
_WORDS_REV = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?,?\s+(\d{4})$")
_CIRCA = re.compile(r"^(?:c\.?\s*|ca\.?\s*|circa\s+|\[?ca?\.?)\s*(\d{4})\]?$|^(\d{4})[~?]$", re.I)


def parse_partial(text: str) -> PartialDate | None:
    """One calendar date at year, month or day precision, or None."""
    text = text.strip().strip(".")
    m = _ISO.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
        if month == 0:
            month = day = None
        if day == 0:
            day = None
        # EDTF seasons are 21-24 in the month slot
        if month and 21 <= month <= 24:
            return PartialDate(year, season=month - 20)
        try:
            return PartialDate(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            return None
    m = _WORDS.match(text) or None
    if m:
        year, word, day = m.groups()
        return _from_words(int(year), word, day)
    m = _WORDS_REV.match(text)
    if m:
        day, word, year = m.groups()
        return _from_words(int(year), word, day)
    return None


def _from_words(year: int, word: str | None, day: str | None) -> PartialDate | None:
    if word is None:
        return PartialDate(year)
    w = word.lower()
    if w in SEASONS and day is None:
        return PartialDate(year, season=SEASONS[w])
    month = MONTHS.get(w)
    if month is None:
        return None
    try:
        return PartialDate(year, month, int(day) if day else None)
    except ValueError:
        return None


def parse_date(text: str | None) -> DateValue | None:
    """A date, a range ("2019/2020", "2019-2020") or approximate date; else a literal."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    if not text:
        return None
    single = parse_partial(text)
    if single:
        return DateValue(start=single)
    m = _CIRCA.match(text)
    if m:
        return DateValue(start=PartialDate(int(m.group(1) or m.group(2))), circa=True)
    for sep in ("/", "--", " - ", "–", "-"):
        if sep in text:
            left, _, right = text.partition(sep)
            start, end = parse_partial(left), parse_partial(right)
            if start and end:
                return DateValue(start=start, end=end)
    return DateValue(literal=text)


def first_year(text: str) -> int | None:
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    return int(m.group(1)) if m else None


_MEDLINE_RANGE = re.compile(
    r"^(\d{4})(?:\s+([A-Za-z]+)(?:\s+(\d{1,2}))?)?\s*-\s*(?:(\d{4})\s*)?([A-Za-z]+)?(?:\s+(\d{1,2}))?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_medline_date(text: str | None) -> DateValue | None:
    """PubMed's publication dates (https://www.nlm.nih.gov/bsd/mms/medlineelements.html#dp):
    "2020 Jan 15", "2019 Mar-Apr", "1998 Dec-1999 Jan", "2020 Spring", "2000 Nov 30-Dec 6",
    compact "20200115" (DEP); other text (a MedlineDate such as "1977-1978 Winter") falls
    back to :func:`parse_date`."""
    if text is None:
        return None
    text = " ".join(text.split())
    m = _COMPACT.match(text)
    if m:
        start = parse_partial(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
        if start:
            return DateValue(start=start)
    single = parse_partial(text)
    if single:
        return DateValue(start=single)
    m = _MEDLINE_RANGE.match(text)
    if m:
        y1, w1, d1, y2, w2, d2 = m.groups()
        start = _from_words(int(y1), w1, d1)
        end_year = int(y2) if y2 else int(y1)
        if w2 is None and w1 is not None and d2 is None and y2 is None:
            end = None
        else:
            end = _from_words(end_year, w2 or (w1 if d2 else None), d2)
        if start and end:
            return DateValue(start=start, end=end)
        if start:
            return DateValue(start=start)
    return parse_date(text)
