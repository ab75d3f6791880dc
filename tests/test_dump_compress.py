"""`exporter dump --compress-level / --compress-backend`: every backend and level writes gzip
that the standard library reads back to the same text; the same backend and level give the
same bytes; the backend falls back to the standard library without zlib-ng; and a resume
with another backend or level is refused like any other change of parameters."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from exporter import ExporterError
from exporter.cli import main
from exporter.linkeddata.dump import resolve_backend, run_dump
from test_dump import digests, make_input

FORMATS = ("nt", "jsonld-lines")
HAVE_ZLIB_NG = resolve_backend("auto") == "zlib-ng"
needs_zlib_ng = pytest.mark.skipif(not HAVE_ZLIB_NG, reason="zlib-ng is not installed (pip install 'exporter[fast]')")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return make_input(tmp_path_factory.mktemp("in") / "records.jsonl", 120)


def dump(source: Path, out: Path, **kwargs) -> Path:
    run_dump([str(source)], out, formats=FORMATS, shard_records=40, progress=False, **kwargs)
    return out


def texts(folder: Path) -> dict[str, bytes]:
    return {p.name: gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("part-*.gz"))}


def sizes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("part-*.gz"))


def params(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8"))["params"] for p in sorted(folder.glob("part-*.json"))]


@pytest.fixture(scope="module")
def stdlib6(small, tmp_path_factory) -> Path:
    return dump(small, tmp_path_factory.mktemp("gzip6"), compress_backend="gzip", compress_level=6)


@pytest.mark.parametrize("backend", ["gzip", pytest.param("zlib-ng", marks=needs_zlib_ng)])
@pytest.mark.parametrize("level", [0, 1, 9])
def test_every_backend_and_level_gives_gzip_of_the_same_text(small, stdlib6, tmp_path, backend, level):
    out = dump(small, tmp_path, compress_backend=backend, compress_level=level)
    assert texts(out) == texts(stdlib6)  # stdlib gzip reads it, and it is the same dump
    assert len(texts(out)) == 4 * len(FORMATS)  # 122 input records, 40 per shard
    assert {(p["compress_backend"], p["compress_level"]) for p in params(out)} == {(backend, level)}
    for sidecar in out.glob("part-*.json"):  # the sidecars describe the files written
        for name, info in json.loads(sidecar.read_text(encoding="utf-8"))["files"].items():
            assert info["bytes"] == (out / name).stat().st_size
    for p in out.glob("part-*.gz"):  # no name, no time, in the header
        head = p.read_bytes()[:10]
        assert head[:4] == b"\x1f\x8b\x08\x00" and head[4:8] == b"\0\0\0\0"
    text = sum(len(t) for t in texts(out).values())
    if level == 0:
        assert sizes(out) > text  # stored: the level is applied, not a default
    else:
        assert sizes(out) < text / 4


@pytest.mark.parametrize("backend", ["gzip", pytest.param("zlib-ng", marks=needs_zlib_ng)])
def test_levels_change_the_size(small, tmp_path, backend):
    fast = dump(small, tmp_path / "1", compress_backend=backend, compress_level=1)
    best = dump(small, tmp_path / "9", compress_backend=backend, compress_level=9)
    assert sizes(best) < sizes(fast)


@pytest.mark.parametrize("backend", ["gzip", pytest.param("zlib-ng", marks=needs_zlib_ng)])
def test_same_input_backend_and_level_same_bytes(small, tmp_path, backend):
    one = dump(small, tmp_path / "one", compress_backend=backend, compress_level=4)
    two = dump(small, tmp_path / "two", compress_backend=backend, compress_level=4, workers=2)
    assert digests(one) == digests(two)


@needs_zlib_ng
def test_zlib_ng_is_the_default_when_installed_and_writes_its_own_bytes(small, stdlib6, tmp_path):
    out = dump(small, tmp_path)
    assert {p["compress_backend"] for p in params(out)} == {"zlib-ng"}
    assert {p["compress_level"] for p in params(out)} == {6}
    shards = [n for n in digests(out) if n.endswith(".gz")]
    assert shards and all(digests(out)[n] != digests(stdlib6)[n] for n in shards)  # really another library
    assert texts(out) == texts(stdlib6)


def without_zlib_ng(monkeypatch) -> None:
    for name in list(sys.modules):
        if name == "zlib_ng" or name.startswith("zlib_ng."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # import zlib_ng now fails
    monkeypatch.setitem(sys.modules, "zlib_ng.gzip_ng", None)


def test_without_zlib_ng_auto_is_the_standard_library(small, stdlib6, tmp_path, monkeypatch):
    without_zlib_ng(monkeypatch)
    out = dump(small, tmp_path)
    assert {p["compress_backend"] for p in params(out)} == {"gzip"}
    assert digests(out) == digests(stdlib6)


def test_without_zlib_ng_asking_for_it_is_one_clear_line(small, tmp_path, monkeypatch, capsys):
    without_zlib_ng(monkeypatch)
    with pytest.raises(ExporterError, match=r"zlib-ng needs the package zlib-ng.*exporter\[fast\]"):
        dump(small, tmp_path / "api", compress_backend="zlib-ng")
    code = main(["dump", str(small), "--out", str(tmp_path / "cli"), "--compress-backend", "zlib-ng", "--quiet"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "pip install 'exporter[fast]'" in err
    assert not list((tmp_path / "cli").glob("part-*"))


@pytest.mark.parametrize("level", [-1, 10, 6.0, True, "6"])
def test_a_level_outside_0_to_9_is_refused(small, tmp_path, level):
    with pytest.raises(ExporterError, match="--compress-level must be 0 .* to 9"):
        dump(small, tmp_path, compress_level=level)


def test_an_unknown_backend_is_refused(small, tmp_path):
    with pytest.raises(ExporterError, match="unknown --compress-backend 'bz2'"):
        dump(small, tmp_path, compress_backend="bz2")


def test_cli_options_reach_the_shards(small, stdlib6, tmp_path, capsys):
    out = tmp_path / "o"
    code = main(["dump", str(small), "--out", str(out), "--format", "nt", "--format", "jsonld-lines",
                 "--shard-records", "40", "--compress-level", "6", "--compress-backend", "gzip", "--quiet"])
    assert code == 1  # the two rejected records of make_input
    assert digests(out) == digests(stdlib6)
    fast = tmp_path / "fast"
    main(["dump", str(small), "--out", str(fast), "--shard-records", "40", "--compress-level", "1",
          "--compress-backend", "gzip", "--quiet"])
    assert {(p["compress_backend"], p["compress_level"]) for p in params(fast)} == {("gzip", 1)}
    with pytest.raises(SystemExit) as exc:
        main(["dump", str(small), "--out", str(tmp_path / "bad"), "--compress-level", "10"])
    assert exc.value.code == 2
    assert "--compress-level: invalid choice: 10" in capsys.readouterr().err


def test_resume_refuses_another_level(small, stdlib6, tmp_path):
    import shutil

    shutil.copytree(stdlib6, tmp_path / "d")
    with pytest.raises(ExporterError, match=r"was made with other compress_level \(its shards: "
                                            r"--compress-backend gzip --compress-level 6\).*--compress-level"):
        dump(small, tmp_path / "d", compress_backend="gzip", compress_level=1, resume=True)


@pytest.mark.parametrize("other", [pytest.param("zlib-ng", marks=needs_zlib_ng), "auto"])
def test_resume_refuses_another_backend(small, stdlib6, tmp_path, other):
    import shutil

    shutil.copytree(stdlib6, tmp_path / "d")
    if other == "auto" and not HAVE_ZLIB_NG:
        pytest.skip("auto is the standard library here")
    with pytest.raises(ExporterError, match=r"was made with other compress_backend \(its shards: "
                                            r"--compress-backend gzip"):
        dump(small, tmp_path / "d", compress_backend=other, resume=True)


def test_resume_with_the_same_backend_and_level_finishes_the_dump(small, stdlib6, tmp_path):
    import shutil

    shutil.copytree(stdlib6, tmp_path / "d")
    for sidecar in sorted((tmp_path / "d").glob("part-*.json"))[1:]:
        sidecar.unlink()  # as if the run had stopped after one shard
    dump(small, tmp_path / "d", compress_backend="gzip", compress_level=6, resume=True)
    assert digests(tmp_path / "d") == digests(stdlib6)


@pytest.mark.parametrize("backend", ["gzip", pytest.param("zlib-ng", marks=needs_zlib_ng)])
def test_sidecars_of_older_dumps_count_as_the_standard_library_at_6(small, stdlib6, tmp_path, backend):
    import shutil

    out = tmp_path / "d"
    shutil.copytree(stdlib6, out)
    sidecars = sorted(out.glob("part-*.json"))
    for sidecar in sidecars:  # as an exporter from before --compress-level wrote them
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        del data["params"]["compress_backend"], data["params"]["compress_level"]
        sidecar.write_text(json.dumps(data), encoding="utf-8")
    last = sidecars[-1].name[:-len(".json")]
    for p in out.glob(f"{last}.*"):  # the last shard is not finished
        p.unlink()
    if backend == "gzip":
        dump(small, out, compress_backend="gzip", compress_level=6, resume=True)
        assert {n: d for n, d in digests(out).items() if n.endswith(".gz")} == \
            {n: d for n, d in digests(stdlib6).items() if n.endswith(".gz")}
        assert params(out)[-1]["compress_backend"] == "gzip"  # written again, now with the new keys
    else:
        with pytest.raises(ExporterError, match="other compress_backend"):
            dump(small, out, compress_backend=backend, resume=True)
