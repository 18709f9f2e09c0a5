"""``keys``, ``units``, ``export``, ``verify``, ``import``, ``receipt``: signed USB packages."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dvdesk.cli.io import print_json
from dvdesk.cli.session import open_for
from dvdesk.errors import Cancelled, UserError, ValidationFailed
from dvdesk.formatting import number, short_date
from dvdesk.i18n import _
from dvdesk.services.office_view import get_office
from dvdesk.services.store import Store
from dvdesk.sync import keys, status, trust
from dvdesk.sync.apply import ImportSummary, Outcome
from dvdesk.sync.batch import (
    AskPassphrase,
    BatchResult,
    PassphraseRequest,
    import_batch,
    package_files,
)
from dvdesk.sync.card_advice import card_advice
from dvdesk.sync.export import export_package, records_kept
from dvdesk.sync.held_back import held_lines
from dvdesk.sync.history import history_findings
from dvdesk.sync.keycard import read_card_file
from dvdesk.sync.move import release_child
from dvdesk.sync.policy import set_encryption_required
from dvdesk.sync.receipt import (
    ReceiptResult,
    import_receipt,
    request_correction,
    returned_records,
    write_receipt,
)
from dvdesk.sync.verify import verify_package
from dvdesk.text import shown

ENV_PASSPHRASE = "DVDESK_PASSPHRASE"
EXIT_RECORDS_REFUSED = 7


# ---------------------------------------------------------------- passphrase


def _passphrase_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar=_("FILE"),
        help=_(
            "read the key passphrase from the first line of this file "
            "(else from DVDESK_PASSPHRASE, or a prompt)"
        ),
    )


def _given_passphrase(args: argparse.Namespace) -> str | None:
    if getattr(args, "passphrase_file", None):
        try:
            lines = Path(args.passphrase_file).read_text(encoding="utf-8-sig").splitlines()
        except OSError as error:
            raise UserError(
                _("Cannot read {file}: {reason}.").format(
                    file=args.passphrase_file, reason=error.strerror
                )
            ) from None
        return lines[0] if lines else ""
    return os.environ.get(ENV_PASSPHRASE)


def _passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    given = _given_passphrase(args)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UserError(
            _(
                "The office's key passphrase is needed. Set {env} or give --passphrase-file "
                "(passphrases are never given on the command line)."
            ).format(env=ENV_PASSPHRASE)
        )
    first = getpass.getpass(_("Key passphrase: "))
    if confirm and getpass.getpass(_("Type the passphrase again: ")) != first:
        raise ValidationFailed(
            _("The two passphrases differ."), [("passphrase", _("type the same text twice"))]
        )
    return first


# For other command modules (office set-parent --move).
passphrase_argument = _passphrase_argument
read_passphrase = _passphrase


def _store(args: argparse.Namespace) -> Store:
    return open_for(args)


# ---------------------------------------------------------------- registration


def register(commands: argparse._SubParsersAction[Any]) -> None:
    _register_keys(commands)
    _register_units(commands)

    export = commands.add_parser(
        "export", help=_("write a signed package of everything not yet acknowledged")
    )
    export.add_argument(
        "--out", required=True, metavar=_("PATH"), help=_("package file, or a folder on the stick")
    )
    export.add_argument(
        "--to", metavar=_("CODE"), help=_("destination office (default: the office you report to)")
    )
    export.add_argument(
        "--encrypt", action="store_true", help=_("encrypt the records to the destination's key")
    )
    export.add_argument(
        "--full",
        action="store_true",
        help=_(
            "send everything again, even what was acknowledged (after the destination lost data)"
        ),
    )
    _passphrase_argument(export)
    export.set_defaults(run=run_export)

    verify = commands.add_parser("verify", help=_("check a package without importing it"))
    verify.add_argument("package", help=_("the package file"))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(run=run_verify)

    importing = commands.add_parser("import", help=_("verify and import packages"))
    importing.add_argument(
        "packages",
        nargs="+",
        metavar=_("PACKAGE"),
        help=_("package files, or a folder (every package in it)"),
    )
    importing.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, change nothing")
    )
    importing.add_argument("--json", action="store_true", help=_("print JSON"))
    importing.add_argument(
        "--receipt-out",
        metavar=_("PATH"),
        help=_("also write a signed receipt (a file, or a folder for several offices)"),
    )
    _passphrase_argument(importing)
    importing.set_defaults(run=run_import)

    receipt = commands.add_parser("receipt", help=_("receipts and records sent back"))
    actions = receipt.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    take = actions.add_parser("import", help=_("import a receipt from the office you report to"))
    take.add_argument("file", help=_("the receipt file"))
    take.add_argument("--json", action="store_true", help=_("print JSON"))
    take.set_defaults(run=run_receipt_import)
    write = actions.add_parser("write", help=_("write a receipt for a subordinate office"))
    write.add_argument("--to", required=True, metavar=_("CODE"), help=_("the office's code"))
    write.add_argument(
        "--out", required=True, metavar=_("PATH"), help=_("receipt file, or a folder")
    )
    _passphrase_argument(write)
    write.set_defaults(run=run_receipt_write)
    back = actions.add_parser(
        "return", help=_("send a subordinate office's record back for correction")
    )
    back.add_argument("id", help=_("the record's id"))
    back.add_argument("--comment", required=True, help=_("what the office should correct"))
    back.set_defaults(run=run_receipt_return)
    returned = actions.add_parser("returned", help=_("list records sent back to this office"))
    returned.add_argument("--json", action="store_true", help=_("print JSON"))
    returned.set_defaults(run=run_returned)


def _register_keys(commands: argparse._SubParsersAction[Any]) -> None:
    group = commands.add_parser("keys", help=_("this office's signing keys and key card"))
    actions = group.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    init = actions.add_parser("init", help=_("make this office's key pair (once, at set-up)"))
    _passphrase_argument(init)
    init.set_defaults(run=run_keys_init)
    rotate = actions.add_parser(
        "rotate", help=_("replace the key with a new one certified by the current one")
    )
    _passphrase_argument(rotate)
    rotate.set_defaults(run=run_keys_rotate)
    card = actions.add_parser("card", help=_("write this office's key card to a file"))
    card.add_argument(
        "--out", required=True, metavar=_("FILE"), help=_("the key card file to write")
    )
    card.set_defaults(run=run_keys_card)
    fingerprint = actions.add_parser(
        "fingerprint", help=_("show the key's fingerprint, to read out by phone")
    )
    fingerprint.set_defaults(run=run_keys_fingerprint)


def _register_units(commands: argparse._SubParsersAction[Any]) -> None:
    group = commands.add_parser("units", help=_("offices whose key cards are enrolled here"))
    actions = group.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    enroll = actions.add_parser("enroll", help=_("enrol an office's key card"))
    enroll.add_argument("card", help=_("the key card file"))
    enroll.add_argument(
        "--confirm",
        action="store_true",
        help=_(
            "enrol even though the card names another parent office or looks like a known "
            "office (only after reading its fingerprint by phone)"
        ),
    )
    enroll.set_defaults(run=run_units_enroll)
    reenroll = actions.add_parser(
        "reenroll",
        help=_(
            "re-enrol a subordinate office whose key was lost or stolen: revoke its keys, "
            "trust its new card, forget its package numbers"
        ),
    )
    reenroll.add_argument("card", help=_("the office's new key card file"))
    reenroll.set_defaults(run=run_units_reenroll)
    listing = actions.add_parser(
        "list", help=_("enrolled offices with the date and number of their last package")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_units_list)
    revoke = actions.add_parser("revoke", help=_("stop trusting an office's key"))
    revoke.add_argument("target", help=_("the office's code, or a key id"))
    revoke.set_defaults(run=run_units_revoke)
    release = actions.add_parser(
        "release",
        help=_(
            "stop taking and relaying the packages of an office below that moved to report "
            "to another office"
        ),
    )
    release.add_argument("code", help=_("the office's code"))
    release.set_defaults(run=run_units_release)
    missing = actions.add_parser(
        "missing", help=_("subordinate offices that sent no package between two dates")
    )
    missing.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD")
    missing.add_argument("--to", dest="end", required=True, type=_date, metavar="YYYY-MM-DD")
    missing.add_argument("--json", action="store_true", help=_("print JSON"))
    missing.set_defaults(run=run_units_missing)
    require = actions.add_parser(
        "require-encryption",
        help=_("accept only encrypted packages from subordinate offices (told in receipts)"),
    )
    require.add_argument("state", choices=["on", "off"])
    require.set_defaults(run=run_units_require_encryption)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a date written YYYY-MM-DD, e.g. 2024-07-05")
        ) from None


# ---------------------------------------------------------------- keys


def run_keys_init(args: argparse.Namespace) -> int:
    with _store(args) as store:
        info = keys.create_keys(store, passphrase=_passphrase(args, confirm=True))
        office = get_office(store)
    print(_("Key made for office {code}.").format(code=info.office_code))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.fingerprint))
    print(_("Now write the key card with 'dvdesk keys card --out FILE'."), card_advice(office))
    return 0


def run_keys_rotate(args: argparse.Namespace) -> int:
    with _store(args) as store:
        info = keys.rotate_keys(store, passphrase=_passphrase(args))
    print(_("New key made, certified by the old one; the next package carries the proof."))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.fingerprint))
    return 0


def run_keys_card(args: argparse.Namespace) -> int:
    with _store(args) as store:
        target, fingerprint = keys.write_card(store, out=Path(args.out))
    print(_("Key card written to {file}.").format(file=target))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=fingerprint))
    return 0


def run_keys_fingerprint(args: argparse.Namespace) -> int:
    with _store(args) as store:
        row = keys.active_key(store)
    print(keys.card_fingerprint(row))
    return 0


# ---------------------------------------------------------------- units


def run_units_enroll(args: argparse.Namespace) -> int:
    card = read_card_file(Path(args.card))
    with _store(args) as store:
        enrolled = trust.enroll_card(store, card=card, confirm=args.confirm)
    message = (
        _("The key of {office} ({code}) was already enrolled before; nothing changed.")
        if enrolled.already
        else _("Enrolled the key of {office} ({code}).")
    )
    print(message.format(office=enrolled.office_name, code=enrolled.office_code))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=enrolled.fingerprint))
    print(_("Read this fingerprint to the office by phone: it must match theirs exactly."))
    return 0


def run_units_reenroll(args: argparse.Namespace) -> int:
    card = read_card_file(Path(args.card))
    with _store(args) as store:
        enrolled = trust.reenrol_office(store, card=card)
    print(
        _(
            "Re-enrolled {office} ({code}) with the key {key}: its old keys are revoked and its "
            "package numbers start again. Ask it to export with --full."
        ).format(office=enrolled.office_name, code=enrolled.office_code, key=enrolled.fingerprint)
    )
    print(_("Fingerprint: {fingerprint}").format(fingerprint=enrolled.fingerprint))
    print(_("Read this fingerprint to the office by phone: it must match theirs exactly."))
    return 0


def _unit_json(unit: status.UnitStatus) -> dict[str, object]:
    return {
        "code": unit.office_code,
        "name": unit.office_name,
        "relation": unit.relation,
        "key_id": unit.key_id,
        "fingerprint": unit.fingerprint,
        "revoked": unit.revoked,
        "enrolled_at": unit.enrolled_at,
        "last_sequence": unit.last_sequence,
        "last_imported_on": unit.last_imported_on.isoformat() if unit.last_imported_on else None,
        "packages": unit.packages,
        "open_corrections": unit.open_corrections,
        "missing": list(unit.missing),
        "relay": unit.relay,
    }


def _print_units(units: list[status.UnitStatus]) -> None:
    for unit in units:
        last = (
            _("package {sequence} on {date}").format(
                sequence=unit.last_sequence, date=short_date(unit.last_imported_on)
            )
            if unit.last_sequence
            else _("no package yet")
        )
        revoked = f" [{_('revoked')}]" if unit.revoked else ""
        print(f"{unit.office_code:<6} {unit.office_name}{revoked} — {last}")
        if unit.missing:
            print(
                _("       packages never received (withheld on the way?): {numbers}").format(
                    numbers=", ".join(str(n) for n in unit.missing)
                )
            )
    print(_("{count} office(s)").format(count=number(len(units))))


def _report_units(args: argparse.Namespace, query: Callable[[Store], list[Any]]) -> int:
    with _store(args) as store:
        units = query(store)
    if args.json:
        print_json([_unit_json(unit) for unit in units])
    else:
        _print_units(units)
    return 0


def run_units_list(args: argparse.Namespace) -> int:
    return _report_units(args, status.unit_statuses)


def run_units_missing(args: argparse.Namespace) -> int:
    return _report_units(
        args, lambda store: status.not_reported(store, start=args.start, end=args.end)
    )


def run_units_require_encryption(args: argparse.Namespace) -> int:
    with _store(args) as store:
        set_encryption_required(store, required=args.state == "on")
    if args.state == "on":
        print(
            _(
                "From now on only encrypted packages are imported here. Each receipt this office "
                "writes tells the subordinate office, whose next packages are then encrypted."
            )
        )
    else:
        print(_("Packages that are not encrypted are imported here again."))
    return 0


def run_units_revoke(args: argparse.Namespace) -> int:
    with _store(args) as store:
        revoked = trust.revoke(store, target=args.target)
    for key in revoked:
        print(
            _("Revoked the key {key} of {office}; its packages will be refused.").format(
                key=key.fingerprint, office=key.office_name
            )
        )
    return 0


def run_units_release(args: argparse.Namespace) -> int:
    with _store(args) as store:
        name = release_child(store, code=args.code)
    print(
        _(
            "Released {office}: its packages are no longer taken here, and this office's next "
            "package up neither carries them nor vouches for it."
        ).format(office=name)
    )
    return 0


# ---------------------------------------------------------------- packages


def run_export(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args)
    with _store(args) as store:
        result = export_package(
            store,
            out=Path(args.out),
            passphrase=passphrase,
            destination=args.to,
            encrypt=args.encrypt,
            full=args.full,
        )
        kept = records_kept(store)
    print(
        _(
            "Package {sequence} for {office} written to {file}: {records} record(s), verified."
        ).format(
            sequence=result.sequence,
            office=result.destination_name,
            file=result.path,
            records=number(result.records),
        )
    )
    for line in held_lines(kept):
        print(line)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with _store(args) as store:
        verified = verify_package(store, path=Path(args.package))
    manifest = verified.manifest
    if args.json:
        print_json(
            {
                "file": str(verified.path),
                "valid": True,
                "origin": manifest.origin.code,
                "destination": manifest.destination.code,
                "sequence": manifest.sequence,
                "covers_from": manifest.covers_from,
                "package_hash": verified.package_hash,
                "signer_key_id": manifest.signer_key_id,
                "encrypted": verified.encrypted,
                "already_imported": verified.already_imported,
                "counts": manifest.counts,
                "offices": manifest.offices,
            }
        )
        return 0
    if verified.encrypted:
        print(
            _(
                "Package {sequence} from {office} ({code}) is genuine and complete. It is "
                "encrypted: what it holds is shown when it is imported with the passphrase."
            ).format(
                sequence=manifest.sequence,
                office=shown(manifest.origin.name, limit=120),
                code=manifest.origin.code,
            )
        )
    else:
        print(
            _(
                "Package {sequence} from {office} ({code}) is genuine and complete: "
                "{records} record(s)."
            ).format(
                sequence=manifest.sequence,
                office=shown(manifest.origin.name, limit=120),
                code=manifest.origin.code,
                records=number(verified.record_count),
            )
        )
    if verified.already_imported:
        print(_("It was already imported here."))
    return 0


def _print_summary(summary: ImportSummary) -> None:
    if summary.already_imported:
        print(
            _("Package {sequence} from {office} was already imported; nothing changed.").format(
                sequence=summary.sequence, office=shown(summary.origin_name, limit=120)
            )
        )
        return
    heading = (
        _("Dry run — package {sequence} from {office} ({code}) would give:")
        if summary.dry_run
        else _("Package {sequence} from {office} ({code}) imported:")
    )
    print(
        heading.format(
            sequence=summary.sequence,
            office=shown(summary.origin_name, limit=120),
            code=summary.origin,
        )
    )
    print(
        _("  new: {new}, updated: {updated}, unchanged: {unchanged}, refused: {refused}").format(
            new=number(summary.new),
            updated=number(summary.updated),
            unchanged=number(summary.unchanged),
            refused=number(summary.refused),
        )
    )
    for relayed in summary.relayed:
        print(
            _("  carried package {sequence} of {office} ({code}), relayed by {relay}").format(
                sequence=relayed.sequence,
                office=shown(relayed.origin_name),
                code=relayed.origin,
                relay=relayed.relay,
            )
        )
        if relayed.missing:
            print(
                _(
                    "  ALERT: packages {numbers} of {code} never reached this office: {relay} "
                    "did not pass them on. Ask {relay} for them."
                ).format(
                    numbers=", ".join(str(n) for n in relayed.missing[:20]),
                    code=relayed.origin,
                    relay=relayed.relay,
                )
            )
    for line in summary.records:
        if line.outcome is Outcome.REFUSED:
            print(f"  - {shown(line.title, limit=120)} ({line.record_id}): {line.message}")


def _asker(args: argparse.Namespace) -> AskPassphrase:
    """The passphrase from the file or environment; else a prompt, asked again when wrong."""
    given = _given_passphrase(args)

    def ask(request: PassphraseRequest) -> str | None:
        if given is not None:
            return None if request.wrong else given
        if request.wrong:
            sys.stderr.write(
                _("The passphrase is wrong. Type the office's key passphrase again.") + "\n"
            )
        return _passphrase(args)

    return ask


def _print_batch(result: BatchResult, *, json_output: bool) -> None:
    for outcome in result.files:
        if outcome.error is not None:
            # The file's name was chosen by whoever wrote the stick: escaped.
            sys.stderr.write(f"{shown(outcome.path.name, limit=120)}: {outcome.error.message}\n")
        elif outcome.summary is not None and not json_output:
            _print_summary(outcome.summary)
    for receipt in result.receipts:
        if receipt.error is not None:
            sys.stderr.write(f"{receipt.origin}: {receipt.error.message}\n")
        elif not json_output:
            print(_("Receipt written to {file}.").format(file=receipt.path))
    if json_output:
        print_json([summary.as_json() for summary in result.summaries])


def _exit_code(result: BatchResult) -> int:
    if result.cancelled:
        return Cancelled.exit_code
    refusals = [outcome.error for outcome in result.files if outcome.error is not None]
    if refusals:
        return refusals[-1].exit_code
    if any(summary.refused for summary in result.summaries):
        return EXIT_RECORDS_REFUSED
    return 0


def warn_history(store: Store, *, origin: str, sequence: int) -> None:
    """Say on stderr when the package's history does not continue from the one before."""
    for found in history_findings(store, origin=origin):
        if found.sequence == sequence:
            sys.stderr.write(
                _("Warning, package {sequence} of {office}: {problem}").format(
                    sequence=sequence, office=origin, problem=found.message
                )
                + "\n"
            )


