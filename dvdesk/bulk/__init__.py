"""Bulk entry of records from workbooks, CSV and JSON-lines files."""
