"""Meters of the personas: Alice's seed meter 108008060 with a year of monthly readings."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.dates import month_end
from meters.models import ZONES_BY_COUNT, DeliveryPoint, Meter, Reading


def make_meter(contract, number="108008060", *, point_code="ТП-1", history=(), **fields):
    """A meter of `contract` with readings [(date, value or {zone: value})]."""
    point, _ = DeliveryPoint.objects.get_or_create(
        contract=contract,
        code=point_code,
        defaults={"address": f"Кемеровская обл., г. Кемерово, ул. Мира, {point_code}"},
    )
    defaults = dict(model="СКАТ 101Э/1-3 ШР1", coefficient=Decimal("1"), digits=6)
    defaults.update(fields)
    meter = Meter.objects.create(delivery_point=point, number=number, **defaults)
    for day, value in history:
        values = value if isinstance(value, dict) else {ZONES_BY_COUNT[meter.zones][0]: value}
        for zone, zone_value in values.items():
            Reading.objects.create(
                meter=meter, date=day, zone=zone, value=Decimal(zone_value), source="import"
            )
    return meter


def monthly(last_value, months=12, step=300, today=None):
    """End-of-month readings growing by `step`, the last one `last_value` at the end of last month."""
    today = today or timezone.localdate()
    return [
        (month_end(today, -back), Decimal(last_value) - step * (back - 1))
        for back in range(months, 0, -1)
    ]


@pytest.fixture
def last_month_end():
    return month_end(timezone.localdate(), -1)


@pytest.fixture
def alice_meter(alice_contract):
    return make_meter(alice_contract, history=monthly(36156))


@pytest.fixture
def bob_meter(bob_contract):
    return make_meter(bob_contract, "555000111", point_code="ТП-7007", history=monthly(5000))
