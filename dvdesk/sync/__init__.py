"""Signed USB packages: office keys and key cards, export, verify, import and receipts.

See docs/package-format.md for the format and the security properties each check gives.
"""
