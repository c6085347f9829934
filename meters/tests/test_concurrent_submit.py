"""Two browser tabs submitting the same reading at once: one row, and the other tab is told."""

import itertools
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import in_ci
from meters import readings
from meters.models import Reading


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("the concurrent submit must run on PostgreSQL in CI")
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing races")


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_save_one_reading_and_the_other_is_told(
    postgresql_only, alice, alice_meter, monkeypatch
):
    barrier = threading.Barrier(2, timeout=20)
    calls = itertools.count()
    real = readings.load_states

    def read_then_wait(meters, depth=readings.HISTORY_DEPTH):
        states = real(meters, depth)
        if next(calls) < 2:
            # Both tabs have seen "no reading today" before either writes: a true race.
            barrier.wait()
        return states

    monkeypatch.setattr(readings, "load_states", read_then_wait)
    url = reverse("meters:submit", args=[alice_meter.pk])
    responses = []

    def tab(value):
        try:
            client = Client()
            client.force_login(alice)
            data = {"date": timezone.localdate().isoformat(), "value_T": value}
            responses.append(client.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(v,)) for v in ("36200", "36210")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "уже сохранено" in refused.content.decode()
    assert Reading.objects.filter(meter=alice_meter, date=timezone.localdate()).count() == 1
