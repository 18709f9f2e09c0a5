"""``minutes``, ``report``, ``narrative``, ``period`` and ``document``: official documents."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from dvdesk.cli.commands import signatures
from dvdesk.cli.io import print_json, read_json
from dvdesk.cli.session import open_for
from dvdesk.documents.content import Document
from dvdesk.documents.figures import Scope, compute_figures
from dvdesk.documents.layout import check_writable, render_pdf, write_file
from dvdesk.documents.minutes import MinutesKind, draft_minutes, issue_minutes
from dvdesk.documents.periods import (
    Period,
    add_custom_period,
    list_custom_periods,
    parse_period,
    year_periods,
)
from dvdesk.documents.register import Issued, find, list_issued, reprint
from dvdesk.documents.register import void_document as void_entry
from dvdesk.documents.report_pdf import (
    dialogue_sentence,
    draft_report,
    inspection_sentence,
    issue_report,
    recommendation_sentence,
)
from dvdesk.documents.settings import (
    NumberingRule,
    SignerChoice,
    Template,
    get_document_settings,
    set_document_settings,
)
from dvdesk.documents.word import render_docx
from dvdesk.documents.workbook import write_workbook
from dvdesk.domain.validation import failed
from dvdesk.errors import UserError
from dvdesk.formatting import short_date
from dvdesk.i18n import _
from dvdesk.services.narratives import get_narrative, save_narrative
from dvdesk.services.office import get_office
from dvdesk.services.store import Store


def register(commands: argparse._SubParsersAction[Any]) -> None:
    _minutes_parser(commands)
    _report_parser(commands)
    _narrative_parser(commands)
    _period_parser(commands)
    _document_parser(commands)


def _minutes_parser(commands: argparse._SubParsersAction[Any]) -> None:
    minutes = commands.add_parser(
        "minutes", help=_("the minutes of a record: a draft, or issued with a number")
    )
    minutes.add_argument("id", help=_("the record's id"))
    minutes.add_argument(
        "--out", metavar=_("FILE.pdf|FILE.docx"), help=_("PDF or Word file to write")
    )
    _issue_arguments(minutes)
    minutes.add_argument(
        "--template", choices=[t.value for t in Template], help=_("Party or state layout")
    )
    minutes.add_argument(
        "--kind",
        choices=[k.value for k in MinutesKind],
        help=_("working session, conclusion meeting or dialogue (default: by record type)"),
    )
    minutes.add_argument("--note-taker", metavar=_("NAME"), help=_("who took the minutes"))
    minutes.add_argument("--note-taker-post", metavar=_("POST"), help=_("the note-taker's post"))
    minutes.add_argument("--start", metavar="HH:MM", help=_("time the meeting started"))
    minutes.add_argument("--close", metavar="HH:MM", help=_("time the meeting closed"))
    minutes.add_argument("--date", metavar="YYYY-MM-DD", help=_("date of the minutes"))
    minutes.add_argument(
        "--absent",
        action="append",
        default=[],
        metavar=_("NAME:REASON"),
        help=_("someone absent, with the reason after a colon (repeatable)"),
    )
    minutes.add_argument(
        "--guest", action="append", default=[], metavar=_("NAME"), help=_("a guest (repeatable)")
    )
    minutes.add_argument("--place", metavar=_("PLACE"), help=_("where the meeting was held"))
    minutes.add_argument(
        "--representative",
        metavar=_("NAME"),
        help=_("who signs for the inspected or supervised organisation"),
    )
    minutes.add_argument(
        "--representative-post", metavar=_("POST"), help=_("the representative's post")
    )
    minutes.add_argument(
        "--used-document",
        action="append",
        default=[],
        metavar=_("TITLE"),
        help=_("a document used at the meeting (repeatable)"),
    )
    minutes.add_argument("--copies", type=int, help=_("number of copies made (default 2)"))
    minutes.add_argument(
        "--details",
        metavar=_("FILE"),
        help=_("JSON file with further details (see docs/documents.md); flags override it"),
    )
    minutes.set_defaults(run=run_minutes)


def _report_parser(commands: argparse._SubParsersAction[Any]) -> None:
    report = commands.add_parser(
        "report", help=_("figures of a reporting period: text, JSON, PDF report or workbook")
    )
    _period_argument(report)
    report.add_argument(
        "--scope",
        choices=[s.value for s in Scope],
        default=Scope.OWN.value,
        help=_("own records only, or also those of subordinate offices (default: own)"),
    )
    report.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
    report.add_argument(
        "--out",
        metavar=_("FILE"),
        help=_("write the report (.pdf, .docx) or the statistics workbook (.xlsx)"),
    )
    _issue_arguments(report)
    report.add_argument(
        "--date", metavar="YYYY-MM-DD", help=_("date of the report (default: today)")
    )
    _signer_arguments(report)
    report.set_defaults(run=run_report)


def _signer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--signer-name",
        metavar=_("NAME"),
        help=_("who signs this report (default: the signer in the office settings)"),
    )
    parser.add_argument(
        "--signer-post", metavar=_("POST"), help=_("the signer's post, e.g. PHÓ TRƯỞNG BAN")
    )
    parser.add_argument(
        "--signer-capacity",
        metavar=_("CAPACITY"),
        help=_('signs on behalf, e.g. "K/T TRƯỞNG BAN"; "" for none'),
    )


def _signer(store: Store, args: argparse.Namespace) -> SignerChoice | None:
    """The signer typed for this report over the office's default; None if none was typed."""
    typed = (args.signer_capacity, args.signer_post, args.signer_name)
    if all(value is None for value in typed):
        return None
    settings = get_document_settings(store)
    capacity, post, name = (
        value if value is not None else default
        for value, default in zip(
            typed,
            (settings.signer_capacity, settings.signer_post, settings.signer_name),
            strict=True,
        )
    )
    return SignerChoice(capacity=capacity, post=post, name=name)


