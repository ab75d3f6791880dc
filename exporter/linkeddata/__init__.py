"""Linked data: the schema.org mapping (written once) and its serializations."""
