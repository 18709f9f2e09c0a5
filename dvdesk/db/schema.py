"""Table models. Only alembic migrations create or change these tables.

These sqlmodel classes do not validate: input is validated by the pydantic
models in :mod:`dvdesk.domain.inputs` before it reaches them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel
from typing_extensions import TypedDict

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


# A JSON object as a JSON column gives it back; readers check the shape they need.
JsonObject = dict[str, object]


class StoredRecognition(TypedDict):
    """A "Dân vận khéo" model's recognition as the record row keeps it (JSON)."""

    level: str
    date: str  # ISO 8601
    decision: str | None


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Office(SQLModel, table=True):
    """This installation's office. Exactly one row (id 1) once set up."""

    __tablename__ = "office"

    id: int = Field(default=1, primary_key=True)
    code: str
    code_list_version: str
    level: str
    created_at: str


class OfficeProfile(SQLModel, table=True):
    """What the office is called on documents, from a date on.

    A new row is added when the name, superior body, symbol or place changes,
    so a 2024 record still prints under the office's 2024 name.
    """

    __tablename__ = "office_profile"

    id: int | None = Field(default=None, primary_key=True)
    valid_from: date = Field(index=True, unique=True)
    full_name: str
    # The issuing-body line of the document header ("BAN DÂN VẬN"); full name if empty.
    header_name: str | None = None
    superior_name: str | None = None
    symbol: str
    place_name: str
    created_at: str


class OrgUnit(SQLModel, table=True):
    """A unit of the hierarchy this office deals with: itself, its parent, its children.

    Administrative codes are reused after reorganisations, so a code is only
    unique together with the version of the official list it comes from.
    """

    __tablename__ = "org_unit"
    __table_args__ = (UniqueConstraint("code", "code_list_version"),)

    id: str = Field(primary_key=True)
    code: str = Field(index=True)
    code_list_version: str
    name: str
    level: str
    relation: str  # "self" | "parent" | "child"
    parent_code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class Record(SQLModel, table=True):
    """An inspection, supervision or dialogue session (single-table, by ``type``)."""

    __tablename__ = "record"
    __table_args__ = (
        # A list (one type, not deleted) reads its keys in order from these alone.
        Index("ix_record_type_deleted_start_date", "type", "deleted", "start_date"),
        Index("ix_record_type_deleted_title_sort", "type", "deleted", "title_sort"),
        Index("ix_record_deleted_start_date", "deleted", "start_date"),
        Index("ix_record_office_code_change_seq", "office_code", "change_seq"),
    )

    id: str = Field(primary_key=True)
    type: str
    office_code: str
    title: str
    title_sort: str
    start_date: date
    end_date: date | None = None
    place: str | None = None
    fields: list[str] = _json_list()
    legal_basis: str | None = None
    status: str
    conclusion: str | None = None
    # Inspection and supervision
    decision_number: str | None = None
    decision_date: date | None = None
    lead: str | None = None
    members: list[str] = _json_list()
    supervision_kind: str | None = None
    findings: str | None = None
    conclusion_number: str | None = None
    conclusion_date: date | None = None
    # Dialogue
    chair: str | None = None
    chair_post: str | None = None
    co_chairs: list[str] = _json_list()
    attendees: int | None = None
    attendee_groups: str | None = None
    # Leadership document
    directive_kind: str | None = None
    directive_kind_name: str | None = None
    directive_number: str | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    # "Dân vận khéo" model: recognitions are [{"level", "date", "decision"}], oldest first.
    model_field: str | None = None
    owner: str | None = None
    recognitions: list[StoredRecognition] = _json_list()
    # Bookkeeping. The folded searchable text: the content of the FTS5 index
    # (dvdesk.db.search_index), which triggers keep in step with this column.
    search_text: str
    revision: int = 1
    change_seq: int = Field(index=True)
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    deleted: bool = False


class AggregateCount(SQLModel, table=True):
    """A figure entered as a number for a unit and period, instead of (or besides) items.

    ``figures_only`` says the unit reports only figures for that period: its items
    dated inside the period are then replaced by the count (see docs/counts.md).
    """

    __tablename__ = "aggregate_count"
    __table_args__ = (UniqueConstraint("unit_code", "period_start", "period_end", "figure"),)

    id: str = Field(primary_key=True)
    office_code: str  # the office that entered the figure
    unit_code: str = Field(index=True)  # the unit the figure is about
    period_start: date
    period_end: date
    figure: str
    value: int
    figures_only: bool = False
    note: str | None = None
    revision: int = 1
    updated_by: str
    updated_at: str
    deleted: bool = False


