"""``token``, ``trust``, ``document sign`` and ``document verify``: chữ ký số."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dvdesk.cli.io import print_json, print_listing
from dvdesk.cli.session import open_for
from dvdesk.errors import UserError
from dvdesk.fileio import Access, write_atomically
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.os_errors import os_reason, read_reason
from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from dvdesk.signatures.documents import (
    SignatureSummary,
    default_role,
    sign_issued,
    signature_summary,
)
from dvdesk.signatures.issued import issued_entries, issued_entry
from dvdesk.signatures.revocation_lists import (
    CrlInfo,
    add_crl,
    list_crls,
    remove_crl,
    stored_lists,
    summary,
)
from dvdesk.signatures.settings import get_signing_settings, set_signing_settings
from dvdesk.signatures.sign import Role, SigningRequest, role_label
from dvdesk.signatures.token import candidate_modules, list_tokens
from dvdesk.signatures.travel import ReceivedView, list_received
from dvdesk.signatures.trust_roots import (
    RootInfo,
    add_root,
    list_roots,
    remove_root,
    root_certificates,
)
from dvdesk.signatures.verify import (
    STATUS_LABELS,
    SignatureCheck,
    Status,
    VerifyResult,
    verify_pdf,
)

PIN_VARIABLE = "DVDESK_TOKEN_PIN"
EXIT_NOT_VALID = 1
MAX_PDF_INPUT = 64 * 1024 * 1024


def register(commands: argparse._SubParsersAction[Any]) -> None:
    _token_parser(commands)
    _trust_parser(commands)


def _token_parser(commands: argparse._SubParsersAction[Any]) -> None:
    token = commands.add_parser("token", help=_("the USB token for digital signatures"))
    actions = token.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("the tokens plugged in and their certificates"))
    _module_argument(listing)
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_token_list)
    candidates = actions.add_parser(
        "candidates", help=_("files on this computer that look like a token driver's module")
    )
    candidates.set_defaults(run=run_token_candidates)
    settings = actions.add_parser(
        "settings", help=_("show or change the token driver, timestamp server and seal image")
    )
    _module_argument(settings)
    settings.add_argument(
        "--timestamp-url", metavar="URL", help=_("timestamp server (empty to remove)")
    )
    settings.add_argument(
        "--seal-image", metavar=_("FILE"), help=_("image shown in the stamp (empty to remove)")
    )
    settings.set_defaults(run=run_token_settings)


def _module_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pkcs11",
        metavar=_("MODULE"),
        help=_("the token driver's PKCS#11 module (default: the saved setting)"),
    )


def _trust_parser(commands: argparse._SubParsersAction[Any]) -> None:
    trust = commands.add_parser("trust", help=_("root certificates trusted for digital signatures"))
    actions = trust.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    add = actions.add_parser("add-root", help=_("trust a root certificate (PEM or DER file)"))
    add.add_argument("file", help=_("the root certificate file"))
    add.set_defaults(run=run_trust_add)
    listing = actions.add_parser("list", help=_("the trusted roots"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_trust_list)
    remove = actions.add_parser("remove", help=_("stop trusting a root"))
    remove.add_argument("fingerprint", help=_("its fingerprint (at least the first 8 characters)"))
    remove.set_defaults(run=run_trust_remove)
    _crl_actions(actions)


def _crl_actions(actions: argparse._SubParsersAction[Any]) -> None:
    add = actions.add_parser(
        "add-crl", help=_("import a certificate authority's revocation list (.crl, PEM or DER)")
    )
    add.add_argument("file", help=_("the revocation list file"))
    add.add_argument(
        "--issuer",
        metavar=_("FILE"),
        help=_("the certificate of the subordinate authority that signed the list, if not a root"),
    )
    add.set_defaults(run=run_crl_add)
    listing = actions.add_parser("list-crl", help=_("the imported revocation lists"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_crl_list)
    remove = actions.add_parser("remove-crl", help=_("remove an imported revocation list"))
    remove.add_argument("key", help=_("its key (at least the first 8 characters)"))
    remove.set_defaults(run=run_crl_remove)


def add_document_actions(actions: argparse._SubParsersAction[Any]) -> None:
    """``document sign`` and ``document verify`` (the ``document`` group is built elsewhere)."""
    sign = actions.add_parser("sign", help=_("sign an issued document with the USB token"))
    sign.add_argument("number", help=_("the document's number (01-BB/BDVHU) or register id"))
    _module_argument(sign)
    sign.add_argument("--token-label", metavar=_("LABEL"), help=_("which token, if several"))
    sign.add_argument(
        "--key-label", metavar=_("LABEL"), help=_("which certificate, if the token has several")
    )
    sign.add_argument(
        "--role",
        choices=[role.value for role in Role],
        help=_("who signs: signer, note_taker, chair or organisation (default: by document)"),
    )
    sign.add_argument(
        "--pin-file",
        metavar=_("FILE"),
        help=_("read the PIN from this file (else DVDESK_TOKEN_PIN, else it is asked)"),
    )
    sign.add_argument("--in", dest="source", metavar=_("FILE.pdf"), help=_("the issued PDF"))
    sign.add_argument("--out", metavar=_("FILE.pdf"), help=_("also write the signed PDF here"))
    sign.set_defaults(run=run_document_sign)
    verify = actions.add_parser("verify", help=_("check every digital signature in a PDF"))
    verify.add_argument("file", help=_("the PDF to check"))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(run=run_document_verify)


def _store(args: argparse.Namespace) -> Store:
    # As every command: the signed-in user (the head signs, the administrator trusts roots).
    return open_for(args)


def _module(args: argparse.Namespace, store: Store) -> str:
    module = args.pkcs11 or get_signing_settings(store).module
    if not module:
        raise UserError(
            _(
                "No token driver is set. Give --pkcs11 with the driver's PKCS#11 module, or save "
                "it with 'dvdesk token settings --pkcs11 MODULE' (see docs/signatures.md)."
            )
        )
    return str(module)


def run_token_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        module = _module(args, store)
    tokens = list_tokens(module=module)
    if args.json:
        print_json(
            [
                {
                    **{key: value for key, value in asdict(token).items() if key != "certificates"},
                    "certificates": [
                        {
                            **asdict(cert),
                            "not_before": cert.not_before.isoformat(),
                            "not_after": cert.not_after.isoformat(),
                        }
                        for cert in token.certificates
                    ],
                }
                for token in tokens
            ]
        )
        return 0
    if not tokens:
        print(_("No token found. Plug the token in, then run this again."))
        return 0
    for token in tokens:
        print(
            _("Token {label} (serial {serial}, {manufacturer})").format(
                label=token.label, serial=token.serial, manufacturer=token.manufacturer
            )
        )
        if token.pin_warning:
            print(f"  ! {token.pin_warning}")
        for cert in token.certificates:
            print(
                "  "
                + _(
                    "{subject}, issued by {issuer}, valid {start} to {end}, key label {label}"
                ).format(
                    subject=cert.subject,
                    issuer=cert.issuer,
                    start=short_date(cert.not_before.date()),
                    end=short_date(cert.not_after.date()),
                    label=cert.label,
                )
            )
    return 0


def run_token_candidates(args: argparse.Namespace) -> int:
    del args
    found = candidate_modules()
    if not found:
        print(
            _(
                "No file that looks like a token driver's module was found. Install the token's "
                "driver, or ask its supplier for the path of its PKCS#11 library."
            )
        )
        return 0
    print(_("Try each with 'dvdesk token list --pkcs11 FILE':"))
    for path in found:
        print(f"  {path}")
    return 0


def run_token_settings(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.pkcs11 is None and args.timestamp_url is None and args.seal_image is None:
            settings = get_signing_settings(store)
        else:
            if args.seal_image and not Path(args.seal_image).is_file():
                raise UserError(
                    _("The seal image {file} does not exist. Choose a PNG or JPEG file.").format(
                        file=args.seal_image
                    )
                )
            settings = set_signing_settings(
                store,
                module=args.pkcs11,
                timestamp_url=args.timestamp_url,
                seal_image=args.seal_image,
            )
    none = _("(not set)")
    print(_("Token driver: {value}").format(value=settings.module or none))
    print(_("Timestamp server: {value}").format(value=settings.timestamp_url or none))
    print(_("Seal image: {value}").format(value=settings.seal_image or none))
    return 0


def read_pin(pin_file: str | None) -> str:
    """The PIN from the file, the environment or the keyboard; never stored or logged."""
    if pin_file:
        try:
            pin = Path(pin_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise UserError(
                _("Cannot read the PIN file {file}. Check the file, then try again.").format(
                    file=pin_file
                )
            ) from None
    elif os.environ.get(PIN_VARIABLE):
        pin = os.environ[PIN_VARIABLE].strip()
    elif sys.stdin.isatty():
        pin = getpass.getpass(_("Token PIN: "))
    else:
        raise UserError(
            _(
                "The token's PIN is needed: give --pin-file, set DVDESK_TOKEN_PIN, "
                "or run in a window."
            )
        )
    if not pin:
        raise UserError(_("The PIN is empty; nothing was signed."))
    return pin


def _read_pdf(path: str) -> bytes:
    try:
        if Path(path).stat().st_size > MAX_PDF_INPUT:
            raise UserError(_("{file} is too large to be a document.").format(file=path))
        return Path(path).read_bytes()
    except OSError as error:
        raise UserError(
            _("Cannot read {file}: {reason}.").format(file=path, reason=read_reason(error))
        ) from None


def run_document_sign(args: argparse.Namespace) -> int:
    with _store(args) as store:
        module = _module(args, store)
        settings = get_signing_settings(store)
        entry = issued_entry(store, number=args.number)
        role = Role(args.role) if args.role else default_role(entry)
        source = _read_pdf(args.source) if args.source else None
        office = get_office(store).profile_at(entry.document_date).name
        request = SigningRequest(
            module=module,
            role=role,
            office_name=office,
            token_label=args.token_label,
            key_label=args.key_label,
            timestamp_url=settings.timestamp_url,
            seal_image=settings.seal_path,
            extra_certificates=tuple(cert.dump() for cert in root_certificates(store)),
        )
        outcome = sign_issued(
            store, document=args.number, request=request, pin=read_pin(args.pin_file), issued=source
        )
    if args.out:
        try:
            write_atomically(Path(args.out), outcome.pdf, access=Access.SHARED)
        except OSError as error:
            raise UserError(
                _(
                    "Signed and kept in the register, but {file} could not be written: {reason}. "
                    "Export it again with another file name."
                ).format(file=args.out, reason=os_reason(error))
            ) from None
    print(
        _("Signed {number} as {role}: {signer}, {level} ({count} signature(s) now).").format(
            number=outcome.reference,
            role=role_label(role),
            signer=outcome.signer,
            level=outcome.level.value,
            count=outcome.signatures,
        )
    )
    if outcome.timestamp_problem:
        print(outcome.timestamp_problem)
    elif outcome.level.value.endswith("B-B"):
        print(_("No timestamp server is set: the signing time is the computer's own clock."))
    return 0


def run_document_verify(args: argparse.Namespace) -> int:
    data = _read_pdf(args.file)
    with _store(args) as store:
        roots = root_certificates(store)
        crls = stored_lists(store)
    result = verify_pdf(data, roots=roots, crls=crls)
    if args.json:
        print_json(verify_json(result))
    else:
        _print_result(result)
    return 0 if result.all_valid else EXIT_NOT_VALID


def check_json(check: SignatureCheck) -> dict[str, object]:
    return {
        **asdict(check),
        "signed_at": check.signed_at.isoformat() if check.signed_at else None,
        "revoked_at": check.revoked_at.isoformat() if check.revoked_at else None,
        "revocation_state": check.revocation_state.value,
        "status": check.status.value,
        "problems": list(check.problems),
    }


def verify_json(result: VerifyResult) -> dict[str, object]:
    return {
        "status": result.overall.value,
        "all_valid": result.all_valid,
        "signatures": [check_json(check) for check in result.signatures],
    }


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _print_result(result: VerifyResult) -> None:
    if not result.signatures:
        print(_("This PDF has no digital signature."))
        return
    for index, check in enumerate(result.signatures, start=1):
        print(_("Signature {n}: {status}").format(n=index, status=_(STATUS_LABELS[check.status])))
        if check.signer:
            print(
                "  "
                + _("Signer: {name}").format(name=check.signer)
                + (f" ({check.organisation})" if check.organisation else "")
            )
            print("  " + _("Issued by: {issuer}").format(issuer=check.issuer))
        if check.signed_at:
            source = _("timestamp") if check.timestamped else _("the signer's own clock")
            print(
                "  "
                + _("Signed at: {when} (by {source})").format(
                    when=check.signed_at.astimezone().strftime("%d/%m/%Y %H:%M"), source=source
                )
            )
        print("  " + _("Intact: {value}").format(value=_yes(check.intact)))
        coverage = (
            _("the whole document")
            if check.whole_document
            else _("the document as it was; added after: {what}").format(what=check.added_after)
        )
        print("  " + _("Covers: {what}").format(what=coverage))
        print("  " + _("Chain to a trusted root: {value}").format(value=_yes(check.chain_trusted)))
        print(
            "  "
            + _("Certificate valid at signing: {value}").format(value=_yes(check.valid_at_signing))
        )
        if check.revocation not in check.problems:
            print("  " + check.revocation)
        for problem in check.problems:
            print(f"  ! {problem}")


@dataclass(frozen=True)
class RegisterExtras:
    """What chữ ký số adds to 'document list': signatures of own documents, received ones."""

    office_code: str
    signatures: dict[int, SignatureSummary]
    received: list[ReceivedView]

    def signature_json(self, document_id: int) -> dict[str, object]:
        summary = self.signatures.get(document_id)
        if summary is None or not summary.count:
            return {"status": Status.UNSIGNED.value, "signers": [], "level": None}
        return {"status": "signed", "signers": list(summary.signers), "level": summary.level}

    def signature_text(self, document_id: int) -> str:
        summary = self.signatures.get(document_id)
        if summary is None or not summary.count:
            return ""
        return "  [" + _("signed: {names}").format(names=", ".join(summary.signers)) + "]"

    def received_json(self) -> list[dict[str, object]]:
        return [
            {
                "received": True,
                "id": item.id,
                "office_code": item.office_code,
                "reference": item.reference,
                "doc_type": item.doc_type,
                "number": item.number,
                "symbol": item.symbol,
                "record_id": item.record_id,
                "document_date": item.document_date.isoformat(),
                "received_at": item.received_at,
                "signature": {"status": item.signature_status, "signers": list(item.signers)},
            }
            for item in self.received
        ]

    def print_received(self) -> None:
        if not self.received:
            return
        print(_("Received from subordinate offices:"))
        for item in self.received:
            status = _(STATUS_LABELS[Status(item.signature_status)])
            signers = f" ({', '.join(item.signers)})" if item.signers else ""
            print(
                f"  {item.office_code}  {item.reference}  {short_date(item.document_date)}  "
                f"{status}{signers}"
            )


def register_extras(store: Store) -> RegisterExtras:
    entries = issued_entries(store)
    return RegisterExtras(
        office_code=get_office(store).code,
        signatures={entry.id: signature_summary(store, document_id=entry.id) for entry in entries},
        received=list_received(store),
    )


def run_trust_add(args: argparse.Namespace) -> int:
    with _store(args) as store:
        root = add_root(store, path=Path(args.file))
    print(
        _("Trusted: {subject} ({fingerprint}).").format(
            subject=root.subject, fingerprint=root.fingerprint
        )
    )
    return 0


def run_trust_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        roots = list_roots(store)
    return print_listing(
        roots,
        as_json=args.json,
        json_of=asdict,
        line=_root_line,
        empty=_("No root is trusted yet. Add one with 'dvdesk trust add-root FILE'."),
    )


def _root_line(root: RootInfo) -> str:
    until = _("until {date}").format(date=root.not_after[:10])
    return f"{root.fingerprint[:16]}  {root.subject}  {until}"


def run_trust_remove(args: argparse.Namespace) -> int:
    with _store(args) as store:
        root = remove_root(store, fingerprint_prefix=args.fingerprint)
    print(_("No longer trusted: {subject}.").format(subject=root.subject))
    return 0


def run_crl_add(args: argparse.Namespace) -> int:
    issuer = Path(args.issuer) if args.issuer else None
    with _store(args) as store:
        added = add_crl(store, path=Path(args.file), issuer_path=issuer)
    print(
        _("Imported the revocation list of {issuer}: {line}").format(
            issuer=added.issuer, line=summary(added)
        )
    )
    return 0


def run_crl_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        lists = list_crls(store)
    return print_listing(
        lists,
        as_json=args.json,
        json_of=_crl_json,
        line=lambda info: f"{info.issuer_key[:16]}  {info.issuer}  {summary(info)}",
        empty=_("No revocation list is imported. Add one with 'dvdesk trust add-crl FILE'."),
    )


def _crl_json(info: CrlInfo) -> dict[str, object]:
    return {
        **asdict(info),
        "this_update": info.this_update.isoformat(),
        "next_update": info.next_update.isoformat() if info.next_update else None,
    }


def run_crl_remove(args: argparse.Namespace) -> int:
    with _store(args) as store:
        removed = remove_crl(store, issuer_key_prefix=args.key)
    print(_("Removed the revocation list of {issuer}.").format(issuer=removed.issuer))
    return 0
