"""exporter.csl.stack: the frame that gives a rendering a stack chunk of its own.

CPython 3.11+ maps and unmaps a stack chunk each time a call tree crosses the end of one
(python/cpython#142183); rendering apa entries from the wrong depth did so hundreds of times
per entry. The last test counts the page faults that costs (deterministic, not timed).
"""
from __future__ import annotations

import sys

import pytest

from exporter.csl import CitationProcessor
from exporter.csl.stack import SLOTS, _call_deep, call_deep, fresh_stack

CPYTHON = sys.implementation.name == "cpython"


def test_call_deep_passes_arguments_results_and_errors():
    assert call_deep(lambda a, b=0, *, c: (a, b, c), 1, c=3) == (1, 0, 3)
    assert call_deep(dict, x=1) == {"x": 1}
    with pytest.raises(ZeroDivisionError):
        call_deep(lambda: 1 / 0)


def test_fresh_stack_keeps_the_name_and_behaviour():
    @fresh_stack
    def twice(x):
        """Doc."""
        return 2 * x

    assert twice(4) == 8 and twice.__name__ == "twice" and twice.__doc__ == "Doc."


@pytest.mark.skipif(not CPYTHON, reason="frames in stack chunks are CPython's")
def test_the_sizing_frame_is_large_and_never_runs_its_unpacking():
    code = _call_deep.__code__
    assert code.co_stacksize >= SLOTS  # what makes CPython give the call a chunk of its own
    assert code.co_nlocals == 3  # fn, args, kwargs: nothing to initialise per call
    assert call_deep(len, (1, 2)) == 2  # (an unpacking that ran would raise: 2 values, 16,000 targets)


def _items(n):
    return [{"id": f"i{i}", "type": "article-journal", "title": f"Effects of trial number {i} on outcomes",
             "author": [{"family": "Smith", "given": "John"}, {"family": "Nguyen", "given": "Thi Minh"}],
             "container-title": "BMJ Open", "volume": str(i % 40), "page": "1-10",
             "issued": {"date-parts": [[1990 + i % 30]]}, "DOI": f"10.1000/x.{i}"} for i in range(n)]


@pytest.mark.skipif(not CPYTHON or not sys.platform.startswith("linux"), reason="CPython's stack chunks; Linux page-fault counts")
def test_rendering_from_any_depth_maps_no_stack_chunk_per_entry():
    import resource

    proc = CitationProcessor("apa", markup="html")
    items = _items(60)
    proc.bibliography_each(items[:2])  # the style and locale loaded, caches warm

    def at_depth(k):
        if k:
            return at_depth(k - 1)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        entries = proc.bibliography_each(items)
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, entries

    faults = {}
    for depth in range(0, 48, 3):
        faults[depth], entries = at_depth(depth)
        assert all("Smith" in entry for entry in entries)
    # without the sizing frame, most of these depths fault 10-80 times per entry (4,000+ here);
    # with it, a few pages per call whatever the depth
    assert sum(faults.values()) < 600, faults
