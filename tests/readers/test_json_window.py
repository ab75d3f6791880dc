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


@pytest.mark.parametrize("fmt, make", [("csl-json", lambda n: json.dumps(_items(n))),
                                       ("vufind", lambda n: _solr(n, indent=None))])
def test_one_line_input_read_by_the_library_is_not_held_whole(watched, monkeypatch, fmt, make):
    """Through exporter.read of a stream (its head, read for sniffing, is replayed by
    api._Peekable, whose readline honours its limit): a compact array, and a Solr response
    on one line, 4,000 records each, through a 4 kB window."""
    from exporter import read

    monkeypatch.setattr(jsonio, "WINDOW", 4096)
    text = make(4000)
    problems: list = []
    records = list(read(io.BytesIO(text.encode()), fmt, on_problem=problems.append))
    assert len(records) == 4000 and not [p for p in problems if p.severity == "error"]
    (w,) = watched
    assert len(text) > 50 * 4096 and w.peak <= 6 * 4096, w.peak


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


# -- wrappers (a Solr response): the docs through the window -------------------------------------

def _docs(n: int) -> list[dict]:
    return [{"id": f"d{i}", "title": [f"Title {i}"], "format": ["Book"]} for i in range(1, n + 1)]


def _response(n: int = 4, **extra) -> dict:
    return {"responseHeader": {"status": 0, "params": {"q": "*:*", "wt": "json"}},
            "response": {"numFound": n, "start": 0, "docs": _docs(n)}, **extra}


def _solr(n: int = 4, indent: int | None = 2, **extra) -> str:
    return json.dumps(_response(n, **extra), indent=indent) + "\n"


_FACETS = {"facet_counts": {"facet_fields": {"format": ["Book", 4]}}}
_SOLR = _solr(4, **_FACETS)

WRAPPED = {
    "good": _SOLR,
    "good, no facets": _solr(3),
    "good compact": _solr(3, indent=None),
    "good, tabs": json.dumps(_response(3), indent="\t") + "\n",
    "no docs": _solr(0),
    "two responses": _solr(2) + _solr(3),
    "a response and JSON lines after": _solr(2) + json.dumps(_docs(1)[0]) + "\n",
    "docs at another path": json.dumps({"docs": _docs(2)}, indent=2) + "\n",
    "response not an object": json.dumps({"response": [1, 2], "x": {"docs": []}}, indent=2) + "\n",
    "pretty documents one after another": "".join(json.dumps(d, indent=2) + "\n" for d in _docs(3)),
    "a pretty document, docs not a list": json.dumps({"id": "x", "response": {"docs": 5}}, indent=2) + "\n",
    "broken doc": _break(_SOLR, '"Title 2"', '"Title 2" "junk"'),
    "unterminated doc string": _break(_SOLR, '"Title 3"', '"Title 3'),
    "missing comma between docs": _break(_SOLR, '},\n      {\n        "id": "d3"', '}\n      {\n        "id": "d3"'),
    "broken header": _break(_SOLR, '"status": 0', '"status": 0 0'),
    "header not utf-8": _break(_SOLR, '"*:*"', '"*:\udcff*"'),
    "broken after the docs": _break(_SOLR, '"Book",\n', '"Book" x\n'),
    "broken after the docs, then a response": _break(_SOLR, '"Book",\n', '"Book" x\n') + _solr(1),
    "docs stop at junk between": _break(_SOLR, '},\n      {\n        "id": "d3"', '};\n      {\n        "id": "d3"'),
    "truncated in the docs": _SOLR[: _SOLR.index("Title 3")],
    "truncated after the docs": _SOLR[: _SOLR.index('"facet_counts"')],
    "truncated in the header": _SOLR[: _SOLR.index('"wt"')],
    "junk after the response": _SOLR + "trailing\n",
    "blank lines before": "\n\n" + _SOLR,
    "JSON lines, first line broken": '{"id": "a", "title": "cut\n' + "".join(json.dumps(d) + "\n" for d in _docs(3)),
    "JSON lines of responses": _solr(2, indent=None) + _solr(1, indent=None),
}


def _wrapped(text: str, window: int, cuts: list[int] | None = None) -> list[tuple]:
    stream = _Reads(text, cuts) if cuts else io.StringIO(text)
    return _norm(iter_json(stream, "in.json", docs_key="response.docs", window=window))


