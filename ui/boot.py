"""The first steps of opening the app, taken before the rest of it is imported.

Two costs of a Python start that a bare window does not pay grow with the app's size
(bench/gui_open.py):

- The cyclic garbage collector runs over every object again and again while the
  modules load and the window is built, and that work frees nothing: start-up makes no
  garbage. It is switched off until the first list is on the screen.
- PySide6 reads the source of every module imported after it (``inspect.getsource``)
  to find ``from __feature__ import …``. dvdesk never uses those switches, so the
  reading is skipped; a PySide6 without this hook is left alone.
"""

from __future__ import annotations

import gc


def begin_start() -> None:
    """Call first thing when the app (not a command) is opening."""
    gc.disable()
    skip_pyside_feature_scan()


def start_done() -> None:
    """The first window is up: garbage collection as usual from here on."""
    gc.enable()


def skip_pyside_feature_scan() -> bool:
    """True if PySide6's per-import source scan is now off."""
    import PySide6.QtCore  # noqa: F401, PLC0415 - installs the import hook patched here

    try:
        from shibokensupport import feature  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_no_feature
    return True


def _uses_no_feature(_module: object) -> bool:
    return False