def _issue_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--issue",
        action="store_true",
        help=_("issue the document: take the next number and keep it in the register"),
    )
    parser.add_argument(
        "--replaces",
        metavar=_("NUMBER"),
        help=_("with --issue: the issued document this one corrects and replaces"),
    )


def _period_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period",
        required=True,
        metavar=_("PERIOD"),
        help=_("2022, 2022-H1, 2022-9M, 2022-Q3, 2022-M07, 2022-01-01..2022-03-31 or a name"),
    )


def _narrative_parser(commands: argparse._SubParsersAction[Any]) -> None:
    narrative = commands.add_parser(
        "narrative", help=_("show or change the texts the office writes in a report")
    )
    _period_argument(narrative)
    narrative.add_argument(
        "--json",
        metavar=_("FILE"),
        help=_(
            "JSON file with achievements, limitations, tasks, recipients; "
            "without it the texts are shown"
        ),
    )
    narrative.set_defaults(run=run_narrative)


def _period_parser(commands: argparse._SubParsersAction[Any]) -> None:
    period = commands.add_parser("period", help=_("list or add reporting periods"))
    actions = period.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("the periods of a year and the custom ones"))
    listing.add_argument("--year", type=int, help=_("year (default: this year)"))
    listing.set_defaults(run=run_period_list)
    add = actions.add_parser("add", help=_("add a period the level above defined"))
    add.add_argument("key", help=_("short name, e.g. SK2025"))
    add.add_argument("--label", required=True, help=_("name printed in the report"))
    add.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    add.set_defaults(run=run_period_add)


