"""The single-meter form of «Передача показаний» (seed figure 8) and its rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meters.models import ClosedPeriod, Reading
from meters.tests.conftest import make_meter, monthly


def submit(client, meter, value, day=None, **extra):
    data = {"date": (day or timezone.localdate()).isoformat(), "value_T": value, **extra}
    return client.post(reverse("meters:submit", args=[meter.pk]), data)


def test_the_page_shows_the_meter_its_last_reading_and_the_rule(alice_client, alice_meter, last_month_end):
    text = alice_client.get(reverse("meters:readings")).content.decode()
    for label in (
        "Номер прибора учета:",
        "Наименование прибора учета:",
        "Коэф. расчета:",
        "Адрес:",
        "Последние показания прибора учета:",
        "Введите показание прибора учета:",
        "Передать показания",
    ):
        assert label in text
    assert "108008060" in text and "СКАТ 101Э/1-3 ШР1" in text
    assert f"{last_month_end:%d.%m.%Y}" in text and "36 156" in text
    assert "Показания приборов учёта необходимо снимать последнего числа каждого месяца." in text
    assert f'value="{timezone.localdate().isoformat()}"' in text


def test_a_reading_is_saved_with_its_consumption_and_shown_in_the_history(alice_client, alice, alice_meter):
    response = submit(alice_client, alice_meter, "36 300")
    assert response.status_code == 302
    assert response["Location"] == reverse("meters:history", args=[alice_meter.pk])
    reading = Reading.objects.get(meter=alice_meter, date=timezone.localdate())
    assert reading.value == Decimal("36300")
    assert reading.source == Reading.Source.CUSTOMER
    assert reading.status == Reading.Status.ACCEPTED
    assert reading.submitted_by == alice
    page = alice_client.get(response["Location"]).content.decode()
    assert "Расход с" in page and "144 кВт·ч" in page
    assert "36 300" in page and "потребитель" in page and "принято" in page
