"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def seed():
    from exporter import read
    from support import SEED_SOLR

    (record,) = list(read(SEED_SOLR))
    return record


@pytest.fixture(scope="session")
def seed_from_text():
    from exporter import read
    from support import SEED_TEXT

    (record,) = list(read(SEED_TEXT))
    return record
