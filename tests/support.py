"""Paths the tests share: the repository's examples, and ../shared when it is there.

Imported as ``from support import ...``: tests/ is on sys.path (pytest's rootdir-relative
import of test modules without packages), while ``exporter`` comes from the installed package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
SEED_SOLR = EXAMPLES / "seed-solr.json"
SEED_TEXT = EXAMPLES / "seed-staff-view.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is optional)")
    return path
