"""The table of all meters of a contract: a value field each, all saved or none."""

import math
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from meters.models import Meter, Reading
from meters.tests.conftest import make_meter, monthly

URL = reverse("meters:bulk")


def today_iso():
    return timezone.localdate().isoformat()


def saved_today(meter):
    return dict(
        Reading.objects.filter(meter=meter, date=timezone.localdate()).values_list("zone", "value")
    )


def test_the_table_lists_every_meter_with_its_last_reading(
    alice_client, alice_meter, alice_contract
):
    make_meter(alice_contract, "700", is_automatic=True, history=monthly(5000, step=10))
    page = alice_client.get(URL).content.decode()
    assert "108008060" in page and "36 156" in page
    assert f'name="m{alice_meter.pk}-value_T"' in page
    assert "АИИСКУЭ: передается автоматически" in page
    assert "Загрузить показания" in page


def test_filled_rows_are_saved_and_empty_rows_skipped(alice_client, alice_meter, alice_contract):
    second = make_meter(alice_contract, "800", history=monthly(1000, step=10))
    untouched = make_meter(alice_contract, "900", history=monthly(2000, step=10))
    response = alice_client.post(
        URL,
        {
            "date": today_iso(),
            f"m{alice_meter.pk}-value_T": "36300",
            f"m{second.pk}-value_T": "1010",
            f"m{untouched.pk}-value_T": "",
        },
    )
    assert response.status_code == 302
    assert saved_today(alice_meter) == {"T": Decimal("36300")}
    assert saved_today(second) == {"T": Decimal("1010")}
    assert saved_today(untouched) == {}
    page = alice_client.get(URL).content.decode()
    assert "Передано показаний: 2. Общий расход: 154 кВт·ч." in page


