"""The office's USB token, through its driver's PKCS#11 module.

Every use loads the module, does its work and finalises it again, so a token
pulled out and put back (or, in tests, a fresh software token) is seen anew.
The PIN is passed straight to the token and never kept, logged or retried.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11_errors

from dvdesk.errors import NotFound, UserError
from dvdesk.i18n import _

# python-pkcs11's ``lib`` is a factory function to the type checker; its object is untyped here.
Library = Any


class PinRefused(UserError):
    """The token refused the PIN; nothing was signed and nothing written."""

    exit_code = 6


@dataclass(frozen=True)
class TokenCertificate:
    subject: str  # the subject's common name (the signer or the office)
    issuer: str
    not_before: datetime
    not_after: datetime
    label: str  # the key/certificate label on the token
    key_id: str  # hex CKA_ID shared by the key and its certificate


@dataclass(frozen=True)
class TokenInfo:
    label: str
    serial: str
    manufacturer: str
    model: str
    pin_warning: str | None
    certificates: tuple[TokenCertificate, ...]


def _load(module: str) -> Library:
    if not Path(module).is_file():
        raise NotFound(
            _(
                "The token driver module {module} does not exist. Install the token's driver "
                "and set the module path (see docs/signatures.md)."
            ).format(module=module)
        )
    try:
        return pkcs11.lib(module)
    except (p11_errors.PKCS11Error, OSError, RuntimeError) as error:
        raise UserError(
            _(
                "The token driver {module} could not be loaded ({reason}). Check that it is the "
                "PKCS#11 module of your token's driver (see docs/signatures.md)."
            ).format(module=module, reason=type(error).__name__)
        ) from None


@contextmanager
def loaded(module: str) -> Iterator[Library]:
    library = _load(module)
    try:
        yield library
    finally:
        # Already finalised by the driver: nothing left to release.
        with suppress(p11_errors.PKCS11Error):
            library.finalize()


def _tokens(library: Library) -> list[pkcs11.Token]:
    found = []
    for slot in library.get_slots(token_present=True):
        try:
            token = slot.get_token()
        except p11_errors.PKCS11Error:
            continue  # a reader without a usable token
        if token.flags & TokenFlag.TOKEN_INITIALIZED:
            found.append(token)
    return found


def pin_warning(flags: int) -> str | None:
    """What the token says about the PIN tries left, in the user's words."""
    if flags & TokenFlag.USER_PIN_LOCKED:
        return _(
            "The token's PIN is locked. Unlock it with the token's own tool (the PUK or the "
            "issuing authority); dvdesk cannot."
        )
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return _("Only one try is left: one more wrong PIN locks the token.")
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return _("A wrong PIN was entered before: few tries are left before the token locks.")
    return None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def certificate_name(name: asn1_x509.Name) -> str:
    common = name.native.get("common_name")
    if isinstance(common, list):
        common = common[-1]
    return str(common) if common else str(name.human_friendly)


def _certificates(token: pkcs11.Token) -> tuple[TokenCertificate, ...]:
    shown = []
    with token.open() as session:
        for item in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            try:
                cert = asn1_x509.Certificate.load(bytes(item[Attribute.VALUE]))
                validity = cert["tbs_certificate"]["validity"]
                shown.append(
                    TokenCertificate(
                        subject=certificate_name(cert.subject),
                        issuer=certificate_name(cert.issuer),
                        not_before=validity["not_before"].native,
                        not_after=validity["not_after"].native,
                        label=_text(item[Attribute.LABEL]),
                        key_id=bytes(item[Attribute.ID]).hex(),
                    )
                )
            except (ValueError, TypeError, p11_errors.PKCS11Error):
                continue  # an object this driver cannot show; skip it rather than fail the list
    return tuple(shown)


def list_tokens(*, module: str) -> list[TokenInfo]:
    """The tokens the module sees and the certificates each offers (no PIN needed)."""
    with loaded(module) as library:
        return [
            TokenInfo(
                label=token.label,
                serial=_text(token.serial),
                manufacturer=token.manufacturer_id,
                model=token.model,
                pin_warning=pin_warning(int(token.flags)),
                certificates=_certificates(token),
            )
            for token in _tokens(library)
        ]


def choose_token(library: Library, *, label: str | None) -> pkcs11.Token:
    tokens = _tokens(library)
    if label is not None:
        tokens = [token for token in tokens if token.label == label]
    if not tokens:
        raise NotFound(
            _("No token found{label}. Plug the token in and run 'dvdesk token list'.").format(
                label=f" '{label}'" if label else ""
            )
        )
    if len(tokens) > 1:
        raise UserError(
            _("Several tokens are plugged in. Choose one with --token-label: {labels}.").format(
                labels=", ".join(token.label for token in tokens)
            )
        )
    return tokens[0]


@contextmanager
def logged_in(token: pkcs11.Token, *, pin: str) -> Iterator[pkcs11.Session]:
    """A user session; a refused PIN becomes :class:`PinRefused` with the tries left."""
    try:
        session = token.open(user_pin=pin)
    except p11_errors.PinLocked:
        raise PinRefused(
            _("The token's PIN is locked; nothing was signed.")
            + " "
            + (pin_warning(int(TokenFlag.USER_PIN_LOCKED)) or "")
        ) from None
    except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange):
        after = _refreshed_flags(token)
        warning = pin_warning(after) or _("Check the PIN and try again when you are ready.")
        raise PinRefused(
            _("The token refused the PIN; nothing was signed.") + " " + warning
        ) from None
    try:
        yield session
    finally:
        session.close()


def _refreshed_flags(token: pkcs11.Token) -> int:
    try:
        return int(token.slot.get_token().flags)
    except p11_errors.PKCS11Error:
        return 0


_MODULE_NAME = re.compile(r"(pkcs11|csp11|softhsm|(^|[_.-])p11([_.-]|$))")
_MODULE_SUFFIXES = (".dll", ".so", ".dylib")


def _search_roots() -> list[tuple[Path, int]]:
    """(folder, depth) where token drivers usually put their PKCS#11 module."""
    if os.name == "nt":
        windows = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
        roots = [(windows / "System32", 0)]
        for variable in ("ProgramFiles", "ProgramFiles(x86)"):
            folder = os.environ.get(variable)
            if folder:
                roots.append((Path(folder), 2))
        return roots
    return [(Path(p), 2) for p in ("/usr/lib", "/usr/local/lib", "/opt")]


def _looks_like_module(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(_MODULE_SUFFIXES) and _MODULE_NAME.search(name) is not None


def candidate_modules(roots: list[tuple[Path, int]] | None = None) -> list[Path]:
    """Files whose name looks like a PKCS#11 module, to try with 'token list'. A guess by
    name only: the driver's own documentation is the authority."""
    found: set[Path] = set()
    for root, depth in roots if roots is not None else _search_roots():
        _scan(root, depth, found)
    return sorted(found)


def _scan(folder: Path, depth: int, found: set[Path]) -> None:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return  # unreadable or absent: nothing there for us
    for entry in entries:
        try:
            if entry.is_file() and _looks_like_module(entry):
                found.add(entry)
            elif depth > 0 and entry.is_dir() and not entry.is_symlink():
                _scan(entry, depth - 1, found)
        except OSError:
            continue
