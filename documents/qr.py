"""The payment QR code of «Счет на оплату» (ГОСТ Р 56042-2014), read by banks' apps.

The payload is «ST0001» and the encoding digit (2: UTF-8), then `Key=value` pairs
separated by «|»: the mandatory Name, PersonalAcc, BankName, BIC, CorrespAcc and the
additional PayeeINN, KPP, Purpose and Sum (in kopecks).
"""

from decimal import Decimal

import segno

from documents.models import Document

HEADER = "ST00012"


def _clean(value: object) -> str:
    # «|» separates the pairs: a value may not hold one.
    return " ".join(str(value).replace("|", " ").split())


def payment_payload(document: Document) -> str:
    """The ГОСТ Р 56042-2014 text of the invoice's payment."""
    seller = document.seller
    purpose = (
        f"Оплата по счету № {document.number} от {document.date:%d.%m.%Y}, договор "
        f"энергоснабжения № {document.buyer.get('contract_number', '')}, "
        f"в т.ч. НДС {document.vat:.2f} руб."
    )
    pairs = {
        "Name": seller["name"],
        "PersonalAcc": seller["account"],
        "BankName": seller["bank"],
        "BIC": seller["bik"],
        "CorrespAcc": seller["corr_account"],
        "PayeeINN": seller["inn"],
        "KPP": seller["kpp"],
        "Purpose": purpose,
        "Sum": int(document.amount * 100),
    }
    return "|".join([HEADER, *(f"{key}={_clean(value)}" for key, value in pairs.items())])


def payment_qr(document: Document) -> str:
    """The QR code as an SVG data URI for an <img> of the screen page and the PDF."""
    if document.amount <= Decimal(0):
        return ""
    code = segno.make(payment_payload(document), error="m", encoding="utf-8", micro=False)
    return code.svg_data_uri(scale=3, border=2)