def run_import(args: argparse.Namespace) -> int:
    paths = package_files([Path(argument) for argument in args.packages])
    with _store(args) as store:
        result = import_batch(
            store,
            paths=paths,
            ask_passphrase=_asker(args),
            dry_run=args.dry_run,
            receipts=args.receipt_out is not None,
            receipt_out=Path(args.receipt_out) if args.receipt_out else None,
        )
        for summary in result.summaries:
            warn_history(store, origin=summary.origin, sequence=summary.sequence)
    _print_batch(result, json_output=args.json)
    return _exit_code(result)


# ---------------------------------------------------------------- receipts


def _receipt_json(result: ReceiptResult) -> dict[str, object]:
    return {
        "file": str(result.path),
        "issuer": result.issuer,
        "recipient": result.recipient,
        "acknowledged_sequence": result.acknowledged_sequence,
        "already_imported": result.already_imported,
        "returned": [
            {
                "record_id": r.record_id,
                "title": r.title,
                "revision": r.revision,
                "comment": r.comment,
                "current_revision": r.current_revision,
                "corrected": r.corrected,
            }
            for r in result.returned
        ],
    }


def run_receipt_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = import_receipt(store, path=Path(args.file))
    if args.json:
        print_json(_receipt_json(result))
        return 0
    print(
        _("{office} acknowledged everything up to package {sequence}.").format(
            office=result.issuer_name, sequence=result.acknowledged_sequence
        )
    )
    if result.returned:
        print(_("Records sent back for correction:"))
        for item in result.returned:
            print(f"  - {item.title} ({item.record_id}): {item.comment}")
    return 0


