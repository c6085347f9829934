"""«Калькулятор»: the page, its defaults, the worked examples through it, and every bad input."""

import datetime as dt
import html
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from calculator.pricing import month_hours
from calculator.tests.factories import DECEMBER_2025, OCTOBER, make_tariffs, profile_csv
from core.formatting import group_digits
from meters.models import DeliveryPoint, HourlyVolume

URL = reverse("calculator:index")

PROFILE = {
    (dt.date(2026, 10, 1), 9): D("1000"),
    (dt.date(2026, 10, 1), 18): D("2000"),
    (dt.date(2026, 10, 3), 9): D("500"),
    (dt.date(2026, 10, 2), 3): D("300.125"),
}
PLANNED = {
    (dt.date(2026, 10, 1), 9): D("900"),
    (dt.date(2026, 10, 1), 18): D("2100"),
    (dt.date(2026, 10, 3), 9): D("500"),
    (dt.date(2026, 10, 2), 3): D("300.125"),
    (dt.date(2026, 10, 2), 4): D("50"),
}


def point_of(contract) -> DeliveryPoint:
    """The contract's delivery point that its hourly data is metered at."""
    return DeliveryPoint.objects.get_or_create(
        contract=contract, code="ТП-1", defaults={"address": "г. Кемерово, ул. Мира, 1"}
    )[0]


def upload(content: bytes, name: str = "profile.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post(client, action="calculate", **fields):
    data = {
        "month": "2026-10",
        "price_category": "1",
        "voltage_level": "НН",
        "max_power_kw": "150",
        "zone_scheme": "2",
        action: "1",
    }
    data.update(fields)
    # A posted file is read by the worker: the task runs (eagerly, as in `make run`) once
    # the post commits, and the job's page shows what the post shows without a file.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(URL, data)
    if response.status_code == 302:
        assert "/upload/" in response["Location"]
        response = client.get(response["Location"])
    return response


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def errors(response, field: str) -> list[str]:
    # core/fragment_field.html: <div class="error" id="…_error"><p>message</p>…</div>
    boxes = re.findall(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), re.S)
    found = [m for box in boxes for m in re.findall(r"<p>(.*?)</p>", box, re.S)]
    return [html.unescape(message) for message in found]


@pytest.fixture
def tariffs(db):
    return make_tariffs()


def test_it_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_form_defaults_to_the_last_month_with_tariffs_and_the_contract(
    alice_client, alice_contract
):
    make_tariffs(dt.date(2026, 9, 1))
    make_tariffs(OCTOBER)
    alice_contract.price_category = 2
    alice_contract.voltage_level = "СН2"
    alice_contract.max_power_kw = D("669.990")
    alice_contract.save()
    page = alice_client.get(URL).content.decode()
    assert 'name="month" value="2026-10"' in page
    assert re.search(r'<option value="2" selected>', page)
    assert re.search(r'<option value="СН2" selected>', page)
    assert 'name="max_power_kw" value="669,99"' in page
    assert "Есть тарифы за: октябрь 2026, сентябрь 2026." in text(alice_client.get(URL))


def test_category_1_worked_example_through_the_page(alice_client, tariffs):
    response = post(alice_client, total_kwh="12 345")
    page = text(response)
    assert errors(response, "total_kwh") == []
    assert "Электроэнергия 12 345 кВт·ч 6 543,21 руб/МВт·ч 80 775,93 руб." in page
    assert "Итого без НДС 80 775,93 руб." in page
    assert "НДС 22 % 17 770,70 руб." in page
    assert "Итого с НДС 98 546,63 руб." in page
    assert "демонстрационным" not in page


def test_a_2025_month_is_taxed_at_20_percent(alice_client, db):
    make_tariffs(DECEMBER_2025, hourly_categories=())
    page = text(post(alice_client, month="2025-12", total_kwh="12345"))
    assert "НДС 20 % 16 155,19 руб." in page
    assert "Итого с НДС 96 931,12 руб." in page


