"""Where the token driver is, which timestamp server to ask, which seal image to show.

Settings, not code: each token driver installs its own PKCS#11 module on
Windows (see docs/signatures.md). The PIN is never a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dvdesk.services.settings import get_setting, set_setting
from dvdesk.services.store import Store

KEY = "signatures"


@dataclass(frozen=True)
class SigningSettings:
    module: str | None = None
    timestamp_url: str | None = None
    seal_image: str | None = None

    @property
    def seal_path(self) -> Path | None:
        return Path(self.seal_image) if self.seal_image else None


def get_signing_settings(store: Store) -> SigningSettings:
    stored = get_setting(store, key=KEY, default={})
    if not isinstance(stored, dict):
        return SigningSettings()
    return SigningSettings(
        module=_text(stored.get("module")),
        timestamp_url=_text(stored.get("timestamp_url")),
        seal_image=_text(stored.get("seal_image")),
    )


def set_signing_settings(
    store: Store,
    *,
    module: str | None = None,
    timestamp_url: str | None = None,
    seal_image: str | None = None,
) -> SigningSettings:
    """Change the given settings; an empty string clears one."""
    current = get_signing_settings(store)
    changed = SigningSettings(
        module=_pick(module, current.module),
        timestamp_url=_pick(timestamp_url, current.timestamp_url),
        seal_image=_pick(seal_image, current.seal_image),
    )
    set_setting(
        store,
        key=KEY,
        value={
            "module": changed.module,
            "timestamp_url": changed.timestamp_url,
            "seal_image": changed.seal_image,
        },
    )
    return changed


def _pick(new: str | None, old: str | None) -> str | None:
    if new is None:
        return old
    return new.strip() or None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
