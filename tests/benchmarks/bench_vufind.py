"""Benchmark: the VuFind Solr mapping, in process, on the synthetic documents of ``synthetic.py``.

Prints µs per record (best of 5 runs over N documents, gc disabled during a run; wall-clock
and process CPU time) for
:func:`exporter.formats.vufind.doc_to_record` and, on its own, for :func:`spelling_facts`
(called as ``doc_to_record`` calls it: a fresh ``Fields`` per document, the authors and the
issued date computed beforehand, outside the timing). The documents are built (and the JSON
decoded) before timing: only the mapping is measured. Run:
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import document  # noqa: E402

from exporter.formats.vufind import Fields, doc_to_record, spelling_facts  # noqa: E402
from exporter.normalize.dates import parse_date  # noqa: E402


def best_of(runs: int, fn, n: int) -> tuple[float, float]:
    """The fastest of ``runs`` runs of ``fn()``, in µs per record: wall-clock time, and the
    CPU time of this process (steadier on a shared machine, where a run can wait for a core)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            t, c = time.perf_counter(), time.process_time()
            fn()
            wall = min(wall, time.perf_counter() - t)
            cpu = min(cpu, time.process_time() - c)
        finally:
            gc.enable()
    return wall / n * 1e6, cpu / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    # decoded from JSON, as the reader sees them (not the dicts synthetic.document built)
    docs = [json.loads(json.dumps(document(i), ensure_ascii=False)) for i in range(n)]

    def records() -> None:
        for d in docs:
            doc_to_record(d)

    prepared = []
    for d in docs:
        fields = Fields(d)
        prepared.append((d, list(fields.values("author")), parse_date(fields.first("publishDate"))))

    def facts() -> None:
        for d, authors, issued in prepared:
            spelling_facts(Fields(d), authors, issued)

    records()  # warm caches (re, lru_cache) once
    print(f"N={n}, best of 5, load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    for name, fn in (("doc_to_record", records), ("spelling_facts", facts)):
        wall, cpu = best_of(5, fn, n)
        print(f"{name:15} {wall:7.1f} µs/record (wall), {cpu:7.1f} µs/record (CPU)")


if __name__ == "__main__":
    main()