def test_category_2_two_zones_through_the_page(alice_client, tariffs):
    page = text(post(alice_client, price_category="2", zone_night2="4000", zone_day2="6500"))
    assert "Электроэнергия, ночь 4 000 кВт·ч 4 500,00 руб/МВт·ч 18 000,00 руб." in page
    assert "Электроэнергия, день 6 500 кВт·ч 7 100,55 руб/МВт·ч 46 153,58 руб." in page
    assert "Итого без НДС 64 153,58 руб." in page


def test_category_2_three_zones_through_the_page(alice_client, tariffs):
    page = text(
        post(
            alice_client,
            price_category="2",
            zone_scheme="3",
            zone_night3="3000",
            zone_halfpeak3="5000,5",
            zone_peak3="1234",
        )
    )
    assert "Электроэнергия, полупик 5 000,5 кВт·ч 6 900,10 руб/МВт·ч 34 503,95 руб." in page
    assert "Итого без НДС 59 891,60 руб." in page


@pytest.mark.parametrize(
    ("category", "net", "total"),
    [
        ("3", "66 555,64", "81 197,88"),
        ("4", "185 240,08", "225 992,90"),
        ("5", "66 586,64", "81 235,70"),
        ("6", "185 271,08", "226 030,72"),
    ],
)
def test_categories_3_to_6_worked_examples_from_an_uploaded_profile(
    alice_client, tariffs, category, net, total
):
    fields = {"price_category": category, "profile": upload(profile_csv(volumes=PROFILE))}
    if category in ("5", "6"):
        fields["planned"] = upload(profile_csv(volumes=PLANNED), "plan.csv")
    response = post(alice_client, **fields)
    page = text(response)
    assert errors(response, "profile") == [] and errors(response, "planned") == []
    # the zero hours of the full month add nothing: the same figures as test_pricing
    assert "средневзвешенная 3 102,73 руб/МВт·ч 11 790,78 руб." in page
    # capacity at the system operator's hour of each working day (factories.CAPACITY_HOURS)
    assert "Мощность 0,045455 МВт 1 000 000,00 руб/МВт в месяц 45 454,55 руб." in page
    assert f"Итого без НДС {net} руб." in page
    assert f"Итого с НДС {total} руб." in page
    assert "почасовой профиль: файл «profile.csv»" in page
    assert "Рабочих дней по производственному календарю: 22." in page
    network = "в плановые часы пиковой нагрузки системного оператора: 9, 18 (местное время"
    assert (network in page) == (category in ("4", "6"))
    assert ("Отклонения от плана — по каждому часу" in page) == (category in ("5", "6"))


def test_an_xlsx_profile_is_read_too(alice_client, tariffs):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["date", "hour", "kwh"])
    for day, hour in month_hours(OCTOBER):
        book.active.append([day, hour, float(PROFILE.get((day, hour), 0))])
    buffer = BytesIO()
    book.save(buffer)
    page = text(post(alice_client, price_category="3", profile=upload(buffer.getvalue(), "p.xlsx")))
    assert "Итого без НДС 66 555,64 руб." in page


def test_the_contracts_hourly_data_is_used_when_no_file_is_given(
    alice_client, alice_contract, tariffs
):
    HourlyVolume.objects.bulk_create(
        HourlyVolume(
            delivery_point=point_of(alice_contract),
            date=day,
            hour=hour,
            kwh=PROFILE.get((day, hour), 0),
        )
        for day, hour in month_hours(OCTOBER)
    )
    page = text(post(alice_client, price_category="3"))
    assert "почасовой профиль: почасовые данные договора (АИИСКУЭ)" in page
    assert "Итого без НДС 66 555,64 руб." in page
    assert "У договора есть почасовые данные за: октябрь 2026." in text(alice_client.get(URL))


