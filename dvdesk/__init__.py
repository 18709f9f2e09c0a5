"""dvdesk core: records, documents and signed packages for dân vận offices.

This package never imports Qt or the ``ui`` package; the GUI is a face on
these services and everything here also runs headless from the command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dvdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
