"""Every action names its person (issue 19): «Иванова Е. П., энергетик» on the readings
history, «Мои платежи», requests and the audit log, from one helper (accounts.people)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from accounts.models import Role
from accounts.people import attribution, person_name
from conftest import make_member


def _engineer(alice):
    user = make_member(alice, Role.ENGINEER, "ivanova@example.ru")
    user.last_name, user.first_name, user.middle_name = "Иванова", "Елена", "Петровна"
    user.save()
    return user


def test_a_name_is_the_surname_and_initials(alice):
    engineer = _engineer(alice)
    assert person_name(engineer) == "Иванова Е. П."
    assert attribution(engineer) == "Иванова Е. П., энергетик"
    assert attribution(alice) == "alice@example.ru, руководитель"


def test_staff_and_people_who_left(alice, stella, carol):
    assert attribution(stella) == "stella, сотрудник ЭССК"
    carol.membership.delete()
    carol.refresh_from_db()
    assert attribution(carol) == "carol@example.ru"
    assert attribution(None) == ""


def test_the_owner_sees_who_submitted_a_reading(client, alice):
    from meters.models import Reading
    from meters.tests.conftest import make_meter

    engineer = _engineer(alice)
    meter = make_meter(alice.contract, number="900100200")
    Reading.objects.create(
        meter=meter, date=dt.date(2026, 10, 31), value=Decimal("100"), submitted_by=engineer
    )
    client.force_login(alice)
    text = client.get(reverse("meters:history", args=[meter.pk])).content.decode()
    assert "Иванова Е. П., энергетик" in text


def test_the_owner_sees_who_paid(client, alice, carol):
    from payments.tests.factories import make_payment

    make_payment(alice.contract, carol)
    client.force_login(alice)
    text = client.get(reverse("payments:list")).content.decode()
    assert "carol@example.ru, бухгалтер" in text


def test_the_owner_sees_who_filed_a_request(client, alice):
    from services.workflow import file_request

    engineer = _engineer(alice)
    fields = {"topic": "question", "subject": "Вопрос", "text": "Текст"}
    filed = file_request(alice.contract, engineer, "question", fields, [])
    client.force_login(alice)
    assert "Иванова Е. П., энергетик" in client.get(reverse("services:requests")).content.decode()
    detail = client.get(reverse("services:request_detail", args=[filed.pk])).content.decode()
    assert "Иванова Е. П., энергетик" in detail


def test_the_audit_log_names_the_person(client, alice, stella):
    from core.audit import record

    engineer = _engineer(alice)
    record("reading.submitted", user=engineer, target="900100200")
    client.force_login(stella)
    text = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "Иванова Е. П., энергетик" in text


def test_the_history_costs_no_query_a_row_for_the_names(
    client, alice, django_assert_max_num_queries
):
    from meters.models import Reading
    from meters.tests.conftest import make_meter

    engineer = _engineer(alice)
    meter = make_meter(alice.contract, number="900100200")
    for month in range(1, 11):
        Reading.objects.create(
            meter=meter,
            date=dt.date(2026, month, 28),
            value=Decimal(100 * month),
            submitted_by=engineer,
        )
    client.force_login(alice)
    url = reverse("meters:history", args=[meter.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
