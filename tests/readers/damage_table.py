"""Print, per reader and kind of damage, what happens to a damaged record among good ones.

    .venv/bin/python tests/readers/damage_table.py [--trials 20]

The damage and the records are those of ``test_damage_properties.py`` (real corpus records,
one damaged among N = 5); here each (reader, kind) runs ``--trials`` positions of the damage
inside the record, spread evenly, and counts the outcomes:

* rejected: the damaged record is an error problem naming a line inside it;
* rejected elsewhere: an error whose line is outside the damaged record (a defect);
* converted, warned: the record converts and a warning says what was repaired or read;
* converted, unchanged: the damage did not change what was read (a junk line in a
  format that ignores unknown lines, a NUL a format strips, ...), so there is nothing to say;
* converted, silent change: the record reads differently from the undamaged one and
  nothing was said (a truncation that leaves a shorter but well-formed record);
* good lost: a good record did not convert (a defect; the tests fail on it).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from test_damage_properties import CHUNKERS, N, _read, damage, texts  # noqa: E402

KINDS = ["truncated", "junk line", "invalid bytes", "missing terminator", "NUL"]
OUTCOMES = ["rejected", "rejected elsewhere", "converted, warned", "converted, unchanged",
            "converted, silent change", "good lost"]


def trial(name: str, kind: str, where: float, start: int, k: int) -> str:
    chunker = CHUNKERS[name]
    pool = texts(name)
    chunks = pool[start:start + N]
    marker = b"\x00DAMAGE\x00"
    before, after = chunker.join([marker if i == k else c for i, c in enumerate(chunks)]).split(marker)
    original = _read(name, chunker.join([chunks[k]]))[0][0]
    damaged = damage(chunks[k], kind, where, chunker.terminator, original.title)
    first_line = before.count(b"\n") + 1
    last_line = first_line + damaged.count(b"\n")
    records, problems = _read(name, before + damaged + after)
    expected = [_read(name, chunker.join([c]))[0][0] for i, c in enumerate(chunks) if i != k]
    if any(r.title not in [x.title for x in records] for r in expected):
        return "good lost"
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        inside = all(p.line is None or first_line - 1 <= p.line <= last_line + 1 for p in errors)
        return "rejected" if inside else "rejected elsewhere"
    if [p for p in problems if p.severity == "warning"]:
        return "converted, warned"
    same = [r for r in records if r.title == original.title or r.key == original.key]
    return "converted, unchanged" if same and same[0] == original else "converted, silent change"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    print("| reader | damage | " + " | ".join(OUTCOMES) + " |")
    print("|---|---|" + "---|" * len(OUTCOMES))
    totals: Counter[str] = Counter()
    for name in sorted(n for n, c in CHUNKERS.items() if c is not None):
        pool = texts(name)
        for kind in KINDS:
            counts: Counter[str] = Counter()
            for t in range(args.trials):
                where = 0.05 + 0.9 * t / max(1, args.trials - 1)
                start = (t * 7) % (len(pool) - N + 1)
                counts[trial(name, kind, where, start, t % N)] += 1
            totals.update(counts)
            print(f"| {name} | {kind} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    print("| all | all | " + " | ".join(str(totals[o]) for o in OUTCOMES) + " |")


if __name__ == "__main__":
    main()