def test_one_bad_row_saves_nothing_and_is_shown_next_to_its_field(
    alice_client, alice_meter, alice_contract
):
    second = make_meter(alice_contract, "800", history=monthly(1000, step=10))
    response = alice_client.post(
        URL,
        {
            "date": today_iso(),
            f"m{alice_meter.pk}-value_T": "36300",
            f"m{second.pk}-value_T": "1000000",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ничего не сохранено" in page
    assert "У этого прибора учета не более 6 цифр до запятой." in page
    assert 'value="36300"' in page and 'value="1000000"' in page
    assert saved_today(alice_meter) == {} and saved_today(second) == {}


def test_a_row_below_its_last_reading_asks_for_the_rollover_and_then_saves(
    alice_client, alice_contract
):
    meter = make_meter(alice_contract, "300", history=monthly(999_900))
    data = {"date": today_iso(), f"m{meter.pk}-value_T": "150"}
    page = alice_client.post(URL, data).content.decode()
    assert "Показание меньше предыдущего (999 900)" in page
    assert f'name="m{meter.pk}-confirm_rollover"' in page
    assert saved_today(meter) == {}
    response = alice_client.post(URL, {**data, f"m{meter.pk}-confirm_rollover": "on"})
    assert response.status_code == 302
    assert Reading.objects.get(meter=meter, date=timezone.localdate()).rollover is True


def test_a_spike_in_a_row_asks_for_confirmation_and_is_saved_flagged(alice_client, alice_meter):
    data = {"date": today_iso(), f"m{alice_meter.pk}-value_T": "40000"}
    page = alice_client.post(URL, data).content.decode()
    assert "более чем в 3 раза превышает средний" in page
    assert saved_today(alice_meter) == {}
    assert (
        alice_client.post(URL, {**data, f"m{alice_meter.pk}-confirm_spike": "on"}).status_code
        == 302
    )
    reading = Reading.objects.get(meter=alice_meter, date=timezone.localdate())
    assert reading.status == Reading.Status.FLAGGED


def test_a_half_filled_multi_zone_row_is_an_error(alice_client, alice_contract, last_month_end):
    meter = make_meter(
        alice_contract, "600", zones=2, history=[(last_month_end, {"D": 10, "N": 5})]
    )
    page = alice_client.post(
        URL, {"date": today_iso(), f"m{meter.pk}-value_D": "20"}
    ).content.decode()
    assert "Введите показание." in page
    assert saved_today(meter) == {}
    data = {"date": today_iso(), f"m{meter.pk}-value_D": "20", f"m{meter.pk}-value_N": "8"}
    assert alice_client.post(URL, data).status_code == 302
    assert saved_today(meter) == {"D": 20, "N": 8}


def test_a_date_in_the_future_is_refused_for_the_table(alice_client, alice_meter):
    import datetime as dt

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = alice_client.post(
        URL, {"date": tomorrow, f"m{alice_meter.pk}-value_T": "36300"}
    ).content.decode()
    assert "Дата показания не может быть в будущем." in page
    assert not Reading.objects.filter(meter=alice_meter, date__gt=timezone.localdate()).exists()


def test_an_empty_table_says_so(alice_client, alice_meter):
    response = alice_client.post(URL, {"date": today_iso()}, follow=True)
    assert "Введите показания хотя бы одного прибора учета." in response.content.decode()


def test_another_contracts_meter_in_the_table_is_ignored(alice_client, alice_meter, bob_meter):
    data = {
        "date": today_iso(),
        f"m{alice_meter.pk}-value_T": "36300",
        f"m{bob_meter.pk}-value_T": "5100",
    }
    assert alice_client.post(URL, data).status_code == 302
    assert saved_today(bob_meter) == {}


def test_the_table_makes_as_many_queries_for_500_meters_as_for_one(
    alice_client, alice_meter, django_assert_num_queries
):
    alice_client.get(URL)  # the first request of a session also stamps it
    # session, user with its contract, meters, last readings of all meters
    with django_assert_num_queries(5):
        alice_client.get(URL)
    point = alice_meter.delivery_point
    meters = Meter.objects.bulk_create(
        [Meter(delivery_point=point, number=f"M{n:04d}", model="Меркурий") for n in range(499)]
    )
    Reading.objects.bulk_create(
        [
            Reading(meter=m, date=day, value=value)
            for m in meters
            for day, value in monthly(5000)[-2:]
        ]
    )
    with django_assert_num_queries(5):
        response = alice_client.get(URL)
    assert response.content.decode().count('inputmode="decimal"') == 500


def test_five_hundred_filled_rows_are_saved_in_a_constant_number_of_queries(
    alice_client, alice_meter, django_assert_num_queries
):
    point = alice_meter.delivery_point
    meters = Meter.objects.bulk_create(
        [Meter(delivery_point=point, number=f"M{n:04d}", model="Меркурий") for n in range(499)]
    )
    data = {"date": today_iso(), f"m{alice_meter.pk}-value_T": "36300"}
    data.update({f"m{m.pk}-value_T": "10" for m in meters})
    alice_client.get(URL)
    # One INSERT each on PostgreSQL; SQLite's 999 parameters a statement take several.
    fields = [f for f in Reading._meta.concrete_fields if not f.primary_key]
    inserts = math.ceil(500 / connection.ops.bulk_batch_size(fields, [None] * 500))
    audit_fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    audits = math.ceil(500 / connection.ops.bulk_batch_size(audit_fields, [None] * 500))
    # session, user, the chosen contract, meters, their last readings (two queries), the
    # closed periods; a savepoint around the inserts of the readings and their audit entries
    with django_assert_num_queries(7 + 2 + inserts + audits):
        assert alice_client.post(URL, data).status_code == 302
    assert Reading.objects.filter(date=timezone.localdate()).count() == 500


def test_a_date_that_is_not_a_date_is_said_next_to_the_date_and_values_stay(
    alice_client, alice_meter
):
    response = alice_client.post(URL, {"date": "31.02.2026", f"m{alice_meter.pk}-value_T": "36300"})
    page = response.content.decode()
    assert "Дата в формате 31.10.2026." in page
    assert 'value="36300"' in page and 'value="31.02.2026"' in page
    assert "Введите показания хотя бы одного" not in page


def test_five_hundred_three_zone_meters_post_in_one_form(alice_client, alice_meter):
    """1 500 value fields: more than Django's default limit of 1 000 fields."""
    point = alice_meter.delivery_point
    meters = Meter.objects.bulk_create(
        [
            Meter(delivery_point=point, number=f"Z{n:04d}", model="Меркурий", zones=3)
            for n in range(500)
        ]
    )
    data = {"date": today_iso()}
    for meter in meters:
        data.update({f"m{meter.pk}-value_{zone}": "10" for zone in ("P", "H", "N")})
    assert alice_client.post(URL, data).status_code == 302
    assert Reading.objects.filter(date=timezone.localdate()).count() == 1500


def test_a_small_drop_in_a_row_is_refused_not_offered_as_a_rollover(alice_client, alice_meter):
    data = {
        "date": today_iso(),
        f"m{alice_meter.pk}-value_T": "36150",
        f"m{alice_meter.pk}-confirm_rollover": "on",
    }
    page = alice_client.post(URL, data).content.decode()
    assert "Показание меньше предыдущего (36 156), а переход через ноль невозможен" in page
    assert "расход составил бы 999 994 кВт·ч" in page
    assert saved_today(alice_meter) == {}
