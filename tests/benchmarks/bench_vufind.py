"""Benchmark: the VuFind Solr mapping, in process, on the synthetic documents of ``synthetic.py``.

Prints µs per record (best of 5 runs over N documents, gc disabled during a run; wall-clock
and process CPU time) for
:func:`exporter.formats.vufind.doc_to_record` and, on its own, for :func:`spelling_facts`
(called as ``doc_to_record`` calls it: a fresh ``Fields`` per document, the authors and the
issued date computed beforehand, outside the timing). The documents are built (and the JSON
decoded) before timing: only the mapping is measured. When tests/test_vufind_speed.py can be
imported, its frozen copy of the code before the rewrite is timed too, run for run in turn
with the current code ("(before)" lines). Run:
``python tests/benchmarks/bench_vufind.py [N]`` (default 2,000), and compare before/after on
the same machine with ``cat /proc/loadavg`` at hand (the machine is shared).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import document  # noqa: E402

from exporter.formats.vufind import Fields, doc_to_record, spelling_facts  # noqa: E402
from exporter.normalize.dates import parse_date  # noqa: E402


def best_of(runs: int, fns: dict[str, Callable[[], None]], n: int) -> dict[str, tuple[float, float]]:
    """The fastest of ``runs`` runs of each ``fn()``, in µs per record: wall-clock time, and
    the CPU time of this process. The functions take turns run by run, so that a change in
    the machine's load (it is shared) falls on all of them alike."""
    best = {name: (float("inf"), float("inf")) for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            gc.collect()
            gc.disable()
            try:
                t, c = time.perf_counter(), time.process_time()
                fn()
                wall, cpu = time.perf_counter() - t, time.process_time() - c
            finally:
                gc.enable()
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return {name: (wall / n * 1e6, cpu / n * 1e6) for name, (wall, cpu) in best.items()}


def _oracle():
    """The frozen copy of the code before the rewrite (tests/test_vufind_speed.py), when it
    can be imported (it needs pytest): its numbers are printed beside the current ones."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import test_vufind_speed
    except ImportError:
        return None
    return test_vufind_speed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    # decoded from JSON, as the reader sees them (not the dicts synthetic.document built)
    docs = [json.loads(json.dumps(document(i), ensure_ascii=False)) for i in range(n)]
    prepared = []
    for d in docs:
        fields = Fields(d)
        prepared.append((d, list(fields.values("author")), parse_date(fields.first("publishDate"))))

    def bench(mapping, fields_class, facts_fn):
        def records() -> None:
            for d in docs:
                mapping(d)

        def facts() -> None:
            for d, authors, issued in prepared:
                facts_fn(fields_class(d), authors, issued)

        return records, facts

    fns: dict[str, Callable[[], None]] = {}
    fns["doc_to_record"], fns["spelling_facts"] = bench(doc_to_record, Fields, spelling_facts)
    oracle = _oracle()
    if oracle is not None:
        fns["doc_to_record (before)"], fns["spelling_facts (before)"] = bench(
            oracle.doc_to_record, oracle.Fields, oracle.spelling_facts
        )
    for fn in fns.values():
        fn()  # warm caches (re, lru_cache) once
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
    print(f"N={n}, best of 5, load average {' '.join(load)} (before the runs)")
    for name, (wall, cpu) in sorted(best_of(5, fns, n).items()):
        print(f"{name:24} {wall:7.1f} µs/record (wall), {cpu:7.1f} µs/record (CPU)")


if __name__ == "__main__":
    main()
