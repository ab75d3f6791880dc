"""Benchmark: reading MARC 21 (ISO 2709 and MARCXML) into Records through ``exporter.read``.

Two sets of N records each (default 100,000):

* ``corpus``: the bibliographic records of the MARC files in ``../shared/corpus`` (VuFind's
  test data and fixtures, Zotero's MARC and MARCXML cases: about 350 records, 0.1-7 KB,
  with 880 pairs, MARC-8, long 9XX local fields), taken in turn and replicated with varied
  control numbers (001);
* ``synthetic``: generated records (names with relators, 245 with subtitle, 264, 300, 490,
  500/520, 6XX, 773 with $g, 856, 020/022/024/035).

Each set is written to temporary files (ISO 2709 by pymarc, MARCXML in our writer's layout)
and read in a fresh process, which prints, after 10,000 records and after all of them, the
rate (records per CPU second of the reading process: one core; wall-clock rates are printed
too, lower on a shared machine) and the resident memory (flat memory: the RSS at 10,000
and at the end stay close; the peak is the process's high-water mark).

Target (issue 12): at least 3,000 records/s per core for both formats, memory flat. Run:
``python tests/benchmarks/bench_marc.py [N] [corpus|synthetic|both]``.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pymarc
from pymarc import Field, Indicators, Subfield

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = "Wissenschaft history of the modern world data analysis café naïve Ökonomie study theory".split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(n: int, seed: int = 12) -> list[pymarc.Record]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = pymarc.Record(force_utf8=True)
        article = i % 3 == 0
        r.leader = pymarc.Leader(f"00000na{'b' if article else 'm'} a2200000 i 4500")
        r.add_field(Field(tag="001", data=f"rec{i:07d}"))
        r.add_field(Field(tag="008", data=f"200101s{1950 + i % 70}    gw            000 0 ger d"))
        r.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", "9783540774310")]))
        r.add_field(Field(tag="035", indicators=Indicators(" ", " "), subfields=[Subfield("a", f"(OCoLC){100000 + i}")]))
        r.add_field(Field(tag="100", indicators=Indicators("1", " "), subfields=[
            Subfield("a", f"{rng.choice(['Müller', 'Smith', 'Dupont'])}, {rng.choice(['Anna', 'Jean', 'Li'])},"),
            Subfield("d", "1950-"), Subfield("e", "author."), Subfield("4", "aut")]))
        r.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[
            Subfield("a", _words(rng, 5) + " :"), Subfield("b", _words(rng, 4) + " /"), Subfield("c", "by someone.")]))
        r.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
            Subfield("a", "Berlin :"), Subfield("b", "Springer,"), Subfield("c", f"{1950 + i % 70}.")]))
        r.add_field(Field(tag="300", indicators=Indicators(" ", " "), subfields=[Subfield("a", "xii, 514 pages ;"), Subfield("c", "24 cm")]))
        r.add_field(Field(tag="490", indicators=Indicators("1", " "), subfields=[Subfield("a", "Lecture notes ;"), Subfield("v", str(i % 500))]))
        r.add_field(Field(tag="520", indicators=Indicators(" ", " "), subfields=[Subfield("a", _words(rng, 40) + ".")]))
        for _ in range(3):
            r.add_field(Field(tag="650", indicators=Indicators(" ", "0"), subfields=[Subfield("a", _words(rng, 2)), Subfield("x", "History.")]))
        r.add_field(Field(tag="700", indicators=Indicators("1", " "), subfields=[Subfield("a", "Editor, Eva,"), Subfield("e", "editor.")]))
        if article:
            r.add_field(Field(tag="773", indicators=Indicators("0", " "), subfields=[
                Subfield("t", "Journal of " + _words(rng, 2)), Subfield("g", f"Vol. {i % 90}, no. {i % 12} ({1950 + i % 70}), p. 1-20"),
                Subfield("x", "0028-0836")]))
        r.add_field(Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", f"https://example.org/{i}")]))
        out.append(r)
    return out


BIBLIOGRAPHIC = frozenset("acdefgijkmoprt")  # leader/06 of bibliographic records


def corpus_records(shared: Path) -> list[pymarc.Record]:
    """The bibliographic records of the corpus MARC files that pymarc reads and writes."""
    import logging
    import warnings

    from exporter.formats.marc import MARCXML_RECORD, marc_from_element
    from exporter.formats.xmlutil import Damaged, iter_elements

    logging.getLogger("pymarc").setLevel(logging.CRITICAL)
    out: list[pymarc.Record] = []
    base = shared / "corpus"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted(base.rglob("*.mrc")):
            with open(path, "rb") as f:
                out += [r for r in pymarc.MARCReader(f, to_unicode=True, force_utf8=True, permissive=True) if r is not None]
        for folder in ("zotero-translators/MARCXML", "vufind-marc/tests/fixtures/marc"):
            for path in sorted((base / folder).glob("*.xml")):
                try:
                    with open(path, encoding="utf-8") as f:
                        for elem, _ in iter_elements(f, MARCXML_RECORD):
                            if not isinstance(elem, Damaged) and any(str(c.tag).endswith("leader") for c in elem):
                                out.append(marc_from_element(elem))
                except ValueError:
                    continue  # a damaged fixture: its good records are read by the tests
    good = []
    for r in out:
        try:
            named = r.get_fields("245", "100", "110", "111", "700", "710", "711")  # else not a record we read
            if str(r.leader)[6:7] in BIBLIOGRAPHIC and named and len(r.as_marc()) <= 99999:
                good.append(r)
        except Exception:  # noqa: BLE001 - a record pymarc cannot write back is left out
            continue
    return good


def replicate(records: list[pymarc.Record], n: int) -> Iterator[pymarc.Record]:
    """N records: the given ones in turn, each copy with its own 001."""
    for i in range(n):
        r = copy.deepcopy(records[i % len(records)])
        r.remove_fields("001")
        r.add_ordered_field(Field(tag="001", data=f"bench{i:07d}"))
        yield r


def write_files(records: Iterable[pymarc.Record], folder: Path) -> dict[str, Path]:
    from exporter.formats.marc import MARCXML_NS, marcxml_record
    from exporter.formats.xmlutil import Escaper

    mrc, xml = folder / "bench.mrc", folder / "bench.xml"
    with open(mrc, "wb") as binary, open(xml, "w", encoding="utf-8") as text:
        text.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARCXML_NS}">\n')
        esc = Escaper()
        for r in records:  # one pass: the records may be generated on the way
            binary.write(r.as_marc())
            text.write(marcxml_record(r, esc))
        text.write("</collection>\n")
    return {"marc": mrc, "marcxml": xml}


CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
from exporter import read
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) // 1024
fmt, path, _, marks = sys.argv[1], sys.argv[2], sys.argv[3], {int(m) for m in sys.argv[4].split(",")}
start = time.perf_counter(); cpu = time.process_time(); count = 0; out = []
problems = []
for record in read(path, fmt, on_problem=problems.append):
    count += 1
    if count in marks:
        out.append({"count": count, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
                    "rss_mb": status("VmRSS:"), "peak_mb": status("VmHWM:")})
out.append({"count": count, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "rss_mb": status("VmRSS:"), "peak_mb": status("VmHWM:"), "errors": sum(p.severity == "error" for p in problems)})
print(json.dumps(out))
"""


