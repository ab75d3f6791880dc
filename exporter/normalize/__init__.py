"""Shared cleaning used by several readers: names, dates, identifiers, languages, licences.

Each module is independent of any format and tested on its own.
"""