class RecordSubject(SQLModel, table=True):
    """An organisation inspected or supervised (many per session)."""

    __tablename__ = "record_subject"

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    position: int
    name: str


class Recommendation(SQLModel, table=True):
    """A recommendation (kiến nghị) to follow up, from any kind of record."""

    __tablename__ = "recommendation"

    id: str = Field(primary_key=True)
    record_id: str = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    position: int
    content: str
    addressee: str | None = None
    deadline: date | None = Field(default=None, index=True)
    status: str
    result: str | None = None
    result_date: date | None = None


class DialogueIssue(SQLModel, table=True):
    """One matter a citizen raised at a dialogue session."""

    __tablename__ = "dialogue_issue"

    id: str = Field(primary_key=True)
    record_id: str = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    position: int
    content: str
    kind: str
    raised_by: str | None = None
    # A denouncer's identity must be protectable: documents and exports hide it.
    protect_identity: bool = False
    field: str | None = None
    answer: str | None = None
    assignee: str | None = None
    deadline: date | None = Field(default=None, index=True)
    status: str
    result: str | None = None
    result_date: date | None = None
    notified_date: date | None = None


class Attachment(SQLModel, table=True):
    """A scan or photo; the bytes live in the attachment store under their SHA-256."""

    __tablename__ = "attachment"

    id: str = Field(primary_key=True)
    record_id: str = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    sha256: str = Field(index=True)
    filename: str
    size: int
    media_type: str
    added_by: str
    added_at: str
    deleted: bool = False


class AuditEntry(SQLModel, table=True):
    """Append-only: a trigger refuses updates and deletes of this table."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None = Field(default=None, index=True)
    revision: int | None = None
    changes: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Filled by the trigger trg_audit_log_seal (see dvdesk.services.audit_chain).
    prev_hash: str | None = None
    hash: str | None = None


class Setting(SQLModel, table=True):
    """An office-wide setting (document margins, numbering rule …) as a JSON value."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    updated_by: str
    updated_at: str


