"""Agreement with Zotero's import translators stays at least where it was measured.

Runs tests/agreement/zotero_agreement.py over ../shared/corpus/zotero-translators; skips when
../shared is absent. The floors are the rates actually reached (see the script's output);
raise them when a fix raises agreement, never set them above what was measured.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "agreement" / "zotero_agreement.py"

#: format -> agreed fields / compared fields reached when this floor was set.
#: Measured: RIS 475/761 (28/28 without EndNote's field-label placeholder files),
#: then 474/762 once MUSIC reads as what the RIS spec says it is, a music score (CSL
#: musical_score; Zotero, without such a type, says audioRecording: the 2 MUSIC records of
#: the placeholder files, judged "ours") and a lone SP of a BILL as its code pages (+1),
#: BibTeX 91/99, MEDLINEnbib 76/88, PubMed_XML 74/88; every disagreement is judged in the
#: script's output.
FLOORS: dict[str, float] = {
    "RIS": 0.622,
    "BibTeX": 0.919,
    "MEDLINEnbib": 0.863,
    "PubMed_XML": 0.840,
    # library formats (issue 12): MARC 10/12, MARCXML 17/24, MODS 63/76 (was 10/13, 17/25,
    # 57/76; two fewer compared: the DNB table-of-contents links (856 42) are no longer the
    # records' URL, and Zotero has none); every remaining disagreement judged ours or neither
    "MARC": 0.833,
    "MARCXML": 0.708,
    "MODS": 0.828,
}


def _load():
    spec = importlib.util.spec_from_file_location("zotero_agreement", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["zotero_agreement"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results(shared: Path):
    if not (shared / "corpus" / "zotero-translators").is_dir():
        pytest.skip("Zotero translator test cases are not present")
    return _load().run(shared)


@pytest.mark.parametrize("fmt", list(FLOORS))
def test_agreement_floor(results, fmt: str) -> None:
    result = results[fmt]
    assert result.total_compared > 0
    assert result.rate >= FLOORS[fmt], f"{fmt}: {result.total_agreed}/{result.total_compared}"
    assert not result.problems, result.problems


def test_real_data_ris_files_agree_fully(results) -> None:
    ris = results["RIS"]
    assert ris.real_compared > 0 and ris.real_agreed == ris.real_compared


def test_every_disagreement_is_judged(results) -> None:
    unjudged = [d for r in results.values() for d in r.disagreements if not d.judgement()]
    assert not unjudged, unjudged[:5]


def test_no_library_format_disagreement_is_left_to_do(results) -> None:
    """Issue 12: each MARC, MARCXML and MODS disagreement is fixed or judged ours/neither."""
    todo = [d for fmt in ("MARC", "MARCXML", "MODS") for d in results[fmt].disagreements
            if not (d.judgement() or "").startswith(("ours:", "neither:"))]
    assert not todo, todo[:5]


def test_every_entry_of_the_other_corpora_reads_or_is_reported(shared: Path) -> None:
    rows = _load().coverage(shared)
    assert rows
    bad = [row for row in rows if not row.accounted]
    assert not bad, bad
