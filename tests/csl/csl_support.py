"""Shared fixtures for the exporter.csl tests.

Tests that need the shared conformance kit or the CSL test suite locate them at
``<repo root>/../shared`` and skip cleanly when it is absent.  No network access.
"""
from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / 'shared'
KIT = SHARED / 'csl-conformance'
TEST_SUITE = SHARED / 'corpus' / 'csl-test-suite' / 'processor-tests' / 'humans'

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _norm(s: str | None) -> str:
    return ' '.join((s or '').split())


@cache
def kit_items() -> list[dict]:
    return json.loads((KIT / 'items.json').read_text(encoding='utf-8'))


@cache
def kit_reference(style: str) -> dict:
    return json.loads((KIT / 'reference' / f'{style}.json').read_text(encoding='utf-8'))


@cache
def rendered_bibliography(style: str, markup: str = 'text') -> dict[str, str]:
    from exporter.csl import CitationProcessor
    proc = CitationProcessor(style, markup=markup)
    return dict(proc.bibliography_entries(kit_items()))


@pytest.fixture
def kit() -> Path:
    if not (KIT / 'items.json').is_file():
        pytest.skip(f'conformance kit not found at {KIT}')
    return KIT


@pytest.fixture
def test_suite() -> Path:
    if not TEST_SUITE.is_dir():
        pytest.skip(f'CSL test suite not found at {TEST_SUITE}')
    return TEST_SUITE


def expected_entry(style: str, item_id: str, markup: str = 'text') -> str:
    return _norm(kit_reference(style)['bibliography'][markup][item_id])


def actual_entry(style: str, item_id: str, markup: str = 'text') -> str:
    return _norm(rendered_bibliography(style, markup)[item_id])