def test_another_contracts_hourly_data_is_never_used(bob_client, alice_contract, tariffs):
    HourlyVolume.objects.bulk_create(
        HourlyVolume(delivery_point=point_of(alice_contract), date=day, hour=hour, kwh=1)
        for day, hour in month_hours(OCTOBER)
    )
    response = post(bob_client, price_category="3")
    assert errors(response, "profile") == [
        "Загрузите почасовой профиль: у договора нет почасовых данных за октябрь 2026."
    ]
    assert "почасовые данные за" not in text(bob_client.get(URL))


def test_incomplete_contract_hourly_data_is_refused_with_the_missing_hours(
    alice_client, alice_contract, tariffs
):
    HourlyVolume.objects.bulk_create(
        HourlyVolume(delivery_point=point_of(alice_contract), date=day, hour=hour, kwh=1)
        for day, hour in month_hours(OCTOBER)[:-2]
    )
    response = post(alice_client, price_category="3")
    assert errors(response, "profile") == [
        "Почасовые данные договора за октябрь 2026 неполные.",
        "Нет часов (2): 31.10.2026 22 ч, 31.10.2026 23 ч.",
        "Загрузите профиль файлом.",
    ]


@pytest.mark.parametrize(
    ("power", "band_label", "rate"),
    [
        ("669,99", "менее 670 кВт", "1 111,00"),
        ("670", "от 670 кВт до 10 МВт", "2 222,00"),
        ("9 999,999", "от 670 кВт до 10 МВт", "2 222,00"),
        ("10 000", "не менее 10 МВт", "3 333,00"),
    ],
)
def test_the_maximum_power_picks_the_band_of_the_rates(alice_client, db, power, band_label, rate):
    for band, capacity in (("lt670", "1111"), ("670-10000", "2222"), ("ge10000", "3333")):
        make_tariffs(band=band, monthly={
            "capacity": D(capacity), "transmission": D(1), "transmission_maintenance": D(1),
            "transmission_losses": D(1), "deviation_up": D(1), "deviation_down": D(1),
        }, hourly_categories=(3,))  # fmt: skip
    page = text(
        post(alice_client, price_category="3", max_power_kw=power, profile=upload(profile_csv()))
    )
    assert f"({band_label})" in page
    assert f"Мощность 0 МВт {rate} руб/МВт в месяц" in page


def test_from_670_kw_categories_1_and_2_are_refused(alice_client, tariffs):
    response = post(alice_client, max_power_kw="670", total_kwh="100")
    assert errors(response, "price_category") == [
        "При максимальной мощности 670 кВт и более доступны только категории 3–6."
    ]
    assert "Итого" not in text(response)


# -- «Сравнить категории» ------------------------------------------------------


def test_the_comparison_lists_every_category_cheapest_first(alice_client, db):
    # All consumption at night: the zone tariffs win, the hourly categories at a
    # high rate lose.
    make_tariffs(
        category_1=D("5000.00"),
        zones={"night2": D("3000.00"), "day2": D("6000.00"), "night3": D("2900.00"),
               "halfpeak3": D("5500.00"), "peak3": D("8000.00")},
        hourly={}, hourly_default=D("9000.00"),
    )  # fmt: skip
    night = {(day, 2): D("100") for day, _ in month_hours(OCTOBER)[::24]}  # 31 × 100 kWh
    response = post(
        alice_client, "compare", price_category="3", profile=upload(profile_csv(volumes=night))
    )
    rows = re.findall(
        r"<tr[^>]*><td>(.*?)(?: — выбранная)?</td>\s*<td class=\"num money\">.*?"
        r"<td class=\"num money\">.*?<td class=\"num money\">([^<]*)</td>",
        response.content.decode(),
        re.S,
    )
    labels = [label for label, _ in rows]
    # 3 100 kWh: 3-zone night 2 900 → 8 990,00; 2-zone night 3 000 → 9 300,00; 1st 15 500,00
    assert labels[:3] == ["2-я (вторая), три зоны суток", "2-я (вторая), две зоны суток",
                          "1-я (первая)"]  # fmt: skip
    assert [total for _, total in rows][:3] == [
        "10 967,80 руб.",
        "11 346,00 руб.",
        "18 910,00 руб.",
    ]
    assert sorted(labels[3:]) == ["3-я (третья)", "4-я (четвертая)", "5-я (пятая)", "6-я (шестая)"]
    totals = [D(t.replace(" руб.", "").replace(" ", "").replace(",", ".")) for _, t in rows]
    assert totals == sorted(totals)
    assert "3-я (третья) — выбранная" in text(response)


