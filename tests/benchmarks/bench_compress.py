"""Benchmark: the gzip libraries a dump can compress its shards with, on a real shard's text.
Run by hand, not by pytest:

    python tests/benchmarks/bench_compress.py              # 20,000 synthetic records
    python tests/benchmarks/bench_compress.py --n 5000 --repeat 5

Makes the shards with ``exporter dump`` (N-Triples and JSON-LD lines, one shard each) from
the synthetic VuFind records of ``synthetic.py``, decompresses them, and compresses each
text again with every library that is installed (stdlib ``gzip``, ``zlib_ng.gzip_ng``,
``isal.igzip``) at several of its own levels, the way a dump writes a shard: a ``GzipFile``
with no name and mtime 0, fed 8 KiB writes (what the ``TextIOWrapper`` of ``_gzip_writer``
hands it). Prints, per library and level, the compression speed (MB of text per second,
the fastest of ``--repeat`` runs, in this one process) and the compressed size as a share
of the text; every output is checked with stdlib ``gzip.decompress``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: library label -> (module, its own levels to measure)
LIBRARIES = {
    "gzip (stdlib)": ("gzip", (1, 3, 6, 9)),
    "zlib-ng": ("zlib_ng.gzip_ng", (1, 3, 6, 9)),
    "isal": ("isal.igzip", (0, 1, 2, 3)),
}
CHUNK = 8192


def compress(module, data: bytes, level: int) -> bytes:
    buf = io.BytesIO()
    with module.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=level, mtime=0) as gz:
        view = memoryview(data)
        for at in range(0, len(data), CHUNK):
            gz.write(view[at:at + CHUNK])
    return buf.getvalue()


def best_of(repeat: int, module, data: bytes, level: int) -> tuple[float, bytes]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = compress(module, data, level)
        times.append(time.perf_counter() - t)
    return min(times), out


def shard_texts(n: int, tmp: Path) -> dict[str, bytes]:
    from synthetic import write_jsonl

    src = write_jsonl(tmp / "in.jsonl", n)
    out = tmp / "dump"
    subprocess.run([sys.executable, "-m", "exporter", "dump", str(src), "--out", str(out), "--format", "nt",
                    "--format", "jsonld-lines", "--shard-records", str(n), "--quiet"], check=True,
                   stderr=subprocess.DEVNULL)
    return {"N-Triples": gzip.decompress((out / "part-00000.nt.gz").read_bytes()),
            "JSON-LD lines": gzip.decompress((out / "part-00000.jsonl.gz").read_bytes())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="synthetic records in the shard")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the fastest counts")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; best of {args.repeat} runs; "
          f"{CHUNK}-byte writes into GzipFile(mtime=0)")
    versions = []
    modules = {}
    for label, (name, levels) in LIBRARIES.items():
        try:
            modules[label] = importlib.import_module(name)
        except ImportError:
            print(f"{label}: not installed, left out")
            continue
        top = name.split(".")[0]
        version = getattr(importlib.import_module(top), "__version__", None) if top != "gzip" else None
        versions.append(f"{label} {version or ''}".strip())
    import zlib

    print(f"libraries: {', '.join(versions)}; zlib {zlib.ZLIB_VERSION}; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        texts = shard_texts(args.n, Path(tmp))
    for kind, data in texts.items():
        mb = len(data) / 1e6
        print(f"\n{kind}: shard of {args.n:,} records, {mb:.1f} MB of text")
        print(f"{'library':<14} {'level':>5} {'MB/s':>7} {'seconds':>8} {'size %':>7} {'vs stdlib 6':>12}")
        base = None
        rows = []
        for label, module in modules.items():
            for level in LIBRARIES[label][1]:
                seconds, out = best_of(args.repeat, module, data, level)
                if gzip.decompress(out) != data:
                    raise SystemExit(f"{label} level {level}: stdlib gzip does not read back the text")
                rows.append((label, level, seconds, len(out)))
                if label == "gzip (stdlib)" and level == 6:
                    base = seconds
        for label, level, seconds, size in rows:
            speed = f"{base / seconds:.2f}x" if base else ""
            print(f"{label:<14} {level:>5} {mb / seconds:>7.1f} {seconds:>8.3f} {100 * size / len(data):>6.1f}% "
                  f"{speed:>12}")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
