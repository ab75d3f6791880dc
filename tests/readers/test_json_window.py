"""The windowed array reader of exporter.formats.jsonio yields exactly what reading the whole
input in one string yielded (tests/readers/json_reference.py, the reader before it read
through a window): the same values, record numbers and lines, the same problems with the
same reasons, for good and damaged arrays, whatever the window and wherever the stream's
reads cut the text; and the buffer it holds stays bounded by the window, not the input."""

from __future__ import annotations

import io
import json
import random

import pytest

from exporter.formats import jsonio
from exporter.formats.jsonio import JSONItem, iter_json
from exporter.problems import Problem

from json_reference import iter_array_whole


def _items(n: int) -> list[dict]:
    return [{"id": f"r{i}", "type": "book", "title": f"Title {i}", "author": [{"family": "Ng", "given": "A"}]}
            for i in range(1, n + 1)]


def _pretty(n: int = 4, indent: int = 2) -> str:
    return json.dumps(_items(n), indent=indent)


def _break(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _drop_line(text: str, containing: str, after: int = 1) -> str:
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if containing in line)
    del lines[k + after]
    return "\n".join(lines)


# Arrays as they come, good and damaged: every resync rule of the reader, scalars whose end
# the window can cut (numbers, literals, escapes), line ends of both kinds.
CASES = {
    "good": _pretty(),
    "good compact": json.dumps(_items(4)),
    "good tabs and CRLF": json.dumps(_items(3), indent="\t").replace("\n", "\r\n"),
    "empty": "[]",
    "empty with blank lines": "\n\n  [ \n ]\n",
    "bom": "\ufeff" + _pretty(2),
    "scalars": '[1, 22, 333333333333333333333, -4.5e10, 1E+2, 0.5, true, false, null, "s\\"q\\\\", '
               '"\\ud83d\\ude00 \\u00e9", NaN, -Infinity, Infinity, [], {}]',
    "unterminated string at a line end": _break(_pretty(), '"Title 2"', '"Title 2'),
    "junk in an element": _break(_pretty(), '"Title 2"', '"Title 2" "junk"'),
    "missing closing bracket": _drop_line(_pretty(), '"given": "A"', after=3),
    "missing comma": _break(_pretty(), "},\n  {", "}\n  {"),
    "missing comma compact": _break(json.dumps(_items(3)), "}, {", "} {"),
    "broken compact element": _break(json.dumps(_items(4)), '"Title 2"', '"Title 2" x'),
    "bracket of the other kind": _break(_pretty(), '"A"\n      }\n    ]', '"A"\n      ]\n    ]'),
    "bare word element": '[\n  {"a": 1},\n  foo,\n  {"b": 2}\n]\n',
    "bare word last": '[\n  {"a": 1},\n  foo\n]\n',
    "semicolon between": '[\n  {"a": 1};\n  {"b": 2}\n]\n',
    "junk after the array": _pretty(2) + "\n\n  trailing\n",
    "whitespace after the array": _pretty(2) + "\n \n\t\n",
    "second array after": _pretty(1) + "\n[1]\n",
    "truncated in a string": _pretty()[: _pretty().index("Title 3") + 3],
    "truncated after a comma": _pretty()[: _pretty().index("},", _pretty().index("r2")) + 2],
    "truncated after an element": _pretty()[: _pretty().index("},", _pretty().index("r2")) + 1] + "\n",
    "truncated bracket only": "[",
    "truncated blank": "[\n  \n",
    "never closes, no next element": '[\n  {"a": 1},\n  {"b": [1, 2,\n    "x"\n',
    "never closes, nested at another indent": '[\n  {"a": 1},\n  {"b": {\n    "c": 2\n    {"d": 3}\n]\n',
    "element at a deeper indent after a break": '[\n  {"a": "cut\n     {"b": 2},\n  {"c": 3}\n]\n',
    "string with brackets": '[\n  {"a": "}]{[", "b": "x\\" ]"},\n  {"c": "\\\\"}\n]\n',
    "broken with brackets in strings": '[\n  {"a": "}]{[" "b"},\n  {"c": 1}\n]\n',
    "not utf-8": _break(_pretty(3), "Title 2", "Title \udcff2"),
    "not utf-8 compact": _break(json.dumps(_items(3)), "Title 2", "Title \udcc3(2"),
    "deep nesting": "[\n  " + "[" * 3000 + "]" * 3000 + ",\n  {\"a\": 1}\n]\n",
    "deep nesting never closes": "[\n  {\"a\": 1},\n  " + "[" * 3000 + "\n",
    "control character": '[\n  {"a": "x\ty"},\n  {"b": 1}\n]\n',
    "number cut by a letter": '[1, 2x, 3]',
    "elements one per line, no indent": "[\n" + ",\n".join(json.dumps(i) for i in _items(3)).replace('"Title 2"', '"Title 2') + "\n]\n",
}


def _norm(items) -> list[tuple]:
    out = []
    for it in items:
        if isinstance(it, JSONItem):
            out.append(("item", json.dumps(it.value, sort_keys=True), it.number, it.line))
        else:
            assert isinstance(it, Problem)
            out.append(("problem", it.source, it.record, it.line, it.reason, it.severity))
    return out


