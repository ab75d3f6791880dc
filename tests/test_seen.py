"""SeenStrings: the set of used keys and IRIs in at most 16 bytes per member."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.normalize.seen import SeenStrings, fingerprint


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=300), st.lists(st.text(max_size=30), max_size=50))
def test_behaves_as_a_set_of_strings(members, others):
    seen, reference = SeenStrings(capacity=16), set()
    for text in members:
        assert seen.insert(text) == (text not in reference)
        reference.add(text)
        assert text in seen
    assert len(seen) == len(reference)
    for text in others:
        assert (text in seen) == (text in reference)


def test_sixteen_bytes_per_member_at_most_once_past_its_first_table():
    seen = SeenStrings()
    rnd = random.Random(7)
    worst = 0.0
    for i in range(200_000):
        seen.add(f"https://example.org/records/{rnd.getrandbits(64):x}-{i}")
        if i > 2_000:
            worst = max(worst, seen.bytes_per_member())
    assert len(seen) == 200_000
    assert 8 < worst <= 16


def test_fingerprints_do_not_depend_on_the_process():
    """BLAKE2b, not hash(): another process with another hash seed gives the same."""
    import os
    import subprocess
    import sys

    code = "from exporter.normalize.seen import fingerprint; print(fingerprint('smith2020x'))"
    others = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
    assert others == {str(fingerprint("smith2020x"))}
    assert fingerprint("") != 0 and fingerprint("a") != fingerprint("b")
