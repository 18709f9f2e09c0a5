"""dvdesk core: records, documents and signed packages for dân vận offices.

This package never imports Qt or the ``ui`` package; the GUI is a face on these
services and everything here also runs headless from the command line.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # importlib.metadata costs tens of milliseconds; only --version and About need it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            return version("dvdesk")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(name)
