"""Short explanations of the words a clerk meets for the first time, where they appear."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from dvdesk.i18n import N_, _

KEY_CARD = N_(
    "Key card (thẻ khóa): a small .dvkey file with this office's public key. The office "
    "above enrols it once, so that it can recognise the packages this office sends."
)
FINGERPRINT = N_(
    "Fingerprint (dấu vân tay): a short code computed from a key. Read it to the other "
    "office over the phone: if both screens show the same code, the key card is genuine."
)
RECEIPT = N_(
    "Receipt (biên nhận): a .dvrcpt file the office above writes after importing a package; "
    "it lists what arrived. Import it here to see that the package reached its destination."
)
PERIOD = N_(
    "Reporting period (kỳ báo cáo): the months a report counts, by the windows of Nghị định "
    "09/2019/NĐ-CP (year, 6 months, 9 months, quarter, month) or your own date range."
)


def explain(widget: QWidget, term: str) -> None:
    """Show ``term``'s explanation as the widget's tooltip and its Shift+F1 help."""
    text = _(term)
    widget.setToolTip(text)
    widget.setWhatsThis(text)
