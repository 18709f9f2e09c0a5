"""Sign a PDF with the office's token: PAdES (ETSI.CAdES.detached), whole document.

Each signature is an incremental update: the bytes already signed are kept
as they are, so earlier signatures stay valid. With a reachable timestamp
server the signature gets a timestamp (PAdES B-T); otherwise it is B-B, and
the result says so.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp import TextStampStyle

from dvdesk.documents.fonts import ensure_fonts
from dvdesk.errors import Conflict, UserError
from dvdesk.i18n import _
from dvdesk.signatures.anchor import PERSON_SHARE, field_name
from dvdesk.signatures.printed import PrintedPerson, mismatch
from dvdesk.signatures.stamp_font import ScaledGlyphFactory
from dvdesk.signatures.token import certificate_name, choose_token, loaded, logged_in

log = logging.getLogger(__name__)
# fontTools reports every table it leaves out of the stamp's font subset; not our concern.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

STAMP_SIZE = 10
STAMP_TEXT = "Ký bởi: %(signer)s\nCơ quan: %(office)s\nThời gian ký: %(ts)s"
# A PDF without a signature block: the foot of the last page, right half (A4 points).
FALLBACK_BOX = (300, 60, 550, 128)


class Level(StrEnum):
    B_B = "PAdES B-B"
    B_T = "PAdES B-T"


class Role(StrEnum):
    SIGNER = "signer"  # a report's signer
    NOTE_TAKER = "note_taker"  # minutes: left
    CHAIR = "chair"  # minutes: right
    ORGANISATION = "organisation"  # the office's organisational certificate (the seal)


@dataclass(frozen=True)
class SigningRequest:
    module: str
    role: Role
    office_name: str
    token_label: str | None = None
    key_label: str | None = None
    timestamp_url: str | None = None
    seal_image: Path | None = None
    extra_certificates: tuple[bytes, ...] = ()  # DER; intermediates/roots to embed
    # The people the document names under its signatures; a holder printed in another
    # place than ``role`` is refused before the token signs (signatures/printed.py).
    printed: tuple[PrintedPerson, ...] = ()


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signer: str
    level: Level
    signed_at: datetime
    field: str
    timestamp_problem: str | None  # why B-B although a timestamp server is set


def sign_pdf(pdf: bytes, *, request: SigningRequest, pin: str) -> SignedPdf:
    """Sign ``pdf`` on the token; nothing is written anywhere by this function."""
    reader = _reader(pdf)
    name = field_name(request.role.value)
    existing = {field: value for field, value, _ref in fields.enumerate_sig_fields(reader)}
    if existing.get(name) is not None:
        raise Conflict(
            _(
                "This document already has the {role}'s digital signature; nothing was signed. "
                "Choose another role. A signature stays for good: if it is the wrong one, void "
                "the document in the register and issue a corrected one."
            ).format(role=role_label(request.role))
        )
    new_field = None if name in existing else _new_field(reader, request.role, name)
    timestamper, problem = _timestamper(request.timestamp_url)
    with loaded(request.module) as library:
        token = choose_token(library, label=request.token_label)
        with logged_in(token, pin=pin) as session:
            cert, key_id = _signing_certificate(session, key_label=request.key_label)
            signer = PKCS11Signer(
                session,
                signing_cert=cert,
                key_id=key_id,
                other_certs_to_pull=None,  # the whole chain the token holds
                ca_chain=[asn1_x509.Certificate.load(der) for der in request.extra_certificates],
            )
            signer_name = certificate_name(cert.subject)
            _check_holder(signer_name, request)
            data = _sign(
                pdf,
                signer=signer,
                name=name,
                new_field=new_field,
                timestamper=timestamper,
                stamp=_stamp_style(request.seal_image),
                text={"signer": signer_name, "office": _organisation(cert, request.office_name)},
            )
    signed_at = _signing_time(data, name)
    level = Level.B_T if timestamper is not None else Level.B_B
    log.info("signed field %s as %s (%s)", name, signer_name, level.value)
    return SignedPdf(
        data=data,
        signer=signer_name,
        level=level,
        signed_at=signed_at,
        field=name,
        timestamp_problem=problem,
    )


def _check_holder(holder: str, request: SigningRequest) -> None:
    wrong = mismatch(holder=holder, role=request.role.value, printed=request.printed)
    if wrong is None:
        return
    theirs = role_label(Role(wrong.theirs))
    chosen = role_label(request.role)
    if wrong.expected is None:
        raise Conflict(
            _(
                "The certificate chosen is {holder}'s, whom the document names as the {theirs}; "
                "the role chosen is the {role}. Nothing was signed. Choose the role "
                "“{theirs}” and sign again."
            ).format(holder=holder, theirs=theirs, role=chosen)
        )
    raise Conflict(
        _(
            "The certificate chosen is {holder}'s, whom the document names as the {theirs}; "
            "the role chosen is the {role} ({expected}). Nothing was signed. Choose the role "
            "“{theirs}”, or the certificate of {expected}, and sign again."
        ).format(holder=holder, theirs=theirs, role=chosen, expected=wrong.expected)
    )


def role_label(role: Role) -> str:
    labels = {
        Role.SIGNER: _("signer"),
        Role.NOTE_TAKER: _("note-taker"),
        Role.CHAIR: _("chair"),
        Role.ORGANISATION: _("organisation"),
    }
    return labels[role]


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError) as error:
        raise UserError(
            _("The file is not a PDF that can be signed ({reason}).").format(reason=error)
        ) from None


def _new_field(reader: PdfFileReader, role: Role, name: str) -> fields.SigFieldSpec:
    """A field for a role the layout left no room for: the seal beside the signer, or the
    foot of the last page."""
    if role is Role.ORGANISATION:
        for other in (Role.SIGNER, Role.CHAIR):
            box = _field_box(reader, field_name(other.value))
            if box is not None:
                page, (x1, y1, x2, y2) = box
                width = (x2 - x1) * (1 - PERSON_SHARE) / PERSON_SHARE
                return fields.SigFieldSpec(name, on_page=page, box=(round(x1 - width), y1, x1, y2))
    return fields.SigFieldSpec(name, on_page=-1, box=FALLBACK_BOX)


def _field_box(reader: PdfFileReader, name: str) -> tuple[int, tuple[int, int, int, int]] | None:
    for field, _value, ref in fields.enumerate_sig_fields(reader):
        if field != name:
            continue
        widget = ref.get_object()
        rect = [round(float(v)) for v in widget["/Rect"]]
        return _page_index(reader, widget.get_value_as_reference("/P")), (
            rect[0],
            rect[1],
            rect[2],
            rect[3],
        )
    return None


def _page_index(reader: PdfFileReader, page: Any) -> int:
    """The index of the page ``page`` (a reference) points to; the last page if none."""
    count = int(reader.root["/Pages"]["/Count"])
    wanted = getattr(page, "idnum", None)
    for index in range(count):
        found = reader.find_page_for_modification(index)[0]  # type: ignore[no-untyped-call]
        if getattr(found, "idnum", None) == wanted:
            return index
    return count - 1


def _timestamper(url: str | None) -> tuple[TimeStamper | None, str | None]:
    if not url:
        return None, None
    stamper = HTTPTimeStamper(url, timeout=5)
    try:
        asyncio.run(stamper.async_dummy_response("sha256"))
    except Exception as error:
        log.info("timestamp server %s not usable: %s", url, type(error).__name__)
        return None, _(
            "The timestamp server {url} could not be reached; the signature has no timestamp."
        ).format(url=url)
    return stamper, None


def _signing_certificate(
    session: pkcs11.Session, *, key_label: str | None
) -> tuple[asn1_x509.Certificate, bytes]:
    """The certificate (and its key's id) to sign with: the one labelled ``key_label``, or the
    only one that has a private key."""
    keys = {
        bytes(key[Attribute.ID])
        for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
    }
    candidates: list[tuple[str, asn1_x509.Certificate, bytes]] = []
    for item in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        key_id = bytes(item[Attribute.ID])
        label = str(item[Attribute.LABEL])
        if key_id in keys and (key_label is None or label == key_label):
            candidates.append(
                (label, asn1_x509.Certificate.load(bytes(item[Attribute.VALUE])), key_id)
            )
    if not candidates:
        raise UserError(
            _(
                "The token has no certificate with a signing key{label}. "
                "Run 'dvdesk token list' to see what it holds."
            ).format(label=f" '{key_label}'" if key_label else "")
        )
    if len(candidates) > 1:
        raise UserError(
            _(
                "The token holds several signing certificates. "
                "Choose one with --key-label: {labels}."
            ).format(labels=", ".join(label for label, _cert, _id in candidates))
        )
    _label, cert, key_id = candidates[0]
    return cert, key_id


def _organisation(cert: asn1_x509.Certificate, office_name: str) -> str:
    organisation = cert.subject.native.get("organization_name")
    if isinstance(organisation, list):
        organisation = organisation[-1]
    return str(organisation) if organisation else office_name


def _stamp_style(seal_image: Path | None) -> TextStampStyle:
    font = ScaledGlyphFactory(font_file=str(ensure_fonts().regular), font_size=STAMP_SIZE)
    background = None
    if seal_image is not None:
        try:
            background = PdfImage(str(seal_image))
        except OSError:
            raise UserError(
                _("The seal image {file} cannot be read. Choose a PNG or JPEG file.").format(
                    file=seal_image
                )
            ) from None
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        timestamp_format="%d/%m/%Y %H:%M:%S %z",
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_SIZE),
        border_width=1,
        background=background,
        background_opacity=0.5,
    )


def sign_with(
    pdf: bytes,
    *,
    signer: signers.Signer,
    role: Role,
    office_name: str,
    signer_name: str,
) -> bytes:
    """Sign with any pyHanko signer (the self-check signs with a key in memory)."""
    reader = _reader(pdf)
    name = field_name(role.value)
    existing = {field for field, _value, _ref in fields.enumerate_sig_fields(reader)}
    new_field = None if name in existing else _new_field(reader, role, name)
    return _sign(
        pdf,
        signer=signer,
        name=name,
        new_field=new_field,
        timestamper=None,
        stamp=_stamp_style(None),
        text={"signer": signer_name, "office": office_name},
    )


def _sign(
    pdf: bytes,
    *,
    signer: signers.Signer,
    name: str,
    new_field: fields.SigFieldSpec | None,
    timestamper: TimeStamper | None,
    stamp: TextStampStyle,
    text: dict[str, str],
) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer, timestamper=timestamper, stamp_style=stamp, new_field_spec=new_field
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out, appearance_text_params=text)
    except p11_errors.PKCS11Error as error:
        raise UserError(
            _("The token refused to sign ({reason}). Check the token and try again.").format(
                reason=type(error).__name__
            )
        ) from None
    except (SigningError, PdfError) as error:
        raise UserError(
            _("The document could not be signed: {reason}.").format(reason=error)
        ) from None
    return out.getvalue()


def _signing_time(data: bytes, name: str) -> datetime:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for signature in reader.embedded_signatures:
        if signature.field_name == name:
            found: Any = signature.self_reported_timestamp
            if isinstance(found, datetime):
                return found
    return datetime.now().astimezone()
