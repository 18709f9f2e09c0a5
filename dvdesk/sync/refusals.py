"""Why a package, key card or receipt is refused: one reason code per attack or accident.

Each refusal carries a machine-readable ``reason`` (tests and the GUI key on it)
and a Vietnamese message that says what happened and what to do next.
"""

from __future__ import annotations

from enum import StrEnum

from dvdesk.errors import UserError


class Reason(StrEnum):
    NOT_A_PACKAGE = "not_a_package"
    TRUNCATED = "truncated"
    TOO_LARGE = "too_large"
    TOO_MANY_MEMBERS = "too_many_members"
    MEMBER_TOO_LARGE = "member_too_large"
    BAD_MEMBER_NAME = "bad_member_name"
    DUPLICATE_MEMBER = "duplicate_member"
    UNEXPECTED_MEMBER = "unexpected_member"
    MISSING_MEMBER = "missing_member"
    MEMBERS_OUT_OF_ORDER = "members_out_of_order"
    NOT_A_FILE = "not_a_file"
    EXTRA_BYTES = "extra_bytes"
    UNSUPPORTED_COMPRESSION = "unsupported_compression"
    MANIFEST_TOO_LARGE = "manifest_too_large"
    TOO_DEEP = "too_deep"
    NUMBER_TOO_LARGE = "number_too_large"
    NOT_CANONICAL = "not_canonical"
    BAD_FORMAT_VERSION = "bad_format_version"
    COUNT_MISMATCH = "count_mismatch"
    ENCRYPTION_REQUIRED = "encryption_required"
    BAD_MANIFEST = "bad_manifest"
    FORMAT_TOO_NEW = "format_too_new"
    SCHEMA_TOO_NEW = "schema_too_new"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    KEY_OF_OTHER_OFFICE = "key_of_other_office"
    BAD_SIGNATURE = "bad_signature"
    CHANGED_FILE = "changed_file"
    SIZE_MISMATCH = "size_mismatch"
    WRONG_DESTINATION = "wrong_destination"
    FROM_SELF = "from_self"
    NOT_A_CHILD = "not_a_child"
    OLD_PACKAGE = "old_package"
    GAP = "gap"
    SEQUENCE_CONFLICT = "sequence_conflict"
    CHAIN_BROKEN = "chain_broken"
    CANNOT_DECRYPT = "cannot_decrypt"
    BAD_PAYLOAD = "bad_payload"
    # Relays and delegations (format 2)
    RELAY_TAMPERED = "relay_tampered"
    PLANTED_RECORD = "planted_record"
    NOT_DELEGATED = "not_delegated"
    DELEGATION_CONFLICT = "delegation_conflict"
    KEY_NOT_CERTIFIED = "key_not_certified"
    IDENTITY_CHANGED = "identity_changed"
    KEY_RETIRED = "key_retired"
    # Key cards
    BAD_CARD = "bad_card"
    ALREADY_ENROLLED = "already_enrolled"
    NOT_OUR_CHILD = "not_our_child"
    LOOKALIKE_NAME = "lookalike_name"
    BAD_OFFICE_CODE = "bad_office_code"
    # Receipts
    BAD_RECEIPT = "bad_receipt"
    RECEIPT_NOT_OURS = "receipt_not_ours"
    RECEIPT_UNKNOWN_PACKAGE = "receipt_unknown_package"
    OLD_RECEIPT = "old_receipt"
    # Moves to a new office above (docs/reparenting.md)
    FORMER_PARENT = "former_parent"
    MOVED_AWAY = "moved_away"


class Refused(UserError):
    """A package, card or receipt was refused before anything was changed."""

    exit_code = 6

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
