"""Benchmark `exporter serve`: a 100,000-record store, `serve --workers 2` on loopback, driven
by wrk (Debian: apt-get install -y wrk) or, without wrk, a bounded asyncio client; prints
requests/s, p99 latency, errors and the workers' memory per document kind. Stops by itself.

    python tests/benchmarks/bench_serve.py [--records 100000] [--seconds 20] [--work DIR]

Targets (issue 13): RDF, BibTeX and RIS documents >= 1,500 requests/s, the APA bibliography
>= 250 requests/s, p99 < 100 ms, no errors, memory flat. The numbers are printed, not asserted.
The store is kept in --work and reused by the next run with the same --records.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_jsonl

KINDS = [  # (label, path suffix after /record/pubmed-N, Accept header)
    ("turtle .ttl", ".ttl", None),
    ("n-triples .nt", ".nt", None),
    ("json-ld .jsonld", ".jsonld", None),
    ("rdf/xml .rdf", ".rdf", None),
    ("bibtex .bib", ".bib", None),
    ("ris .ris", ".ris", None),
    ("csl-json .csl.json", ".csl.json", None),
    ("apa .citation.txt", ".citation.txt?style=apa", None),
    ("IRI 303 (Accept: text/turtle)", "", "text/turtle"),
    ("html page .html", ".html", None),
]

WRK_SCRIPT = """
math.randomseed(%(seed)d)
local n = %(records)d
local suffix = "%(suffix)s"
%(headers)s
request = function()
  return wrk.format("GET", "/record/pubmed-" .. math.random(0, n - 1) .. suffix, headers)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exporter_command() -> list[str]:
    return [sys.executable, "-m", "exporter"]


def build_store(work: Path, records: int) -> Path:
    db = work / f"catalog-{records}.db"
    if db.exists():
        print(f"store: reusing {db}")
        return db
    source = work / f"synthetic-{records}.jsonl"
    started = time.monotonic()
    write_jsonl(source, records)
    loading = time.monotonic()
    subprocess.run([*exporter_command(), "load", str(source), "--store", str(db) + ".part"], check=True)
    loaded = time.monotonic() - loading
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the load is the only child yet
    os.replace(str(db) + ".part", db)
    source.unlink()
    print(f"store: {records:,} records loaded into {db} in {loaded:.0f} s ({records / loaded:,.0f} records/s; "
          f"{time.monotonic() - started:.0f} s with writing the input), {db.stat().st_size / 1e6:.0f} MB, "
          f"peak memory of the load {peak:.0f} MB")
    return db


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the uvicorn workers), in MB."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False).stdout
        pids += [int(p) for p in children.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (the workers), in seconds: the
    cost per request, which other load on the machine does not change as it changes req/s."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True,
                                  check=False).stdout
        pids += [int(p) for p in children.split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_wrk(url: str, records: int, suffix: str, accept: str | None, seconds: int, connections: int) -> dict:
    headers = f'local headers = {{["Accept"] = "{accept}"}}' if accept else "local headers = {}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"seed": 42, "records": records, "suffix": suffix, "headers": headers})
        script = f.name
    try:
        done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                               "-s", script, url], capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(script)
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rate": rate, "p99": p99, "errors": errors, "requests": total}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


async def run_asyncio(port: int, records: int, suffix: str, accept: str | None, seconds: int,
                      connections: int) -> dict:
    """A bounded keep-alive HTTP/1.1 client: `connections` loops, each one request at a time."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    rnd = random.Random(42)

    async def loop() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.monotonic() < stop:
            path = f"/record/pubmed-{rnd.randrange(records)}{suffix}"
            extra = f"Accept: {accept}\r\n" if accept else ""
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.split()[1].startswith((b"2", b"3")):
                errors += 1
        writer.close()

    began = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(connections)))
    elapsed = time.monotonic() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return {"rate": len(latencies) / elapsed, "p99": p99, "errors": errors, "requests": len(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20, help="per document kind")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections for the data formats")
    parser.add_argument("--slow-connections", type=int, default=4,
                        help="concurrent connections for the APA bibliography and the HTML page (milliseconds each: "
                             "more connections only queue, p99 = connections / rate)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "exporter-bench-serve"))
    parser.add_argument("--kinds", help="comma-separated labels' first words (default: all)")
    parser.add_argument("--client", choices=("auto", "wrk", "asyncio"), default="auto")
    args = parser.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    db = build_store(work, args.records)
    port = free_port()
    server = subprocess.Popen([*exporter_command(), "serve", "--store", str(db), "--port", str(port),
                               "--workers", str(args.workers)])
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "asyncio"
    kinds = KINDS
    if args.kinds:
        wanted = {k.strip() for k in args.kinds.split(",")}
        kinds = [k for k in KINDS if k[0].split()[0] in wanted]
    try:
        _wait_until_up(port)
        url = f"http://127.0.0.1:{port}"
        print(f"serve --workers {args.workers} on {url}; client {client}, "
              f"{args.seconds} s per kind, random ids of {args.records:,}")
        # warm-up: styles parsed, caches filled, so that the first kind is not penalised
        for _, suffix, accept in kinds:
            _fetch(port, f"/record/pubmed-1{suffix}", accept)
        start_rss = rss_mb(server.pid)
        print(f"{'kind':<32}{'conns':>6}{'req/s':>10}{'p99 ms':>10}{'errors':>8}{'requests':>10}{'RSS MB':>9}"
              f"{'CPU ms/req':>12}{'req/CPU-s':>11}")
        for label, suffix, accept in kinds:
            connections = args.slow_connections if label.startswith(("apa", "html")) else args.connections
            cpu_before = cpu_seconds(server.pid)
            if client == "wrk":
                result = run_wrk(url, args.records, suffix, accept, args.seconds, connections)
            else:
                result = asyncio.run(run_asyncio(port, args.records, suffix, accept, args.seconds, connections))
            cpu = cpu_seconds(server.pid) - cpu_before
            per_request = cpu / result["requests"] * 1000 if result["requests"] else float("nan")
            print(f"{label:<32}{connections:>6}{result['rate']:>10,.0f}{result['p99']:>10.1f}{result['errors']:>8}"
                  f"{result['requests']:>10,}{rss_mb(server.pid):>9.0f}{per_request:>12.2f}"
                  f"{1000 / per_request:>11,.0f}", flush=True)
        print(f"server memory (all processes): {start_rss:.0f} MB after warm-up, {rss_mb(server.pid):.0f} MB at the end")
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} CPUs (req/CPU-s x workers = the rate with that many free cores)")
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


def _fetch(port: int, path: str, accept: str | None) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept": accept} if accept else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _fetch(port, "/dataset", None) == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start within 120 s")


if __name__ == "__main__":
    sys.exit(main())