def run_receipt_write(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args)
    with _store(args) as store:
        result = write_receipt(store, origin=args.to, out=Path(args.out), passphrase=passphrase)
    print(_("Receipt written to {file}.").format(file=result.path))
    return 0


def run_receipt_return(args: argparse.Namespace) -> int:
    with _store(args) as store:
        request_correction(store, record_id=args.id, comment=args.comment)
    print(_("The record will be sent back with the next receipt to its office."))
    return 0


def run_returned(args: argparse.Namespace) -> int:
    with _store(args) as store:
        items = returned_records(store)
    if args.json:
        print_json(
            [
                {
                    "record_id": r.record_id,
                    "title": r.title,
                    "revision": r.revision,
                    "comment": r.comment,
                    "from": r.from_office,
                    "current_revision": r.current_revision,
                    "corrected": r.corrected,
                    "deadline": r.deadline.isoformat() if r.deadline else None,
                }
                for r in items
            ]
        )
        return 0
    for item in items:
        state = _("corrected") if item.corrected else _("to correct")
        due = (
            " " + _("(due {date})").format(date=short_date(item.deadline)) if item.deadline else ""
        )
        print(f"[{state}] {item.title} ({item.record_id}): {item.comment}{due}")
    print(_("{count} record(s)").format(count=number(len(items))))
    return 0
