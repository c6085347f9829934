"""Fixtures of the services tests: Alice's and Bob's meters, files of every kind."""

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# A real 1×1 PNG, a minimal PDF and JPEG header, and a Windows executable's header.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as a browser sends it; the declared type is what the browser claims, not the truth."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_meter(contract, number, *, automatic=False, point_code=None):
    from meters.models import DeliveryPoint, Meter

    point, _ = DeliveryPoint.objects.get_or_create(
        contract=contract,
        code=point_code or f"ТП-{contract.number}",
        defaults={"address": f"г. Кемерово, ул. Мира, {contract.number}"},
    )
    return Meter.objects.create(
        delivery_point=point, number=number, model="СКАТ 101Э/1-3 ШР1", is_automatic=automatic
    )


@pytest.fixture
def alice_meter(alice_contract):
    return make_meter(alice_contract, "108008060")


@pytest.fixture
def bob_meter(bob_contract):
    return make_meter(bob_contract, "700700700")


@pytest.fixture
def question_request(alice, alice_contract):
    """Alice's question with one PDF attached."""
    from services.workflow import file_request

    pdf = upload("scan.pdf", PDF_BYTES)
    pdf.detected_type = "application/pdf"
    return file_request(
        alice_contract,
        alice,
        "question",
        {"topic": "question", "subject": "Счет за октябрь", "text": "Почему сумма выросла?"},
        [pdf],
    )


@pytest.fixture
def bob_request(bob, bob_contract):
    from services.workflow import file_request

    png = upload("photo.png", PNG_BYTES, "image/png")
    png.detected_type = "image/png"
    return file_request(
        bob_contract,
        bob,
        "question",
        {"topic": "complaint", "subject": "Жалоба", "text": "Текст жалобы"},
        [png],
    )


def run_notifications(moment=None):
    """One run of the notification rules at `moment`, committed: its outbox mail goes out
    as it does in production once the run's transactions commit (by the eager task)."""
    from contextlib import nullcontext

    import time_machine
    from django.test import TestCase

    from services.notifications import send_notifications

    with time_machine.travel(moment, tick=False) if moment else nullcontext():
        with TestCase.captureOnCommitCallbacks(execute=True):
            return send_notifications()


def local(year, month, day, hour=9):
    """An aware moment in the portal's time zone (Asia/Novokuznetsk)."""
    from zoneinfo import ZoneInfo

    return dt.datetime(year, month, day, hour, tzinfo=ZoneInfo("Asia/Novokuznetsk"))
