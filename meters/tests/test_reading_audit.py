"""Every door that saves readings leaves the same «reading.submitted» audit entry."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from meters.readings import submit_reading


def trace():
    return list(
        AuditEvent.objects.filter(action="reading.submitted").values_list(
            "user__username", "target", "details__source"
        )
    )


def test_the_form_leaves_the_entry(alice_client, alice, alice_meter):
    alice_client.post(
        reverse("meters:submit", args=[alice_meter.pk]),
        {"date": timezone.localdate().isoformat(), "value_T": "36300"},
    )
    assert trace() == [(alice.username, str(alice_meter), "customer")]


def test_the_table_leaves_the_entry(alice_client, alice, alice_meter):
    alice_client.post(
        reverse("meters:bulk"),
        {"date": timezone.localdate().isoformat(), f"m{alice_meter.pk}-value_T": "36300"},
    )
    assert trace() == [(alice.username, str(alice_meter), "customer")]


def test_the_upload_leaves_the_entry(alice_client, alice, alice_meter):
    text = f"meter_number;date;value\n108008060;{timezone.localdate():%d.%m.%Y};36300\n"
    upload = SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        alice_client.post(reverse("meters:upload"), {"file": upload})
    assert trace() == [(alice.username, str(alice_meter), "customer")]


def test_a_staff_call_of_the_service_leaves_the_entry(stella, alice_meter):
    check = submit_reading(alice_meter, timezone.localdate(), {"T": Decimal(36300)}, user=stella)
    assert check.ok
    assert trace() == [(stella.username, str(alice_meter), "customer")]


def test_a_refused_reading_leaves_none(alice_client, alice_meter):
    submit_reading(alice_meter, timezone.localdate(), {"T": Decimal(1)}, user=None)
    assert trace() == []