def _wrapped_whole(text: str) -> list[tuple]:
    from json_reference import iter_json as old

    return _norm(old(io.StringIO(text), "in.json", docs_key="response.docs"))


def _same(got: list[tuple], expected: list[tuple]) -> bool:
    """The same values with the same record numbers, and the same problems. Not the lines
    of the values: the documents of a response that decoded whole used to carry the
    response's line, they now carry their own (test_the_docs_carry_the_lines_they_did)."""
    return [g[:3] if g[0] == "item" else g for g in got] == [e[:3] if e[0] == "item" else e for e in expected]


def test_the_wrapped_cases_are_damaged_as_meant():
    """As the oracle reads them. Damage outside the docs, once the docs are read, costs no
    record and is not reported (by the oracle, nor now)."""
    quiet = ("broken header", "broken after the docs", "truncated after the docs")
    for name, text in WRAPPED.items():
        got = _wrapped_whole(text)
        problems = [t for t in got if t[0] == "problem"]
        good = name.startswith(("good", "no docs", "two responses", "a response and", "docs at", "response not",
                                "pretty documents", "a pretty document", "blank lines", "JSON lines of") + quiet)
        assert bool(problems) != good, name
        if name.startswith(quiet):
            assert len(got) in (4, 5), name


@pytest.mark.parametrize("name", sorted(WRAPPED))
@pytest.mark.parametrize("window", [1, 7, 64, 1 << 20])
def test_wrapped_equals_whole(name, window):
    text = WRAPPED[name]
    got, expected = _wrapped(text, window), _wrapped_whole(text)
    assert _same(got, expected), (got, expected)


@pytest.mark.parametrize("name", ["good", "broken doc", "missing comma between docs", "broken header",
                                  "broken after the docs", "truncated in the docs"])
def test_wrapped_read_cut_at_every_offset(name):
    text = WRAPPED[name]
    expected = _wrapped_whole(text)
    for cut in range(len(text) + 1):
        assert _same(_wrapped(text, 1 << 20, [cut]), expected), (name, cut)
        assert _same(_wrapped(text, 3, [cut]), expected), (name, cut)


@pytest.mark.parametrize("name", ["broken doc", "unterminated doc string", "missing comma between docs",
                                  "docs stop at junk between", "truncated in the docs"])
def test_the_docs_carry_the_lines_they_did(name):
    """Where the oracle read the docs one by one (the response did not decode whole), it gave
    each its own line, as the windowed reader now always does."""
    assert _wrapped(WRAPPED[name], 7) == _wrapped_whole(WRAPPED[name])


def test_the_docs_of_a_response_carry_their_own_lines():
    text = WRAPPED["good"]
    lines = text.split("\n")
    got = [t for t in _wrapped(text, 64) if t[0] == "item"]
    assert [t[2] for t in got] == [1, 2, 3, 4]
    starts = [next(k for k, line in enumerate(lines) if f'"d{i}"' in line) for i in range(1, 5)]  # the "{" lines
    assert [t[3] for t in got] == starts


def test_bytes_not_utf8_in_a_doc_cost_that_doc():
    """Before, they cost the whole response (it was checked whole); now the one document."""
    text = _break(WRAPPED["good"], "Title 2", "Title \udcff2")
    got = _wrapped(text, 64)
    assert [t[1] for t in got if t[0] == "item"] == [json.dumps(d, sort_keys=True) for d in _docs(4) if d["id"] != "d2"]
    (problem,) = [t for t in got if t[0] == "problem"]
    assert problem[2] == 2 and "0xff" in problem[4]


def test_a_large_response_is_read_in_a_bounded_buffer(watched):
    items = _docs(3000)
    text = json.dumps({"responseHeader": {"status": 0}, "response": {"numFound": 3000, "docs": items}}, indent=2)
    window = 4096
    values = [it.value for it in iter_json(io.StringIO(text), "in.json", docs_key="response.docs", window=window)]
    assert values == items
    (w,) = watched
    longest = max(len(json.dumps(i, indent=2)) for i in items) * 2 + 16
    assert len(text) > 50 * window
    assert w.peak <= 4 * window + 2 * longest, w.peak