def measure(label: str, files: dict[str, Path], n: int) -> None:
    marks = ",".join(str(m) for m in (10_000,) if m < n)  # and the end
    for fmt, path in files.items():
        proc = subprocess.run([sys.executable, "-c", CHILD, fmt, str(path), str(ROOT), marks],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if proc.returncode:
            print(f"{label} {fmt}: failed\n{proc.stderr[-2000:]}")
            continue
        points = json.loads(proc.stdout.strip().splitlines()[-1])
        final = points[-1]
        for point in points[:-1]:
            rate = point["count"] / point["cpu_seconds"]  # per core: the machine may be shared
            print(f"{label:9} {fmt:8} at {point['count']:>7,}: {rate:>7,.0f} records per CPU second "
                  f"({point['count'] / point['seconds']:,.0f}/s wall), RSS {point['rss_mb']} MB, peak {point['peak_mb']} MB")
        rate = final["count"] / final["cpu_seconds"]
        print(f"{label:9} {fmt:8} at {final['count']:>7,}: {rate:>7,.0f} records per CPU second "
              f"({final['count'] / final['seconds']:,.0f}/s wall), RSS {final['rss_mb']} MB, peak {final['peak_mb']} MB; "
              f"{final['errors']} errors, {final['cpu_seconds']:.1f} s CPU; "
              f"target 3,000/s per core: {'met' if rate >= 3000 else 'NOT met'}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    sources: dict[str, Callable[[], Iterable[pymarc.Record]]] = {}
    if which in ("corpus", "both"):
        shared = ROOT.parent / "shared"
        base = corpus_records(shared) if (shared / "corpus").is_dir() else []
        if base:
            print(f"corpus: {len(base)} bibliographic records from {shared / 'corpus'}")
            sources["corpus"] = lambda: replicate(base, n)
        else:
            print("corpus: ../shared/corpus is not present; skipped")
    if which in ("synthetic", "both"):
        sources["synthetic"] = lambda: generate(n)
    for label, records in sources.items():
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            files = write_files(records(), Path(tmp))
            print(f"{label}: {n:,} records written in {time.perf_counter() - t0:.1f} s "
                  f"(ISO 2709 {files['marc'].stat().st_size / 1e6:.1f} MB, MARCXML {files['marcxml'].stat().st_size / 1e6:.1f} MB)")
            measure(label, files, n)


if __name__ == "__main__":
    main()