def test_from_670_kw_the_comparison_says_why_categories_1_and_2_are_missing(alice_client, db):
    make_tariffs(band="670-10000")
    response = post(
        alice_client, "compare", price_category="4", max_power_kw="1200",
        profile=upload(profile_csv(volumes=PROFILE)),
    )  # fmt: skip
    page = text(response)
    message = "При максимальной мощности 670 кВт и более доступны только категории 3–6."
    assert f"1-я (первая) Не рассчитана. {message}" in page
    assert page.count(message) == 3
    assert "4-я (четвертая) — выбранная 185 240,08 руб." in page


def test_a_comparison_from_a_total_volume_says_a_profile_is_needed(alice_client, tariffs):
    page = text(post(alice_client, "compare", total_kwh="12345"))
    assert "1-я (первая) — выбранная 80 775,93 руб." in page
    assert "3-я (третья) Не рассчитана. Для расчета нужен почасовой профиль" in page
    assert (
        "2-я (вторая), две зоны суток Не рассчитана. Для расчета нужны объемы по зонам суток "
        "или почасовой профиль" in page
    )


def test_a_comparison_from_zone_volumes_prices_category_1_on_their_sum(alice_client, tariffs):
    page = text(post(alice_client, "compare", price_category="2", zone_night2="4000",
                     zone_day2="8345"))  # fmt: skip
    assert "1-я (первая) 80 775,93 руб." in page  # 12 345 kWh at 6 543,21
    assert "2-я (вторая), две зоны суток — выбранная" in page
    assert "2-я (вторая), три зоны суток Не рассчитана" in page


# -- bad input -------------------------------------------------------------------


def test_a_negative_volume_is_refused_and_kept(alice_client, tariffs):
    response = post(alice_client, total_kwh="-5")
    assert errors(response, "total_kwh") == ["Объем не может быть отрицательным."]
    assert 'name="total_kwh" value="-5"' in response.content.decode()
    assert "Итого" not in text(response)


def test_a_negative_zone_volume_is_refused(alice_client, tariffs):
    response = post(alice_client, price_category="2", zone_night2="-1", zone_day2="10")
    assert errors(response, "zone_night2") == ["Объем не может быть отрицательным."]
    assert 'name="zone_day2" value="10"' in response.content.decode()


def test_a_volume_that_is_not_a_number_is_refused(alice_client, tariffs):
    response = post(alice_client, total_kwh="много")
    assert errors(response, "total_kwh") == ["Введите число, например 12 345,5."]


def test_a_negative_power_is_refused(alice_client, tariffs):
    response = post(alice_client, max_power_kw="-1", total_kwh="1")
    assert errors(response, "max_power_kw") == ["Мощность не может быть отрицательной."]


def test_a_month_without_tariffs_is_refused_and_the_months_with_tariffs_named(
    alice_client, tariffs
):
    response = post(alice_client, month="2026-09", total_kwh="100")
    assert errors(response, "month") == [
        "Тарифы за сентябрь 2026 не опубликованы. Есть тарифы за: октябрь 2026."
    ]
    assert 'name="month" value="2026-09"' in response.content.decode()
    assert 'name="total_kwh" value="100"' in response.content.decode()


def test_a_month_that_is_not_a_month_is_refused(alice_client, tariffs):
    response = post(alice_client, month="октябрь", total_kwh="100")
    assert errors(response, "month") == ["Укажите месяц в виде ГГГГ-ММ, например 2026-10."]


