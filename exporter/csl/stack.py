"""Room on CPython's frame stack for the deep call trees of rendering.

CPython (3.11 on) keeps Python frames in chunks of a stack of its own, the first 16 KiB,
and frees a chunk as soon as the frame that opened it returns. A call tree that goes back
and forth across a chunk's end maps and unmaps that chunk on every crossing -- and a CSL
style's elements rendering each other, entry after entry, cross it hundreds of times per
entry when the caller happens to stand at the wrong depth. Measured (1,000 apa entries,
CPython 3.11.7): 13,000 to 83,000 page faults and 1.15 to 1.50 s depending on the depth
the processor is called from, against 23 page faults and 1.04 s at any depth from inside
:func:`call_deep`. CPython's own report: https://github.com/python/cpython/issues/142183
(fixed upstream by keeping one freed chunk, gh-145789).

:func:`call_deep` calls a function from a frame sized so that CPython gives it a chunk of
its own (256 KiB) with about 16,000 slots (128 KiB) left after it: the call tree below
starts there and stays in it. The frame is large only on paper: its slots are the
evaluation stack of an unpacking that never runs, so nothing is written to them, and the
chunk's pages are touched only as deep as the call tree goes. One chunk is mapped per
call, so it wraps whole batches (a bibliography, a dump's batch of pages), not entries.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["call_deep", "fresh_stack"]

#: evaluation-stack slots of the sizing frame; with CPython's 1,000-slot reserve this asks
#: for a 256 KiB chunk (the first power of two above (16,000 + 1,000) x 8 bytes)
SLOTS = 16_000

_T = TypeVar("_T")


def _sizing_frame() -> Callable[..., Any]:
    # "fn, fn, ..., fn = args" unpacks into SLOTS stack slots: the frame's size is fixed
    # at compile time by the code, whether or not the branch runs (it never does)
    source = ("def call_deep(fn, args, kwargs):\n"
              "    if fn is None:\n"
              f"        {'fn, ' * SLOTS}= args\n"
              "    return fn(*args, **kwargs)\n")
    namespace: dict[str, Any] = {}
    exec(compile(source, __file__, "exec"), namespace)  # noqa: S102 - fixed text, no data in it
    return namespace["call_deep"]


if sys.implementation.name == "cpython" and sys.version_info >= (3, 11):
    _call_deep = _sizing_frame()
else:  # frames elsewhere are not kept in chunks: call directly
    def _call_deep(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        return fn(*args, **kwargs)


def call_deep(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)``, its call tree in a stack chunk of its own."""
    return _call_deep(fn, args, kwargs)


def fresh_stack(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Decorator: every call of ``fn`` goes through :func:`call_deep`. For entry points
    that render many entries; not for methods they call (each call maps a chunk)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> _T:
        return _call_deep(fn, args, kwargs)
    return wrapper
