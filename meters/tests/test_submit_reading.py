"""The single-meter form of «Передача показаний» (seed figure 8) and its rules."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from meters.models import ClosedPeriod, Reading
from meters.tests.conftest import make_meter, monthly


def submit(client, meter, value, day=None, **extra):
    data = {"date": (day or timezone.localdate()).isoformat(), "value_T": value, **extra}
    return client.post(reverse("meters:submit", args=[meter.pk]), data)


def test_the_page_shows_the_meter_its_last_reading_and_the_rule(
    alice_client, alice_meter, last_month_end
):
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


def test_a_reading_is_saved_with_its_consumption_and_shown_in_the_history(
    alice_client, alice, alice_meter
):
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


def errors_of(response):
    assert response.status_code == 200
    return response.context["form"].errors


def test_a_negative_value_is_refused_and_the_typed_value_stays(alice_client, alice_meter):
    response = submit(alice_client, alice_meter, "-5")
    assert errors_of(response)["value_T"] == ["Показание не может быть отрицательным."]
    assert 'value="-5"' in response.content.decode()
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_value_that_is_not_a_number_is_refused(alice_client, alice_meter):
    response = submit(alice_client, alice_meter, "36l56")
    assert errors_of(response)["value_T"] == ["«36l56» — не число."]


def test_a_value_with_more_digits_than_the_meter_has_is_refused(alice_client, alice_meter):
    response = submit(alice_client, alice_meter, "1000000")
    assert errors_of(response)["value_T"] == ["У этого прибора учета не более 6 цифр до запятой."]


def test_a_fraction_is_refused_on_a_meter_without_decimals(alice_client, alice_meter):
    response = submit(alice_client, alice_meter, "36200,5")
    assert errors_of(response)["value_T"] == [
        "Показание этого прибора учета — целое число, без дробной части."
    ]


def test_up_to_the_meters_decimals_are_accepted_and_more_refused(alice_client, alice_contract):
    meter = make_meter(alice_contract, "200", decimals=2, history=monthly(500, step=10))
    response = submit(alice_client, meter, "505,123")
    assert errors_of(response)["value_T"] == [
        "У этого прибора учета не более 2 знаков после запятой."
    ]
    assert submit(alice_client, meter, "505,12").status_code == 302
    assert Reading.objects.get(meter=meter, date=timezone.localdate()).value == Decimal("505.12")


def test_a_value_below_the_last_one_asks_to_confirm_a_rollover(alice_client, alice_contract):
    meter = make_meter(alice_contract, "300", digits=6, history=monthly(999_900))
    response = submit(alice_client, meter, "150")
    assert "Показание меньше предыдущего (999 900)" in errors_of(response)["value_T"][0]
    assert "Подтверждаю: счетчик перешел через ноль" in response.content.decode()
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_small_drop_is_a_wrong_reading_not_a_rollover(alice_client, alice_meter):
    # 36 150 after 36 156 on a 6-digit register would be 999 994 kWh across zero.
    refused = (
        "Показание меньше предыдущего (36 156), а переход через ноль невозможен: "
        "расход составил бы 999 994 кВт·ч, больше допустимого для этого прибора учета"
    )
    response = submit(alice_client, alice_meter, "36150")
    (message,) = errors_of(response)["value_T"]
    assert message.startswith(refused) and message.endswith("Проверьте показание.")
    page = response.content.decode()
    assert "Подтверждаю: счетчик перешел через ноль" not in page and 'value="36150"' in page
    # Ticking the box does not make it one.
    confirmed = submit(alice_client, alice_meter, "36150", confirm_rollover="on")
    assert errors_of(confirmed)["value_T"][0].startswith(refused)
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_confirmed_rollover_counts_the_consumption_across_zero(alice_client, alice_contract):
    meter = make_meter(alice_contract, "300", digits=6, history=monthly(999_900))
    response = submit(alice_client, meter, "150", confirm_rollover="on")
    assert response.status_code == 302
    reading = Reading.objects.get(meter=meter, date=timezone.localdate())
    assert reading.rollover is True
    page = alice_client.get(response["Location"]).content.decode()
    assert "250 кВт·ч" in page and "Учтен переход счетчика через ноль" in page
    assert "250 (через ноль)" in page


def test_the_consumption_is_multiplied_by_the_coefficient(alice_client, alice_contract):
    meter = make_meter(
        alice_contract, "400", coefficient=Decimal("60"), history=monthly(1000, step=10)
    )
    response = submit(alice_client, meter, "1005")
    assert response.status_code == 302
    assert "Расход с" in (page := alice_client.get(response["Location"]).content.decode())
    assert "300 кВт·ч" in page


def test_a_date_in_the_future_is_refused(alice_client, alice_meter):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = submit(alice_client, alice_meter, "36200", day=tomorrow)
    assert errors_of(response)["date"] == ["Дата показания не может быть в будущем."]


def test_a_date_before_the_last_reading_is_refused(alice_client, alice_meter, last_month_end):
    response = submit(alice_client, alice_meter, "36200", day=last_month_end - dt.timedelta(days=1))
    assert errors_of(response)["date"] == [
        f"Дата раньше даты последнего показания ({last_month_end:%d.%m.%Y})."
    ]


def test_a_second_reading_for_the_same_date_replaces_the_first(alice_client, alice_meter):
    assert submit(alice_client, alice_meter, "36200").status_code == 302
    response = submit(alice_client, alice_meter, "36210")
    assert response.status_code == 302
    readings = Reading.objects.filter(meter=alice_meter, date=timezone.localdate())
    assert [r.value for r in readings] == [Decimal("36210")]
    assert "заменено" in alice_client.get(response["Location"]).content.decode()


def test_once_the_period_is_closed_the_reading_of_that_date_cannot_be_replaced(
    alice_client, alice_meter, stella
):
    assert submit(alice_client, alice_meter, "36200").status_code == 302
    ClosedPeriod.objects.create(month=timezone.localdate(), closed_by=stella)
    response = submit(alice_client, alice_meter, "36210")
    assert "заменить его нельзя" in errors_of(response)["date"][0]
    assert Reading.objects.get(meter=alice_meter, date=timezone.localdate()).value == 36200


def test_no_reading_is_taken_into_a_closed_month(alice_client, alice_meter):
    ClosedPeriod.objects.create(month=timezone.localdate().replace(day=1))
    response = submit(alice_client, alice_meter, "36200")
    assert "закрыт: показания за него не принимаются" in errors_of(response)["date"][0]


def test_a_consumption_over_three_times_the_average_asks_for_confirmation(
    alice_client, alice_meter
):
    response = submit(alice_client, alice_meter, "38000")
    message = errors_of(response)["value_T"][0]
    assert "Расход 1 844 кВт·ч более чем в 3 раза превышает средний за месяц (300 кВт·ч)" in message
    assert "Подтверждаю показание, несмотря на повышенный расход" in response.content.decode()
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_confirmed_spike_is_saved_flagged_for_staff(alice_client, alice_meter):
    response = submit(alice_client, alice_meter, "38000", confirm_spike="on")
    assert response.status_code == 302
    reading = Reading.objects.get(meter=alice_meter, date=timezone.localdate())
    assert reading.status == Reading.Status.FLAGGED
    assert "требует проверки" in alice_client.get(response["Location"]).content.decode()


def test_a_consumption_within_three_times_the_average_needs_no_confirmation(
    alice_client, alice_meter
):
    assert submit(alice_client, alice_meter, str(36156 + 900)).status_code == 302


def test_a_meter_without_history_takes_its_first_reading(alice_client, alice_contract):
    meter = make_meter(alice_contract, "500")
    response = submit(alice_client, meter, "12")
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "Расход будет рассчитан по следующему показанию" in page


def test_a_three_zone_meter_takes_one_value_per_zone(alice_client, alice_contract, last_month_end):
    meter = make_meter(
        alice_contract, "600", zones=3, history=[(last_month_end, {"P": 100, "H": 200, "N": 300})]
    )
    page = alice_client.get(reverse("meters:readings"), {"meter": meter.pk}).content.decode()
    for label in ("Показание (пик)", "Показание (полупик)", "Показание (ночь)"):
        assert label in page
    data = {"date": timezone.localdate().isoformat(), "value_P": "110", "value_H": "220"}
    response = alice_client.post(reverse("meters:submit", args=[meter.pk]), data)
    assert errors_of(response)["value_N"] == ["Введите показание."]
    data["value_N"] = "330"
    response = alice_client.post(reverse("meters:submit", args=[meter.pk]), data)
    assert response.status_code == 302
    saved = dict(
        Reading.objects.filter(meter=meter, date=timezone.localdate()).values_list("zone", "value")
    )
    assert saved == {"P": 110, "H": 220, "N": 330}
    assert "60 кВт·ч" in alice_client.get(response["Location"]).content.decode()


def test_an_automatic_meter_is_shown_read_only_and_takes_no_reading(alice_client, alice_contract):
    meter = make_meter(alice_contract, "700", is_automatic=True, history=monthly(5000, step=10))
    page = alice_client.get(reverse("meters:readings"), {"meter": meter.pk}).content.decode()
    assert "опрашивается автоматически (АИИСКУЭ)" in page
    assert "Введите показание прибора учета" not in page
    response = submit(alice_client, meter, "5100")
    assert response.status_code == 200
    assert not Reading.objects.filter(meter=meter, date=timezone.localdate()).exists()


def test_a_reading_saved_meanwhile_by_another_tab_is_reported_not_duplicated(
    alice_client, alice_meter, monkeypatch
):
    """The unique constraint, not the check in Python, stops the second insert."""
    from meters import readings

    real = readings.load_states
    monkeypatch.setattr(readings, "load_states", lambda meters, depth=13: real(meters, depth))
    Reading.objects.create(meter=alice_meter, date=timezone.localdate(), value=36200)
    # As if this request had read the history before the other tab saved.
    monkeypatch.setattr(
        readings,
        "load_states",
        lambda meters, depth=13: {m.pk: readings.MeterState(m) for m in meters},
    )
    response = submit(alice_client, alice_meter, "36210")
    assert "уже сохранено" in response.context["form"].non_field_errors()[0]
    assert Reading.objects.get(meter=alice_meter, date=timezone.localdate()).value == 36200


def test_another_contracts_meter_is_not_found(alice_client, alice_meter, bob_meter):
    assert alice_client.get(reverse("meters:readings"), {"meter": bob_meter.pk}).status_code == 404
    assert alice_client.get(reverse("meters:history", args=[bob_meter.pk])).status_code == 404
    assert submit(alice_client, bob_meter, "1100").status_code == 404
    assert not Reading.objects.filter(meter=bob_meter, date=timezone.localdate()).exists()


def test_the_section_needs_a_login(client, alice_meter):
    response = client.get(reverse("meters:readings"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_contract_with_several_meters_chooses_among_them_grouped_by_point(
    alice_client, alice_meter, alice_contract
):
    other = make_meter(alice_contract, "800", point_code="ТП-2", model="Меркурий 201.8")
    page = alice_client.get(reverse("meters:readings")).content.decode()
    assert '<optgroup label="ТП-1:' in page and '<optgroup label="ТП-2:' in page
    page = alice_client.get(reverse("meters:readings"), {"meter": other.pk}).content.decode()
    assert "Меркурий 201.8" in page and "Показаний еще нет." in page


def test_many_meters_can_be_searched(alice_client, alice_contract):
    for n in range(12):
        make_meter(alice_contract, f"9{n:05d}", point_code=f"ТП-{n}")
    page = alice_client.get(reverse("meters:readings"), {"q": "900011"}).content.decode()
    assert "Поиск прибора учета" in page
    options = page[page.index('<select name="meter"') : page.index("</select>")]
    assert "900011" in options and "900003" not in options


def test_the_page_makes_as_many_queries_for_500_meters_as_for_one(
    alice_client, alice_meter, alice_contract, django_assert_num_queries
):
    url = reverse("meters:readings")
    alice_client.get(url)  # the first request of a session also stamps it
    # session, user with its contract, meters with their points, the chosen meter's
    # last reading
    with django_assert_num_queries(5):
        alice_client.get(url)
    from meters.models import Meter

    point = alice_meter.delivery_point
    Meter.objects.bulk_create(
        [Meter(delivery_point=point, number=f"M{n:04d}", model="Меркурий") for n in range(499)]
    )
    with django_assert_num_queries(5):
        response = alice_client.get(url)
    assert response.content.decode().count("<option ") == 500


def test_the_history_lists_zones_in_the_meters_order_newest_date_first(
    alice_client, alice_contract, last_month_end
):
    earlier = last_month_end.replace(day=1) - dt.timedelta(days=1)
    meter = make_meter(
        alice_contract,
        "610",
        zones=3,
        history=[
            (earlier, {"P": 100, "H": 200, "N": 300}),
            (last_month_end, {"P": 110, "H": 220, "N": 330}),
        ],
    )
    rows = alice_client.get(reverse("meters:history", args=[meter.pk])).context["page"]
    listed = [(row.reading.date, row.reading.zone, row.consumption) for row in rows]
    assert listed == [
        (last_month_end, "P", 10),
        (last_month_end, "H", 20),
        (last_month_end, "N", 30),
        (earlier, "P", None),
        (earlier, "H", None),
        (earlier, "N", None),
    ]


def test_the_history_page_makes_the_same_queries_for_a_long_history(
    alice_client, alice_meter, django_assert_num_queries
):
    url = reverse("meters:history", args=[alice_meter.pk])
    alice_client.get(url)
    # session, user with its contract, the meter, its readings
    with django_assert_num_queries(5):
        alice_client.get(url)


def test_a_submitted_reading_is_in_the_audit_log(alice_client, alice, alice_meter):
    from core.models import AuditEvent

    submit(alice_client, alice_meter, "36 300")
    event = AuditEvent.objects.get(action="reading.submitted")
    assert event.user == alice
    assert alice_meter.number in event.target
    assert "36300" in event.details["values"]