def test_a_month_lacking_the_rates_of_the_category_is_refused(alice_client, db):
    make_tariffs(hourly_categories=())
    response = post(alice_client, price_category="3", profile=upload(profile_csv()))
    assert errors(response, "month") == [
        "Нет почасовых ставок 3-й категории (НН, менее 670 кВт) за октябрь 2026: "
        "не хватает 744 ч (первый — 01.10.2026 0 ч)."
    ]


def test_a_month_lacking_the_voltage_level_is_refused(alice_client, tariffs):
    response = post(alice_client, voltage_level="ВН", total_kwh="100")
    assert errors(response, "month") == [
        "Нет тарифа 1-й категории (ВН, менее 670 кВт) за октябрь 2026."
    ]


def test_category_1_needs_the_volume(alice_client, tariffs):
    response = post(alice_client)
    assert errors(response, "total_kwh") == ["Укажите объем потребления за месяц."]


def test_category_2_needs_every_zone_of_the_scheme(alice_client, tariffs):
    response = post(alice_client, price_category="2", zone_scheme="3", zone_night3="1")
    assert errors(response, "zone_halfpeak3") == ["Укажите объем по этой зоне."]
    assert errors(response, "zone_peak3") == ["Укажите объем по этой зоне."]
    assert errors(response, "zone_night3") == []


def test_categories_3_to_6_need_a_profile_when_the_contract_has_none(alice_client, tariffs):
    response = post(alice_client, price_category="4")
    assert errors(response, "profile") == [
        "Загрузите почасовой профиль: у договора нет почасовых данных за октябрь 2026."
    ]


def test_categories_5_and_6_need_the_planned_volumes(alice_client, tariffs):
    response = post(alice_client, price_category="5", profile=upload(profile_csv()))
    assert errors(response, "planned") == [
        "Для 5-й и 6-й категорий загрузите плановые почасовые объемы."
    ]


def test_the_peak_hours_are_the_published_data_not_a_field(alice_client, tariffs):
    page = alice_client.get(URL).content.decode()
    assert 'name="peak_hours"' not in page
    assert "по часу пиковой нагрузки системного оператора в каждый рабочий день" in page


def test_a_month_without_the_system_operators_hours_of_every_working_day_is_refused(
    alice_client, db
):
    from calculator.models import CapacityPeakHour

    make_tariffs()
    CapacityPeakHour.objects.filter(date=dt.date(2026, 10, 5)).delete()
    page = text(post(alice_client, price_category="3", profile=upload(profile_csv())))
    assert (
        "Нет часов пиковой нагрузки системного оператора за октябрь 2026: не хватает 1 рабочих "
        "дней (первый — 05.10.2026)." in page
    )


def test_categories_4_and_6_without_the_months_planned_peak_hours_are_refused(alice_client, db):
    from calculator.models import MonthHours

    make_tariffs()
    MonthHours.objects.filter(kind="network_peak").delete()
    page = text(post(alice_client, price_category="4", profile=upload(profile_csv())))
    assert "Нет плановых часов пиковой нагрузки системного оператора за октябрь 2026." in page
    assert "Итого без НДС 0,00 руб." in text(
        post(alice_client, price_category="3", profile=upload(profile_csv()))
    )  # category 3 needs only the daily hours


def test_a_profile_splits_into_the_months_published_three_zones(alice_client, db):
    from calculator.models import MonthHours

    make_tariffs()
    # 2 October: 100 kWh at 7 h, 50 at 12 h. Published zones: 7 h is peak, 12 h half-peak.
    volumes = {(dt.date(2026, 10, 2), 7): D("100"), (dt.date(2026, 10, 2), 12): D("50")}
    fields = {"profile": upload(profile_csv(volumes=volumes))}
    page = text(post(alice_client, "compare", price_category="3", **fields))
    # peak 100 × 9 876,54 / 1000 = 987,654 → 987,65; half-peak 50 × 6 900,10 / 1000 = 345,005
    # → 345,01; night 0: net 1 332,66, НДС 293,1852 → 293,19, total 1 625,85
    assert "2-я (вторая), три зоны суток 1 332,66 руб. 293,19 руб. 1 625,85 руб." in page
    # Another month's intervals: 7 h becomes half-peak: 150 × 6 900,10 / 1000 = 1 035,015
    # → 1 035,02, НДС 227,7044 → 227,70, total 1 262,72
    MonthHours.objects.filter(kind="peak3").update(hours="8-9, 17-20")
    MonthHours.objects.filter(kind="halfpeak3").update(hours="7, 10-16, 21-22")
    fields = {"profile": upload(profile_csv(volumes=volumes))}
    page = text(post(alice_client, "compare", price_category="3", **fields))
    assert "2-я (вторая), три зоны суток 1 035,02 руб. 227,70 руб. 1 262,72 руб." in page