class IssuedDocument(SQLModel, table=True):
    """The register of issued documents: a number, once given, is never given again.

    Numbers count per issuing symbol, document type and series (the committee
    term or the calendar year, by the rule in force on the document's date). The
    row keeps exactly what was issued: the content as JSON and the PDF and Word
    files, so a reprint is the issued document byte for byte. An issued row never
    changes except to be voided or replaced; it keeps its number either way.
    """

    __tablename__ = "issued_document"
    __table_args__ = (UniqueConstraint("symbol", "doc_type", "period_key", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str  # "BB" minutes, "BC" report
    period_key: str
    number: int
    symbol: str  # the issuing body's symbol on the document date
    # What the document is about: "minutes:<record id>:<kind>", "report:<from>..<to>:<scope>".
    subject_key: str = Field(index=True)
    record_id: str | None = Field(default=None, index=True)
    document_date: date
    issued_by: str
    issued_at: str
    voided: bool = False
    void_reason: str | None = None
    # Since 0004: what was issued. Older rows have none (issued before the register kept them).
    template: str | None = None
    title: str | None = None
    content: JsonObject | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    docx: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    replaces_id: int | None = None
    replaced_by_id: int | None = None
    voided_by: str | None = None
    voided_at: str | None = None


class ReportNarrative(SQLModel, table=True):
    """What an office writes in its report for a period: achievements, limitations, tasks."""

    __tablename__ = "report_narrative"
    __table_args__ = (UniqueConstraint("office_code", "period_start", "period_end"),)

    id: int | None = Field(default=None, primary_key=True)
    office_code: str
    period_start: date
    period_end: date
    situation: str | None = None  # đặc điểm tình hình (since 0004)
    achievements: str | None = None
    limitations: str | None = None
    tasks: str | None = None
    recipients: list[str] = _json_list()
    updated_by: str
    updated_at: str


# ---------------------------------------------------------------- signed packages (sync)


class OwnKey(SQLModel, table=True):
    """A key pair of this office; the private halves are files in ``paths.keys``."""

    __tablename__ = "own_key"

    key_id: str = Field(primary_key=True)
    signing_public: str  # Ed25519, base64
    encryption_public: str  # X25519, base64
    card: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: str
    created_by: str
    retired_at: str | None = None


class UnitKey(SQLModel, table=True):
    """A key card of another office this office trusts (a child, or the parent)."""

    __tablename__ = "unit_key"

    key_id: str = Field(primary_key=True)
    office_code: str = Field(index=True)
    office_name: str
    office_level: str
    relation: str  # "child" | "parent"
    signing_public: str
    encryption_public: str
    fingerprint: str
    card: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    enrolled_at: str
    enrolled_by: str
    replaced_by: str | None = None
    revoked: bool = False
    revoked_at: str | None = None
    revoked_by: str | None = None
    # The office that vouched for this key by a delegation (None: enrolled here directly).
    parent_code: str | None = None
    # Once replaced: the last package sequence this key signed (None: not known).
    last_sequence: int | None = None
    # How many times the parent explicitly re-enrolled the office (resets its sequences).
    enrolment: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PackageOut(SQLModel, table=True):
    """A package this office wrote, per destination and sequence number."""

    __tablename__ = "package_out"
    __table_args__ = (UniqueConstraint("destination", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    destination: str
    sequence: int
    covers_from: int
    package_hash: str
    previous_hash: str | None = None
    after_change_seq: int
    upto_change_seq: int
    records: int
    encrypted: bool = False
    file_name: str
    created_at: str
    created_by: str
    # The audit chain's length and head sealed into this package (see sync/history.py).
    audit_count: int | None = None
    audit_head: str | None = None
    # The last package_in id whose package was nested in this one (relayed upward).
    relayed_upto: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # SHA-256 of the documents and counts members it carried (see sync/sent_digest.py);
    # None for packages written before it was kept.
    sent_digest: str | None = None


class PackageIn(SQLModel, table=True):
    """A package this office imported (one row per origin and sequence number)."""

    __tablename__ = "package_in"
    __table_args__ = (UniqueConstraint("origin", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    origin: str
    sequence: int
    covers_from: int
    package_hash: str
    signer_key_id: str
    manifest: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    new: int
    updated: int
    unchanged: int
    refused: int
    imported_at: str
    imported_by: str
    # The child office whose package carried this one nested (None: received directly).
    relay: str | None = None


class Receipt(SQLModel, table=True):
    """A signed receipt: written for a child ("out") or received from the parent ("in")."""

    __tablename__ = "receipt"

    receipt_hash: str = Field(primary_key=True)
    direction: str
    office_code: str = Field(index=True)  # the other office
    acknowledged_sequence: int
    package_hash: str
    signer_key_id: str
    body: JsonObject = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: str
    by: str


class Correction(SQLModel, table=True):
    """A record sent back for correction: requested here ("out") or received ("in")."""

    __tablename__ = "correction"

    id: str = Field(primary_key=True)
    direction: str
    record_id: str = Field(index=True)
    office_code: str  # the office that owns the record
    title: str
    revision: int  # the revision that was sent back
    comment: str
    status: str  # "pending" | "sent" | "resolved" (out); "received" (in)
    deadline: date | None = None  # when the corrected record is due back
    created_at: str
    created_by: str


class AppUser(SQLModel, table=True):
    """A person who signs in; none at all means a one-person office without sign-in."""

    __tablename__ = "app_user"

    name: str = Field(primary_key=True)
    full_name: str
    password_hash: str
    roles: list[str] = _json_list()
    disabled: bool = False
    # Persisted so that restarting the program does not reset the growing delay.
    failed_count: int = 0
    blocked_until: float = 0.0
    created_at: str
    created_by: str


class RecordApproval(SQLModel, table=True):
    """Where a record is in nháp → trình duyệt → đã duyệt (and who moved it)."""

    __tablename__ = "record_approval"

    record_id: str = Field(primary_key=True, foreign_key="record.id", ondelete="CASCADE")
    status: str = Field(index=True)
    submitted_by: str | None = None
    submitted_at: str | None = None
    approved_by: str | None = None
    approved_at: str | None = None
    approved_revision: int | None = None
    # A record the office withdrew (thu hồi) after sending it; it travels as a tombstone.
    withdrawn_reason: str | None = None
    # Sent again after the level above returned it (the package marks the resubmission).
    resubmission: bool = False


class ReportRequest(SQLModel, table=True):
    """What the level above expects: a report for a period by a deadline.

    "out": set here for a child office; "in": received from the level above."""

    __tablename__ = "report_request"

    id: str = Field(primary_key=True)
    direction: str
    office_code: str = Field(index=True)  # the child (out) or the issuing parent (in)
    period: str
    deadline: date
    note: str
    created_at: str
    created_by: str
    # The last package imported from the office when the request was set (out): a later
    # one is its report. Clocks are not trusted for this.
    after_package: int = 0


class Review(SQLModel, table=True):
    """The level above accepted a received record at this revision (never edits it)."""

    __tablename__ = "review"

    record_id: str = Field(primary_key=True, foreign_key="record.id", ondelete="CASCADE")
    revision: int
    accepted_by: str
    accepted_at: str


class TrustedRoot(SQLModel, table=True):
    """A root certificate the office trusts for chữ ký số (Ban Cơ yếu's root …): data, not code."""

    __tablename__ = "trusted_root"

    fingerprint: str = Field(primary_key=True)  # SHA-256 of the DER, hex
    subject: str
    der: bytes
    not_after: str
    added_by: str
    added_at: str


class RevocationList(SQLModel, table=True):
    """The newest certificate revocation list (CRL) imported from one certificate authority's
    key, checked against a trusted root when it was added; replaced only by a newer one."""

    __tablename__ = "revocation_list"

    issuer_key: str = Field(primary_key=True)  # SHA-256 of the issuing key (SubjectPublicKeyInfo)
    issuer: str
    issuer_der: bytes  # the certificate whose key signed the list (a root or an intermediate)
    der: bytes
    fingerprint: str  # SHA-256 of the list's DER
    number: str | None  # the CRL number extension, as decimal text (it may exceed 2^63)
    this_update: str
    next_update: str | None
    revoked: int
    added_by: str
    added_at: str


class SignedVersion(SQLModel, table=True):
    """An issued document after one more chữ ký số; append-only, the newest is the current one.

    The issued PDF itself is never changed: each signature is an incremental update on
    top of the previous version, so the number and the content stay as issued.
    """

    __tablename__ = "signed_version"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="issued_document.id", index=True)
    pdf: bytes
    sha256: str
    role: str  # signer, note_taker, chair, organisation
    signer: str  # the certificate's common name
    level: str  # "PAdES B-B" / "PAdES B-T"
    signed_by: str  # who was at the keyboard
    signed_at: str


class ReceivedDocument(SQLModel, table=True):
    """An issued document (signed or not) that came up in a subordinate office's package."""

    __tablename__ = "received_document"
    __table_args__ = (UniqueConstraint("office_code", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    office_code: str = Field(index=True)
    doc_type: str
    number: int
    symbol: str
    record_id: str | None = None
    document_date: date
    sha256: str
    pdf: bytes
    signature_status: str  # valid, untrusted, invalid, unsigned
    signers: str  # names, "; "-separated, as the certificates give them
    received_at: str


class RecordNote(SQLModel, table=True):
    """This office's own note on a record (often another office's, which it may not change).

    Notes are this office's data: they never travel in packages and never change the
    record. No foreign key on purpose: an import replaces a received record by deleting
    and re-inserting its row, and a cascade would take the parent's notes with it.
    """

    __tablename__ = "record_note"

    id: str = Field(primary_key=True)
    record_id: str = Field(index=True)
    author: str  # the signed-in user (the actor); only they may edit or delete the note
    text: str
    created_at: str
    updated_at: str | None = None


class DemoRecord(SQLModel, table=True):
    """A record made up for trying dvdesk (the wizard's or ``dvdesk demo``'s sample data).

    Demo records never travel in packages and are removed in one step. No foreign key,
    like :class:`RecordNote`: removing the demo data deletes both rows itself.
    """

    __tablename__ = "demo_record"

    record_id: str = Field(primary_key=True)
