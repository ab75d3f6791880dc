"""Dates as catalogues write them: ISO 8601, EDTF levels 0-2 (through the ``edtf`` package:
"2019?", "2019~", "199X", "1985/..", "[1667,1668]"), "2021 Mar 5", "Spring 2020", "2019/2020",
"c1999". Days the calendar does not have and anything else are kept as a literal, never
guessed.
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
_CIRCA = re.compile(r"^(?:c\.?\s*|ca\.?\s*|circa\s+|\[?ca?\.?)\s*(\d{4})\]?$", re.I)
#: what an EDTF string can be made of (digits, X for unspecified digits, Y/E/S of long
#: years, the qualifiers ? ~ %, / and .. of intervals, the brackets of sets)
_EDTF_TEXT = re.compile(r"^(?=.*\d)[-0-9XYES?~%/.\[\],{}]+$")
_QUALIFIED = re.compile(r"^(.*\d)([?~%])$")


def parse_partial(text: str) -> PartialDate | None:
    """One calendar date at year, month or day precision, or None."""
    text = text.strip().strip(".")
    if len(text) == 4 and text.isdecimal():  # a year alone, the commonest: what _ISO reads so
        return PartialDate(int(text))
    m = _ISO.match(text)
    if m:
        y, mo, d = m.groups()
        year, month, day = int(y), int(mo) if mo else None, int(d) if d else None
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
        return DateValue(start=PartialDate(int(m.group(1))), circa=True)
    if _EDTF_TEXT.match(text):
        value = parse_edtf(text)
        if value is not None:
            return value
    for sep in ("/", "--", " - ", "–", "-"):
        if sep in text:
            left, _, right = text.partition(sep)
            start, end = parse_partial(left), parse_partial(right)
            if start and end:
                return DateValue(start=start, end=end)
    return DateValue(literal=text)


def parse_edtf(text: str) -> DateValue | None:
    """An EDTF (ISO 8601-2) date, level 0 to 2, as a DateValue; None when ``text`` is not EDTF
    or names a day the calendar does not have.

    Qualified dates keep their flags (``2019?`` uncertain, ``2019~`` circa, ``2019%`` both);
    intervals their ends. What the flags cannot say (unspecified digits, open or unknown
    ends, sets, a qualifier on one part) is kept whole in ``edtf``, with the bounds the
    ``edtf`` package computes in start and end.
    """
    import edtf

    try:
        parsed = edtf.parse_edtf(text)
    except Exception:  # noqa: BLE001 - edtf's own parse errors and its pyparsing failures
        return None
    try:
        if isinstance(parsed, edtf.Interval):
            return _edtf_interval(text)
        return _edtf_single(text, parsed)
    except (ValueError, TypeError, OverflowError):
        return None  # a day the calendar does not have, a year Python's dates cannot hold


def _edtf_single(text: str, parsed: object) -> DateValue | None:
    m = _QUALIFIED.match(text)
    if m and "X" not in m.group(1):
        date = parse_partial(m.group(1))
        if date is not None:
            return DateValue(start=date, circa=m.group(2) in "~%", uncertain=m.group(2) in "?%")
    lower, upper = parsed.lower_strict(), parsed.upper_strict()  # type: ignore[attr-defined]
    first = re.match(r"[\[{]?(?:\.\.,?)?Y?(-?[0-9X]+)(?:-([0-9X~?%]{2,3}))?(?:-([0-9X~?%]{2,3}))?", text)
    month_known = bool(first and first.group(2) and first.group(2).strip("~?%") != "XX")
    day_known = bool(month_known and first and first.group(3) and first.group(3).strip("~?%") != "XX")

    def at_precision(t: object) -> PartialDate:
        return PartialDate(t.tm_year, t.tm_mon if month_known else None,  # type: ignore[attr-defined]
                           t.tm_mday if day_known else None)  # type: ignore[attr-defined]

    start, end = at_precision(lower), at_precision(upper)
    return DateValue(start=start, end=end if end != start else None, edtf=text)


def _edtf_interval(text: str) -> DateValue | None:
    left, _, right = text.partition("/")
    sides = [None if side in ("", "..") else parse_date(side) for side in (left, right)]
    if any(side is not None and side.start is None for side in sides):
        return None
    start, end = sides
    if start is None:  # open or unknown start: no bound to sort or style by, only the text
        return DateValue(literal=text, edtf=text)
    if end is None:
        return DateValue(start=start.start, edtf=text)
    if (start.end is None and end.end is None and start.edtf is None and end.edtf is None
            and (start.circa, start.uncertain) == (end.circa, end.uncertain)):
        return DateValue(start=start.start, end=end.start, circa=start.circa, uncertain=start.uncertain)
    return DateValue(start=start.start, end=end.end or end.start, edtf=text)


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
