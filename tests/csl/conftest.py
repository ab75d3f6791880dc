"""Fixtures for the CSL tests; the helpers live in csl_support (a unique module name:
several test folders have a conftest, and "from conftest import" would find the wrong one)."""

from csl_support import kit, test_suite  # noqa: F401  (fixtures)
