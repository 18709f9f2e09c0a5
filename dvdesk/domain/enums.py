"""The closed sets of values the records use, with their Vietnamese labels."""

from __future__ import annotations

from enum import StrEnum

from dvdesk.i18n import N_, _


class LabelledEnum(StrEnum):
    """A string enum whose members know their user-facing label."""

    @property
    def label(self) -> str:
        return _(_LABELS[self])


class OfficeLevel(LabelledEnum):
    # The central Ban Tuyên giáo và Dân vận Trung ương: the top, with no office above.
    CENTRAL = "central"
    PROVINCE = "province"
    COMMUNE = "commune"
    SPECIAL_ZONE = "special_zone"
    # District offices existed until 30 June 2025; they keep their old records.
    DISTRICT = "district"


class RecordType(LabelledEnum):
    INSPECTION = "inspection"
    SUPERVISION = "supervision"
    DIALOGUE = "dialogue"
    DIRECTIVE = "directive"
    MODEL = "model"


class RecordStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class SupervisionKind(LabelledEnum):
    THEMATIC = "thematic"
    REGULAR = "regular"


class IssueKind(LabelledEnum):
    KHIEU_NAI = "khieu_nai"
    TO_CAO = "to_cao"
    KIEN_NGHI = "kien_nghi"
    PHAN_ANH = "phan_anh"


class FollowUpStatus(LabelledEnum):
    """Stored status of a recommendation or petition; "overdue" is derived from the deadline."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class DirectiveKind(LabelledEnum):
    """Kinds of leadership documents, in the order offices list them in reports."""

    NGHI_QUYET = "nghi_quyet"
    CHI_THI = "chi_thi"
    KET_LUAN = "ket_luan"
    QUY_DINH = "quy_dinh"
    QUYET_DINH = "quyet_dinh"
    CHUONG_TRINH_HANH_DONG = "chuong_trinh_hanh_dong"
    KE_HOACH = "ke_hoach"
    HUONG_DAN = "huong_dan"
    CONG_VAN = "cong_van"
    KHAC = "khac"


class IssuerLevel(LabelledEnum):
    """The level of the body that issued a leadership document."""

    TRUNG_UONG = "trung_uong"
    TINH = "tinh"
    HUYEN = "huyen"
    XA = "xa"


class ModelField(LabelledEnum):
    """The four fields of "Dân vận khéo" models, in the order reports use."""

    KINH_TE = "kinh_te"
    VAN_HOA_XA_HOI = "van_hoa_xa_hoi"
    QUOC_PHONG_AN_NINH = "quoc_phong_an_ninh"
    XAY_DUNG_HE_THONG_CHINH_TRI = "xay_dung_he_thong_chinh_tri"


class RecognitionLevel(LabelledEnum):
    """The level at which a "Dân vận khéo" model was recognised.

    Its values are IssuerLevel's, so the label table (keyed by value) serves both.
    """

    XA = "xa"
    TINH = "tinh"
    TRUNG_UONG = "trung_uong"


OVERDUE_LABEL = N_("overdue")

_LABELS: dict[LabelledEnum, str] = {
    OfficeLevel.CENTRAL: N_("central"),
    OfficeLevel.PROVINCE: N_("province"),
    OfficeLevel.COMMUNE: N_("commune"),
    OfficeLevel.SPECIAL_ZONE: N_("special zone"),
    OfficeLevel.DISTRICT: N_("district (before 1 July 2025)"),
    RecordType.INSPECTION: N_("inspection"),
    RecordType.SUPERVISION: N_("supervision"),
    RecordType.DIALOGUE: N_("dialogue session"),
    RecordType.DIRECTIVE: N_("leadership document"),
    RecordType.MODEL: N_('"Skilful mass mobilisation" model'),
    DirectiveKind.NGHI_QUYET: N_("resolution"),
    DirectiveKind.CHI_THI: N_("directive"),
    DirectiveKind.KET_LUAN: N_("conclusion"),
    DirectiveKind.QUY_DINH: N_("regulation"),
    DirectiveKind.QUYET_DINH: N_("decision"),
    DirectiveKind.CHUONG_TRINH_HANH_DONG: N_("programme of action"),
    DirectiveKind.KE_HOACH: N_("plan"),
    DirectiveKind.HUONG_DAN: N_("guidance"),
    DirectiveKind.CONG_VAN: N_("official letter"),
    DirectiveKind.KHAC: N_("other document"),
    IssuerLevel.TRUNG_UONG: N_("central"),
    IssuerLevel.TINH: N_("provincial"),
    IssuerLevel.HUYEN: N_("district"),
    IssuerLevel.XA: N_("commune"),
    ModelField.KINH_TE: N_("economy"),
    ModelField.VAN_HOA_XA_HOI: N_("culture and society"),
    ModelField.QUOC_PHONG_AN_NINH: N_("defence and security"),
    ModelField.XAY_DUNG_HE_THONG_CHINH_TRI: N_("building the political system"),
    RecordStatus.PLANNED: N_("planned"),
    RecordStatus.IN_PROGRESS: N_("in progress"),
    RecordStatus.COMPLETED: N_("completed"),
    SupervisionKind.THEMATIC: N_("thematic"),
    SupervisionKind.REGULAR: N_("regular"),
    IssueKind.KHIEU_NAI: N_("complaint"),
    IssueKind.TO_CAO: N_("denunciation"),
    IssueKind.KIEN_NGHI: N_("recommendation"),
    IssueKind.PHAN_ANH: N_("feedback"),
    FollowUpStatus.OPEN: N_("open"),
    FollowUpStatus.IN_PROGRESS: N_("being handled"),
    FollowUpStatus.RESOLVED: N_("resolved"),
}
