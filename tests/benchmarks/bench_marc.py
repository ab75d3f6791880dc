"""Benchmark: reading MARC 21 (ISO 2709 and MARCXML) into Records.

Generates N records (default 100,000; varied fields: names with relators, 245 with
subtitle, 264, 300, 490, 500/520, 6XX, 773 with $g, 856, 020/022/024/035), writes them to
temporary files with pymarc (binary) and our MARCXML writer's layout, then reads each file in
a fresh process with our reader, printing records/s and the reader process's peak RSS, and
the RSS after 10% and after all records (flat memory: the two stay close).

Target (issue 12): at least 3,000 records/s per core for both, measured as records per CPU
second of the reading process (wall-clock rates are printed too; on a shared machine they
are lower). Run:
``python tests/benchmarks/bench_marc.py [N]``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
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


def write_files(records: list[pymarc.Record], folder: Path) -> dict[str, Path]:
    from exporter.formats.marc import MARCXML_NS, marcxml_record
    from exporter.formats.xmlutil import Escaper

    mrc, xml = folder / "bench.mrc", folder / "bench.xml"
    with open(mrc, "wb") as f:
        for r in records:
            f.write(r.as_marc())
    with open(xml, "w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARCXML_NS}">\n')
        esc = Escaper()
        for r in records:
            f.write(marcxml_record(r, esc))
        f.write("</collection>\n")
    return {"marc": mrc, "marcxml": xml}


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from exporter import read
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
fmt, path, _, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter(); cpu = time.process_time(); count = 0; early = None
for record in read(path, fmt):
    count += 1
    if count == n // 10:
        early = rss()
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu
print(json.dumps({"count": count, "seconds": elapsed, "cpu_seconds": cpu, "rss_10pct_mb": early, "rss_end_mb": rss(),
                  "peak_mb": hwm()}))
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    records = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(records, Path(tmp))
        del records
        print(f"generated {n} records in {time.perf_counter() - t0:.1f} s "
              f"(ISO 2709 {files['marc'].stat().st_size / 1e6:.1f} MB, MARCXML {files['marcxml'].stat().st_size / 1e6:.1f} MB)")
        for fmt, path in files.items():
            proc = subprocess.run([sys.executable, "-c", CHILD, fmt, str(path), str(ROOT), str(n)],
                                  capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
            if proc.returncode:
                print(f"{fmt}: failed\n{proc.stderr[-2000:]}")
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            rate = res["count"] / res["cpu_seconds"]  # per core: the machine may be shared
            print(f"{fmt:8} {res['count']} records in {res['seconds']:.1f} s wall, {res['cpu_seconds']:.1f} s CPU "
                  f"= {res['count'] / res['seconds']:,.0f} records/s wall, {rate:,.0f} records per CPU second (one core); "
                  f"RSS after 10%: {res['rss_10pct_mb']} MB, at the end: {res['rss_end_mb']} MB, peak {res['peak_mb']} MB; "
                  f"target 3,000/s: {'met' if rate >= 3000 else 'NOT met'}")


if __name__ == "__main__":
    main()
