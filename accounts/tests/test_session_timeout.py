"""Sessions: idle for more than 30 minutes or older than 12 hours end on the server."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.tests.helpers import post_login
from conftest import ALICE_PASSWORD

T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def logged_in(client, alice, kemerovo):
    with time_machine.travel(T0, tick=False) as clock:
        assert post_login(client, kemerovo, "1001", ALICE_PASSWORD).status_code == 302
        yield clock


def cabinet_status(client) -> int:
    return client.get(reverse("accounts:settings")).status_code


def test_a_session_idle_for_29_minutes_lives_on(client, logged_in):
    logged_in.shift(dt.timedelta(minutes=29))
    assert cabinet_status(client) == 200


def test_a_session_idle_for_more_than_30_minutes_ends(client, logged_in):
    logged_in.shift(dt.timedelta(minutes=31))
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()


def test_activity_keeps_the_session_but_not_beyond_12_hours(client, logged_in):
    for _ in range(11 * 3):  # a request every 20 minutes for 11 hours
        logged_in.shift(dt.timedelta(minutes=20))
        assert cabinet_status(client) == 200
    logged_in.shift(dt.timedelta(minutes=29))
    assert cabinet_status(client) == 200  # 11 h 29 min after login
    logged_in.shift(dt.timedelta(minutes=29))
    assert cabinet_status(client) == 200  # 11 h 58 min
    logged_in.shift(dt.timedelta(minutes=3))
    assert cabinet_status(client) == 302  # 12 h 01 min


def test_the_12_hours_count_from_the_login_not_from_the_first_page(client, alice, kemerovo):
    with time_machine.travel(T0, tick=False) as clock:
        post_login(client, kemerovo, "1001", ALICE_PASSWORD)
        clock.shift(dt.timedelta(minutes=25))
        assert cabinet_status(client) == 200
        for _ in range(12 * 2):
            clock.shift(dt.timedelta(minutes=29))
            client.get(reverse("accounts:settings"))
        assert client.session.get("_auth_user_id") is None