class _Reads(io.StringIO):
    """A stream whose reads stop at the given offsets (as a pipe or a socket may), and
    otherwise return what is asked."""

    def __init__(self, text: str, cuts: list[int]) -> None:
        super().__init__(text)
        self._cuts = sorted(cuts)

    def read(self, size: int | None = -1) -> str:
        pos = self.tell()
        stop = next((c for c in self._cuts if c > pos), None)
        if stop is not None and (size is None or size < 0 or pos + size > stop):
            size = stop - pos
        return super().read(size)


def _windowed(text: str, window: int, cuts: list[int] | None = None) -> list[tuple]:
    stream = _Reads(text, cuts) if cuts else io.StringIO(text)
    return _norm(iter_json(stream, "in.json", window=window))


def _whole(text: str) -> list[tuple]:
    return _norm(iter_array_whole(text, "in.json"))


def test_the_cases_are_damaged_as_meant():
    """The oracle reports problems for the damaged cases and none for the good ones, so the
    comparisons below compare something."""
    for name, text in CASES.items():
        problems = [t for t in _whole(text) if t[0] == "problem"]
        good = name.startswith(("good", "empty", "bom", "scalars", "string with", "whitespace after"))
        assert bool(problems) != good, name


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("window", [1, 2, 3, 7, 16, 61, 1 << 20])
def test_windowed_equals_whole(name, window):
    text = CASES[name]
    assert _windowed(text, window) == _whole(text)


@pytest.mark.parametrize("name", sorted(name for name in CASES if len(CASES[name]) < 2000))
def test_a_read_cut_at_every_offset(name):
    """The stream's first read ends at every offset of the input in turn, so every element,
    string, number and gap between them is split between two reads once."""
    text = CASES[name]
    expected = _whole(text)
    for cut in range(len(text) + 1):
        assert _windowed(text, 1 << 20, [cut]) == expected, (name, cut)
        assert _windowed(text, 5, [cut]) == expected, (name, cut)


@pytest.mark.parametrize("seed", range(20))
def test_random_reads_over_many_damaged_elements(seed):
    """Many elements, some damaged each way, read in short reads of random lengths."""
    rnd = random.Random(seed)
    text = _pretty(60)
    lines = text.split("\n")
    for k in rnd.sample(range(2, len(lines) - 2), 8):
        choice = rnd.randrange(4)
        if choice == 0:
            lines[k] = lines[k][: len(lines[k]) // 2]  # cut a line
        elif choice == 1:
            lines[k] = ""  # a bracket or a field gone
        elif choice == 2:
            lines[k] = lines[k].replace(",", "")  # a comma gone
        else:
            lines[k] += " x"
    text = "\n".join(lines)
    cuts = sorted(rnd.sample(range(len(text)), 200))
    for window in (1, 9, 100):
        assert _windowed(text, window, cuts) == _whole(text), (seed, window)


def test_line_numbers_and_columns_across_windows():
    """The reason's line and column are the input's, not the window's: an error on the
    same line as the cut, far into a one-line array."""
    text = "[" + ", ".join(json.dumps(i) for i in _items(300)) + ", {\"a\": 1 2}]\n"
    got = _windowed(text, 64)
    assert got == _whole(text)
    (problem,) = [t for t in got if t[0] == "problem"]
    assert problem[3] == 1 and f"column {text.index('2}]') + 1}" in problem[4]


class _Watched(jsonio._Window):
    seen: list[jsonio._Window] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _Watched.seen.append(self)


@pytest.fixture
def watched(monkeypatch):
    _Watched.seen = []
    monkeypatch.setattr(jsonio, "_Window", _Watched)
    return _Watched.seen


@pytest.mark.parametrize("indent", [2, None])
def test_the_buffer_is_bounded_by_the_window(watched, indent):
    """3,000 elements (about 400 kB, on one line when indent is None) through a 4 kB window:
    every element is read, and the buffer never holds more than a few windows."""
    items = _items(3000)
    text = json.dumps(items, indent=indent)
    window = 4096
    values = [it.value for it in iter_json(io.StringIO(text), "in.json", window=window)]
    assert values == items
    (w,) = watched
    longest = max(len(json.dumps(i, indent=indent)) for i in items) + 16
    assert len(text) > 50 * window
    assert w.peak <= 4 * window + 2 * longest, w.peak


def test_an_element_longer_than_the_window_widens_it(watched):
    items = _items(20)
    items[10]["abstract"] = "word " * 20000  # 100 kB
    text = json.dumps(items, indent=2)
    window = 1024
    got = list(iter_json(io.StringIO(text), "in.json", window=window))
    assert [it.value for it in got] == items
    (w,) = watched
    assert 100_000 <= w.peak <= 4 * 100_100 + 4 * window


def test_a_never_closing_element_is_scanned_in_bounded_memory(watched):
    """A broken element with no bracket closing it and no next element at its indentation:
    the scan for where to go on reads to the end, holding a window, not the rest."""
    text = '[\n  {"a": "cut\n' + "".join(f'    "k{i}": {i},\n' for i in range(20000))
    got = _windowed(text, 512)
    assert got == _whole(text)
    (w,) = watched
    assert len(text) > 200_000 and w.peak <= 4 * 512 + 200, w.peak