def _document_parser(commands: argparse._SubParsersAction[Any]) -> None:
    document = commands.add_parser(
        "document", help=_("the register of issued documents and document settings")
    )
    actions = document.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = actions.add_parser("list", help=_("every number issued"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_document_list)
    show = actions.add_parser("show", help=_("reprint an issued document exactly as issued"))
    show.add_argument("number", help=_("the number as printed (01-BB/BDVHU) or #id"))
    show.add_argument(
        "--out", required=True, metavar=_("FILE.pdf|FILE.docx"), help=_("file to write")
    )
    show.set_defaults(run=run_document_show)
    void = actions.add_parser("void", help=_("void an issued document (its number stays used)"))
    void.add_argument("number", help=_("the number as printed (01-BB/BDVHU) or #id"))
    void.add_argument("--reason", required=True, help=_("why it is void"))
    void.set_defaults(run=run_document_void)
    signatures.add_document_actions(actions)
    settings = actions.add_parser("settings", help=_("show or change document settings"))
    settings.add_argument("--template", choices=[t.value for t in Template])
    settings.add_argument("--numbering", choices=[r.value for r in NumberingRule])
    settings.add_argument(
        "--term-start", metavar="YYYY-MM-DD", help=_("first day of the new committee term")
    )
    settings.add_argument(
        "--margins",
        metavar=_("TOP,BOTTOM,LEFT,RIGHT"),
        help=_("page margins in millimetres, e.g. 20,20,30,15"),
    )
    settings.add_argument("--signer-capacity", help=_("e.g. K/T TRƯỞNG BAN (empty to remove)"))
    settings.add_argument("--signer-post", help=_("e.g. PHÓ TRƯỞNG BAN"))
    settings.add_argument("--signer-name", help=_("name under the signature"))
    settings.add_argument(
        "--archive-units", help=_('state template: units after "Lưu: VT," (e.g. TH)')
    )
    settings.set_defaults(run=run_document_settings)


def _store(args: argparse.Namespace) -> Store:
    return open_for(args)


def _minutes_details(args: argparse.Namespace) -> dict[str, object]:
    details: dict[str, object] = {}
    if args.details:
        loaded = read_json(args.details)
        if not isinstance(loaded, dict):
            raise failed([("", _("The details file must hold a JSON object."))])
        details.update(loaded)
    flags = {
        "template": args.template,
        "kind": args.kind,
        "note_taker": args.note_taker,
        "note_taker_post": args.note_taker_post,
        "start_time": args.start,
        "close_time": args.close,
        "document_date": args.date,
        "place": args.place,
        "representative": args.representative,
        "representative_post": args.representative_post,
        "copies": args.copies,
    }
    details.update({key: value for key, value in flags.items() if value is not None})
    if args.absent:
        details["absent"] = [
            {"name": name.strip(), "reason": reason.strip() or None}
            for name, _colon, reason in (item.partition(":") for item in args.absent)
        ]
    if args.guest:
        details["guests"] = list(args.guest)
    if args.used_document:
        details["documents"] = list(args.used_document)
    return details


def _file(document: Document | Issued, target: Path) -> bytes:
    """The PDF or Word bytes for ``target``'s suffix."""
    word = target.suffix.lower() == ".docx"
    if isinstance(document, Issued):
        data = document.docx if word else document.pdf
        if data is None:
            raise UserError(
                _("No Word copy was kept for {number}; save it as PDF.").format(
                    number=document.entry.reference
                )
            )
        return data
    return render_docx(document) if word else render_pdf(document)


def _check_replaces(args: argparse.Namespace) -> None:
    if args.replaces and not args.issue:
        raise UserError(
            _("--replaces goes with --issue: a replacement is a newly issued document.")
        )


def _replaces(store: Store, value: str | None) -> int | None:
    return None if value is None else find(store, number=value).id


def _issued_message(issued: Issued, target: Path | None) -> str:
    number = issued.entry.reference
    if target is None:
        return _(
            "Issued as number {number}. Save a copy with "
            "'dvdesk document show {number} --out FILE'."
        ).format(number=number)
    return _("Issued as number {number}; written to {file}.").format(number=number, file=target)


def _writer(target: Path | None) -> Any:
    if target is None:
        return None
    return lambda issued: write_file(_file(issued, target), target)


def run_minutes(args: argparse.Namespace) -> int:
    if args.out is None and not args.issue:
        raise UserError(
            _("Give --out FILE.pdf or FILE.docx for a draft, or --issue to issue the minutes.")
        )
    _check_replaces(args)
    target = _output(args.out, (".pdf", ".docx")) if args.out else None
    if target is not None:
        check_writable(target)
    details = _minutes_details(args)
    with _store(args) as store:
        if args.issue:
            issued = issue_minutes(
                store,
                record_id=args.id,
                details=details,
                replaces=_replaces(store, args.replaces),
                write=_writer(target),
            )
            print(_issued_message(issued, target))
            return 0
        assert target is not None
        write_file(_file(draft_minutes(store, record_id=args.id, details=details), target), target)
    print(_("Draft minutes (no number) written to {file}.").format(file=target))
    return 0


def _output(value: str, suffixes: tuple[str, ...]) -> Path:
    target = Path(value)
    if target.suffix.lower() not in suffixes:
        raise UserError(
            _("{file}: the file name must end in {suffixes}.").format(
                file=value, suffixes=" / ".join(suffixes)
            )
        )
    return target


def _period(store: Store, text: str) -> Period:
    return parse_period(text, custom=list_custom_periods(store))


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise failed([(field, _("expected a date written YYYY-MM-DD, e.g. 2024-07-05"))]) from None


def run_report(args: argparse.Namespace) -> int:
    target = _output(args.out, (".pdf", ".docx", ".xlsx")) if args.out else None
    workbook = target is not None and target.suffix.lower() == ".xlsx"
    if args.issue and workbook:
        raise UserError(
            _("A workbook is not issued with a number; issue the report as .pdf or .docx.")
        )
    _check_replaces(args)
    if target is not None:
        check_writable(target)
    on = _date(args.date, "date")
    with _store(args) as store:
        period = _period(store, args.period)
        figures = compute_figures(store, period=period, scope=Scope(args.scope))
        signer = _signer(store, args)
        if workbook:
            assert target is not None
            office = get_office(store)
            write_workbook(figures, office_name=office.current.name, target=target)
            print(_("Workbook written to {file}.").format(file=target))
        elif args.issue:
            issued = issue_report(
                store,
                figures=figures,
                on=on,
                replaces=_replaces(store, args.replaces),
                write=_writer(target),
                signer=signer,
            )
            print(_issued_message(issued, target))
        elif target is not None:
            document = draft_report(store, figures=figures, on=on, signer=signer)
            write_file(_file(document, target), target)
            print(_("Draft report (no number) written to {file}.").format(file=target))
    if args.json:
        print_json(figures.as_json())
    elif target is None and not args.issue:
        print(f"{period.label} ({short_date(period.start)} – {short_date(period.end)})")
        print(inspection_sentence(figures.totals))
        print(dialogue_sentence(figures.totals))
        print(
            recommendation_sentence(figures.totals, figures.as_of, figures.backlog.recommendations)
        )
    return 0


def run_narrative(args: argparse.Namespace) -> int:
    changes = read_json(args.json) if args.json else None
    if changes is not None and not isinstance(changes, dict):
        raise failed([("", _("The file must hold a JSON object."))])
    with _store(args) as store:
        period = _period(store, args.period)
        if changes is not None:
            narrative = save_narrative(store, period=period, changes=changes)
            print(_("Saved."))
            return 0
        narrative = get_narrative(store, period=period)
    print_json(
        {
            "period": period.as_json(),
            "achievements": narrative.achievements,
            "limitations": narrative.limitations,
            "tasks": narrative.tasks,
            "recipients": list(narrative.recipients),
        }
    )
    return 0


def run_period_list(args: argparse.Namespace) -> int:
    year = args.year or date.today().year
    with _store(args) as store:
        custom = list_custom_periods(store)
    for period in [*year_periods(year), *custom]:
        print(
            f"{period.key:<12} {short_date(period.start)} – {short_date(period.end)}  "
            f"{period.label}"
        )
    return 0


def run_period_add(args: argparse.Namespace) -> int:
    with _store(args) as store:
        period = add_custom_period(
            store,
            data={"key": args.key, "label": args.label, "start": args.start, "end": args.end},
        )
    print(_("Period {key} added.").format(key=period.key))
    return 0


def run_document_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        issued = list_issued(store)
        extras = signatures.register_extras(store)
    if args.json:
        print_json(
            [
                {
                    "id": item.id,
                    "office_code": extras.office_code,
                    "signature": extras.signature_json(item.id),
                    "reference": item.reference,
                    "doc_type": item.doc_type,
                    "number": item.number,
                    "symbol": item.symbol,
                    "period_key": item.period_key,
                    "title": item.title,
                    "subject": item.subject_key,
                    "record_id": item.record_id,
                    "document_date": item.document_date.isoformat(),
                    "issued_by": item.issued_by,
                    "issued_at": item.issued_at,
                    "voided": item.voided,
                    "void_reason": item.void_reason,
                    "replaces_id": item.replaces_id,
                    "replaced_by_id": item.replaced_by_id,
                    "in_force": item.live,
                }
                for item in issued
            ]
            + extras.received_json()
        )
        return 0
    for item in issued:
        print(
            f"#{item.id:<4} {item.reference:<16} {short_date(item.document_date)}  "
            f"{item.title or item.subject_key}  [{item.status}]"
            f"{extras.signature_text(item.id)}"
        )
    extras.print_received()
    return 0


def run_document_show(args: argparse.Namespace) -> int:
    target = _output(args.out, (".pdf", ".docx"))
    check_writable(target)
    with _store(args) as store:
        issued = reprint(store, entry_id=find(store, number=args.number).id)
        write_file(_file(issued, target), target)
    print(
        _("Document {number} as issued written to {file}.").format(
            number=issued.entry.reference, file=target
        )
    )
    return 0


def run_document_void(args: argparse.Namespace) -> int:
    with _store(args) as store:
        item = void_entry(store, document_id=find(store, number=args.number).id, reason=args.reason)
    print(
        _("Document {number} is void; its number will not be given again.").format(
            number=item.reference
        )
    )
    return 0


def _settings_changes(args: argparse.Namespace, current_terms: list[str]) -> dict[str, object]:
    changes: dict[str, object] = {}
    for key in (
        "template",
        "numbering",
        "signer_capacity",
        "signer_post",
        "signer_name",
        "archive_units",
    ):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    if args.term_start:
        changes["term_starts"] = sorted({*current_terms, args.term_start})
    if args.margins:
        parts = args.margins.split(",")
        if len(parts) != 4:
            raise failed([("margins", _("give four numbers: top,bottom,left,right"))])
        try:
            values = [float(part) for part in parts]
        except ValueError:
            raise failed([("margins", _("give four numbers: top,bottom,left,right"))]) from None
        for key, value in zip(
            ("margin_top", "margin_bottom", "margin_left", "margin_right"), values, strict=True
        ):
            changes[key] = value
    return changes


def run_document_settings(args: argparse.Namespace) -> int:
    with _store(args) as store:
        current = get_document_settings(store)
        changes = _settings_changes(args, [d.isoformat() for d in current.term_starts])
        settings = set_document_settings(store, changes=changes) if changes else current
    print_json(
        {
            "margins_mm": {
                "top": settings.margin_top,
                "bottom": settings.margin_bottom,
                "left": settings.margin_left,
                "right": settings.margin_right,
            },
            "template": settings.template.value,
            "numbering": settings.numbering.value,
            "term_starts": [d.isoformat() for d in settings.term_starts],
            "signer_capacity": settings.signer_capacity,
            "signer_post": settings.signer_post,
            "signer_name": settings.signer_name,
            "archive_units": settings.archive_units,
        }
    )
    return 0
