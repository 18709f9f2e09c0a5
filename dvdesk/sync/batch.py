"""Importing a batch of packages: the one orchestration the command line and the app share.

Packages are imported in (origin, sequence) order whatever order they were chosen in, so
a stick's folder imports in one go. A refused package does not stop the batch: the
next one is tried, and each file gets its own typed outcome. The passphrase is asked
for once, only if a package is encrypted or receipts are to be written, and asked again
when it is wrong. Receipts are written per origin after the imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dvdesk.errors import Cancelled, NotFound, UserError, WrongPassphrase
from dvdesk.i18n import _
from dvdesk.services.store import Store
from dvdesk.sync.apply import ImportSummary, import_package
from dvdesk.sync.format import PACKAGE_SUFFIX, Manifest
from dvdesk.sync.progress import CancelCheck, check_cancel, never
from dvdesk.sync.receipt import write_receipt
from dvdesk.sync.verify import check_sender, peek_manifest


class FileStatus(StrEnum):
    IMPORTED = "imported"
    CHECKED = "checked"  # a dry run: classified, nothing written
    ALREADY_IMPORTED = "already_imported"
    REFUSED = "refused"
    CANCELLED = "cancelled"  # the batch stopped before or during this file: nothing of it


class PassphraseNeed(StrEnum):
    OPEN = "open"  # some packages are encrypted to this office
    SIGN = "sign"  # receipts are to be signed


@dataclass(frozen=True)
class PassphraseRequest:
    need: PassphraseNeed
    wrong: bool  # the previous answer was wrong: ask again


# Returns the passphrase, or None when the user declines (encrypted packages are then
# refused and no receipt is written; unencrypted packages still import).
AskPassphrase = Callable[[PassphraseRequest], str | None]


@dataclass(frozen=True)
class BatchStep:
    """Progress of the batch: file ``index`` of ``count``, ``done`` of ``total`` in it."""

    index: int
    count: int
    name: str
    done: int
    total: int


BatchProgress = Callable[[BatchStep], None]


def no_steps(_step: BatchStep) -> None:
    return None


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    status: FileStatus
    summary: ImportSummary | None = None
    error: UserError | None = None  # why the file was refused

    @property
    def origin(self) -> str | None:
        return self.summary.origin if self.summary is not None else None


@dataclass(frozen=True)
class ReceiptOutcome:
    origin: str
    path: Path | None  # the receipt written, or None with ``error`` saying why not
    error: UserError | None = None


@dataclass(frozen=True)
class BatchResult:
    files: tuple[FileOutcome, ...]
    receipts: tuple[ReceiptOutcome, ...]
    cancelled: bool

    @property
    def summaries(self) -> list[ImportSummary]:
        return [f.summary for f in self.files if f.summary is not None]

    def receipt_for(self, origin: str | None) -> ReceiptOutcome | None:
        return next((r for r in self.receipts if r.origin == origin), None)


def package_files(arguments: Sequence[Path]) -> list[Path]:
    """The files given, with a folder (the stick) standing for every package in it."""
    found: list[Path] = []
    for path in arguments:
        found += sorted(path.glob(f"*{PACKAGE_SUFFIX}")) if path.is_dir() else [path]
    if not found:
        raise NotFound(
            _("There is no package (*{suffix}) in {folder}.").format(
                suffix=PACKAGE_SUFFIX, folder=", ".join(str(p) for p in arguments)
            )
        )
    return found


def _peek(path: Path) -> Manifest | None:
    try:
        return peek_manifest(path)
    except UserError:
        return None  # unreadable: refused in its turn, with its reason


def in_import_order(paths: Sequence[Path]) -> list[tuple[Path, Manifest | None]]:
    """Packages in (origin, sequence) order; unreadable files last."""

    def key(item: tuple[Path, Manifest | None]) -> tuple[int, str, int]:
        manifest = item[1]
        return (1, "", 0) if manifest is None else (0, manifest.origin.code, manifest.sequence)

    return sorted(((path, _peek(path)) for path in paths), key=key)


@dataclass
class _Passphrase:
    """The passphrase as far as it is known: asked once, asked again when wrong."""

    ask: AskPassphrase
    value: str | None = None
    declined: bool = False

    def get(self, need: PassphraseNeed) -> str | None:
        if self.value is None and not self.declined:
            self._ask(need, wrong=False)
        return self.value

    def wrong(self, need: PassphraseNeed) -> str | None:
        """The last answer was wrong: ask again (None if the user gives up)."""
        self.value = None
        self._ask(need, wrong=True)
        return self.value

    def _ask(self, need: PassphraseNeed, *, wrong: bool) -> None:
        self.value = self.ask(PassphraseRequest(need=need, wrong=wrong))
        self.declined = self.value is None


@dataclass
class _Batch:
    store: Store
    dry_run: bool
    passphrase: _Passphrase
    progress: BatchProgress
    cancel: CancelCheck
    outcomes: list[FileOutcome] = field(default_factory=list)
    # Packages whose sender is not trusted here, found from the signed manifest alone.
    senders: dict[Path, UserError] = field(default_factory=dict)

    def run_file(self, index: int, count: int, path: Path, manifest: Manifest | None) -> None:
        encrypted = manifest is not None and manifest.encryption is not None
        refused = self.senders.get(path)
        if refused is not None:  # no passphrase for a package refused anyway
            self.outcomes.append(FileOutcome(path, FileStatus.REFUSED, error=refused))
            return
        secret = self.passphrase.get(PassphraseNeed.OPEN) if encrypted else None

        def moved(done: int, total: int) -> None:
            self.progress(BatchStep(index, count, path.name, done, total))

        while True:
            try:
                summary = import_package(
                    self.store,
                    path=path,
                    dry_run=self.dry_run,
                    passphrase=secret,
                    progress=moved,
                    cancel=self.cancel,
                )
            except WrongPassphrase as error:
                secret = self.passphrase.wrong(PassphraseNeed.OPEN)
                if secret is None:
                    self.outcomes.append(FileOutcome(path, FileStatus.REFUSED, error=error))
                    return
                continue
            except Cancelled:
                raise
            except UserError as error:
                self.outcomes.append(FileOutcome(path, FileStatus.REFUSED, error=error))
                return
            self.outcomes.append(FileOutcome(path, _status(summary), summary=summary))
            return


def _status(summary: ImportSummary) -> FileStatus:
    if summary.already_imported:
        return FileStatus.ALREADY_IMPORTED
    return FileStatus.CHECKED if summary.dry_run else FileStatus.IMPORTED


def import_batch(
    store: Store,
    *,
    paths: Sequence[Path],
    ask_passphrase: AskPassphrase,
    dry_run: bool = False,
    receipts: bool = False,
    receipt_out: Path | None = None,
    progress: BatchProgress = no_steps,
    cancel: CancelCheck = never,
) -> BatchResult:
    """Verify and import every package in ``paths``, each all or nothing.

    With ``receipts``, a signed receipt is written for every office a package came from:
    into ``receipt_out`` (a file for one office, a folder for several) or, without it,
    beside that office's last package. ``ask_passphrase`` runs on the calling thread.
    """
    ordered = in_import_order(paths)
    origins = {m.origin.code for _p, m in ordered if m is not None}
    if receipts and receipt_out is not None and len(origins) > 1 and not receipt_out.is_dir():
        raise UserError(
            _(
                "Packages from several offices were imported: give a folder to "
                "--receipt-out, one receipt per office is written there."
            )
        )
    batch = _Batch(store, dry_run, _Passphrase(ask_passphrase), progress, cancel)
    readable = [path for path, manifest in ordered if manifest is not None]
    batch.senders = _untrusted_senders(store, readable)
    if receipts and not dry_run and len(batch.senders) < len(readable):
        batch.passphrase.get(PassphraseNeed.SIGN)  # one question for opening and signing
    try:
        for index, (path, manifest) in enumerate(ordered):
            check_cancel(cancel)
            batch.run_file(index, len(ordered), path, manifest)
    except Cancelled:
        started = {outcome.path for outcome in batch.outcomes}
        rest = [FileOutcome(p, FileStatus.CANCELLED) for p, _m in ordered if p not in started]
        return BatchResult(tuple(batch.outcomes + rest), (), cancelled=True)
    written = (
        _write_receipts(store, batch.outcomes, batch.passphrase, receipt_out)
        if receipts and not dry_run
        else ()
    )
    return BatchResult(tuple(batch.outcomes), written, cancelled=False)


def _untrusted_senders(store: Store, paths: Sequence[Path]) -> dict[Path, UserError]:
    """Why each package from an office not trusted here is refused (manifest only)."""
    refused: dict[Path, UserError] = {}
    for path in paths:
        try:
            check_sender(store, path)
        except UserError as error:
            refused[path] = error
    return refused


def _write_receipts(
    store: Store, outcomes: list[FileOutcome], passphrase: _Passphrase, out: Path | None
) -> tuple[ReceiptOutcome, ...]:
    folders: dict[str, Path] = {}
    for outcome in outcomes:  # the last package of each origin decides where its receipt goes
        if outcome.summary is not None:
            folders[outcome.summary.origin] = out or outcome.path.parent
    return tuple(
        _receipt(store, origin, folder, passphrase) for origin, folder in sorted(folders.items())
    )


def _receipt(store: Store, origin: str, out: Path, passphrase: _Passphrase) -> ReceiptOutcome:
    secret = passphrase.get(PassphraseNeed.SIGN)
    while True:
        if secret is None:
            return ReceiptOutcome(origin, None, UserError(_no_passphrase()))
        try:
            return ReceiptOutcome(
                origin, write_receipt(store, origin=origin, out=out, passphrase=secret).path
            )
        except WrongPassphrase:
            secret = passphrase.wrong(PassphraseNeed.SIGN)
        except UserError as error:
            return ReceiptOutcome(origin, None, error)


def _no_passphrase() -> str:
    return _(
        "No receipt was written: the key passphrase was not given. Write the receipt later "
        "with 'dvdesk receipt write'."
    )