def test_a_profile_with_missing_hours_names_them(alice_client, tariffs):
    skip = {(dt.date(2026, 10, 31), 22), (dt.date(2026, 10, 31), 23)}
    response = post(alice_client, price_category="3", profile=upload(profile_csv(skip=skip)))
    assert errors(response, "profile") == ["Нет часов (2): 31.10.2026 22 ч, 31.10.2026 23 ч."]


def test_a_profile_with_a_doubled_hour_names_it_and_its_lines(alice_client, tariffs):
    response = post(
        alice_client, price_category="3",
        profile=upload(profile_csv(extra=["01.10.2026;5;7"])),
    )  # fmt: skip
    assert errors(response, "profile") == ["Часы указаны дважды: 01.10.2026 5 ч (строки 7 и 746)."]


def test_a_profile_with_hours_of_another_month_is_refused(alice_client, tariffs):
    response = post(
        alice_client, price_category="3", profile=upload(profile_csv(extra=["01.11.2026;0;7"]))
    )
    assert errors(response, "profile") == [
        "Часы не из месяца октябрь 2026: 01.11.2026 0 ч (строка 746)."
    ]


def test_a_profile_with_a_negative_volume_or_a_bad_hour_names_the_line(alice_client, tariffs):
    content = profile_csv().replace(b"01.10.2026;1;0", b"01.10.2026;1;-5")
    content = content.replace(b"01.10.2026;2;0", b"01.10.2026;24;0")
    response = post(alice_client, price_category="3", profile=upload(content))
    assert errors(response, "profile") == [
        "Ошибка в файле «profile.csv»: строка 3: объем за 01.10.2026 1 ч отрицательный (-5.000).",
        "Ошибка в файле «profile.csv»: строка 4, столбец hour: должно быть не больше 23.",
    ]


def test_a_file_that_is_not_csv_or_xlsx_is_refused(alice_client, tariffs):
    response = post(alice_client, price_category="3", profile=upload(b"\x89PNG\r\n", "photo.png"))
    assert errors(response, "profile") == [
        "Файл «photo.png» не CSV и не XLSX: загрузите таблицу date, hour, kwh."
    ]


def test_a_broken_xlsx_is_refused(alice_client, tariffs):
    response = post(alice_client, price_category="3", profile=upload(b"PK\x03\x04 no", "p.xlsx"))
    assert errors(response, "profile") == [
        "Файл «p.xlsx» не прочитан, строка 1: файл XLSX не читается (BadZipFile)."
    ]


def test_a_csv_without_the_kwh_column_is_refused(alice_client, tariffs):
    response = post(alice_client, price_category="3", profile=upload(b"date;hour\n01.10.2026;0\n"))
    assert errors(response, "profile") == [
        "Файл «profile.csv» не прочитан, строка 1: столбец kwh: нет обязательного столбца."
    ]


def test_a_csv_not_in_utf8_is_refused(alice_client, tariffs):
    content = "дата;hour;kwh\n".encode("cp1251")
    response = post(alice_client, price_category="3", profile=upload(content))
    assert errors(response, "profile") == [
        "Файл «profile.csv» не прочитан, строка 1: файл не в кодировке UTF-8 "
        "(сохраните его как «CSV UTF-8»)."
    ]


