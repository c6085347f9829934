"""A reading typed with the narrow no-break space Django itself prints between thousands."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from meters.models import Reading


def test_a_value_with_a_narrow_no_break_space_is_a_number(alice_client, alice_meter):
    # Before: the form's own copy of the parsing dropped only U+00A0 and plain spaces.
    response = alice_client.post(
        reverse("meters:submit", args=[alice_meter.pk]),
        {"date": timezone.localdate().isoformat(), "value_T": "36\u202f200"},
    )
    assert response.status_code == 302
    assert Reading.objects.get(meter=alice_meter, date=timezone.localdate()).value == Decimal(
        "36200"
    )
