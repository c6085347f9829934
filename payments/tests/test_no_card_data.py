"""Card data never touches the portal: not in its templates, its tables or its logs."""

import logging
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from payments.tests.helpers import CARD_SUCCESS, paid

CARD_INPUT = re.compile(
    r"<input[^>]*name=[\"'][^\"']*(pan|card|cvv|cvc|expiry|holder)[^\"']*[\"']", re.I
)
PANS = [CARD_SUCCESS, CARD_SUCCESS.replace(" ", "")]


def portal_templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "templates"
    return [path for path in root.rglob("*.html") if "gateway" not in path.relative_to(root).parts]


def test_no_portal_template_has_a_card_field():
    templates = portal_templates()
    assert len(templates) > 10
    offenders = [str(path) for path in templates if CARD_INPUT.search(path.read_text())]
    assert offenders == []


def test_the_rendered_pay_page_asks_for_no_card(alice_client):
    html = alice_client.get("/cabinet/payments/pay/").content.decode()
    assert not CARD_INPUT.search(html)
    assert "CVV" not in html and "cvv" not in html


def text_values():
    for model in apps.get_models():
        if model._meta.app_label == "gateway":
            continue  # the bank's own tables (another host in production)
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                yield model._meta.label, str(value)


@pytest.mark.django_db
def test_after_a_payment_no_card_number_is_in_any_portal_table_or_log(
    alice_client, alice_contract, caplog
):
    caplog.set_level(logging.DEBUG)
    payment = paid(alice_client)
    assert payment.status == "paid"
    found = [
        (label, value[:80])
        for label, value in text_values()
        if any(pan in value for pan in PANS) or "411111******1111" in value
    ]
    assert found == []
    assert not any(pan in caplog.text for pan in PANS)