def test_a_bad_planned_file_is_reported_next_to_its_own_field(alice_client, tariffs):
    response = post(
        alice_client, price_category="6", profile=upload(profile_csv()),
        planned=upload(profile_csv(skip={(OCTOBER, 0)}), "plan.csv"),
    )  # fmt: skip
    assert errors(response, "planned") == ["Нет часов (1): 01.10.2026 0 ч."]
    assert errors(response, "profile") == []


# -- queries -----------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_hourly_data(
    alice_client, alice_contract, tariffs, django_assert_num_queries
):
    def compare():
        return post(alice_client, "compare", price_category="3")

    HourlyVolume.objects.bulk_create(
        HourlyVolume(delivery_point=point_of(alice_contract), date=day, hour=hour, kwh=1)
        for day, hour in month_hours(OCTOBER)
    )
    alice_client.get(URL)  # the session's first request writes it; not what is measured
    with django_assert_num_queries(14):
        assert "Сравнение категорий" in text(compare())
    make_tariffs(dt.date(2026, 9, 1))
    HourlyVolume.objects.bulk_create(
        HourlyVolume(delivery_point=point_of(alice_contract), date=day, hour=hour, kwh=2)
        for day, hour in month_hours(dt.date(2026, 9, 1))
    )
    with django_assert_num_queries(14):
        compare()


def test_a_suspicious_profile_is_warned_about_but_still_priced(alice_client, tariffs):
    flat = {(day, hour): D("5") for day, hour in month_hours(OCTOBER)}
    page = text(post(alice_client, price_category="3", profile=upload(profile_csv(volumes=flat))))
    assert "Почасовой профиль выглядит подозрительно" in page
    assert "профиль ровный: во всех часах одинаковый объем" in page
    assert "Итого с НДС" in page


def test_a_plausible_profile_carries_no_warning(alice_client, tariffs):
    page = text(
        post(alice_client, price_category="3", profile=upload(profile_csv(volumes=PROFILE)))
    )
    assert "подозрительно" not in page


def test_the_comparison_uses_the_planned_volumes_when_given(alice_client, tariffs):
    response = post(
        alice_client, "compare", price_category="5",
        profile=upload(profile_csv(volumes=PROFILE)),
        planned=upload(profile_csv(volumes=PLANNED), "plan.csv"),
    )  # fmt: skip
    page = text(response)
    # 66 555,64 + 31,00 of deviations, each hour at its own rate (test_pricing)
    assert "5-я (пятая) — выбранная 66 586,64 руб." in page
    assert "будто план совпал с фактом" not in page


def test_without_planned_volumes_the_comparison_says_5_and_6_assume_none(alice_client, tariffs):
    page = text(post(alice_client, "compare", price_category="3",
                     profile=upload(profile_csv(volumes=PROFILE))))  # fmt: skip
    assert "5-я (пятая) 66 555,64 руб." in page  # the same as category 3: no deviations
    assert "будто план совпал с фактом" in page


def test_the_comparison_names_the_cheapest_and_each_difference_to_the_chosen(
    alice_client, alice_contract, tariffs
):
    """Issue 20: «Какая ценовая категория выгоднее» with the contract's own hours."""
    HourlyVolume.objects.bulk_create(
        HourlyVolume(delivery_point=point_of(alice_contract), date=day, hour=hour,
                     kwh=PROFILE.get((day, hour), 0))
        for day, hour in month_hours(OCTOBER)
    )  # fmt: skip
    response = post(alice_client, "compare", price_category="3")
    options = [o for o in response.context["options"] if o.cost is not None]
    chosen = next(o for o in options if o.is_current)
    cheapest = options[0]
    page = text(response)
    assert "Разница с выбранной" in page
    for option in options:
        assert option.difference == option.cost.total - chosen.cost.total
    if cheapest.is_current:
        assert "это выбранная категория" in page
    else:
        saving = chosen.cost.total - cheapest.cost.total
        assert f"Выгоднее всего — {cheapest.label} ценовая категория" in page
        assert f"на {group_digits(saving, 2)} руб. меньше выбранной" in page
