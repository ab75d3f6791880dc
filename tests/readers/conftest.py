"""Fixtures for the reader tests; the helpers live in reader_support (a unique module name:
several test folders have a conftest, and "from conftest import" would find the wrong one)."""

from reader_support import shared  # noqa: F401  (a fixture)
